"""Edges for the other escalation methods (``core.escalate.tables.methods``): who can rewrite,
become or join what.

Each method row names its actions and the resource the first is checked on. For every principal
that could perform the actions at all (a cheap check on a resource of its choosing), the targets
of the row's kind are evaluated one by one with their real ARNs. ``sts:AssumeRole`` edges also
need the role's trust policy to allow (IAM User Guide: a role trust policy must allow in every
case). Methods that take over an existing resource (an instance, a function, a stack) only know
the roles such resources *could* run as, so their edges are conditional on the resource existing,
unless the snapshot has an inventory (``core.escalate.resource_edges`` then names the resources).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache, partial
from string import Template

from core.escalate.caller_favour import Resolved, merge, resolve_in_favour
from core.escalate.capabilities import actions_mask, better_versions, identity_allow_mask
from core.escalate.findings import Finding, Reason
from core.escalate.passrole_edges import ReasonMemo, TrustResult, relabel_reasons
from core.escalate.resource_edges import resource_reach
from core.escalate.tables.methods import METHODS, EscalationMethod, method_by_id
from core.evaluate.decision import Decision, PolicyRef
from core.evaluate.evaluator import CALLER_CHOSEN, chosen, principal_account
from core.evaluate.principal import (
    ActionScope,
    PrincipalView,
    Relabelling,
    own_account,
    shared_results,
    trust_policy_ref,
)
from core.load.inventory import Resource
from core.load.policy_parser import parse_policy
from core.model.account import Account, Group, ManagedPolicy, Role, User
from core.model.arn_index import ArnIndex
from core.model.memo import memo_bounded, memo_of, memo_table

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
    resources: tuple[Resource, ...] = ()
    """The inventoried resources it takes over (``core.escalate.resource_edges``), when known."""


def _existing_service(method: EscalationMethod) -> str | None:
    if "${" in method.resource_arn.split(":", 5)[-1] or method.resource_arn.startswith("${"):
        return None
    parts = method.resource_arn.split(":")
    return EXISTING_RESOURCE_SERVICE.get(parts[2]) if len(parts) > 2 else None


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
    existing_roles: Mapping[str, list[tuple[Role, TrustResult]]] | None = None,
) -> list[MethodEdge]:
    """Every method edge from ``view``.

    ``keep_existing`` says which roles are worth an edge for taking over an existing resource
    that could run as them (the analysis keeps only admin-equivalent ones);
    ``existing_roles``, when given, is ``trusted`` already filtered by it (computed once for
    every signature instead of once per signature and method).
    """
    out: list[MethodEdge] = []
    allowed_bits = identity_allow_mask(view)
    for method in methods:
        needed = _identity_actions(method)
        if needed[0] & allowed_bits != needed[0] or any(
            view.allow_patterns(a) is None for a in needed[1]
        ):
            continue  # no identity Allow names one of its actions: needs no decision
        key = _shared_key(view, method, trusted, existing_roles)
        if key is None:
            out.extend(_method_edges(account, view, trusted, method, keep_existing, existing_roles))
            continue
        out.extend(
            # Key: the method, the ids of ``trusted`` and ``existing_roles`` (the very maps
            # are checked on a hit) and the view's scope key for the method's actions.
            shared_results(
                memo_bounded(account, "method_edges.shared", SHARED_BUDGET),
                key[0],
                key[1],
                partial(
                    _method_edges, account, view, trusted, method, keep_existing, existing_roles
                ),
                _relabel_edges,
                against=(trusted, existing_roles),
            )
        )
    return out


def _relabel_edges(edges: list[MethodEdge], swap: Relabelling) -> list[MethodEdge]:
    memo: ReasonMemo = {}  # the edges of one method share their action steps
    return [_relabel_edge(e, swap, memo) for e in edges]


def _relabel_edge(e: MethodEdge, swap: Relabelling, memo: ReasonMemo) -> MethodEdge:
    reasons = relabel_reasons(e.reasons, swap, memo)
    if reasons is e.reasons:
        return e
    return MethodEdge(
        e.method,
        e.target,
        e.target_name,
        e.target_kind,
        e.resolved,
        reasons,
        e.existing,
        e.resources,
    )


def _identity_actions(method: EscalationMethod) -> tuple[int, tuple[str, ...]]:
    """The method's actions an identity policy must allow (all but ``sts:AssumeRole``, which a
    trust policy naming the caller allows on its own): the catalogue's bits of those it knows
    (a cheap test against :func:`identity_allow_mask`) and the others (kept per method)."""
    hit = _IDENTITY_ACTIONS.get(method.id)
    if hit is not None and hit[0] is method:
        return hit[1], hit[2]
    actions = [a for a in method.actions if a.lower() != "sts:assumerole"]
    known = actions_mask(actions)
    unknown = tuple(a for a in actions if not actions_mask((a,)))
    _IDENTITY_ACTIONS[method.id] = (method, known, unknown)
    return known, unknown


_IDENTITY_ACTIONS: dict[str, tuple[EscalationMethod, int, tuple[str, ...]]] = {}
"""Method id → the method and its :func:`_identity_actions`."""


SHARED_BUDGET = 60_000
"""How many shared method edges the account's tables keep, the most recently used (see
:data:`core.escalate.passrole_edges.SHARED_BUDGET`)."""


def _method_scopes() -> dict[str, tuple[EscalationMethod, ActionScope]]:
    return {m.id: (m, ActionScope.of(f"method_edges.{m.id}", m.actions)) for m in METHODS}


_SCOPES = _method_scopes()
"""Method id → the table's method and the scope of its actions."""


