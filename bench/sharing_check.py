"""Check that work shared between principals changes no finding of an account.

Each snapshot is analysed twice, from two fresh loads: as usual, and with every way of sharing
work turned off (``tests/core_tests/sharing_off.py``: each principal computed alone). The two
full scan reports (every edge, admin sources included, statement ids resolved) must be the
same; differences are listed per finding, path or key. Exit 0 when every snapshot is the same,
1 otherwise. Needs the test dependencies (``pip install -e '.[test]'``).

Usage:
    python bench/sharing_check.py SNAPSHOT [SNAPSHOT ...] [--at ISO8601] [--limit N]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core.load.snapshot import load_account  # noqa: E402 - after the sys.path fix
from tests.core_tests.sharing_off import both_ways, differences  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("snapshots", nargs="+", type=Path)
    ap.add_argument("--at", default="2026-12-01T00:00:00Z", help="analysis time (ISO 8601)")
    ap.add_argument("--limit", type=int, default=20, help="differences listed per snapshot")
    args = ap.parse_args(argv)
    at = datetime.fromisoformat(args.at.replace("Z", "+00:00")).astimezone(UTC)
    failed = 0
    for path in args.snapshots:
        start = time.perf_counter()
        shared, alone = both_ways(lambda p=path: load_account(p), at)
        found = differences(shared, alone, args.limit)
        print(
            f"{path.name}: {len(shared['findings'])} findings, {len(shared['paths'])} paths, "
            f"{time.perf_counter() - start:.1f}s: {'DIFFERENT' if found else 'same'}"
        )
        for line in found:
            print("  " + line.replace("\n", "\n  "))
        failed += bool(found)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
