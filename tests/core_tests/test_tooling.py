"""The project's own lint and type rules hold (ruff on everything, strict mypy on core, tui and
tests; `[tool.mypy]` in pyproject.toml lists the test modules not yet strict)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_check_passes() -> None:
    proc = _run(str(BIN / "ruff"), "check", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_strict_on_core_and_tests_passes() -> None:
    proc = _run(str(BIN / "mypy"))
    assert proc.returncode == 0, proc.stdout + proc.stderr


NOT_YET_STRICT_MAY_HOLD = frozenset(
    {
        # The explorer's own Pilot tests, typed with the explorer work (issue 16 item 9).
        "tests.tui_tests.test_commands",
        "tests.tui_tests.test_explorer",
        "tests.tui_tests.test_keeps_up",
    }
)


def test_only_the_listed_test_modules_skip_strict_mypy() -> None:
    # A ratchet: a module leaves the list once strict; no other module joins it, and no
    # override turns errors off for core or tui.
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    exempt: set[str] = set()
    for override in config["tool"]["mypy"].get("overrides", []):
        if override.get("ignore_errors"):
            modules = override["module"]
            exempt |= {modules} if isinstance(modules, str) else set(modules)
    assert exempt <= NOT_YET_STRICT_MAY_HOLD, sorted(exempt - NOT_YET_STRICT_MAY_HOLD)
    assert config["tool"]["mypy"]["strict"] is True


def test_ruff_format_is_clean() -> None:
    proc = _run(str(BIN / "ruff"), "format", "--check", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr
