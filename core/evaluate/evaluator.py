"""AWS policy evaluation for one request, three-valued and explained.

Follows the IAM User Guide, "Policy evaluation logic" and "How AWS enforcement code logic
evaluates requests to allow or deny access":

1. an explicit ``Deny`` that matches in any applicable policy (identity, resource, permissions
   boundary, SCP, session) is final;
2. SCPs must allow at every level of the organization (root ... account);
3. same account: an allow in the identity-based policies (limited by the permissions boundary and
   the session policy) or in the resource-based policy grants the request; a resource policy that
   names the principal's account delegates to the identity policies; a role trust policy must
   allow ``sts:AssumeRole`` in every case ("IAM role trust policies ... must explicitly allow");
   an implicit deny in a boundary or session policy does not limit a resource-policy grant to an
   IAM user ARN nor to the session ARN itself, but does limit one that names the role ARN (in
   ``Principal`` or through ``aws:PrincipalArn``): the rule follows what the policy names;
4. cross account ("Cross-account policy evaluation logic": "To allow cross-account access, you
   attach a resource-based policy to the resource that you want to share. You must also attach an
   identity-based policy to the identity that acts as the principal in the request."): both the
   identity policies and a resource policy must allow; with no resource policy the request is an
   implicit deny whatever the identity policies say.

Context keys may be *unknown* (analysis): then a statement can match only under conditions, and
the decision says which (``Decision.requirements``) instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from core.evaluate.conditions import context_keys, evaluate_conditions
from core.evaluate.decision import (
    ConditionalMatch,
    Decision,
    EvalDecision,
    Miss,
    PolicyRef,
    Requirement,
    StatementRef,
)
from core.model.account import ConditionClause, PolicyDocument, PrincipalSpec, Statement
from core.model.context import UNKNOWN, RequestContext
from core.model.memo import memo_of, memo_table
from core.model.patterns import action_regex, arn_matches, parts_regex
from core.model.tri import Tri
from core.model.variables import VERSION_2012, has_variables, substitute

PrincipalKind = Literal["user", "role", "session", "service", "root", "other"]

CALLER_CHOSEN = "\x00caller-chosen"
"""Resource value meaning "a resource the caller creates or picks" (analysis only).

An ``Allow`` matches when one of its resources could name a resource of the action's service; a
``Deny`` matches only when it covers every resource (the caller would pick another one)."""


@dataclass(frozen=True, slots=True)
class Request:
    """One API authorization request: who, what, on which resource, with which context."""

    principal: str
    action: str
    resource: str = "*"
    context: RequestContext = field(default_factory=RequestContext)
    resource_account: str = ""
    """The account that owns the resource, when the ARN does not say (S3 buckets)."""


@dataclass(frozen=True, slots=True)
class PolicySet:
    """Every policy that applies to a principal's requests.

    Attributes:
        identity: identity-based policies (user + its groups, or role).
        boundary: the permissions boundary, if any.
        scp_levels: SCPs per organization level, root first; empty when SCPs do not apply.
        session: a session policy, for assumed-role sessions.
        principal_kind: decides how a resource-policy grant interacts with the boundary.
        account_id: the principal's account (same-account rules).
    """

    identity: tuple[PolicyRef, ...] = ()
    boundary: PolicyRef | None = None
    scp_levels: tuple[tuple[PolicyRef, ...], ...] = ()
    session: PolicyRef | None = None
    principal_kind: PrincipalKind = "user"
    account_id: str = ""


# -- compiled statement index ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Index:
    by_service: dict[str, tuple[Statement, ...]]
    generic: tuple[Statement, ...]
    variables: bool


def _service(pattern: str) -> str | None:
    """The literal service prefix of an action pattern, or ``None`` for wildcard services."""
    if pattern == "*" or ":" not in pattern:
        return None
    svc = pattern.split(":", 1)[0].lower()
    return None if ("*" in svc or "?" in svc) else svc


def index_of(doc: PolicyDocument) -> _Index:
    """The document's statements indexed by service prefix (built once per document)."""
    memo = memo_of(doc)
    hit = memo.get("evaluate.index")
    if hit is not None:
        return hit  # type: ignore[return-value]  # the memo holds what this function put there
    by: dict[str, list[Statement]] = {}
    generic: list[Statement] = []
    for st in doc.statements:
        services = {_service(p) for p in st.actions}
        if st.not_action or None in services:
            generic.append(st)
            continue
        for svc in services:
            by.setdefault(svc, []).append(st)  # type: ignore[arg-type]
    idx = _Index({k: tuple(v) for k, v in by.items()}, tuple(generic), doc.version == VERSION_2012)
    memo["evaluate.index"] = idx
    return idx


