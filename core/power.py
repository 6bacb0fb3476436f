"""What a principal can do: admin-equivalence and the capabilities a role would add.

"Admin" means the principal can do anything, or can make itself anything: it may attach or write
any policy on itself (or on a group it is in, or edit a managed policy attached to it) and no
permissions boundary caps it. Capabilities are the catalogue's actions a principal may perform on
some resource it chooses, grouped by service and access level to say what a role adds.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Final

from core.catalogue import catalogue
from core.evaluator import _action_match, candidates
from core.model import Account, Role, Statement, User
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


def _self_arns(account: Account, view: PrincipalView) -> list[tuple[str, str]]:
    """(action, resource) pairs that let the principal rewrite its own permissions."""
    entity = view.entity
    pairs: list[tuple[str, str]] = []
    if isinstance(entity, Role):
        pairs += [("iam:AttachRolePolicy", entity.arn), ("iam:PutRolePolicy", entity.arn)]
        attached = entity.attached_policies
    elif isinstance(entity, User):
        pairs += [("iam:AttachUserPolicy", entity.arn), ("iam:PutUserPolicy", entity.arn)]
        for g in entity.groups:
            group = account.group(g)
            if group is not None:
                pairs += [("iam:AttachGroupPolicy", group.arn), ("iam:PutGroupPolicy", group.arn)]
        attached = entity.attached_policies
    else:
        return pairs
    for arn in attached:
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
    for action, resource in _self_arns(account, view):
        d = view.decide(action, resource)
        if d.allowed:
            return AdminReason(
                "self-modify",
                f"can {action} on its own {resource.split(':')[-1]}, making itself anything",
                tuple(s.label for s in d.allowed_by),
            )
    return None


Capability = tuple[str, str]
"""``(action, resource)``: an action (lowercase) on ``"*"`` (everything) or one resource pattern."""


def _scopes(view: PrincipalView) -> list[tuple[str, bool, str]]:
    """``(action pattern, is NotAction, resource scope)`` of every identity Allow statement."""
    out: list[tuple[str, bool, str]] = []
    for ref in view.policies.identity:
        for st in ref.document.statements:
            if st.effect != "Allow":
                continue
            if st.resources is None or st.not_resource or "*" in st.resources:
                scopes: tuple[str, ...] = ("*",)
            else:
                scopes = st.resources
            patterns = ("*",) if st.not_action else st.actions
            for scope in scopes:
                out.extend((p, st.not_action, scope) for p in patterns)
    return out


class Grouped:
    """Decides ``(action, resource)`` for a view, once per distinct statement-match pattern."""

    def __init__(self, view: PrincipalView) -> None:
        self.view = view
        self.docs = [r.document for r in view.all_refs]
        self.verdict: dict[tuple[object, ...], bool] = {}
        self.cands: dict[str, list[tuple[Statement, ...]]] = {}

    def possible(self, name: str, resource: str) -> bool:
        service = name.split(":", 1)[0]
        cands = self.cands.get(service)
        if cands is None:
            cands = self.cands[service] = [candidates(d, f"{service}:*") for d in self.docs]
        key = (
            service,
            resource,
            *(tuple(id(st) for st in c if _action_match(st, name)) for c in cands),
        )
        ok = self.verdict.get(key)
        if ok is None:
            ok = self.verdict[key] = self.view.decide(name, resource).possible
        return ok


def capabilities(view: PrincipalView, cap: int = 30000) -> frozenset[Capability]:
    """What the principal may do: ``(action, resource scope)`` pairs, possibly conditional.

    Scopes are ``"*"`` for statements on every resource, else each resource pattern, evaluated
    as that literal ARN (so a principal allowed only ``arn:aws:s3:::a*`` lacks ``"*"``).
    """
    cat = catalogue()
    grouped = Grouped(view)
    out: set[Capability] = set()
    seen = 0
    for pattern, _, scope in _scopes(view):
        for info in cat.expand(pattern):
            name = info.full_name.lower()
            if (name, scope) in out:
                continue
            seen += 1
            if seen > cap:
                break
            if grouped.possible(name, scope):
                out.add((name, scope))
    return frozenset(out)


def gained(
    source: PrincipalView,
    target_caps: frozenset[Capability],
    grouped: Grouped | None = None,
) -> frozenset[Capability]:
    """The target's capabilities the source does not have (pass ``grouped`` to reuse work)."""
    grouped = grouped or Grouped(source)
    return frozenset(c for c in target_caps if not grouped.possible(*c))


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
    for svc in sorted(by, key=weight, reverse=True)[:limit]:
        levels = sorted(by[svc].items(), key=lambda kv: -LEVEL_RANK.get(kv[0], 0))
        line = f"{svc}: " + ", ".join(f"{len(n)} {lv}" for lv, n in levels)
        named = sorted(scopes[svc] - {"*"})
        if "*" not in scopes[svc] and named:
            line += " on " + ", ".join(named[:3]) + (" ..." if len(named) > 3 else "")
        lines.append(line)
    if len(by) > limit:
        lines.append(f"... and {len(by) - limit} more services")
    return tuple(lines)


def has_statements_for(view: PrincipalView, action: str) -> bool:
    """Quick filter: whether any identity statement could concern ``action``."""
    return any(candidates(r.document, action) for r in view.policies.identity)
