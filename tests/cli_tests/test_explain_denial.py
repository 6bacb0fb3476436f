"""``iam-explore explain-denial``: decoded authorization messages explained against snapshots.

Message shape: STS API reference, "DecodeAuthorizationMessage" (``DecodedMessage`` with
``allowed``, ``explicitDeny``, ``matchedStatements``, ``failures``, ``context``), and AWS
re:Post "ec2-not-auth-launch" for a decoded ``iam:PassRole`` failure with ``aws:Region`` /
``aws:Service`` condition items. The fix follows "Grant a user permissions to pass a role to an
AWS service" (``Resource`` = the role, ``iam:PassedToService`` pinned); the blocks follow
"Policy evaluation logic" (explicit deny wins; boundary and every SCP level must allow).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

import core.load.live
from core.load.samples import sample_path
from tui.cli import main

ACCT = "111122223333"
TEST_USER = f"arn:aws:iam::{ACCT}:user/test-user"
XYZ = f"arn:aws:iam::{ACCT}:role/EC2-roles-for-XYZ"
ALICE = f"arn:aws:iam::{ACCT}:user/alice"
ADMIN_ROLE = f"arn:aws:iam::{ACCT}:role/AdminEC2"
SMALL_ROLE = f"arn:aws:iam::{ACCT}:role/ReadLogsEC2"
CLASSIC = str(sample_path("classic-story"))

SCOPED_FIX = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": XYZ,
            "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}},
        }
    ],
}


def message(
    principal: str = TEST_USER,
    action: str = "iam:PassRole",
    resource: str = XYZ,
    conditions: dict[str, str] | None = None,
    explicit_deny: bool = False,
) -> dict[str, Any]:
    if conditions is None:
        conditions = {"iam:PassedToService": "ec2.amazonaws.com"}
    return {
        "allowed": False,
        "explicitDeny": explicit_deny,
        "matchedStatements": {"items": []},
        "failures": {"items": []},
        "context": {
            "principal": {
                "id": "AIDAEXAMPLE",
                "name": principal.rsplit("/", 1)[-1],
                "arn": principal,
            },
            "action": action,
            "resource": resource,
            "conditions": {
                "items": [
                    {"key": k, "values": {"items": [{"value": v}]}} for k, v in conditions.items()
                ]
            },
        },
    }


def write(tmp_path: Path, data: Any, name: str = "message.json") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def stmt(effect: str, action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": effect, "Action": action, "Resource": resource, **extra}


def ec2_role(name: str, *policies: dict[str, Any]) -> dict[str, Any]:
    arn = f"arn:aws:iam::{ACCT}:role/{name}"
    return {
        "RoleName": name,
        "Arn": arn,
        "Path": "/",
        "AssumeRolePolicyDocument": doc(
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ),
        "InstanceProfileList": [
            {
                "InstanceProfileName": name,
                "Arn": f"arn:aws:iam::{ACCT}:instance-profile/{name}",
                "Roles": [{"RoleName": name}],
            }
        ],
        "RolePolicyList": [
            {"PolicyName": f"p{i}", "PolicyDocument": p} for i, p in enumerate(policies)
        ],
        "AttachedManagedPolicies": [],
    }


def snapshot(
    tmp_path: Path,
    *user_statements: dict[str, Any],
    boundary: dict[str, Any] | None = None,
    scp_levels: list[list[dict[str, Any]]] | None = None,
) -> str:
    """alice (with ``user_statements``), an admin EC2 role and a small EC2 role."""
    user: dict[str, Any] = {
        "UserName": "alice",
        "Arn": ALICE,
        "Path": "/",
        "GroupList": [],
        "UserPolicyList": [{"PolicyName": "alice-policy", "PolicyDocument": doc(*user_statements)}],
        "AttachedManagedPolicies": [],
    }
    policies = []
    if boundary is not None:
        arn = f"arn:aws:iam::{ACCT}:policy/alice-boundary"
        user["PermissionsBoundary"] = {
            "PermissionsBoundaryType": "Policy",
            "PermissionsBoundaryArn": arn,
        }
        policies.append(
            {
                "PolicyName": "alice-boundary",
                "Arn": arn,
                "DefaultVersionId": "v1",
                "PolicyVersionList": [
                    {"VersionId": "v1", "IsDefaultVersion": True, "Document": boundary}
                ],
            }
        )
    data: dict[str, Any] = {
        "UserDetailList": [user],
        "GroupDetailList": [],
        "RoleDetailList": [
            ec2_role("AdminEC2", doc(stmt("Allow", "*"))),
            ec2_role("ReadLogsEC2", doc(stmt("Allow", "logs:GetLogEvents"))),
        ],
        "Policies": policies,
        "IamExplore": {"FormatVersion": 1, "AccountId": ACCT},
    }
    if scp_levels is not None:
        data["IamExplore"]["ScpLevels"] = [
            {
                "Target": target,
                "Policies": [{"Name": f"scp-{i}", "Document": d} for i, d in enumerate(docs)],
            }
            for target, docs in zip(
                ("Root r-abcd", "Account 111122223333"), scp_levels, strict=False
            )
        ]
    return write(tmp_path, data, "account.json")


def explain(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    rc = main(["explain-denial", *args, "--format", "json"])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    result: dict[str, Any] = json.loads(captured.out)
    return result


def fails(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    rc = main(["explain-denial", *args])
    captured = capsys.readouterr()
    assert rc == 2
    assert captured.out == ""
    err = captured.err.strip()
    assert err and "\n" not in err and "Traceback" not in err
    return err


# -- the seed story -------------------------------------------------------------------------------


def test_seed_message_is_no_allow_with_scoped_fix_that_makes_admin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = explain(capsys, write(tmp_path, message()), "--snapshot", CLASSIC)
    assert out["principal"] == TEST_USER
    assert out["action"] == "iam:PassRole"
    assert out["resource"] == XYZ
    assert out["blocked_by"] == "no-allow"
    assert out["fix"]["policy"] == SCOPED_FIX
    assert out["fix"]["instead"] is None
    assert out["becomes_admin"] is True
    passrole = [c for c in out["consequences"] if c["kind"] == "passrole"]
    assert len(passrole) == 1
    assert passrole[0]["source"] == TEST_USER
    assert passrole[0]["role"] == XYZ
    assert passrole[0]["service"] == "ec2.amazonaws.com"
    assert passrole[0]["escalation"] == "admin"
    # The scan finding shape.
    assert {"kind", "title", "source", "target", "escalation", "reasons", "gained"} <= set(
        passrole[0]
    )
    assert out["admin_sentence"] == (
        "This grant lets test-user launch an EC2 instance as EC2-roles-for-XYZ, which has "
        "AdministratorAccess: test-user becomes admin."
    )
    assert out["safer_alternatives"] == []  # the only EC2 role is the admin one
    assert "AmazonEC2FullAccess" in out["explanation"]
    assert "implicit deny" in out["explanation"]
    assert "act as admin" in out["explanation"]  # what iam:PassRole means and why AWS asks
    assert out["notes"] == []


def test_decoded_message_wrapper_on_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    wrapped = json.dumps({"DecodedMessage": json.dumps(message())})
    monkeypatch.setattr("sys.stdin", io.StringIO(wrapped))
    out = explain(capsys, "-", "--snapshot", CLASSIC)
    assert out["blocked_by"] == "no-allow"
    assert out["fix"]["policy"] == SCOPED_FIX


def test_text_output_has_the_key_sentences(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc = main(["explain-denial", write(tmp_path, message()), "--snapshot", CLASSIC])
    out = " ".join(capsys.readouterr().out.split())
    assert rc == 0
    assert "denied user test-user iam:PassRole" in out
    assert "blocked by: no-allow (no statement allows it)" in out
    assert "No statement in test-user's policies allows iam:PassRole" in out
    assert "iam:PassRole is not an API call" in out
    assert '"iam:PassedToService": "ec2.amazonaws.com"' in out
    assert "aws iam put-user-policy --user-name test-user" in out
    assert "which has AdministratorAccess: test-user becomes admin." in out
    assert "[admin] test-user can pass EC2-roles-for-XYZ to Amazon EC2" in out


def test_real_message_shape_without_passed_to_service(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # re:Post's example carries aws:Region and aws:Service, not iam:PassedToService.
    msg = message(conditions={"aws:Region": "us-east-2", "aws:Service": "ec2"})
    out = explain(capsys, write(tmp_path, msg), "--snapshot", CLASSIC)
    assert out["fix"]["policy"] == SCOPED_FIX
    assert any("aws:Service" in n for n in out["notes"])


def test_service_inferred_from_the_role_trust_when_the_message_is_silent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = explain(capsys, write(tmp_path, message(conditions={})), "--snapshot", CLASSIC)
    assert out["fix"]["policy"] == SCOPED_FIX
    assert any("the one service role EC2-roles-for-XYZ trusts" in n for n in out["notes"])


def test_bare_action_name_gets_the_resource_service(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = explain(capsys, write(tmp_path, message(action="PassRole")), "--snapshot", CLASSIC)
    assert out["action"] == "iam:PassRole"
    assert out["blocked_by"] == "no-allow"


def test_associated_resource_arn_is_pinned_when_the_message_carries_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    instance = f"arn:aws:ec2:us-east-1:{ACCT}:instance/*"
    msg = message(
        conditions={
            "iam:PassedToService": "ec2.amazonaws.com",
            "iam:AssociatedResourceARN": instance,
        }
    )
    out = explain(capsys, write(tmp_path, msg), "--snapshot", CLASSIC)
    cond = out["fix"]["policy"]["Statement"][0]["Condition"]
    assert cond == {
        "StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"},
        "ArnLike": {"iam:AssociatedResourceARN": instance},
    }


def test_message_explicit_deny_is_cross_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = explain(capsys, write(tmp_path, message(explicit_deny=True)), "--snapshot", CLASSIC)
    assert out["blocked_by"] == "no-allow"
    assert any("explicit Deny matched" in n for n in out["notes"])


# -- closest statements and safer roles ---------------------------------------------------------


def test_no_allow_lists_the_closest_statements(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snap = snapshot(
        tmp_path,
        stmt("Allow", "ec2:RunInstances"),
        stmt("Allow", "iam:PassRole", SMALL_ROLE, Sid="PassSmall"),
        stmt(
            "Allow",
            "iam:PassRole",
            ADMIN_ROLE,
            Sid="PassToLambda",
            Condition={"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}},
        ),
    )
    out = explain(capsys, write(tmp_path, message(ALICE, resource=ADMIN_ROLE)), "--snapshot", snap)
    assert out["blocked_by"] == "no-allow"
    assert {s["sid"] for s in out["statements"]} == {"PassSmall", "PassToLambda"}
    assert "Closest statements" in out["explanation"]
    assert "resource does not match" in out["explanation"]
    assert "condition not met" in out["explanation"]
    assert out["becomes_admin"] is True
    assert out["safer_alternatives"] == [SMALL_ROLE]


def test_no_admin_when_the_role_is_small(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snap = snapshot(tmp_path, stmt("Allow", "ec2:RunInstances"))
    out = explain(capsys, write(tmp_path, message(ALICE, resource=SMALL_ROLE)), "--snapshot", snap)
    assert out["blocked_by"] == "no-allow"
    assert out["becomes_admin"] is False
    assert out["admin_sentence"] is None
    assert [c["escalation"] for c in out["consequences"]] == ["privilege-gain"]


# -- other blocks ------------------------------------------------------------------------------


def test_explicit_deny(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    snap = snapshot(
        tmp_path,
        stmt("Allow", ["ec2:*", "iam:PassRole"]),
        stmt("Deny", "iam:PassRole", ADMIN_ROLE, Sid="NoAdminPass"),
    )
    msg = message(ALICE, resource=ADMIN_ROLE, explicit_deny=True)
    out = explain(capsys, write(tmp_path, msg), "--snapshot", snap)
    assert out["blocked_by"] == "explicit-deny"
    assert [(s["sid"], s["effect"], s["layer"]) for s in out["statements"]] == [
        ("NoAdminPass", "Deny", "identity")
    ]
    assert out["fix"]["policy"] is None
    assert "Deny" in out["fix"]["instead"]
    assert out["consequences"] == []
    assert out["becomes_admin"] is False
    assert out["notes"] == []


def test_permissions_boundary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    snap = snapshot(
        tmp_path,
        stmt("Allow", ["ec2:*", "iam:PassRole"], Sid="Broad"),
        boundary=doc(stmt("Allow", "ec2:*", Sid="OnlyEc2")),
    )
    out = explain(capsys, write(tmp_path, message(ALICE, resource=ADMIN_ROLE)), "--snapshot", snap)
    assert out["blocked_by"] == "permissions-boundary"
    assert out["fix"]["policy"] is None
    assert "alice-boundary" in out["fix"]["instead"]
    assert "alice-boundary" in out["explanation"]
    assert ("Broad", "identity") in {(s["sid"], s["layer"]) for s in out["statements"]}


def test_scp_level_without_allow(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    snap = snapshot(
        tmp_path,
        stmt("Allow", ["ec2:*", "iam:PassRole"]),
        scp_levels=[[doc(stmt("Allow", "*"))], [doc(stmt("Allow", "ec2:*"))]],
    )
    out = explain(capsys, write(tmp_path, message(ALICE, resource=ADMIN_ROLE)), "--snapshot", snap)
    assert out["blocked_by"] == "scp"
    assert "Account 111122223333" in out["explanation"]
    assert out["fix"]["policy"] is None
    assert "SCP at Account 111122223333" in out["fix"]["instead"]


def test_scp_explicit_deny(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    snap = snapshot(
        tmp_path,
        stmt("Allow", ["ec2:*", "iam:PassRole"]),
        scp_levels=[[doc(stmt("Allow", "*"), stmt("Deny", "iam:PassRole", Sid="NoPass"))]],
    )
    msg = message(ALICE, resource=ADMIN_ROLE, explicit_deny=True)
    out = explain(capsys, write(tmp_path, msg), "--snapshot", snap)
    assert out["blocked_by"] == "scp"
    assert [(s["sid"], s["layer"], s["level"]) for s in out["statements"]] == [
        ("NoPass", "scp", "Root r-abcd")
    ]
    assert out["fix"]["policy"] is None


def test_assumed_role_session_names_its_role(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snap = snapshot(tmp_path, stmt("Allow", "ec2:RunInstances"))
    session = f"arn:aws:sts::{ACCT}:assumed-role/ReadLogsEC2/i-0123"
    out = explain(
        capsys, write(tmp_path, message(session, resource=ADMIN_ROLE)), "--snapshot", snap
    )
    assert out["principal"] == SMALL_ROLE
    assert out["blocked_by"] == "no-allow"


# -- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("not json", "not JSON"),
        ("[]", "must be a JSON object"),
        (json.dumps({"allowed": False}), 'no "context"'),
        (json.dumps({"context": {"principal": {"arn": TEST_USER}, "resource": XYZ}}), "action"),
        (json.dumps({"context": {"principal": {"arn": TEST_USER}, "action": "x"}}), "resource"),
        (json.dumps({"context": {"action": "iam:PassRole", "resource": XYZ}}), "principal"),
        (json.dumps({"DecodedMessage": "{oops"}), "DecodedMessage is not JSON"),
        (json.dumps(message(f"arn:aws:iam::{ACCT}:user/nobody")), "not in the snapshot"),
    ],
)
def test_malformed_messages_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    err = fails(capsys, write(tmp_path, text), "--snapshot", CLASSIC)
    assert expected in err


def test_missing_file_and_missing_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "nope.json")
    assert f"{missing}: no such file" in fails(capsys, missing, "--snapshot", CLASSIC)
    assert "--snapshot FILE or --profile" in fails(capsys, write(tmp_path, message()))


def test_encoded_needs_profile(capsys: pytest.CaptureFixture[str]) -> None:
    err = fails(capsys, "--encoded", "EXAMPLEWodyRNrtlQARDip", "--snapshot", CLASSIC)
    assert "--encoded needs --profile" in err


def test_encoded_with_profile_decodes_live(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[tuple[str, str | None]] = []

    def decode(encoded: str, *, profile: str | None, **_: Any) -> str:
        calls.append((encoded, profile))
        return json.dumps(message())

    monkeypatch.setattr(core.load.live, "decode_authorization_message", decode, raising=False)
    out = explain(capsys, "--encoded", "EXAMPLE", "--profile", "dev", "--snapshot", CLASSIC)
    assert calls == [("EXAMPLE", "dev")]
    assert out["fix"]["policy"] == SCOPED_FIX


class _FakeSTS:
    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.calls: list[str] = []

    def decode_authorization_message(self, EncodedMessage: str) -> dict[str, str]:
        self.calls.append(EncodedMessage)
        if isinstance(self.answer, Exception):
            raise self.answer
        return {"DecodedMessage": self.answer}


def _fake_sts(monkeypatch: pytest.MonkeyPatch, answer: Any) -> tuple[_FakeSTS, list[Any]]:
    """Fake the fallback path: a boto3 session and core.load.live.read_only_client."""
    sts = _FakeSTS(answer)
    made: list[Any] = []

    def client(session: Any, service: str, **kwargs: Any) -> _FakeSTS:
        made.append((service, kwargs))
        return sts

    monkeypatch.delattr(core.load.live, "decode_authorization_message", raising=False)
    monkeypatch.setattr(core.load.live, "read_only_client", client)
    monkeypatch.setattr("boto3.Session", lambda **kwargs: object())
    return sts, made


def test_launch_action_pins_the_service(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    msg = write(tmp_path, message(conditions={}))
    out = explain(capsys, msg, "--snapshot", CLASSIC, "--launch-action", "lambda:CreateFunction")
    condition = out["fix"]["policy"]["Statement"][0]["Condition"]
    assert condition == {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}
    assert any("lambda:CreateFunction" in n for n in out["notes"])


def test_snapshot_that_allows_the_request_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fixed = str(sample_path("classic-story-fixed"))
    out = explain(capsys, write(tmp_path, message()), "--snapshot", fixed)
    assert out["blocked_by"] == "no-allow"
    assert out["fix"]["policy"] is None
    assert "refresh the snapshot" in out["fix"]["instead"]
    assert any("the snapshot allows this request" in n for n in out["notes"])
    assert "AllowPassEC2Role" in {s["policy"] for s in out["statements"]}


def test_passing_a_role_of_another_account_is_explained_as_cross_account(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # "Cross-account policy evaluation logic": the identity policy alone cannot reach another
    # account's resource; iam:PassRole has no resource-based policy, so no fix policy helps.
    foreign = "arn:aws:iam::444455556666:role/AdminEC2"
    account = snapshot(tmp_path, stmt("Allow", ["iam:PassRole", "ec2:RunInstances"]))
    out = explain(capsys, write(tmp_path, message(ALICE, resource=foreign)), "--snapshot", account)
    assert out["blocked_by"] == "no-allow"
    assert "Cross-account" in out["explanation"]
    assert out["fix"]["policy"] is None
    assert "only in its own account" in out["fix"]["instead"]


def test_allowing_statement_from_the_bundled_managed_policy_copy_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The export attaches IAMFullAccess but leaves its document out: the loader takes it from
    # the bundled copy (a warning), and an explanation citing it must say so.
    snap = snapshot(tmp_path, stmt("Allow", "ec2:*"), boundary=doc(stmt("Allow", "ec2:*")))
    data = json.loads(Path(snap).read_text(encoding="utf-8"))
    iam_full = "arn:aws:iam::aws:policy/IAMFullAccess"
    data["UserDetailList"][0]["AttachedManagedPolicies"] = [
        {"PolicyName": "IAMFullAccess", "PolicyArn": iam_full}
    ]
    snap = write(tmp_path, data, "account.json")
    out = explain(capsys, write(tmp_path, message(ALICE, resource=ADMIN_ROLE)), "--snapshot", snap)
    assert out["blocked_by"] == "permissions-boundary"
    assert any(s["policy_arn"] == iam_full for s in out["statements"])
    assert any(iam_full in n and "bundled copy" in n for n in out["notes"])


def test_allowing_statement_from_the_export_has_no_bundle_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snap = snapshot(
        tmp_path, stmt("Allow", ["ec2:*", "iam:PassRole"]), boundary=doc(stmt("Allow", "ec2:*"))
    )
    out = explain(capsys, write(tmp_path, message(ALICE, resource=ADMIN_ROLE)), "--snapshot", snap)
    assert not any("bundled copy" in n for n in out["notes"])
