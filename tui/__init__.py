"""iam-explore terminal UI and CLI."""
