"""Benchmark ``diff`` and ``export`` on a synthetic account: what they add to the analysis.

``make_synthetic.py`` plants admin PassRole escalations (``FILE.planted.json``); this script
writes an OLD snapshot without them next to it, loads and analyses OLD and NEW once (the cost
``scan`` has too), then times, ``--repeat`` times each, what ``diff`` and ``export`` add on top:
``core.report.diff.diff_analyses`` with the JSON and SARIF reports, and
``core.report.graph.build_graph``
with every writer. It prints the medians and checks that the diff finds exactly the planted
escalations (new admin PassRole findings and new paths of the planted users).

Usage:
    python bench/make_synthetic.py --users 1000 --roles 1000 -o /tmp/synthetic-1000.json
    python bench/diff_export_bench.py /tmp/synthetic-1000.json --repeat 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.escalate.analysis import analyse  # noqa: E402
from core.load.snapshot import load_account  # noqa: E402
from core.report.diff import diff_analyses, to_json  # noqa: E402
from core.report.graph import FORMATS, build_graph, render  # noqa: E402
from core.report.sarif import diff_log  # noqa: E402


def _median(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def without_planted(snapshot: Path) -> tuple[Path, set[str]]:
    """OLD: the snapshot without the planted PassRole policies; and the planted users."""
    planted = json.loads(snapshot.with_name(snapshot.stem + ".planted.json").read_text())
    users = {p["user"] for p in planted["passrole_admin"]}
    data = json.loads(snapshot.read_text())
    for u in data["UserDetailList"]:
        if u["Arn"] in users:
            u["UserPolicyList"] = [
                p for p in u.get("UserPolicyList", []) if "PassBuilderRole" not in json.dumps(p)
            ]
    old = snapshot.with_name(snapshot.stem + ".without-planted.json")
    old.write_text(json.dumps(data))
    return old, users


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("snapshot", type=Path, help="a make_synthetic.py snapshot (NEW)")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    old_path, planted = without_planted(args.snapshot)
    start = time.perf_counter()
    old = analyse(load_account(old_path))
    new = analyse(load_account(args.snapshot))
    load_analyse = (time.perf_counter() - start) / 2
    d = diff_analyses(old, new)
    added = {
        c.finding.source
        for c in d.of("added")
        if c.finding.kind == "passrole" and c.finding.escalation == "admin"
    }
    ok = added == planted and {p.source for p in d.paths_of("added")} == planted
    print(
        f"{args.snapshot.name}: users={len(new.account.users)} roles={len(new.account.roles)} "
        f"findings={len(new.findings)} paths={len(new.paths)}; load+analyse per snapshot "
        f"{load_analyse:.2f}s (once)"
    )
    print(
        f"diff: {len(d.of('added'))} added findings, {len(d.paths_of('added'))} added paths, "
        f"planted={len(planted)} found={'yes' if ok else 'NO'}"
    )
    r = args.repeat
    print(f"median of {r}: diff_analyses {_median(lambda: diff_analyses(old, new), r):.3f}s")
    print(f"median of {r}: diff JSON report {_median(lambda: json.dumps(to_json(d)), r):.3f}s")
    print(f"median of {r}: diff SARIF report {_median(lambda: json.dumps(diff_log(d)), r):.3f}s")
    print(f"median of {r}: build_graph {_median(lambda: build_graph(new), r):.3f}s")
    g = build_graph(new)
    for fmt in FORMATS:
        print(f"median of {r}: export {fmt} {_median(lambda f=fmt: render(g, f), r):.3f}s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
