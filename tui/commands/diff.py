"""``iam-explore diff OLD NEW``: which escalations a change opens or closes, for reviews and CI.

Exit codes: 0 nothing at the ``--fail-on`` level is new, 1 something is, 2 bad input (a file that
does not load, or two snapshots of different accounts).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

from core.escalate.analysis import analyse
from core.escalate.escalation_level import Escalation
from core.escalate.paths import Path
from core.load.snapshot import load_account
from core.model.errors import IamExploreError
from core.report.diff import AnalysisDiff, FindingChange, diff_analyses, to_json
from core.report.escape import escape_controls as clean  # bidi and zero-width too, not only C0/C1
from core.report.sarif import diff_log
from tui.commands.scan import parse_at
from tui.escalation_style import STYLE
from tui.safe_text import safe

EPILOG = """\
JSON contract (stable; see README "diff JSON"):
  {"schema_version", "account_id", "old": {"source"}, "new": {"source"}, "summary": {...},
   "findings": [{"status": "added|removed|changed", "id", "kind", "source", "role", "service",
                 "target", "escalation", "conditional", ..., "before"?, "worse"?,
                 "statements"?: [{..., "changed": "new policy|document changed|..." or null}]}],
   "paths": [{"status", "source", "before", "after"}],
   "users"|"groups"|"roles": {"added", "removed"}, "policies": {"added", "removed", "changed"},
   "attachments": [...], "memberships": [...]}
