"""``iam-explore summary``: a one-screen summary of an account (no UI needed): its size, and
what the analysis found (findings, PassRole edges, admin edges, paths to admin)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from core.escalate.analysis import analyse
from core.load.samples import sample_path
from core.load.snapshot import load_account
from core.model.errors import IamExploreError
from core.report.scan import summary


def register(sub: Any) -> None:
    from tui.commands.scan import parse_at

    p = sub.add_parser("summary", help="print a short summary of an account snapshot")
    p.add_argument("snapshot", nargs="?", help="snapshot file or directory (default: sample)")
    p.add_argument(
        "--at",
        metavar="ISO8601",
        type=parse_at,
        help="time to evaluate time condition keys against (default: now)",
    )
    p.set_defaults(func=lambda a: run_summary(a.snapshot, getattr(a, "at", None)))


def run_summary(snapshot: str | None, at: Any = None) -> int:
    from rich.text import Text

    from tui.safe_text import console as make_console
    from tui.safe_text import join, safe

    console = make_console()
    try:
        account = load_account(snapshot or sample_path())
    except IamExploreError as exc:
        print(f"iam-explore: {safe(exc, 2000)}", file=sys.stderr)
        return 2
    analysis = analyse(account, at=at, reusable=False)
    s = summary(analysis)
    console.print(
        join(Text(f"Account {safe(account.account_id)}", style="bold"), " from ", account.source)
    )
    console.print(
        f"  users {s['users']}  groups {s['groups']}  roles {s['roles']}  "
        f"managed policies {s['policies']}  SCP levels {s['scp_levels']}"
    )
    console.print(
        f"  findings {s['findings']}  PassRole edges {s['passrole_edges']}  "
        f"admin edges {s['admin']} (PassRole and other methods)  paths {s['paths']}",
        soft_wrap=True,
    )
    from tui.commands.scan import counts

    for line in counts(analysis)[:2]:  # the same figures, PassRole and other methods apart
        console.print(f"    {line}", soft_wrap=True)
    console.print(
        f"  conditional findings {s['conditional']}  "
        f"admin-equivalent principals {s['admin_principals']}"
    )
    console.print(f"  time keys evaluated at {safe(analysis.analysed_at)}")
    if account.problems:
        console.print(Text(f"  {len(account.problems)} policy problems:", style="yellow"))
        for problem in account.problems:
            console.print(
                Text(f"    {problem.severity.upper()} {safe(problem.located())}"), soft_wrap=True
            )
    return 0


def _main(argv: list[str]) -> int:  # pragma: no cover
    ns = argparse.Namespace(snapshot=argv[0] if argv else None)
    return run_summary(ns.snapshot)