def _shared_key(
    view: PrincipalView,
    method: EscalationMethod,
    trusted: dict[str, list[tuple[Role, TrustResult]]],
    existing_roles: Mapping[str, list[tuple[Role, TrustResult]]] | None,
) -> tuple[tuple[object, ...], tuple[PolicyRef, ...]] | None:
    """The key under which views share ``method``'s edges, or ``None`` when they cannot.

    A method of the table that targets others, decides only its own actions (no trust policy
    rewritten to name the caller) and, when it takes over existing resources, is given the
    roles worth an edge as a map (``existing_roles``), decides requests that do not depend on
    the caller beyond its statements for those actions and its account: views with the same
    :meth:`PrincipalView.scope_key` for them get the same edges, with the same reasons."""
    entry = _SCOPES.get(method.id)
    if entry is None or entry[0] is not method or method.target == "self":
        return None
    if any(a.lower() == "sts:assumerole" for a in method.actions):
        return None  # the assume is decided with the trust policy, against the caller's ARN
    existing = _existing_service(method) is not None
    if existing and existing_roles is None:
        return None
    scope_key, refs = view.scope_key(entry[1])
    key = (method.id, id(trusted), id(existing_roles) if existing else None, scope_key)
    return key, refs


def _method_edges(
    account: Account,
    view: PrincipalView,
    trusted: dict[str, list[tuple[Role, TrustResult]]],
    method: EscalationMethod,
    keep_existing: Callable[[str], bool],
    existing_roles: Mapping[str, list[tuple[Role, TrustResult]]] | None,
) -> list[MethodEdge]:
    """``method``'s edges from ``view`` (see :func:`method_edges_for`)."""
    existing = _existing_service(method)
    resource = chosen(method.resource_arn.split(":")[2]) if existing else CALLER_CHOSEN
    pre = [
        view.decide(a, resource if i == 0 else CALLER_CHOSEN)
        for i, a in enumerate(method.actions)
        if a.lower() != "sts:assumerole"
    ]
    if not all(d.possible for d in pre):
        return []
    if existing is not None:
        roles = (
            [rt for rt in trusted.get(existing, []) if keep_existing(rt[0].arn)]
            if existing_roles is None
            else existing_roles.get(existing, [])
        )
        mine = own_account(account, view.arn)
        reach = resource_reach(
            account,
            view,
            method.id,
            method.actions,
            pre,
            [r for r, _ in roles if own_account(account, r.arn) == mine],
        )
        if reach is None:
            return _existing_edges(account, view, method, pre, roles)
        trust = {r.arn: t for r, t in roles}
        return [
            MethodEdge(
                method,
                x.role.arn,
                x.role.name,
                "role",
                x.resolved,
                (
                    *x.reasons,
                    Reason(
                        "trust",
                        f"role {x.role.name} trusts the {existing} service",
                        trust[x.role.arn].statements,
                    ),
                ),
                True,
                x.resources,
            )
            for x in reach
        ]
    if method.id == ASSUME_ROLE:
        return assume_role_edges(account, view)
    allowed = view.allow_patterns(method.actions[0])
    if allowed is None:
        return []
    if method.target == "self":
        targets = list(_targets(account, view, method))
    else:
        targets = _all_targets(account, view, method)
        every, patterns = allowed
        if not every:
            targets = _matching_targets(account, method.target, targets, patterns)
    out: list[MethodEdge] = []
    for arn, name, kind, values in targets:
        better: tuple[Reason, ...] = ()
        if method.id == SET_DEFAULT_VERSION:
            better = _better_version_reason(account, arn)
            if not better:
                continue  # no non-default version grants more than the default
        edge = _target_edge(account, view, method, arn, name, kind, values)
        if edge is not None:
            out.append(replace(edge, reasons=(*edge.reasons, *better)))
    return out


