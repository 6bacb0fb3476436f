"""The Details pane: an edge's reasons step by step, a principal, a role, a service, or why not.

Only the selected item is rendered (lazily), and each cited statement is a focusable widget:
``enter`` on it opens its whole policy.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.console import Group
from rich.syntax import Syntax
from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from core.escalate.findings import Finding, Reason
from core.escalate.resource_edges import resources_by_role
from core.escalate.tables.services import PassRoleService
from core.evaluate.decision import StatementRef
from core.model.account import Account, Role, User
from tui.guard import Guarded
from tui.safe_text import LINE_LIMIT, LONG_LIMIT, safe_json, safe_text, sanitize
from tui.widgets.index import EdgeIndex, short
from tui.widgets.styles import Palette

PENDING = "edges and paths: analysing… (shown when the analysis finishes)\n"
"""Shown instead of edge counts while the account is analysed (nothing known yet)."""


def deciding_lines(pretty: str, needles: Iterable[str]) -> set[int]:
    """1-based numbers of the lines of ``pretty`` that mention any needle (case-insensitive)."""
    wanted = [n.lower() for n in needles if n]
    out: set[int] = set()
    for number, line in enumerate(pretty.splitlines(), start=1):
        low = line.lower()
        wildcard = low.strip().rstrip(",") == '"*"' or (
            ('"action"' in low or '"resource"' in low) and low.rstrip(",").endswith('"*"')
        )
        if wildcard or any(n in low for n in wanted):
            out.add(number)
    return out


def needles_for(reason: Reason, finding: Finding | None) -> list[str]:
    """What makes a statement line decide ``reason``: its actions, wildcards, role, service."""
    out: list[str] = []
    for word in reason.text.replace(",", " ").split():
        word = word.strip("()'\"")
        if ":" in word and not word.startswith("arn:"):
            out.append(word)
            prefix = word.split(":", 1)[0]
            out.append(f'"{prefix}:*"')
            out.append(f"{word[: word.index(':') + 1 + min(4, len(word) - len(prefix) - 1)]}*")
        elif word.endswith(".amazonaws.com"):
            out.append(word)
    if finding is not None:
        if finding.role:
            out.append(finding.role)
            out.append(short(finding.role))
        if finding.service:
            out.append(finding.service)
    return out


def _syntax(code: str, marked: set[int], dark: bool) -> Syntax:
    return Syntax(
        code,
        "json",
        theme="ansi_dark" if dark else "ansi_light",
        line_numbers=True,
        highlight_lines=marked,
        background_color="default",
        word_wrap=True,
    )


class StatementView(Guarded, Static, can_focus=True):
    """One cited statement (focusable); ``enter`` opens its whole policy."""

    BINDINGS = [Binding("enter", "open", "Open policy", show=True)]

    class Open(Message):
        """Open the statement's whole policy."""

        def __init__(self, ref: StatementRef) -> None:
            self.ref = ref
            super().__init__()

    def __init__(self, ref: StatementRef, needles: Sequence[str], dark: bool) -> None:
        self.ref = ref
        pretty = ref.statement.pretty
        marked = deciding_lines(pretty, needles)
        self.marked = marked
        head = Text()
        head.append(f"{ref.policy.name}", style="bold")
        if ref.policy.arn and ref.policy.arn != ref.policy.name:
            head.append(f"  {ref.policy.arn}")
        head.append("\n")
        if ref.policy.via:
            via = ref.policy.via
            head.append(f"{via if via.startswith('via ') else 'via ' + via} · ", style="dim")
        head.append(ref.statement.label, style="italic")
        head.append(f" · {ref.statement.effect}", style="dim")
        if marked:
            head.append("  (❱ marks deciding lines)", style="dim")
        body = _syntax(safe_json(pretty, LINE_LIMIT), marked, dark)
        super().__init__(Group(sanitize(head), body), classes="statement")

    def action_open(self) -> None:
        self.post_message(self.Open(self.ref))


