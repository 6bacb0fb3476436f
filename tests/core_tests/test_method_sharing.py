"""Method edges shared by principals whose statements for the method's actions are the same.

IAM User Guide, "Policy evaluation logic": a request's decision depends on the statements that
match it and on the request context, not on the principal's other policies. So the edges of a
method that targets others (``iam:AttachRolePolicy`` on a role) are computed once for principals
of different signatures holding the same statements for its actions, attached the same way.
A method on the caller itself, or one whose assume is decided by a trust policy naming the
caller (``iam:UpdateAssumeRolePolicy``), is decided per principal.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from core.escalate.method_edges import (
    MethodEdge,
    _assume_role_edges,
    _method_edges,
    _shared_key,
    assume_role_edges,
    method_edges_for,
    policy_holders,
)
from core.escalate.passrole_edges import trusted_roles
from core.escalate.tables.methods import METHODS, method_by_id
from core.evaluate.principal import PrincipalView, principal_view
from core.load.samples import sample_path
from core.load.snapshot import load_account, load_data
from core.model.account import Account
from tests.core_tests.accounts import doc, kept

A = "111122223333"


NOW = datetime(2026, 12, 1, tzinfo=UTC).timestamp()


OPS = doc(
    {
        "Effect": "Allow",
        "Action": ["iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy", "sts:AssumeRole"],
        "Resource": f"arn:aws:iam::{A}:role/app-*",
    },
    {"Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": "*"},
)


def account(*users: dict[str, Any]) -> Account:
    roles = [
        {
            "RoleName": name,
            "Arn": f"arn:aws:iam::{A}:role/{name}",
            "AssumeRolePolicyDocument": doc(
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ),
        }
        for name in ("app-web", "app-batch", "ops")
    ]
    return load_data(
        {
            "UserDetailList": list(users),
            "GroupDetailList": [
                {
                    "GroupName": "ops",
                    "Arn": f"arn:aws:iam::{A}:group/ops",
                    "GroupPolicyList": [{"PolicyName": "ops", "PolicyDocument": OPS}],
                }
            ],
            "RoleDetailList": roles,
            "Policies": [],
        }
    )


def user(name: str, inline: dict[str, Any]) -> dict[str, Any]:
    return {
        "UserName": name,
        "Arn": f"arn:aws:iam::{A}:user/{name}",
        "GroupList": ["ops"],
        "UserPolicyList": [{"PolicyName": f"{name}-own", "PolicyDocument": inline}],
    }


S3_ONLY = doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
SQS_ONLY = doc({"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"})


def views(acct: Account) -> dict[str, PrincipalView]:
    return {u.name: principal_view(acct, u, NOW, shared={}) for u in acct.users}


def alone(acct: Account, view: PrincipalView, trusted: Any, method_id: str) -> list[MethodEdge]:
    """The method's edges computed for a fresh view of the principal (nothing shared)."""
    method = method_by_id(method_id)
    assert method is not None
    fresh = principal_view(acct, view.entity, NOW, shared={})  # type: ignore[arg-type]
    return _method_edges(acct, fresh, trusted, method, lambda arn: True, None)


def of(edges: list[MethodEdge], method_id: str) -> list[MethodEdge]:
    return [e for e in edges if e.method.id == method_id]


def test_a_method_on_others_is_computed_once_for_principals_with_the_same_statements() -> None:
    acct = account(user("alice", S3_ONLY), user("bob", SQS_ONLY))
    v = views(acct)
    assert v["alice"].signature != v["bob"].signature
    trusted = trusted_roles(acct)
    method = method_by_id("attach-role-policy")
    assert method is not None
    method_edges_for(acct, v["alice"], trusted, [method])
    got = method_edges_for(acct, v["bob"], trusted, [method])
    assert len(kept(acct, "method_edges.shared")) == 1
    assert got == alone(acct, v["bob"], trusted, "attach-role-policy")
    assert {e.target_name for e in got} == {"app-web", "app-batch"}


