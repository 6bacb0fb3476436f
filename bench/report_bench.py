"""Time the scan report writer alone: what ``scan --format json`` or ``--format sarif`` spends
after the analysis.

Each run is a fresh Python process (the gained lines of a finding are computed on first read,
so a second report in one process would be cheaper): it loads the snapshot, analyses it as
``scan`` does (at a fixed time), then writes the report to a sink that counts its characters
(and hashes them with ``--sha``) and prints the writer's CPU and wall time and the peak RSS
before and after it. ``--root`` runs another checkout's code (a ``git worktree`` of an earlier
commit) for a before/after comparison on the same machine; with ``--runs N`` the median CPU of
N runs is printed too (CPU: less sensitive than wall time to other jobs on a shared machine).

Usage:
    python bench/report_bench.py /tmp/iam-explore-bench/varied-2000-s7-98acc50e7f.json --runs 3
    python bench/report_bench.py SNAPSHOT --format sarif --root ../main --sha
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import hashlib, resource, sys, time
from datetime import UTC, datetime
sys.path.insert(0, sys.argv[1])
snapshot, fmt, sha = sys.argv[2], sys.argv[3], sys.argv[4] == "1"
from core.escalate.analysis import analyse
from core.load.snapshot import load_account
from core.report import scan
from tui.commands.scan import with_problems

analysis = analyse(load_account(snapshot), reusable=False, at=datetime(2026, 12, 1, tzinfo=UTC))
digest = hashlib.sha256()
chars = 0
def sink(text):
    global chars
    chars += len(text)
    if sha:
        digest.update(text.encode())
rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
c0, t0 = time.process_time(), time.perf_counter()
if fmt == "json":
    scan.write_json(analysis, sink)
elif hasattr(scan, "write_sarif"):
    scan.write_sarif(with_problems(scan.to_sarif(analysis, stream=True), analysis), sink)
else:  # a checkout from before the streamed SARIF writer
    import json
    sink(json.dumps(with_problems(scan.to_sarif(analysis), analysis), indent=2) + "\n")
c1, t1 = time.process_time(), time.perf_counter()
rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(c1 - c0, t1 - t0, chars, digest.hexdigest()[:16] if sha else "-", rss0 // 1024, rss1 // 1024)
"""


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("snapshot")
    p.add_argument("--format", choices=("json", "sarif"), default="json")
    p.add_argument("--runs", type=int, default=1)
    p.add_argument("--root", default=str(ROOT), help="the checkout whose code runs")
    p.add_argument("--sha", action="store_true", help="hash the report (costs some CPU)")
    args = p.parse_args()
    cpus = []
    for _ in range(max(1, args.runs)):
        argv = [args.root, args.snapshot, args.format, str(int(args.sha))]
        out = subprocess.run(
            [sys.executable, "-c", CHILD, *argv],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        cpu, wall, chars, digest, rss0, rss1 = out
        cpus.append(float(cpu))
        print(
            f"{args.format} report: cpu {float(cpu):.2f} s, wall {float(wall):.2f} s, "
            f"{int(chars) / 1e6:.1f} MB, sha {digest}, peak RSS {rss0} -> {rss1} MiB"
        )
    if len(cpus) > 1:
        print(f"median cpu {statistics.median(cpus):.2f} s of {len(cpus)} runs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
