"""Screens of the explorer: the main screen and its modals (help, policy, paths, what-if...)."""
