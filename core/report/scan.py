"""The ``scan`` report: a stable JSON contract and SARIF 2.1.0, built from an :class:`Analysis`.

JSON contract, schema 2 (documented in the README)::

    {"schema_version": 2, "account_id", "source", "summary": {...}, "problems": [...],
     "admins": [...], "all_edges", "findings": [...], "quiet_edges": [...],
     "edge_groups": [...], "paths": [...], "statements": {"s1": {...}}, "references": {...}}
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from core.escalate.analysis import Analysis
from core.escalate.findings import Finding, Reason
from core.escalate.gc_pause import fewer_collections
from core.escalate.tables.methods import METHODS
from core.escalate.tables.services import SERVICES
from core.evaluate.decision import StatementRef
from core.report.json_text import opt_string, string, string_list, write_indented
from core.report.sarif import rule_id

SCHEMA_VERSION = 2
"""Version 2: statements by id in one table, references per rule, no-escalation edges counted
(listed with ``all_edges``), PassRole edge groups. Version 1 is still written on request."""


def summary(analysis: Analysis) -> dict[str, Any]:
    """Counts for the header of every view."""
    acct = analysis.account
    esc = Counter(f.escalation for f in analysis.findings if not f.source_is_admin)
    return {
        "users": len(acct.users),
        "groups": len(acct.groups),
        "roles": len(acct.roles),
        "policies": len(acct.policies),
        "scp_levels": len(acct.scp_levels),
        "findings": len(analysis.findings),
        "passrole_edges": sum(1 for f in analysis.findings if f.kind == "passrole"),
        "escalating": esc["admin"] + esc["privilege-gain"],
        "admin": esc["admin"],
        "privilege_gain": esc["privilege-gain"],
        "conditional": sum(1 for f in analysis.findings if f.conditional),
        "admin_principals": sum(1 for a in analysis.admins if ":group/" not in a),
        "paths": len(analysis.paths),
        "problems": len(acct.problems),
    }


def _head(analysis: Analysis, version: int) -> dict[str, Any]:
    acct = analysis.account
    return {
        "schema_version": version,
        "account_id": acct.account_id,
        "source": acct.source,
        "analysed_at": analysis.analysed_at,
        "summary": summary(analysis),
        "problems": [
            {
                "severity": p.severity,
                "message": p.message,
                "policy": p.policy,
                "path": p.path,
                "statement": p.statement,
                "file": p.file,
            }
            for p in acct.problems
        ],
        "admins": [
            {"principal": arn, "how": r.kind, "detail": r.detail}
            for arn, r in sorted(analysis.admins.items())
        ],
    }


def to_json_v1(analysis: Analysis, *, include_admin_sources: bool = False) -> dict[str, Any]:
    """The scan report, schema 1: every edge in full, statements repeated in each finding."""
    findings = [f for f in analysis.findings if include_admin_sources or not f.source_is_admin]
    return {
        **_head(analysis, 1),
        "findings": [f.to_json() for f in findings],
        "paths": [p.to_json() for p in analysis.paths],
    }


class _Table:
    """Statements by id (``s1``, ``s2``, ...), each written once per report."""

    def __init__(self) -> None:
        self.ids: dict[tuple[object, ...], str] = {}
        self.by_id: dict[int, tuple[StatementRef, str]] = {}
        self.rows: dict[str, dict[str, object]] = {}
        self.heads: dict[tuple[str, str], str] = {}

    def ref(self, s: StatementRef) -> str:
        # Most references are the same objects (shared decisions): look up by identity first,
        # then by the row written (hashing a reference would hash its whole document).
        hit = self.by_id.get(id(s))
        if hit is not None and hit[0] is s:
            return hit[1]
        row = s.to_json()
        key = tuple(row.values())
        sid = self.ids.get(key)
        if sid is None:
            sid = self.ids[key] = f"s{len(self.ids) + 1}"
            self.rows[sid] = row
        self.by_id[id(s)] = (s, sid)
        return sid

    def reasons(self, reasons: tuple[Reason, ...]) -> list[dict[str, object]]:
        return [
            {"step": r.step, "text": r.text, "statements": [self.ref(s) for s in r.statements]}
            for r in reasons
        ]

    def reasons_text(self, reasons: tuple[Reason, ...]) -> str:
        """``json.dumps(self.reasons(reasons))``, written directly: the step and text of a
        reason repeat across findings (kept once each), statement ids are looked up inline."""
        by_id = self.by_id
        heads = self.heads
        parts = []
        for r in reasons:
            head = heads.get((r.step, r.text))
            if head is None:
                head = heads[(r.step, r.text)] = (
                    f'{{"step": {string(r.step)}, "text": {string(r.text)}, "statements": ['
                )
            sids = [
                hit[1] if (hit := by_id.get(id(s))) is not None and hit[0] is s else self.ref(s)
                for s in r.statements
            ]
            parts.append(head + ('"' + '", "'.join(sids) + '"]}' if sids else "]}"))
        return "[" + ", ".join(parts) + "]"


def _finding_v2(f: Finding, table: _Table) -> dict[str, Any]:
    return {
        "kind": f.kind,
        "title": f.title,
        "source": f.source,
        "role": f.role,
        "service": f.service,
        "via": f.via,
        "target": f.target,
        "escalation": f.escalation,
        "conditional": f.conditional,
        "conditions": list(f.conditions),
        "constraints": list(f.constraints),
        "gained": list(f.gained),
        "resources": list(f.resources),
        "source_is_admin": f.source_is_admin,
        "reaches_admin": (
            None
            if f.reaches_admin is None
            else {"hops": f.reaches_admin[0], "conditional": f.reaches_admin[1]}
        ),
        "rule": rule_id(f),
        "reasons": table.reasons(f.reasons),
    }


_RULES: dict[tuple[str, str | None], str] = {}
"""(kind, service id) → the rule id as JSON text (a handful of rules)."""


def _finding_text(f: Finding, table: _Table) -> str:
    """``json.dumps(_finding_v2(f, table))``, written directly (no dict per finding)."""
    rule = _RULES.get((f.kind, f.service_id))
    if rule is None:
        rule = _RULES[(f.kind, f.service_id)] = string(rule_id(f))
    reach = f.reaches_admin
    return (
        f'{{"kind": {string(f.kind)}, "title": {string(f.title)}, '
        f'"source": {string(f.source)}, "role": {opt_string(f.role)}, '
        f'"service": {opt_string(f.service)}, "via": {opt_string(f.service_id)}, '
        f'"target": {string(f.target)}, "escalation": {string(f.escalation)}, '
        f'"conditional": {"true" if f.conditional else "false"}, '
        f'"conditions": {string_list(f.conditions)}, '
        f'"constraints": {string_list(f.constraints)}, '
        f'"gained": {string_list(f.gained)}, "resources": {string_list(f.resources)}, '
        f'"source_is_admin": {"true" if f.source_is_admin else "false"}, "reaches_admin": '
        + (
            "null"
            if reach is None
            else f'{{"hops": {int(reach[0])}, "conditional": {"true" if reach[1] else "false"}}}'
        )
        + f', "rule": {rule}, "reasons": {table.reasons_text(f.reasons)}}}'
    )


def _allowing(f: Finding) -> tuple[StatementRef, ...] | None:
    """The statements allowing a PassRole edge's ``iam:PassRole`` (``None``: not one)."""
    if f.kind != "passrole" or f.service is None:
        return None
    return next((r.statements for r in f.reasons if r.step == "passrole"), ())