SET_DEFAULT_VERSION = "set-default-policy-version"


def _better_version_reason(account: Account, policy_arn: str) -> tuple[Reason, ...]:
    """A reason naming the non-default versions that grant more than the default (cached)."""
    by_arn: dict[str, tuple[Reason, ...]] = memo_table(account, "method_edges.better")
    cached = by_arn.get(policy_arn)
    if cached is not None:
        return cached
    policy = account.policy(policy_arn)
    found = better_versions(account, policy) if policy is not None else []
    out: tuple[Reason, ...] = ()
    if policy is not None and found:
        names = ", ".join(v.version_id + (" (admin)" if admin else "") for v, admin in found)
        out = (
            Reason(
                "prerequisite",
                f"non-default version {names} of {policy.name} grants more than the default "
                f"{policy.default_version_id}",
            ),
        )
    by_arn[policy_arn] = out
    return out


ASSUME_ROLE = "assume-role"
"""Its edges depend on the caller's own ARN when a trust policy names principals: those are
decided per principal; the rest once per signature (``assume_role_edges(..., shared=...)``)."""


def _names_caller(method: EscalationMethod) -> bool:
    """Whether the method's edges name the caller itself: its target is the caller (CodeStar
    attaches the project's policies to the principal that makes the request), or it rewrites a
    trust policy to name the caller's ARN (``iam:UpdateAssumeRolePolicy``, then
    ``sts:AssumeRole`` allowed by that trust, cited as rewritten to name the caller)."""
    return method.target == "self" or any(
        a.lower() == "iam:updateassumerolepolicy" for a in method.actions
    )


OWN_METHODS: tuple[EscalationMethod, ...] = tuple(m for m in METHODS if _names_caller(m))
"""Methods whose edges name the caller (:func:`_names_caller`): decided per principal."""

SHARED_METHODS: tuple[EscalationMethod, ...] = tuple(
    m for m in METHODS if m.id != ASSUME_ROLE and not _names_caller(m)
)
"""Methods whose edges are equal for principals with the same policies (one signature)."""


@dataclass(frozen=True, slots=True)
class _TrustIndex:
    named: dict[str, tuple[Role, ...]]
    """Principal ARN → roles whose trust policy names it in an Allow statement."""
    account: dict[str, tuple[Role, ...]]
    """Account id → roles whose trust names that account (the caller's identity policy must
    allow too)."""
    anyone: tuple[Role, ...]
    """Roles whose trust allows ``"*"`` or uses ``NotPrincipal``: decided for every caller."""
    by_arn: dict[str, ArnIndex[Role]]
    """``account`` as ARN indexes: the caller's ``sts:AssumeRole`` Resource patterns select."""


def _trust_index(account: Account) -> _TrustIndex:
    """Which roles' trust policies could let an AWS principal of this account assume them."""
    memo = memo_of(account)
    hit = memo.get("method_edges.trust")
    if hit is not None:
        return hit  # type: ignore[return-value]  # what this function stored
    named: dict[str, list[Role]] = {}
    by_account: dict[str, list[Role]] = {}
    anyone: list[Role] = []
    for role in account.roles:
        if role.is_service_linked:
            continue
        for st in role.trust_policy.statements:
            if st.effect != "Allow" or st.principal is None:
                continue
            if st.not_principal or st.principal.wildcard:
                anyone.append(role)
                continue
            for value in st.principal.aws:
                acct = _account_of(value)
                if acct is not None:
                    by_account.setdefault(acct, []).append(role)
                elif value == "*":
                    anyone.append(role)
                else:
                    named.setdefault(value, []).append(role)
    accounts = {k: tuple(dict.fromkeys(v)) for k, v in by_account.items()}
    index = _TrustIndex(
        {k: tuple(dict.fromkeys(v)) for k, v in named.items()},
        accounts,
        tuple(dict.fromkeys(anyone)),
        {k: ArnIndex((r.arn, r) for r in v) for k, v in accounts.items()},
    )
    memo["method_edges.trust"] = index
    return index


