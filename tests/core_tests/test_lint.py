"""Unknown action names in customer policies are reported (AWS silently never matches them)."""

from __future__ import annotations

from core.load.snapshot import load_data

ACCT = "111122223333"


def snapshot(actions: list[str]) -> dict[str, object]:
    return {
        "UserDetailList": [
            {
                "UserName": "alice",
                "Arn": f"arn:aws:iam::{ACCT}:user/alice",
                "UserPolicyList": [
                    {
                        "PolicyName": "typo",
                        "PolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}],
                        },
                    }
                ],
            }
        ],
        "GroupDetailList": [],
        "RoleDetailList": [],
        "Policies": [],
    }


def test_typo_in_action_is_a_located_warning_with_a_suggestion() -> None:
    account = load_data(snapshot(["iam:PassRoles", "ec2:RunInstances"]), source="t.json")
    (p,) = account.problems
    assert p.severity == "warning" and p.statement == 0
    assert "iam:PassRoles" in p.message and "did you mean iam:PassRole" in p.message
    assert "alice" in p.policy


def test_known_actions_any_case_and_wildcards_are_fine() -> None:
    account = load_data(snapshot(["IAM:passrole", "iam:Pass*", "s3:Get?bject", "*"]))
    assert account.problems == ()


def test_wildcard_service_prefix_is_flagged() -> None:
    account = load_data(snapshot(["*:PassRole"]))
    assert any("service prefix" in p.message for p in account.problems)
