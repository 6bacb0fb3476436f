"""``core`` is headless: importing it never pulls in a UI library or the AWS SDK.

Pattern from harlequin (``tests/unit_tests/test_import_hygiene.py``): a fresh interpreter
imports every ``core`` module and checks ``sys.modules``. ``core.load.live`` is the one module
allowed
to import boto3, so it is left out. import-linter (``[tool.importlinter]`` in pyproject.toml)
proves the same statically.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("textual", "rich", "tui", "boto3", "botocore")

_PROBE = """
import importlib, json, pkgutil, sys
import core, core.load.snapshot, core.evaluate.evaluator
import core.load.policy_parser, core.evaluate.principal
names = sorted(
    m.name for m in pkgutil.walk_packages(core.__path__, "core.") if m.name != "core.load.live"
)
for name in names:
    importlib.import_module(name)
forbidden = sorted(
    m for m in sys.modules if m.split(".")[0] in {forbidden!r}
)
print(json.dumps({{"imported": names, "forbidden": forbidden}}))
"""


def _run(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_core_imports_no_ui_or_aws_sdk() -> None:
    proc = _run(_PROBE.format(forbidden=set(FORBIDDEN)))
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert {
        "core.load.snapshot",
        "core.evaluate.evaluator",
        "core.load.policy_parser",
        "core.evaluate.principal",
    } <= set(result["imported"])
    assert result["forbidden"] == []


def test_probe_detects_a_forbidden_import() -> None:
    """The probe itself works: importing rich first is reported."""
    proc = _run("import rich\n" + _PROBE.format(forbidden=set(FORBIDDEN)))
    assert proc.returncode == 0, proc.stderr
    assert "rich" in json.loads(proc.stdout.strip().splitlines()[-1])["forbidden"]


def test_import_linter_contracts_hold() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    if not lint_imports.exists():
        pytest.skip("import-linter is not installed in this environment")
    proc = subprocess.run(
        [str(lint_imports)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "0 broken" in out