def _account_of(value: str) -> str | None:
    """The account a trust ``Principal`` value names as a whole (``123456789012`` or
    ``arn:aws:iam::123456789012:root``), else ``None``."""
    if len(value) == 12 and value.isdigit():
        return value
    parts = value.split(":")
    if len(parts) == 6 and parts[0] == "arn" and parts[2] == "iam" and parts[5] == "root":
        return parts[4]
    return None


_CALLER_KEYS = ("${", "aws:principal", "aws:username", "aws:userid")
"""Text in a trust policy that reads who the caller is (keys AWS sets from the principal)."""


def caller_independent(role: Role) -> bool:
    """Whether the role's trust policy decides alike for every caller of one signature.

    It must name no principal by ARN (only accounts, ``"*"``, services or federated providers),
    use no ``NotPrincipal``, and read no key AWS sets from the principal (``aws:PrincipalArn``,
    ``aws:PrincipalTag/*``, ``aws:username``, ``aws:userid``, policy variables). Callers that
    share a signature have the same kind, account and identity policies, so the evaluator's
    decision (IAM User Guide, "Policy evaluation logic") is then the same for each of them.
    """
    memo = memo_of(role)
    hit = memo.get("method_edges.caller_free")
    if hit is not None:
        return hit  # type: ignore[return-value]  # what this function stored
    doc = role.trust_policy
    text = doc.text.lower()
    free = not any(k in text for k in _CALLER_KEYS) and all(
        not st.not_principal
        and (
            st.principal is None
            or all(v == "*" or _account_of(v) is not None for v in st.principal.aws)
        )
        for st in doc.statements
    )
    memo["method_edges.caller_free"] = free
    return free


def assume_role_edges(
    account: Account, view: PrincipalView, shared: bool | None = None
) -> list[MethodEdge]:
    """``sts:AssumeRole`` edges from ``view``, decided by the evaluator with the trust policy.

    STS API reference, AssumeRole: in the same account, a principal may assume a role when the
    role's trust policy names it, with no identity-based permission needed, or when the trust
    policy names the account and an identity-based policy allows ``sts:AssumeRole``. Explicit
    denies, SCPs and (for a named user) the permissions boundary still apply: the evaluator
    decides all of it. Only roles whose trust could match are evaluated; a trust naming only the
    account needs an identity allow, so those are skipped unless an Allow for the action names
    a Resource that matches them.

    ``shared``: ``None`` for every edge; ``True`` for the roles whose trust is
    :func:`caller_independent` (equal for every principal of ``view``'s signature, so computed
    once per signature; the caller's own role is kept, callers drop it); ``False`` for the rest.

    With ``shared=True`` the edges are also the same for views of other signatures whose
    statements for ``sts:AssumeRole`` are the same (:meth:`PrincipalView.scope_key`), of the same
    kind, account and analysis time: such a trust names no principal by ARN and reads no key
    set from the principal, so it matches every such caller alike. They are computed once per
    such key (kept in the account's memo) and relabelled to cite the view's own references.
    """
    if not shared:
        return _assume_role_edges(account, view, shared)
    scope_key, refs = view.scope_key(_ASSUME_SCOPE)
    key = (principal_account(view.arn), view.now, scope_key)
    return shared_results(
        memo_bounded(account, "method_edges.shared_assume", SHARED_BUDGET),
        key,
        refs,
        lambda: _assume_role_edges(account, view, shared),
        _relabel_edges,
    )


_ASSUME_SCOPE = ActionScope.of("method_edges.assume", ("sts:AssumeRole",))