def _edge_groups(
    findings: list[Finding], table: _Table, min_size: int
) -> tuple[list[dict[str, Any]], set[int]]:
    """Groups of at least ``min_size`` PassRole edges sharing a source, a service and the
    statements that allow the PassRole, and the ids of the grouped findings."""
    groups: dict[tuple[str, str, tuple[tuple[object, ...], ...]], list[Finding]] = {}
    allowing: dict[tuple[str, str, tuple[tuple[object, ...], ...]], tuple[StatementRef, ...]] = {}
    rows: dict[int, tuple[StatementRef, tuple[object, ...]]] = {}
    for f in findings:
        allow = _allowing(f)
        if allow is None:
            continue
        parts = []
        for s in allow:
            hit = rows.get(id(s))
            if hit is None or hit[0] is not s:
                hit = rows[id(s)] = (s, tuple(s.to_json().values()))
            parts.append(hit[1])
        key = (f.source, f.key[3] or "", tuple(parts))  # EC2 and EMR rows apart
        groups.setdefault(key, []).append(f)
        allowing.setdefault(key, allow)
    out: list[dict[str, Any]] = []
    grouped: set[int] = set()
    for key, fs in groups.items():
        if len(fs) < min_size:
            continue
        source = key[0]
        allow = allowing[key]
        esc = Counter(f.escalation for f in fs)
        out.append(
            {
                "source": source,
                "service": fs[0].service,
                "via": fs[0].via,
                "statements": [table.ref(s) for s in allow],
                "roles": len(fs),
                "admin": esc["admin"],
                "privilege_gain": esc["privilege-gain"],
                "none": esc["none"],
                "conditional": sum(1 for f in fs if f.conditional),
                "admin_roles": sorted(f.target for f in fs if f.escalation == "admin"),
            }
        )
        grouped.update(id(f) for f in fs if f.escalation != "admin")
    return out, grouped


