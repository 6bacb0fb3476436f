"""The CLI skeleton: version, help, exit codes, and the README's set-up commands."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert re.match(r"iam-explore \d+\.\d+", capsys.readouterr().out)


def test_help_lists_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for name in ("scan", "simulate", "fetch", "explain-denial", "summary"):
        assert name in out


@pytest.mark.parametrize("name", ["scan", "simulate", "fetch", "explain-denial", "summary"])
def test_every_subcommand_registers(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    # Through the public interface: a registered subcommand has its own help (argparse exits 0),
    # an unregistered one is a usage error (exit 2).
    with pytest.raises(SystemExit) as exc:
        main([name, "--help"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: iam-explore {name}")


def test_unknown_option_is_a_usage_error() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tui.cli", "scan", "--bogus"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_summary_of_a_missing_file_is_one_line_exit_2() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tui.cli", "summary", "/nonexistent.json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "/nonexistent.json" in proc.stderr


def test_readme_starts_with_the_two_setup_commands_and_ci_runs_the_second() -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)\n```", readme, re.S)
    open_cmd, test_cmd = blocks[0].strip(), blocks[1].strip()
    assert open_cmd.endswith(".venv/bin/iam-explore") and "pip install" in open_cmd
    assert test_cmd.endswith(".venv/bin/pytest") and "'.[test]'" in test_cmd
    assert test_cmd in (ROOT / ".ci" / "run").read_text()
    # the two commands come before any other section
    assert readme.index(blocks[1]) < readme.index("\n## ")


def test_readme_key_list_is_generated_from_the_keymap() -> None:
    from tui.keymap import keymap_markdown

    readme = (ROOT / "README.md").read_text()
    start = readme.index("<!-- keys:start")
    end = readme.index("<!-- keys:end -->")
    listed = readme[readme.index("\n", start) + 1 : end].strip()
    assert listed == keymap_markdown().strip()
