"""The README's set-up commands and CI stay the same commands.

``.ci/run`` runs the README's test command word for word (what CI checks is what a reader
runs), and the README starts with the two commands: open the explorer, run the tests.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.+?)\n```", text)


def test_the_readme_starts_with_the_explorer_and_the_test_commands() -> None:
    first, second = _readme_commands()[:2]
    assert first.endswith(".venv/bin/iam-explore")
    assert "pip install -q -e ." in first
    assert second.endswith(".venv/bin/pytest")
    assert "pip install -q -e '.[test]'" in second


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == _readme_commands()[1]
