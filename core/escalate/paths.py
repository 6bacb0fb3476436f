"""Multi-hop paths to admin across every edge kind, shortest first, certain before conditional.

Nodes are users, roles and groups; an edge is a finding that moves the attacker (pass a role to a
service, assume a role, get a user's credentials, join a group). A node is admin when it is
admin-equivalent itself; a path also ends with a *terminal* finding when its last node can
rewrite its own permissions only conditionally, or when a move is itself labelled ``admin``
(joining a group whose members are admin-equivalent).

Rewriting the permissions of *another* principal T (attach or put a policy on it, publish a
version of a policy it holds, drop its boundary) is a hop of its own, followed by the moves that
make the attacker T (assume it, get its credentials, join the group): a path "write T's policy,
then act as T" has two hops or more. It leads to admin only when T would be admin-equivalent
with what is written: a permissions boundary T keeps caps it (IAM User Guide, "Permissions
boundaries for IAM entities": "the effective permissions ... are the intersection of the
identity-based policy and the permissions boundary"); ``makes_admin`` decides that. Distances
come from one reverse Dijkstra search from the admin nodes with the cost ``(hops, conditional
hops)``: among the shortest paths, the one with the fewest conditional hops is shown.

Roles cannot be members of groups (IAM User Guide, "IAM user groups": "A user group can contain
many users, and a user can belong to multiple user groups"; roles are not listed among group
members), so ``add-user-to-group`` moves a *user*: the caller itself when it is a user, or a user
whose credentials it can get (a two-hop path).
"""

from __future__ import annotations

import heapq
from collections import defaultdict, deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter

from core.escalate.capabilities import AdminReason
from core.escalate.findings import Finding
from core.escalate.tables.methods import METHODS
from core.model.account import Account

ADMIN = "*admin*"
"""The sink node every admin node and terminal finding leads to."""

_MOVE = ("become-user", "become-role", "join-group")
_USER = ":user/"
_WRITES = ("policy-write", "policy-remove")
_OUTCOME: dict[str, str] = {"passrole": "become-role", **{m.id: m.outcome for m in METHODS}}
"""Finding kind → its outcome (a PassRole edge becomes the role): looked up once per finding
and pass, without building the methods-table row reference."""
_EXISTING: dict[str, int] = {
    m.id: int(not m.resource_arn.startswith(("${", "arn:aws:iam:"))) for m in METHODS
}
"""Method id → 1 when it acts on an existing resource (an instance, a function, a stack)."""


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
            "via": self.finding.via,
            "title": self.finding.title,
            "conditional": self.finding.conditional,
            "escalation": self.finding.escalation,
            "reasons": [r.to_json() for r in self.finding.reasons],
        }


@dataclass(frozen=True, slots=True)
class Path:
    """A shortest path from ``source`` to admin; ``admin`` says how the last node is admin.

    ``terminal`` is the finding that makes the last node admin when that node is not
    admin-equivalent by itself (a conditional rewrite of its own permissions, for instance):
    its conditions are the path's too.
    """

    source: str
    hops: tuple[Hop, ...]
    admin: str
    terminal: Finding | None = None

    @property
    def length(self) -> int:
        return len(self.hops)

    @property
    def conditional(self) -> bool:
        return any(h.finding.conditional for h in self.hops) or (
            self.terminal is not None and self.terminal.conditional
        )

    @property
    def conditions(self) -> tuple[str, ...]:
        """Every condition of the hops and of the terminal finding, once each."""
        found = [c for h in self.hops for c in h.finding.conditions]
        if self.terminal is not None:
            found.extend(self.terminal.conditions)
        return tuple(dict.fromkeys(found))

    def to_json(self) -> dict[str, object]:
        return {
            "source": self.source,
            "length": self.length,
            "conditional": self.conditional,
            "conditions": list(self.conditions),
            "admin": self.admin,
            "terminal": self.terminal.kind if self.terminal is not None else None,
            "hops": [h.to_json() for h in self.hops],
        }


