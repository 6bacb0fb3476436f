"""``iam-explore simulate``: an offline ``aws iam simulate-custom-policy``.

Shapes follow the IAM API reference ("SimulateCustomPolicy", "EvaluationResult", "Statement":
``SourcePolicyType`` is one of ``user | group | role | aws-managed | user-managed | resource |
none``; "ContextEntry": ``ContextKeyType`` string ... dateList). Decisions follow the IAM User
Guide, "Policy evaluation logic".
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from core.explain.simulate import Position, statement_positions
from tui.cli import main

ACCT = "111122223333"
ALICE = f"arn:aws:iam::{ACCT}:user/alice"


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def simulate(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, Any]]:
    rc = main(["simulate", *args, "--output", "json"])
    out = capsys.readouterr().out
    assert rc == 0
    results: list[dict[str, Any]] = json.loads(out)["EvaluationResults"]
    return results


def decisions(results: list[dict[str, Any]]) -> dict[str, str]:
    return {r["EvalActionName"]: r["EvalDecision"] for r in results}


def fails(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    rc = main(["simulate", *args])
    captured = capsys.readouterr()
    assert rc == 2
    assert captured.out == ""
    err = captured.err.strip()
    assert "\n" not in err and "Traceback" not in err
    return err


# -- decisions --------------------------------------------------------------------------------


def test_allowed_explicit_and_implicit_deny(capsys: pytest.CaptureFixture[str]) -> None:
    # "Policy evaluation logic": an explicit Deny overrides any Allow; no Allow is implicit deny.
    policy = doc(allow("s3:*"), {**deny("s3:DeleteObject"), "Sid": "NoDelete"})
    results = simulate(
        capsys,
        "--policy-input-list", policy,
        "--action-names", "s3:GetObject", "s3:DeleteObject", "ec2:RunInstances",
    )  # fmt: skip
    assert decisions(results) == {
        "s3:GetObject": "allowed",
        "s3:DeleteObject": "explicitDeny",
        "ec2:RunInstances": "implicitDeny",
    }
    get, delete, run = results
    assert get["EvalResourceName"] == "*"
    start = policy.index('{"Effect"') + 1  # 1-based column of the statement's "{"
    end = start + len(json.dumps(allow("s3:*"))) - 1  # ... and of its "}"
    assert get["MatchedStatements"] == [
        {
            "SourcePolicyId": "PolicyInputList.1",
            "SourcePolicyType": "none",
            "StartPosition": {"Line": 1, "Column": start},
            "EndPosition": {"Line": 1, "Column": end},
        }
    ]
    # The deny statement is the only entry for an explicit deny (EvaluationResult).
    assert [m["SourcePolicyId"] for m in delete["MatchedStatements"]] == ["PolicyInputList.1"]
    assert delete["IamExplore"]["denied_by"][0]["sid"] == "NoDelete"
    assert delete["IamExplore"]["decided_by"] == "explicit-deny"
    assert run["MatchedStatements"] == []
    assert "EvalDecisionDetails" not in get  # not returned for resource "*"
    assert "PermissionsBoundaryDecisionDetail" not in get
    assert "OrganizationsDecisionDetail" not in get


def test_one_result_per_action_and_resource(capsys: pytest.CaptureFixture[str]) -> None:
    policy = doc(allow("s3:GetObject", "arn:aws:s3:::bucket/public/*"))
    results = simulate(
        capsys,
        "--policy-input-list", policy,
        "--action-names", "s3:GetObject", "s3:PutObject",
        "--resource-arns", "arn:aws:s3:::bucket/public/a", "arn:aws:s3:::bucket/private/b",
    )  # fmt: skip
    got = [(r["EvalActionName"], r["EvalResourceName"], r["EvalDecision"]) for r in results]
    assert got == [
        ("s3:GetObject", "arn:aws:s3:::bucket/public/a", "allowed"),
        ("s3:GetObject", "arn:aws:s3:::bucket/private/b", "implicitDeny"),
        ("s3:PutObject", "arn:aws:s3:::bucket/public/a", "implicitDeny"),
        ("s3:PutObject", "arn:aws:s3:::bucket/private/b", "implicitDeny"),
    ]
    assert results[0]["EvalDecisionDetails"] == {}


def test_not_action_allows_every_other_action(capsys: pytest.CaptureFixture[str]) -> None:
    # "IAM JSON policy elements: NotAction": Allow + NotAction allows all other actions.
    policy = doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    results = simulate(
        capsys,
        "--policy-input-list", policy,
        "--action-names", "s3:GetObject", "ec2:RunInstances", "iam:CreateUser", "IAM:PassRole",
    )  # fmt: skip
    assert decisions(results) == {
        "s3:GetObject": "allowed",
        "ec2:RunInstances": "allowed",
        "iam:CreateUser": "implicitDeny",
        "IAM:PassRole": "implicitDeny",
    }


def test_several_policies_are_numbered(capsys: pytest.CaptureFixture[str]) -> None:
    results = simulate(
        capsys,
        "--policy-input-list", doc(allow("s3:GetObject")), doc(allow("ec2:*")),
        "--action-names", "ec2:StartInstances",
    )  # fmt: skip
    assert results[0]["MatchedStatements"][0]["SourcePolicyId"] == "PolicyInputList.2"


def test_permissions_boundary(capsys: pytest.CaptureFixture[str]) -> None:
    # "Policy evaluation logic": an identity allow must also be allowed by the boundary.
    results = simulate(
        capsys,
        "--policy-input-list", doc(allow(["s3:*", "ec2:*"])),
        "--permissions-boundary-policy-input-list", doc(allow("s3:*")),
        "--action-names", "s3:GetObject", "ec2:RunInstances",
    )  # fmt: skip
    s3, ec2 = results
    assert s3["EvalDecision"] == "allowed"
    assert s3["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": True}
    assert ec2["EvalDecision"] == "implicitDeny"
    assert ec2["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": False}
    assert ec2["IamExplore"]["decided_by"] == "boundary"
    # the boundary statement is not a MatchedStatement of the allow; identity's is
    assert [m["SourcePolicyId"] for m in s3["MatchedStatements"]] == ["PolicyInputList.1"]


def test_only_one_boundary(capsys: pytest.CaptureFixture[str]) -> None:
    err = fails(
        capsys,
        "--policy-input-list", doc(allow("*")),
        "--permissions-boundary-policy-input-list", doc(allow("*")), doc(allow("*")),
        "--action-names", "s3:GetObject",
    )  # fmt: skip
    assert "only one permissions boundary" in err


def test_scp_levels(capsys: pytest.CaptureFixture[str]) -> None:
    # "Policy evaluation logic": SCPs must allow at every level; an SCP deny is final.
    levels = json.dumps(
        [
            [doc(allow("*"))],
            [json.loads(doc(allow(["s3:*", "iam:*"])))],  # objects are accepted too
            json.loads(doc(allow("*"), deny("iam:*"))),  # a level can be a single document
        ]
    )
    results = simulate(
        capsys,
        "--policy-input-list", doc(allow("*")),
        "--scp-levels", levels,
        "--action-names", "s3:GetObject", "ec2:RunInstances", "iam:CreateUser",
    )  # fmt: skip
    assert decisions(results) == {
        "s3:GetObject": "allowed",
        "ec2:RunInstances": "implicitDeny",
        "iam:CreateUser": "explicitDeny",
    }
    s3, ec2, iam = results
    assert s3["OrganizationsDecisionDetail"] == {"AllowedByOrganizations": True}
    assert ec2["OrganizationsDecisionDetail"] == {"AllowedByOrganizations": False}
    assert ec2["IamExplore"]["decided_by"] == "scp:level 2"
    assert iam["OrganizationsDecisionDetail"] == {"AllowedByOrganizations": False}
    assert iam["MatchedStatements"][0]["SourcePolicyId"] == "ScpLevels.3.1"


def test_scp_levels_single_document(capsys: pytest.CaptureFixture[str]) -> None:
    results = simulate(
        capsys,
        "--policy-input-list", doc(allow("*")),
        "--scp-levels", doc(allow("s3:*")),
        "--action-names", "s3:GetObject", "ec2:RunInstances",
    )  # fmt: skip
    assert decisions(results) == {"s3:GetObject": "allowed", "ec2:RunInstances": "implicitDeny"}


# -- context ----------------------------------------------------------------------------------


def entry(name: str, values: list[str], kind: str) -> dict[str, Any]:
    return {"ContextKeyName": name, "ContextKeyValues": values, "ContextKeyType": kind}


CONTEXT_CASES = [
    # ("Condition operators": ForAnyValue needs one match among the request's values)
    (
        {"ForAnyValue:StringEquals": {"aws:TagKeys": ["team", "env"]}},
        entry("aws:TagKeys", ["owner", "env"], "stringList"),
        entry("aws:TagKeys", ["owner"], "stringList"),
    ),
    (
        {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        entry("aws:MultiFactorAuthPresent", ["True"], "boolean"),
        entry("aws:MultiFactorAuthPresent", ["false"], "boolean"),
    ),
    (
        {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        entry("aws:SourceIp", ["203.0.113.7"], "ip"),
        entry("aws:SourceIp", ["198.51.100.7"], "ip"),
    ),
    (
        {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}},
        entry("aws:CurrentTime", ["2029-06-01T12:00:00Z"], "date"),
        entry("aws:CurrentTime", ["2031-01-01T00:00:00Z"], "date"),
    ),
    (
        {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}},
        entry("aws:MultiFactorAuthAge", ["60"], "numeric"),
        entry("aws:MultiFactorAuthAge", ["7200"], "numeric"),
    ),
]


@pytest.mark.parametrize(("condition", "matching", "other"), CONTEXT_CASES)
def test_context_entries_with_types(
    capsys: pytest.CaptureFixture[str],
    condition: dict[str, Any],
    matching: dict[str, Any],
    other: dict[str, Any],
) -> None:
    policy = doc(allow("s3:GetObject", Condition=condition))
    for ctx, want in ((matching, "allowed"), (other, "implicitDeny")):
        (result,) = simulate(
            capsys,
            "--policy-input-list", policy,
            "--action-names", "s3:GetObject",
            "--context-entries", json.dumps([ctx]),
        )  # fmt: skip
        assert result["EvalDecision"] == want, (ctx, result["IamExplore"])
        assert result["MissingContextValues"] == []


def test_missing_context_values_lists_absent_keys(capsys: pytest.CaptureFixture[str]) -> None:
    # Keys not given are absent (simulation): the condition is false, and the key is listed.
    policy = doc(
        allow(
            "s3:GetObject",
            Condition={
                "Bool": {"aws:MultiFactorAuthPresent": "true"},
                "StringEquals": {"aws:RequestedRegion": "eu-west-1"},
            },
        ),
        allow("ec2:*", Condition={"StringEquals": {"ec2:InstanceType": "t3.micro"}}),
    )
    (result,) = simulate(
        capsys,
        "--policy-input-list", policy,
        "--action-names", "s3:GetObject",
        "--context-entries", json.dumps([entry("aws:RequestedRegion", ["eu-west-1"], "string")]),
    )  # fmt: skip
    assert result["EvalDecision"] == "implicitDeny"
    # only keys read by statements of this action, spelled as in the policy
    assert result["MissingContextValues"] == ["aws:MultiFactorAuthPresent"]


def test_absent_key_makes_negated_operator_true(capsys: pytest.CaptureFixture[str]) -> None:
    # "Condition operators": a negated operator on an absent key is true.
    policy = doc(allow("s3:*", Condition={"StringNotEquals": {"aws:PrincipalTag/team": "x"}}))
    (result,) = simulate(capsys, "--policy-input-list", policy, "--action-names", "s3:GetObject")
    assert result["EvalDecision"] == "allowed"
    assert result["MissingContextValues"] == ["aws:PrincipalTag/team"]


def test_caller_arn_sets_username_for_policy_variables(capsys: pytest.CaptureFixture[str]) -> None:
    # "Variables and tags": ${aws:username} is the caller's user name.
    policy = doc(allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*"))
    results = simulate(
        capsys,
        "--policy-input-list", policy,
        "--action-names", "s3:GetObject",
        "--resource-arns", "arn:aws:s3:::home/alice/f", "arn:aws:s3:::home/bob/f",
        "--caller-arn", ALICE,
    )  # fmt: skip
    assert [r["EvalDecision"] for r in results] == ["allowed", "implicitDeny"]


# -- files and resource policies --------------------------------------------------------------


def test_file_inputs(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    policy = tmp_path / "policy.json"
    policy.write_text(
        '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n'
        '      "Action": "s3:GetObject",\n      "Resource": "*",\n'
        '      "Condition": {"Bool": {"aws:SecureTransport": "true"}}\n    }\n  ]\n}\n'
    )
    ctx = tmp_path / "ctx.json"
    ctx.write_text(json.dumps([entry("aws:SecureTransport", ["true"], "boolean")]))
    (result,) = simulate(
        capsys,
        "--policy-input-list", f"file://{policy}",
        "--action-names", "s3:GetObject",
        "--context-entries", f"file://{ctx}",
    )  # fmt: skip
    assert result["EvalDecision"] == "allowed"
    (matched,) = result["MatchedStatements"]
    assert matched["StartPosition"] == {"Line": 4, "Column": 5}
    assert matched["EndPosition"] == {"Line": 9, "Column": 5}


TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": ALICE}, "Action": "sts:AssumeRole"}],
    }
)
ROLE = f"arn:aws:iam::{ACCT}:role/deploy"


def test_resource_policy_assume_role(capsys: pytest.CaptureFixture[str]) -> None:
    # A role trust policy must allow sts:AssumeRole in every case ("Policy evaluation logic").
    results = simulate(
        capsys,
        "--policy-input-list", doc(allow("sts:AssumeRole")),
        "--resource-policy", TRUST,
        "--action-names", "sts:AssumeRole",
        "--resource-arns", ROLE,
        "--caller-arn", ALICE,
    )  # fmt: skip
    (result,) = results
    assert result["EvalDecision"] == "allowed"
    types = {m["SourcePolicyType"] for m in result["MatchedStatements"]}
    assert "resource" in types
    bob = f"arn:aws:iam::{ACCT}:user/bob"
    (result,) = simulate(
        capsys,
        "--policy-input-list", doc(allow("sts:AssumeRole")),
        "--resource-policy", TRUST,
        "--action-names", "sts:AssumeRole",
        "--resource-arns", ROLE,
        "--caller-arn", bob,
    )  # fmt: skip
    assert result["EvalDecision"] == "implicitDeny"
    assert result["IamExplore"]["decided_by"] == "resource"


def test_resource_policy_grants_same_account_user(capsys: pytest.CaptureFixture[str]) -> None:
    # Same account: a resource policy that names the user can allow on its own.
    bucket_policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AliceReads",
                    "Effect": "Allow",
                    "Principal": {"AWS": ALICE},
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::bucket/*",
                }
            ],
        }
    )
    (result,) = simulate(
        capsys,
        "--policy-input-list", doc(allow("ec2:*")),
        "--resource-policy", bucket_policy,
        "--action-names", "s3:GetObject",
        "--resource-arns", "arn:aws:s3:::bucket/k",
        "--caller-arn", ALICE,
    )  # fmt: skip
    assert result["EvalDecision"] == "allowed"
    assert result["MatchedStatements"][0]["SourcePolicyId"] == "ResourcePolicy"
    assert result["MatchedStatements"][0]["SourcePolicyType"] == "resource"


def test_resource_policy_needs_caller(capsys: pytest.CaptureFixture[str]) -> None:
    err = fails(
        capsys,
        "--policy-input-list", doc(allow("*")),
        "--resource-policy", TRUST,
        "--action-names", "sts:AssumeRole",
    )  # fmt: skip
    assert "--caller-arn" in err


# -- snapshot ---------------------------------------------------------------------------------


def write_snapshot(tmp_path: Path) -> Path:
    boundary_arn = f"arn:aws:iam::{ACCT}:policy/Boundary"
    dev_arn = f"arn:aws:iam::{ACCT}:policy/DevAccess"

    def managed(arn: str, document: str) -> dict[str, Any]:
        return {
            "PolicyName": arn.rsplit("/", 1)[-1],
            "Arn": arn,
            "DefaultVersionId": "v1",
            "PolicyVersionList": [
                {"Document": json.loads(document), "VersionId": "v1", "IsDefaultVersion": True}
            ],
        }

    data = {
        "UserDetailList": [
            {
                "UserName": "alice",
                "Arn": ALICE,
                "GroupList": ["devs"],
                "UserPolicyList": [
                    {
                        "PolicyName": "own-home",
                        "PolicyDocument": json.loads(
                            doc(allow("s3:PutObject", "arn:aws:s3:::home/${aws:username}/*"))
                        ),
                    }
                ],
                "AttachedManagedPolicies": [],
                "PermissionsBoundary": {
                    "PermissionsBoundaryType": "Policy",
                    "PermissionsBoundaryArn": boundary_arn,
                },
            }
        ],
        "GroupDetailList": [
            {
                "GroupName": "devs",
                "Arn": f"arn:aws:iam::{ACCT}:group/devs",
                "GroupPolicyList": [],
                "AttachedManagedPolicies": [{"PolicyName": "DevAccess", "PolicyArn": dev_arn}],
            }
        ],
        "RoleDetailList": [],
        "Policies": [
            managed(dev_arn, doc(allow(["s3:GetObject", "ec2:*", "iam:*"]))),
            managed(boundary_arn, doc(allow(["s3:*", "ec2:*", "iam:*"]))),
        ],
        "IamExplore": {
            "FormatVersion": 1,
            "AccountId": ACCT,
            "ScpLevels": [
                {
                    "Target": "root",
                    "Policies": [{"Name": "FullAWSAccess", "Document": doc(allow("*"))}],
                },
                {
                    "Target": "ou-dev",
                    "Policies": [{"Name": "NoIam", "Document": doc(allow("*"), deny("iam:*"))}],
                },
            ],
        },
    }
    path = tmp_path / "account.json"
    path.write_text(json.dumps(data))
    return path


def test_snapshot_policy_source_arn(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    snapshot = write_snapshot(tmp_path)
    results = simulate(
        capsys,
        "--snapshot", str(snapshot),
        "--policy-source-arn", ALICE,
        "--action-names", "s3:GetObject", "s3:PutObject", "iam:CreateUser", "sqs:SendMessage",
        "--resource-arns", "arn:aws:s3:::home/alice/x",
    )  # fmt: skip
    assert decisions(results) == {
        "s3:GetObject": "allowed",  # via group devs, attached customer managed policy
        "s3:PutObject": "allowed",  # inline on the user, ${aws:username} from the snapshot
        "iam:CreateUser": "explicitDeny",  # the snapshot's SCP at ou-dev
        "sqs:SendMessage": "implicitDeny",
    }
    get, put, iam, _ = results
    assert get["MatchedStatements"][0]["SourcePolicyId"] == "DevAccess"
    assert get["MatchedStatements"][0]["SourcePolicyType"] == "user-managed"
    assert put["MatchedStatements"][0] == {"SourcePolicyId": "own-home", "SourcePolicyType": "user"}
    assert get["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": True}
    assert iam["OrganizationsDecisionDetail"] == {"AllowedByOrganizations": False}
    assert iam["MatchedStatements"][0]["SourcePolicyId"] == "NoIam"


def test_snapshot_extra_policies_and_boundary(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    snapshot = write_snapshot(tmp_path)
    results = simulate(
        capsys,
        "--snapshot", str(snapshot),
        "--policy-source-arn", "alice",
        "--policy-input-list", doc(allow("sqs:SendMessage")),
        "--action-names", "sqs:SendMessage", "ec2:RunInstances",
    )  # fmt: skip
    sqs, ec2 = results
    # the extra policy allows, but the user's boundary does not
    assert sqs["EvalDecision"] == "implicitDeny"
    assert sqs["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": False}
    assert ec2["EvalDecision"] == "allowed"
    # a given boundary replaces the principal's
    results = simulate(
        capsys,
        "--snapshot", str(snapshot),
        "--policy-source-arn", ALICE,
        "--policy-input-list", doc(allow("sqs:SendMessage")),
        "--permissions-boundary-policy-input-list", doc(allow("sqs:*")),
        "--action-names", "sqs:SendMessage", "ec2:RunInstances",
    )  # fmt: skip
    assert decisions(results) == {"sqs:SendMessage": "allowed", "ec2:RunInstances": "implicitDeny"}


# -- explain and rendering --------------------------------------------------------------------


def test_explain_lists_misses(capsys: pytest.CaptureFixture[str]) -> None:
    policy = doc(
        allow("s3:PutObject"),
        allow("s3:GetObject", "arn:aws:s3:::other/*"),
        allow("s3:GetObject", Condition={"Bool": {"aws:SecureTransport": "true"}}),
    )
    rc = main(
        [
            "simulate", "--policy-input-list", policy, "--action-names", "s3:GetObject",
            "--resource-arns", "arn:aws:s3:::bucket/k", "--explain", "--output", "json",
        ]
    )  # fmt: skip
    assert rc == 0
    (result,) = json.loads(capsys.readouterr().out)["EvaluationResults"]
    misses = {m["statement"]["statement"]: m["reason"] for m in result["IamExplore"]["misses"]}
    assert misses[0] == "action does not match"
    assert misses[1] == "resource does not match"
    assert misses[2].startswith("condition not met: aws:SecureTransport Bool")


@pytest.mark.parametrize("output", ["table", "text"])
def test_table_and_text_output(capsys: pytest.CaptureFixture[str], output: str) -> None:
    policy = doc(allow("s3:*"), {**deny("s3:DeleteObject"), "Sid": "NoDelete"}, allow("s3:Put*"))
    rc = main(
        [
            "simulate", "--policy-input-list", policy, "--output", output, "--explain",
            "--action-names", "s3:GetObject", "s3:DeleteObject", "iam:PassRole",
        ]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert rc == 0
    for word in ("✔ allowed", "✖ explicitDeny", "∅ implicitDeny", "NoDelete", "Statement[2]"):
        assert word in out, word
    assert "action does not match" in out  # --explain


def test_default_output_is_json_when_not_a_tty(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["simulate", "--policy-input-list", doc(allow("*")), "--action-names", "s3:Get"])
    assert rc == 0
    assert json.loads(capsys.readouterr().out)["EvaluationResults"][0]["EvalDecision"] == "allowed"


def test_console_script_subprocess(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "iam-explore"
    policy = tmp_path / "p.json"
    policy.write_text(doc(allow("s3:GetObject")))
    proc = subprocess.run(
        [str(exe), "simulate", "--policy-input-list", f"file://{policy}",
         "--action-names", "s3:GetObject", "s3:PutObject"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout)["EvaluationResults"]
    assert decisions(results) == {"s3:GetObject": "allowed", "s3:PutObject": "implicitDeny"}
    bad = subprocess.run(
        [str(exe), "simulate", "--policy-input-list", "{nope", "--action-names", "s3:Get"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr


# -- bad input --------------------------------------------------------------------------------

GOOD = doc(allow("*"))


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["--policy-input-list", GOOD, "{nope", "--action-names", "s3:Get"],
            "--policy-input-list[2]: policy document is not valid JSON: Expecting property name",
        ),
        (
            ["--policy-input-list", "file://does-not-exist.json", "--action-names", "s3:Get"],
            "file://does-not-exist.json: no such file",
        ),
        (
            ["--policy-input-list", doc({"Effect": "Allow", "Resource": "*"}),
             "--action-names", "s3:Get"],
            "--policy-input-list[1] Statement[0]: statement needs Action or NotAction",
        ),
        (
            ["--policy-input-list", doc(allow("s3:*", Condition={"StringEqualz": {"a:b": "c"}})),
             "--action-names", "s3:Get"],
            'unknown condition operator "StringEqualz"',
        ),
        (
            ["--policy-input-list", GOOD, "--action-names", "s3:Get", "--context-entries",
             json.dumps([entry("aws:SourceIp", ["not-an-ip"], "ip")])],
            "--context-entries[1].ContextKeyValues[1]: 'not-an-ip' is not a ip value",
        ),
        (
            ["--policy-input-list", GOOD, "--action-names", "s3:Get", "--context-entries",
             json.dumps([entry("k:k", ["1"], "integer")])],
            "ContextKeyType 'integer' is not one of",
        ),
        (
            ["--policy-input-list", GOOD, "--action-names", "s3:Get", "--context-entries",
             json.dumps([entry("k:k", ["1", "2"], "numeric")])],
            "takes exactly one value",
        ),
        (
            ["--policy-input-list", GOOD, "--action-names", "s3:Get", "--context-entries", "[1"],
            "--context-entries: context entries is not valid JSON",
        ),
        (
            ["--policy-input-list", GOOD, "--action-names", "s3:Get", "--scp-levels", "[[3]]"],
            "--scp-levels[1][1]: policy document must be a JSON object",
        ),
        (["--action-names", "s3:Get"], "--policy-input-list: give at least one policy"),
        (["--policy-input-list", GOOD, "--action-names", "nocolon"], "service:Action"),
        (
            ["--policy-input-list", GOOD, "--action-names", "s3:Get", "--resource-arns", "bkt"],
            "--resource-arns: 'bkt' is not an ARN",
        ),
        (
            ["--policy-input-list", GOOD, "--action-names", "s3:Get",
             "--policy-source-arn", ALICE],
            "--policy-source-arn needs --snapshot",
        ),
        (
            ["--snapshot", "missing-dir/none.json", "--policy-source-arn", ALICE,
             "--action-names", "s3:Get"],
            "missing-dir/none.json: no such file",
        ),
    ],
)  # fmt: skip
def test_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], expected: str
) -> None:
    err = fails(capsys, *args)
    assert expected in err


def test_unknown_principal_in_snapshot(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    snapshot = write_snapshot(tmp_path)
    err = fails(
        capsys, "--snapshot", str(snapshot), "--policy-source-arn", "mallory",
        "--action-names", "s3:Get",
    )  # fmt: skip
    assert "--policy-source-arn: no user or role 'mallory'" in err


def test_missing_action_names_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["simulate", "--policy-input-list", GOOD])
    assert exc.value.code == 2
    assert "--action-names" in capsys.readouterr().err


# -- positions --------------------------------------------------------------------------------


def test_statement_positions() -> None:
    text = '{"Statement": [\n  {"Sid": "a}\\"", "Effect": "Allow"},\n  {"Effect": "Deny"}\n]}'
    assert statement_positions(text) == {
        0: (Position(2, 3), Position(2, 36)),
        1: (Position(3, 3), Position(3, 20)),
    }
    assert statement_positions('{"Statement": {"Effect": "Allow"}}') == {
        0: (Position(1, 15), Position(1, 33))
    }
    assert statement_positions("[1, 2]") == {}
