"""``iam-explore scan``: the JSON contract, SARIF, exit codes and errors."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from core.load.samples import sample_path
from tui.cli import main

_spec = importlib.util.spec_from_file_location(
    "compare_scans", Path(__file__).resolve().parents[2] / "bench" / "compare_scans.py"
)
assert _spec is not None and _spec.loader is not None
compare_scans = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(compare_scans)

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
    "gained",
    "rule",
    "reasons",
}


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["scan", *args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_json_contract_on_classic_story_fixed(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run_json(capsys, str(sample_path("classic-story-fixed")))
    assert code == 0
    assert {"account_id", "source", "summary", "problems", "findings", "paths"} <= set(data)
    assert {"statements", "references", "quiet_edges", "edge_groups"} <= set(data)
    assert data["schema_version"] == 2
    assert data["account_id"] == "111122223333"
    findings = data["findings"]
    assert isinstance(findings, list)
    (edge,) = [f for f in findings if f["kind"] == "passrole"]
    assert set(edge) >= FINDING_KEYS
    assert edge["escalation"] == "admin" and edge["service"] == "ec2.amazonaws.com"
    steps = [r["step"] for r in edge["reasons"]]
    assert steps[:2] == ["passrole", "trust"] and "launch" in steps
    statements = data["statements"]
    assert isinstance(statements, dict)
    stmt = statements[edge["reasons"][0]["statements"][0]]
    assert stmt["policy"] == "AllowPassEC2Role" and stmt["statement"] == 0
    assert edge["rule"] == "passrole/ec2"
    references = data["references"]
    assert isinstance(references, dict) and references["passrole/ec2"]
    assert data["paths"][0]["length"] == 1
    hop_ids = [s for r in data["paths"][0]["hops"][0]["reasons"] for s in r["statements"]]
    assert hop_ids and set(hop_ids) <= set(statements)


def _midsize(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code, data = run_json(capsys, str(sample_path("midsize-company")), *args)
    assert code == 0
    return data


def test_statement_table_writes_each_statement_once(capsys: pytest.CaptureFixture[str]) -> None:
    data = _midsize(capsys)
    rows = [json.dumps(r, sort_keys=True) for r in data["statements"].values()]
    assert rows and len(rows) == len(set(rows))
    used = {s for f in data["findings"] for r in f["reasons"] for s in r["statements"]}
    assert used <= set(data["statements"])


def test_no_escalation_edges_are_counted_unless_all_edges(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Default: edges with escalation none are counted per source, kind and service."""
    counted = _midsize(capsys)
    listed = _midsize(capsys, "--all-edges")
    assert counted["all_edges"] is False and listed["all_edges"] is True
    assert all(f["escalation"] != "none" for f in counted["findings"])
    quiet = [f for f in listed["findings"] if f["escalation"] == "none"]
    assert quiet, "the mid-size sample has edges that escalate nothing"
    assert sum(c["count"] for c in counted["quiet_edges"]) == len(quiet)
    assert listed["quiet_edges"] == []
    per_key: dict[tuple[str, str, str | None], int] = {}
    for f in quiet:
        key = (f["source"], f["kind"], f["service"])
        per_key[key] = per_key.get(key, 0) + 1
    assert {(c["source"], c["kind"], c["service"]): c["count"] for c in counted["quiet_edges"]} == (
        per_key
    )
    assert len(counted["findings"]) + len(quiet) == len(listed["findings"])


def test_edge_groups_count_passrole_edges_per_source_service_and_statements(
    capsys: pytest.CaptureFixture[str],
) -> None:
    listed = _midsize(capsys, "--all-edges")
    passrole = [f for f in listed["findings"] if f["kind"] == "passrole"]
    groups: dict[tuple[str, str, tuple[str, ...]], list[dict[str, Any]]] = {}
    for f in passrole:
        allow = next(r["statements"] for r in f["reasons"] if r["step"] == "passrole")
        groups.setdefault((f["source"], f["service"], tuple(allow)), []).append(f)
    expected = {k: v for k, v in groups.items() if len(v) >= 2}
    assert expected, "the mid-size sample has principals passing several roles"
    got = {(g["source"], g["service"], tuple(g["statements"])): g for g in listed["edge_groups"]}
    assert set(got) == set(expected)
    for key, fs in expected.items():
        g = got[key]
        assert g["roles"] == len(fs)
        assert g["admin"] == sum(f["escalation"] == "admin" for f in fs)
        assert g["admin_roles"] == sorted(f["target"] for f in fs if f["escalation"] == "admin")
    # --group 2: the grouped non-admin edges are reported only through their group.
    grouped = _midsize(capsys, "--all-edges", "--group", "2")
    in_groups = {
        (f["source"], f["service"], f["target"])
        for k, fs in expected.items()
        for f in fs
        if f["escalation"] != "admin"
    }
    remaining = {(f["source"], f["service"], f["target"]) for f in grouped["findings"]}
    assert not (in_groups & remaining)
    assert len(grouped["findings"]) == len(listed["findings"]) - len(in_groups)


def test_schema_1_still_lists_every_edge_with_statements_inline(
    capsys: pytest.CaptureFixture[str],
) -> None:
    v1 = _midsize(capsys, "--schema", "1")
    v2 = _midsize(capsys, "--all-edges")
    assert v1["schema_version"] == 1 and "statements" not in v1
    stmt = v1["findings"][0]["reasons"][0]["statements"][0]
    assert {"policy", "statement", "sid", "effect", "layer"} <= set(stmt)
    assert len(v1["findings"]) == len(v2["findings"])
    assert compare_scans.compare(v1, v2, gained=True) == []


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
