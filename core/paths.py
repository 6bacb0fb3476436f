"""Multi-hop paths to admin across every edge kind, shortest first.

Nodes are users, roles and groups; an edge is a finding (pass a role to a service, assume a role,
get a user's credentials, join a group). A node is admin when it is admin-equivalent itself, or
when it can rewrite the permissions of something it is or can become (itself, its group, a
policy attached to it, or a principal it reaches). Distances come from one reverse breadth-first
search from the admin nodes, so the cost is linear in the number of edges.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core.findings import Finding
from core.model import Account
from core.power import AdminReason

ADMIN = "*admin*"
_MOVE = ("become-user", "become-role", "join-group")


@dataclass(frozen=True, slots=True)
class Hop:
    """One step of a path: the finding that allows it."""

    source: str
    target: str
    finding: Finding

    def to_json(self) -> dict[str, object]:
        return {
            "from": self.source,
            "to": self.target,
            "kind": self.finding.kind,
            "service": self.finding.service,
            "title": self.finding.title,
            "conditional": self.finding.conditional,
            "escalation": self.finding.escalation,
            "reasons": [r.to_json() for r in self.finding.reasons],
        }


@dataclass(frozen=True, slots=True)
class Path:
    """A shortest path from ``source`` to admin; ``admin`` says how the last node is admin."""

    source: str
    hops: tuple[Hop, ...]
    admin: str

    @property
    def length(self) -> int:
        return len(self.hops)

    @property
    def conditional(self) -> bool:
        return any(h.finding.conditional for h in self.hops)

    def to_json(self) -> dict[str, object]:
        return {
            "source": self.source,
            "length": self.length,
            "conditional": self.conditional,
            "admin": self.admin,
            "hops": [h.to_json() for h in self.hops],
        }


def _moves(findings: Sequence[Finding]) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.source_is_admin:
            continue
        if f.kind == "passrole" or f.kind in ("assume-role",) or _is_move(f):
            out[f.source].append(f)
    return out


def _is_move(f: Finding) -> bool:
    from core.methods import method_by_id

    m = method_by_id(f.kind)
    return m is not None and m.outcome in _MOVE


def _reach(start: str, moves: Mapping[str, list[Finding]]) -> set[str]:
    seen = {start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for f in moves.get(node, ()):
            if f.target not in seen:
                seen.add(f.target)
                queue.append(f.target)
    return seen


def find_paths(
    account: Account,
    findings: Sequence[Finding],
    admins: Mapping[str, AdminReason],
    holders: Mapping[str, list[str]],
) -> list[Path]:
    """Shortest path to admin for every principal that is not admin already."""
    from core.methods import method_by_id

    moves = _moves(findings)
    admin_how: dict[str, str] = {a: r.detail for a, r in admins.items()}
    # Rewriting the permissions of something the source is or reaches makes it admin.
    writes: list[Finding] = []
    for f in findings:
        m = method_by_id(f.kind)
        if m is None or m.outcome != "policy-write" or f.source_is_admin:
            continue
        writes.append(f)
    reach_cache: dict[str, set[str]] = {}
    for f in writes:
        if f.escalation == "admin":
            admin_how.setdefault(f.source, f"can rewrite its own permissions ({f.kind})")
            continue
        reach = reach_cache.get(f.source)
        if reach is None:
            reach = reach_cache[f.source] = _reach(f.source, moves)
        targets = holders.get(f.target, [f.target])
        hit = next((t for t in targets if t in reach), None)
        if hit is not None:
            admin_how.setdefault(
                f.source,
                f"can rewrite the permissions of {hit.rsplit('/', 1)[-1]} ({f.kind}), "
                "which it can act as",
            )
    # Reverse BFS from admin nodes.
    reverse: dict[str, list[Finding]] = defaultdict(list)
    for fs in moves.values():
        for f in fs:
            reverse[f.target].append(f)
    nxt: dict[str, Finding | None] = {a: None for a in admin_how}
    queue = deque(admin_how)
    while queue:
        node = queue.popleft()
        for f in reverse.get(node, ()):
            if f.source not in nxt:
                nxt[f.source] = f
                queue.append(f.source)
    paths: list[Path] = []
    self_findings = {
        f.source: f
        for f in findings
        if (r := admins.get(f.source)) is not None
        and r.kind == "self-modify"
        and f.target == r.resource
    }
    for p in account.principals:
        reason = admins.get(p.arn)
        if reason is not None and reason.kind == "self-modify" and p.arn in self_findings:
            f = self_findings[p.arn]
            paths.append(Path(p.arn, (Hop(p.arn, f.target, f),), reason.detail))
            continue
        if p.arn in admins or p.arn not in nxt:
            continue
        hops: list[Hop] = []
        node = p.arn
        seen = set()
        while node not in seen:
            step = nxt.get(node)
            if step is None:
                break
            seen.add(node)
            hops.append(Hop(step.source, step.target, step))
            node = step.target
        paths.append(Path(p.arn, tuple(hops), admin_how.get(node, "admin")))
    paths.sort(key=lambda x: (x.length == 0, x.length, x.conditional, x.source))
    return paths
