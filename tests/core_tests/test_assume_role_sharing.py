"""Assume-role edges decided once per signature only where the trust policy ignores the caller.

STS API reference, AssumeRole: "the role's trust policy ... specifies who can assume the role";
a trust policy that names the account delegates to the caller's identity policies, one that
names a principal ARN (or reads ``aws:PrincipalArn``, ``aws:PrincipalTag/*``, ``aws:username``,
policy variables) decides per principal. Callers that share a signature have the same identity
policies, so a trust of the first kind gives each of them the same decision.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from core.escalate.analysis import analyse
from core.escalate.method_edges import caller_independent
from core.evaluate.principal import principal_view
from core.load.snapshot import load_data

A = "111122223333"
AT = datetime(2026, 12, 1, tzinfo=UTC)
ASSUME = {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}
READ = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
ADMIN = {"Effect": "Allow", "Action": "*", "Resource": "*"}


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def managed(name: str, *statements: dict[str, Any]) -> dict[str, Any]:
    return {
        "PolicyName": name,
        "Arn": f"arn:aws:iam::{A}:policy/{name}",
        "DefaultVersionId": "v1",
        "PolicyVersionList": [
            {"VersionId": "v1", "IsDefaultVersion": True, "Document": doc(*statements)}
        ],
    }


def attach(name: str) -> list[dict[str, str]]:
    return [{"PolicyName": name, "PolicyArn": f"arn:aws:iam::{A}:policy/{name}"}]


def user(name: str, policy: str, **tags: str) -> dict[str, Any]:
    return {
        "UserName": name,
        "Arn": f"arn:aws:iam::{A}:user/{name}",
        "AttachedManagedPolicies": attach(policy),
        "Tags": [{"Key": k, "Value": v} for k, v in tags.items()],
    }


def role(name: str, trust: dict[str, Any], policy: str = "admin") -> dict[str, Any]:
    return {
        "RoleName": name,
        "Arn": f"arn:aws:iam::{A}:role/{name}",
        "AssumeRolePolicyDocument": trust,
        "AttachedManagedPolicies": attach(policy),
    }


def trust(principal: Any, **extra: Any) -> dict[str, Any]:
    return doc({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole", **extra})


ROOT = {"AWS": f"arn:aws:iam::{A}:root"}


def account(trust_doc: dict[str, Any], policy: tuple[dict[str, Any], ...] = (ASSUME,)) -> Any:
    return load_data(
        {
            "UserDetailList": [
                user("alice", "dev", team="ops"),
                user("bob", "dev", team="web"),
            ],
            "GroupDetailList": [],
            "RoleDetailList": [role("Target", trust_doc)],
            "Policies": [managed("dev", *policy), managed("admin", ADMIN)],
        }
    )


def assumers(trust_doc: dict[str, Any], policy: tuple[dict[str, Any], ...] = (ASSUME,)) -> set[str]:
    acct = account(trust_doc, policy)
    alice, bob = (principal_view(acct, u) for u in acct.users)
    assert alice.signature == bob.signature  # the case where sharing could go wrong
    found = analyse(acct, at=AT).findings
    return {f.source.rsplit("/", 1)[1] for f in found if f.kind == "assume-role"}


def test_trust_naming_the_account_gives_every_caller_of_the_signature_the_edge() -> None:
    assert assumers(trust(ROOT)) == {"alice", "bob"}


def test_trust_naming_the_account_still_needs_the_identity_allow() -> None:
    # AssumeRole: a trust that names the account delegates to the identity policies.
    assert assumers(trust(ROOT), (READ,)) == set()


def test_trust_naming_one_user_is_decided_per_user() -> None:
    # Named in the trust: no identity permission needed, and only that user.
    named = trust({"AWS": f"arn:aws:iam::{A}:user/alice"})
    assert assumers(named, (READ,)) == {"alice"}
    assert assumers(named) == {"alice"}


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"StringEquals": {"aws:PrincipalTag/team": "ops"}}, {"alice"}),
        ({"StringEquals": {"aws:username": "bob"}}, {"bob"}),
        ({"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{A}:user/al*"}}, {"alice"}),
        ({"StringEquals": {"aws:PrincipalTag/team": "${aws:username}"}}, set()),
    ],
)
def test_trust_reading_the_callers_keys_is_decided_per_principal(
    condition: dict[str, Any], expected: set[str]
) -> None:
    assert assumers(trust(ROOT, Condition=condition)) == expected


def test_not_principal_trust_is_decided_per_principal() -> None:
    # NotPrincipal with Deny: every principal but alice is refused.
    trust_doc = doc(
        {"Effect": "Allow", "Principal": ROOT, "Action": "sts:AssumeRole"},
        {
            "Effect": "Deny",
            "NotPrincipal": {"AWS": f"arn:aws:iam::{A}:user/alice"},
            "Action": "sts:AssumeRole",
        },
    )
    assert assumers(trust_doc) == {"alice"}


def test_which_trusts_are_shared() -> None:
    def free(trust_doc: dict[str, Any]) -> bool:
        return caller_independent(account(trust_doc).roles[0])

    assert free(trust(ROOT))
    assert free(trust({"AWS": A}, Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}))
    assert free(trust({"Service": "lambda.amazonaws.com"}))
    assert not free(trust({"AWS": f"arn:aws:iam::{A}:user/alice"}))
    assert not free(trust(ROOT, Condition={"StringLike": {"aws:PrincipalArn": "*"}}))
    assert not free(trust(ROOT, Condition={"StringEquals": {"sts:ExternalId": "${aws:userid}"}}))


def test_roles_sharing_a_signature_assume_each_other_but_not_themselves() -> None:
    acct = load_data(
        {
            "UserDetailList": [],
            "GroupDetailList": [],
            "RoleDetailList": [role("R1", trust(ROOT), "dev"), role("R2", trust(ROOT), "dev")],
            "Policies": [managed("dev", ASSUME, READ)],
        }
    )
    r1, r2 = (principal_view(acct, r) for r in acct.roles)
    assert r1.signature == r2.signature
    found = analyse(acct, at=AT).findings
    pairs = {
        (f.source.rsplit("/", 1)[1], f.target.rsplit("/", 1)[1])
        for f in found
        if f.kind == "assume-role"
    }
    assert pairs == {("R1", "R2"), ("R2", "R1")}


@pytest.mark.parametrize(
    ("allow", "expected"),
    [
        ({"Resource": f"arn:aws:iam::{A}:role/app-*"}, {"app-x"}),
        ({"Resource": f"arn:aws:iam::{A}:role/${{aws:username}}"}, {"alice"}),
        ({"NotResource": f"arn:aws:iam::{A}:role/app-*"}, {"ops-y", "alice"}),
    ],
)
def test_account_trust_needs_an_identity_allow_whose_resource_matches_the_role(
    allow: dict[str, Any], expected: set[str]
) -> None:
    # AssumeRole: a trust naming the account delegates to the identity policy, whose Resource
    # must match the role (the ARN index picks the candidates; the evaluator decides).
    acct = load_data(
        {
            "UserDetailList": [user("alice", "dev")],
            "GroupDetailList": [],
            "RoleDetailList": [role(n, trust(ROOT)) for n in ("app-x", "ops-y", "alice")],
            "Policies": [
                managed("dev", {"Effect": "Allow", "Action": "sts:AssumeRole", **allow}),
                managed("admin", ADMIN),
            ],
        }
    )
    found = analyse(acct, at=AT).findings
    got = {f.target.rsplit("/", 1)[1] for f in found if f.kind == "assume-role"}
    assert got == expected
