"""``iam-explore scan SNAPSHOT``: every PassRole and escalation edge, for scripts and CI.

Exit codes: 0 no findings at the ``--fail-on`` level, 1 such findings exist, 2 bad input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from itertools import chain
from typing import Any

from rich.text import Text

from core.escalate.analysis import Analysis, analyse
from core.escalate.escalation_level import Escalation
from core.load.inventory import arn_label
from core.load.samples import sample_path
from core.load.snapshot import load_account
from core.model.errors import IamExploreError
from core.report.scan import dumps_report, to_json_v1, to_sarif, write_json, write_sarif
from tui.escalation_style import STYLE
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
        help="exit 1 when findings at this level exist: admin, any (admin or gain), or never "
        "(the default: exit 0 whatever is found; use --fail-on admin in CI)",
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


def _failing(analysis: Analysis, level: str) -> bool:
    wanted = {"admin": {"admin"}, "any": {"admin", "privilege-gain"}}.get(level, set())
    return any(f.escalation in wanted and not f.source_is_admin for f in analysis.findings)


def run(args: argparse.Namespace) -> int:
    try:
        account = load_account(args.snapshot or sample_path())
    except IamExploreError as exc:
        print(f"iam-explore: {safe(exc, 2000)}", file=sys.stderr)
        return 2
    analysis = analyse(account, at=getattr(args, "at", None), reusable=False)
    if args.format == "table":
        _table(analysis, include_admin=args.all, path=args.output)
    elif args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            _write(analysis, args, fh.write)
    else:
        _write(analysis, args, sys.stdout.write)
    return 1 if _failing(analysis, args.fail_on) else 0


def _write(analysis: Analysis, args: argparse.Namespace, write: Callable[[str], object]) -> None:
    """The JSON or SARIF report; schema 2 JSON is streamed (a large account's report is never
    held whole: peak memory stays the analysis')."""
    if args.format == "sarif":
        write_sarif(with_problems(to_sarif(analysis, stream=True), analysis), write)
    elif args.schema == 1:
        write(dumps_report(to_json_v1(analysis, include_admin_sources=args.all)) + "\n")
    else:
        write_json(
            analysis,
            write,
            include_admin_sources=args.all,
            all_edges=args.all_edges,
            group_min=max(0, args.group),
        )


PROBLEM_RULE = {
    "id": "policy-problem",
    "name": "PolicyProblem",
    "shortDescription": {"text": "A policy AWS would reject, or that is suspicious"},
    "fullDescription": {
        "text": "The policy was loaded without the broken part; findings may miss what it grants."
    },
    "defaultConfiguration": {"level": "warning"},
}
"""The SARIF rule under which policy problems found while loading are reported."""


def with_problems(sarif: dict[str, Any], analysis: Analysis) -> dict[str, Any]:
    """``sarif`` plus one result per policy problem (rule ``policy-problem``), located (after
    the findings' results, which may be an iterator)."""
    problems = analysis.account.problems
    if not problems:
        return sarif
    run = sarif["runs"][0]
    run["tool"]["driver"]["rules"].append(PROBLEM_RULE)
    found = run["results"]
    extra: list[dict[str, Any]] = []
    for p in problems:
        extra.append(
            {
                "ruleId": PROBLEM_RULE["id"],
                "level": "error" if p.severity == "error" else "warning",
                "message": {"text": p.located()},
                "locations": [
                    {
                        "logicalLocations": [
                            {"fullyQualifiedName": p.path or p.policy, "kind": "policy"}
                        ],
                        "physicalLocation": {
                            "artifactLocation": {"uri": p.file or analysis.account.source or "."}
                        },
                    }
                ],
                "properties": {"policy": p.policy, "statement": p.statement},
            }
        )
    # After the findings' results, whether those are a list or a stream (to_sarif(stream=True)).
    run["results"] = [*found, *extra] if isinstance(found, list) else chain(found, extra)
    return sarif


def counts(analysis: Analysis) -> list[str]:
    """Header lines whose figures add up: PassRole edges and other methods counted apart."""
    shown = [f for f in analysis.findings if not f.source_is_admin]
    lines = []
    for label, group in (
        ("PassRole edges", [f for f in shown if f.kind == "passrole"]),
        ("other escalation methods", [f for f in shown if f.kind != "passrole"]),
    ):
        by = {e.value: sum(1 for f in group if f.escalation == e.value) for e in Escalation}
        cond = sum(1 for f in group if f.conditional)
        lines.append(
            f"{len(group)} {label}: {by['admin']} to admin, {by['privilege-gain']} privilege "
            f"gain, {by['none']} none ({cond} conditional)"
        )
    acct = analysis.account
    admins = sum(1 for arn in analysis.admins if ":group/" not in arn)  # users and roles
    lines.append(
        f"{len(analysis.paths)} paths to admin · {admins} principals already "
        f"admin-equivalent (their own edges are not listed) · {len(acct.problems)} policy problems"
    )
    return lines


def _name(arn: str) -> str:
    """``user/ops/alice`` from an ARN (the whole path: names are never cut, only made safe)."""
    return safe(arn.split(":", 5)[-1])


def _table(analysis: Analysis, *, include_admin: bool, path: str | None) -> None:
    """The human report: a table on a terminal (or with ``COLUMNS`` set), else one block per
    finding, so CI logs (80 columns, no terminal) never break a name mid-word. Every value from
    the snapshot goes through ``tui.safe_text`` (no markup, control characters escaped, long
    values cut)."""
    import os

    from rich.table import Table

    out = open(path, "w", encoding="utf-8") if path else None  # noqa: SIM115
    console = make_console(file=out)
    blocks = not console.is_terminal and not os.environ.get("COLUMNS", "").strip().isdigit()
    acct = analysis.account
    head = join(Text(f"Account {safe(acct.account_id)}", style="bold"), f" ({acct.source}): ")
    head.append(f"{len(acct.users)} users, {len(acct.roles)} roles; ")
    head.append(f"time keys at {safe(analysis.analysed_at)}")
    console.print(head, soft_wrap=True)
    for line in counts(analysis):
        console.print(Text("  " + line), soft_wrap=True)
    shown = [f for f in analysis.findings if include_admin or not f.source_is_admin]
    shown.sort(key=lambda f: (-Escalation.of(f.escalation).rank, f.kind != "passrole", f.source))
    if blocks:
        for f in shown:
            block = Text("\n")
            esc = Escalation.of(f.escalation)
            block.append(esc.tag, style=STYLE[esc])
            block.append(f"  {safe(f.kind)}")
            if f.conditional:
                block.append("  ? conditional", style="cyan")
            block.append(f"\n  source:  {_name(f.source)}\n  target:  {_name(f.target)}")
            if f.service:
                block.append(f"\n  service: {safe(f.service)}")
            for r in f.resources:
                block.append(f"\n  on:      {safe(arn_label(r))}")
            for c in f.conditions:
                block.append(f"\n  condition:  {safe(c, 3 * LIMIT)}")
            for c in f.constraints:
                block.append(f"\n  constraint: {safe(c, 3 * LIMIT)}")
            console.print(block, soft_wrap=True)
    else:
        table = Table(show_lines=False, expand=True)
        for col in ("level", "kind", "source", "target / role", "service", "conditions"):
            table.add_column(col, overflow="fold")
        for f in shown:
            cond = "; ".join(f.conditions)
            if f.constraints:
                cond = (cond + "; " if cond else "") + "constraints: " + "; ".join(f.constraints)
            esc = Escalation.of(f.escalation)
            cell = Text(esc.tag, style=STYLE[esc])
            if f.conditional:
                cell.append(" ? cond", style="cyan")
            target = [_name(f.target), *(f"on {safe(arn_label(r))}" for r in f.resources[:3])]
            table.add_row(
                cell,
                safe_text(f.kind),
                Text(_name(f.source)),
                Text("\n".join(target)),
                safe_text(f.service or ""),
                safe_text(cond, limit=3 * LIMIT),
            )
        console.print(table)
    if analysis.paths:
        console.print(Text("\nPaths to admin (shortest first)", style="bold"))
        for p in analysis.paths[:50]:
            steps = [f"{safe(h.finding.kind)}:{_name(h.target)}" for h in p.hops]
            if p.terminal is not None:
                steps.append(safe(p.terminal.kind))
            path_line = Text(f"  {_name(p.source)} → {' → '.join(steps)}")
            if p.conditional:
                path_line.append("  ? conditional: ", style="cyan")
                path_line.append(safe("; ".join(p.conditions), 3 * LIMIT))
            path_line.append(f"\n      admin because: {safe(p.admin, 3 * LIMIT)}")
            console.print(path_line, soft_wrap=True)
        if len(analysis.paths) > 50:
            console.print(Text(f"  … {len(analysis.paths) - 50} more (--format json has all)"))
    if acct.problems:
        console.print(Text(f"\nPolicy problems ({len(acct.problems)})", style="bold"))
        for problem in acct.problems:
            problem_line = Text(f"  {problem.severity.upper()} ", style="yellow")
            problem_line.append(safe(problem.located(), 3 * LIMIT))
            console.print(problem_line, soft_wrap=True)
    if out is not None:
        out.close()
