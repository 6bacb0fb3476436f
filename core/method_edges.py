"""Edges for the other escalation methods (``core.methods``): who can rewrite, become or join what.

Each method row names its actions and the resource the first is checked on. For every principal
that could perform the actions at all (a cheap check on a resource of its choosing), the targets
of the row's kind are evaluated one by one with their real ARNs. ``sts:AssumeRole`` edges also
need the role's trust policy to allow (IAM User Guide: a role trust policy must allow in every
case). Methods that take over an existing resource (an instance, a function, a stack) only know
the roles such resources *could* run as, so their edges are conditional on the resource existing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from string import Template

from core.arnindex import ArnIndex
from core.decision import Decision
from core.edges import TrustResult
from core.evaluator import CALLER_CHOSEN, chosen
from core.findings import Finding, Reason
from core.methods import METHODS, EscalationMethod
from core.model import Account, Group, ManagedPolicy, Role, User
from core.principals import own_account, trust_policy_ref
from core.resolve import Resolved, resolve
from core.view import PrincipalView

EXISTING_RESOURCE_SERVICE = {
    "ec2": "ec2",
    "lambda": "lambda",
    "glue": "glue",
    "codebuild": "codebuild",
    "cloudformation": "cloudformation",
    "sagemaker": "sagemaker",
    "ecs": "ecs",
    "bedrock-agentcore": "bedrock-agentcore",
    "apprunner": "apprunner",
}
"""Service in a method's resource ARN → the PassRole service whose roles such resources run as."""


@dataclass(frozen=True, slots=True)
class MethodEdge:
    """A method edge before escalation labelling."""

    method: EscalationMethod
    target: str
    target_name: str
    target_kind: str
    resolved: Resolved
    reasons: tuple[Reason, ...]
    existing: bool = False
    """Takes over an existing resource (conditional on one running as the target)."""


def _existing_service(method: EscalationMethod) -> str | None:
    if "${" in method.resource_arn.split(":", 5)[-1] or method.resource_arn.startswith("${"):
        return None
    parts = method.resource_arn.split(":")
    return EXISTING_RESOURCE_SERVICE.get(parts[2]) if len(parts) > 2 else None


def _merge(rs: Iterable[Resolved]) -> Resolved:
    out = Resolved(True)
    for r in rs:
        if not r.possible:
            return Resolved(False)
        out = Resolved(
            True,
            out.conditional or r.conditional,
            (*out.conditions, *r.conditions),
            (*out.constraints, *r.constraints),
        )
    return out


def _targets(
    account: Account, view: PrincipalView, method: EscalationMethod
) -> Iterable[tuple[str, str, str, dict[str, str]]]:
    """(arn, name, kind, template values) of every possible target."""
    acct = account.account_id
    me = view.arn
    if method.target == "self":
        yield me, view.name, view.kind, {"SelfArn": me, "Account": acct}
    elif method.target == "user":
        # Self is filtered per principal: these results are shared per signature.
        for u in account.users:
            if u.arn:
                yield (
                    u.arn,
                    u.name,
                    "user",
                    {"UserName": u.name, "UserArn": u.arn, "Account": acct},
                )
    elif method.target == "group":
        for g in account.groups:
            yield (
                g.arn,
                g.name,
                "group",
                {"GroupName": g.name, "GroupArn": g.arn, "Account": acct},
            )
    elif method.target == "role":
        for r in account.roles:
            if not r.is_service_linked:
                yield (
                    r.arn,
                    r.name,
                    "role",
                    {"RoleName": r.name, "RoleArn": r.arn, "Account": acct},
                )
    elif method.target == "policy":
        for p in account.policies:
            if not p.is_aws_managed:
                yield p.arn, p.name, "policy", {"PolicyArn": p.arn, "Account": acct}


