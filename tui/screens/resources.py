"""Existing resources grouped by the role they run as (``6`` or ``:resources``).

Every value comes from the snapshot, so cells are plain :class:`~rich.text.Text` and the
detail line is a ``markup=False`` Static: names are never read as markup.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from core.escalate.escalation_level import Escalation
from core.escalate.findings import Finding
from core.escalate.resource_edges import resources_by_role
from core.load.inventory import Resource
from core.model.account import Account
from tui.guard import SafeModal
from tui.safe_text import safe_message, safe_text
from tui.widgets.footer import HELP, KeyFooter
from tui.widgets.index import short


def resource_rows(
    account: Account, findings: list[Finding]
) -> list[tuple[str, Resource, list[Finding]]]:
    """``(role ARN, resource, findings reaching it)``, roles reached first, then by name."""
    reaching: dict[str, list[Finding]] = {}
    for f in findings:
        for arn in f.resources:
            reaching.setdefault(arn, []).append(f)
    groups = resources_by_role(account)
    order = sorted(
        groups,
        key=lambda role: (not any(reaching.get(r.arn) for r in groups[role]), short(role)),
    )
    return [
        (role, r, sorted(reaching.get(r.arn, []), key=lambda f: -Escalation.of(f.escalation).rank))
        for role in order
        for r in sorted(groups[role], key=lambda r: (r.kind, r.region, r.name))
    ]


class ResourcesScreen(SafeModal[Finding | None]):
    """A table of inventoried resources by role; ``enter`` shows the first finding reaching one."""

    BINDINGS = [
        HELP,
        Binding("escape,q", "dismiss(None)", "Close", show=True),
        Binding("enter", "choose", "Show finding", show=True),
        Binding("j", "cursor('down')", show=False),
        Binding("k", "cursor('up')", show=False),
    ]

    def __init__(self, account: Account, findings: list[Finding]) -> None:
        super().__init__()
        self.account = account
        self.rows = resource_rows(account, findings)

    def compose(self) -> ComposeResult:
        with Vertical(id="resources-body", classes="modal-body") as body:
            body.border_title = f"Resources by role: {len(self.rows)} (escape closes)"
            if self.account.inventory is None:
                yield Static(
                    "This snapshot has no resource inventory: fetch it with "
                    "`iam-explore fetch --resources`.",
                    id="resources-empty",
                    markup=False,
                )
            elif not self.rows:
                yield Static("No inventoried resource runs as a role.", markup=False)
            yield DataTable(id="resources-table", cursor_type="row")
            yield Static(id="resources-detail", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        table: DataTable[object] = self.query_one(DataTable)
        table.add_columns("runs as role", "kind", "resource", "region", "state", "reached by")
        previous = ""
        for n, (role, r, fs) in enumerate(self.rows):
            sources = sorted({short(f.source) for f in fs})
            reached = f"{len(sources)}: {', '.join(sources[:3])}" if sources else ""
            table.add_row(
                safe_text("" if role == previous else short(role)),
                safe_text(r.kind),
                safe_text(r.name),
                safe_text(r.region),
                safe_text(r.state),
                safe_text(reached + (" …" if len(sources) > 3 else "")),
                key=str(n),
            )
            previous = role
        table.focus()

    @on(DataTable.RowHighlighted)
    def highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is None:
            return
        role, r, fs = self.rows[int(event.row_key.value)]
        lines = [f"{r.kind} {r.label} runs as {role}", f"  {r.arn}"]
        if r.profile:
            lines.append(f"  instance profile {r.profile}")
        lines += [f"  {k}: {v}" for k, v in r.details]
        if r.tags:
            lines.append("  tags: " + ", ".join(f"{t.key}={t.value}" for t in r.tags))
        lines.append("findings that reach it:" if fs else "no finding reaches it")
        for f in fs:
            cond = "  ? cond" if f.conditional else ""
            lines.append(f"  {f.escalation}: {f.title} [{f.kind}]{cond}")
        detail = safe_message("\n".join(lines))  # controls escaped, long values cut
        self.query_one("#resources-detail", Static).update(Text(detail))

    def action_choose(self) -> None:
        table: DataTable[object] = self.query_one(DataTable)
        if not self.rows or table.cursor_row < 0:
            return
        _, _, fs = self.rows[table.cursor_row]
        if fs:
            self.dismiss(fs[0])
        else:
            self.notify("no finding reaches this resource", timeout=2)

    @on(DataTable.RowSelected)
    def selected(self) -> None:
        self.action_choose()