@dataclass(frozen=True, slots=True)
class _Edge:
    """A reverse-graph edge: ``source`` reaches ``target`` through ``finding``."""

    source: str
    target: str
    finding: Finding
    hops: int
    """1 for a move, 0 for a terminal rewrite (the node is admin by what it writes), 1 plus
    the route's length for a write on another principal followed by the ``route`` to it."""
    route: tuple[Finding, ...] = ()


def _outcome(f: Finding) -> str | None:
    return _OUTCOME.get(f.kind)


def moves_of(findings: Sequence[Finding]) -> dict[str, list[Finding]]:
    """Source → findings that move the attacker to their target (users join groups)."""
    out: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.source_is_admin:
            continue
        outcome = _OUTCOME.get(f.kind)
        if outcome in _MOVE and (outcome != "join-group" or _USER in f.source):
            out[f.source].append(f)
    return out


def sort_out(findings: Sequence[Finding], passrole: int = 0) -> tuple[list[Finding], list[int]]:
    """One source's findings → its moves (as :func:`moves_of` lists them) and the positions of
    the findings that are not a move to a user or role (writes, grants, joining a group: the
    ones :func:`write_routes`, :func:`admin_distances` and :func:`find_paths` read besides the
    moves). The first ``passrole`` findings are PassRole edges (moves, taken whole)."""
    moves: list[Finding] = []
    others: list[int] = []
    if any(map(_SOURCE_IS_ADMIN, findings)):
        passrole = 0  # looked at one by one (a source already admin has no moves)
    else:
        moves.extend(findings[:passrole])
    for i in range(passrole, len(findings)):
        f = findings[i]
        outcome = _OUTCOME.get(f.kind)
        if outcome != "become-role" and outcome != "become-user":
            others.append(i)
        if f.source_is_admin:
            continue
        if outcome in _MOVE and (outcome != "join-group" or _USER in f.source):
            moves.append(f)
    return moves, others


_SOURCE_IS_ADMIN = attrgetter("source_is_admin")


def is_write(f: Finding) -> bool:
    """Whether ``f`` writes permissions (what :func:`write_routes` may give a route)."""
    return _OUTCOME.get(f.kind) == "policy-write"


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


def _joins_by_others(
    findings: Sequence[Finding], moves: Mapping[str, list[Finding]]
) -> list[tuple[str, Finding]]:
    """(user, finding): a caller adds a user it can act as (not itself) to a group."""
    out = []
    for f in findings:
        if f.source_is_admin or _outcome(f) != "join-group":
            continue
        for node in _reach(f.source, moves):
            if _USER in node and node != f.source:
                out.append((node, f))
    return out


def _admin_detail(f: Finding) -> str:
    head = next((g for g in f.gained if g.startswith("admin: ")), "")
    return head.removeprefix("admin: ") or f.title


def _writes_admin(f: Finding) -> bool:
    """Whether a permissions write can make its holder admin (any document, or a version that
    the finding says is admin-making)."""
    if f.kind == "set-default-policy-version":
        return any(g.startswith("admin: ") for g in f.gained)
    return True


MakesAdmin = Callable[[str, str], bool]
"""``(method id, principal ARN)``: whether that write on it makes it admin-equivalent."""


def _route(start: str, moves: Mapping[str, list[Finding]]) -> dict[str, tuple[Finding, ...]]:
    """Every node reachable from ``start`` by moves, with a shortest route to it (BFS, moves
    in a stable order so the same route is shown each time)."""
    routes: dict[str, tuple[Finding, ...]] = {start: ()}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for f in sorted(moves.get(node, ()), key=lambda x: (x.conditional, x.key)):
            if f.target not in routes:
                routes[f.target] = (*routes[node], f)
                queue.append(f.target)
    return routes


