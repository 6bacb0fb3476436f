"""``iam-explore summary`` (issue 11 item 17): the account's size and what the analysis found."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from core.escalate.analysis import analyse
from core.load.samples import sample_path
from core.load.snapshot import load_account
from core.report.scan import summary
from tui.cli import main


def _counts(text: str) -> dict[str, int]:
    return {
        name: int(m.group(1))
        for name in ("findings", "PassRole edges", "admin edges", "paths")
        if (m := re.search(rf"{name} (\d+)", text))
    }


@pytest.mark.parametrize("sample", ["classic-story", "classic-story-fixed", "midsize-company"])
def test_summary_shows_findings_passrole_admin_edges_and_paths(
    capsys: pytest.CaptureFixture[str], sample: str
) -> None:
    path = str(sample_path(sample))
    assert main(["summary", path, "--at", "2026-12-01T09:00:00Z"]) == 0
    out = capsys.readouterr().out
    s = summary(analyse(load_account(path)))
    assert _counts(out) == {
        "findings": s["findings"],
        "PassRole edges": s["passrole_edges"],
        "admin edges": s["admin"],
        "paths": s["paths"],
    }
    assert "time keys evaluated at 2026-12-01T09:00:00Z" in out


def test_summary_counts_change_with_the_account(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # the classic story has no PassRole edge (only two conditional findings for taking over
    # an instance or launch template that already uses the admin profile: ec2-002, ec2-004);
    # its fixed version adds one PassRole edge to admin
    main(["summary", str(sample_path("classic-story"))])
    before = _counts(capsys.readouterr().out)
    main(["summary", str(sample_path("classic-story-fixed"))])
    after = _counts(capsys.readouterr().out)
    assert before["PassRole edges"] == 0 and before["admin edges"] == 2
    assert after["PassRole edges"] == 1 and after["admin edges"] == 3 and after["paths"] >= 1


def test_scan_at_is_recorded_and_a_bad_time_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = str(sample_path("classic-story-fixed"))
    assert main(["scan", path, "--format", "json", "--at", "2027-01-02"]) == 0
    assert json.loads(capsys.readouterr().out)["analysed_at"] == "2027-01-02T00:00:00Z"
    assert main(["scan", path, "--format", "sarif", "--at", "2027-01-02T10:00:00+01:00"]) == 0
    sarif = json.loads(capsys.readouterr().out)
    assert sarif["runs"][0]["properties"]["analysed_at"] == "2027-01-02T09:00:00Z"
    with pytest.raises(SystemExit) as exc:
        main(["scan", path, "--at", "next tuesday"])
    assert exc.value.code == 2
    assert "ISO 8601" in capsys.readouterr().err
