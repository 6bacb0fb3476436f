"""PassRole edges shared by principals whose statements for the actions decided are the same.

IAM User Guide, "Policy evaluation logic": a request's decision depends on the statements that
match it (per layer: identity, boundary, SCPs) and on the request context, not on which other
policies the principal holds. "Grant a user permissions to pass a role to an AWS service": the
edge needs ``iam:PassRole`` and the service's launch actions. So two principals holding
different policies (different signatures) whose statements for those actions are the same, with
the same attachments, have the same PassRole edges: they are computed once. A statement that
reads a key AWS sets from the principal (``${aws:username}``), a boundary, or another statement
for one of the actions makes them differ.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from core.escalate.caller_favour import Resolved
from core.escalate.findings import Reason
from core.escalate.passrole_edges import (
    EdgeCandidate,
    TrustResult,
    _passrole_edges,
    passrole_edges_for,
    trusted_roles,
)
from core.escalate.tables.services import SERVICES
from core.evaluate.principal import PrincipalView, principal_view
from core.load.snapshot import load_data
from core.model.account import Account
from tests.core_tests.accounts import doc, kept

A = "111122223333"


NOW = datetime(2026, 12, 1, tzinfo=UTC).timestamp()


DEPLOY = doc(
    {
        "Effect": "Allow",
        "Action": "iam:PassRole",
        "Resource": f"arn:aws:iam::{A}:role/app-*",
        "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}},
    },
    {
        "Effect": "Allow",
        "Action": "ec2:RunInstances",
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:RequestedRegion": ["eu-west-1", "us-east-1"]}},
    },
)

EC2_TRUST = doc(
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
)


def role(name: str) -> dict[str, Any]:
    return {
        "RoleName": name,
        "Arn": f"arn:aws:iam::{A}:role/{name}",
        "AssumeRolePolicyDocument": EC2_TRUST,
        "InstanceProfileList": [
            {"InstanceProfileName": name, "Arn": f"arn:aws:iam::{A}:instance-profile/{name}"}
        ],
    }


def user(name: str, inline: dict[str, Any] | None = None, boundary: bool = False) -> dict[str, Any]:
    u: dict[str, Any] = {
        "UserName": name,
        "Arn": f"arn:aws:iam::{A}:user/{name}",
        "GroupList": ["deployers"],
        "UserPolicyList": [{"PolicyName": f"{name}-own", "PolicyDocument": inline}]
        if inline
        else [],
    }
    if boundary:
        u["PermissionsBoundary"] = {"PermissionsBoundaryArn": f"arn:aws:iam::{A}:policy/cap"}
    return u


def account(*users: dict[str, Any]) -> Account:
    return load_data(
        {
            "UserDetailList": list(users),
            "GroupDetailList": [
                {
                    "GroupName": "deployers",
                    "Arn": f"arn:aws:iam::{A}:group/deployers",
                    "GroupPolicyList": [{"PolicyName": "deploy", "PolicyDocument": DEPLOY}],
                }
            ],
            "RoleDetailList": [role("app-web"), role("app-batch"), role("ops-admin")],
            "Policies": [
                {
                    "PolicyName": "cap",
                    "Arn": f"arn:aws:iam::{A}:policy/cap",
                    "DefaultVersionId": "v1",
                    "PolicyVersionList": [
                        {
                            "VersionId": "v1",
                            "IsDefaultVersion": True,
                            "Document": doc({"Effect": "Allow", "Action": "*", "Resource": "*"}),
                        }
                    ],
                }
            ],
        }
    )


Shape = tuple[str, str, tuple[str, ...], Resolved, tuple[Reason, ...], TrustResult]
"""What an edge says: role, service, regions, resolution, reasons, trust."""


def views(acct: Account) -> dict[str, PrincipalView]:
    return {u.name: principal_view(acct, u, NOW, shared={}) for u in acct.users}


def edges(acct: Account, view: PrincipalView, trusted: Any) -> list[Shape]:
    return [_shape(c) for c in passrole_edges_for(acct, view, trusted)]


def alone(acct: Account, view: PrincipalView, trusted: Any) -> list[Shape]:
    """The view's edges computed for it alone (no shared table, a fresh view)."""
    fresh = principal_view(acct, view.entity, NOW, shared={})  # type: ignore[arg-type]
    return [_shape(c) for c in _passrole_edges(acct, fresh, trusted, SERVICES, None)]


def _shape(c: EdgeCandidate) -> Shape:
    return (c.role.arn, c.service.id, c.regions, c.resolved, c.reasons, c.trust)


S3_ONLY = doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
DYNAMO_ONLY = doc({"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"})


def test_other_policies_do_not_stop_sharing_and_the_edges_are_the_principals_own() -> None:
    acct = account(user("alice", S3_ONLY), user("bob", DYNAMO_ONLY))
    v = views(acct)
    assert v["alice"].signature != v["bob"].signature
    trusted = trusted_roles(acct)
    got_alice = edges(acct, v["alice"], trusted)
    got_bob = edges(acct, v["bob"], trusted)
    assert len(kept(acct, "passrole_edges.shared")) == 1  # computed once
    assert got_bob == got_alice == alone(acct, v["bob"], trusted)
    assert {r for r, *_ in got_bob} == {
        f"arn:aws:iam::{A}:role/app-web",
        f"arn:aws:iam::{A}:role/app-batch",
    }
    # The reasons cite the group policy both hold, attached the same way.
    assert all(
        "via group deployers" in s.label
        for *_, reasons, _t in got_bob
        for r in reasons
        for s in r.statements
        if s.policy.layer == "identity"
    )


