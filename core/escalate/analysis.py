"""Analyse an account: every PassRole and method edge, escalation labels, and paths to admin.

Principals with the same policies (and no principal-specific variables) share a *signature* and
are evaluated once; their findings are then relabelled for each principal. A what-if passes the
previous analysis' :class:`Cache`: only principals whose policies changed are decided again, and
the edges of the others are relabelled where their targets changed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from itertools import compress
from operator import attrgetter

from core.escalate.capabilities import (
    AdminReason,
    GainSummary,
    admin_reason,
    better_versions,
    denying_policies,
    gained,
    gains_anything,
    summarize,
    unknown_boundary_condition,
    with_any_policy,
    with_version,
    without_boundary,
    without_policy,
)
from core.escalate.findings import Finding, Reason, realigned, with_reaches_admin
from core.escalate.gc_pause import fewer_collections
from core.escalate.method_edges import (
    OWN_METHODS,
    SET_DEFAULT_VERSION,
    SHARED_METHODS,
    TAKEOVER_METHODS,
    MethodEdge,
    assume_role_edges,
    method_edges_for,
    policy_holders,
    self_related,
)
from core.escalate.method_edges import to_finding as method_finding
from core.escalate.passrole_edges import (
    EdgeCandidate,
    ReasonMemo,
    TrustResult,
    passrole_edges_for,
    relabel_reasons,
    trusted_roles,
)
from core.escalate.passrole_edges import to_finding as passrole_finding
from core.escalate.paths import (
    Distances,
    Graph,
    Path,
    admin_distances,
    find_paths,
    graph_of,
    is_write,
    moves_of,
    reaches_admin,
    sort_out,
    update_distances,
    write_routes,
)
from core.escalate.tables.methods import METHODS
from core.evaluate.evaluator import PolicySet
from core.evaluate.principal import (
    PrincipalView,
    Relabelling,
    SharedDecisions,
    group_view,
    label_of,
    policy_set,
    principal_view,
)
from core.model.account import Account, Role, User
from core.model.arn_index import ArnIndex

Progress = Callable[[str, int, int], None]


@dataclass
class Analysis:
    """The result of analysing an account.

    Attributes:
        account: the analysed account.
        findings: every edge, PassRole first.
        admins: ARN → why the principal (or group) is admin-equivalent.
        paths: shortest paths to admin, per principal, shortest first.
        views: ARN → evaluation view (for explanations and what-ifs).
    """

    account: Account
    findings: list[Finding]
    admins: dict[str, AdminReason]
    paths: list[Path]
    views: dict[str, PrincipalView] = field(repr=False, default_factory=dict)
    trusted: dict[str, list[tuple[Role, TrustResult]]] = field(repr=False, default_factory=dict)
    cache: Cache | None = field(repr=False, default=None)
    analysed_at: str = ""
    """The analysis time (ISO 8601, UTC) that time condition keys were evaluated against."""
    parts: dict[str, list[Finding]] | None = field(repr=False, default=None)
    """Source ARN → its findings (PassRole first), when kept for a what-if: a source whose
    findings a what-if left as they were keeps the very same list (the diff skips it)."""

    def passrole_edges(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "passrole"]


class _Citations:
    """How the signature's representative's references read for another principal of the
    signature, with the relabelled reasons and texts of one principal's findings.

    Equal signatures hold the same documents at the same positions (identity, boundary, SCP
    levels), so each of the representative's references stands for this principal's reference
    at its position: the same document, cited with this principal's own attachment (its name,
    the group it holds the policy through, its inline policy's owner). The swap is a
    :data:`~core.evaluate.principal.Relabelling` (by document and label, as scope-key sharing
    relabels), applied by :func:`~core.escalate.passrole_edges.relabel_reasons`. It is built
    here rather than by :func:`~core.evaluate.principal.relabelling`, which gives up when a
    reference is held twice alike; here either one reads the same.
    """

    def __init__(self, rep: PrincipalView, view: PrincipalView) -> None:
        self.swap: Relabelling = {}
        labels: dict[str, str] = {}
        if rep is not view:
            for a, b in zip(rep.all_refs, view.all_refs, strict=True):
                la = label_of(a)
                if la != label_of(b):
                    doc = id(a.document)
                    self.swap[doc] = (*self.swap.get(doc, ()), (la, b))
                    if a.label != b.label:
                        labels[a.label] = b.label
        # Longest first: a label that is a prefix of another is replaced after it.
        self.labels = sorted(labels.items(), key=lambda kv: -len(kv[0]))
        self.memo: ReasonMemo = {}
        self.reasons: dict[int, tuple[tuple[Reason, ...], tuple[Reason, ...]]] = {}

    def relabel(self, reasons: tuple[Reason, ...]) -> tuple[Reason, ...]:
        """``reasons`` citing this principal's references (the same tuple when none changes;
        kept per tuple: the same reasons recur on every role)."""
        if not self.swap:
            return reasons
        hit = self.reasons.get(id(reasons))
        if hit is None or hit[0] is not reasons:
            hit = self.reasons[id(reasons)] = (
                reasons,
                relabel_reasons(reasons, self.swap, self.memo),
            )
        return hit[1]

    def text(self, t: str) -> str:
        """A condition or constraint naming a statement by its label ("avoid ... (POLICY
        (via group ops) Statement[1])") citing this principal's attachment."""
        for old, new in self.labels:
            if old in t:
                t = t.replace(old, new)
        return t


