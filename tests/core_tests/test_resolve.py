"""Choosing caller-controlled keys in the caller's favour (core.escalate.caller_favour), one rule
each.

IAM User Guide, "Condition operators": "If the key that you specify in a policy condition is
not present in the request context, the values do not match"; "Policy evaluation logic": an
explicit Deny overrides any Allow. A key the caller chooses (core.evaluate.caller_keys) becomes a
constraint on
the edge; a key it does not choose leaves the edge conditional.
"""

from __future__ import annotations

from core.escalate.caller_favour import Resolved, merge, resolve_in_favour
from tests.core_tests.decisions import ACCT, decide, statement

EC2_INSTANCE = f"arn:aws:ec2:us-east-1:{ACCT}:instance/*"


def test_unconditional_decisions_need_no_choice() -> None:
    assert resolve_in_favour(decide(statement("Allow"))) == Resolved(True)
    assert resolve_in_favour(decide()) == Resolved(False)  # implicit deny


def test_a_chosen_key_becomes_a_constraint_not_a_condition() -> None:
    d = decide(statement("Allow", StringEquals={"aws:RequestedRegion": "eu-west-1"}))
    r = resolve_in_favour(d)
    assert r.possible and not r.conditional
    assert r.constraints == ('aws:RequestedRegion StringEquals "eu-west-1"',)


def test_a_key_the_caller_does_not_choose_leaves_the_edge_conditional() -> None:
    d = decide(statement("Allow", IpAddress={"aws:SourceIp": "10.0.0.0/8"}))
    r = resolve_in_favour(d)
    assert r.possible and r.conditional
    assert r.conditions == ('aws:SourceIp IpAddress "10.0.0.0/8"',)


def test_associated_resource_arn_must_fit_the_arn_the_service_presents() -> None:
    """``iam:AssociatedResourceARN`` names the resource the role is passed for."""
    ok = decide(statement("Allow", ArnLike={"iam:AssociatedResourceARN": EC2_INSTANCE}))
    other = decide(
        statement("Allow", ArnLike={"iam:AssociatedResourceARN": "arn:aws:lambda:*:*:function:*"})
    )
    assert resolve_in_favour(ok, EC2_INSTANCE).possible
    assert not resolve_in_favour(other, EC2_INSTANCE).possible
    assert not resolve_in_favour(ok, None).possible  # no ARN is presented: the key is absent


def test_source_arn_of_another_account_can_never_match() -> None:
    d = decide(
        statement("Allow", ArnEquals={"aws:SourceArn": "arn:aws:s3:::bucket-of-999988887777"})
    )
    mine = decide(statement("Allow", ArnLike={"aws:SourceArn": f"arn:aws:s3:*:{ACCT}:*"}))
    assert not resolve_in_favour(d, source_account=ACCT).possible
    assert resolve_in_favour(mine, source_account=ACCT).possible


def test_a_deny_on_a_chosen_key_is_avoided_by_choosing_otherwise() -> None:
    d = decide(
        statement("Allow"),
        statement("Deny", StringEquals={"aws:RequestedRegion": "us-east-1"}),
    )
    r = resolve_in_favour(d)
    assert r.possible and not r.conditional
    assert r.constraints == ('avoid aws:RequestedRegion StringEquals "us-east-1" (p Statement[1])',)


def test_a_deny_on_a_key_the_caller_does_not_choose_is_an_unless_condition() -> None:
    d = decide(
        statement("Allow"),
        statement("Deny", Bool={"aws:MultiFactorAuthPresent": "false"}),
    )
    r = resolve_in_favour(d)
    assert r.possible and r.conditional
    assert r.conditions[0].startswith("unless aws:MultiFactorAuthPresent")


def test_merge_is_impossible_if_one_part_is_and_lists_each_condition_once() -> None:
    a = Resolved(True, True, ("c1",), ("k1",))
    b = Resolved(True, False, ("c1", "c2"), ("k1",))
    assert merge([a, b]) == Resolved(True, True, ("c1", "c2"), ("k1",))
    assert merge([a, Resolved(False)]) == Resolved(False)
    assert merge([]) == Resolved(True)
