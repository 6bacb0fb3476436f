"""The IAM model: the account, request context, tri-state logic, wildcard patterns, policy
variables, the ARN index, regions and the project's error types.
"""
