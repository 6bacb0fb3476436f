"""``iam-explore summary``: a one-screen summary of an account (no UI needed)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from core.errors import IamExploreError
from core.loader import load_account
from core.samples import sample_path


def register(sub: Any) -> None:
    p = sub.add_parser("summary", help="print a short summary of an account snapshot")
    p.add_argument("snapshot", nargs="?", help="snapshot file or directory (default: sample)")
    p.set_defaults(func=lambda a: run_summary(a.snapshot))


def run_summary(snapshot: str | None) -> int:
    from tui.colour import console as make_console

    console: Any = make_console()
    try:
        account = load_account(snapshot or sample_path())
    except IamExploreError as exc:
        print(f"iam-explore: {exc}", file=sys.stderr)
        return 2
    console.print(f"[bold]Account {account.account_id}[/] from {account.source}")
    console.print(
        f"  users {len(account.users)}  groups {len(account.groups)}  "
        f"roles {len(account.roles)}  managed policies {len(account.policies)}  "
        f"SCP levels {len(account.scp_levels)}"
    )
    if account.problems:
        from rich.text import Text

        console.print(Text(f"  {len(account.problems)} policy problems:", style="yellow"))
        for problem in account.problems:
            console.print(
                Text(f"    {problem.severity.upper()} {problem.located()}"), soft_wrap=True
            )
    return 0


def _main(argv: list[str]) -> int:  # pragma: no cover
    ns = argparse.Namespace(snapshot=argv[0] if argv else None)
    return run_summary(ns.snapshot)
