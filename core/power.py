"""What a principal can do: admin-equivalence and the capabilities a role would add.

"Admin" means the principal can do anything, or can make itself anything: it may attach or write
any policy on itself (or on a group it is in, or edit a managed policy attached to it) and no
permissions boundary caps it. Capabilities are ``(action, resource scope)`` pairs taken from the
Allow statements of each document (cached per document, so principals sharing documents share the
work), less what unconditional denies, the boundary and SCP levels remove; the difference between
two principals' capabilities, grouped by service and access level, says what a role adds.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Final

from core.catalogue import catalogue
from core.decision import PolicyRef, StatementRef
from core.evaluator import PolicySet
from core.keys import DIRECT_CALL_ABSENT, DIRECT_CALL_FACTS
from core.model import (
    Account,
    Group,
    ManagedPolicy,
    PolicyDocument,
    PolicyVersion,
    Role,
    Statement,
    User,
)
from core.patterns import arn_matches
from core.view import PrincipalView

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


def admin_reason(account: Account, view: PrincipalView) -> AdminReason | None:
    """Why the principal is admin-equivalent, or ``None``. Conditional allows do not count."""
    decisions = [view.decide(a) for a in FULL_ACCESS_PROBES]
    if all(d.allowed for d in decisions):
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
        if not view.decide(action).possible:
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
        region_sensitive=False,
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


_COVERS: dict[int, tuple[Statement, frozenset[str], bool]] = {}


def _covers(st: Statement) -> tuple[frozenset[str], bool]:
    """The catalogue actions (lowercase) a statement's Action names, and whether it is NotAction.

    Membership in a set is far cheaper than matching patterns, action after action.
    """
    hit = _COVERS.get(id(st))
    if hit is not None and hit[0] is st:
        return hit[1], hit[2]
    cat = catalogue()
    names = frozenset(info.full_name.lower() for p in st.actions for info in cat.expand(p))
    _COVERS[id(st)] = (st, names, st.not_action)
    return names, st.not_action


def _matches(st: Statement, name: str) -> bool:
    names, negate = _covers(st)
    return (name not in names) if negate else (name in names)


_DOC_CAPS: dict[int, tuple[PolicyDocument, frozenset[Capability]]] = {}
_INDEX: dict[tuple[int, ...], tuple[object, dict[str, frozenset[str]]]] = {}


def _scope_service(scope: str) -> str | None:
    """The literal service of a resource ARN pattern (``None`` for ``*`` or a wildcard)."""
    parts = scope.split(":")
    if len(parts) < 3 or scope == "*" or "*" in parts[2] or "?" in parts[2]:
        return None
    return parts[2]


def doc_capabilities(doc: PolicyDocument) -> frozenset[Capability]:
    """``(action, scope)`` pairs the document's Allow statements name (cached per document)."""
    hit = _DOC_CAPS.get(id(doc))
    if hit is not None and hit[0] is doc:
        return hit[1]
    cat = catalogue()
    out: set[Capability] = set()
    every = (
        [i.full_name.lower() for i in cat.expand("*")]
        if any(s.not_action for s in doc.statements)
        else []
    )
    for st in doc.statements:
        if st.effect != "Allow":
            continue
        if st.resources is None or st.not_resource or "*" in st.resources:
            scopes: tuple[str, ...] = ("*",)
        else:
            scopes = st.resources
        names: frozenset[str] | list[str]
        if st.not_action:
            excluded, _ = _covers(st)
            names = [n for n in every if n not in excluded]
        else:
            names, _ = _covers(st)
        for scope in scopes:
            svc = _scope_service(scope)
            if svc is None:
                out.update((n, scope) for n in names)
            else:  # an ARN of another service names nothing this action acts on
                out.update((n, scope) for n in names if n.split(":", 1)[0] == svc)
    frozen = frozenset(out)
    _DOC_CAPS[id(doc)] = (doc, frozen)
    return frozen


def _index(docs: tuple[PolicyDocument, ...]) -> dict[str, frozenset[str]]:
    """Action → scopes allowed by the union of ``docs`` (cached per tuple of documents)."""
    key = tuple(id(d) for d in docs)
    hit = _INDEX.get(key)
    if hit is not None:
        return hit[1]
    by: dict[str, set[str]] = {}
    for d in docs:
        for name, scope in doc_capabilities(d):
            by.setdefault(name, set()).add(scope)
    out = {k: frozenset(v) for k, v in by.items()}
    _INDEX[key] = (docs, out)
    return out


def covered(index: dict[str, frozenset[str]], cap: Capability) -> bool:
    """Whether an index of allowed scopes covers ``(action, scope)``."""
    scopes = index.get(cap[0])
    if not scopes:
        return False
    if "*" in scopes or cap[1] in scopes:
        return True
    return cap[1] != "*" and any(s != "*" and arn_matches(s, cap[1]) for s in scopes)


def _hard_denies(view: PrincipalView, *, scps: bool = True) -> list[Statement]:
    """Unconditional Deny statements with a Resource list, from every layer of the view
    (``scps=False``: leave out the SCP levels)."""
    refs = view.all_refs if scps else [r for r in view.all_refs if r.layer != "scp"]
    return [
        st
        for ref in refs
        for st in ref.document.statements
        if st.effect == "Deny" and not st.conditions and st.resources and not st.not_resource
    ]