--fail-on new-admin: a new (or worse) admin finding, or a new path to admin.
--fail-on new-any: also new or worse privilege-gain findings.
"""


def register(sub: Any) -> None:
    p = sub.add_parser(
        "diff",
        help="compare two snapshots of one account: new and gone escalations",
        description="Compare two snapshots of one account: findings and paths that appear, "
        "disappear or change label, and the policies that changed.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("old", help="the earlier snapshot (file or directory)")
    p.add_argument("new", help="the later snapshot (file or directory)")
    p.add_argument("--format", choices=("table", "json", "sarif"), default="table")
    p.add_argument(
        "--fail-on",
        choices=("new-admin", "new-any", "never"),
        default="never",
        help="exit 1 when NEW adds escalations at this level (default: never)",
    )
    p.add_argument(
        "--at",
        metavar="ISO8601",
        type=parse_at,
        help="evaluate time condition keys of both snapshots against this time (default: now)",
    )
    p.add_argument("-o", "--output", help="write the report to this file instead of stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        # One analysis time for both, so that only the snapshots differ.
        at = args.at or datetime.now(UTC)
        old = analyse(load_account(args.old), at=at, reusable=False)
        new = analyse(load_account(args.new), at=at, reusable=False)
        d = diff_analyses(old, new)
    except IamExploreError as exc:
        print(f"iam-explore: {safe(exc, 2000)}", file=sys.stderr)
        return 2
    if args.format == "table":
        text = render_table(d)
    else:
        data = diff_log(d) if args.format == "sarif" else to_json(d)
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    try:
        if args.output:
            with open(args.output, "w", encoding="utf-8") as fh:
                fh.write(text)
        else:
            sys.stdout.write(text)
    except OSError as exc:
        print(f"iam-explore: cannot write {safe(args.output)}: {exc.strerror}", file=sys.stderr)
        return 2
    return 1 if d.failing(args.fail_on) else 0


_LEVEL_STYLE = {**STYLE, Escalation.NONE: ""}
_STATUS = {
    "added": ("NEW", "bold green"),
    "removed": ("GONE", "dim"),
    "changed": ("CHANGED", "cyan"),
}


def _short(arn: str | None) -> str:
    return clean((arn or "").split(":", 5)[-1])


def _finding_lines(c: FindingChange) -> list[Any]:
    from rich.text import Text

    f = c.finding
    status, sstyle = _STATUS[c.status]
    esc = Escalation.of(f.escalation)
    level, lstyle = esc.label, _LEVEL_STYLE[esc]
    line = Text("  ")
    line.append(f"{status:<8}", style=sstyle)
    if c.status == "changed" and c.before is not None:
        old_level = Escalation.of(c.before.escalation).label
        old_cond = " (cond)" if c.before.conditional else ""
        line.append(f"{old_level}{old_cond} → ", style="dim")
    line.append(level, style=lstyle)
    if f.conditional:
        line.append(" (cond)", style="cyan")
    line.append(f"  {clean(f.kind)}  {_short(f.source)} → {_short(f.target)}")
    if f.service:
        line.append(f" via {clean(f.service)}")
    lines = [line]
    if c.note:
        lines.append(Text(f"           ({c.note})", style="dim"))
    if f.conditional and c.status != "removed":
        lines.append(Text("           if " + clean("; ".join(f.conditions)), style="cyan"))
    for s in c.statements:
        t = Text(clean(f"           {s.step:<12} {s.ref.policy.label} {s.ref.statement.label}"))
        if s.changed:
            t.append(f"  ← {s.changed}", style="bold magenta")
        lines.append(t)
    return lines


def _route(p: Path) -> Any:
    from rich.text import Text

    hops = " → ".join(f"{clean(h.finding.kind)}:{_short(h.target)}" for h in p.hops)
    t = Text(f"{_short(p.source)} → {hops}")
    if p.conditional:
        t.append(" (conditional)", style="cyan")
    t.append(f"  [{clean(p.admin)}]", style="dim")
    return t


def render_table(d: AnalysisDiff) -> str:
    """The human-readable diff (plain text when not on a terminal)."""
    from rich.console import Console
    from rich.text import Text

    console = Console(
        file=sys.stdout, soft_wrap=True, highlight=False, force_terminal=None, record=True
    )
    s = d.summary()
    with console.capture() as cap:
        head = Text(f"Account {d.new.account.account_id}: ", style="bold")
        head.append(clean(f"{d.old.account.source} → {d.new.account.source}"))
        console.print(head)
        console.print(
            Text(
                f"  findings: {s['findings_added']} new ({s['new_admin']} admin, "
                f"{s['new_privilege_gain']} gain), {s['findings_changed']} changed, "
                f"{s['findings_removed']} gone · paths to admin: {s['paths_added']} new, "
                f"{s['paths_changed']} changed, {s['paths_removed']} gone\n"
                f"  admin-equivalent: +{s['admins_added']} -{s['admins_removed']} · "
                f"principals: +{s['principals_added']} -{s['principals_removed']} · "
                f"policies: +{s['policies_added']} -{s['policies_removed']} "
                f"~{s['policies_changed']} changed"
            )
        )
        if d.empty:
            console.print(Text("  no change in escalation, principals or policies"))
        if d.findings:
            console.print(Text("\nFindings", style="bold"))
            for c in d.findings:
                for line in _finding_lines(c):
                    console.print(line)
        if d.paths:
            console.print(Text("\nPaths to admin", style="bold"))
            for pc in d.paths:
                status, style = _STATUS[pc.status]
                p = pc.after or pc.before
                assert p is not None
                t = Text("  ")
                t.append(f"{status:<8}", style=style)
                t.append_text(_route(p))
                if pc.note:
                    t.append(f" ({pc.note})", style="dim")
                console.print(t)
                if pc.status == "changed" and pc.before is not None:
                    was = Text("           was ", style="dim")
                    was.append_text(_route(pc.before))
                    console.print(was)
        rows = [
            ("admin", sign, f"{_short(a)} ({clean(who[a].detail)})")
            for sign, xs, who in (
                ("+", d.admins.added, d.new.admins),
                ("-", d.admins.removed, d.old.admins),
            )
            for a in xs
        ]
        rows += [
            (kind, sign, x)
            for kind, e in (("user", d.users), ("group", d.groups), ("role", d.roles))
            for sign, xs in (("+", e.added), ("-", e.removed))
            for x in xs
        ]
        rows += [
            ("policy", sign, x)
            for sign, xs in (("+", d.policies.added), ("-", d.policies.removed))
            for x in xs
        ]
        rows += [("policy", "~", x) for x in d.policies.changed]
        rows += [
            ("attach" if how == "attached" else how, "+" if st == "added" else "-", f"{p} → {e}")
            for st, e, p, how in d.attachments
        ]
        rows += [
            ("member", "+" if st == "added" else "-", f"{_short(u)} in group {g}")
            for st, u, g in d.memberships
        ]
        if rows:
            console.print(Text("\nPrincipals and policies", style="bold"))
            for kind, sign, x in rows:
                shown = x if kind == "admin" else _short(x) if ":" in x else clean(x)
                console.print(Text(f"  {sign} {kind:<8} {shown}"))
    return cap.get()