class _Powers:
    """Admin reasons per principal; escalation labels per (source, target) signature pair for
    targets that are not admin-equivalent (an admin target's line names it: kept per target).

    Labels come from the compiled bit sets (:func:`core.escalate.capabilities.gains_anything`); the
    lines saying
    what is gained are a :class:`GainSummary`, computed only when a finding is shown. The pair
    cache is bounded (cleared past ``PAIR_LIMIT`` entries) so memory stays linear.
    """

    PAIR_LIMIT = 200_000

    def __init__(self, account: Account) -> None:
        self.account = account
        self.admin: dict[object, tuple[PrincipalView, AdminReason | None]] = {}
        self.gains: dict[tuple[int, int], tuple[str, Sequence[str]]] = {}
        self.joins: dict[tuple[object, ...], tuple[str, tuple[str, ...]]] = {}
        self.lines: dict[str, tuple[str]] = {}
        """The one tuple of each line saying a target is admin: every finding to it, and every
        takeover of a resource running as it, shares it (hundreds of thousands on a large
        account)."""
        self.sids: dict[object, int] = {}
        """Signature → its number (see :meth:`_sid`)."""

    def line(self, text: str) -> tuple[str]:
        """``(text,)``, one tuple per text (see ``lines``)."""
        hit = self.lines.get(text)
        if hit is None:
            hit = self.lines[text] = (text,)
        return hit

    def admin_line(self, reason: AdminReason) -> tuple[str]:
        """``("admin: DETAIL",)`` (:meth:`line`)."""
        return self.line(f"admin: {reason.detail}")

    def admin_of(self, view: PrincipalView) -> AdminReason | None:
        memo = view.memo.get("admin-reason", self)
        if memo is not self:
            return memo  # type: ignore[return-value]
        # Self-modification is checked on the principal's own ARN: key by ARN as well.
        key = (view.signature, view.arn)
        hit = self.admin.get(key)
        if hit is None:
            hit = self.admin[key] = (view, admin_reason(self.account, view))
        view.memo["admin-reason"] = hit[1]
        return hit[1]

    def _target_admin(self, target: PrincipalView) -> tuple[str, tuple[str]] | None:
        """``("admin", (line,))`` when acting as ``target`` is acting as an admin-equivalent
        principal (kept on the target's view), else ``None``."""
        memo = target.memo.get("admin-gain", self)
        if memo is not self:
            return memo  # type: ignore[return-value]  # what this method stored
        reason = self.admin_of(target)
        head = "admin: "
        if reason is None and unknown_boundary_condition(target) is not None:
            # Its boundary is missing from the export: judged without it, and the finding is
            # conditional on the boundary allowing it (see _on_boundary).
            reason = admin_reason(self.account, without_boundary(target))
            head = "admin: if its permissions boundary allows it, "
        out = None if reason is None else ("admin", self.line(f"{head}{reason.detail}"))
        target.memo["admin-gain"] = out
        return out

    def _sid(self, view: PrincipalView) -> int:
        """A number per signature (kept on the view for this object): the pair cache's key is
        asked once per finding, and hashing two nested signature tuples each time costs more
        than the lookup."""
        memo = view.memo.get("powers-sid")
        if isinstance(memo, tuple) and memo[0] is self:
            return memo[1]  # type: ignore[no-any-return]  # what this method stored
        sid = self.sids.setdefault(view.signature, len(self.sids))
        view.memo["powers-sid"] = (self, sid)
        return sid

    def gain(self, source: PrincipalView, target: PrincipalView) -> tuple[str, Sequence[str]]:
        """Escalation label and gained capabilities (lines, computed lazily) of acting as
        ``target``.

        Whether the target is admin-equivalent is decided per target principal, not per
        signature: a principal that may rewrite its own permissions is checked on its own ARN
        (IAM User Guide, "Policy evaluation logic": the request's resource is its ARN), so two
        roles holding one policy that allows ``iam:AttachRolePolicy`` on ``role/a`` differ.
        The rest (the capabilities gained) follows from the documents alone and is kept per
        (source signature, target signature)."""
        admin = self._target_admin(target)
        if admin is not None:
            return admin
        key = (self._sid(source), self._sid(target))
        hit = self.gains.get(key)
        if hit is not None:
            return hit
        out: tuple[str, Sequence[str]]
        if gains_anything(source, target):
            out = ("privilege-gain", GainSummary(source, target))
        else:
            out = ("none", ())
        if len(self.gains) >= self.PAIR_LIMIT:
            self.gains.clear()
        self.gains[key] = out
        return out


_SigResult = tuple[PrincipalView, list[EdgeCandidate], list[MethodEdge]]


@dataclass
class Cache:
    """What one analysis can hand to the next (a what-if): results per policy signature.

    Per-signature edges stay valid while the *world* (roles with their trust policies, tags and
    instance profiles; the users, groups and customer policies that methods target) is the same;
    admin reasons and capabilities stay valid per signature.
    """

    world: tuple[object, ...] = ()
    by_sig: dict[object, _SigResult] = field(default_factory=dict)
    powers: _Powers | None = None
    trusted: dict[str, list[tuple[Role, TrustResult]]] | None = None
    trust_key: tuple[object, ...] = ()
    decisions: SharedDecisions = field(default_factory=dict)
    """Decisions shared between the views of this analysis and the next (a what-if)."""
    role_indexes: dict[str, ArnIndex[tuple[Role, TrustResult]]] = field(default_factory=dict)
    """Service id → the ARN index of ``trusted[id]`` (valid as long as ``trusted``)."""
    per_principal: dict[tuple[str, object], _Done] = field(default_factory=dict)
    """(principal ARN, signature) → its findings, the edges they came from and the (target ARN,
    signature) they depend on."""
    views: dict[str, PrincipalView] = field(default_factory=dict)
    view_key: tuple[object, ...] = ()
    now: float | None = None
    """The analysis time (epoch seconds) the cached results were computed for."""
    admin_trusted: (
        tuple[
            dict[str, PrincipalView],
            dict[str, list[tuple[Role, TrustResult]]],
            _Powers,
            dict[str, list[tuple[Role, TrustResult]]],
        ]
        | None
    ) = None
    """``trusted`` restricted to admin-equivalent roles, for the views and trust map keyed."""
    view_account: Account | None = None
    """Keeps the account whose collections ``view_key`` names alive (ids stay unique)."""
    final: dict[str, _Final] = field(default_factory=dict)
    """Principal ARN → its findings as the last analysis finished them (writes labelled, moves
    carrying their reach): reused whole when its edges, its writes' routes and the distances
    of its moves' targets are the same (an unchanged finding stays the same object, which
    also lets the diff skip it)."""
    reach: dict[str, tuple[int, bool]] = field(default_factory=dict)
    """Node → (hops, conditional) to admin of the last analysis (what a move's reach reads)."""
    movers: dict[str, set[str]] = field(default_factory=dict)
    """Node → the principals in ``final`` with a move into it."""
    graph: Graph | None = None
    """The distances of ``final`` and what updating them needs."""
    admin_key: tuple[object, ...] | None = None
    """The admin-equivalent trusted roles that ``by_sig`` and ``per_principal`` were computed
    with: edges taking over an existing resource exist only towards those."""