def candidates(doc: PolicyDocument, action: str) -> tuple[Statement, ...]:
    """Statements of ``doc`` that could match ``action`` (by service prefix)."""
    idx = index_of(doc)
    svc = action.split(":", 1)[0].lower()
    own = idx.by_service.get(svc, ())
    if not idx.generic:
        return own
    if not own:
        return idx.generic
    return tuple(sorted((*own, *idx.generic), key=lambda s: s.index))


def matching(doc: PolicyDocument, action: str) -> tuple[Statement, ...]:
    """Statements of ``doc`` whose Action/NotAction matches ``action`` (cached)."""
    by_action: dict[str, tuple[Statement, ...]] = memo_table(doc, "evaluate.matching")
    key = action.lower()
    out = by_action.get(key)
    if out is None:
        out = by_action[key] = tuple(
            st for st in candidates(doc, action) if _action_match(st, action)
        )
    return out


# -- statement matching ---------------------------------------------------------------------


_ActionSet = tuple[frozenset[str], re.Pattern[str] | None, bool]


def _action_set(st: Statement) -> tuple[frozenset[str], re.Pattern[str] | None, bool]:
    """The statement's action patterns compiled: exact names, one regex, and "matches all"."""
    memo = memo_of(st)
    hit = memo.get("evaluate.actions")
    if hit is not None:
        return hit  # type: ignore[return-value]
    exact = frozenset(p.lower() for p in st.actions if "*" not in p and "?" not in p)
    globs = [p for p in st.actions if "*" in p or "?" in p]
    everything = "*" in st.actions
    regex = (
        re.compile("|".join(f"(?:{action_regex(p).pattern})" for p in globs), re.DOTALL)
        if globs and not everything
        else None
    )
    out: _ActionSet = (exact, regex, everything)
    memo["evaluate.actions"] = out
    return out


def _action_match(st: Statement, action: str) -> bool:
    exact, regex, everything = _action_set(st)
    a = action.lower()
    hit = everything or a in exact or (regex is not None and regex.fullmatch(a) is not None)
    return not hit if st.not_action else hit


def _covers_all(pattern: str) -> bool:
    return pattern == "*" or (pattern.startswith("arn") and not pattern[3:].strip(":*"))


def _could_name(pattern: str, service: str) -> bool:
    if pattern == "*" or "${" in pattern:
        return True
    parts = pattern.split(":")
    if len(parts) < 3:
        return False
    return (
        arn_matches(parts[2], service)
        if ("*" in parts[2] or "?" in parts[2])
        else (parts[2] == service)
    )


def chosen(service: str) -> str:
    """A resource of ``service`` that the caller picks (an existing instance, a new stack...)."""
    return f"{CALLER_CHOSEN}:{service}"


def _chosen_match(st: Statement, action: str, resource: str) -> Tri:
    assert st.resources is not None
    service = resource[len(CALLER_CHOSEN) + 1 :] or action.split(":", 1)[0].lower()
    if st.effect == "Allow":
        if st.not_resource:
            return Tri.of(not any(_covers_all(p) for p in st.resources))
        return Tri.of(any(_could_name(p, service) for p in st.resources))
    if st.not_resource:
        return Tri.of(not any(_could_name(p, service) for p in st.resources))
    return Tri.of(any(_covers_all(p) for p in st.resources))


def _resource_match(
    st: Statement, resource: str, ctx: RequestContext, variables: bool, action: str = ""
) -> tuple[Tri, ConditionClause | None]:
    if st.resources is None:
        return Tri.TRUE, None
    if resource.startswith(CALLER_CHOSEN):
        return _chosen_match(st, action, resource), None
    result = Tri.FALSE
    unknown_clause: ConditionClause | None = None
    for pattern in st.resources:
        if variables and has_variables(pattern):
            parts = substitute(pattern, ctx)
            if parts is None:
                # "IAM policy elements: Variables and tags": a variable AWS cannot resolve
                # makes the whole statement invalid, so it does not apply (also for NotResource).
                return Tri.FALSE, None
            if parts is UNKNOWN:
                result = Tri.UNKNOWN
                unknown_clause = ConditionClause("ResourceVariable", pattern, (resource,))
                continue
            if parts_regex(parts, arn=True).fullmatch(resource) is not None:  # type: ignore[arg-type]
                result = Tri.TRUE
                break
        elif arn_matches(pattern, resource):
            result = Tri.TRUE
            break
    if st.not_resource:
        result = ~result
    return result, (unknown_clause if result is Tri.UNKNOWN else None)


