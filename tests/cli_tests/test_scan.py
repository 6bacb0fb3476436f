"""``iam-explore scan``: the JSON contract, SARIF, exit codes and errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.samples import sample_path
from tui.cli import main

FINDING_KEYS = {
    "kind",
    "source",
    "role",
    "service",
    "target",
    "escalation",
    "conditional",
    "conditions",
    "constraints",
    "references",
    "reasons",
}


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    code = main(["scan", *args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_json_contract_on_classic_story_fixed(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run_json(capsys, str(sample_path("classic-story-fixed")))
    assert code == 0
    assert {"account_id", "source", "summary", "problems", "findings", "paths"} <= set(data)
    assert data["account_id"] == "111122223333"
    findings = data["findings"]
    assert isinstance(findings, list)
    (edge,) = [f for f in findings if f["kind"] == "passrole"]
    assert set(edge) >= FINDING_KEYS
    assert edge["escalation"] == "admin" and edge["service"] == "ec2.amazonaws.com"
    steps = [r["step"] for r in edge["reasons"]]
    assert steps[:2] == ["passrole", "trust"] and "launch" in steps
    stmt = edge["reasons"][0]["statements"][0]
    assert stmt["policy"] == "AllowPassEC2Role" and stmt["statement"] == 0
    assert data["paths"][0]["length"] == 1


def test_fail_on_admin_exits_1_only_when_admin_findings(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert (
        main(
            [
                "scan",
                str(sample_path("classic-story-fixed")),
                "--fail-on",
                "admin",
                "--format",
                "json",
            ]
        )
        == 1
    )
    capsys.readouterr()
    # classic-story has no edge, but ec2:* could take over an instance that already runs with
    # the admin profile (conditional findings, pathfinding.cloud ec2-002/ec2-004): an account
    # whose only user reads S3 has nothing at all.
    quiet = tmp_path / "quiet.json"
    quiet.write_text(
        json.dumps(
            {
                "UserDetailList": [
                    {
                        "UserName": "reader",
                        "Arn": "arn:aws:iam::111122223333:user/reader",
                        "UserPolicyList": [
                            {
                                "PolicyName": "read",
                                "PolicyDocument": {
                                    "Version": "2012-10-17",
                                    "Statement": [
                                        {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}
                                    ],
                                },
                            }
                        ],
                    }
                ],
                "GroupDetailList": [],
                "RoleDetailList": [],
                "Policies": [],
            }
        )
    )
    assert main(["scan", str(quiet), "--fail-on", "admin", "--format", "json"]) == 0


def test_sarif_is_2_1_0_with_one_rule_per_method(capsys: pytest.CaptureFixture[str]) -> None:
    main(["scan", str(sample_path("classic-story-fixed")), "--format", "sarif"])
    sarif = json.loads(capsys.readouterr().out)
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert len(rule_ids) == len(set(rule_ids))
    assert "passrole/ec2" in rule_ids and "create-policy-version" in rule_ids
    assert {r["ruleId"] for r in run["results"]} <= set(rule_ids)
    assert any(r["ruleId"] == "passrole/ec2" and r["level"] == "error" for r in run["results"])


def test_bad_snapshot_is_one_line_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"UserDetailList": [}')
    proc = subprocess.run(
        [sys.executable, "-m", "tui.cli", "scan", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert "bad.json" in proc.stderr and "line 1" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_table_output_lists_the_admin_edge(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(sample_path("classic-story-fixed"))]) == 0
    out = capsys.readouterr().out
    assert "ADMIN" in out and "EC2-roles-for-XYZ" in out.replace("\n", "").replace(" ", "")


def test_table_output_never_treats_snapshot_text_as_markup(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A condition value from the snapshot is shown as written, not as Rich markup."""
    acct = "111122223333"
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "iam:PutUserPolicy",
                "Resource": f"arn:aws:iam::{acct}:user/u",
                "Condition": {"StringEquals": {"aws:SourceVpc": "[red]vpc-1"}},
            }
        ],
    }
    snap = tmp_path / "markup.json"
    snap.write_text(
        json.dumps(
            {
                "UserDetailList": [
                    {
                        "UserName": "u",
                        "Arn": f"arn:aws:iam::{acct}:user/u",
                        "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": doc}],
                    }
                ],
                "GroupDetailList": [],
                "RoleDetailList": [],
                "Policies": [],
            }
        )
    )
    main(["scan", str(snap), "--format", "table"])
    out = capsys.readouterr().out
    assert out.count("[red]vpc-1") >= 2  # the finding's conditions and the path's
