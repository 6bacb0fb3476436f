"""What a principal can do: admin-equivalence and the capabilities a role would add.

"Admin" means the principal can do anything, or can make itself anything: it may attach or write
any policy on itself (or on a group it is in, or edit a managed policy attached to it) and no
permissions boundary caps it. Capabilities are ``(action, resource scope)`` pairs taken from the
Allow statements of each document (cached per document, so principals sharing documents share the
work), less what unconditional denies, the boundary and SCP levels remove; the difference between
two principals' capabilities, grouped by service and access level, says what a role adds.
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Final

from core.evaluate.caller_keys import DIRECT_CALL_ABSENT, DIRECT_CALL_FACTS
from core.evaluate.conditions import describe_clause
from core.evaluate.decision import PolicyRef, StatementRef
from core.evaluate.evaluator import PolicySet
from core.evaluate.principal import UNKNOWN_BOUNDARY_KEY, PrincipalView, shared_decisions
from core.load.catalogue import Numbering, catalogue
from core.model.account import (
    Account,
    Group,
    ManagedPolicy,
    PolicyDocument,
    PolicyVersion,
    Role,
    Statement,
    User,
)
from core.model.memo import memo_of
from core.model.patterns import arn_matches

FULL_ACCESS_PROBES: Final = (
    "iam:CreateUser",
    "iam:PutRolePolicy",
    "ec2:RunInstances",
    "s3:PutBucketPolicy",
    "lambda:CreateFunction",
    "kms:ScheduleKeyDeletion",
    "dynamodb:DeleteTable",
    "sts:AssumeRole",
    "secretsmanager:GetSecretValue",
    "cloudtrail:StopLogging",
)
"""Sensitive actions across services: a principal allowed all of them can do anything."""

LEVEL_RANK: Final = {"Permissions management": 4, "Write": 3, "Tagging": 2, "Read": 1, "List": 0}
"""Importance of access levels when saying what a role adds."""


@dataclass(frozen=True, slots=True)
class AdminReason:
    """Why a principal is admin-equivalent, with the deciding decisions' statements."""

    kind: str
    """``full-access`` or ``self-modify``."""
    detail: str
    statements: tuple[str, ...]
    action: str = ""
    """For ``self-modify``: the action that rewrites its own permissions..."""
    resource: str = ""
    """...and the resource it acts on (its own ARN, its group, or a policy attached to it)."""
    refs: tuple[StatementRef, ...] = ()


def _self_arns(account: Account, view: PrincipalView) -> list[tuple[str, str]]:
    """(action, resource) pairs that let the principal rewrite its own permissions.

    For a group view: what lets any member rewrite the group's permissions (the group itself,
    or a customer policy attached to it).
    """
    entity = view.entity
    pairs: list[tuple[str, str]] = []
    if isinstance(entity, Group):
        pairs += [("iam:AttachGroupPolicy", entity.arn), ("iam:PutGroupPolicy", entity.arn)]
        attached = entity.attached_policies
    elif isinstance(entity, Role):
        pairs += [("iam:AttachRolePolicy", entity.arn), ("iam:PutRolePolicy", entity.arn)]
        attached = entity.attached_policies
    elif isinstance(entity, User):
        pairs += [("iam:AttachUserPolicy", entity.arn), ("iam:PutUserPolicy", entity.arn)]
        attached = entity.attached_policies
        for g in entity.groups:
            group = account.group(g)
            if group is not None:
                pairs += [("iam:AttachGroupPolicy", group.arn), ("iam:PutGroupPolicy", group.arn)]
                attached = (*attached, *group.attached_policies)
    else:
        return pairs
    for arn in dict.fromkeys(attached):
        mp = account.policy(arn)
        if mp is not None and not mp.is_aws_managed:
            pairs.append(("iam:CreatePolicyVersion", arn))
    return pairs