PrincipalMatch = Literal["named", "role", "account", "none"]


def principal_account(principal: str) -> str:
    """The account id in an IAM or STS ARN, or ``""``."""
    parts = principal.split(":")
    return parts[4] if len(parts) > 5 and parts[0] == "arn" else ""


def _session_role_arn(principal: str) -> str | None:
    # arn:aws:sts::111122223333:assumed-role/RoleName/session -> role name match
    parts = principal.split(":", 5)
    if len(parts) == 6 and parts[2] == "sts" and parts[5].startswith("assumed-role/"):
        return parts[5].split("/")[1]
    return None


def _is_role_arn(arn: str) -> bool:
    parts = arn.split(":", 5)
    return len(parts) == 6 and parts[2] == "iam" and parts[5].startswith("role/")


def principal_match(spec: PrincipalSpec, principal: str) -> PrincipalMatch:
    """How a ``Principal`` element matches the requesting principal.

    ``named``: the principal itself (a user ARN, the session ARN itself, ``"*"``, a service
    principal); ``role``: the ARN of the role behind the caller (the caller is that role or one
    of its sessions), whose grants an implicit deny in the role's boundary or session policy
    limits ("Policy evaluation logic"; the rule follows what the policy names); ``account``: the
    principal's account (``123456789012`` or ``arn:aws:iam::...:root``), which delegates the
    decision to the account's identity policies.
    """
    is_role = _is_role_arn(principal)
    if spec.wildcard:
        return "role" if is_role else "named"
    lowered = principal.lower()
    if any(s.lower() == lowered for s in spec.service):
        return "named"
    if principal in spec.federated or principal in spec.canonical_user:
        return "named"
    acct = principal_account(principal)
    role_name = _session_role_arn(principal)
    result: PrincipalMatch = "none"
    for value in spec.aws:
        if value == principal:
            return "role" if is_role else "named"
        if (
            role_name
            and value.startswith("arn:")
            and value.split(":")[4:5] == [acct]
            # The role's ARN, with or without a path; never a user or group of that name.
            and value.split(":", 5)[-1].startswith("role/")
            and value.endswith(f"/{role_name}")
        ):
            return "role"
        if acct and (value == acct or value == f"arn:aws:iam::{acct}:root"):
            result = "account"
    return result


def _names_role_by_condition(st: Statement, principal: str) -> bool:
    """Whether a statement that matched a role or its session by ``"*"`` names the role through
    ``aws:PrincipalArn`` (whose value for a session is the role's ARN)."""
    if not (_is_role_arn(principal) or _session_role_arn(principal)):
        return False
    return any(
        c.key.lower() == "aws:principalarn" and "Not" not in c.operator and c.operator != "Null"
        for c in st.conditions
    )


@dataclass
class _LayerResult:
    allow: Tri = Tri.FALSE
    deny: Tri = Tri.FALSE
    allows: list[StatementRef] = field(default_factory=list)
    denies: list[StatementRef] = field(default_factory=list)
    cond_allows: list[ConditionalMatch] = field(default_factory=list)
    cond_denies: list[ConditionalMatch] = field(default_factory=list)
    # resource layer only: allows that name the principal itself (``direct``), and those that
    # name the role behind it (``limited``: a boundary or session policy implicit deny limits them)
    direct: Tri = Tri.FALSE
    limited: Tri = Tri.FALSE
    direct_allows: list[StatementRef] = field(default_factory=list)
    direct_cond: list[ConditionalMatch] = field(default_factory=list)


