"""iam-explore core: the IAM model, loaders, evaluator and analysis (no UI)."""
