"""What a denial's fix would cause (core.explain.denial_consequences), on small accounts.

IAM User Guide, "Grant a user permissions to pass a role to an AWS service": whoever can pass a
role to a service can make the service act as that role, so allowing ``iam:PassRole`` of an
admin role to EC2 (with ``ec2:RunInstances``) makes the caller admin-equivalent; a role the same
service trusts that is not admin is the safer grant.
"""

from __future__ import annotations

from core.explain.denial import explain_denial, parse_message, with_consequences
from core.explain.denial_consequences import consequences_of
from core.explain.denial_fix import Fix
from core.load.snapshot import load_data
from core.model.account import Account
from tests.core_tests.accounts import ACCT, ADMIN_DOC, allow, arn, doc, inline, role, trust, user

ALICE = arn("user", "alice")
TOP, SMALL = arn("role", "Top"), arn("role", "Small")


def _account() -> Account:
    """alice may launch instances but pass no role; Top is admin, Small reads S3."""
    ec2 = trust(service="ec2.amazonaws.com")
    return load_data(
        {
            "UserDetailList": [user("alice", inline("p", doc(allow("ec2:RunInstances"))))],
            "RoleDetailList": [
                role("Top", ec2, inline("all", ADMIN_DOC), profile=True),
                role("Small", ec2, inline("s3", doc(allow("s3:GetObject"))), profile=True),
            ],
            "GroupDetailList": [],
            "Policies": [],
            "IamExplore": {"FormatVersion": 1, "AccountId": ACCT},
        },
        source="test",
    )


def _message(resource: str) -> dict[str, object]:
    return {
        "context": {
            "principal": {"arn": ALICE, "name": "alice"},
            "action": "iam:PassRole",
            "resource": resource,
            "conditions": {
                "items": [
                    {
                        "key": "iam:PassedToService",
                        "values": {"items": [{"value": "ec2.amazonaws.com"}]},
                    }
                ]
            },
        }
    }


def test_passing_an_admin_role_makes_the_caller_admin_and_names_a_safer_role() -> None:
    result = explain_denial(_account(), parse_message(_message(TOP)))
    assert result.consequences_done and result.becomes_admin
    assert result.admin_sentence is not None and "alice becomes admin" in result.admin_sentence
    assert any(f.source == ALICE and f.target == TOP for f in result.consequences)
    assert [a.arn for a in result.safer_alternatives] == [SMALL]


def test_passing_a_harmless_role_does_not_make_the_caller_admin() -> None:
    result = explain_denial(_account(), parse_message(_message(SMALL)))
    assert result.consequences_done and not result.becomes_admin
    assert result.admin_sentence is None
    assert TOP not in [a.arn for a in result.safer_alternatives]


def test_the_account_itself_is_not_changed_by_trying_the_fix() -> None:
    account = _account()
    before = account.user("alice")
    explain_denial(account, parse_message(_message(TOP)))
    assert account.user("alice") == before


def test_no_policy_to_try_means_no_consequences() -> None:
    """A fix that says what to change instead (an explicit Deny, an SCP) is not tried."""
    account = _account()
    assert (
        consequences_of(
            account,
            Fix(None, None, "remove the Deny"),
            principal=ALICE,
            principal_name="alice",
            action="iam:PassRole",
            resource=TOP,
            service="ec2.amazonaws.com",
        )
        is None
    )
    skipped = explain_denial(account, parse_message(_message(TOP)), consequences=False)
    assert not skipped.consequences_done
    assert with_consequences(account, skipped).becomes_admin