def write_routes(
    findings: Sequence[Finding],
    holders: Mapping[str, list[str]],
    makes_admin: MakesAdmin,
    moves: Mapping[str, list[Finding]] | None = None,
) -> dict[tuple[str, str, str, str | None], tuple[Finding, ...]]:
    """Finding key → the moves that follow a write on another principal to admin.

    A write on T (or on a policy T holds) leads to admin when the writer can then become T
    (the route) and T, with what is written, is admin-equivalent (``makes_admin``; for a group,
    the user who joins it is judged, as a member). Writes on itself are not routes.
    ``moves``: :func:`moves_of` ``findings``, when the caller has it already.
    """
    if moves is None:
        moves = moves_of(findings)
    cache: dict[str, dict[str, tuple[Finding, ...]]] = {}
    out: dict[tuple[str, str, str, str | None], tuple[Finding, ...]] = {}
    for f in findings:
        if _OUTCOME.get(f.kind) != "policy-write" or f.source_is_admin or not _writes_admin(f):
            continue
        routes = cache.get(f.source)
        if routes is None:
            routes = cache[f.source] = _route(f.source, moves)
        best: tuple[Finding, ...] | None = None
        for t in holders.get(f.target, [f.target]):
            route = routes.get(t)
            if not route or (best is not None and len(route) >= len(best)):
                continue
            acting = route[-1].source if _outcome(route[-1]) == "join-group" else t
            if makes_admin(f.kind, acting):
                best = route
        if best is not None:
            out[f.key] = best
    return out


def _reverse(
    findings: Sequence[Finding],
    admins: Mapping[str, AdminReason],
    routes: Mapping[tuple[str, str, str, str | None], tuple[Finding, ...]],
    moves: Mapping[str, list[Finding]],
) -> dict[str, list[Finding | _Edge]]:
    """Node → the edges into it. A plain move (its finding's source to its target, or to
    ``ADMIN``, one hop) is its finding itself; other edges are :class:`_Edge` objects."""
    reverse: dict[str, list[Finding | _Edge]] = defaultdict(list)
    for fs in moves.values():
        for f in fs:
            if _OUTCOME.get(f.kind) == "join-group":
                # Groups have no moves of their own: joining one ends the path exactly when
                # the caller, as a member, is admin-equivalent (its label says so; a member's
                # own boundary can cap an admin group).
                if f.escalation == "admin":
                    reverse[ADMIN].append(f)
            elif f.escalation == "admin" and f.target not in admins:
                reverse[ADMIN].append(f)
            else:
                reverse[f.target].append(f)
    for user, f in _joins_by_others(findings, moves):
        e = _Edge(user, ADMIN if f.escalation == "admin" else f.target, f, 1)
        reverse[e.target].append(e)
    for f in findings:
        if _OUTCOME.get(f.kind) not in _WRITES or f.source_is_admin:
            continue
        route = routes.get(f.key)
        if route is not None:
            reverse[ADMIN].append(_Edge(f.source, ADMIN, f, 1 + len(route), route))
        elif f.escalation == "admin":
            reverse[ADMIN].append(_Edge(f.source, ADMIN, f, 0))  # rewrites its own permissions
    return reverse


Cost = tuple[int, int, int, int]
"""(hops, conditional hops, conditions, hops through existing resources) to admin: shortest,
then most certain, then one that creates what it needs over one that assumes it exists."""


def _existing(f: Finding) -> int:
    return _EXISTING.get(f.kind, 0)


@dataclass(frozen=True, slots=True)
class Distances:
    """The shortest (then most certain) way from each node to admin."""

    cost: dict[str, Cost]
    step: dict[str, _Edge | None]
    """The first edge of the best path (``None``: the node is admin-equivalent itself)."""


Routes = Mapping[tuple[str, str, str, str | None], tuple[Finding, ...]]
"""What :func:`write_routes` returns."""