def to_json(
    analysis: Analysis,
    *,
    include_admin_sources: bool = False,
    all_edges: bool = False,
    group_min: int = 0,
) -> dict[str, Any]:
    """The scan report, schema 2 (see the README, "scan JSON").

    Findings whose source is already admin are left out unless ``include_admin_sources``.
    Edges that escalate nothing are counted per source, kind and service (``quiet_edges``)
    unless ``all_edges``. PassRole edges sharing a source, service and allowing statements form
    ``edge_groups``; with ``group_min`` N > 0, the non-admin edges of groups of at least N roles
    are reported only through their group.
    """
    with fewer_collections():
        return {
            key: list(value) if isinstance(value, Iterator) else value
            for key, value in report_items(
                analysis,
                include_admin_sources=include_admin_sources,
                all_edges=all_edges,
                group_min=group_min,
            )
        }


def write_json(
    analysis: Analysis,
    write: Callable[[str], object],
    *,
    include_admin_sources: bool = False,
    all_edges: bool = False,
    group_min: int = 0,
) -> None:
    """Stream :func:`to_json`'s report as text through ``write`` (what ``scan --format json``
    writes), with few collector passes; the report is never held whole."""
    with fewer_collections():
        write_report(
            report_items(
                analysis,
                include_admin_sources=include_admin_sources,
                all_edges=all_edges,
                group_min=group_min,
                as_text=True,
            ),
            write,
        )


def report_items(
    analysis: Analysis,
    *,
    include_admin_sources: bool = False,
    all_edges: bool = False,
    group_min: int = 0,
    as_text: bool = False,
) -> Iterator[tuple[str, Any]]:
    """The top-level keys of :func:`to_json` in order, with ``findings`` as an iterator of
    finding objects, so a writer can stream a large report (``tui.commands.scan``) instead of
    holding it whole. Consume each value before asking for the next key: ``quiet_edges``,
    ``statements`` and ``references`` are filled while the findings are written.

    With ``as_text``, ``findings`` is a :class:`JsonLines` of each finding's JSON text (what
    :func:`write_report` writes, without a dict per finding)."""
    table = _Table()
    findings = [f for f in analysis.findings if include_admin_sources or not f.source_is_admin]
    groups, grouped = _edge_groups(findings, table, group_min or 2)
    if not group_min:
        grouped = set()
    quiet: Counter[tuple[str, str, str | None]] = Counter()
    rules: set[str] = set()

    def listed() -> Iterator[Any]:
        encode = _finding_text if as_text else _finding_v2
        for f in findings:
            if id(f) in grouped:
                continue
            if f.escalation == "none" and not all_edges:
                quiet[(f.source, f.kind, f.service)] += 1
                continue
            yield encode(f, table)
            rules.add(rule_id(f))

    yield from _head(analysis, SCHEMA_VERSION).items()
    yield "all_edges", all_edges
    yield "findings", JsonLines(listed()) if as_text else listed()
    yield (
        "quiet_edges",
        [
            {"source": src, "kind": kind, "service": svc, "count": n}
            for (src, kind, svc), n in sorted(quiet.items(), key=lambda kv: repr(kv[0]))
        ],
    )
    yield "edge_groups", groups
    yield "paths", _paths(analysis, table)
    yield "statements", table.rows
    refs = _references()
    yield "references", {r: refs[r] for r in sorted(rules) if r in refs}