def identity_allow_mask(view: PrincipalView) -> int:
    """The catalogue actions some identity Allow statement of the view names, as a mask."""
    mask = view.memo.get("identity-actions")
    if not isinstance(mask, int):
        mask = 0
        for ref in view.policies.identity:
            mask |= _allow_mask(ref.document)
        view.memo["identity-actions"] = mask
    return mask


def _allow_mask(doc: PolicyDocument) -> int:
    """The catalogue actions the document's Allow statements name (kept per document)."""
    memo = memo_of(doc)
    hit = memo.get("capabilities.allow_mask")
    if hit is None:
        mask = 0
        for st in doc.statements:
            if st.effect == "Allow":
                mask |= _statement_mask(st)
        hit = memo["capabilities.allow_mask"] = mask
    return hit  # type: ignore[return-value]  # what this function stored


def actions_mask(actions: Iterable[str]) -> int:
    """The catalogue's bits of ``actions`` (actions it does not know have none)."""
    bit = catalogue().numbering().bit
    mask = 0
    for a in actions:
        b = bit.get(a.lower())
        if b is not None:
            mask |= 1 << b
    return mask


def may_allow(view: PrincipalView, action: str) -> bool:
    """``False`` when no identity Allow statement of the view names ``action`` (so no request
    for it can be allowed: an identity-based allow is required); ``True`` otherwise, and for
    actions the catalogue does not know. A bit test: a cheap filter before :meth:`decide`."""
    bit = catalogue().numbering().bit.get(action.lower())
    return bit is None or bool(identity_allow_mask(view) >> bit & 1)


def admin_reason(account: Account, view: PrincipalView) -> AdminReason | None:
    """Why the principal is admin-equivalent, or ``None``. Conditional allows do not count."""
    full = all(may_allow(view, a) for a in FULL_ACCESS_PROBES)
    decisions = [view.decide(a) for a in FULL_ACCESS_PROBES] if full else []
    if full and all(d.allowed for d in decisions):
        labels = tuple(dict.fromkeys(s.label for d in decisions for s in d.allowed_by))
        return AdminReason("full-access", "can perform every sensitive action probed", labels)
    if view.policies.boundary is not None:
        # A boundary caps whatever policy the principal writes on itself, unless it can remove it.
        entity = view.entity
        if isinstance(entity, Role):
            lift = view.decide("iam:DeleteRolePermissionsBoundary", entity.arn)
        elif isinstance(entity, User):
            lift = view.decide("iam:DeleteUserPermissionsBoundary", entity.arn)
        else:
            return None
        if not lift.allowed:
            return None
        # It can remove the cap: judge what it is without it.
        freed = admin_reason(account, without_boundary(view))
        if freed is None:
            return None
        return AdminReason(
            "self-modify",
            f"can {lift.action} on itself, then {freed.detail}",
            tuple(s.label for s in lift.allowed_by),
            lift.action,
            entity.arn,
            lift.allowed_by,
        )
    for action, resource in _self_arns(account, view):
        if not may_allow(view, action) or not view.decide(action).possible:
            continue  # cheap, shared: it cannot do this to anything
        d = view.decide(action, resource)
        if d.allowed:
            who = "its members can" if isinstance(view.entity, Group) else "can"
            return AdminReason(
                "self-modify",
                f"{who} {action} on its own {resource.split(':')[-1]}, making itself anything",
                tuple(s.label for s in d.allowed_by),
                action,
                resource,
                d.allowed_by,
            )
    return None


def with_version(view: PrincipalView, policy_arn: str, version: PolicyVersion) -> PrincipalView:
    """The principal as it would be if ``version`` were the default of ``policy_arn``."""
    refs = tuple(
        replace(r, document=version.document) if r.arn == policy_arn else r
        for r in view.policies.identity
    )
    return replace(
        view,
        policies=replace(view.policies, identity=refs),
        signature=(*view.signature, "version", policy_arn, version.version_id),
        _cache={},
        _base_ctx=None,
        memo={},
    )