def method_edges_for(
    account: Account,
    view: PrincipalView,
    trusted: dict[str, list[tuple[Role, TrustResult]]],
    methods: Iterable[EscalationMethod] = METHODS,
    keep_existing: Callable[[str], bool] = lambda arn: True,
) -> list[MethodEdge]:
    """Every method edge from ``view``.

    ``keep_existing`` says which roles are worth an edge for taking over an existing resource
    that could run as them (the analysis keeps only admin-equivalent ones).
    """
    out: list[MethodEdge] = []
    for method in methods:
        existing = _existing_service(method)
        resource = chosen(method.resource_arn.split(":")[2]) if existing else CALLER_CHOSEN
        pre = [
            view.decide(a, resource if i == 0 else CALLER_CHOSEN)
            for i, a in enumerate(method.actions)
            if a.lower() != "sts:assumerole"
        ]
        if not all(d.possible for d in pre):
            continue
        if existing is not None:
            roles = [rt for rt in trusted.get(existing, []) if keep_existing(rt[0].arn)]
            out.extend(_existing_edges(account, view, method, pre, roles))
            continue
        allowed = view.allow_patterns(method.actions[0])
        if allowed is None:
            continue
        assume = method.id == "assume-role"
        if method.target == "self":
            targets = list(_targets(account, view, method))
        else:
            targets = _all_targets(account, view, method)
            every, patterns = allowed
            if not every:
                targets = _target_index(account, method.target, targets).matching(patterns)
        for arn, name, kind, values in targets:
            if assume and not _trust_could_name(account, arn, view.arn):
                continue
            edge = _target_edge(account, view, method, arn, name, kind, values)
            if edge is not None:
                out.append(edge)
    return out


_Target = tuple[str, str, str, dict[str, str]]
_TARGETS: dict[tuple[int, str], tuple[Account, ArnIndex[_Target]]] = {}
_TARGET_LISTS: dict[tuple[int, str], tuple[Account, list[_Target]]] = {}


def _all_targets(account: Account, view: PrincipalView, method: EscalationMethod) -> list[_Target]:
    """Every target of the method's kind (built once per account and kind; shared by views)."""
    key = (id(account), method.target)
    hit = _TARGET_LISTS.get(key)
    if hit is not None and hit[0] is account:
        return hit[1]
    targets = list(_targets(account, view, method))
    if len(_TARGET_LISTS) > 1000:
        _TARGET_LISTS.clear()
    _TARGET_LISTS[key] = (account, targets)
    return targets


def _target_index(account: Account, kind: str, targets: list[_Target]) -> ArnIndex[_Target]:
    """Every target of a kind by ARN (built once per account and kind)."""
    key = (id(account), kind)
    hit = _TARGETS.get(key)
    if hit is not None and hit[0] is account:
        return hit[1]
    index = ArnIndex((t[0], t) for t in targets)
    if len(_TARGETS) > 1000:
        _TARGETS.clear()
    _TARGETS[key] = (account, index)
    return index


def _trust_could_name(account: Account, role_arn: str, principal: str) -> bool:
    """Cheap filter: does the role's trust policy allow some AWS principal that could be us?"""
    role = account.role(role_arn)
    if role is None:
        return False
    acct = own_account(account, principal)
    for st in role.trust_policy.statements:
        if st.effect != "Allow" or st.principal is None:
            continue
        if st.not_principal or st.principal.wildcard:
            return True
        for value in st.principal.aws:
            if value in (principal, acct, f"arn:aws:iam::{acct}:root"):
                return True
    return False