def test_a_statement_for_a_launch_action_is_not_shared() -> None:
    only_eu = doc(
        {
            "Effect": "Deny",
            "Action": "ec2:RunInstances",
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}},
        }
    )
    acct = account(user("alice", S3_ONLY), user("carol", only_eu))
    v = views(acct)
    trusted = trusted_roles(acct)
    got_alice = edges(acct, v["alice"], trusted)
    got_carol = edges(acct, v["carol"], trusted)
    assert len(kept(acct, "passrole_edges.shared")) == 2
    assert got_carol == alone(acct, v["carol"], trusted)
    assert {regions for _r, _s, regions, *_ in got_alice} == {("us-east-1", "eu-west-1")}
    assert {regions for _r, _s, regions, *_ in got_carol} == {("eu-west-1",)}


def test_a_boundary_is_a_layer_of_its_own_and_cited_with_its_attachment() -> None:
    acct = account(user("alice", S3_ONLY), user("dave", S3_ONLY, boundary=True))
    v = views(acct)
    trusted = trusted_roles(acct)
    edges(acct, v["alice"], trusted)
    got_dave = edges(acct, v["dave"], trusted)
    assert len(kept(acct, "passrole_edges.shared")) == 2
    assert got_dave == alone(acct, v["dave"], trusted)
    cited = {s.label for *_, reasons, _t in got_dave for r in reasons for s in r.statements}
    assert any("permissions boundary of user dave" in label for label in cited)


def test_a_statement_reading_the_callers_name_is_decided_per_principal() -> None:
    own_roles = doc(
        {
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": f"arn:aws:iam::{A}:role/ops-${{aws:username}}",
        }
    )
    acct = account(user("admin", own_roles), user("erin", own_roles))
    v = views(acct)
    trusted = trusted_roles(acct)
    got_admin = edges(acct, v["admin"], trusted)
    got_erin = edges(acct, v["erin"], trusted)
    assert len(kept(acct, "passrole_edges.shared")) == 2
    assert got_admin == alone(acct, v["admin"], trusted)
    assert got_erin == alone(acct, v["erin"], trusted)
    assert f"arn:aws:iam::{A}:role/ops-admin" in {r for r, *_ in got_admin}
    assert f"arn:aws:iam::{A}:role/ops-admin" not in {r for r, *_ in got_erin}


def test_another_trust_map_is_not_answered_from_the_table() -> None:
    acct = account(user("alice", S3_ONLY), user("bob", DYNAMO_ONLY))
    v = views(acct)
    edges(acct, v["alice"], trusted_roles(acct))
    assert edges(acct, v["bob"], {}) == []


def test_launch_choices_are_shared_when_only_the_passrole_statements_differ() -> None:
    web_only = doc(
        {"Effect": "Deny", "Action": "iam:PassRole", "Resource": f"arn:aws:iam::{A}:role/app-batch"}
    )
    acct = account(user("alice", S3_ONLY), user("frank", web_only))
    v = views(acct)
    trusted = trusted_roles(acct)
    got_alice = edges(acct, v["alice"], trusted)
    got_frank = edges(acct, v["frank"], trusted)
    assert len(kept(acct, "passrole_edges.shared")) == 2
    launches = kept(acct, "passrole_edges.launches")
    services = [k[0] for k in launches]
    assert "ec2" in services
    assert len(services) == len(set(services))  # one launch choice per service for both
    assert got_frank == alone(acct, v["frank"], trusted)
    assert {r for r, *_ in got_alice} == {
        f"arn:aws:iam::{A}:role/{n}" for n in ("app-web", "app-batch")
    }
    assert {r for r, *_ in got_frank} == {f"arn:aws:iam::{A}:role/app-web"}


def test_principals_with_the_same_boundary_share_and_each_cites_its_own() -> None:
    acct = account(user("dave", S3_ONLY, boundary=True), user("gina", DYNAMO_ONLY, boundary=True))
    v = views(acct)
    trusted = trusted_roles(acct)
    got_dave = edges(acct, v["dave"], trusted)
    got_gina = edges(acct, v["gina"], trusted)
    assert len(kept(acct, "passrole_edges.shared")) == 1  # one computation, relabelled
    assert got_gina == alone(acct, v["gina"], trusted)
    assert got_dave == alone(acct, v["dave"], trusted)
    cited = {s.policy.via for *_, reasons, _t in got_gina for r in reasons for s in r.statements}
    assert "permissions boundary of user gina" in cited
    assert "permissions boundary of user dave" not in cited


def test_a_conditional_deny_named_in_words_is_shared_only_with_the_same_attachment() -> None:
    # "avoid ... (policy label)": the label of a conditional Deny is part of the edge's text.
    no_spot = doc(
        {
            "Effect": "Deny",
            "Action": "ec2:RunInstances",
            "Resource": "*",
            "Condition": {"StringEquals": {"ec2:InstanceMarketType": "spot"}},
        }
    )
    acct = account(user("hank", no_spot), user("ivy", no_spot))
    v = views(acct)
    trusted = trusted_roles(acct)
    got_hank = edges(acct, v["hank"], trusted)
    got_ivy = edges(acct, v["ivy"], trusted)
    assert len(kept(acct, "passrole_edges.shared")) == 2
    assert got_ivy == alone(acct, v["ivy"], trusted)
    texts = [c for _r, _s, _g, resolved, *_ in got_ivy for c in resolved.constraints]
    assert any("inline on user ivy" in t for t in texts)
    assert not any("inline on user hank" in t for t in texts)
    assert got_hank == alone(acct, v["hank"], trusted)
