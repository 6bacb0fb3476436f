"""Pilot tests of the explorer's screens and widgets."""
