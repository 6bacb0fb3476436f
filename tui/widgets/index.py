"""In-memory lookups over one analysis, built once per analysis (no Textual).

The panes filter and cross-highlight through these dictionaries, so moving the cursor never
scans all findings. :meth:`EdgeIndex.build` runs in the load and what-if workers: everything
that grows with the number of findings (sorting, lowercase search texts, counts for the header,
the Users and Services panes) is computed there, never on the UI thread.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from core.escalate.analysis import Analysis
from core.escalate.escalation_level import Escalation
from core.escalate.findings import Finding, realigned
from core.model.account import Account
from core.report.scan import summary

_LABEL = {e.value: e.label for e in Escalation}
_ORDER = {e.value: -e.rank for e in Escalation}
"""Per ``Finding.escalation`` string (hot loops over every finding)."""


def edge_label(f: Finding) -> str:
    """``ADMIN``, ``GAIN`` or ``none`` (words, so the table reads without colour)."""
    return _LABEL[f.escalation]


def reach_mark(f: Finding) -> str:
    """``→ADMIN 2`` when the hop is not admin itself but its target has a path to admin."""
    if f.reaches_admin is None or f.escalation == "admin":
        return ""
    hops, conditional = f.reaches_admin
    return f"→ADMIN {hops}" + ("?" if conditional else "")


def search_text(f: Finding) -> str:
    """What the Edges filter matches (lowercase): label, reach, title, kind, via, ARNs."""
    service = f.service_row
    via = service.name if service is not None else (f.service or f.kind)
    text = f"{edge_label(f)} {reach_mark(f)} {f.title} {f.kind} {via} {f.source} {f.target}"
    if f.conditional:
        text += " cond"
    return text.lower()


def display_order(findings: Sequence[Finding]) -> list[Finding]:
    """``findings`` sorted (stably) by source already admin, escalation (admin first), PassRole
    first, certain first, then source, target and service.

    Sorted in many small pieces (a bucket per leading key, a group per source) rather than one
    sort of every finding: a single sort of a million tuples runs in C and holds the GIL for a
    second, which stalls the UI thread beside the worker that builds the index.
    """
    buckets: dict[tuple[bool, int, bool, bool], dict[str, list[Finding]]] = defaultdict(dict)
    for f in findings:
        head = (f.source_is_admin, _ORDER[f.escalation], f.kind != "passrole", f.conditional)
        buckets[head].setdefault(f.source, []).append(f)
    out: list[Finding] = []
    for head in sorted(buckets):
        by_source = buckets[head]
        for source in sorted(by_source):
            out.extend(sorted(by_source[source], key=lambda f: (f.target, f.service or "")))
    return out


def _texts(findings: list[Finding], previous: EdgeIndex | None) -> list[str]:
    if previous is None:
        return [search_text(f) for f in findings]
    known = {id(f): t for f, t in zip(previous.findings, previous.texts, strict=True)}
    texts = []
    for f in findings:
        text = known.get(id(f))
        texts.append(search_text(f) if text is None else text)
    return texts


Head = tuple[bool, int, bool, bool]
"""The leading keys of the display order: source already admin, escalation, not PassRole,
conditional."""


def _head(f: Finding) -> Head:
    return (f.source_is_admin, _ORDER[f.escalation], f.kind != "passrole", f.conditional)


def _role_of(f: Finding) -> str | None:
    return f.role or (f.target if ":role/" in f.target else None)


@dataclass(slots=True)
class _Run:
    """One source's findings under one display head, in display order, with what the index
    counts about them (offsets are within the run)."""

    findings: list[Finding]
    texts: list[str]
    roles: dict[str, list[int]]
    services: dict[str, list[int]]
    admin: int
    gain: int


@dataclass(slots=True)
class _Source:
    """One source's runs, made from ``Analysis.parts[source]`` (``made_from``, kept to tell
    whether the next analysis' list is the very same one) and its texts (by position)."""

    made_from: list[Finding]
    texts: list[str]
    runs: dict[Head, _Run]


REBUILD_SHARE = 0.5
"""A source whose findings changed beyond this share is put together again whole."""


