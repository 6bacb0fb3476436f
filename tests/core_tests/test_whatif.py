"""What-if sessions: each change re-analyses and reports the edges it adds and removes."""

from __future__ import annotations

import json

import pytest

from core.errors import IamExploreError
from core.loader import load_account
from core.samples import sample_path
from core.whatif import (
    Session,
    add_inline_policy,
    attach_policy,
    detach_policy,
    disable_statement,
    edit_policy,
    remove_from_group,
    validate_document,
)

ACCT = "111122223333"
USER = f"arn:aws:iam::{ACCT}:user/test-user"
ROLE = f"arn:aws:iam::{ACCT}:role/EC2-roles-for-XYZ"
FIX = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "iam:PassRole",
                "Resource": ROLE,
                "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}},
            }
        ],
    }
)


def passrole(session: Session) -> set[tuple[str, str | None, str]]:
    return {
        (f.source, f.role, f.escalation)
        for f in session.analysis.findings
        if f.kind == "passrole" and not f.source_is_admin
    }


def test_classic_story_fix_as_whatif_adds_the_admin_edge_and_undo_removes_it() -> None:
    s = Session(load_account(sample_path("classic-story")))
    assert passrole(s) == set()
    diff = s.apply(add_inline_policy(USER, "AllowPassEC2Role", FIX))
    assert s.modified
    assert [(f.kind, f.source, f.role, f.escalation) for f in diff.added] == [
        ("passrole", USER, ROLE, "admin")
    ]
    assert not diff.removed
    undo = s.undo()
    assert undo is not None and [f.role for f in undo.removed] == [ROLE]
    assert not s.modified and passrole(s) == set()
    redo = s.redo()
    assert redo is not None and passrole(s) == {(USER, ROLE, "admin")}


def test_detach_the_launch_permission_removes_the_edge() -> None:
    s = Session(load_account(sample_path("classic-story-fixed")))
    assert passrole(s) == {(USER, ROLE, "admin")}
    diff = s.apply(detach_policy(USER, "arn:aws:iam::aws:policy/AmazonEC2FullAccess"))
    assert [f.role for f in diff.removed if f.kind == "passrole"] == [ROLE]
    assert passrole(s) == set()
    diff = s.apply(attach_policy(USER, "arn:aws:iam::aws:policy/AmazonEC2FullAccess"))
    assert [f.role for f in diff.added if f.kind == "passrole"] == [ROLE]


def test_disable_statement_of_inline_policy() -> None:
    s = Session(load_account(sample_path("classic-story-fixed")))
    diff = s.apply(disable_statement(USER, "AllowPassEC2Role", 0))
    assert any(f.kind == "passrole" for f in diff.removed)
    base_user = s.base.user(USER)
    assert base_user is not None and base_user.inline_policies[0].document.statements  # untouched


def test_edit_policy_replaces_the_document_and_validates() -> None:
    s = Session(load_account(sample_path("classic-story-fixed")))
    narrowed = FIX.replace("ec2.amazonaws.com", "lambda.amazonaws.com")
    diff = s.apply(edit_policy(USER, "AllowPassEC2Role", narrowed))
    assert any(f.kind == "passrole" for f in diff.removed)
    with pytest.raises(IamExploreError, match="line 1 column"):
        edit_policy(USER, "AllowPassEC2Role", '{"Version": ')


def test_remove_from_group_on_midsize() -> None:
    s = Session(load_account(sample_path("midsize-company")))
    ben = "arn:aws:iam::444455556666:user/ben.carter"
    before = {f.role for f in s.analysis.findings if f.source == ben and f.kind == "passrole"}
    assert before
    diff = s.apply(remove_from_group(ben, "Developers"))
    assert {f.role for f in diff.removed if f.source == ben and f.kind == "passrole"} == before
    assert diff.seconds < 60  # sanity only; speed is measured in bench/
    others = [f for f in diff.removed if f.source != ben]
    assert all(f.source != ben for f in others)


def test_bad_change_changes_nothing() -> None:
    s = Session(load_account(sample_path("classic-story")))
    with pytest.raises(IamExploreError):
        s.apply(remove_from_group(USER, "NoSuchGroup"))
    assert not s.modified and not s.history


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"Statement": [', "line 1 column"),
        (
            '{"Version": "2012-10-17", "Statement": [{"Action": "s3:*", "Resource": "*"}]}',
            "missing Effect",
        ),
        (
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", '
            '"Resource": "*", "Condition": {"StringEqualz": {"a:b": "c"}}}]}',
            "unknown condition operator",
        ),
    ],
)
def test_validate_document_locates_problems(text: str, fragment: str) -> None:
    problems = validate_document(text)
    assert problems and fragment in problems[0]
    assert validate_document(FIX) == []


def test_export_writes_only_changed_policies(tmp_path: object) -> None:
    from pathlib import Path

    s = Session(load_account(sample_path("classic-story")))
    assert s.export(Path(str(tmp_path))) == []
    s.apply(add_inline_policy(USER, "AllowPassEC2Role", FIX))
    (path,) = s.export(Path(str(tmp_path)))
    assert json.loads(path.read_text())["Statement"][0]["Resource"] == ROLE
