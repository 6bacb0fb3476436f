"""Edges of the other escalation methods (core.escalate.method_edges), one rule each.

Each method's action is evaluated on each target's real ARN (IAM Service Authorization
Reference: ``iam:PutUserPolicy`` and ``iam:CreateAccessKey`` act on a ``user`` resource);
``sts:AssumeRole`` also needs the role's trust policy to allow (IAM User Guide, "Policy
evaluation logic", cross-checked with the trust policy in every case); an explicit Deny on a
target removes that edge only; a condition on a key the caller does not choose makes the edge
conditional.
"""

from __future__ import annotations

from typing import Any

from core.escalate.analysis import Analysis
from core.escalate.method_edges import MethodEdge, method_edges_for
from core.escalate.tables.methods import method_by_id
from tests.core_tests.accounts import account, allow, arn, deny, doc, inline, trust, user
from tests.core_tests.accounts import role as role_

ALICE, BOB, CAROL = arn("user", "alice"), arn("user", "bob"), arn("user", "carol")


def edges(a: Analysis, method_id: str, source: str = ALICE) -> dict[str, MethodEdge]:
    method = method_by_id(method_id)
    assert method is not None
    found = method_edges_for(a.account, a.views[source], a.trusted, [method])
    return {e.target: e for e in found}


def alice(*statements: dict[str, Any]) -> dict[str, Any]:
    return user("alice", inline("p", doc(*statements)))


def test_an_edge_per_target_the_action_is_allowed_on() -> None:
    a = account(users=[alice(allow("iam:PutUserPolicy", BOB)), user("bob"), user("carol")])
    got = edges(a, "put-user-policy")
    assert BOB in got and CAROL not in got
    assert got[BOB].target_kind == "user" and not got[BOB].resolved.conditional


def test_a_deny_on_one_target_removes_only_that_edge() -> None:
    a = account(
        users=[
            alice(allow("iam:CreateAccessKey"), deny("iam:CreateAccessKey", BOB)),
            user("bob"),
            user("carol"),
        ]
    )
    got = edges(a, "create-access-key")
    assert BOB not in got and CAROL in got


def test_a_condition_the_caller_does_not_choose_makes_it_conditional() -> None:
    a = account(
        users=[
            alice(allow("iam:PutUserPolicy", BOB, IpAddress={"aws:SourceIp": "10.0.0.0/8"})),
            user("bob"),
        ]
    )
    e = edges(a, "put-user-policy")[BOB]
    assert e.resolved.conditional
    assert e.resolved.conditions == ('aws:SourceIp IpAddress "10.0.0.0/8"',)


def test_assume_role_needs_the_trust_policy_too() -> None:
    trusted, other = arn("role", "Trusted"), arn("role", "Other")
    a = account(
        users=[alice(allow("sts:AssumeRole"))],
        roles=[
            role_("Trusted", trust(ALICE)),
            role_("Other", trust(arn("user", "someone-else"))),
        ],
    )
    got = edges(a, "assume-role")
    assert trusted in got and other not in got


def test_without_any_allow_naming_the_action_there_is_no_edge() -> None:
    a = account(users=[alice(allow("s3:*")), user("bob")])
    assert edges(a, "put-user-policy") == {}


def test_taking_over_an_existing_instance_is_conditional_on_one_existing() -> None:
    """Without an inventory the snapshot cannot say an instance runs as the role."""
    a = account(
        users=[alice(allow(["ssm:SendCommand"]))],
        roles=[
            role_(
                "Top", trust(service="ec2.amazonaws.com"), inline("all", doc(allow("*"))),
                profile=True,
            )
        ],
    )  # fmt: skip
    got = [e for e in edges(a, "ssm-send-command").values() if e.target == arn("role", "Top")]
    assert got and all(e.existing for e in got)