def _source_runs(fs: list[Finding], old: _Source | None) -> _Source:
    """The runs of one source's findings. From ``old`` (the same source's runs in the previous
    index): texts of the findings it had are borrowed, and only the runs under a head that a
    finding left or joined are put together again."""
    if old is None:
        return _made(fs, [search_text(f) for f in fs])
    gone, came = realigned(old.made_from, fs)
    lent = {id(old.made_from[i]): old.texts[i] for i in gone}
    texts = old.texts[: len(fs)] + [""] * max(0, len(fs) - len(old.texts))
    for i in came:
        f = fs[i]
        hit = lent.get(id(f))
        texts[i] = search_text(f) if hit is None else hit
    if len(gone) + len(came) > REBUILD_SHARE * len(fs):
        return _made(fs, texts)
    left = {id(old.made_from[i]) for i in gone}
    joined: dict[Head, list[tuple[Finding, str]]] = defaultdict(list)
    for i in came:
        joined[_head(fs[i])].append((fs[i], texts[i]))
    runs = dict(old.runs)
    for head in {_head(old.made_from[i]) for i in gone} | joined.keys():
        run = runs.pop(head, None)
        pairs = [] if run is None else list(zip(run.findings, run.texts, strict=True))
        pairs = [p for p in pairs if id(p[0]) not in left]
        new = joined.get(head, [])
        pairs.extend(new)
        pairs.sort(key=_run_key)
        if new and _ties(pairs):
            # Equal (target, service) keep the source's own order, which only a full pass
            # over the source knows.
            return _made(fs, texts)
        if pairs:
            runs[head] = _run(pairs)
    return _Source(fs, texts, runs)


def _run_key(p: tuple[Finding, str]) -> tuple[str, str]:
    return (p[0].target, p[0].service or "")


def _ties(pairs: list[tuple[Finding, str]]) -> bool:
    keys = [_run_key(p) for p in pairs]
    return any(a == b for a, b in pairwise(keys))


def _made(fs: list[Finding], texts: list[str]) -> _Source:
    grouped: dict[Head, list[tuple[Finding, str]]] = defaultdict(list)
    for f, t in zip(fs, texts, strict=True):
        grouped[_head(f)].append((f, t))
    runs: dict[Head, _Run] = {}
    for head, pairs in grouped.items():
        pairs.sort(key=_run_key)
        runs[head] = _run(pairs)
    return _Source(fs, texts, runs)


def _run(pairs: list[tuple[Finding, str]]) -> _Run:
    roles: dict[str, list[int]] = defaultdict(list)
    services: dict[str, list[int]] = defaultdict(list)
    labels = []
    for i, (f, _) in enumerate(pairs):
        role = _role_of(f)
        if role:
            roles[role].append(i)
        if f.service_id:
            services[f.service_id].append(i)
        labels.append(f.escalation)
    return _Run(
        [f for f, _ in pairs],
        [t for _, t in pairs],
        dict(roles),
        dict(services),
        labels.count("admin"),
        labels.count("privilege-gain"),
    )


def short(arn: str) -> str:
    """The name part of an ARN (``user/path/alice`` → ``alice``)."""
    return arn.rsplit("/", 1)[-1] if "/" in arn else arn.rsplit(":", 1)[-1]


