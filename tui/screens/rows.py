"""Row builders for the main screen's panes (pure: an :class:`EdgeIndex` in, rows out).

Users, Roles and Services are a few thousand ready rows; the Edges pane is an
:class:`EdgeRows` model whose rows are built only when drawn, filtered through the search
texts the index computed in its worker.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from core.escalate.findings import Finding
from core.escalate.tables.services import SERVICES
from tui.safe_text import safe_text
from tui.widgets.index import EdgeIndex, search_text, short
from tui.widgets.panes import Row, matches, matching
from tui.widgets.styles import Palette

DIFF_MARKS = {"added": "+NEW", "removed": "-GONE"}
"""Δ column words of a what-if (or ``--compare``) status."""


def signature(f: Finding) -> tuple[object, ...]:
    """What a what-if diff compares: the finding's key, escalation and condition."""
    return (*f.key, f.escalation, f.conditional)


def user_rows(index: EdgeIndex, pal: Palette) -> list[Row]:
    """One row per user, by name: name, groups, and its escalating edges (or ``is admin``)."""
    rows = []
    admins = index.analysis.admins
    for u in sorted(index.account.users, key=lambda u: u.name.lower()):
        admin, gain = index.escalating_count(u.arn)
        esc = Text()
        if u.arn in admins:
            esc.append("is admin", style=pal.muted)
        elif admin:
            esc.append(f"▲{admin} ADMIN", style=pal.admin)
        elif gain:
            esc.append(f"△{gain} GAIN", style=pal.gain)
        groups = ", ".join(u.groups)
        rows.append(
            Row(
                u.arn,
                (safe_text(u.name), safe_text(groups), esc),
                f"{u.name} {groups} {u.arn} {esc.plain}".lower(),
            )
        )
    return rows


def role_rows(index: EdgeIndex, pal: Palette) -> list[Row]:
    """One row per role, by name: name, the services it trusts, ``ADMIN`` when it is."""
    rows = []
    admins = index.analysis.admins
    for r in sorted(index.account.roles, key=lambda r: r.name.lower()):
        trusts = ", ".join(index.trusts.get(r.arn, []))
        esc = Text("ADMIN", style=pal.admin) if r.arn in admins else Text("")
        rows.append(
            Row(
                r.arn,
                (safe_text(r.name), safe_text(trusts), esc),
                f"{r.name} {trusts} {r.arn} {esc.plain}".lower(),
            )
        )
    return rows


def service_rows(index: EdgeIndex, *, include_admin_sources: bool) -> list[Row]:
    """One row per service, most edges first: edges, roles trusting it, name."""
    counts = {
        s.id: index.service_count(s.id, include_admin_sources=include_admin_sources)
        for s in SERVICES
    }
    trusted = {s.id: len(index.analysis.trusted.get(s.id, [])) for s in SERVICES}
    ordered = sorted(SERVICES, key=lambda s: (-counts[s.id], -trusted[s.id], s.name.lower()))

    def shown(n: int) -> str:
        return str(n) if index.complete else "…"  # not known while the account is analysed

    return [
        Row(
            s.id,
            (shown(counts[s.id]), shown(trusted[s.id]), Text(s.name)),
            f"{s.name} {s.id} {' '.join(s.principals)}".lower(),
        )
        for s in ordered
    ]


def edge_row(key: str, f: Finding, pal: Palette, status: str = "") -> Row:
    """The Edges row of ``f`` (cells built when drawn); ``status``: ``added`` / ``removed``."""
    service = f.service_row
    via = service.name if service is not None else (f.service or f.kind)
    diff = DIFF_MARKS.get(status, "")

    def cells() -> tuple[object, ...]:
        mark = Text(diff, style=pal.added if status == "added" else pal.removed)
        return (
            pal.escalation(f, reach=False),
            pal.conditional(f),
            pal.reach(f),
            safe_text(short(f.source)),
            safe_text(short(f.role or f.target)),
            safe_text(via),
            mark,
        )

    text = search_text(f)
    return Row(key, cells, f"{text} {diff.lower()}" if diff else text)


class EdgeRows:
    """The Edges pane's model: the findings at ``positions`` (ascending) of ``index``, after
    ``removed`` ones (a what-if's gone edges, shown first; ``shown_removed``: which of them).

    Ids: a finding's position ``p`` (key ``f{p}``), and ``j - len(removed)`` for
    ``removed[j]`` (key ``r{j}``), so ids ascend in display order. ``status`` marks positions
    ``added`` (what-if). Rows are built when drawn and kept in ``cache`` (shared across
    selections of one analysis).
    """

    def __init__(
        self,
        index: EdgeIndex,
        positions: Sequence[int],
        removed: Sequence[Finding],
        pal: Palette,
        status: dict[int, str],
        cache: dict[int, Row],
        shown_removed: Sequence[int] | None = None,
    ) -> None:
        self.index = index
        self.shown_removed = range(len(removed)) if shown_removed is None else shown_removed
        self.positions = positions
        self.removed = removed
        self.pal = pal
        self.status = status
        self.cache = cache

    def ids(self) -> Sequence[int]:
        if not self.shown_removed:
            return self.positions
        gone = len(self.removed)
        return [j - gone for j in self.shown_removed] + list(self.positions)

    def key(self, i: int) -> str:
        return f"f{i}" if i >= 0 else f"r{i + len(self.removed)}"

    def find(self, key: str) -> int | None:
        try:
            n = int(key[1:])
        except ValueError:
            return None
        if key.startswith("f") and 0 <= n < len(self.index.findings):
            return n
        if key.startswith("r") and 0 <= n < len(self.removed):
            return n - len(self.removed)
        return None

    def row(self, i: int) -> Row:
        if i < 0:
            return edge_row(self.key(i), self.removed[i], self.pal, "removed")
        row = self.cache.get(i)
        if row is None:
            status = self.status.get(i, "")
            row = self.cache[i] = edge_row(f"f{i}", self.index.findings[i], self.pal, status)
        return row

    def text(self, i: int) -> str:
        if i < 0:
            return edge_row("", self.removed[i], self.pal, "removed").text
        mark = self.status.get(i)
        text = self.index.texts[i]
        return f"{text} {DIFF_MARKS[mark].lower()}" if mark else text

    def filter(self, ids: Sequence[int], query: str) -> list[int]:
        if not self.status and not self.removed:
            return matching(ids, self.index.texts, query)
        return [i for i in ids if matches(self.text(i), query)]
