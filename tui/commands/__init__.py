"""Subcommands of the ``iam-explore`` CLI, one module each."""