def _assume_role_edges(
    account: Account, view: PrincipalView, shared: bool | None
) -> list[MethodEdge]:
    """:func:`assume_role_edges` computed for ``view``."""
    method = method_by_id(ASSUME_ROLE)
    assert method is not None
    index = _trust_index(account)
    roles = list(index.named.get(view.arn, ()))
    roles.extend(index.anyone)
    allowed = view.allow_patterns("sts:AssumeRole")
    if allowed is not None:
        mine = own_account(account, view.arn)
        every, patterns = allowed
        if every:
            roles.extend(index.account.get(mine, ()))
        elif mine in index.by_arn:
            # A trust naming the account delegates to the identity policies: only roles an
            # identity Allow's Resource can match may be assumed that way.
            roles.extend(index.by_arn[mine].matching(patterns))
    out = []
    acct = account.account_id
    # Once each, in order; by identity (hashing a frozen Role hashes every field it holds).
    for role in {id(r): r for r in roles}.values():
        if shared is not None and caller_independent(role) is not shared:
            continue
        if role.arn == view.arn and not shared:
            continue
        values = {"RoleName": role.name, "RoleArn": role.arn, "Account": acct}
        edge = _target_edge(account, view, method, role.arn, role.name, "role", values)
        if edge is not None:
            out.append(edge)
    return out


def _trusting_caller(view: PrincipalView, role: Role) -> PolicyRef:
    """The trust policy a caller writes with ``iam:UpdateAssumeRolePolicy``: it names itself."""
    doc = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": view.arn}, "Action": "sts:AssumeRole"}
            ],
        },
        "trust",
        policy=f"{role.name} trust policy as rewritten",
    )
    return PolicyRef(
        name=f"{role.name} trust policy, rewritten to name {view.name}",
        document=doc,
        arn=role.arn,
        via=f"trust policy of role {role.name} after iam:UpdateAssumeRolePolicy",
        layer="resource",
    )


_Target = tuple[str, str, str, dict[str, str]]


def _all_targets(account: Account, view: PrincipalView, method: EscalationMethod) -> list[_Target]:
    """Every target of the method's kind (built once per account and kind; shared by views)."""
    memo = memo_of(account)
    key = "method_edges.targets." + method.target
    hit = memo.get(key)
    if hit is not None:
        return hit  # type: ignore[return-value]  # what this function stored
    targets = memo[key] = list(_targets(account, view, method))
    return targets


def _matching_targets(
    account: Account, kind: str, targets: list[_Target], patterns: tuple[str, ...]
) -> list[_Target]:
    """The targets of a kind that one of ``patterns`` matches, through an ARN index built once
    per account and kind; the answer is kept per pattern list (principals of many signatures
    hold the same policies, so the same patterns: a pattern with a wildcard early in the ARN,
    ``arn:aws:iam::*:user/x``, would otherwise test every target again for each)."""
    memo = memo_of(account)
    key = "method_edges.target_index." + kind
    hit: tuple[ArnIndex[_Target], dict[tuple[str, ...], list[_Target]]] | None
    hit = memo.get(key)  # type: ignore[assignment]  # what this function stored
    if hit is None:
        hit = memo[key] = (ArnIndex((t[0], t) for t in targets), {})
    index, by_patterns = hit
    found = by_patterns.get(patterns)
    if found is None:
        if len(by_patterns) > 50_000:
            by_patterns.clear()  # bounded: distinct pattern lists of one account
        found = by_patterns[patterns] = index.matching(patterns)
    return found


def _target_edge(
    account: Account,
    view: PrincipalView,
    method: EscalationMethod,
    arn: str,
    name: str,
    kind: str,
    values: dict[str, str],
) -> MethodEdge | None:
    # IAM entities are checked on their own ARN, which includes their path; a method on
    # itself that acts on another service (a CodeStar project) acts on what it creates.
    iam = method.resource_arn.startswith(("${", "arn:aws:iam:"))
    if method.target == "self" and not iam:
        resource = chosen(method.resource_arn.split(":")[2])
    elif kind in ("user", "group", "role", "policy"):
        resource = arn
    else:
        resource = Template(method.resource_arn).safe_substitute(values)
    decisions: list[tuple[str, Decision]] = []
    role = account.role(arn) if kind == "role" else None
    for i, action in enumerate(method.actions):
        if action.lower() == "sts:assumerole" and role is not None:
            # After iam:UpdateAssumeRolePolicy the trust names the caller: the assume then
            # needs no identity permission, but denies, SCPs and the boundary still apply.
            rewrites_trust = any(a.lower() == "iam:updateassumerolepolicy" for a in method.actions)
            d = view.decide(
                action,
                role.arn,
                resource_policy=(
                    _trusting_caller(view, role) if rewrites_trust else trust_policy_ref(role)
                ),
                resource_must_allow=True,
                share=not rewrites_trust,
            )
        else:
            d = view.decide(action, resource if i == 0 else _resource_for(action, resource))
        if not d.possible:
            return None
        decisions.append((action, d))
    resolved = merge(resolve_in_favour(d) for _, d in decisions)
    if not resolved.possible:
        return None
    if method.needs:
        # IAM data alone cannot decide it (key or password state, a service's availability).
        resolved = Resolved(True, True, (*resolved.conditions, method.needs), resolved.constraints)
    reasons = tuple(
        Reason("action", f"may {action} on {_shown(resource, arn, i, action)}", d.allowed_by)
        for i, (action, d) in enumerate(decisions)
    )
    return MethodEdge(method, arn, name, kind, resolved, reasons)


