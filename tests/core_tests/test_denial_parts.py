"""The stages of ``explain-denial`` one by one: the message, the blocking layer, the fix.

References: IAM User Guide, "Policy evaluation logic" (an explicit Deny overrides every Allow;
an action must be allowed by the identity policies, the permissions boundary and every SCP
level) and "Grant a user permissions to pass a role to an AWS service" (the fix pins
``iam:PassedToService``); STS API reference, "DecodeAuthorizationMessage" (the message shape).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from core.explain.denial import DenialError, explain_denial, parse_message
from core.explain.denial_classify import BlockedBy
from core.explain.denial_fix import fix_document, is_passrole, policy_name
from core.explain.denial_message import request_context
from core.load.snapshot import load_data
from core.model.account import Account
from tests.core_tests.accounts import (
    ACCT,
    account,
    allow,
    arn,
    deny,
    doc,
    inline,
    role,
    trust,
    user,
)

ALICE = arn("user", "alice")
APP_ROLE = arn("role", "AppRole")


def message(
    action: str = "iam:PassRole",
    resource: str = APP_ROLE,
    principal: str = ALICE,
    conditions: dict[str, list[Any]] | None = None,
    **top: Any,
) -> dict[str, Any]:
    items = [
        {"key": k, "values": {"items": [{"value": v} for v in vs]}}
        for k, vs in (conditions or {}).items()
    ]
    return {
        **top,
        "context": {
            "principal": {"arn": principal, "name": principal.rsplit("/", 1)[-1]},
            "action": action,
            "resource": resource,
            "conditions": {"items": items},
        },
    }


# -- the message ---------------------------------------------------------------------------


def test_cli_wrapper_and_bare_object_parse_alike() -> None:
    bare = message(conditions={"iam:PassedToService": ["ec2.amazonaws.com"]})
    wrapped = {"DecodedMessage": json.dumps(bare)}
    assert parse_message(json.dumps(wrapped)) == parse_message(bare)
    assert parse_message(bare).condition("IAM:PASSEDTOSERVICE") == ("ec2.amazonaws.com",)


def test_bare_action_takes_the_service_of_the_resource_arn() -> None:
    """The EC2 API reference's example message names the action ``RunInstances``."""
    m = parse_message(message("RunInstances", "arn:aws:ec2:us-east-1:111122223333:instance/*"))
    assert m.action == "ec2:RunInstances"


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        ("", "the message is empty"),
        ("{", "the message is not JSON"),
        ("[]", "must be a JSON object"),
        ('{"DecodedMessage": "{"}', "DecodedMessage is not JSON"),
        (json.dumps({"context": {"action": "iam:PassRole"}}), "context.resource is missing"),
        (
            json.dumps(message(conditions={"k": [{"nested": 1}]})),
            r"context.conditions.items\[0\].values.items\[0\].value must be a string",
        ),
    ],
)
def test_bad_message_is_a_located_error(raw: str, where: str) -> None:
    with pytest.raises(DenialError, match=where):
        parse_message(raw)


def test_request_context_maps_aliases_and_drops_descriptive_items() -> None:
    m = parse_message(
        message(conditions={"aws:Region": ["eu-west-1"], "aws:Service": ["ec2"], "k": ["a", "b"]})
    )
    assert request_context(m) == {"aws:RequestedRegion": "eu-west-1", "k": ["a", "b"]}


# -- the fix ---------------------------------------------------------------------------------


def test_passrole_fix_pins_the_service_and_the_role() -> None:
    fix = json.loads(fix_document("iam:PassRole", APP_ROLE, "ec2.amazonaws.com"))
    (st,) = fix["Statement"]
    assert st == {
        "Effect": "Allow",
        "Action": "iam:PassRole",
        "Resource": APP_ROLE,
        "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}},
    }