def _paths(analysis: Analysis, table: _Table) -> list[dict[str, Any]]:
    paths = []
    for p in analysis.paths:
        hops = []
        for h in p.hops:
            hops.append(
                {
                    "from": h.source,
                    "to": h.target,
                    "kind": h.finding.kind,
                    "service": h.finding.service,
                    "via": h.finding.via,
                    "title": h.finding.title,
                    "conditional": h.finding.conditional,
                    "escalation": h.finding.escalation,
                    "reasons": table.reasons(h.finding.reasons),
                }
            )
        paths.append(
            {
                "source": p.source,
                "length": p.length,
                "conditional": p.conditional,
                "conditions": list(p.conditions),
                "admin": p.admin,
                "terminal": p.terminal.kind if p.terminal is not None else None,
                "hops": hops,
            }
        )
    return paths


def write_report(items: Iterable[tuple[str, Any]], write: Callable[[str], object]) -> None:
    """Write the report as JSON with one top-level key per line and one list item (finding,
    path, statement) per line: readable and greppable, and written by the C encoder
    (``indent=`` makes :func:`json.dumps` pure Python, seconds on a large account).

    ``items`` are the report's keys in order (:func:`core.report.scan.report_items`); a value
    may be an iterator, written as it is produced, so a large report is never held whole.
    """
    write("{")
    for i, (key, value) in enumerate(items):
        write(",\n" if i else "\n")
        name = json.dumps(key)
        lines = _item_lines(value)
        if lines is None:
            write(f"  {name}: {json.dumps(value)}")
            continue
        opening, closing = ("{", "}") if isinstance(value, dict) else ("[", "]")
        first = next(lines, None)
        if first is None:
            write(f"  {name}: {opening}{closing}")
            continue
        write(f"  {name}: {opening}\n    {first}")
        for line in lines:
            write(f",\n    {line}")
        write(f"\n  {closing}")
    write("\n}\n")


class JsonLines(Iterator[str]):
    """An iterator of list items already written as JSON text (:func:`write_report` writes
    them as they are)."""

    __slots__ = ("_items",)

    def __init__(self, items: Iterator[str]) -> None:
        self._items = items

    def __next__(self) -> str:
        return next(self._items)


def _item_lines(value: object) -> Iterator[str] | None:
    """One JSON line per entry of a dict or list (or iterator); ``None`` for other values."""
    if isinstance(value, JsonLines):
        return value
    if isinstance(value, dict):
        return (f"{json.dumps(k)}: {json.dumps(v)}" for k, v in value.items())
    if isinstance(value, list | Iterator):
        return (json.dumps(v) for v in value)
    return None


def dumps_report(data: dict[str, Any]) -> str:
    """:func:`write_report` of a whole report, as text (without the final newline)."""
    out = io.StringIO()
    write_report(data.items(), out.write)
    return out.getvalue().removesuffix("\n")


def _references() -> dict[str, list[dict[str, str]]]:
    out = {
        f"passrole/{s.id}": [{"title": r.title, "url": r.url} for r in s.references]
        for s in SERVICES
    }
    out.update({m.id: [{"title": r.title, "url": r.url} for r in m.references] for m in METHODS})
    return out


def to_sarif(analysis: Analysis, *, stream: bool = False) -> dict[str, Any]:
    """SARIF 2.1.0 with one rule per PassRole service and per escalation method
    (core.report.sarif); with ``stream``, its results are an iterator (see
    :func:`write_sarif`)."""
    from core.report.sarif import scan_log

    with fewer_collections():
        return scan_log(analysis, stream=stream)


def write_sarif(log: dict[str, Any], write: Callable[[str], object]) -> None:
    """Write a SARIF log (its results may be an iterator: ``to_sarif(..., stream=True)``) as
    ``json.dumps(log, indent=2)`` and a newline, streamed, with few collector passes."""
    with fewer_collections():
        write_indented(log, write)
    write("\n")
