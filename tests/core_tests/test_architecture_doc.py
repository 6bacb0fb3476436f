"""ARCHITECTURE.md names only files and folders that exist, and every stage folder of ``core``.

A map that names a module which moved is worse than none; this keeps it true.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")


def _table_rows() -> dict[str, str]:
    """Folder (``core/model/``) -> its table row."""
    rows = {}
    for line in DOC.splitlines():
        m = re.match(r"\| `([a-z_/]+/)` \|", line)
        if m:
            rows[m.group(1)] = line
    return rows


def test_every_core_stage_folder_is_in_the_map() -> None:
    stages = {f"core/{p.name}/" for p in (ROOT / "core").iterdir() if (p / "__init__.py").is_file()}
    assert stages <= set(_table_rows())


def test_every_named_file_exists() -> None:
    missing = []
    for folder, row in _table_rows().items():
        for name in re.findall(r"`([a-z_/]+\.py)`", row):
            if "*" not in name and not (ROOT / folder / name).exists():
                missing.append(folder + name)
    for path in re.findall(r"`((?:core|tui|tests)/[A-Za-z_/.-]+)`", DOC):
        if not (ROOT / path).exists():
            missing.append(path)
    assert missing == []