def without_policy(view: PrincipalView, ref: PolicyRef) -> PrincipalView:
    """The principal as it would be without one of its identity policies."""
    refs = tuple(r for r in view.policies.identity if r is not ref)
    return replace(
        view,
        policies=replace(view.policies, identity=refs),
        signature=(*view.signature, "without", ref.arn or ref.name, ref.via),
        _cache={},
        _base_ctx=None,
        memo={},
    )


def without_boundary(view: PrincipalView) -> PrincipalView:
    """The principal with its permissions boundary removed (or replaced by one allowing all)."""
    return replace(
        view,
        policies=replace(view.policies, boundary=None),
        signature=(*view.signature, "no-boundary"),
        _cache={},
        _base_ctx=None,
        memo={},
    )


_ALLOW_ALL = PolicyDocument(
    "2012-10-17",
    (Statement(0, "Allow", actions=("*",), resources=("*",), text='{"Effect":"Allow"}'),),
)


def with_any_policy(view: PrincipalView) -> PrincipalView:
    """The principal with a policy allowing everything added (what a caller who may attach or
    write any policy on it can make it): its boundary and SCPs still cap it."""
    ref = PolicyRef(name="any policy", document=_ALLOW_ALL, via="written by another principal")
    return replace(
        view,
        policies=replace(view.policies, identity=(*view.policies.identity, ref)),
        signature=(*view.signature, "any-policy"),
        _cache={},
        _base_ctx=None,
        memo={},
    )


def unknown_boundary_condition(view: PrincipalView) -> str | None:
    """The condition (as text) that the principal's permissions boundary, missing from the
    export, allows what it needs; ``None`` when its boundary is known or it has none."""
    b = view.policies.boundary
    if b is None:
        return None
    for st in b.document.statements:
        for c in st.conditions:
            if c.key == UNKNOWN_BOUNDARY_KEY:
                return describe_clause(c)
    return None


def denying_policies(view: PrincipalView, *, inline: bool) -> list[PolicyRef]:
    """The principal's own inline (or directly attached managed) policies with a Deny."""
    entity = view.entity
    if entity is None:
        return []
    own = f"attached to {view.kind} {view.name}"
    return [
        r
        for r in view.policies.identity
        if any(st.effect == "Deny" for st in r.document.statements)
        and ((r.arn is None and r.owner == entity.arn) if inline else r.via == own)
    ]


def document_view(account: Account, name: str, document: PolicyDocument) -> PrincipalView:
    """A view holding one document alone (what a policy version grants by itself)."""
    ref = PolicyRef(name=name, document=document, via="policy version")
    return PrincipalView(
        arn=name,
        name=name,
        kind="policy",
        policies=PolicySet(identity=(ref,), principal_kind="user", account_id=account.account_id),
        base=dict(DIRECT_CALL_FACTS),
        absent=DIRECT_CALL_ABSENT,
        signature=("document", id(document)),
        shared=shared_decisions(account),
    )


def better_versions(account: Account, policy: ManagedPolicy) -> list[tuple[PolicyVersion, bool]]:
    """Non-default versions that grant more than the default, each with whether it grants
    every sensitive action probed by itself (``iam:SetDefaultPolicyVersion`` escalates only
    when such a version exists; the export lists every version)."""
    default = document_view(account, f"{policy.arn} default", policy.document)
    out = []
    for v in policy.versions:
        if v.is_default or v.document is policy.document:
            continue
        other = document_view(account, f"{policy.arn} {v.version_id}", v.document)
        if gained(default, other):
            out.append((v, admin_reason(account, other) is not None))
    return out


Capability = tuple[str, str]
"""``(action, resource)``: an action (lowercase) on ``"*"`` (everything) or one resource pattern."""

Caps = dict[str, int]
"""Capabilities as bit sets: resource scope (``"*"`` or a pattern) -> mask of actions (bits of
:meth:`core.load.catalogue.Catalogue.numbering`). ``(action, scope)`` is in the set when the
action's
bit is set in ``caps[scope]``."""