@dataclass
class EdgeIndex:
    """Findings of one analysis, indexed by source, role, target and service.

    Attributes:
        analysis: the indexed analysis.
        findings: findings in display order (escalating first, PassRole first).
        by_source: source ARN → finding positions.
        by_role: role ARN → positions (the passed role, or the target when it is a role).
        by_service: service id → positions (PassRole edges only).
        trusts: role ARN → ids of the services it trusts.
        texts: lowercase search text of each finding (by position).
        shown: positions of findings whose source is not already admin (the first ones: the
            display order puts admin sources last).
        escalating: source ARN → (admin, privilege-gain) counts of its edges.
        service_counts: service id → (edges from non-admin sources, all edges).
        summary: ``core.report.scan.summary`` of the analysis (header counts).
        shown_passrole: PassRole edges among ``shown``.
        complete: the analysis is done (see :meth:`pending`).
    """

    analysis: Analysis
    findings: list[Finding] = field(default_factory=list)
    by_source: dict[str, list[int]] = field(default_factory=dict)
    by_role: dict[str, list[int]] = field(default_factory=dict)
    by_service: dict[str, list[int]] = field(default_factory=dict)
    trusts: dict[str, list[str]] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)
    shown: Sequence[int] = field(default_factory=list)
    escalating: dict[str, tuple[int, int]] = field(default_factory=dict)
    service_counts: dict[str, tuple[int, int]] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    shown_passrole: int = 0
    complete: bool = True
    """False for :meth:`pending`: the account is shown while its analysis runs."""
    sources: dict[str, _Source] = field(default_factory=dict, repr=False)
    """Source → its runs (when the analysis kept its findings per source): the next what-if's
    index reuses the runs of every source whose findings list is the same."""

    @classmethod
    def build(cls, analysis: Analysis, previous: EdgeIndex | None = None) -> EdgeIndex:
        """The index of ``analysis``; ``previous`` (the index of the analysis a what-if started
        from) lends the search texts of the findings both share: a what-if keeps the finding
        objects it did not redo, so most texts are looked up instead of written again.

        When the analysis kept its findings per source (``Analysis.parts``), the index is put
        together from per-source runs, and ``previous``'s runs are reused for every source
        whose list is the same object: a what-if then sorts, counts and writes texts only for
        the sources it changed."""
        if analysis.parts is not None:
            return cls._from_parts(analysis, analysis.parts, previous)
        findings = display_order(analysis.findings)
        by_source: dict[str, list[int]] = defaultdict(list)
        by_role: dict[str, list[int]] = defaultdict(list)
        by_service: dict[str, list[int]] = defaultdict(list)
        for i, f in enumerate(findings):
            by_source[f.source].append(i)
            role = f.role or (f.target if ":role/" in f.target else None)
            if role:
                by_role[role].append(i)
            if f.service_id:
                by_service[f.service_id].append(i)
        trusts: dict[str, list[str]] = defaultdict(list)
        for service_id, trusting in analysis.trusted.items():
            for trusting_role, _trust in trusting:
                trusts[trusting_role.arn].append(service_id)
        shown = range(sum(1 for f in findings if not f.source_is_admin))
        escalating = {}
        for source, positions in by_source.items():
            labels = [findings[i].escalation for i in positions]
            escalating[source] = (labels.count("admin"), labels.count("privilege-gain"))
        service_counts = {
            sid: (sum(1 for i in positions if not findings[i].source_is_admin), len(positions))
            for sid, positions in by_service.items()
        }
        return cls(
            analysis,
            findings,
            dict(by_source),
            dict(by_role),
            dict(by_service),
            trusts,
            _texts(findings, previous),
            shown,
            escalating,
            service_counts,
            summary(analysis),
            sum(1 for i in shown if findings[i].kind == "passrole"),
        )

    @classmethod
    def _from_parts(
        cls, analysis: Analysis, parts: dict[str, list[Finding]], previous: EdgeIndex | None
    ) -> EdgeIndex:
        before = previous.sources if previous is not None else {}
        sources: dict[str, _Source] = {}
        heads: dict[Head, list[str]] = defaultdict(list)
        for source, fs in parts.items():
            made = before.get(source)
            if made is None or made.made_from is not fs:
                made = _source_runs(fs, made)
            sources[source] = made
            for head in made.runs:
                heads[head].append(source)
        findings: list[Finding] = []
        texts: list[str] = []
        by_source: dict[str, list[int]] = defaultdict(list)
        by_role: dict[str, list[int]] = defaultdict(list)
        by_service: dict[str, list[int]] = defaultdict(list)
        escalating: dict[str, tuple[int, int]] = {}
        service_counts: dict[str, tuple[int, int]] = {}
        shown = shown_passrole = conditional = passrole = 0
        esc = {"admin": 0, "privilege-gain": 0}
        for head in sorted(heads):
            admin_source, _rank, not_passrole, cond = head
            for source in sorted(heads[head]):
                run = sources[source].runs[head]
                start, n = len(findings), len(run.findings)
                findings.extend(run.findings)
                texts.extend(run.texts)
                by_source[source].extend(range(start, start + n))
                for role, offsets in run.roles.items():
                    by_role[role].extend(map(start.__add__, offsets))
                for sid, offsets in run.services.items():
                    by_service[sid].extend(map(start.__add__, offsets))
                    mine, every = service_counts.get(sid, (0, 0))
                    k = len(offsets)
                    service_counts[sid] = (mine + (0 if admin_source else k), every + k)
                a, g = escalating.get(source, (0, 0))
                escalating[source] = (a + run.admin, g + run.gain)
                conditional += n if cond else 0
                passrole += 0 if not_passrole else n
                if not admin_source:
                    shown += n
                    shown_passrole += 0 if not_passrole else n
                    esc["admin"] += run.admin
                    esc["privilege-gain"] += run.gain
        trusts: dict[str, list[str]] = defaultdict(list)
        for service_id, trusting in analysis.trusted.items():
            for trusting_role, _trust in trusting:
                trusts[trusting_role.arn].append(service_id)
        acct = analysis.account
        counts = {
            "users": len(acct.users),
            "groups": len(acct.groups),
            "roles": len(acct.roles),
            "policies": len(acct.policies),
            "scp_levels": len(acct.scp_levels),
            "findings": len(findings),
            "passrole_edges": passrole,
            "escalating": esc["admin"] + esc["privilege-gain"],
            "admin": esc["admin"],
            "privilege_gain": esc["privilege-gain"],
            "conditional": conditional,
            "admin_principals": sum(1 for a in analysis.admins if ":group/" not in a),
            "paths": len(analysis.paths),
            "problems": len(acct.problems),
        }
        return cls(
            analysis,
            findings,
            dict(by_source),
            dict(by_role),
            dict(by_service),
            trusts,
            texts,
            range(shown),
            escalating,
            service_counts,
            counts,
            shown_passrole,
            sources=sources,
        )

    @classmethod
    def pending(cls, account: Account) -> EdgeIndex:
        """The account before its analysis is done: the panes list its principals, and
        nothing may claim that an edge exists or does not (``complete`` is false)."""
        index = cls.build(Analysis(account, [], {}, []))
        index.complete = False
        return index

    @property
    def account(self) -> Account:
        return self.analysis.account

    def select(
        self,
        *,
        user: str | None = None,
        role: str | None = None,
        service: str | None = None,
        include_admin_sources: bool = False,
    ) -> Sequence[int]:
        """Positions (ascending) of the findings matching every given part of the selection."""
        pools = []
        if user:
            pools.append(self.by_source.get(user, []))
        if role:
            pools.append(self.by_role.get(role, []))
        if service:
            pools.append(self.by_service.get(service, []))
        if not pools:
            if not include_admin_sources:
                return self.shown
            return range(len(self.findings))
        pools.sort(key=len)
        rest = [set(p) for p in pools[1:]]
        chosen = [i for i in pools[0] if all(i in s for s in rest)]
        if include_admin_sources:
            return chosen
        return [i for i in chosen if i < len(self.shown)]

    def roles_passable_by(self, user: str) -> set[str]:
        return {
            f.role
            for i in self.by_source.get(user, [])
            if (f := self.findings[i]).kind == "passrole" and f.role
        }

    def services_for(self, positions: Sequence[int]) -> set[str]:
        return {sid for i in positions if (sid := self.findings[i].service_id)}

    def sources_of(self, positions: Sequence[int]) -> set[str]:
        return {self.findings[i].source for i in positions}

    def roles_of(self, positions: Sequence[int]) -> set[str]:
        return {r for i in positions if (r := self.findings[i].role)}

    def escalating_count(self, source: str) -> tuple[int, int]:
        """(admin, gain) counts of edges from ``source``."""
        return self.escalating.get(source, (0, 0))

    def service_count(self, service: str, *, include_admin_sources: bool = False) -> int:
        """Edges to ``service`` (PassRole), from non-admin sources unless asked."""
        shown, every = self.service_counts.get(service, (0, 0))
        return every if include_admin_sources else shown

    def position_of(self, f: Finding) -> int | None:
        """Position of the finding with ``f``'s key, escalation and condition (or ``None``)."""
        sig = (*f.key, f.escalation, f.conditional)
        for i in self.by_source.get(f.source, []):
            g = self.findings[i]
            if (*g.key, g.escalation, g.conditional) == sig:
                return i
        return None