def _target_edge(
    account: Account,
    view: PrincipalView,
    method: EscalationMethod,
    arn: str,
    name: str,
    kind: str,
    values: dict[str, str],
) -> MethodEdge | None:
    # IAM entities are checked on their own ARN, which includes their path.
    resource = (
        arn
        if kind in ("user", "group", "role", "policy")
        else Template(method.resource_arn).safe_substitute(values)
    )
    decisions: list[tuple[str, Decision]] = []
    role = account.role(arn) if kind == "role" else None
    for i, action in enumerate(method.actions):
        if action.lower() == "sts:assumerole" and role is not None:
            rewrites_trust = any(a.lower() == "iam:updateassumerolepolicy" for a in method.actions)
            d = view.decide(
                action,
                role.arn,
                resource_policy=None if rewrites_trust else trust_policy_ref(role),
                resource_must_allow=not rewrites_trust,
            )
        else:
            d = view.decide(action, resource if i == 0 else _resource_for(action, resource))
        if not d.possible:
            return None
        decisions.append((action, d))
    resolved = _merge(resolve(d) for _, d in decisions)
    if not resolved.possible:
        return None
    reasons = tuple(
        Reason("action", f"may {action} on {resource if i == 0 else arn}", d.allowed_by)
        for i, (action, d) in enumerate(decisions)
    )
    return MethodEdge(method, arn, name, kind, resolved, reasons)


def _resource_for(action: str, first_resource: str) -> str:
    """Resource for a method's later actions: the same IAM entity, else one the caller picks."""
    if action.lower().startswith("iam:") and first_resource.startswith("arn:aws:iam:"):
        return first_resource
    return CALLER_CHOSEN


def _existing_edges(
    account: Account,
    view: PrincipalView,
    method: EscalationMethod,
    decisions: list[Decision],
    roles: list[tuple[Role, TrustResult]],
) -> list[MethodEdge]:
    resolved = _merge(resolve(d) for d in decisions)
    if not resolved.possible:
        return []
    kind = method.resource_arn.split(":")[2]
    out = []
    for role, _ in roles:
        if kind == "ec2" and not role.instance_profiles and role.instance_profiles_known:
            continue
        if own_account(account, role.arn) != own_account(account, view.arn):
            continue  # another account's instances, functions, stacks: not the caller's to use
        cond = f"a {kind} resource running as {role.name} exists"
        r = Resolved(True, True, (*resolved.conditions, cond), resolved.constraints)
        reasons = tuple(
            Reason("action", f"may {a} on existing {kind} resources", d.allowed_by)
            for a, d in zip(method.actions, decisions, strict=False)
        )
        out.append(MethodEdge(method, role.arn, role.name, "role", r, reasons, existing=True))
    return out


def self_related(account: Account, entity: User | Role | Group | None, target: str) -> bool:
    """Whether writing ``target``'s policies changes ``entity``'s own permissions."""
    if entity is None:
        return False
    if target == entity.arn:
        return True
    if isinstance(entity, User):
        for g in entity.groups:
            group = account.group(g)
            if group is not None and group.arn == target:
                return True
        attached: set[str] = set(entity.attached_policies)
        for g in entity.groups:
            group = account.group(g)
            if group is not None:
                attached.update(group.attached_policies)
        return target in attached
    if isinstance(entity, Role):
        return target in entity.attached_policies
    return False


def policy_holders(account: Account, policy: ManagedPolicy) -> list[str]:
    """ARNs of the users, groups and roles a managed policy is attached to."""
    return [e.arn for e in account.entities if policy.arn in e.attached_policies]


def to_finding(
    view: PrincipalView,
    edge: MethodEdge,
    escalation: str,
    gained: tuple[str, ...],
    source_is_admin: bool,
) -> Finding:
    """The scan finding for a method edge."""
    m = edge.method
    return Finding(
        kind=m.id,
        source=view.arn,
        target=edge.target,
        title=f"{view.name}: {m.title.lower()} ({edge.target_kind} {edge.target_name})",
        role=edge.target if edge.target_kind == "role" else None,
        escalation=escalation,  # type: ignore[arg-type]
        conditional=edge.resolved.conditional,
        conditions=edge.resolved.conditions,
        constraints=edge.resolved.constraints,
        reasons=edge.reasons,
        gained=gained,
        references=m.references,
        source_is_admin=source_is_admin,
    )