def _scope_service(scope: str) -> str | None:
    """The literal service of a resource ARN pattern (``None`` for ``*`` or a wildcard)."""
    parts = scope.split(":")
    if len(parts) < 3 or scope == "*" or "*" in parts[2] or "?" in parts[2]:
        return None
    return parts[2]


def _statement_mask(st: Statement) -> int:
    """The catalogue actions a statement's Action (or NotAction) applies to, as a mask."""
    memo = memo_of(st)
    hit = memo.get("capabilities.mask")
    if hit is not None:
        return hit  # type: ignore[return-value]  # what this function stored
    cat = catalogue()
    mask = 0
    for p in st.actions:
        mask |= cat.action_mask(p)
    if st.not_action:
        mask = cat.numbering().everything & ~mask
    memo["capabilities.mask"] = mask
    return mask


def doc_caps(doc: PolicyDocument) -> Caps:
    """The capabilities a document's Allow statements name, as bit sets (cached per document).

    A statement on every resource (``*``, ``NotResource`` or no ``Resource``) gives scope
    ``"*"``; otherwise each Resource pattern is a scope, holding only the actions of the
    pattern's service when the pattern names one (an ARN of another service names nothing the
    action acts on). Conditions are ignored: a conditional allow counts as possible.
    """
    memo = memo_of(doc)
    hit = memo.get("capabilities.caps")
    if hit is not None:
        return hit  # type: ignore[return-value]  # what this function stored
    services = catalogue().numbering().service_masks
    out: Caps = {}
    for st in doc.statements:
        if st.effect != "Allow":
            continue
        mask = _statement_mask(st)
        if not mask:
            continue
        if st.resources is None or st.not_resource or "*" in st.resources:
            scopes: tuple[str, ...] = ("*",)
        else:
            scopes = st.resources
        for scope in scopes:
            svc = _scope_service(scope)
            m = mask if svc is None else mask & services.get(svc, 0)
            if m:
                out[scope] = out.get(scope, 0) | m
    memo["capabilities.caps"] = out
    return out


def _union(docs: list[PolicyDocument]) -> Caps:
    out: Caps = {}
    for d in docs:
        for scope, m in doc_caps(d).items():
            out[scope] = out.get(scope, 0) | m
    return out


_PMATCH: dict[tuple[str, str], bool] = {}


def _pattern_covers(pattern: str, scope: str) -> bool:
    """Whether a (wildcard) resource pattern matches every ARN a narrower scope names."""
    key = (pattern, scope)
    hit = _PMATCH.get(key)
    if hit is None:
        if len(_PMATCH) > 1_000_000:
            _PMATCH.clear()  # bounded: a cache of string pairs, recomputed on demand
        hit = _PMATCH[key] = arn_matches(pattern, scope)
    return hit


def cover(caps: Caps, scope: str) -> int:
    """The actions ``caps`` allow on ``scope``: its ``*`` scope, the scope itself, and (for a
    named scope) every broader pattern that matches it."""
    m = caps.get("*", 0) | caps.get(scope, 0)
    if scope == "*":
        return m
    for p, pm in caps.items():
        if p == "*" or p == scope or not ("*" in p or "?" in p):
            continue
        if pm | m != m and _pattern_covers(p, scope):  # pm adds bits (pm & ~m, cheaper)
            m |= pm
    return m


Deny = tuple[bool, tuple[str, ...], int]
"""An unconditional Deny: (on every resource, its resource patterns, its action mask)."""


def _denies(refs: Sequence[PolicyRef]) -> list[Deny]:
    """Unconditional Deny statements with a Resource list, as masks."""
    out: list[Deny] = []
    for ref in refs:
        for st in ref.document.statements:
            if st.effect == "Deny" and not st.conditions and st.resources and not st.not_resource:
                mask = _statement_mask(st)
                if mask:
                    out.append(("*" in st.resources, st.resources, mask))
    return out


def denied(denies: list[Deny], scope: str) -> int:
    """The actions ``denies`` remove on ``scope`` (a pattern on a named scope, ``*`` on any)."""
    m = 0
    for every, patterns, mask in denies:
        if every or (scope != "*" and any(arn_matches(p, scope) for p in patterns)):
            m |= mask
    return m


