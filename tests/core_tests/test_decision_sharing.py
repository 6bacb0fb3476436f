"""Decisions shared between principals by documents and statements, relabelled per principal.

IAM User Guide, "Policy evaluation logic": the decision depends on the statements that match the
request (their Effect, Action, Resource, Principal, Condition) and the request context, not on
how a policy is attached. So a decision made for one principal is reused for another holding the
same documents, but its reasons must cite the other principal's own attachment, and a resource
policy (a role's trust) must match the other principal's ARN on its own ("Principal" element).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from core.evaluate.evaluator import Request, evaluate
from core.evaluate.principal import (
    PrincipalView,
    principal_view,
    shared_decisions,
    trust_policy_ref,
)
from core.load.snapshot import load_data

A = "111122223333"
NOW = datetime(2026, 12, 1, tzinfo=UTC).timestamp()


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def account(trust: dict[str, Any], *statements: dict[str, Any]) -> Any:
    users = [
        {
            "UserName": n,
            "Arn": f"arn:aws:iam::{A}:user/{n}",
            "AttachedManagedPolicies": [
                {"PolicyName": "dev", "PolicyArn": f"arn:aws:iam::{A}:policy/dev"}
            ],
        }
        for n in ("alice", "bob")
    ]
    return load_data(
        {
            "UserDetailList": users,
            "GroupDetailList": [],
            "RoleDetailList": [
                {
                    "RoleName": "Target",
                    "Arn": f"arn:aws:iam::{A}:role/Target",
                    "AssumeRolePolicyDocument": trust,
                }
            ],
            "Policies": [
                {
                    "PolicyName": "dev",
                    "Arn": f"arn:aws:iam::{A}:policy/dev",
                    "DefaultVersionId": "v1",
                    "PolicyVersionList": [
                        {"VersionId": "v1", "IsDefaultVersion": True, "Document": doc(*statements)}
                    ],
                }
            ],
        }
    )


def fresh(v: PrincipalView, action: str, resource: str, **kw: Any) -> Any:
    """What the evaluator decides for this principal alone (no cache, no sharing)."""
    return evaluate(Request(v.arn, action, resource, v.context()), v.policies, **kw)


def test_a_shared_decision_cites_the_callers_own_attachment() -> None:
    acct = account(
        doc({"Effect": "Allow", "Principal": {"AWS": A}, "Action": "sts:AssumeRole"}),
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::secret/*"},
    )
    alice, bob = (principal_view(acct, u, NOW) for u in acct.users)
    assert alice.signature == bob.signature
    assert alice.shared is bob.shared is shared_decisions(acct)  # the account owns the table
    for resource in ("arn:aws:s3:::open/x", "arn:aws:s3:::secret/x"):
        alice.decide("s3:GetObject", resource)
        assert alice.shared  # alice's decision is there for bob to reuse
        d = bob.decide("s3:GetObject", resource)
        assert d == fresh(bob, "s3:GetObject", resource)
        cited = [*d.allowed_by, *d.denied_by]
        assert cited and all(s.policy.via == "attached to user bob" for s in cited)
    # A changed copy of the account (a what-if) starts with a table of its own, empty.
    assert shared_decisions(acct) and shared_decisions(replace(acct)) == {}


def test_a_trust_naming_one_user_is_not_shared_with_another() -> None:
    # The trust names alice only; the identity policy does not allow sts:AssumeRole, so only a
    # trust that names the caller itself can grant it (STS AssumeRole, same account).
    acct = account(
        doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{A}:user/alice"},
                "Action": "sts:AssumeRole",
            }
        ),
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
    )
    role = acct.roles[0]
    alice, bob = (principal_view(acct, u, NOW) for u in acct.users)
    kw: dict[str, Any] = {"resource_policy": trust_policy_ref(role), "resource_must_allow": True}
    a = alice.decide("sts:AssumeRole", role.arn, **kw)
    b = bob.decide("sts:AssumeRole", role.arn, **kw)
    assert a.allowed and not b.possible
    assert a == fresh(alice, "sts:AssumeRole", role.arn, **kw)
    assert b == fresh(bob, "sts:AssumeRole", role.arn, **kw)


def test_a_trust_naming_the_account_is_shared_and_relabelled() -> None:
    acct = account(
        doc({"Effect": "Allow", "Principal": {"AWS": A}, "Action": "sts:AssumeRole"}),
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"},
    )
    role = acct.roles[0]
    alice, bob = (principal_view(acct, u, NOW) for u in acct.users)
    kw: dict[str, Any] = {"resource_policy": trust_policy_ref(role), "resource_must_allow": True}
    alice.decide("sts:AssumeRole", role.arn, **kw)
    assert len(shared_decisions(acct)) == 1
    b = bob.decide("sts:AssumeRole", role.arn, **kw)
    assert len(shared_decisions(acct)) == 1  # reused, not evaluated again
    assert b.allowed and b == fresh(bob, "sts:AssumeRole", role.arn, **kw)
    assert {s.policy.via for s in b.allowed_by} == {
        "attached to user bob",
        "trust policy of role Target",
    }
