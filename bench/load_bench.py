"""Time ``core.load.snapshot.load_account`` on one snapshot and report wall time and peak RSS.

Prints one line, for example::

    big.json 100.0MiB users=... roles=... policies=... problems=0 wall=12.34s peak_rss=1234MiB

Usage:
    python bench/load_bench.py /tmp/big.json
    python bench/load_bench.py /tmp/big.json --profile 25   # cProfile, top 25 by cumulative time
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core.load.snapshot import load_account  # noqa: E402 - after the sys.path fix for a plain checkout


def _peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("--profile", type=int, metavar="N", help="run under cProfile, print top N")
    args = ap.parse_args(argv)
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    start = time.perf_counter()
    account = load_account(args.file)
    wall = time.perf_counter() - start
    if profiler is not None:
        import pstats

        profiler.disable()
        stats = pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative")
        stats.print_stats(args.profile)
        stats.sort_stats("tottime").print_stats(args.profile)
    errors = sum(p.severity == "error" for p in account.problems)
    size = args.file.stat().st_size / 1024 / 1024 if args.file.is_file() else 0.0
    print(
        f"{args.file.name} {size:.1f}MiB users={len(account.users)} groups={len(account.groups)} "
        f"roles={len(account.roles)} policies={len(account.policies)} "
        f"problems={len(account.problems)} errors={errors} "
        f"wall={wall:.2f}s peak_rss={_peak_rss_mib():.0f}MiB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
