"""Loading: snapshot files, policy parsing, lint, the action catalogue, bundled AWS managed
policies, the resource inventory, live fetch (boto3) and the bundled samples.
"""