def _world(account: Account) -> tuple[tuple[object, ...], tuple[object, ...]]:
    trust = tuple((r.arn, id(r.trust_policy), r.is_service_linked) for r in account.roles)
    world = (
        trust,
        tuple((r.arn, r.tags, r.instance_profiles) for r in account.roles),
        tuple(u.arn for u in account.users),
        tuple(g.arn for g in account.groups),
        tuple(p.arn for p in account.policies if not p.is_aws_managed),
        account.account_id,
    )
    return world, trust


def _views(account: Account, cache: Cache) -> dict[str, PrincipalView]:
    """Views of every principal and group; unchanged ones are reused from the cache."""
    now = cache.now
    shared = (
        id(account.groups),
        id(account.policies),
        id(account.scp_levels),
        account.metadata,
        now,
    )
    reuse = cache.view_key == shared
    # The account's policies changed (a what-if edit) but not the time or metadata: a view
    # whose principal holds the very same documents is kept (with what it has decided).
    recheck = not reuse and cache.view_key[3:] == shared[3:] and cache.view_account is not None
    views: dict[str, PrincipalView] = {}
    for p in account.principals:
        old = cache.views.get(p.arn) if reuse or recheck else None
        views[p.arn] = (
            old
            if old is not None
            and old.entity is p
            and (reuse or _same_policies(old.policies, policy_set(account, p)))
            else principal_view(account, p, now, cache.decisions)
        )
    for g in account.groups:
        old = cache.views.get(g.arn) if reuse else None
        views[g.arn] = (
            old
            if old is not None and old.entity is g
            else group_view(account, g, now, cache.decisions)
        )
    cache.views = views
    cache.view_key = shared
    cache.view_account = account
    return views


def _same_policies(old: PolicySet, new: PolicySet) -> bool:
    """The same documents, attached the same way (names, ARNs, labels, layers, levels)."""

    def refs(ps: PolicySet) -> list[tuple[object, ...]]:
        every = [*ps.identity, *([ps.boundary] if ps.boundary else [])]
        every += [r for level in ps.scp_levels for r in level]
        return [(id(r.document), r.name, r.arn, r.via, r.layer, r.level) for r in every]

    return (
        old.account_id == new.account_id
        and [len(level) for level in old.scp_levels] == [len(level) for level in new.scp_levels]
        and (old.boundary is None) == (new.boundary is None)
        and refs(old) == refs(new)
    )


def analyse(
    account: Account,
    progress: Progress | None = None,
    cache: Cache | None = None,
    at: datetime | None = None,
    *,
    reusable: bool = True,
) -> Analysis:
    """Analyse every principal of the account, reusing ``cache`` from an earlier analysis.

    ``at`` is the analysis time that ``aws:CurrentTime``, ``aws:EpochTime`` and
    ``aws:TokenIssueTime`` are evaluated against (default: the cache's, else now).
    ``reusable=False`` keeps nothing for a later what-if (a one-off scan): each principal's
    findings are not cached, a signature's edges are dropped once its last principal is done,
    and ``Analysis.cache`` is ``None``; peak memory is then about the findings'.
    The garbage collector runs less often meanwhile (:mod:`core.escalate.gc_pause`).
    """
    with fewer_collections():
        return _analyse(account, progress, cache, at, reusable)