@dataclass(slots=True)
class Powers:
    """A principal's capabilities compiled to bit sets (kept on the view, one per principal).

    Attributes:
        raw: what its identity documents allow, before limits.
        limits: its permissions boundary's allows, then each SCP level's.
        denies: unconditional denies of every layer; ``own_denies`` leaves out the SCPs'.
        scp_key: the SCP documents by level (principals with equal keys share the SCP limits).
        caps: its capabilities: ``raw`` within every limit, less the denies.
    """

    raw: Caps
    limits: list[Caps]
    denies: list[Deny]
    own_denies: list[Deny]
    boundary: Caps | None
    scp_key: tuple[tuple[int, ...], ...]
    caps: Caps
    star: dict[bool, int] = field(default_factory=dict)
    """``allowed("*", scps=...)``, kept: every pair with this principal as the source asks it."""

    def allowed(self, scope: str, *, scps: bool = True) -> int:
        """The actions on ``scope`` its identity documents allow and its limits keep."""
        if scope == "*":
            hit = self.star.get(scps)
            if hit is None:
                hit = self.star[scps] = self._allowed(scope, scps)
            return hit
        return self._allowed(scope, scps)

    def _allowed(self, scope: str, scps: bool) -> int:
        m = cover(self.raw, scope)
        if not m:
            return 0
        for lim in self.limits if scps else self.limits[: 1 if self.boundary is not None else 0]:
            m &= cover(lim, scope)
            if not m:
                return 0
        return m & ~denied(self.denies if scps else self.own_denies, scope)


def powers_of(view: PrincipalView) -> Powers:
    """The view's compiled capabilities (computed once per view)."""
    hit = view.memo.get("powers")
    if isinstance(hit, Powers):
        return hit
    raw = _union([r.document for r in view.policies.identity])
    boundary = (
        _union([view.policies.boundary.document]) if view.policies.boundary is not None else None
    )
    limits = ([boundary] if boundary is not None else []) + [
        _union([r.document for r in level]) for level in view.policies.scp_levels
    ]
    refs = view.all_refs
    denies = _denies(refs)
    own = _denies([r for r in refs if r.layer != "scp"])
    caps: Caps = {}
    for scope, m in raw.items():
        for lim in limits:
            m &= cover(lim, scope)
            if not m:
                break
        if m and denies:
            m &= ~denied(denies, scope)
        if m:
            caps[scope] = m
    key = tuple(tuple(id(r.document) for r in lvl) for lvl in view.policies.scp_levels)
    out = Powers(raw, limits, denies, own, boundary, key, caps)
    view.memo["powers"] = out
    return out


_LAST_SOURCE: list[tuple[Powers, tuple[dict[str, int], dict[str, int]]]] = []
"""The last source of :func:`gain_masks` or :func:`gains_anything` and what it allows on each
named scope asked (``scps`` False, then True): the analysis and a report ask for a source's
pairs one after another, and its targets share resource scopes (a third less work at
organisation 5,000). One source's only: the masks are large ints (one bit per catalogue
action)."""
LAST_SOURCE_LIMIT = 1024
"""Named scopes kept for the last source."""


def gain_masks(source: PrincipalView, target: PrincipalView) -> Caps:
    """What acting as ``target`` adds to ``source``, as bit sets per scope: each of the target's
    capabilities that the source's documents do not allow (on that scope or a broader one) or
    that the source's own boundary, SCP levels or denies take away."""
    s, t = powers_of(source), powers_of(target)
    scps = s.scp_key != t.scp_key  # the target's capabilities already passed the same SCPs
    out: Caps = {}
    for scope, m in t.caps.items():
        extra = m & ~_allowed_by_last(s, scope, scps)
        if extra:
            out[scope] = extra
    return out


