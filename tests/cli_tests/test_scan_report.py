"""``scan`` and ``summary`` as read in a CI log (issue 13, items 7, 8 and 11)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from core.load.samples import sample_path
from tui.cli import main

MIDSIZE = str(sample_path("midsize-company"))
COLOUR = re.compile(r"\x1b\[(?:[0-9]+;)*(?:3[0-8]|9[0-7]|4[0-8])(?:;[0-9]+)*m")
"""An SGR sequence that sets a colour (bold and dim are fine on a mono terminal)."""


def _ci(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI as CI does: no terminal, output piped."""
    environment = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )


def test_header_counts_add_up(capsys: pytest.CaptureFixture[str]) -> None:
    from core.escalate.analysis import analyse
    from core.load.snapshot import load_account

    findings = [f for f in analyse(load_account(MIDSIZE)).findings if not f.source_is_admin]
    passrole = [f for f in findings if f.kind == "passrole"]
    other = [f for f in findings if f.kind != "passrole"]
    main(["scan", MIDSIZE])
    out = capsys.readouterr().out
    admin_pr = sum(1 for f in passrole if f.escalation == "admin")
    admin_other = sum(1 for f in other if f.escalation == "admin")
    assert f"{len(passrole)} PassRole edges: {admin_pr} to admin" in out
    assert f"{len(other)} other escalation methods: {admin_other} to admin" in out


def test_fail_on_default_is_stated_in_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["scan", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "never (the default" in text and "--fail-on admin in CI" in text


def test_table_without_a_terminal_keeps_names_whole() -> None:
    proc = _ci("scan", MIDSIZE)
    assert proc.returncode == 0
    out = proc.stdout
    assert "source:  user/automation/svc-ci-pipeline" in out
    assert "target:  role/service-role/codebuild-platform-deploy-role" in out
    assert "\x1b[" not in out  # no colour codes in a log
    assert "admin because: " in out  # each path says why it ends at admin


def test_table_with_columns_is_a_table() -> None:
    proc = _ci("scan", MIDSIZE, COLUMNS="220")
    assert "┃ level" in proc.stdout or "level" in proc.stdout.splitlines()[5]
    assert "user/automation/svc-ci-pipeline" in proc.stdout  # 220 columns: whole names


def _broken(tmp_path: Path) -> str:
    data = json.loads(sample_path("classic-story").read_text())
    role = data["RoleDetailList"][0]
    role["AssumeRolePolicyDocument"]["Statement"][0]["Resource"] = "*"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data))
    return str(path)


def test_problems_are_listed_in_summary_table_and_sarif(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snapshot = _broken(tmp_path)
    main(["summary", snapshot])
    assert "must not have a Resource element" in capsys.readouterr().out
    main(["scan", snapshot])
    out = capsys.readouterr().out
    assert "Policy problems (1)" in out and "must not have a Resource element" in out
    main(["scan", snapshot, "--format", "sarif"])
    sarif = json.loads(capsys.readouterr().out)
    run = sarif["runs"][0]
    assert "policy-problem" in {r["id"] for r in run["tool"]["driver"]["rules"]}
    problems = [r for r in run["results"] if r["ruleId"] == "policy-problem"]
    assert len(problems) == 1 and "Resource" in problems[0]["message"]["text"]


def test_mono_terminal_and_no_color_get_no_colour() -> None:
    coloured = _ci("scan", MIDSIZE, COLUMNS="200", TERM="xterm-256color", FORCE_COLOR="1")
    assert COLOUR.search(coloured.stdout)  # the control: colour is forced on
    for env in ({"TERM": "xterm-mono"}, {"TERM": "xterm-256color", "NO_COLOR": "1"}):
        proc = _ci("scan", MIDSIZE, COLUMNS="200", FORCE_COLOR="1", **env)
        assert not COLOUR.search(proc.stdout), env