def _denied(denies: list[Statement], cap: Capability) -> bool:
    for st in denies:
        if not _matches(st, cap[0]):
            continue
        assert st.resources is not None
        if any(p == "*" or (cap[1] != "*" and arn_matches(p, cap[1])) for p in st.resources):
            return True
    return False


def _limits(view: PrincipalView) -> tuple[list[dict[str, frozenset[str]]], list[Statement]]:
    limits = []
    if view.policies.boundary is not None:
        limits.append(_index((view.policies.boundary.document,)))
    limits.extend(_index(tuple(r.document for r in level)) for level in view.policies.scp_levels)
    return limits, _hard_denies(view)


_TARGET_CAPS: dict[object, tuple[PrincipalView, list[tuple[int, list[Capability]]]]] = {}


def _target_caps(target: PrincipalView) -> list[tuple[int, list[Capability]]]:
    """The target's capabilities per identity document, after its own limits and denies."""
    hit = _TARGET_CAPS.get(target.signature)
    if hit is not None:
        return hit[1]
    limits, denies = _limits(target)
    out = []
    seen: set[Capability] = set()
    for ref in target.policies.identity:
        keep = []
        for c in doc_capabilities(ref.document):
            if c in seen:
                continue
            seen.add(c)
            if all(covered(lim, c) for lim in limits) and not (denies and _denied(denies, c)):
                keep.append(c)
        out.append((id(ref.document), keep))
    if len(_TARGET_CAPS) > 50_000:
        _TARGET_CAPS.clear()
    _TARGET_CAPS[target.signature] = (target, out)
    return out


def gained(source: PrincipalView, target: PrincipalView) -> frozenset[Capability]:
    """What acting as ``target`` adds to ``source``: the target's capabilities the source lacks.

    Capabilities from documents both hold are the source's too, unless the source's own
    boundary or denies remove them; the others are checked against the source's documents:
    exact pairs first (set difference), then a broader scope of the source (``*`` or a pattern).
    """
    src_docs = [r.document for r in source.policies.identity]
    src_ids = {id(d) for d in src_docs}
    limits, denies = _limits(source)
    same_scps = [tuple(id(r.document) for r in lvl) for lvl in source.policies.scp_levels] == [
        tuple(id(r.document) for r in lvl) for lvl in target.policies.scp_levels
    ]
    own_limits = limits if not same_scps else limits[: 1 if source.policies.boundary else 0]
    if same_scps:
        # The target's capabilities already passed the same SCP denies.
        denies = _hard_denies(source, scps=False)
    src_indexes: list[dict[str, frozenset[str]]] | None = None

    def blocked(caps: set[Capability], checks: list[dict[str, frozenset[str]]]) -> set[Capability]:
        if not checks and not denies:
            return set()
        return {
            c
            for c in caps
            if not all(covered(lim, c) for lim in checks) or (denies and _denied(denies, c))
        }

    out: set[Capability] = set()
    for doc_id, caps in _target_caps(target):
        if not caps:
            continue
        if doc_id in src_ids:
            out |= blocked(set(caps), own_limits)
            continue
        pending = set(caps)
        for d in src_docs:
            pending -= doc_capabilities(d)
            if not pending:
                break
        if pending:
            if src_indexes is None:
                src_indexes = [_index((d,)) for d in src_docs]
            pending = {c for c in pending if not any(covered(ix, c) for ix in src_indexes)}
        out |= pending
        out |= blocked(set(caps) - pending, limits)
    return frozenset(out)


@lru_cache(maxsize=4096)
def summarize(caps: frozenset[Capability], limit: int = 6) -> tuple[str, ...]:
    """Lines such as ``iam: 12 Permissions management, 3 Write`` for the most important services,
    naming the resources when they are not every resource."""
    cat = catalogue()
    by: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    scopes: dict[str, set[str]] = defaultdict(set)
    for name, scope in caps:
        info = cat.action(name)
        level = info.access_level if info else "Write"
        svc = name.split(":", 1)[0]
        by[svc][level].add(name)
        scopes[svc].add(scope)

    def weight(svc: str) -> tuple[int, int]:
        levels = by[svc]
        return (max(LEVEL_RANK.get(lv, 0) for lv in levels), sum(len(v) for v in levels.values()))

    lines = []
    for svc in sorted(by, key=lambda v: (*(-x for x in weight(v)), v))[:limit]:
        levels = sorted(by[svc].items(), key=lambda kv: -LEVEL_RANK.get(kv[0], 0))
        line = f"{svc}: " + ", ".join(f"{len(n)} {lv}" for lv, n in levels)
        named = sorted(scopes[svc] - {"*"})
        if "*" not in scopes[svc] and named:
            line += " on " + ", ".join(named[:3]) + (" ..." if len(named) > 3 else "")
        lines.append(line)
    if len(by) > limit:
        lines.append(f"... and {len(by) - limit} more services")
    return tuple(lines)
