"""Median what-if latency: apply a change to a loaded account and re-analyse (core only).

Usage: ``.venv/bin/python bench/whatif_bench.py [SNAPSHOT] [--changes 15]``

Alternates a change and "undo": "remove a user from a group" on different users, or with
``--disable`` "disable Statement[0]" of different customer managed policies (the generated
accounts have no groups), or with ``--offered`` the first what-if the explorer offers for users
spread over the account (what ``tui_bench.py`` applies: on the varied accounts, detaching a
policy from one user); reports the median and worst time of ``Session.apply`` (re-analysis
and diff included). Default snapshot: the mid-size sample.
"""

from __future__ import annotations

import argparse
import statistics
import time

from core.explain.whatif import Session, disable_statement, remove_from_group
from core.explain.whatif_options import options_for
from core.load.samples import sample_path
from core.load.snapshot import load_account


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("snapshot", nargs="?", default=str(sample_path()))
    parser.add_argument("--changes", type=int, default=15)
    parser.add_argument("--disable", action="store_true", help="disable policy statements")
    parser.add_argument("--offered", action="store_true", help="the explorer's first offer")
    args = parser.parse_args()
    account = load_account(args.snapshot)
    start = time.perf_counter()
    session = Session(account)
    first = time.perf_counter() - start
    if args.offered:
        users = [u for u in account.users if u.groups or u.attached_policies]
        step = max(1, len(users) // max(1, args.changes))
        changes = []
        for user in users[::step][: args.changes]:
            offered = [o for o in options_for(session.analysis, account, user) if o.make]
            if offered and offered[0].make is not None:
                changes.append(offered[0].make())
    elif args.disable:
        policies = [p for p in account.policies if not p.is_aws_managed][: args.changes]
        changes = [disable_statement(p.arn, p.name, 0) for p in policies]
    else:
        users = [u for u in account.users if u.groups][: args.changes]
        changes = [remove_from_group(u.arn, u.groups[0]) for u in users]
    applied, undone = [], []
    for change in changes:
        diff = session.apply(change)
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
