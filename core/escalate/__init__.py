"""Escalation analysis: PassRole and method edges, caller-favoured resolution of conditions,
regions, admin-equivalence and gains, paths, and the analysis itself.
"""