class DetailsPane(Guarded, VerticalScroll):
    """Details of the current selection. Content is rebuilt only for the selected item."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.subject = ""
        """What is shown (``edge:<n>``, ``user:<arn>``, ``whynot:...``) for tests and history."""

    @property
    def palette(self) -> Palette:
        return Palette.from_theme(self.app.theme_variables)

    @property
    def dark(self) -> bool:
        return self.app.current_theme.dark

    @property
    def statements(self) -> list[StatementView]:
        return list(self.query(StatementView))

    def text(self) -> str:
        """The plain text shown (for tests)."""
        parts: list[str] = []
        for child in self.children:
            if isinstance(child, Static):
                parts.append(_plain(child.content))
        return "\n".join(parts)

    def _show(self, subject: str, widgets: list[Static]) -> None:
        if subject and subject == self.subject:
            return  # already shown: keep focus and scroll position
        self.subject = subject
        with self.app.batch_update():
            self.remove_children()
            self.mount_all(widgets)
            self.scroll_home(animate=False)

    def _show_pending(self, t: Text, subject: str) -> None:
        """``t`` (a principal's or service's own facts) with :data:`PENDING` in place of its
        edges, while the account is analysed."""
        t.append(f"\n{PENDING}", style=self.palette.muted)
        self._show(subject, [Static(sanitize(t))])

    def show_message(self, text: str, subject: str = "") -> None:
        self.subject = ""
        self._show(
            subject, [Static(safe_text(text, limit=LONG_LIMIT, newlines=True), classes="note")]
        )

    # -- edges ----------------------------------------------------------------------------

    def show_edge(self, f: Finding, status: str = "", subject: str = "") -> None:
        p = self.palette
        widgets: list[Static] = []
        head = Text()
        head.append_text(p.escalation(f))
        if f.conditional:
            head.append("  ")
            head.append_text(p.conditional(f))
        since = getattr(self.app, "diff_label", "what-if")
        if status == "added":
            head.append(f"  +NEW ({since})", style=p.added)
        elif status == "removed":
            head.append(f"  -GONE ({since})", style=p.removed)
        head.append(f"  {f.title}\n", style="bold")
        head.append(f"kind {f.kind}", style="dim")
        head.append(f" · from {f.source}\n", style="dim")
        if f.role:
            head.append(f"role {f.role}", style="dim")
        if f.service:
            head.append(f" · to {f.service}", style="dim")
        if f.source_is_admin:
            head.append("\nsource is already admin: not an escalation", style=p.muted)
        widgets.append(Static(sanitize(head), classes="edge-head"))
        facts = Text()
        if f.gained:
            facts.append("Gains\n", style=p.heading)
            for g in f.gained:
                facts.append(f"  + {g}\n")
        if f.constraints:
            facts.append("Constraints (the caller's choice)\n", style=p.heading)
            for c in f.constraints:
                facts.append(f"  • {c}\n")
        if f.conditional or f.conditions:
            facts.append("Conditions (must hold; not under the caller's control)\n", style=p.cond)
            for c in f.conditions:
                facts.append(f"  ? {c}\n")
        if facts.plain:
            widgets.append(Static(sanitize(facts), classes="facts"))
        widgets.append(Static(Text("Why: step by step", style=p.heading), classes="heading"))
        for n, reason in enumerate(f.reasons, start=1):
            line = Text()
            line.append(f"{n}. ", style="bold")
            line.append(f"[{reason.step}] ", style=p.mark)
            line.append(reason.text)
            widgets.append(Static(sanitize(line), classes="reason"))
            needles = needles_for(reason, f)
            for ref in reason.statements:
                widgets.append(StatementView(ref, needles, self.dark))
        if f.references:
            refs = Text("References\n", style=p.heading)
            for r in f.references:
                refs.append(f"  {r.title}: {r.url}\n", style="dim")
            widgets.append(Static(sanitize(refs), classes="refs"))
        self._show(subject or f"edge:{f.key}:{f.escalation}:{f.conditional}:{status}", widgets)

    # -- principals -----------------------------------------------------------------------

    def show_user(self, index: EdgeIndex, user: User, *, selected: bool = False) -> None:
        """A user: groups, policies, edge counts, paths (``selected``: its edges are shown)."""
        p = self.palette
        acct = index.account
        t = Text()
        t.append(f"user {user.name}\n", style="bold")
        t.append(f"{user.arn}\n", style="dim")
        reason = index.analysis.admins.get(user.arn)
        if reason is not None:
            t.append("▲ already admin-equivalent: ", style=p.admin)
            t.append(f"{reason.detail}\n")
            t.append(
                "Its own edges are not listed: an admin gains nothing by passing a role. "
                "With it selected, highlight a role (2) to see whether it could pass it.\n",
                style=p.muted,
            )
        t.append("groups: ", style=p.heading)
        t.append((", ".join(user.groups) or "none") + "\n")
        _policies(t, acct, user, p)
        for g in user.groups:
            group = acct.group(g)
            if group is not None and (group.inline_policies or group.attached_policies):
                t.append(f"via group {g}:\n", style=p.heading)
                _policy_lines(t, acct, group.inline_policies, group.attached_policies)
        if not index.complete:
            self._show_pending(t, f"user:{user.arn}:pending")
            return
        admin, gain = index.escalating_count(user.arn)
        total = len(index.by_source.get(user.arn, []))
        t.append(f"\nedges from this user: {total} (ADMIN {admin}, GAIN {gain})\n")
        paths = [x for x in index.analysis.paths if x.source == user.arn]
        for path in paths[:3]:
            t.append(f"path to admin in {path.length} step(s): ", style=p.admin)
            steps = [h.finding.title for h in path.hops]
            if path.terminal is not None:
                steps.append(path.terminal.title)
            t.append(" → ".join(steps))
            t.append(" (conditional)\n" if path.conditional else "\n", style=p.cond)
        if selected:
            t.append(
                "\nselected: the Edges pane shows its edges; 2 then a role shows the edge to "
                "it, or why there is none",
                style="dim",
            )
        else:
            t.append(
                "\nenter selects this user (the Edges pane then shows its edges; 2 then a role "
                "shows the edge to it, or why there is none)",
                style="dim",
            )
        self._show(f"user:{user.arn}:{selected}", [Static(sanitize(t))])

    def show_role(self, index: EdgeIndex, role: Role, positions: Sequence[int]) -> None:
        """Who can pass ``role`` and to what."""
        p = self.palette
        t = Text()
        t.append(f"role {role.name}\n", style="bold")
        t.append(f"{role.arn}\n", style="dim")
        reason = index.analysis.admins.get(role.arn)
        if reason is not None:
            t.append("admin-equivalent: ", style=p.admin)
            t.append(f"{reason.detail}\n")
        trusts = index.trusts.get(role.arn, [])
        t.append("trusted by: ", style=p.heading)
        t.append((", ".join(trusts) or "no service that takes a passed role") + "\n")
        if role.instance_profiles:
            names = ", ".join(ip.name for ip in role.instance_profiles)
            t.append(f"instance profiles: {names}\n")
        elif not role.instance_profiles_known:
            t.append("instance profiles: unknown (the export has no InstanceProfileList)\n")
        _runs_as(t, index.account, role, p)
        _policies(t, index.account, role, p)
        if not index.complete:
            self._show_pending(t, f"role:{role.arn}:pending")
            return
        t.append("\nwho can pass it, and to what\n", style=p.heading)
        by_source: dict[str, list[Finding]] = {}
        for i in positions:
            f = index.findings[i]
            if f.kind == "passrole" and f.role == role.arn:
                by_source.setdefault(f.source, []).append(f)
        if not by_source:
            t.append("  nobody (among the edges shown)\n", style="dim")
        for source, fs in sorted(by_source.items()):
            t.append(f"  {short(source)} → ")
            for k, f in enumerate(fs):
                if k:
                    t.append(", ")
                service = f.service_row
                t.append(service.name if service is not None else f.service or "")
                t.append(" ")
                t.append_text(p.escalation(f))
                if f.conditional:
                    t.append(" ")
                    t.append_text(p.conditional(f))
            t.append("\n")
        self._show(f"role:{role.arn}", [Static(sanitize(t))])

    def show_service(self, index: EdgeIndex, service: PassRoleService, count: int) -> None:
        p = self.palette
        t = Text()
        t.append(f"{service.name}", style="bold")
        t.append(f"  ({service.id})\n", style="dim")
        t.append("service principals: ", style=p.heading)
        t.append(", ".join(service.principals) + "\n")
        t.append("iam:PassedToService: ", style=p.heading)
        t.append(service.passed_to_service + "\n")
        t.append("launch actions (any one set):\n", style=p.heading)
        for aset in service.action_sets:
            t.append(f"  • {' + '.join(aset.actions)}\n")
            if aset.how:
                t.append(f"    {aset.how}\n", style="dim")
        if service.requires_instance_profile:
            t.append("the role must be in an instance profile\n")
        if service.credential_access:
            t.append("how the role is used: ", style=p.heading)
            t.append(service.credential_access + "\n")
        if not index.complete:
            self._show_pending(t, f"service:{service.id}:pending")
            return
        roles = len(index.analysis.trusted.get(service.id, []))
        t.append(f"\nroles that trust it: {roles} · edges through it: {count}\n")
        self._show(f"service:{service.id}", [Static(sanitize(t))])

    def show_why_not(
        self,
        user: User | Role,
        role: Role,
        reasons: Sequence[tuple[PassRoleService, Sequence[str]]],
        admin: str | None = None,
        others: Sequence[Finding] = (),
    ) -> None:
        """Why ``user`` has no PassRole edge to ``role`` (``admin``: why the user is admin
        already; ``others``: its escalations to the role by other methods)."""
        p = self.palette
        t = Text()
        t.append(f"{user.name} → {role.name}: ", style="bold")
        if admin is not None:
            t.append("no edge listed: ", style=p.muted)
            t.append(f"{user.name} is already admin-equivalent ({admin})\n")
        else:
            t.append("✗ no PassRole edge\n", style=p.admin)
        if not reasons:
            t.append(f"role {role.name} trusts no service that takes a passed role\n")
        for service, failures in reasons:
            if not failures:
                t.append(f"\n✓ {service.name} ", style="bold")
                t.append(f"({service.principals[0]})\n", style="dim")
                note = (
                    "could pass it: an edge labelled none, since an admin gains nothing"
                    if admin is not None
                    else "every requirement holds (a filter hides the edge?)"
                )
                t.append(f"  - {note}\n")
                continue
            t.append(f"\n✗ {service.name} ", style="bold")
            t.append(f"({service.principals[0]})\n", style="dim")
            for failure in failures:
                t.append(f"  - {failure}\n")
        if others:
            t.append(f"\nOther ways to {role.name} (in the Edges pane):\n", style=p.heading)
            for f in others:
                t.append("  ")
                t.append_text(p.escalation(f))
                if f.conditional:
                    t.append(" ")
                    t.append_text(p.conditional(f))
                t.append(f"  {f.title}\n")
        t.append("\nw opens the what-if panel to try a fix", style="dim")
        self._show(f"whynot:{user.arn}|{role.arn}", [Static(sanitize(t))])


def _runs_as(t: Text, account: Account, role: Role, p: Palette) -> None:
    """What the inventory says runs as the role (nothing when there is no inventory)."""
    if account.inventory is None:
        return
    running = resources_by_role(account).get(role.arn, ())
    t.append("runs as it: ", style=p.heading)
    if not running:
        t.append("no inventoried resource\n", style="dim")
        return
    t.append(f"{len(running)} resource(s) (6 lists all)\n")
    for r in running[:8]:
        state = f" ({r.state})" if r.state else ""
        t.append(f"  {r.kind} {r.label}{state}\n")
    if len(running) > 8:
        t.append(f"  … and {len(running) - 8} more\n", style="dim")


def _policy_lines(
    t: Text, account: Account, inline: Iterable[object], attached: Iterable[str]
) -> None:
    for p in inline:
        t.append(f"  inline {p.name}\n")  # type: ignore[attr-defined]
    for arn in attached:
        mp = account.policy(arn)
        t.append(f"  attached {mp.name if mp else short(arn)}  ")
        t.append(f"{arn}\n", style="dim")


def _policies(t: Text, account: Account, entity: User | Role, p: Palette) -> None:
    t.append("policies:\n", style=p.heading)
    if not entity.inline_policies and not entity.attached_policies:
        t.append("  none\n", style="dim")
    _policy_lines(t, account, entity.inline_policies, entity.attached_policies)
    if entity.boundary:
        t.append(f"permissions boundary: {entity.boundary}\n")


def _plain(content: object) -> str:
    if isinstance(content, Text):
        return content.plain
    if isinstance(content, Group):
        return "\n".join(_plain(r) for r in content.renderables)
    if isinstance(content, Syntax):
        return content.code
    if isinstance(content, str):
        return content
    return str(content)
