"""``iam-explore scan SNAPSHOT``: every PassRole and escalation edge, for scripts and CI.

Exit codes: 0 no findings at the ``--fail-on`` level, 1 such findings exist, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

from rich.text import Text

from core.analysis import Analysis, analyse
from core.errors import IamExploreError
from core.inventory import arn_label
from core.loader import load_account
from core.report import summary, to_json, to_json_v1, to_sarif
from core.samples import sample_path
from tui.safe_text import LIMIT, join, safe, safe_text
from tui.safe_text import console as make_console

EPILOG = """\
JSON contract, schema_version 2 (stable; see README "scan JSON"):
  {"schema_version": 2, "account_id", "source", "analysed_at", "summary": {...},
   "problems": [...], "admins": [...], "all_edges", "findings": [...], "quiet_edges": [...],
   "edge_groups": [...], "paths": [...], "statements": {"s1": {...}}, "references": {...}}
Each finding: kind ("passrole" or a method id), source, role, service, target, escalation
(admin | privilege-gain | none), conditional, conditions, constraints, gained, rule,
reasons (step, text, statements: ids into "statements"). Edges that escalate nothing are
counted in quiet_edges unless --all-edges. --schema 1 writes the version 1 layout.
"""


def register(sub: Any) -> None:
    p = sub.add_parser(
        "scan",
        help="find every PassRole edge and escalation path in a snapshot",
        description="Find every PassRole edge and escalation path in an account snapshot.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("snapshot", nargs="?", help="snapshot file or directory (default: the sample)")
    p.add_argument("--format", choices=("table", "json", "sarif"), default="table")
    p.add_argument(
        "--fail-on",
        choices=("admin", "any", "never"),
        default="never",
        help="exit 1 when findings at this level exist (any = admin or gain)",
    )
    p.add_argument(
        "--all",
        action="store_true",
        help="also list findings marked source_is_admin (admin-equivalent principals are "
        "listed under admins; their own edges are not enumerated)",
    )
    p.add_argument(
        "--all-edges",
        action="store_true",
        help="JSON: list edges that escalate nothing too (default: counted per source and "
        "service in quiet_edges)",
    )
    p.add_argument(
        "--group",
        type=int,
        default=0,
        metavar="N",
        help="JSON: report non-admin PassRole edges sharing a source, service and allowing "
        "statements only as their edge_groups entry when the group has at least N roles",
    )
    p.add_argument(
        "--schema",
        type=int,
        choices=(1, 2),
        default=2,
        help="JSON schema_version to write (default 2; 1 lists every edge in full)",
    )
    p.add_argument(
        "--at",
        metavar="ISO8601",
        type=parse_at,
        help="evaluate aws:CurrentTime, aws:EpochTime and aws:TokenIssueTime against this time "
        "(default: now; recorded in the report as analysed_at)",
    )
    p.add_argument("-o", "--output", help="write the report to this file instead of stdout")
    p.set_defaults(func=run)


def parse_at(text: str) -> datetime:
    """An ISO 8601 date or date-time (UTC when it names no offset), for ``--at``."""
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 date or time (e.g. 2026-12-01T09:00:00Z)"
        ) from None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def dumps_report(data: dict[str, Any]) -> str:
    """The report as JSON with one top-level key per line and one list item (finding, path,
    statement) per line: readable and greppable, and written by the C encoder (``indent=``
    makes :func:`json.dumps` pure Python, seconds on a large account)."""
    lines = ["{"]
    items = list(data.items())
    for i, (key, value) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        name = json.dumps(key)
        if isinstance(value, list) and value:
            lines.append(f"  {name}: [")
            lines.append(",\n".join("    " + json.dumps(v) for v in value))
            lines.append(f"  ]{comma}")
        elif isinstance(value, dict) and value:
            lines.append(f"  {name}: {{")
            lines.append(
                ",\n".join(f"    {json.dumps(k)}: {json.dumps(v)}" for k, v in value.items())
            )
            lines.append(f"  }}{comma}")
        else:
            lines.append(f"  {name}: {json.dumps(value)}{comma}")
    lines.append("}")
    return "\n".join(lines)


def _failing(analysis: Analysis, level: str) -> bool:
    wanted = {"admin": {"admin"}, "any": {"admin", "privilege-gain"}}.get(level, set())
    return any(f.escalation in wanted and not f.source_is_admin for f in analysis.findings)


def run(args: argparse.Namespace) -> int:
    try:
        account = load_account(args.snapshot or sample_path())
    except IamExploreError as exc:
        print(f"iam-explore: {safe(exc, 2000)}", file=sys.stderr)
        return 2
    analysis = analyse(account, at=getattr(args, "at", None))
    if args.format == "table":
        text = None
        _table(analysis, include_admin=args.all, path=args.output)
    else:
        if args.format == "sarif":
            data = to_sarif(analysis)
        elif args.schema == 1:
            data = to_json_v1(analysis, include_admin_sources=args.all)
        else:
            data = to_json(
                analysis,
                include_admin_sources=args.all,
                all_edges=args.all_edges,
                group_min=max(0, args.group),
            )
        text = json.dumps(data, indent=2) if args.format == "sarif" else dumps_report(data)
    if text is not None:
        if args.output:
            with open(args.output, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
        else:
            print(text)
    return 1 if _failing(analysis, args.fail_on) else 0


_MARK = {
    "admin": Text("ADMIN", style="bold red"),
    "privilege-gain": Text("GAIN", style="yellow"),
    "none": Text("none"),
}


def _table(analysis: Analysis, *, include_admin: bool, path: str | None) -> None:
    """Rich table; every value from the snapshot goes through ``tui.safe_text`` (no markup,
    control characters escaped, long values cut)."""
    from rich.table import Table

    console = make_console(file=open(path, "w", encoding="utf-8") if path else None)  # noqa: SIM115
    s = summary(analysis)
    acct = analysis.account
    head = join(Text(f"Account {safe(acct.account_id)}", style="bold"), f" ({acct.source}): ")
    head.append(
        f"{s['users']} users, {s['roles']} roles, {s['passrole_edges']} PassRole edges, "
        f"{s['admin']} to admin, {s['paths']} paths, {s['problems']} problems; "
        f"time keys at {safe(analysis.analysed_at)}"
    )
    console.print(head)
    table = Table(show_lines=False, expand=True)
    for col in ("level", "kind", "source", "target / role", "service", "conditions"):
        table.add_column(col, overflow="fold")
    rank = {"admin": 0, "privilege-gain": 1, "none": 2}
    shown = [f for f in analysis.findings if include_admin or not f.source_is_admin]
    shown.sort(key=lambda f: (rank[f.escalation], f.kind != "passrole", f.source))
    for f in shown:
        cond = "; ".join(f.conditions)
        if f.constraints:
            cond = (cond + "; " if cond else "") + "constraints: " + "; ".join(f.constraints)
        level = _MARK[f.escalation].copy()
        if f.conditional:
            level.append(" (cond)", style="cyan")
        table.add_row(
            level,
            safe_text(f.kind),
            safe_text(f.source.split(":", 5)[-1]),
            Text(
                "\n".join(
                    [
                        safe(f.target.split(":", 5)[-1]),
                        *(f"on {safe(arn_label(r))}" for r in f.resources[:3]),
                    ]
                )
            ),
            safe_text(f.service or ""),
            safe_text(cond, limit=3 * LIMIT),
        )
    console.print(table)
    if analysis.paths:
        console.print(Text("Paths to admin", style="bold"), Text("(shortest first)"))
        for p in analysis.paths[:50]:
            steps = [f"{h.finding.kind}:{h.target.split('/')[-1]}" for h in p.hops]
            if p.terminal is not None:
                steps.append(p.terminal.kind)
            mark = " (conditional: " + "; ".join(p.conditions) + ")" if p.conditional else ""
            line = f"  {p.source.split(':', 5)[-1]} → {' → '.join(steps)}{mark}  [{p.admin}]"
            console.print(safe_text(line, limit=3 * LIMIT))  # never markup, controls escaped
