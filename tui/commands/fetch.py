"""``iam-explore fetch``: read a live account (read-only) and save it as a snapshot file.

Progress goes to stderr, the one-line summary to stdout. Exit 0 on success, 2 when the fetch
or the write fails (one line, no traceback, no partial snapshot).
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any

from core.model.errors import IamExploreError

EXIT_OK, EXIT_ERROR = 0, 2
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d{1,2}")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "fetch",
        help="read a live AWS account (read-only) into a snapshot file",
        description="Read IAM users, groups, roles, managed policies and visible SCPs of the "
        "account behind your AWS credentials (read-only) and save them as a snapshot; with "
        "--resources, also the instances, functions, projects, stacks... that run as roles.",
    )
    # SUPPRESS: an option given after "fetch" wins, one given before it still counts.
    p.add_argument(
        "--profile", default=argparse.SUPPRESS, help="AWS profile (default: boto3's chain)"
    )
    p.add_argument("--region", default=argparse.SUPPRESS, help="AWS region (default: profile's)")
    p.add_argument(
        "--endpoint-url",
        default=argparse.SUPPRESS,
        help="one endpoint for every service (moto, LocalStack)",
    )
    p.add_argument(
        "--resources",
        action="store_true",
        help="also read existing resources (instances, functions, projects, stacks...) per region",
    )
    p.add_argument(
        "--regions",
        metavar="R1,R2|all",
        help="regions for --resources: a comma-separated list, or all enabled regions "
        "(default: the --region / profile region)",
    )
    p.add_argument("-o", "--output", required=True, metavar="SNAPSHOT", help="file to write")
    p.set_defaults(func=run)


def parse_regions(text: str | None) -> list[str] | str | None:
    """``--regions`` as ``None``, ``"all"`` or a list of region names.

    Raises:
        IamExploreError: a name that is not a region name.
    """
    if text is None:
        return None
    if text.strip().lower() == "all":
        return "all"
    names = [n.strip() for n in text.split(",") if n.strip()]
    for name in names:
        if not _REGION.fullmatch(name):
            raise IamExploreError(f'--regions: "{name}" is not a region name (e.g. eu-west-1)')
    if not names:
        raise IamExploreError("--regions: give region names (eu-west-1,us-east-1) or all")
    return names


def run(args: argparse.Namespace) -> int:
    """Fetch, write, summarise; return the exit code."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.text import Text

    from core.load.inventory import SERVICES
    from core.load.live import fetch_account, write_snapshot
    from tui.safe_text import console as make_console
    from tui.safe_text import join, safe

    err = make_console(stderr=True)
    out = make_console()
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        TextColumn("{task.fields[detail]}", style="dim", markup=False),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
    task = progress.add_task("connecting", total=None, detail="")

    def report(stage: str, pages: int, entities: int) -> None:
        progress.update(task, description=stage, detail=f"{pages} responses, {entities} items")

    region_tasks: dict[str, Any] = {}

    def report_resource(region: str, service: str, state: str) -> None:
        # One bar per region, one step per service; called from worker threads.
        if region not in region_tasks:
            region_tasks[region] = progress.add_task(region, total=len(SERVICES), detail="")
        if state == "reading":
            progress.update(region_tasks[region], description=f"{region}: {service}")
        else:
            progress.advance(region_tasks[region])
            progress.update(region_tasks[region], detail=f"{service} {state}")

    try:
        regions = parse_regions(getattr(args, "regions", None))
        if regions is not None and not args.resources:
            raise IamExploreError("--regions needs --resources")
        with progress:
            result = fetch_account(
                profile=getattr(args, "profile", None),
                region=getattr(args, "region", None),
                endpoint_url=getattr(args, "endpoint_url", None),
                progress=report,
                resources=args.resources,
                regions=regions,
                resource_progress=report_resource,
            )
        path = write_snapshot(result, args.output)
    except IamExploreError as exc:
        print(f"iam-explore: {safe(exc, 2000)}", file=sys.stderr)
        return EXIT_ERROR
    if result.scp_note:
        err.print(join(Text("note:", style="yellow"), " ", result.scp_note))
    if result.resources is not None:
        for line in resource_summary(result.resources):
            err.print(safe(line, 2000), soft_wrap=True)
    out.print(
        f"account {safe(result.account_id)}: {result.count('UserDetailList')} users, "
        f"{result.count('GroupDetailList')} groups, {result.count('RoleDetailList')} roles, "
        f"{result.count('Policies')} policies, {len(result.scp_levels)} SCP levels"
        + (f", {resource_count(result.resources)} resources" if result.resources else "")
        + f" -> {safe(str(path), 2000)}",
        soft_wrap=True,
    )
    return EXIT_OK


def resource_count(resources: Any) -> int:
    """Resources in a fetched ``Resources`` object (every list of every region)."""
    return sum(
        len(v)
        for region in resources.get("Regions", {}).values()
        for k, v in region.items()
        if isinstance(v, list)
    )


def resource_summary(resources: Any) -> list[str]:
    """One line per region: what was read, and which services are unknown and why."""
    lines = [str(resources["Note"])] if resources.get("Note") else []
    for name, region in resources.get("Regions", {}).items():
        counts = [f"{len(v)} {k}" for k, v in region.items() if isinstance(v, list) and v]
        unknown = [
            f"{svc} ({region.get('Notes', {}).get(svc, 'not read')})"
            for svc, status in region.get("Services", {}).items()
            if status != "ok"
        ]
        line = f"{name}: " + (", ".join(counts) or "no resources")
        if unknown:
            line += "; unknown: " + "; ".join(unknown)
        lines.append(line)
    return lines
