"""``core.report.sarif``: rule ids, URIs and the lines that locate a finding in the snapshot."""

from __future__ import annotations

from pathlib import Path

from core.escalate.findings import Finding
from core.escalate.tables.methods import METHODS
from core.escalate.tables.services import SERVICES
from core.report.sarif import arn_lines, artifact_uri, rule_id, rules


def test_artifact_uri_is_a_uri_reference() -> None:
    assert artifact_uri("snaps/current.json") == "snaps/current.json"
    assert artifact_uri("my snaps/a#1.json") == "my%20snaps/a%231.json"
    assert artifact_uri("/tmp/x y.json") == "file:///tmp/x%20y.json"
    assert artifact_uri("") == "."


def test_one_stable_rule_per_service_and_method_plus_unknown_kinds() -> None:
    odd = Finding(kind="iam:PutUserPolicy", source="arn:u", target="arn:u", title="t")
    ids = [r["id"] for r in rules([odd, odd])]
    assert ids[: len(SERVICES)] == [f"passrole/{s.id}" for s in SERVICES]
    assert ids[len(SERVICES) : len(SERVICES) + len(METHODS)] == [m.id for m in METHODS]
    assert ids[-1] == "iam:PutUserPolicy" and ids.count("iam:PutUserPolicy") == 1
    assert rule_id(Finding(kind="passrole", source="a", target="b", title="t")) == (
        "passrole/unknown"
    )


def test_arn_lines_finds_the_first_line_of_each_arn(tmp_path: Path) -> None:
    f = tmp_path / "s.json"
    f.write_text(
        '{\n "Arn": "arn:aws:iam::1:user/a",\n "x": ["arn:aws:iam::1:user/ab",'
        ' "arn:aws:iam::1:user/a"]\n}\n'
    )
    lines = arn_lines(str(f), ["arn:aws:iam::1:user/a", "arn:aws:iam::1:user/ab", "arn:none"])
    assert lines == {"arn:aws:iam::1:user/a": 2, "arn:aws:iam::1:user/ab": 3}
    assert arn_lines(str(tmp_path / "missing.json"), ["arn:x"]) == {}
