"""Policy evaluation: one request against a principal's policies, conditions, decisions with their
reasons, and the keys a caller controls.
"""
