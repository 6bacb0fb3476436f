"""Evaluator rules from issue 11's independent check (items 13, 14 and 15), each on its own
small request, with the AWS rule it follows."""

from __future__ import annotations

import json
from typing import Any

import pytest

from core.evaluate.decision import PolicyRef
from core.evaluate.evaluator import PolicySet, Request, evaluate
from core.load.policy_parser import parse_policy_strict
from core.model.context import RequestContext
from tui.cli import main

ACCT = "111122223333"
OTHER = "444455556666"
ALICE = f"arn:aws:iam::{ACCT}:user/alice"
WORKER = f"arn:aws:iam::{ACCT}:role/worker"
SESSION = f"arn:aws:sts::{ACCT}:assumed-role/worker/build-42"
FOREIGN_ROLE = f"arn:aws:iam::{OTHER}:role/Deployer"
BUCKET_OBJ = "arn:aws:s3:::shared-bucket/report.csv"


def ref(
    statements: list[dict[str, Any]], layer: str = "identity", kind: str = "identity"
) -> PolicyRef:
    doc = {"Version": "2012-10-17", "Statement": statements}
    return PolicyRef(name=f"{layer}-policy", document=parse_policy_strict(doc, kind), layer=layer)  # type: ignore[arg-type]


def run(
    identity: list[dict[str, Any]],
    *,
    action: str,
    resource: str,
    principal: str = ALICE,
    kind: str = "user",
    ctx: dict[str, Any] | None = None,
    boundary: list[dict[str, Any]] | None = None,
    session: list[dict[str, Any]] | None = None,
    resource_policy: list[dict[str, Any]] | None = None,
    resource_account: str = "",
) -> str:
    ps = PolicySet(
        identity=(ref(identity),) if identity else (),
        boundary=ref(boundary, "boundary") if boundary else None,
        session=ref(session, "session") if session else None,
        principal_kind=kind,  # type: ignore[arg-type]
        account_id=ACCT,
    )
    d = evaluate(
        Request(principal, action, resource, RequestContext.of(ctx or {}), resource_account),
        ps,
        resource_policy=ref(resource_policy, "resource", "resource") if resource_policy else None,
    )
    return d.decision


ALLOW_ALL = [{"Effect": "Allow", "Action": "*", "Resource": "*"}]


# -- 13. Cross-account needs both sides --------------------------------------------------------
# "Cross-account policy evaluation logic": "To allow cross-account access, you attach a
# resource-based policy to the resource that you want to share. You must also attach an
# identity-based policy to the identity that acts as the principal in the request."


def test_cross_account__identity_policy_alone_does_not_reach_another_accounts_resource() -> None:
    assert run(ALLOW_ALL, action="iam:PassRole", resource=FOREIGN_ROLE) == "implicitDeny"
    # the same policies in the caller's own account allow
    own = f"arn:aws:iam::{ACCT}:role/Deployer"
    assert run(ALLOW_ALL, action="iam:PassRole", resource=own) == "allowed"


def test_cross_account__owner_of_an_arn_without_account_comes_from_resource_account() -> None:
    assert run(ALLOW_ALL, action="s3:GetObject", resource=BUCKET_OBJ) == "allowed"
    assert (
        run(ALLOW_ALL, action="s3:GetObject", resource=BUCKET_OBJ, resource_account=OTHER)
        == "implicitDeny"
    )


def test_cross_account__identity_and_resource_policy_together_allow() -> None:
    shares = [
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCT}:root"},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::shared-bucket/*",
        }
    ]
    assert (
        run(
            ALLOW_ALL,
            action="s3:GetObject",
            resource=BUCKET_OBJ,
            resource_account=OTHER,
            resource_policy=shares,
        )
        == "allowed"
    )
    assert (
        run(
            [],
            action="s3:GetObject",
            resource=BUCKET_OBJ,
            resource_account=OTHER,
            resource_policy=shares,
        )
        == "implicitDeny"
    )


