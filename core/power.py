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
from core.evaluator import candidates
from core.model import Account, Role, User
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


def _allow_patterns(view: PrincipalView) -> tuple[tuple[str, ...], bool]:
    """Action patterns of the view's identity Allow statements; ``True`` if any NotAction."""
    patterns: list[str] = []
    has_not = False
    for ref in view.policies.identity:
        for st in ref.document.statements:
            if st.effect != "Allow":
                continue
            if st.not_action:
                has_not = True
            else:
                patterns.extend(st.actions)
    return tuple(dict.fromkeys(patterns)), has_not


def capabilities(view: PrincipalView, cap: int = 30000) -> frozenset[str]:
    """Full action names (lowercase) the principal may perform, definitely or conditionally."""
    cat = catalogue()
    patterns, has_not = _allow_patterns(view)
    names: dict[str, None] = {}
    for p in ("*",) if has_not else patterns:
        for info in cat.expand(p):
            names[info.full_name.lower()] = None
            if len(names) >= cap:
                break
    return frozenset(n for n in names if view.decide(n).possible)


def summarize(actions: frozenset[str], limit: int = 6) -> tuple[str, ...]:
    """Lines such as ``iam: 12 Permissions management, 3 Write`` for the most important services."""
    cat = catalogue()
    by: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for name in actions:
        info = cat.action(name)
        level = info.access_level if info else "Write"
        by[name.split(":", 1)[0]][level] += 1

    def weight(svc: str) -> tuple[int, int]:
        levels = by[svc]
        return (max(LEVEL_RANK.get(lv, 0) for lv in levels), sum(levels.values()))

    lines = []
    for svc in sorted(by, key=weight, reverse=True)[:limit]:
        levels = sorted(by[svc].items(), key=lambda kv: -LEVEL_RANK.get(kv[0], 0))
        lines.append(f"{svc}: " + ", ".join(f"{n} {lv}" for lv, n in levels))
    if len(by) > limit:
        lines.append(f"... and {len(by) - limit} more services")
    return tuple(lines)


def has_statements_for(view: PrincipalView, action: str) -> bool:
    """Quick filter: whether any identity statement could concern ``action``."""
    return any(candidates(r.document, action) for r in view.policies.identity)