def admin_distances(
    findings: Sequence[Finding],
    admins: Mapping[str, AdminReason],
    routes: Routes,
    moves: Mapping[str, list[Finding]] | None = None,
) -> Distances:
    """Reverse Dijkstra from the admin nodes over every edge (cost: see :data:`Cost`);
    ``moves``: :func:`moves_of` ``findings``, when the caller has it already."""
    if moves is None:
        moves = moves_of(findings)
    reverse = _reverse(findings, admins, routes, moves)
    zero: Cost = (0, 0, 0, 0)
    cost: dict[str, Cost] = {a: zero for a in admins}
    step: dict[str, _Edge | None] = {a: None for a in admins}
    heap: list[tuple[Cost, str]] = [(zero, a) for a in sorted(admins)]
    heap.append((zero, ADMIN))
    cost[ADMIN] = zero
    done: set[str] = set()
    while heap:
        c, node = heapq.heappop(heap)
        if node in done or c != cost.get(node):
            continue
        done.add(node)
        # Each source's best edge into this node: the lowest cost, then the first in
        # _edge_order (the order edges were once relaxed in), found without sorting them all.
        best: dict[str, tuple[Cost, Finding | _Edge, tuple[int, tuple[str, ...]] | None]] = {}
        for item in reverse.get(node, ()):
            if isinstance(item, _Edge):
                source, f, hops, route = item.source, item.finding, item.hops, item.route
            else:
                source, f, hops, route = item.source, item, 1, ()
            if source in admins:
                continue
            if route:
                fs = (f, *route)
                nc = (
                    c[0] + hops,
                    c[1] + sum(1 for r in fs if r.conditional),
                    c[2] + sum(len(r.conditions) for r in fs),
                    c[3] + sum(_existing(r) for r in fs),
                )
            else:
                nc = (
                    c[0] + hops,
                    c[1] + f.conditional,
                    c[2] + len(f.conditions),
                    c[3] + _EXISTING.get(f.kind, 0),
                )
            old = cost.get(source)
            if old is not None and not nc < old:
                continue
            held = best.get(source)
            if held is None or nc < held[0]:
                best[source] = (nc, item, None)
            elif nc == held[0]:
                mine = _order(f)
                theirs = held[2] if held[2] is not None else _order(_finding_of(held[1]))
                best[source] = (nc, item, mine) if mine < theirs else (*held[:2], theirs)
        for source, (nc, item, _) in best.items():
            cost[source] = nc
            step[source] = item if isinstance(item, _Edge) else _Edge(source, node, item, 1)
            heapq.heappush(heap, (nc, source))
    cost.pop(ADMIN, None)
    return Distances(cost, step)


_ORDER = {m.id: i for i, m in enumerate(METHODS)}


def _order(f: Finding) -> tuple[int, tuple[str, ...]]:
    """Among one source's edges of equal cost: PassRole first, then methods in table order (the
    common ones), then by key."""
    kind = -1 if f.kind == "passrole" else _ORDER.get(f.kind, 999)
    return kind, tuple(k or "" for k in f.key)


def _finding_of(item: Finding | _Edge) -> Finding:
    return item.finding if isinstance(item, _Edge) else item


_ONE_HOP = {False: (1, False), True: (1, True)}
"""The two answers of a move labelled admin itself, shared (one per finding otherwise)."""


def reaches_admin(f: Finding, d: Distances) -> tuple[int, bool] | None:
    """``(hops, conditional)`` of the best path to admin that starts with ``f``, or ``None``.

    Only moves count (a pass, an assume, credentials, joining a group), and only when the
    target is admin or has a path to admin.
    """
    outcome = _OUTCOME.get(f.kind)
    if outcome not in _MOVE or f.source_is_admin:
        return None
    if f.escalation == "admin":
        return _ONE_HOP[f.conditional]
    c = d.cost.get(f.target)
    if c is None or outcome == "join-group":
        return None  # a group has no moves: joining it is admin exactly when labelled so
    return c[0] + 1, f.conditional or c[1] > 0


