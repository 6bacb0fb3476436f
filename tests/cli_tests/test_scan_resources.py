"""``scan`` names the existing resources a finding takes over (table and JSON)."""

from __future__ import annotations

import json

import pytest

from core.load.samples import sample_path
from tui.cli import main

NOTEBOOK = "arn:aws:sagemaker:us-east-1:444455556666:notebook-instance/datalake-exploration"


def test_table_and_json_name_the_resource(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "220")
    main(["scan", str(sample_path("midsize-company"))])
    table = capsys.readouterr().out
    assert "on datalake-exploration in us-east-1" in table
    assert "on platform-core in us-east-1" in table
    main(["scan", str(sample_path("midsize-company")), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    hannah = [
        f
        for f in report["findings"]
        if f["source"].endswith("user/hannah.kim")
        and f["kind"] == "sagemaker-create-presigned-notebook-instance-url"
    ]
    assert [(f["resources"], f["conditional"]) for f in hannah] == [([NOTEBOOK], False)]
    assert all("resources" in f for f in report["findings"])