def _eval_layer(
    refs: Sequence[PolicyRef],
    req: Request,
    misses: list[Miss] | None,
    keys: set[str],
    resource_layer: bool = False,
) -> _LayerResult:
    out = _LayerResult()
    for ref in refs:
        if misses is not None:
            for st in ref.document.statements:
                if not _action_match(st, req.action):
                    misses.append(Miss(StatementRef(ref, st), "action does not match"))
        for st in matching(ref.document, req.action):
            variables = index_of(ref.document).variables
            if st.conditions:
                keys.update(context_keys(st.conditions))
            r, rclause = _resource_match(st, req.resource, req.context, variables, req.action)
            if r is Tri.FALSE:
                if misses is not None:
                    misses.append(Miss(StatementRef(ref, st), "resource does not match"))
                continue
            pmatch: PrincipalMatch = "named"
            if resource_layer and st.principal is not None:
                pmatch = principal_match(st.principal, req.principal)
                if st.not_principal:
                    pmatch = "named" if pmatch == "none" else "none"
                if pmatch == "none":
                    if misses is not None:
                        misses.append(Miss(StatementRef(ref, st), "principal does not match"))
                    continue
                if (
                    pmatch == "named"
                    and st.principal.wildcard
                    and _names_role_by_condition(st, req.principal)
                ):
                    pmatch = "role"
            c, clauses = evaluate_conditions(st.conditions, req.context, variables=variables)
            if rclause is not None:
                c = c & Tri.UNKNOWN
                clauses = (*clauses, rclause) if c is Tri.UNKNOWN else clauses
            if c is Tri.FALSE:
                if misses is not None:
                    from core.evaluate.conditions import describe_clause

                    why = "; ".join(describe_clause(cl) for cl in clauses) or "condition"
                    misses.append(Miss(StatementRef(ref, st), f"condition not met: {why}"))
                continue
            sref = StatementRef(ref, st)
            deny = st.effect == "Deny"
            if c is Tri.TRUE:
                if deny:
                    out.deny = Tri.TRUE
                    out.denies.append(sref)
                else:
                    out.allow = Tri.TRUE
                    out.allows.append(sref)
                    if pmatch == "named":
                        out.direct = Tri.TRUE
                        out.direct_allows.append(sref)
                    elif pmatch == "role":
                        out.limited = Tri.TRUE
                        out.direct_allows.append(sref)
            else:
                cm = ConditionalMatch(sref, clauses)
                if deny:
                    out.deny = out.deny | Tri.UNKNOWN
                    out.cond_denies.append(cm)
                else:
                    out.allow = out.allow | Tri.UNKNOWN
                    out.cond_allows.append(cm)
                    if pmatch == "named":
                        out.direct = out.direct | Tri.UNKNOWN
                        out.direct_cond.append(cm)
                    elif pmatch == "role":
                        out.limited = out.limited | Tri.UNKNOWN
                        out.direct_cond.append(cm)
    return out