def _simulate(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    policy = json.dumps({"Version": "2012-10-17", "Statement": ALLOW_ALL})
    rc = main(
        [
            "simulate",
            "--policy-input-list",
            policy,
            "--caller-arn",
            ALICE,
            "--action-names",
            "s3:GetObject",
            "--output",
            "json",
            *args,
        ]
    )
    assert rc == 0
    return str(json.loads(capsys.readouterr().out)["EvaluationResults"][0]["EvalDecision"])


def test_cross_account__simulate_takes_the_owner_from_the_arn_or_resource_owner(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _simulate(capsys, "--resource-arns", BUCKET_OBJ) == "allowed"
    owner = f"arn:aws:iam::{OTHER}:root"
    assert (
        _simulate(capsys, "--resource-arns", BUCKET_OBJ, "--resource-owner", owner)
        == "implicitDeny"
    )
    table = f"arn:aws:dynamodb:us-east-1:{OTHER}:table/orders"
    assert _simulate(capsys, "--resource-arns", table) == "implicitDeny"


# -- 14. A policy variable with no value makes the statement not apply -------------------------
# "IAM policy elements: Variables and tags": "If AWS cannot resolve a variable this might cause
# the entire statement to be invalid" -- also inside negated operators and NotResource.


def test_missing_variable__negated_condition_in_a_deny_does_not_deny() -> None:
    # ${aws:username} has no value for a role session: the Deny statement is invalid.
    identity: list[dict[str, Any]] = [
        *ALLOW_ALL,
        {
            "Effect": "Deny",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {"StringNotEquals": {"s3:prefix": "home/${aws:username}"}},
        },
    ]
    ctx = {"s3:prefix": "home/other"}
    assert (
        run(identity, action="s3:ListBucket", resource="*", principal=WORKER, kind="role", ctx=ctx)
        == "allowed"
    )
    # with a value the negation is evaluated as usual
    user_ctx = {**ctx, "aws:username": "alice"}
    assert run(identity, action="s3:ListBucket", resource="*", ctx=user_ctx) == "explicitDeny"


def test_missing_variable__negated_arn_condition_in_an_allow_does_not_allow() -> None:
    identity: list[dict[str, Any]] = [
        {
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": "*",
            "Condition": {
                "ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/${aws:username}"}
            },
        }
    ]
    ctx = {"aws:PrincipalArn": WORKER}
    assert (
        run(
            identity, action="iam:PassRole", resource=WORKER, principal=WORKER, kind="role", ctx=ctx
        )
        == "implicitDeny"
    )


def test_missing_variable__not_resource_statement_does_not_apply() -> None:
    deny_others = {
        "Effect": "Deny",
        "Action": "s3:GetObject",
        "NotResource": "arn:aws:s3:::home/${aws:username}/*",
    }
    identity = [*ALLOW_ALL, deny_others]
    res = "arn:aws:s3:::home/bob/notes.txt"
    assert run(identity, action="s3:GetObject", resource=res, principal=WORKER, kind="role") == (
        "allowed"
    )
    assert run(identity, action="s3:GetObject", resource=res, ctx={"aws:username": "alice"}) == (
        "explicitDeny"
    )
    allow_others = {**deny_others, "Effect": "Allow"}
    assert run(
        [allow_others], action="s3:GetObject", resource=res, principal=WORKER, kind="role"
    ) == ("implicitDeny")


# -- 15. Grants to a role ARN are limited by the session's boundary ---------------------------
# "Policy evaluation logic" (resource-based policies and boundaries / session policies): a
# resource-based policy that grants to the role ARN is limited by an implicit deny in the
# permissions boundary or session policy; one that grants to the session ARN itself is not.


def _grant(principal: Any, **extra: Any) -> list[dict[str, Any]]:
    return [
        {
            "Effect": "Allow",
            "Principal": principal,
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::team-bucket/*",
            **extra,
        }
    ]


OBJ = "arn:aws:s3:::team-bucket/k"
NO_S3 = [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]


@pytest.mark.parametrize("limit", ["boundary", "session"])
def test_role_grants__grant_naming_the_role_arn_is_limited_for_its_session(limit: str) -> None:
    kw: dict[str, Any] = {limit: NO_S3}
    got = run(
        [],
        action="s3:GetObject",
        resource=OBJ,
        principal=SESSION,
        kind="session",
        resource_policy=_grant({"AWS": WORKER}),
        **kw,
    )
    assert got == "implicitDeny"


@pytest.mark.parametrize("limit", ["boundary", "session"])
def test_role_grants__grant_naming_the_session_arn_is_not_limited(limit: str) -> None:
    kw: dict[str, Any] = {limit: NO_S3}
    got = run(
        [],
        action="s3:GetObject",
        resource=OBJ,
        principal=SESSION,
        kind="session",
        resource_policy=_grant({"AWS": SESSION}),
        **kw,
    )
    assert got == "allowed"


def test_role_grants__principal_arn_condition_naming_the_role_is_limited() -> None:
    grant = _grant("*", Condition={"ArnEquals": {"aws:PrincipalArn": WORKER}})
    common: dict[str, Any] = {
        "action": "s3:GetObject",
        "resource": OBJ,
        "principal": SESSION,
        "kind": "session",
        "resource_policy": grant,
        "ctx": {"aws:PrincipalArn": WORKER},
    }
    assert run([], **common) == "allowed"
    assert run([], boundary=NO_S3, **common) == "implicitDeny"


def test_role_grants__grant_naming_a_user_arn_is_not_limited_by_its_boundary() -> None:
    got = run(
        [],
        action="s3:GetObject",
        resource=OBJ,
        boundary=NO_S3,
        resource_policy=_grant({"AWS": ALICE}),
    )
    assert got == "allowed"


def test_role_grants__a_negated_principal_arn_condition_names_nobody() -> None:
    # "*" with ArnNotEquals aws:PrincipalArn <someone else> grants to the session as "*" does.
    grant = _grant("*", Condition={"ArnNotEquals": {"aws:PrincipalArn": ALICE}})
    got = run(
        [],
        action="s3:GetObject",
        resource=OBJ,
        principal=SESSION,
        kind="session",
        boundary=NO_S3,
        resource_policy=grant,
        ctx={"aws:PrincipalArn": WORKER},
    )
    assert got == "allowed"
