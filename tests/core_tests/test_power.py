"""Admin-equivalence and gains (core.escalate.capabilities), one rule each, on small accounts.

IAM User Guide, "Policy evaluation logic" (an explicit Deny overrides an Allow; a permissions
boundary caps identity policies: "the effective permissions ... are the intersection"),
"Permissions boundaries for IAM entities" (removing the boundary lifts the cap) and "Versioning
IAM policies" (``iam:CreatePolicyVersion --set-as-default`` rewrites a customer managed policy;
AWS managed policies cannot be changed). Admin-equivalent: can do everything, or can make
itself anything; conditional allows do not count.
"""

from __future__ import annotations

from typing import Any

from core.escalate.capabilities import admin_reason, gained, gains_anything, summarize
from tests.core_tests.accounts import (
    ADMIN_DOC,
    account,
    allow,
    arn,
    deny,
    doc,
    inline,
    policy,
    trust,
    user,
)
from tests.core_tests.accounts import role as role_

ALICE = arn("user", "alice")


def alice(*statements: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return user("alice", inline("p", doc(*statements)), **kw)


def test_allow_everything_is_full_access() -> None:
    a = account(users=[alice(allow("*"))])
    assert a.admins[ALICE].kind == "full-access"


def test_a_deny_of_one_probed_action_removes_full_access() -> None:
    """It is still admin-equivalent: it can attach any policy to itself."""
    a = account(users=[alice(allow("*"), deny("iam:CreateUser"))])
    assert a.admins[ALICE].kind == "self-modify"
    b = account(users=[alice(allow("*"), deny(["iam:CreateUser", "iam:*UserPolicy"]))])
    assert ALICE not in b.admins


def test_conditional_full_access_does_not_count() -> None:
    a = account(users=[alice(allow("*", Bool={"aws:MultiFactorAuthPresent": "true"}))])
    assert ALICE not in a.admins


def test_writing_its_own_inline_policy_is_self_modify() -> None:
    a = account(users=[alice(allow("iam:PutUserPolicy", ALICE))])
    reason = a.admins[ALICE]
    assert (reason.kind, reason.action, reason.resource) == (
        "self-modify",
        "iam:PutUserPolicy",
        ALICE,
    )


def test_writing_another_users_policy_is_not_self_modify() -> None:
    a = account(users=[alice(allow("iam:PutUserPolicy", arn("user", "bob")))])
    assert ALICE not in a.admins


def test_a_boundary_caps_self_modify() -> None:
    bound = policy("Bound", doc(allow("iam:PutUserPolicy")))
    a = account(
        users=[alice(allow("iam:PutUserPolicy", ALICE), boundary=arn("policy", "Bound"))],
        policies=[bound],
    )
    assert ALICE not in a.admins


def test_a_boundary_it_can_delete_caps_nothing() -> None:
    bound = policy("Bound", doc(allow("iam:*")))
    a = account(
        users=[
            alice(
                allow(["iam:PutUserPolicy", "iam:DeleteUserPermissionsBoundary"], ALICE),
                boundary=arn("policy", "Bound"),
            )
        ],
        policies=[bound],
    )
    reason = a.admins[ALICE]
    assert reason.action == "iam:DeleteUserPermissionsBoundary"
    assert "then" in reason.detail


def test_new_default_version_of_an_attached_customer_policy_is_self_modify() -> None:
    mine = arn("policy", "Mine")
    a = account(
        users=[user("alice", attached=(mine,))],
        policies=[policy("Mine", doc(allow("iam:CreatePolicyVersion", mine)))],
    )
    assert a.admins[ALICE].action == "iam:CreatePolicyVersion"


def test_admin_reason_of_a_view_matches_the_analysis() -> None:
    a = account(users=[alice(allow("iam:PutUserPolicy", ALICE))])
    assert admin_reason(a.account, a.views[ALICE]) == a.admins[ALICE]


def test_gains_are_what_the_target_can_do_and_the_source_cannot() -> None:
    a = account(
        users=[alice(allow("s3:GetObject"))],
        roles=[
            role_("Writer", trust(service="ec2.amazonaws.com"), inline("w", doc(allow("s3:*"))))
        ],
    )
    me, writer = a.views[ALICE], a.views[arn("role", "Writer")]
    assert gains_anything(me, writer)
    assert not gains_anything(writer, me)  # s3:GetObject is part of s3:*
    got = {action for action, _ in gained(me, writer)}
    assert "s3:putobject" in got and "s3:getobject" not in got
    assert any(line.startswith("s3") for line in summarize(gained(me, writer)))


def test_nothing_is_gained_from_a_role_that_can_do_less() -> None:
    a = account(
        users=[user("alice", inline("p", ADMIN_DOC))],
        roles=[
            role_("Reader", trust(service="ec2.amazonaws.com"), inline("r", doc(allow("s3:Get*"))))
        ],
    )
    assert gained(a.views[ALICE], a.views[arn("role", "Reader")]) == frozenset()
