"""How a resource policy's ``Principal`` element matches a role session.

IAM User Guide, "AWS JSON policy elements: Principal", role sessions: a policy names a role
session by the role's ARN (``arn:aws:iam::ACCOUNT:role/PATH/NAME``, which matches every session
of the role) or by the session's own ARN (``arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION``).
A *user* ARN names that user only: a user and a role may share a name, and naming one never
names the other.
"""

from __future__ import annotations

import pytest

from core.evaluate.evaluator import principal_match
from core.model.account import PrincipalSpec

ACCT = "111122223333"
SESSION = f"arn:aws:sts::{ACCT}:assumed-role/deploy/build-42"


def spec(*aws: str) -> PrincipalSpec:
    return PrincipalSpec(aws=tuple(aws))


@pytest.mark.parametrize(
    "named",
    [f"arn:aws:iam::{ACCT}:role/deploy", f"arn:aws:iam::{ACCT}:role/team/ci/deploy"],
)
def test_the_roles_arn_with_or_without_a_path_names_its_sessions(named: str) -> None:
    assert principal_match(spec(named), SESSION) == "role"


def test_the_sessions_own_arn_names_it() -> None:
    assert principal_match(spec(SESSION), SESSION) == "named"


@pytest.mark.parametrize(
    "named",
    [
        f"arn:aws:iam::{ACCT}:user/deploy",
        f"arn:aws:iam::{ACCT}:user/team/deploy",
        f"arn:aws:iam::{ACCT}:group/deploy",
        f"arn:aws:iam::{ACCT}:role/ci-deploy",
        "arn:aws:iam::444455556666:role/deploy",
    ],
)
def test_a_user_or_another_role_with_the_same_name_does_not_name_the_session(named: str) -> None:
    assert principal_match(spec(named), SESSION) == "none"