def test_other_fix_allows_exactly_the_request_without_conditions() -> None:
    (st,) = json.loads(fix_document("s3:GetObject", "arn:aws:s3:::b/k", None))["Statement"]
    assert st == {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/k"}


def test_policy_name_uses_only_characters_iam_allows() -> None:
    """IAM API reference, "PutUserPolicy": PolicyName matches ``[\\w+=,.@-]+``, 1-128 chars."""
    name = policy_name("iam:PassRole", arn("role", "a/b c" + "x" * 200), "ec2.amazonaws.com")
    assert len(name) == 128
    assert all(c.isalnum() or c in "+=,.@-_" for c in name)
    assert is_passrole("IAM:passrole")


# -- the blocking layer ----------------------------------------------------------------------


def _account(*policies: dict[str, Any], boundary: bool = False) -> Account:
    data: dict[str, Any] = {
        "UserDetailList": [user("alice", *policies)],
        "RoleDetailList": [role("AppRole", trust(service="ec2.amazonaws.com"))],
        "GroupDetailList": [],
        "Policies": [],
        "IamExplore": {"FormatVersion": 1, "AccountId": ACCT},
    }
    if boundary:
        bound = arn("policy", "Bound")
        data["UserDetailList"][0]["PermissionsBoundary"] = {"PermissionsBoundaryArn": bound}
        data["Policies"] = [
            {
                "PolicyName": "Bound",
                "Arn": bound,
                "Path": "/",
                "DefaultVersionId": "v1",
                "PolicyVersionList": [
                    {"VersionId": "v1", "IsDefaultVersion": True, "Document": doc(allow("s3:*"))}
                ],
            }
        ]
    return load_data(data, source="test")


@pytest.mark.parametrize(
    ("policies", "boundary", "blocked"),
    [
        ((), False, "no-allow"),  # implicit deny: no statement allows it
        ((inline("p", doc(allow("iam:PassRole"), deny("iam:PassRole"))),), False, "explicit-deny"),
        ((inline("p", doc(allow("iam:PassRole"))),), True, "permissions-boundary"),
    ],
    ids=["implicit-deny", "explicit-deny-overrides-allow", "boundary-must-also-allow"],
)
def test_blocking_layer(
    policies: tuple[dict[str, Any], ...], boundary: bool, blocked: BlockedBy
) -> None:
    account = _account(*policies, boundary=boundary)
    m = parse_message(message(conditions={"iam:PassedToService": ["ec2.amazonaws.com"]}))
    result = explain_denial(account, m, consequences=False)
    assert result.blocked_by == blocked
    # Only an Allow on the principal fixes an implicit deny; otherwise the fix says what instead.
    assert (result.fix.policy is not None) is (blocked == "no-allow")
    assert (result.fix.instead is None) is (blocked == "no-allow")


def test_service_is_inferred_from_the_one_service_the_role_trusts() -> None:
    result = explain_denial(_account(), parse_message(message()), consequences=False)
    assert result.service == "ec2.amazonaws.com"
    assert any("the one service role AppRole trusts" in n for n in result.notes)


def test_unknown_principal_is_a_located_error() -> None:
    with pytest.raises(DenialError, match="not in the snapshot"):
        explain_denial(_account(), parse_message(message(principal=arn("user", "bob"))))


def _with_scp(scp: dict[str, Any]) -> Account:
    passer = user("alice", inline("p", doc(allow("iam:PassRole"))))
    ec2_role = role("AppRole", trust(service="ec2.amazonaws.com"))
    return account(users=[passer], roles=[ec2_role], scps=[scp]).account


def test_an_scp_deny_blocks_and_no_allow_on_the_principal_can_fix_it() -> None:
    """SCPs: "an explicit deny in any of these policies overrides the allow"."""
    scp = doc(allow("*"), deny("iam:PassRole"))
    result = explain_denial(_with_scp(scp), parse_message(message()), consequences=False)
    assert result.blocked_by == "scp"
    assert result.fix.policy is None
    assert result.fix.instead is not None and "SCP" in result.fix.instead


def test_an_scp_level_that_does_not_allow_the_action_blocks_it() -> None:
    """SCPs: an action must be allowed at every level of the organization."""
    result = explain_denial(
        _with_scp(doc(allow("s3:*"))), parse_message(message()), consequences=False
    )
    assert result.blocked_by == "scp"
    assert result.decision.decided_by.startswith("scp:")