def _analyse(
    account: Account,
    progress: Progress | None,
    cache: Cache | None,
    at: datetime | None,
    reusable: bool = True,
) -> Analysis:
    if cache is None:
        cache = Cache()
    if at is not None:
        when = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
        now = float(int(when.timestamp()))
        if cache.now is not None and cache.now != now:
            cache.powers = None  # admin reasons were decided at another time
        cache.now = now
    elif cache.now is None:
        cache.now = float(int(datetime.now(UTC).timestamp()))
    views = _views(account, cache)
    world, trust_key = _world(account)
    world = (*world, cache.now)
    if cache.trusted is None or cache.trust_key != trust_key:
        cache.trusted = trusted_roles(account)
        cache.trust_key = trust_key
        cache.role_indexes = {}
    if cache.world != world:
        cache.by_sig = {}
        cache.per_principal = {}
        cache.world = world
    if cache.powers is None:
        cache.powers = _Powers(account)
    cache.powers.account = account
    trusted = cache.trusted
    powers = cache.powers
    _drop_stale_takeovers(views, trusted, powers, cache)
    parts = _findings_for(
        account, views, trusted, powers, account.principals, progress, cache, reusable
    )
    if reusable:
        analysis = _finish_kept(account, views, trusted, powers, parts, cache)
        analysis.cache = cache
    else:
        findings = _flat([done.findings for _, done in parts], [done.passrole for _, done in parts])
        del parts  # each principal's edges are freed with its findings' last reference
        analysis = _finish(account, views, trusted, powers, findings)
    analysis.analysed_at = datetime.fromtimestamp(cache.now, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return analysis


def _findings_for(
    account: Account,
    views: dict[str, PrincipalView],
    trusted: dict[str, list[tuple[Role, TrustResult]]],
    powers: _Powers,
    principals: Iterable[User | Role],
    progress: Progress | None,
    cache: Cache,
    reusable: bool = True,
) -> list[tuple[str, _Done]]:
    """Each principal's findings (sorted by its ARN), reused or refreshed from ``cache``."""
    principals = list(principals)
    parts: list[tuple[str, _Done]] = []
    # Not reusable: a signature's edges are dropped after its last principal (memory).
    left = (
        Counter(views[p.arn].signature for p in principals if not _service_linked(p))
        if not reusable
        else None
    )
    for i, p in enumerate(principals):
        if _service_linked(p):
            continue  # only the service can act as a service-linked role
        view = views[p.arn]
        key = (p.arn, view.signature)
        done = cache.per_principal.get(key)
        if done is not None:
            changed = {
                t for t, sig in done.deps if (views[t].signature if t in views else None) != sig
            }
            if changed:
                done = cache.per_principal[key] = _refreshed(
                    account, views, powers, view, done, changed
                )
        else:
            done = _principal_findings(account, views, trusted, powers, view, cache)
            if reusable:
                cache.per_principal[key] = done
        parts.append((p.arn, done))
        if left is not None:
            left[view.signature] -= 1
            if not left[view.signature]:
                cache.by_sig.pop(view.signature, None)
        if progress is not None and (i % 50 == 0 or i == len(principals) - 1):
            progress("principals", i + 1, len(principals))
    parts.sort(key=lambda part: part[0])
    return parts


def _flat(lists: Sequence[list[Finding]], passrole: Sequence[int]) -> list[Finding]:
    """The order of a sort of every finding by (not PassRole, source, kind, target, service),
    from each principal's own sorted list (``lists``, by source ARN: its findings all have its
    ARN as their source; the first ``passrole[i]`` of ``lists[i]`` are PassRole edges)."""
    findings: list[Finding] = []
    for fs, n in zip(lists, passrole, strict=True):
        findings.extend(fs[:n])
    for fs, n in zip(lists, passrole, strict=True):
        findings.extend(fs[n:])
    return findings


def _service_linked(p: User | Role) -> bool:
    return isinstance(p, Role) and p.is_service_linked


_Item = tuple["EdgeCandidate | MethodEdge", bool, Finding]
"""A finding with the edge it was made from and whether that edge is the principal's own
(decided for it, not for its signature)."""


@dataclass
class _Done:
    """One principal's findings, kept for the next analysis (a what-if)."""

    findings: list[Finding]
    deps: tuple[tuple[str, object], ...]
    """(target ARN, its signature) of every user, role or group its edges lead to."""
    items: list[_Item]
    rep: PrincipalView | None
    """The view its signature's edges were decided for (``None``: admin, no edges)."""
    passrole: int = -1
    """How many of ``findings`` (sorted: PassRole first, then by kind, target, service) are
    PassRole edges; given by a caller whose ``findings`` are sorted already (else -1: they are
    sorted and counted here)."""

    by_target: dict[str, list[int]] | None = None
    """Target ARN → positions in ``items`` and ``findings`` (built on first use)."""

    def __post_init__(self) -> None:
        if self.passrole >= 0:
            return
        if self.items:
            # Items in the findings' order: position i of one is position i of the other.
            self.items.sort(key=lambda it: _order_key(it[2]))
            self.findings[:] = [it[2] for it in self.items]
        else:
            self.findings.sort(key=_order_key)
        self.passrole = sum(1 for f in self.findings if f.kind == "passrole")

    def positions(self) -> dict[str, list[int]]:
        """Target ARN → positions of the edges to it."""
        if self.by_target is None:
            by: dict[str, list[int]] = {}
            for i, f in enumerate(self.findings):
                by.setdefault(f.target, []).append(i)
            self.by_target = by
        return self.by_target


def _order_key(f: Finding) -> tuple[bool, str, str, str]:
    """A principal's findings in order: PassRole first, then by kind, target and service."""
    return (f.kind != "passrole", f.kind, f.target, f.service or "")


def _principal_findings(
    account: Account,
    views: dict[str, PrincipalView],
    trusted: dict[str, list[tuple[Role, TrustResult]]],
    powers: _Powers,
    view: PrincipalView,
    cache: Cache,
) -> _Done:
    reason = powers.admin_of(view)
    if reason is not None:
        # Already admin-equivalent: its edges are not enumerated. Rewriting its own
        # permissions is the one escalation it has: report that as its finding.
        mine = [_self_modify_finding(view, reason)] if reason.kind == "self-modify" else []
        return _Done(mine, (), [], None)
    hit = cache.by_sig.get(view.signature)
    if hit is None:
        hit = (
            view,
            passrole_edges_for(account, view, trusted, indexes=cache.role_indexes),
            method_edges_for(
                account,
                view,
                trusted,
                SHARED_METHODS,
                existing_roles=_admin_trusted(views, trusted, powers, cache),
            )
            # Trusts that do not depend on who the caller is: once per signature.
            + assume_role_edges(account, view, shared=True),
        )
        cache.by_sig[view.signature] = hit
    rep, pedges, shared = hit
    # Trust policies that name principals (or read their keys) are decided per principal, and
    # so are the methods whose edges name the caller itself.
    own = assume_role_edges(account, view, shared=False) + method_edges_for(
        account, view, trusted, OWN_METHODS
    )
    label = _Labeller(account, views, powers, view, rep)
    items: list[_Item] = []
    deps: dict[str, object] = {}
    for cand in pedges:
        if cand.role.arn == view.arn:
            continue
        deps[cand.role.arn] = views[cand.role.arn].signature
        items.append((cand, False, label.passrole(cand)))
    groups = view.entity.groups if isinstance(view.entity, User) else ()
    for edge, is_own in [*((e, False) for e in shared), *((e, True) for e in own)]:
        outcome = edge.method.outcome
        if edge.target == view.arn and outcome in ("become-user", "become-role", "join-group"):
            continue
        if outcome == "policy-remove" and edge.target != view.arn:
            continue  # removing another principal's Deny: judged only on the caller itself
        if edge.method.outcome == "join-group" and edge.target_name in groups:
            continue  # already a member
        if edge.target in views:
            deps[edge.target] = views[edge.target].signature
        f = label.method(edge, is_own)
        if f is not None:
            items.append((edge, is_own, f))
    return _Done([f for _, _, f in items], tuple(deps.items()), items, rep)


def _refreshed(
    account: Account,
    views: dict[str, PrincipalView],
    powers: _Powers,
    view: PrincipalView,
    done: _Done,
    changed: set[str],
) -> _Done:
    """``done`` for a principal whose own policies are unchanged but some of whose targets'
    (``changed``) are: its edges stand (they follow from its own policies and the roles'
    trust), only the labels of the edges to those targets are decided again."""
    label = _Labeller(account, views, powers, view, done.rep or view)
    # Only the edges into changed targets are looked at (positions by target); a new label
    # keeps the edge's kind, target and service, so the order stands without a sort.
    items = list(done.items)
    findings = list(done.findings)
    where = done.positions()
    dropped: set[int] = set()
    for t in changed:
        for i in where.get(t, ()):
            edge, is_own, _old = items[i]
            new = (
                label.passrole(edge)
                if isinstance(edge, EdgeCandidate)
                else label.method(edge, is_own)
            )
            if new is None:
                dropped.add(i)
            else:
                items[i] = (edge, is_own, new)
                findings[i] = new
    deps = tuple((t, views[t].signature if t in views else None) for t, _ in done.deps)
    if not dropped:
        return _Done(findings, deps, items, done.rep, done.passrole, where)
    items = [it for i, it in enumerate(items) if i not in dropped]
    findings = [f for i, f in enumerate(findings) if i not in dropped]
    passrole = sum(1 for f in findings if f.kind == "passrole")
    return _Done(findings, deps, items, done.rep, passrole)


class _Labeller:
    """Makes one principal's findings from its edges: labels, gains and relabelled reasons."""

    def __init__(
        self,
        account: Account,
        views: dict[str, PrincipalView],
        powers: _Powers,
        view: PrincipalView,
        rep: PrincipalView,
    ) -> None:
        self.account = account
        self.views = views
        self.powers = powers
        self.view = view
        self.rep = rep
        self.cite = _Citations(rep, view)
        self.is_admin = powers.admin_of(view) is not None

    def passrole(self, cand: EdgeCandidate) -> Finding:
        view, target = self.view, self.views[cand.role.arn]
        esc, gained_ = ("none", ()) if self.is_admin else self.powers.gain(view, target)
        reasons = None if self.rep is view else self.cite.relabel(cand.reasons)
        f = passrole_finding(view, cand, esc, gained_, self.is_admin, reasons)
        return _on_boundary(self.texts(f), target)

    def texts(self, f: Finding) -> Finding:
        """``f`` with the conditions and constraints that name a policy by its label ("avoid
        ... (POLICY (attached to user REP) Statement[1])") citing this principal's attachment
        instead of the signature's representative's."""
        cite = self.cite
        if not cite.labels:
            return f
        conditions = tuple(cite.text(t) for t in f.conditions)
        constraints = tuple(cite.text(t) for t in f.constraints)
        if conditions == f.conditions and constraints == f.constraints:
            return f
        return replace(f, conditions=conditions, constraints=constraints)

    def method(self, edge: MethodEdge, is_own: bool) -> Finding | None:
        view, views, powers = self.view, self.views, self.powers
        outcome = edge.method.outcome
        if edge.existing:
            # Taking over an existing instance, function or stack that *could* run as the
            # role: reported only when that role is admin-equivalent (too many otherwise).
            owner = views.get(edge.target)
            reason = powers.admin_of(owner) if owner is not None else None
            if reason is None:
                return None
            return self.texts(
                method_finding(
                    view,
                    edge,
                    "admin",
                    powers.admin_line(reason),
                    self.is_admin,
                    self.cite.relabel(edge.reasons),
                )
            )
        esc, gained_ = (
            ("none", ()) if self.is_admin else _method_gain(self.account, views, powers, view, edge)
        )
        if (
            outcome in ("policy-remove", "policy-write")
            and esc == "none"
            and (edge.target == view.arn)
        ):
            return None  # nothing of its own to lift: no Deny, no boundary, no better version
        reasons = None if is_own else self.cite.relabel(edge.reasons)
        f = method_finding(view, edge, esc, gained_, self.is_admin, reasons)
        if not is_own:
            f = self.texts(f)
        if outcome in ("become-user", "become-role") and edge.target in views:
            f = _on_boundary(f, views[edge.target])
        return f


def _admin_trusted(
    views: dict[str, PrincipalView],
    trusted: dict[str, list[tuple[Role, TrustResult]]],
    powers: _Powers,
    cache: Cache,
) -> dict[str, list[tuple[Role, TrustResult]]]:
    """``trusted`` restricted to admin-equivalent roles: the roles worth an edge for taking over
    an existing resource (see ``method_edges_for``), computed once per analysis."""
    hit = cache.admin_trusted
    if hit is not None and hit[0] is views and hit[1] is trusted and hit[2] is powers:
        return hit[3]

    def admin(arn: str) -> bool:
        return arn in views and powers.admin_of(views[arn]) is not None

    out = {sid: [rt for rt in roles if admin(rt[0].arn)] for sid, roles in trusted.items()}
    cache.admin_trusted = (views, trusted, powers, out)
    return out


def _takes_over(view: PrincipalView) -> bool:
    """Whether an identity Allow names every action of a method that takes over an existing
    resource: without that, ``method_edges_for`` gives no such edge whatever roles are admin."""
    return any(
        all(view.allow_patterns(a) is not None for a in m.actions if a.lower() != "sts:assumerole")
        for m in TAKEOVER_METHODS
    )


def _drop_stale_takeovers(
    views: dict[str, PrincipalView],
    trusted: dict[str, list[tuple[Role, TrustResult]]],
    powers: _Powers,
    cache: Cache,
) -> None:
    """Forget the cached edges of principals that may take over existing resources when the
    admin-equivalent roles those resources run as changed (a what-if made a role admin, or
    took that away): their takeover edges were chosen among the old admin roles."""
    admin = _admin_trusted(views, trusted, powers, cache)
    key = tuple(sorted((sid, tuple(r.arn for r, _ in rts)) for sid, rts in admin.items()))
    if cache.admin_key == key:
        return
    if cache.admin_key is not None:
        cache.by_sig = {s: hit for s, hit in cache.by_sig.items() if not _takes_over(hit[0])}
        cache.per_principal = {
            k: done
            for k, done in cache.per_principal.items()
            if k[0] in views and not _takes_over(views[k[0]])
        }
    cache.admin_key = key


def _on_boundary(f: Finding, target: PrincipalView) -> Finding:
    """A move to a principal whose permissions boundary is missing from the export gains
    what that boundary allows: the finding is conditional on it (not dropped, not certain)."""
    cond = unknown_boundary_condition(target)
    if cond is None or f.escalation == "none" or cond in f.conditions:
        return f
    return replace(f, conditional=True, conditions=(*f.conditions, cond))


def _self_modify_finding(view: PrincipalView, reason: AdminReason) -> Finding:
    method = next((m for m in METHODS if m.actions[0].lower() == reason.action.lower()), None)
    kind = method.id if method else reason.action
    return Finding(
        kind=kind,
        source=view.arn,
        target=reason.resource,
        title=f"{view.name} can rewrite its own permissions ({reason.action})",
        escalation="admin",
        reasons=(Reason("action", f"may {reason.action} on {reason.resource}", reason.refs),),
        gained=("admin: " + reason.detail,),
        references=method.references if method else (),
    )


def _method_gain(
    account: Account,
    views: dict[str, PrincipalView],
    powers: _Powers,
    view: PrincipalView,
    edge: MethodEdge,
) -> tuple[str, Sequence[str]]:
    outcome = edge.method.outcome
    if edge.method.id == SET_DEFAULT_VERSION:
        return _version_gain(account, view, edge.target)
    if outcome == "policy-remove":
        return _remove_gain(account, view, inline=edge.method.id.startswith("delete-"))
    if outcome == "service-grant":
        return "privilege-gain", (f"what the service grants, if {edge.method.needs}",)
    if "permissions-boundary" in edge.method.id:
        if edge.target != view.arn:
            return "none", ()  # escalates only via a path that also reaches the target
        return _lift_boundary_gain(account, view)
    if outcome == "policy-write":
        if self_related(account, view.entity, edge.target):
            if view.policies.boundary is not None:
                return "privilege-gain", ("up to its permissions boundary",)
            return "admin", ("can give itself any permission",)
        return "none", ()  # escalates only via a path that also reaches the target
    if outcome == "join-group":
        return _join_gain(account, powers, view, edge.target)
    target = views.get(edge.target)
    if target is None:
        return "none", ()
    return powers.gain(view, target)


def _version_gain(
    account: Account, view: PrincipalView, policy_arn: str
) -> tuple[str, tuple[str, ...]]:
    """What making a better non-default version the default gives (IAM API reference,
    SetDefaultPolicyVersion: the default version is the operative one).

    For a policy the caller holds: judged on the caller with that version (its boundary and
    SCPs apply). For another holder's policy: ``none`` for the caller, with an ``admin:`` line
    when the version grants every sensitive action by itself (paths then use it).
    """
    policy = account.policy(policy_arn)
    found = better_versions(account, policy) if policy is not None else []
    if not found:
        return "none", ()
    if not any(r.arn == policy_arn for r in view.policies.identity):
        admin = next((v for v, a in found if a), None)
        if admin is not None:
            return "none", (f"admin: version {admin.version_id} grants every sensitive action",)
        return "none", ()
    best: tuple[str, tuple[str, ...]] = ("none", ())
    for version, _ in found:
        swapped = with_version(view, policy_arn, version)
        reason = admin_reason(account, swapped)
        if reason is not None:
            return "admin", (f"admin: with version {version.version_id}, {reason.detail}",)
        extra = gained(view, swapped)
        if extra and best[0] == "none":
            best = ("privilege-gain", summarize(extra))
    return best


def _lift_boundary_gain(account: Account, view: PrincipalView) -> tuple[str, tuple[str, ...]]:
    """Removing (or replacing with a permissive one) its own permissions boundary: what its
    identity policies allow then. Without a boundary there is nothing to lift (IAM User Guide,
    "Permissions boundaries for IAM entities": the boundary only limits)."""
    if view.policies.boundary is None:
        return "none", ()
    freed = without_boundary(view)
    reason = admin_reason(account, freed)
    if reason is not None:
        return "admin", (f"admin: without its boundary, {reason.detail}",)
    extra = gained(view, freed)
    return ("privilege-gain", summarize(extra)) if extra else ("none", ())


def _remove_gain(
    account: Account, view: PrincipalView, *, inline: bool
) -> tuple[str, tuple[str, ...]]:
    """What removing one of its own policies with a Deny gives the caller ("an explicit deny
    in any of these policies overrides the allow": removing it lets the allows apply)."""
    best: tuple[str, tuple[str, ...]] = ("none", ())
    for ref in denying_policies(view, inline=inline):
        freed = without_policy(view, ref)
        reason = admin_reason(account, freed)
        if reason is not None:
            return "admin", (f"admin: without {ref.name}, {reason.detail}",)
        extra = gained(view, freed)
        if extra and best[0] == "none":
            best = ("privilege-gain", summarize(extra))
    return best


def _join_gain(
    account: Account, powers: _Powers, view: PrincipalView, group_arn: str
) -> tuple[str, tuple[str, ...]]:
    """What joining a group gives the caller: judged on the caller as a member of it.

    Only users can be members ("An IAM user group is a collection of IAM users": IAM User
    Guide, "IAM user groups"), so a role gains nothing by itself. A user that becomes a member
    of a group whose members are admin-equivalent (the group grants ``iam:*``, say, which lets
    a member rewrite its own permissions) is admin, as its own boundary allows.
    """
    user = view.entity
    group = account.group(group_arn)
    if not isinstance(user, User) or group is None:
        return "none", ()
    member = principal_view(account, replace(user, groups=(*user.groups, group.name)))
    key = (view.signature, view.arn, member.signature)
    hit = powers.joins.get(key)
    if hit is not None:
        return hit
    reason = admin_reason(account, member)
    out: tuple[str, tuple[str, ...]]
    if reason is not None:
        out = ("admin", (f"admin: as a member of {group.name}, {reason.detail}",))
    else:
        extra = gained(view, member)
        out = ("privilege-gain", summarize(extra)) if extra else ("none", ())
    powers.joins[key] = out
    return out


def _admins(views: dict[str, PrincipalView], powers: _Powers) -> dict[str, AdminReason]:
    admins: dict[str, AdminReason] = {}
    for arn, view in views.items():
        reason = powers.admin_of(view)
        if reason is not None:
            admins[arn] = reason
    return admins


def _holders(account: Account) -> dict[str, list[str]]:
    return {p.arn: policy_holders(account, p) for p in account.policies if not p.is_aws_managed}


def _finish(
    account: Account,
    views: dict[str, PrincipalView],
    trusted: dict[str, list[tuple[Role, TrustResult]]],
    powers: _Powers,
    findings: list[Finding],
) -> Analysis:
    """Write labels, reaches and paths of a one-off analysis (nothing kept for a what-if)."""
    admins = _admins(views, powers)
    holders = _holders(account)
    # Moves are never relabelled as writes: one list of them serves both searches.
    moves = moves_of(findings)
    routes = write_routes(findings, holders, _makes_admin(account, views, powers), moves)
    written = {key[0] for key in routes}  # the kinds of the writes with a route
    # Replaced in place (the list is this analysis' own): an unreferenced original is freed
    # at once instead of when a second list is complete.
    for i, f in enumerate(findings):
        if f.kind in written and f.key in routes:
            findings[i] = _write_label(f, routes[f.key])
    dist = admin_distances(findings, admins, routes, moves)
    del moves
    # Set on the findings themselves, not on copies: a one-off analysis made them and nobody
    # else holds them (no cache, no earlier analysis), so no reader can see them change.
    for f in findings:
        r = reaches_admin(f, dist)
        if r is not None:
            _set_reach(f, "reaches_admin", r)
    paths = find_paths(account, findings, admins, routes, dist)
    return Analysis(account, findings, admins, paths, views, trusted)


_set_reach = object.__setattr__
"""Sets ``reaches_admin`` on a frozen finding that only a one-off analysis holds."""

Route = tuple[Finding, ...] | None
DISTANCE_SHARE = 0.25
"""A what-if searches again the distances of the nodes that can reach what it changed, unless
they are more than this share of the principals (then all of them)."""
_TARGET = attrgetter("target")


@dataclass(slots=True)
class _Final:
    """One principal's findings as an analysis finished them (kept for the next, a what-if)."""

    done: _Done
    findings: list[Finding]
    """``done.findings``, position for position, with routed writes labelled and moves that
    reach admin carrying their reach."""
    moves: list[Finding]
    """Its moves (:func:`core.escalate.paths.moves_of`)."""
    others: list[int]
    """Positions of the findings that are not moves to a user or role (writes among them)."""
    routes: tuple[Route, ...] = ()
    """The route that labelled each of ``others`` (``None``: not a routed write)."""
    targets: frozenset[str] = frozenset()
    """The targets of ``moves``: its findings' reaches read only their distances."""


def _same_route(a: Route, b: Route) -> bool:
    if a is None or b is None:
        return a is b
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


def _finish_kept(
    account: Account,
    views: dict[str, PrincipalView],
    trusted: dict[str, list[tuple[Role, TrustResult]]],
    powers: _Powers,
    parts: list[tuple[str, _Done]],
    cache: Cache,
) -> Analysis:
    """What :func:`_finish` gives for the findings of ``parts``, redoing only what changed
    since the analysis ``cache`` was kept from: a principal's finished findings are reused
    whole when its edges are the same objects, its writes have the same routes and the
    distances to admin of its moves' targets are the same (the only inputs of a reach).

    Write routes and distances are searched again over every move (they are global), from
    lists kept per principal instead of a pass over every finding.
    """
    admins = _admins(views, powers)
    holders = _holders(account)
    before = cache.final
    entries: dict[str, _Final] = {}
    redo: set[str] = set()
    for arn, done in parts:
        e = before.get(arn)
        if e is None or e.done is not done:
            moves, others = sort_out(done.findings, done.passrole)
            targets = frozenset(map(_TARGET, moves))
            e = _Final(done, [], moves, others, targets=targets)
            redo.add(arn)
        entries[arn] = e
    moved = set(redo)  # principals whose moves are other objects than before
    moved.update(arn for arn in before if arn not in entries)
    moves_by = {arn: e.moves for arn, e in entries.items() if e.moves}
    raw = [e.done.findings[i] for e in entries.values() for i in e.others]
    routes = write_routes(raw, holders, _makes_admin(account, views, powers), moves_by)
    del raw
    # The writes as labelled by their routes, in the order of every finding (what the
    # distances read besides the moves).
    labelled: list[Finding] = []
    labels_of: dict[str, list[Finding]] = {}
    for arn, e in entries.items():
        if not e.others:
            continue
        fs = e.done.findings
        now = tuple(routes.get(fs[i].key) if is_write(fs[i]) else None for i in e.others)
        old = e.routes if arn not in redo else None
        labels = []
        for k, i in enumerate(e.others):
            r = now[k]
            if r is None:
                labels.append(fs[i])
            elif old is not None and _same_route(old[k], r):
                labels.append(e.findings[i])  # the same label (writes have no reach)
            else:
                labels.append(_write_label(fs[i], r))
                redo.add(arn)
        if old is not None and any(
            a is not None and b is None for a, b in zip(old, now, strict=True)
        ):
            redo.add(arn)  # a write no longer routed
        labels_of[arn] = labels
        if arn in redo:
            entries[arn] = replace(e, routes=now)
        labelled.extend(labels)
    # Principals with a move into each node, for the entries of this analysis.
    movers = cache.movers
    for arn, old_e in before.items():
        new_e = entries.get(arn)
        if new_e is None or new_e.done is not old_e.done:
            for t in old_e.targets:
                held = movers.get(t)
                if held is not None:
                    held.discard(arn)
    for arn, e in entries.items():
        kept = before.get(arn)
        if kept is None or kept.done is not e.done:
            for t in e.targets:
                movers.setdefault(t, set()).add(arn)
    limit = int(DISTANCE_SHARE * len(entries))
    graph = cache.graph
    update = (
        update_distances(graph, labelled, admins, routes, moves_by, moved, movers, limit)
        if graph is not None
        else None
    )
    if update is None:
        dist = admin_distances(labelled, admins, routes, moves_by)
        graph = graph_of(dist, labelled, admins, routes, moves_by)
    else:
        dist, graph = update
    del labelled
    reach = {node: (c[0], c[1] > 0) for node, c in dist.cost.items()}
    changed = {n for n, r in reach.items() if cache.reach.get(n) != r}
    changed.update(n for n in cache.reach if n not in reach)
    for n in changed:
        redo.update(a for a in movers.get(n, ()) if a in entries)
    for arn in redo:
        e = entries[arn]
        prior = before.get(arn)
        entries[arn] = _Final(
            e.done,
            _finished(e, prior, labels_of.get(arn), dist, changed),
            e.moves,
            e.others,
            e.routes,
            e.targets,
        )
    cache.final = entries
    cache.reach = reach
    cache.graph = graph
    lists = [e.findings for e in entries.values()]
    findings = _flat(lists, [e.done.passrole for e in entries.values()])
    rest = [e.findings[i] for e in entries.values() for i in e.others]
    paths = find_paths(account, rest, admins, routes, dist)
    analysis = Analysis(account, findings, admins, paths, views, trusted)
    analysis.parts = dict(zip(entries, lists, strict=True))
    return analysis


def _finished(
    e: _Final,
    prior: _Final | None,
    labels: list[Finding] | None,
    dist: Distances,
    changed: set[str],
) -> list[Finding]:
    """``e.done.findings`` with ``labels`` (the labelled writes, at ``e.others``) and reaches.
    ``prior`` (this principal's previous entry) lends the finished findings whose edge is the
    same object and whose target's distance (``changed``: the nodes whose distance did) is the
    same: only the others are looked at."""
    fs = e.done.findings
    if prior is None:
        out = list(fs)
        todo: Iterable[int] = range(len(fs))
        lent: dict[int, Finding] = {}
    else:
        pr, pf = prior.done.findings, prior.findings
        gone, moved = realigned(pr, fs)
        out = [*pf[: len(fs)], *fs[len(pf) :]]
        lent = {id(pr[i]): pf[i] for i in gone}
        redo = set(moved)
        redo.update(e.others)
        if not e.targets.isdisjoint(changed):
            targets = map(_TARGET, fs)
            redo.update(compress(range(len(fs)), map(changed.__contains__, targets)))
        todo = sorted(redo)
    others = dict(zip(e.others, labels, strict=True)) if labels is not None else {}
    for i in todo:
        raw = fs[i]
        f = others.get(i, raw)
        r = reaches_admin(f, dist)
        if r is None:
            out[i] = f
            continue
        g = lent.get(id(raw)) if prior is None or i >= len(pr) or pr[i] is not raw else pf[i]
        if g is None or g is f or g.reaches_admin != r:
            g = with_reaches_admin(f, r)
        out[i] = g
    return out


def _makes_admin(
    account: Account, views: dict[str, PrincipalView], powers: _Powers
) -> Callable[[str, str], bool]:
    """Whether a write (method id) on a user or role makes it admin-equivalent: any policy
    added (its boundary and SCPs still cap it: IAM User Guide, "Permissions boundaries for IAM
    entities"), or for a boundary removal or replacement, its identity policies uncapped."""
    memo: dict[tuple[bool, str], bool] = {}

    def decide(kind: str, arn: str) -> bool:
        view = views.get(arn)
        if view is None or view.entity is None:
            return False
        lifts = "permissions-boundary" in kind
        key = (lifts, arn)
        hit = memo.get(key)
        if hit is None:
            if powers.admin_of(view) is not None:
                hit = True
            else:
                changed = without_boundary(view) if lifts else with_any_policy(view)
                hit = admin_reason(account, changed) is not None
            memo[key] = hit
        return hit

    return decide


def _write_label(f: Finding, route: tuple[Finding, ...]) -> Finding:
    """A write on another principal that the caller can then act as: ``admin`` (the hop's own
    label says what the write leads to; the path shows the moves)."""
    name = route[-1].target.rsplit("/", 1)[-1]
    line = f"admin: makes {name} admin-equivalent, then acts as it ({len(route)} move(s))"
    return replace(f, escalation="admin", gained=(line,))