def _allowed_by_last(s: Powers, scope: str, scps: bool) -> int:
    """``s.allowed(scope, scps=scps)``, kept per named scope while ``s`` is the last source
    asked (:data:`_LAST_SOURCE`)."""
    if scope == "*":
        return s.allowed(scope, scps=scps)
    last = _LAST_SOURCE[0] if _LAST_SOURCE else None
    if last is None or last[0] is not s:
        last = (s, ({}, {}))
        _LAST_SOURCE[:] = [last]  # one assignment: a thread reads the old entry or the new one
    known = last[1][scps]
    hit = known.get(scope)
    if hit is None:
        hit = s.allowed(scope, scps=scps)
        if len(known) < LAST_SOURCE_LIMIT:
            known[scope] = hit
    return hit


def gains_anything(source: PrincipalView, target: PrincipalView) -> bool:
    """Whether acting as ``target`` adds anything to ``source`` (the ``privilege-gain`` label).
    The analysis labels a source's edges one after another: what the source allows per scope
    is kept meanwhile, as for :func:`gain_masks`."""
    s, t = powers_of(source), powers_of(target)
    scps = s.scp_key != t.scp_key
    # ``m & a != m``: some bit of m is not in a (one big-int operation; ``m & ~a`` is two).
    return any(m & _allowed_by_last(s, scope, scps) != m for scope, m in t.caps.items())


class GainSummary(Sequence[str]):
    """The lines of :func:`summarize` for one (source, target) pair, computed on first use
    (a label needs only :func:`gains_anything`; the lines are read when a finding is shown)."""

    __slots__ = ("_lines", "_source", "_target")

    def __init__(self, source: PrincipalView, target: PrincipalView) -> None:
        self._source: PrincipalView | None = source
        self._target: PrincipalView | None = target
        self._lines: tuple[str, ...] | None = None

    def lines(self) -> tuple[str, ...]:
        lines = self._lines
        if lines is None:
            assert self._source is not None and self._target is not None
            lines = self._lines = summarize(gain_masks(self._source, self._target))
            self._source = self._target = None
        return lines

    def __getitem__(self, i: int) -> str:  # type: ignore[override]
        return self.lines()[i]

    def __len__(self) -> int:
        return len(self.lines())

    def __iter__(self) -> Iterator[str]:
        return iter(self.lines())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and self.lines() == tuple(other)

    def __hash__(self) -> int:
        return hash(self.lines())

    def __repr__(self) -> str:
        return f"GainSummary({self.lines()!r})"


def as_pairs(caps: Caps) -> frozenset[Capability]:
    """Bit sets back to ``(action, scope)`` pairs."""
    names = catalogue().numbering().names
    out: set[Capability] = set()
    for scope, m in caps.items():
        while m:
            low = m & -m
            out.add((names[low.bit_length() - 1], scope))
            m ^= low
    return frozenset(out)


def gained(source: PrincipalView, target: PrincipalView) -> frozenset[Capability]:
    """What acting as ``target`` adds to ``source``: the target's capabilities the source lacks
    (``(action, scope)`` pairs; see :func:`gain_masks`)."""
    return as_pairs(gain_masks(source, target))


def as_caps(pairs: Iterable[Capability]) -> Caps:
    """``(action, scope)`` pairs as bit sets (actions the catalogue does not know are dropped)."""
    bit = catalogue().numbering().bit
    out: Caps = {}
    for name, scope in pairs:
        b = bit.get(name.lower())
        if b is not None:
            out[scope] = out.get(scope, 0) | (1 << b)
    return out


_SUMMARIES: dict[tuple[tuple[str, int], ...], tuple[str, ...]] = {}
SUMMARY_LIMIT = 32_768
"""Gain summaries kept (then all dropped): the varied 5,000 + 5,000 account has tens of
thousands of distinct gains; a smaller bound recomputed most of them (``bench/README.md``)."""
_NONZERO = re.compile(rb"[^\x00]+")
_MISSING = object()
_CHUNKS: dict[tuple[int, int], object] = {}
"""A service's gained bits (``(service index, its bits)``) to its ranked counts per level, or
``None``: gains of many pairs hold the same actions of a service (a ``NotAction`` grant)."""
CHUNK_LIMIT = 200_000
"""Entries kept in ``_CHUNKS`` (then all dropped)."""
_SPANS: list[tuple[Numbering, list[tuple[str, int, int, list[tuple[int, str, int, int]]]]]] = []