def _shown(first: str, target: str, i: int, action: str) -> str:
    """The resource an action is checked on, in words (never the internal placeholder)."""
    checked = first if i == 0 else (target if first == target else _resource_for(action, first))
    if checked.startswith(CALLER_CHOSEN):
        service = checked[len(CALLER_CHOSEN) + 1 :] or action.split(":", 1)[0]
        return f"a {service} resource it creates or picks"
    return checked


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
    resolved = merge(resolve_in_favour(d) for d in decisions)
    if not resolved.possible:
        return []
    kind = method.resource_arn.split(":")[2]
    rtype = re.split("[/:]", method.resource_arn.split(":", 5)[-1])[0]  # instance, function...
    out = []
    mine = own_account(account, view.arn)
    actions = tuple(
        Reason("action", f"may {a} on existing {kind} resources", d.allowed_by)
        for a, d in zip(method.actions, decisions, strict=False)
    )
    for role, trust in roles:
        if kind == "ec2" and not role.instance_profiles and role.instance_profiles_known:
            continue
        if own_account(account, role.arn) != mine:
            continue  # another account's instances, functions, stacks: not the caller's to use
        cond = f"an existing {kind} {rtype} that uses role {role.name}"
        r = Resolved(True, True, (*resolved.conditions, cond), resolved.constraints)
        why = (
            f"role {role.name} is in instance profile "
            + ", ".join(p.name for p in role.instance_profiles)
            if kind == "ec2" and role.instance_profiles
            else f"role {role.name} trusts the {kind} service, so a {kind} {rtype} can use it"
        )
        reasons = (*actions, Reason("trust", why, trust.statements))
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
    """ARNs of the users, groups and roles a managed policy is attached to (in the account's
    order: users, groups, roles), from an index built once per account."""
    memo = memo_of(account)
    index: dict[str, list[str]] | None = memo.get("method_edges.holders")  # type: ignore[assignment]
    if index is None:
        index = {}
        for e in account.entities:
            for arn in dict.fromkeys(e.attached_policies):
                index.setdefault(arn, []).append(e.arn)
        memo["method_edges.holders"] = index
    return list(index.get(policy.arn, ()))


@cache
def _lowered(title: str) -> str:
    """A method's title in lower case (once per method: every finding's title holds it)."""
    return title.lower()


def to_finding(
    view: PrincipalView,
    edge: MethodEdge,
    escalation: str,
    gained: Sequence[str],
    source_is_admin: bool,
    reasons: tuple[Reason, ...] | None = None,
) -> Finding:
    """The scan finding for a method edge (``reasons``: the edge's, relabelled for another
    principal of its signature)."""
    m = edge.method
    title = f"{view.name}: {_lowered(m.title)} ({edge.target_kind} {edge.target_name})"
    resources: tuple[str, ...] = ()
    if edge.resources:
        shown = ", ".join(r.label for r in edge.resources[:2])
        more = len(edge.resources) - 2
        title += f" on {shown}" + (f" and {more} more" if more > 0 else "")
        resources = tuple(r.arn for r in edge.resources)
    return Finding(
        kind=m.id,
        source=view.arn,
        target=edge.target,
        title=title,
        resources=resources,
        role=edge.target if edge.target_kind == "role" else None,
        escalation=escalation,  # type: ignore[arg-type]
        conditional=edge.resolved.conditional,
        conditions=edge.resolved.conditions,
        constraints=edge.resolved.constraints,
        reasons=edge.reasons if reasons is None else reasons,
        gained=gained,
        references=m.references,
        source_is_admin=source_is_admin,
    )


TAKEOVER_METHODS: tuple[EscalationMethod, ...] = tuple(
    m for m in METHODS if _existing_service(m) is not None
)
"""The methods that take over an existing resource (an instance, function, stack) running as a
role: their edges depend on which of those roles are admin-equivalent (``existing_roles``)."""