def test_methods_on_the_caller_or_naming_it_in_a_trust_are_not_shared() -> None:
    acct = account(user("alice", S3_ONLY))
    view = views(acct)["alice"]
    trusted = trusted_roles(acct)
    for method_id in ("update-assume-role-policy", "assume-role", "codestar-associate-team-member"):
        method = method_by_id(method_id)
        assert method is not None
        assert _shared_key(view, method, trusted, None) is None, method_id
    rewrite = of(method_edges_for(acct, view, trusted, METHODS), "update-assume-role-policy")
    assert {e.target_name for e in rewrite} == {"app-web", "app-batch"}
    cited = [s.policy.name for e in rewrite for r in e.reasons for s in r.statements]
    assert "app-web trust policy, rewritten to name alice" in cited


def test_a_statement_reading_the_callers_name_keeps_targets_per_principal() -> None:
    own_key = doc(
        {
            "Effect": "Deny",
            "Action": "iam:CreateAccessKey",
            "NotResource": f"arn:aws:iam::{A}:user/${{aws:username}}",
        }
    )
    acct = account(user("alice", own_key), user("bob", own_key), user("carol", S3_ONLY))
    v = views(acct)
    assert v["alice"].signature != v["bob"].signature  # the variable makes them personal
    trusted = trusted_roles(acct)
    method = method_by_id("create-access-key")
    assert method is not None
    got = {n: method_edges_for(acct, v[n], trusted, [method]) for n in ("alice", "bob", "carol")}
    assert len(kept(acct, "method_edges.shared")) == 3
    assert {e.target_name for e in got["alice"]} == {"alice"}
    assert {e.target_name for e in got["bob"]} == {"bob"}
    assert {e.target_name for e in got["carol"]} == {"alice", "bob", "carol"}
    for n in got:
        assert got[n] == alone(acct, v[n], trusted, "create-access-key")


def test_a_method_no_identity_statement_allows_has_no_edges() -> None:
    acct = account(user("alice", S3_ONLY))
    view = views(acct)["alice"]
    method = method_by_id("put-user-policy")
    assert method is not None
    assert method_edges_for(acct, view, trusted_roles(acct), [method]) == []
    assert len(kept(acct, "method_edges.shared")) == 0


def test_assume_role_edges_on_account_trusts_are_shared_across_signatures() -> None:
    # STS AssumeRole: a trust naming the account delegates to the caller's identity policies,
    # so callers with the same sts:AssumeRole statements get the same edges.
    root_trust = doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{A}:root"},
            "Action": "sts:AssumeRole",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        }
    )
    acct = load_data(
        {
            "UserDetailList": [user("alice", S3_ONLY), user("bob", SQS_ONLY)],
            "GroupDetailList": [
                {
                    "GroupName": "ops",
                    "Arn": f"arn:aws:iam::{A}:group/ops",
                    "GroupPolicyList": [{"PolicyName": "ops", "PolicyDocument": OPS}],
                }
            ],
            "RoleDetailList": [
                {
                    "RoleName": name,
                    "Arn": f"arn:aws:iam::{A}:role/{name}",
                    "AssumeRolePolicyDocument": root_trust,
                }
                for name in ("app-web", "ops")
            ],
            "Policies": [],
        }
    )
    v = views(acct)
    assert v["alice"].signature != v["bob"].signature
    got_alice = assume_role_edges(acct, v["alice"], shared=True)
    got_bob = assume_role_edges(acct, v["bob"], shared=True)
    assert len(kept(acct, "method_edges.shared_assume")) == 1
    fresh = principal_view(acct, v["bob"].entity, NOW, shared={})  # type: ignore[arg-type]
    assert got_bob == _assume_role_edges(acct, fresh, True)
    assert {e.target_name for e in got_bob} == {e.target_name for e in got_alice} == {"app-web"}
    assert all(e.resolved.conditional for e in got_bob)  # MFA: not the caller's to choose


def test_policy_holders_from_the_index_are_those_a_scan_finds_in_order() -> None:
    account = load_account(sample_path("midsize-company"))
    customer = [p for p in account.policies if not p.is_aws_managed]
    assert customer
    held = 0
    for policy in customer:
        scan = [e.arn for e in account.entities if policy.arn in e.attached_policies]
        assert policy_holders(account, policy) == scan
        held += bool(scan)
    assert held  # some policy is attached to someone
