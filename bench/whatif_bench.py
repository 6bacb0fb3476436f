"""Median what-if latency: apply a change to a loaded account and re-analyse (core only).

Usage: ``.venv/bin/python bench/whatif_bench.py [SNAPSHOT] [--changes 15]``

Alternates "remove a user from a group" and "undo" on different users, and reports the median
and worst time of ``Session.apply`` (re-analysis and diff included). Default snapshot: the
mid-size sample.
"""

from __future__ import annotations

import argparse
import statistics
import time

from core.explain.whatif import Session, remove_from_group
from core.load.samples import sample_path
from core.load.snapshot import load_account


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("snapshot", nargs="?", default=str(sample_path()))
    parser.add_argument("--changes", type=int, default=15)
    args = parser.parse_args()
    account = load_account(args.snapshot)
    start = time.perf_counter()
    session = Session(account)
    first = time.perf_counter() - start
    users = [u for u in account.users if u.groups][: args.changes]
    applied, undone = [], []
    for u in users:
        diff = session.apply(remove_from_group(u.arn, u.groups[0]))
        applied.append(diff.seconds)
        back = session.undo()
        assert back is not None
        undone.append(back.seconds)
    print(
        f"{args.snapshot}: {len(account.users)} users, {len(account.roles)} roles; "
        f"first analysis {first:.2f}s; "
        f"what-if apply median {statistics.median(applied) * 1000:.0f} ms "
        f"(worst {max(applied) * 1000:.0f} ms, n={len(applied)}); undo median "
        f"{statistics.median(undone) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
