"""The main screen: Users, Roles, Services, Edges and Details panes, cross-highlighted.

Selection model: highlighting a row of Users, Roles or Services previews it (Details shows it,
its passable roles and services get a mark) without filtering anything; ``enter`` selects it and
the Edges pane shows its edges. With a user selected, highlighting a role shows the edge to it or
why there is none. ``escape`` clears the filter, then the selection.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.events import DescendantFocus
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import ProgressBar, Static

from core.escalate.findings import Finding
from core.escalate.passrole_edges import why_not
from core.escalate.tables.services import service_by_id
from core.explain.whatif import Change, Diff
from core.model.account import Account, Role, User
from tui.guard import Guarded
from tui.keymap import bindings
from tui.messages import ApplyChange, CancelLoad, RunCommand
from tui.safe_text import LONG_LIMIT, join, safe, safe_message, safe_text
from tui.screens.history import History, Location
from tui.screens.rows import EdgeRows, role_rows, service_rows, signature, user_rows
from tui.widgets.command_bar import CommandBar
from tui.widgets.details import DetailsPane, StatementView
from tui.widgets.footer import KeyFooter
from tui.widgets.index import EdgeIndex, short
from tui.widgets.panes import PaneTable, Row
from tui.widgets.styles import Palette

PANES = ("users", "roles", "services", "edges", "details")

FIRST_HINT = "n: next escalation · enter: drill in · ?: help + tour · w: what-if · z: zoom"
"""Shown at launch until the first key."""


def _principal(account: Account, arn: str) -> User | Role | None:
    """The user or role ``arn`` (``None`` for a group or an unknown ARN)."""
    return account.user(arn) or account.role(arn)


class MainScreen(Guarded, Screen[None]):
    """The explorer's main screen."""

    BINDINGS = bindings("main")

    def __init__(self) -> None:
        super().__init__(id="main")
        self.index: EdgeIndex | None = None
        self.selected_user: str | None = None
        self.selected_role: str | None = None
        self.selected_service: str | None = None
        self.show_admin_sources = False
        self.diff_status: dict[tuple[object, ...], str] = {}
        """Finding signature → ``added`` / ``removed`` for the last what-if change."""
        self.removed: list[Finding] = []
        self.history = History()
        self.error: str = ""
        self._before_bar: Widget | None = None
        self._pinned: tuple[str | None, str | None, str | None] | None = None
        """(user, role, Edges row) after enter on a role: Details keep the user → role answer
        until the Edges cursor moves."""
        self._row_cache: dict[int, Row] = {}
        self.changes: list[str] = []
        """Descriptions of the what-if changes in effect (the banner; none after a load)."""
        self._added: dict[int, str] = {}
        """Finding position → ``added`` for the last what-if (the Δ column)."""
        """Edges rows by finding position (built lazily, reset with each analysis)."""

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("iam-explore", id="header")
        yield Static("", id="whatif-banner")
        yield Static("", id="status-line", markup=False)
        with Horizontal(id="top"):
            with Vertical(id="users-pane", classes="pane"):
                yield PaneTable(
                    "users",
                    [("name", "user", 8), ("groups", "groups", 4), ("esc", "edges", 7)],
                    id="users",
                )
            with Vertical(id="roles-pane", classes="pane"):
                yield PaneTable(
                    "roles",
                    [("name", "role", 12), ("trusts", "trusted by", 6), ("esc", "", 5)],
                    id="roles",
                )
            with Vertical(id="services-pane", classes="pane"):
                yield PaneTable(
                    "services",
                    [("edges", "edges", 5), ("roles", "roles", 5), ("name", "service", 10)],
                    id="services",
                )
        with Horizontal(id="bottom"):
            with Vertical(id="edges-pane", classes="pane"):
                yield PaneTable(
                    "edges",
                    [
                        ("esc", "esc", 7),
                        ("cond", "cond", 6),
                        ("reach", "→admin", 7),
                        ("source", "source", 5),
                        ("target", "role / target", 5),
                        ("via", "service / method", 5),
                        ("diff", "Δ", 5),
                    ],
                    id="edges",
                )
            yield DetailsPane(id="details")
        with Vertical(id="loading"):
            yield Static("Loading…", id="loading-label")
            yield ProgressBar(id="loading-bar", show_eta=False)
            yield Static("escape cancels", classes="hint")
        yield Static("", id="error-panel", markup=False)
        yield CommandBar(id="command-bar")
        yield Static(FIRST_HINT, id="first-hint", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        titles = {
            "users": "1 Users",
            "roles": "2 Roles",
            "services": "3 Services",
            "edges": "4 Edges",
        }
        for pane, title in titles.items():
            self.query_one(f"#{pane}-pane").border_title = title
        self.query_one(DetailsPane).border_title = "5 Details"
        self.query_one(CommandBar).display = False
        self.query_one("#error-panel").display = False
        self.query_one("#whatif-banner").display = False
        self.query_one("#status-line").display = False
        self.set_loading(True, "Starting…")
        self.query_one(DetailsPane).show_message("Loading the account…")

    def hide_first_hint(self) -> None:
        """The first key hides the launch hint."""
        hint = self.query_one("#first-hint")
        if hint.display:
            hint.display = False

    def table(self, pane: str) -> PaneTable:
        return self.query_one(f"#{pane}", PaneTable)

    @property
    def details(self) -> DetailsPane:
        return self.query_one(DetailsPane)

    @property
    def palette(self) -> Palette:
        return Palette.from_theme(self.app.theme_variables)

    # -- loading --------------------------------------------------------------------------

    def set_loading(self, loading: bool, label: str = "") -> None:
        self.query_one("#loading").display = loading
        if label:
            self.query_one("#loading-label", Static).update(safe_text(label))
        if loading:
            self.query_one("#error-panel").display = False

    def set_status(self, text: str) -> None:
        """The status line: what runs in a worker now (hidden when ``text`` is empty)."""
        line = self.query_one("#status-line", Static)
        line.display = bool(text)
        line.update(safe_text(text))

    def progress(self, stage: str, done: int, total: int) -> None:
        label = f"{stage}: {done}/{total}" if total else f"{stage}: {done}"
        self.query_one("#loading-label", Static).update(safe_text(label))
        bar = self.query_one("#loading-bar", ProgressBar)
        bar.update(total=total or None, progress=done)

    def show_error(self, title: str, message: str) -> None:
        self.set_loading(False)
        self.error = message
        panel = self.query_one("#error-panel", Static)
        panel.update(Text(f"{title}\n\n{safe_message(message)}\n\nR retries · q quits"))
        panel.display = True

    # -- data -----------------------------------------------------------------------------

    def show_analysis(self, index: EdgeIndex, *, keep_selection: bool = False) -> None:
        """Fill every pane from ``index`` (called after a load and after each what-if)."""
        self.index = index
        self._row_cache = {}
        self.details.subject = ""  # content may differ for the same subject: re-render
        self.error = ""
        self.query_one("#error-panel").display = False
        self.set_loading(False)
        acct = index.account
        if not keep_selection:
            self.selected_user = self.selected_role = self.selected_service = None
        else:
            if self.selected_user and acct.principal(self.selected_user) is None:
                self.selected_user = None
            if self.selected_role and acct.role(self.selected_role) is None:
                self.selected_role = None
        pal = self.palette
        for pane in ("users", "roles", "services", "edges"):
            self.table(pane).mark_style = str(pal.mark)
        self.table("users").set_rows(user_rows(index, pal))
        self.table("roles").set_rows(role_rows(index, pal))
        self.table("services").set_rows(
            service_rows(index, include_admin_sources=self.show_admin_sources)
        )
        self.refresh_header()
        self.refresh_banner()
        self.refresh_edges()
        self._update_marks()
        focused = self.focused
        if focused is None or not keep_selection:
            self.table("edges").focus()
        self._show_current()

    def refresh_header(self) -> None:
        if self.index is None:
            return
        s = self.index.summary
        acct = self.index.account
        pal = self.palette
        t = Text()
        t.append("iam-explore", style="bold")
        t.append(f" · account {safe(acct.account_id)} · {safe(acct.source)}\n")
        t.append(f"users {s['users']} · roles {s['roles']} · ")
        if not self.index.complete:
            t.append("edges: analysing… · ", style=pal.muted)
            t.append(f"problems {s['problems']}", style=pal.gain if s["problems"] else "")
            self.query_one("#header", Static).update(t)
            return
        shown, passrole = len(self.index.shown), self.index.shown_passrole
        t.append(f"edges {shown} (PassRole {passrole}, other {shown - passrole}) · ")
        t.append(f"▲ ADMIN {s['admin']}", style=pal.admin if s["admin"] else "")
        t.append(" · ")
        t.append(f"△ GAIN {s['privilege_gain']}", style=pal.gain if s["privilege_gain"] else "")
        t.append(f" · cond {s['conditional']} · paths {s['paths']} · ")
        t.append(f"problems {s['problems']}", style=pal.gain if s["problems"] else "")
        admins = sum(1 for arn in self.index.analysis.admins if ":group/" not in arn)
        if admins:
            t.append(f" · already admin {admins}", style=pal.muted)
        self.query_one("#header", Static).update(t)

    def refresh_banner(self) -> None:
        banner = self.query_one("#whatif-banner", Static)
        banner.display = bool(self.changes)
        if self.changes:
            changes = "; ".join(self.changes)
            banner.update(
                join(
                    f"WHAT-IF ({len(self.changes)} change(s), not saved): ",
                    safe_text(changes, limit=LONG_LIMIT),
                    "  ·  u undo · ctrl+r redo · :export DIR writes the changed policies",
                )
            )

    def refresh_edges(self) -> None:
        """Rebuild the Edges pane for the current selection (in memory)."""
        if self.index is None:
            return
        index = self.index
        pal = self.palette
        positions = index.select(
            user=self.selected_user,
            role=self.selected_role,
            service=self.selected_service,
            include_admin_sources=self.show_admin_sources,
        )
        removed = [j for j, f in enumerate(self.removed) if self._matches_selection(f)]
        model = EdgeRows(index, positions, self.removed, pal, self._added, self._row_cache, removed)
        self.table("edges").set_model(model)
        self._edges_title()

    def _edges_title(self) -> None:
        table = self.table("edges")
        # While a worker counts the rest of a filter, the rows shown are the first ones: "N+".
        more = "+" if table.filter_pending and table.rows_final else ""
        parts = [f"4 Edges ({table.row_count}{more})"]
        if self.selected_user:
            parts.append(f"user {safe(short(self.selected_user), 60)}")
        if self.selected_role:
            parts.append(f"role {safe(short(self.selected_role), 60)}")
        if self.selected_service:
            parts.append(f"service {self.selected_service}")
        if len(parts) > 1:
            parts.append("escape clears")
        if table.filter_text:
            parts.append(f"filter {safe(repr(table.filter_text), 60)}")
            if table.filter_pending:
                parts.append("filtering…")
        # A Text title: a filter or a name with brackets is never parsed as markup.
        self.query_one("#edges-pane").border_title = Text(" · ".join(parts))

    def _matches_selection(self, f: Finding) -> bool:
        if self.selected_user and f.source != self.selected_user:
            return False
        if self.selected_role and self.selected_role not in (f.role, f.target):
            return False
        return not (self.selected_service and f.service_id != self.selected_service)

    def finding_for(self, key: str | None) -> tuple[Finding, str] | None:
        """The finding behind an Edges row key, with its what-if status."""
        if key is None or self.index is None:
            return None
        if key.startswith("r"):
            return self.removed[int(key[1:])], "removed"
        f = self.index.findings[int(key[1:])]
        return f, self.diff_status.get(signature(f), "")

    # -- what-if results ------------------------------------------------------------------

    def show_diff(self, diff: Diff | None, index: EdgeIndex, changes: Sequence[str] = ()) -> None:
        """Refresh after a change; mark added and removed edges until the next change.

        ``changes``: descriptions of the what-if changes in effect (the banner).
        """
        self.clear_diff()
        self.changes = list(changes)
        if diff is not None:
            for f in diff.added:
                self.diff_status[signature(f)] = "added"
                if (pos := index.position_of(f)) is not None:
                    self._added[pos] = "added"
            self.removed = list(diff.removed)
        self.show_analysis(index, keep_selection=True)

    def clear_diff(self) -> None:
        """Forget the marks of the last what-if (a new load)."""
        self.diff_status, self._added, self.removed, self.changes = {}, {}, [], []

    # -- selection ------------------------------------------------------------------------

    @on(PaneTable.RowHighlighted)
    def _highlighted(self, event: PaneTable.RowHighlighted) -> None:
        table = event.table
        if not table.has_focus or self.index is None:
            return
        self.preview(table.pane)

    @on(DescendantFocus)
    def _focused(self, event: DescendantFocus) -> None:
        widget = event.widget
        if isinstance(widget, PaneTable) and self.index is not None:
            self.preview(widget.pane)

    def context(self, pane: str | None = None) -> tuple[str | None, str | None, str | None]:
        """(user, role, service) that Details and the marks describe.

        The selection, with the highlighted row of the focused Users, Roles or Services pane
        in its place: a preview that filters nothing until ``enter`` selects it.
        """
        user, role, service = self.selected_user, self.selected_role, self.selected_service
        if pane is None:
            focused = self.focused
            pane = focused.pane if isinstance(focused, PaneTable) else "edges"
        if pane not in ("users", "roles", "services"):
            return user, role, service
        key = self.table(pane).current_key
        if key is None:
            return user, role, service
        if pane == "users":
            return key, None, None
        if pane == "roles":
            return user, key, None
        return user, None, key

    def preview(self, pane: str) -> None:
        """Show the highlighted row of ``pane`` in Details and the marks (no filtering)."""
        self._update_marks()
        self._show_current(pane)

    def select(self, pane: str, key: str | None) -> None:
        """Make ``key`` of ``pane`` the selection (``enter``): the Edges pane follows it."""
        if self.index is None or key is None:
            return
        if pane in ("users", "roles", "services"):
            table = self.table(pane)
            if table.current_key != key:
                table.move_to_key(key)
            selection = self.context(pane)
            if selection != (self.selected_user, self.selected_role, self.selected_service):
                self.selected_user, self.selected_role, self.selected_service = selection
                self.refresh_edges()
        self._update_marks()
        self._show_current(pane)

    def unselect(self) -> None:
        """Clear the selection (not Textual's ``Screen.clear_selection`` of selected text,
        which the Input of the filter bar calls on every keystroke)."""
        self.selected_user = self.selected_role = self.selected_service = None
        self.refresh_edges()
        self._update_marks()
        self._show_current("edges")

    def _update_marks(self) -> None:
        index = self.index
        if index is None:
            return
        users: set[str] = set()
        roles: set[str] = set()
        services: set[str] = set()
        admin = self.show_admin_sources
        user, role, service = self.context()
        if user:
            mine = index.select(user=user, include_admin_sources=True)
            roles = index.roles_passable_by(user)
            services = index.services_for(mine)
            if role or service:
                narrowed = index.select(
                    user=user, role=role, service=service, include_admin_sources=True
                )
                services = index.services_for(narrowed)
        elif role:
            theirs = index.select(role=role, include_admin_sources=admin)
            users = index.sources_of(theirs)
            services = index.services_for(theirs)
        elif service:
            theirs = index.select(service=service, include_admin_sources=admin)
            users = index.sources_of(theirs)
            roles = index.roles_of(theirs)
        self.table("users").set_marks(users)
        self.table("roles").set_marks(roles)
        self.table("services").set_marks(services)

    def _show_current(self, pane: str | None = None) -> None:
        """Render the Details pane for the focused pane's current row."""
        index = self.index
        if index is None:
            return
        if pane is None:
            focused = self.focused
            pane = focused.pane if isinstance(focused, PaneTable) else "edges"
        details = self.details
        acct = index.account
        user_arn, role_arn, service_id = self.context(pane)
        if pane == "edges":
            key = self.table("edges").current_key
            pinned = self._pinned
            if pinned is not None:
                role = acct.role(pinned[1] or "")
                if pinned == (self.selected_user, self.selected_role, key) and role is not None:
                    self._show_user_role(pinned[0] or "", role)
                    return
                self._pinned = None
            hit = self.finding_for(key)
            if hit is not None:
                details.show_edge(*hit)
                return
            role = acct.role(role_arn) if role_arn else None
            if user_arn and role is not None:
                self._show_user_role(user_arn, role)
            else:
                details.show_message(self._empty_edges_text())
        elif pane == "users" and user_arn:
            user = acct.user(user_arn)
            if user is not None:
                details.show_user(index, user, selected=user_arn == self.selected_user)
        elif pane == "roles" and role_arn:
            role = acct.role(role_arn)
            if role is None:
                return
            if user_arn:
                self._show_user_role(user_arn, role)
            else:
                positions = index.select(
                    role=role.arn, include_admin_sources=self.show_admin_sources
                )
                details.show_role(index, role, positions)
        elif pane == "services" and service_id:
            service = service_by_id(service_id)
            if service is not None:
                count = len(
                    index.select(
                        user=user_arn,
                        service=service_id,
                        include_admin_sources=self.show_admin_sources,
                    )
                )
                details.show_service(index, service, count)

    def _show_user_role(self, user_arn: str, role: Role) -> None:
        index = self.index
        assert index is not None
        if not index.complete:
            self.details.show_message(self._empty_edges_text())
            return
        positions = [
            i
            for i in index.select(user=user_arn, role=role.arn, include_admin_sources=True)
            if index.findings[i].kind == "passrole"
        ]
        if positions:
            f = index.findings[positions[0]]
            self.details.show_edge(f, self.diff_status.get(signature(f), ""))
            return
        principal = index.account.principal(user_arn)
        view = index.analysis.views.get(user_arn)
        if principal is None or view is None:
            return
        reasons = []
        for sid in index.trusts.get(role.arn, []):
            service = service_by_id(sid)
            if service is not None:
                reasons.append((service, why_not(index.account, view, role, service)))
        admin = index.analysis.admins.get(user_arn)
        others = [index.findings[i] for i in index.select(user=user_arn, role=role.arn)]
        self.details.show_why_not(principal, role, reasons, admin.detail if admin else None, others)

    def _empty_edges_text(self) -> str:
        if self.index is None:
            return ""
        if not self.index.complete:
            return (
                "The account is being analysed: its edges appear here when the analysis "
                "finishes (the status line shows how far it is). Users, roles and their "
                "policies can be browsed meanwhile."
            )
        if self.selected_user:
            who = short(self.selected_user)
            admin = self.index.analysis.admins.get(self.selected_user)
            if admin is not None:
                return (
                    f"{who} is already admin-equivalent ({admin.detail}), so no edge from it "
                    "is an escalation and none is listed. Highlight a role (2) to see whether "
                    f"{who} could pass it."
                )
            return f"No edges from {who}. Highlight a role (2) to see why not."
        if self.selected_role or self.selected_service:
            return "No edges match the selection. escape clears it."
        if self.table("edges").filter_text:
            return "No edges match the filter. escape clears it."
        return (
            "No escalation edges in this account. 1 then enter picks a user; "
            "2 then highlights a role to show why there is no edge."
        )

    # -- drill-in and history -------------------------------------------------------------

    def location(self) -> Location:
        focused = self.focused
        statement = None
        if isinstance(focused, PaneTable):
            pane, key = focused.pane, focused.current_key
        elif isinstance(focused, StatementView):
            pane, key = "details", self.table("edges").current_key
            statement = self.details.statements.index(focused)
        else:
            pane, key = "details", self.table("edges").current_key
        return Location(
            pane, key, self.selected_user, self.selected_role, self.selected_service, statement
        )

    def remember(self) -> None:
        self.history.remember(self.location())

    def go(self, loc: Location) -> None:
        self.selected_user, self.selected_role, self.selected_service = (
            loc.user,
            loc.role,
            loc.service,
        )
        self.refresh_edges()
        self._update_marks()
        if loc.pane in ("users", "roles", "services", "edges"):
            table = self.table(loc.pane)
            if loc.key is not None:
                table.move_to_key(loc.key)
            table.focus()
            self._show_current(loc.pane)
        else:
            edges = self.table("edges")
            if loc.key is not None:
                edges.move_to_key(loc.key)
            self._show_current("edges")
            self.call_after_refresh(self._focus_statement, loc.statement or 0)

    def _focus_statement(self, n: int) -> None:
        statements = self.details.statements
        if statements:
            statements[min(n, len(statements) - 1)].focus()
        else:
            self.details.focus()

    @on(PaneTable.Drill)
    def _drill(self, event: PaneTable.Drill) -> None:
        self.remember()
        if event.table.pane in ("users", "roles", "services"):
            self.select(event.table.pane, event.key)
            self.table("edges").focus()
            index = self.index
            role = index.account.role(self.selected_role) if index and self.selected_role else None
            if self.selected_user and role is not None:
                # the PassRole edge, or why there is none, until the Edges cursor moves
                key = self.table("edges").current_key
                self._pinned = (self.selected_user, self.selected_role, key)
                self._show_user_role(self.selected_user, role)
            else:
                self._show_current("edges")
        elif event.table.pane == "edges":
            self._show_current("edges")
            self.call_after_refresh(self._focus_statement, 0)

    @on(StatementView.Open)
    def _open_statement(self, event: StatementView.Open) -> None:
        from tui.screens.policy import PolicyScreen

        self.remember()
        self.app.push_screen(PolicyScreen(event.ref))

    def jump_to_finding(self, f: Finding) -> None:
        """Show ``f`` in the Edges pane (clearing what hides it) and its details."""
        if self.index is None:
            return
        self.remember()
        pos = self.index.position_of(f)
        if pos is None:
            return
        if f.source_is_admin and not self.show_admin_sources:
            self.show_admin_sources = True
            self.refresh_header()
        self.selected_user, self.selected_role, self.selected_service = f.source, None, None
        edges = self.table("edges")
        edges.filter_text = ""
        self.refresh_edges()
        self._update_marks()
        self.table("users").move_to_key(f.source)
        edges.move_to_key(f"f{pos}")
        edges.focus()
        self._show_current("edges")

    # -- actions (keymap scope "main") ----------------------------------------------------

    def action_focus_pane(self, pane: str) -> None:
        if pane == "details":
            self.call_after_refresh(self._focus_statement, 0)
        else:
            self.table(pane).focus()

    def action_cursor(self, where: str) -> None:
        focused = self.focused
        if isinstance(focused, PaneTable):
            if where == "down":
                focused.action_cursor_down()
            elif where == "up":
                focused.action_cursor_up()
            elif where == "top":
                focused.move_cursor(row=0, animate=False)
            else:
                focused.move_cursor(row=max(0, focused.row_count - 1), animate=False)
        elif isinstance(focused, StatementView | DetailsPane):
            statements = self.details.statements
            if isinstance(focused, StatementView) and statements:
                n = statements.index(focused)
                step = {"down": 1, "up": -1, "top": -len(statements), "bottom": len(statements)}
                statements[max(0, min(len(statements) - 1, n + step[where]))].focus()
            elif where in ("down", "up"):
                (self.details.scroll_down if where == "down" else self.details.scroll_up)()
            else:
                (self.details.scroll_home if where == "top" else self.details.scroll_end)()

    def action_filter(self) -> None:
        focused = self.focused
        pane = focused.pane if isinstance(focused, PaneTable) else "edges"
        self._before_bar = self.table(pane)
        self.query_one(CommandBar).open("filter", pane, self.table(pane).filter_text)

    def action_command_bar(self) -> None:
        self._before_bar = self.focused
        self.query_one(CommandBar).open("command")

    @on(CommandBar.FilterChanged)
    def _filter_changed(self, event: CommandBar.FilterChanged) -> None:
        table = self.table(event.target)
        table.filter_text = event.text
        if event.target == "edges":
            self._edges_title()

    @on(PaneTable.Filtered)
    def _filtered(self, event: PaneTable.Filtered) -> None:
        if event.table.pane == "edges":
            self._edges_title()

    @on(CommandBar.Closed)
    def _bar_closed(self, event: CommandBar.Closed) -> None:
        before = self._before_bar
        self._before_bar = None
        if before is not None and before.is_attached:
            before.focus()
        else:
            self.table("edges").focus()

    @on(CommandBar.CommandEntered)
    def _command(self, event: CommandBar.CommandEntered) -> None:
        self.post_message(RunCommand(event.text))

    def action_back(self) -> None:
        """escape: cancel loading, clear the focused filter, leave details, clear selection."""
        if self.query_one("#loading").display:
            self.post_message(CancelLoad())
            return
        focused = self.focused
        if isinstance(focused, PaneTable) and focused.filter_text:
            focused.filter_text = ""
            if focused.pane == "edges":
                self._edges_title()
            return
        if isinstance(focused, StatementView | DetailsPane):
            self.table("edges").focus()
            return
        if self.selected_user or self.selected_role or self.selected_service:
            self.unselect()
            self.table("edges").focus()

    def action_history(self, step: int) -> None:
        there = self.history.step(step, self.location())
        if there is None:
            self.notify("no more history", timeout=2)
            return
        self.go(there)

    def action_next_escalation(self, step: int) -> None:
        edges = self.table("edges")
        n = edges.row_count
        if not n:
            self.notify(self._no_escalation_reason(0), timeout=4)
            return
        start = edges.cursor_row if self.focused is edges else (-1 if step > 0 else 0)
        for k in range(1, n + 1):
            i = (start + step * k) % n
            hit = self.finding_for(edges.key_at(i))
            if hit is not None and hit[0].escalation != "none" and hit[1] != "removed":
                self.remember()
                edges.focus()
                edges.move_cursor(row=i, animate=False)
                self._show_current("edges")
                return
        self.notify(self._no_escalation_reason(n), timeout=4)

    def _no_escalation_reason(self, shown: int) -> str:
        """Why ``n`` / ``N`` found nothing to jump to."""
        narrowed = bool(
            self.selected_user
            or self.selected_role
            or self.selected_service
            or self.table("edges").filter_text
        )
        where = "in the Edges pane" if shown == 0 else f"among the {shown} edges shown"
        hint = " (escape clears the selection or filter)" if narrowed else ""
        if (
            self.index is not None
            and not narrowed
            and not any(a or g for a, g in self.index.escalating.values())
        ):
            return (
                "no escalation in this account: 1, enter on a user, then 2 on a role shows why not"
            )
        return f"no escalating edge {where}{hint}"

    def action_zoom(self) -> None:
        """Fill the screen with the focused pane (``z`` again restores the layout)."""
        if self.maximized is not None:
            self.minimize()
            return
        focused = self.focused
        if isinstance(focused, PaneTable):
            target: Widget | None = self.query_one(f"#{focused.pane}-pane")
        elif isinstance(focused, StatementView | DetailsPane):
            target = self.details
        else:
            target = None
        if target is None:
            self.notify("z zooms the focused pane: focus one first (1-5)", timeout=3)
            return
        self.maximized = target

    def action_show_paths(self) -> None:
        self.post_message(RunCommand("paths"))

    def action_show_problems(self) -> None:
        self.post_message(RunCommand("problems"))

    def action_show_resources(self) -> None:
        self.post_message(RunCommand("resources"))

    def action_whatif(self) -> None:
        """Open the what-if panel for the selection (edge, user, user + role, role)."""
        from core.explain.whatif_options import options_for
        from tui.screens.whatif import WhatIfScreen

        if self.index is None:
            return
        if not self.index.complete:
            self.notify("what-if is available once the account is analysed", severity="warning")
            return
        account = self.index.account  # the what-if session's current account
        focused = self.focused
        pane = focused.pane if isinstance(focused, PaneTable) else "edges"
        finding = None
        ref = focused.ref if isinstance(focused, StatementView) else None
        entity: User | Role | None = None
        user_arn, role_arn, _service = self.context(pane)
        role = account.role(role_arn) if role_arn else None
        if pane == "edges":
            hit = self.finding_for(self.table("edges").current_key)
            if hit is not None and hit[1] != "removed":
                finding = hit[0]
                entity = _principal(account, finding.source)
        if entity is None and user_arn:
            entity = _principal(account, user_arn)
        if entity is None and pane == "roles" and role is not None:
            entity, role = role, None
        if entity is None and finding is None:
            self.notify("select a user, a role or an edge first", severity="warning")
            return
        options = options_for(self.index.analysis, account, entity, finding, role, ref)
        title = "What-if for " + (f"{entity.kind} {entity.name}" if entity else "the edge")
        if finding is not None:
            title += f" · {finding.title}"
        self.app.push_screen(WhatIfScreen(title, options), self._change_chosen)

    def _change_chosen(self, change: Change | None) -> None:
        if change is not None:
            self.post_message(ApplyChange(change))

    def action_denial(self) -> None:
        self.post_message(RunCommand("denial"))

    def action_undo(self) -> None:
        self.post_message(RunCommand("undo"))

    def action_redo(self) -> None:
        self.post_message(RunCommand("redo"))

    def action_reload(self) -> None:
        self.post_message(RunCommand("reload"))

    def action_save_snapshot(self) -> None:
        self.post_message(RunCommand("save"))
