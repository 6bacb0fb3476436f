"""Tests of the headless command line."""