def find_paths(
    account: Account,
    findings: Sequence[Finding],
    admins: Mapping[str, AdminReason],
    routes: Routes,
    distances: Distances | None = None,
) -> list[Path]:
    """Shortest path to admin for every principal that is not admin already."""
    d = distances if distances is not None else admin_distances(findings, admins, routes)
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
        if p.arn in admins or p.arn not in d.cost:
            continue
        hops: list[Hop] = []
        node = p.arn
        terminal: Finding | None = None
        detail = "admin"
        seen: set[str] = set()
        while node not in seen:
            e = d.step.get(node)
            if e is None:
                r = admins.get(node)
                detail = r.detail if r is not None else detail
                break
            seen.add(node)
            if e.hops == 0:
                terminal = e.finding
                detail = _terminal_detail(e.finding, node)
                break
            hops.append(Hop(node, e.finding.target, e.finding))
            hops.extend(Hop(r.source, r.target, r) for r in e.route)
            if e.route:
                detail = _write_detail(e.finding, e.route[-1].target)
                break
            if e.target == ADMIN:
                detail = _admin_detail(e.finding)
                break
            node = e.target
        paths.append(Path(p.arn, tuple(hops), detail, terminal))
    paths.sort(key=lambda x: (x.length == 0, x.length, x.conditional, x.source))
    return paths


def _terminal_detail(f: Finding, node: str) -> str:
    return f"can rewrite its own permissions ({f.kind})"


def _write_detail(f: Finding, became: str) -> str:
    name = became.rsplit("/", 1)[-1]
    return (
        f"rewrites the permissions of {f.target.rsplit('/', 1)[-1]} ({f.kind}), then acts as {name}"
    )


def _special_edges(
    findings: Sequence[Finding],
    routes: Routes,
    moves: Mapping[str, list[Finding]],
) -> list[_Edge]:
    """The edges :func:`_reverse` makes as :class:`_Edge` objects (a user added to a group by
    another caller, writes with a route, rewrites of its own permissions)."""
    out = []
    for user, f in _joins_by_others(findings, moves):
        out.append(_Edge(user, ADMIN if f.escalation == "admin" else f.target, f, 1))
    for f in findings:
        if _OUTCOME.get(f.kind) not in _WRITES or f.source_is_admin:
            continue
        route = routes.get(f.key)
        if route is not None:
            out.append(_Edge(f.source, ADMIN, f, 1 + len(route), route))
        elif f.escalation == "admin":
            out.append(_Edge(f.source, ADMIN, f, 0))
    return out


def _plain_target(f: Finding, admins: Mapping[str, AdminReason]) -> str | None:
    """Where :func:`_reverse` puts a plain move (``None``: nowhere)."""
    if _OUTCOME.get(f.kind) == "join-group":
        return ADMIN if f.escalation == "admin" else None
    if f.escalation == "admin" and f.target not in admins:
        return ADMIN
    return f.target


def _weight(e: _Edge) -> Cost:
    fs = (e.finding, *e.route)
    return (
        e.hops,
        sum(1 for r in fs if r.conditional),
        sum(len(r.conditions) for r in fs),
        sum(_existing(r) for r in fs),
    )


def _plus(c: Cost, w: Cost) -> Cost:
    return (c[0] + w[0], c[1] + w[1], c[2] + w[2], c[3] + w[3])


@dataclass(frozen=True, slots=True)
class Graph:
    """What :func:`update_distances` needs of the analysis its distances came from."""

    distances: Distances
    admins: frozenset[str]
    special: tuple[_Edge, ...]