def _level_spans(
    numbering: Numbering,
) -> list[tuple[str, int, int, list[tuple[int, str, int, int]]]]:
    """Per service: (service, start, end, [(rank, level, shift in the service, width mask)])."""
    if _SPANS and _SPANS[0][0] is numbering:
        return _SPANS[0][1]
    out = [
        (
            svc,
            first,
            end,
            [(LEVEL_RANK.get(lv, 0), lv, a - first, (1 << (b - a)) - 1) for lv, a, b in levels],
        )
        for svc, first, end, levels in numbering.spans
    ]
    _SPANS[:] = [(numbering, out)]
    _CHUNKS.clear()  # its keys are service indexes of the previous numbering
    return out


def summarize(caps: Caps | Iterable[Capability], limit: int = 6) -> tuple[str, ...]:
    """Lines such as ``iam: 12 Permissions management, 3 Write`` for the most important services,
    naming the resources when they are not every resource (``caps``: bit sets, or pairs).

    Services rank by their most sensitive access level, then by how many actions are gained.
    Equal gains (common: many roles add the same to many principals) share one computation.
    """
    if not isinstance(caps, dict):
        caps = as_caps(caps)
    key = (*sorted(caps.items()), ("", limit))
    hit = _SUMMARIES.get(key)
    if hit is not None:
        return hit
    numbering = catalogue().numbering()
    union = 0
    for m in caps.values():
        union |= m
    found: list[tuple[int, int, str, list[tuple[int, str, int]]]] = []
    raw = union.to_bytes((len(numbering.names) + 7) // 8, "little")
    spans = _level_spans(numbering)
    last = -1  # services come in order: each is looked at once
    for run in _NONZERO.finditer(raw):
        # The services whose bits overlap this run of non-zero bytes; small ints from here on.
        first_i = bisect_right(numbering.starts, run.start() * 8) - 1
        last_i = bisect_right(numbering.starts, run.end() * 8 - 1) - 1
        for i in range(max(first_i, last + 1), last_i + 1):
            svc, first, end, widths = spans[i]
            chunk = int.from_bytes(raw[first >> 3 : (end + 7) >> 3], "little") >> (first & 7)
            entry = _CHUNKS.get((i, chunk), _MISSING)
            if entry is _MISSING:
                counts = [
                    (rank, level, n)
                    for rank, level, shift, width in widths
                    if (n := ((chunk >> shift) & width).bit_count())
                ]
                entry = (
                    (-max(c[0] for c in counts), -sum(c[2] for c in counts), svc, counts)
                    if counts
                    else None
                )
                if len(_CHUNKS) >= CHUNK_LIMIT:
                    _CHUNKS.clear()
                _CHUNKS[(i, chunk)] = entry
            if entry is not None:
                found.append(entry)  # type: ignore[arg-type]
        last = max(last, last_i)
    lines = []
    for _, _, svc, levels in heapq.nsmallest(limit, found):
        ranked = sorted(levels, key=lambda x: -x[0])
        line = f"{svc}: " + ", ".join(f"{n} {lv}" for _, lv, n in ranked)
        mask = numbering.service_masks[svc]
        if not caps.get("*", 0) & mask:  # gained on every resource: no names to add
            named = sorted(scope for scope, m in caps.items() if m & mask and scope != "*")
            if named:
                line += " on " + ", ".join(named[:3]) + (" ..." if len(named) > 3 else "")
        lines.append(line)
    if len(found) > limit:
        lines.append(f"... and {len(found) - limit} more services")
    out = tuple(lines)
    if len(_SUMMARIES) >= SUMMARY_LIMIT:
        _SUMMARIES.clear()
    _SUMMARIES[key] = out
    return out
