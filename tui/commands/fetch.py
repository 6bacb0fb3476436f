"""``iam-explore fetch``: read a live account (read-only) and save it as a snapshot file.

Progress goes to stderr, the one-line summary to stdout. Exit 0 on success, 2 when the fetch
or the write fails (one line, no traceback, no partial snapshot).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from core.errors import IamExploreError

EXIT_OK, EXIT_ERROR = 0, 2


def register(sub: Any) -> None:
    p = sub.add_parser(
        "fetch",
        help="read a live AWS account (read-only) into a snapshot file",
        description="Read IAM users, groups, roles, managed policies and visible SCPs of the "
        "account behind your AWS credentials (read-only) and save them as a snapshot.",
    )
    # SUPPRESS: an option given after "fetch" wins, one given before it still counts.
    p.add_argument(
        "--profile", default=argparse.SUPPRESS, help="AWS profile (default: boto3's chain)"
    )
    p.add_argument("--region", default=argparse.SUPPRESS, help="AWS region (default: profile's)")
    p.add_argument(
        "--endpoint-url",
        default=argparse.SUPPRESS,
        help="one endpoint for IAM, STS and Organizations (moto, LocalStack)",
    )
    p.add_argument("-o", "--output", required=True, metavar="SNAPSHOT", help="file to write")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Fetch, write, summarise; return the exit code."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from core.aws import fetch_account, write_snapshot
    from tui.colour import console as Console  # honours NO_COLOR and mono terminals

    err = Console(stderr=True)
    out = Console(highlight=False)
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("[dim]{task.fields[pages]} responses, {task.fields[entities]} items"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
    task = progress.add_task("connecting", pages=0, entities=0)

    def report(stage: str, pages: int, entities: int) -> None:
        progress.update(task, description=stage, pages=pages, entities=entities)

    try:
        with progress:
            result = fetch_account(
                profile=getattr(args, "profile", None),
                region=getattr(args, "region", None),
                endpoint_url=getattr(args, "endpoint_url", None),
                progress=report,
            )
        path = write_snapshot(result, args.output)
    except IamExploreError as exc:
        print(f"iam-explore: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if result.scp_note:
        err.print(f"[yellow]note:[/] {result.scp_note}", highlight=False)
    out.print(
        f"account {result.account_id}: {result.count('UserDetailList')} users, "
        f"{result.count('GroupDetailList')} groups, {result.count('RoleDetailList')} roles, "
        f"{result.count('Policies')} policies, {len(result.scp_levels)} SCP levels "
        f"-> {path}",
        soft_wrap=True,
    )
    return EXIT_OK
