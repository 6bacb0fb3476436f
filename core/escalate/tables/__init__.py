"""Data tables: the services that take a passed role, and the other escalation methods."""
