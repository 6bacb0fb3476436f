"""Untrusted snapshots and careless use on the command line (issue 12).

Every command that takes a snapshot runs on ``tests/data/hostile/hostile.json``: no traceback,
no raw ESC or BEL byte in what it prints, names shown literally (markup not applied, control
characters escaped). Plus: typo'd commands, no terminal, broken pipes, AWS's simulate limits.
"""

from __future__ import annotations

import importlib.util
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from core.load.samples import sample_path
from tui.cli import EXIT_BROKEN_PIPE, main

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ROOT / "tests" / "data" / "hostile" / "hostile.json"
ACCT = "111122223333"
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\u200b")


def _hostile_module() -> Any:
    spec = importlib.util.spec_from_file_location(
        "make_hostile", HOSTILE.with_name("make_hostile.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_clean(out: str, err: str, *, json_output: bool = False) -> None:
    """No traceback; no raw control character. JSON escapes C0 controls (ESC, BEL) itself and
    is checked for those only (it is data for programs, where the text must stay exact)."""
    assert "Traceback" not in out + err
    if json_output:
        assert "\x1b" not in out and "\x07" not in out
        json.loads(out)
        out = ""
    for ch in RAW:
        assert ch not in out, f"raw {ch!r} in output"
        assert ch not in err, f"raw {ch!r} on stderr"


@pytest.fixture(autouse=True)
def _wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """A wide terminal, so table cells are not folded across lines."""
    monkeypatch.setenv("COLUMNS", "400")


def test_hostile_corpus_is_generated_by_its_script() -> None:
    module = _hostile_module()
    assert HOSTILE.read_text(encoding="ascii") == module.render()
    data = json.loads(HOSTILE.read_text())
    # every hostile string is in the names of a user, a role, a group and a policy
    for h in module.HOSTILE:
        assert any(h in u["UserName"] for u in data["UserDetailList"])
        assert any(h in r["Path"] for r in data["RoleDetailList"])


def test_scan_table_shows_names_literally(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "scan", str(HOSTILE))
    assert code == 0 and err == ""
    assert_clean(out, err)
    assert "user/opsacct[prod]/user5-acct[prod]" in out  # not "user5-acct" (tag eaten)
    assert "user/ops[/]/user0-[/]" in out  # role path "/ops[/]/" no longer a MarkupError
    assert "user13-\\x1b]0;pwned\\x07" in out
    assert "evil\\u202eexe.txt" in out
    assert ":thumbs_up:" in out  # emoji codes are not replaced
    assert "… [8,030 chars]" in out  # the long source "user/opsL…/user22-L…" is cut
    assert "L" * 1000 not in out


def test_paths_to_admin_keep_their_reason(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "scan", str(sample_path("classic-story-fixed")))
    assert code == 0
    # "[{reason}]" used to be eaten as a markup tag; the reason now has its own line.
    assert "admin because: can perform every sensitive action probed" in out


def test_every_command_on_the_hostile_snapshot(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, "summary", str(HOSTILE))
    assert code == 0 and "users 23" in out
    assert_clean(out, err)
    for fmt in ("json", "sarif"):
        code, out, err = run(capsys, "scan", str(HOSTILE), "--format", fmt)
        assert code == 0
        assert_clean(out, err, json_output=True)
        assert "x[/]" in out
    classic = str(sample_path("classic-story"))
    for fmt in ("table", "json", "sarif"):
        code, out, err = run(capsys, "diff", classic, str(HOSTILE), "--format", fmt)
        assert code in (0, 1), err
        assert_clean(out, err, json_output=fmt != "table")
    for fmt in ("dot", "graphml", "mermaid", "opengraph", "cypher"):
        code, out, err = run(capsys, "export", str(HOSTILE), "--format", fmt)
        assert code == 0, err
        assert "Traceback" not in err and "\x1b" not in out and "\x07" not in out
    report = tmp_path / "report.txt"
    code, out, err = run(capsys, "scan", str(HOSTILE), "-o", str(report), "--fail-on", "admin")
    assert code == 1 and out == ""
    assert_clean(report.read_text(), err)
    data = json.loads(HOSTILE.read_text())
    user = data["UserDetailList"][13]  # user13-ESC]0;pwned BEL
    role = data["RoleDetailList"][13]
    for output in ("table", "text", "json"):
        code, out, err = run(
            capsys,
            "simulate",
            "--snapshot",
            str(HOSTILE),
            "--policy-source-arn",
            user["Arn"],
            "--action-names",
            "iam:PassRole",
            "ec2:RunInstances",
            "--resource-arns",
            role["Arn"],
            "--output",
            output,
            "--explain",
        )
        assert code == 0, err
        assert_clean(out, err, json_output=output == "json")
        if output != "json":
            assert "\\x1b]0;pwned\\x07" in out
    denial = {
        "allowed": False,
        "explicitDeny": False,
        "matchedStatements": {"items": []},
        "failures": {"items": []},
        "context": {
            "principal": {"id": "AIDA", "name": user["UserName"], "arn": user["Arn"]},
            "action": "iam:PassRole",
            "resource": data["RoleDetailList"][14]["Arn"],
            "conditions": {"items": []},
        },
    }
    message = tmp_path / "denied.json"
    message.write_text(json.dumps(denial))
    for fmt in ("text", "json"):
        code, out, err = run(
            capsys, "explain-denial", str(message), "--snapshot", str(HOSTILE), "--format", fmt
        )
        assert code == 0, err
        assert_clean(out, err, json_output=fmt == "json")


def test_hundred_thousand_character_names_are_cut_in_the_table(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = json.loads(sample_path("classic-story-fixed").read_text())
    long = "n" * 100_000
    user = data["UserDetailList"][0]
    user["UserName"] = long
    user["Arn"] = f"arn:aws:iam::{ACCT}:user/{long}"
    path = tmp_path / "long.json"
    path.write_text(json.dumps(data))
    code, out, err = run(capsys, "scan", str(path))
    assert code == 0 and err == ""
    assert "… [100,005 chars]" in out  # "user/" + the name
    assert len(out) < 20_000  # the table lays out the cut value, not 100,000 characters


def test_typo_of_a_command_is_one_line_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "sacn", "x.json")
    assert code == 2 and out == ""
    assert err == (
        "iam-explore: unknown command 'sacn', did you mean scan? "
        "(a snapshot file of that name does not exist)\n"
    )
    code, _, err = run(capsys, "sumary")
    assert code == 2 and "did you mean summary?" in err
    code, _, err = run(capsys, "frobnicate")
    assert code == 2 and "commands: diff, explain-denial, export, fetch, scan, simulate" in err


def test_explorer_without_a_terminal_exits_2_at_once(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code, out, err = run(capsys, str(sample_path("classic-story")))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "use `iam-explore scan SNAPSHOT`" in err
    code, _, err = run(capsys)  # the default sample, same
    assert code == 2 and "needs a terminal" in err


def test_scan_into_a_closed_pipe_is_quiet() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "scan", str(sample_path("midsize-company"))],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env={"COLUMNS": "80", "PATH": "/usr/bin:/bin"},
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # `| head -1`
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == EXIT_BROKEN_PIPE
    assert first.startswith(b"Account ")
    assert err == ""  # no BrokenPipeError traceback, no "Exception ignored"


def test_snapshot_from_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = sample_path("classic-story-fixed").read_bytes()
    for argv in (["scan", "-"], ["summary", "-"]):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
        code, out, err = run(capsys, *argv)
        assert code == 0 and err == ""
        assert "<stdin>" in out
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    code, out, err = run(
        capsys,
        "simulate",
        "--snapshot",
        "-",
        "--policy-source-arn",
        f"arn:aws:iam::{ACCT}:user/test-user",
        "--action-names",
        "ec2:RunInstances",
        "--output",
        "json",
    )
    assert code == 0 and err == ""
    assert json.loads(out)["EvaluationResults"][0]["EvalDecision"] == "allowed"


# -- simulate limits: AWS IAM API reference, SimulateCustomPolicy "Length Constraints" --------


def _simulate(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
    return run(capsys, "simulate", "--policy-input-list", policy, "--output", "json", *extra)


def test_simulate_refuses_action_names_longer_than_aws_accepts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # ActionNames items: minimum length 3, maximum length 128.
    code, out, err = _simulate(capsys, "--action-names", "s3:" + "G" * 126)
    assert code == 2 and out == ""
    assert "129 characters; AWS accepts 3 to 128" in err and err.count("\n") == 1
    code, _, _ = _simulate(capsys, "--action-names", "s3:" + "G" * 125)
    assert code == 0


def test_simulate_refuses_resource_arns_longer_than_aws_accepts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # ResourceArns items: minimum length 1, maximum length 2048.
    arn = "arn:aws:s3:::" + "b" * 2036
    code, _, err = _simulate(capsys, "--action-names", "s3:GetObject", "--resource-arns", arn)
    assert code == 2 and "2,049 characters; AWS accepts 1 to 2048" in err


def test_simulate_refuses_huge_requests_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    actions = [f"s3:Get{i}" for i in range(2_000)]
    resources = [f"arn:aws:s3:::b{i}" for i in range(50)]
    code, out, err = _simulate(capsys, "--action-names", *actions, "--resource-arns", *resources)
    assert code == 2 and out == ""
    assert "2,000 actions x 50 resources is 100,000 results, over the limit of 10,000" in err
    code, out, _ = _simulate(
        capsys, "--action-names", *actions[:30], "--resource-arns", *resources[:3],
        "--max-results", "90",
    )  # fmt: skip
    assert code == 0 and len(json.loads(out)["EvaluationResults"]) == 90


def test_explain_denial_message_file_does_not_hang(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    classic = str(sample_path("classic-story"))
    code, _, err = run(capsys, "explain-denial", "/dev/zero", "--snapshot", classic)
    assert code == 2 and "/dev/zero: is a character device" in err
    monkeypatch.setattr(sys, "stdin", io.StringIO("{}"))
    code, _, err = run(capsys, "explain-denial", "-", "--snapshot", "-")
    assert code == 2 and "not both" in err
