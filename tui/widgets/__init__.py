"""Widgets of the explorer: pane tables, the details pane, the header and the command bar."""