def update_distances(
    prev: Graph,
    findings: Sequence[Finding],
    admins: Mapping[str, AdminReason],
    routes: Routes,
    moves: Mapping[str, list[Finding]],
    changed: set[str],
    into: Mapping[str, set[str]],
    limit: int,
) -> tuple[Distances, Graph] | None:
    """:func:`admin_distances` after a change, redone only for the nodes that can reach a
    changed one (``None`` when more than ``limit`` can: search them all again).

    ``changed``: the sources whose moves are not the same objects as in ``prev``; ``into``:
    node → the sources with a move into it (a superset is fine). A node that reaches no changed
    node, no node whose admin status changed and no source of a special edge keeps its
    distance and first step: everything it reaches is as it was. For the others, distances are
    the shortest (one Dijkstra over them, from the distances kept around them) and the step is
    the one :func:`admin_distances` picks: the lowest cost, then the target it settles first
    (lower cost, then name; the admin sink first), then :func:`_order`.
    """
    special = _special_edges(findings, routes, moves)
    seeds = set(changed)
    was, now = _by_source(prev.special), _by_source(special)
    seeds.update(n for n in was.keys() | now.keys() if was.get(n) != now.get(n))
    seeds.update(prev.admins.symmetric_difference(admins))
    affected = set(seeds)
    queue = deque(seeds)
    while queue:
        node = queue.popleft()
        for source in into.get(node, ()):
            if source not in affected:
                affected.add(source)
                if len(affected) > limit:
                    return None
                queue.append(source)
    if len(affected) > limit:
        return None
    # Out-edges of the affected nodes: (target, weight, finding, the special edge or None).
    out: dict[str, list[tuple[str, Cost, Finding, _Edge | None]]] = defaultdict(list)
    for node in affected:
        for f in moves.get(node, ()):
            target = _plain_target(f, admins)
            if target is not None:
                w: Cost = (1, int(f.conditional), len(f.conditions), _EXISTING.get(f.kind, 0))
                out[node].append((target, w, f, None))
    for e in special:
        if e.source in affected:
            out[e.source].append((e.target, _weight(e), e.finding, e))
    old = prev.distances
    cost: dict[str, Cost] = {n: c for n, c in old.cost.items() if n not in affected}
    step: dict[str, _Edge | None] = {n: s for n, s in old.step.items() if n not in affected}
    zero: Cost = (0, 0, 0, 0)
    for a in admins:
        cost[a] = zero
        step[a] = None
    cost[ADMIN] = zero
    inside: dict[str, list[tuple[str, Cost]]] = defaultdict(list)
    heap: list[tuple[Cost, str]] = []
    best: dict[str, Cost] = {}
    for node in affected:
        if node in admins:
            continue
        for target, w, _, _ in out.get(node, ()):
            if target in affected and target not in admins:
                inside[target].append((node, w))
            elif target in cost:
                nc = _plus(cost[target], w)
                if node not in best or nc < best[node]:
                    best[node] = nc
        if node in best:
            heapq.heappush(heap, (best[node], node))
    done: set[str] = set()
    while heap:
        c, node = heapq.heappop(heap)
        if node in done or c != best.get(node):
            continue
        done.add(node)
        cost[node] = c
        for source, w in inside.get(node, ()):
            nc = _plus(c, w)
            if source not in done and (source not in best or nc < best[source]):
                best[source] = nc
                heapq.heappush(heap, (nc, source))
    for node in affected:
        if node in admins or node not in cost:
            continue
        chosen: tuple[Cost, Cost, str] | None = None
        pick: tuple[str, Finding, _Edge | None] | None = None
        for target, w, f, edge in out.get(node, ()):
            tc = cost.get(target)
            if tc is None:
                continue
            key = (_plus(tc, w), tc, target)
            if (
                chosen is None
                or key < chosen
                or (key == chosen and pick is not None and _order(f) < _order(pick[1]))
            ):
                chosen, pick = key, (target, f, edge)
        if pick is not None:
            to, hop, edge = pick
            step[node] = edge if edge is not None else _Edge(node, to, hop, 1)
    cost.pop(ADMIN, None)
    return Distances(cost, step), Graph(Distances(cost, step), frozenset(admins), tuple(special))


def _by_source(edges: Sequence[_Edge]) -> dict[str, list[tuple[object, ...]]]:
    """Source → its special edges, as what makes them the same: target, finding, route."""
    out: dict[str, list[tuple[object, ...]]] = defaultdict(list)
    for e in edges:
        out[e.source].append((e.target, id(e.finding), e.hops, tuple(map(id, e.route))))
    return out


def graph_of(
    distances: Distances,
    findings: Sequence[Finding],
    admins: Mapping[str, AdminReason],
    routes: Routes,
    moves: Mapping[str, list[Finding]],
) -> Graph:
    """What :func:`update_distances` needs to update ``distances`` after a change."""
    return Graph(distances, frozenset(admins), tuple(_special_edges(findings, routes, moves)))