def evaluate(
    req: Request,
    policies: PolicySet,
    *,
    resource_policy: PolicyRef | None = None,
    resource_must_allow: bool = False,
    explain_misses: bool = False,
) -> Decision:
    """Evaluate one request against the principal's policies and an optional resource policy.

    Args:
        req: the request.
        policies: identity, boundary, SCP and session policies of the principal.
        resource_policy: the resource-based policy (for ``sts:AssumeRole``, the trust policy).
        resource_must_allow: the resource policy must allow in every case (role trust policies).
        explain_misses: also report why each non-matching statement did not match.
    """
    misses: list[Miss] | None = [] if explain_misses else None
    keys: set[str] = set()
    identity = _eval_layer(policies.identity, req, misses, keys)
    owner = resource_owner(req)
    same_account = not policies.account_id or owner in ("", policies.account_id)
    if (
        same_account
        and resource_policy is None
        and policies.boundary is None
        and policies.session is None
        and not policies.scp_levels
        and identity.allow is not Tri.UNKNOWN
        and identity.deny is not Tri.UNKNOWN
    ):
        return _identity_only(req, identity, keys, misses)
    boundary = _eval_layer((policies.boundary,), req, misses, keys) if policies.boundary else None
    session = _eval_layer((policies.session,), req, misses, keys) if policies.session else None
    scps = [
        (level[0].level if level else f"level {i}", _eval_layer(level, req, misses, keys))
        for i, level in enumerate(policies.scp_levels)
    ]
    resource = (
        _eval_layer((resource_policy,), req, misses, keys, resource_layer=True)
        if resource_policy
        else None
    )
    layers: list[tuple[str, _LayerResult]] = [("identity", identity)]
    if boundary:
        layers.append(("boundary", boundary))
    if session:
        layers.append(("session", session))
    layers.extend((f"scp:{name}", r) for name, r in scps)
    if resource:
        layers.append(("resource", resource))

    deny = Tri.FALSE
    for _, lr in layers:
        deny = deny | lr.deny
    scp_ok = Tri.TRUE
    for _, lr in scps:
        scp_ok = scp_ok & lr.allow
    limits = Tri.TRUE
    if boundary:
        limits = limits & boundary.allow
    if session:
        limits = limits & session.allow
    identity_ok = identity.allow & limits

    if resource is None:
        # Another account's resource is shared only by its resource-based policy.
        granted = identity_ok if same_account else Tri.FALSE
    else:
        direct = resource.direct | (resource.limited & limits)
        if resource_must_allow:
            # A role trust policy: the boundary limits a grant to a named user too ("If a
            # permissions boundary is set for the user, then it must allow the sts:AssumeRole
            # action": IAM User Guide, "Update a role trust policy").
            direct = (resource.direct | resource.limited) & limits
        if resource_must_allow or not same_account:
            granted = (
                resource.allow & (direct | identity_ok)
                if same_account
                else (resource.allow & identity_ok)
            )
        else:
            granted = identity_ok | direct
    overall = (~deny) & scp_ok & granted

    requirements: list[Requirement] = []
    if overall is Tri.UNKNOWN:
        for name, lr in layers:
            if lr.cond_denies and lr.deny is Tri.UNKNOWN:
                requirements.append(Requirement("deny-if", name, tuple(lr.cond_denies)))
        for name, lr in layers:
            if lr.allow is Tri.UNKNOWN and lr.cond_allows:
                requirements.append(Requirement("allow-if", name, tuple(lr.cond_allows)))

    allowed_by = [s for _, lr in layers for s in lr.allows]
    denied_by = [s for _, lr in layers for s in lr.denies]

    word: EvalDecision
    if overall is Tri.TRUE:
        word = "allowed"
        decided = "identity" if identity_ok is Tri.TRUE else "resource"
    elif deny is Tri.TRUE:
        word = "explicitDeny"
        decided = "explicit-deny"
    else:
        # Denied, or (conditional) denied unless the open conditions go the caller's way.
        word = "implicitDeny"
        decided = (
            "cross-account: no resource-based policy shares it"
            if not same_account and resource is None
            else _first_gate(
                identity, boundary, session, scps, resource, granted, resource_must_allow
            )
        )
    missing = tuple(sorted(k for k in keys if req.context.lookup(k) is None))
    return Decision(
        decision=word,
        action=req.action,
        resource=req.resource,
        conditional=overall is Tri.UNKNOWN,
        allowed_by=tuple(allowed_by) if overall is not Tri.FALSE else (),
        denied_by=tuple(denied_by),
        decided_by=decided,
        requirements=tuple(requirements),
        missing_context=missing,
        misses=tuple(misses or ()),
    )


def resource_owner(req: Request) -> str:
    """The account that owns the request's resource: ``resource_account``, else the account in
    its ARN; ``""`` when neither names a 12-digit account (``*``, S3 buckets, AWS managed
    policies, a resource the caller picks)."""
    owner = req.resource_account or principal_account(req.resource)
    return owner if len(owner) == 12 and owner.isdigit() else ""


def _identity_only(
    req: Request, identity: _LayerResult, keys: set[str], misses: list[Miss] | None
) -> Decision:
    """The common case, decided by identity policies alone with no open conditions."""
    word: EvalDecision
    if identity.deny is Tri.TRUE:
        word, decided = "explicitDeny", "explicit-deny"
    elif identity.allow is Tri.TRUE:
        word, decided = "allowed", "identity"
    else:
        word, decided = "implicitDeny", "identity"
    missing = tuple(sorted(k for k in keys if req.context.lookup(k) is None)) if keys else ()
    return Decision(
        decision=word,
        action=req.action,
        resource=req.resource,
        allowed_by=tuple(identity.allows) if word == "allowed" else (),
        denied_by=tuple(identity.denies),
        decided_by=decided,
        missing_context=missing,
        misses=tuple(misses or ()),
    )


def _first_gate(
    identity: _LayerResult,
    boundary: _LayerResult | None,
    session: _LayerResult | None,
    scps: list[tuple[str, _LayerResult]],
    resource: _LayerResult | None,
    granted: Tri,
    resource_must_allow: bool,
) -> str:
    """The first layer (in AWS's order) that did not allow."""
    for name, lr in scps:
        if lr.allow is not Tri.TRUE:
            return f"scp:{name}"
    if resource is not None and resource_must_allow and resource.allow is not Tri.TRUE:
        return "resource"
    if identity.allow is not Tri.TRUE and (
        resource is None or (resource.direct | resource.limited) is not Tri.TRUE
    ):
        return "identity"
    if boundary is not None and boundary.allow is not Tri.TRUE:
        return "boundary"
    if session is not None and session.allow is not Tri.TRUE:
        return "session"
    return "identity" if granted is not Tri.TRUE else ""
