"""PassRole edges: principal P → role R → service S, with reasons, constraints and why-not.

An edge exists when (IAM User Guide, "Grant a user permissions to pass a role to an AWS
service"):
1. P may ``iam:PassRole`` on R with the context S presents (``iam:PassedToService``,
   ``iam:AssociatedResourceARN``, the region), under boundaries, SCPs and explicit denies;
2. R's trust policy lets S's service principal assume it;
3. P can perform one of S's action sets (launch the instance, create and invoke the function...);
4. S's prerequisites hold (EC2: an instance profile holding R, or the right to create one).
The region is the caller's choice and must satisfy the PassRole and the launch permissions at
once; the edge records the regions that work when policies restrict them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from string import Template

from core.context import RequestContext
from core.decision import Decision, PolicyRef, StatementRef
from core.evaluator import PolicySet, Request, evaluate
from core.findings import Finding, Reason
from core.model import Account, Role
from core.principals import trust_policy_ref
from core.regions import REGIONS
from core.resolve import Resolved, resolve
from core.services import SERVICES, ActionSet, PassRoleService
from core.view import PrincipalView

TRUST_ACTION = {"cognito-identity": "sts:AssumeRoleWithWebIdentity"}
"""Services whose trust statement uses another action than ``sts:AssumeRole``."""

PROFILE_ACTIONS = ("iam:CreateInstanceProfile", "iam:AddRoleToInstanceProfile")


def associated_arn(service: PassRoleService, account_id: str, region: str) -> str | None:
    """The ``iam:AssociatedResourceARN`` template in a region (``None`` when not sent)."""
    if service.associated_resource_arn is None:
        return None
    return Template(service.associated_resource_arn).safe_substitute(
        Region=region, Account=account_id, Partition="aws"
    )


@dataclass(frozen=True, slots=True)
class TrustResult:
    """Whether a role trusts a service principal, and by which statements."""

    allowed: bool
    conditional: bool
    statements: tuple[StatementRef, ...]
    conditions: tuple[str, ...] = ()


def trust_allows(account: Account, role: Role, service: PassRoleService) -> TrustResult | None:
    """Evaluate the role's trust policy for the service principals (``None``: not trusted)."""
    action = TRUST_ACTION.get(service.id, "sts:AssumeRole")
    ref = trust_policy_ref(role)
    for principal in service.principals:
        ctx = RequestContext.of(
            {"aws:SourceAccount": account.account_id, "aws:PrincipalIsAWSService": "true"},
            unknown_by_default=True,
        )
        d = evaluate(
            Request(principal, action, role.arn, ctx),
            PolicySet(principal_kind="service", account_id=account.account_id),
            resource_policy=ref,
            resource_must_allow=True,
        )
        r = resolve(d)
        if r.possible:
            return TrustResult(True, r.conditional, d.allowed_by, r.conditions)
    return None


@dataclass
class _Launch:
    action_set: ActionSet
    decisions: tuple[Decision, ...]
    resolved: Resolved


def _resolve_all(decisions: Sequence[Decision], template: str | None = None) -> Resolved:
    out = Resolved(True)
    for d in decisions:
        r = resolve(d, template)
        if not r.possible:
            return Resolved(False)
        out = Resolved(
            True,
            out.conditional or r.conditional,
            (*out.conditions, *r.conditions),
            (*out.constraints, *r.constraints),
        )
    return out


ANY_REGION = "*"
"""Region left unknown: decisions that do not depend on it hold in every region."""


def _region_ctx(view: PrincipalView, region: str) -> dict[str, object]:
    if region == ANY_REGION or not view.region_sensitive:
        return {}
    return {"aws:RequestedRegion": region}


def _mentions_region(decisions: Iterable[Decision]) -> bool:
    return any(
        c.key.lower() == "aws:requestedregion"
        for d in decisions
        for req in d.requirements
        for alt in req.alternatives
        for c in alt.clauses
    )


def _regional(
    view: PrincipalView, probe: Callable[[str], tuple[Decision, ...] | None]
) -> list[str]:
    """Regions to evaluate: ``[ANY_REGION]`` unless the decisions depend on the region."""
    first = probe(ANY_REGION)
    if first is None:
        return []
    if view.region_sensitive and _mentions_region(first):
        return list(REGIONS)
    return [ANY_REGION]


def launch_options(view: PrincipalView, service: PassRoleService, region: str) -> _Launch | None:
    """The best action set the principal can perform for ``service`` in ``region``."""
    best: _Launch | None = None
    extra = _region_ctx(view, region)
    for aset in service.action_sets:
        decisions = tuple(view.decide(a, extra=extra) for a in aset.actions)
        if not all(d.possible for d in decisions):
            continue
        r = _resolve_all(decisions)
        if not r.possible:
            continue
        cand = _Launch(aset, decisions, r)
        if not r.conditional:
            return cand
        best = best or cand
    return best


def _profile(view: PrincipalView, role: Role) -> tuple[Reason | None, Resolved]:
    if role.instance_profiles:
        names = ", ".join(p.name for p in role.instance_profiles)
        return Reason("prerequisite", f"role is in instance profile {names}"), Resolved(True)
    decisions = [view.decide(a) for a in PROFILE_ACTIONS]
    r = _resolve_all(decisions)
    if not r.possible:
        return None, r
    refs = tuple(s for d in decisions for s in d.allowed_by)
    return Reason(
        "prerequisite",
        "no instance profile holds the role, but the principal can "
        "create one (iam:CreateInstanceProfile, iam:AddRoleToInstanceProfile)",
        refs,
    ), r


@dataclass
class EdgeCandidate:
    """A PassRole edge before escalation labelling."""

    role: Role
    service: PassRoleService
    regions: tuple[str, ...]
    resolved: Resolved
    reasons: tuple[Reason, ...]
    trust: TrustResult
    extra_constraints: tuple[str, ...] = field(default=())


def _passrole_ctx(
    view: PrincipalView, service: PassRoleService, account: Account, region: str
) -> tuple[dict[str, object], frozenset[str], str | None]:
    extra: dict[str, object] = {"iam:PassedToService": service.passed_to_service}
    extra.update(_region_ctx(view, region))
    template = associated_arn(service, account.account_id, "*" if region == ANY_REGION else region)
    absent = frozenset() if template else frozenset({"iam:associatedresourcearn"})
    return extra, absent, template


def passrole_edges_for(
    account: Account,
    view: PrincipalView,
    trusted: dict[str, list[tuple[Role, TrustResult]]],
    services: Iterable[PassRoleService] = SERVICES,
) -> list[EdgeCandidate]:
    """Every PassRole edge from ``view``; ``trusted`` maps service id → roles that trust it."""
    if not _could_passrole(view):
        return []
    out: list[EdgeCandidate] = []
    for service in services:
        roles = trusted.get(service.id)
        if not roles:
            continue

        roles = [
            (role, trust)
            for role, trust in roles
            if role.arn != view.arn
            and _passrole_prefilter(view, role.arn)
            and _passrole_possible(account, view, role, service)
        ]
        if not roles:
            continue

        def probe(region: str, service: PassRoleService = service) -> tuple[Decision, ...] | None:
            launch = launch_options(view, service, region)
            return launch.decisions if launch is not None else None

        launch_by_region = {}
        for region in _regional(view, probe):
            launch = launch_options(view, service, region)
            if launch is not None:
                launch_by_region[region] = launch
        if not launch_by_region:
            continue
        for role, trust in roles:
            if role.arn == view.arn:
                continue
            if not _passrole_prefilter(view, role.arn):
                continue
            cand = _edge(account, view, role, service, trust, launch_by_region)
            if cand is not None:
                out.append(cand)
    return out


def _edge(
    account: Account,
    view: PrincipalView,
    role: Role,
    service: PassRoleService,
    trust: TrustResult,
    launch_by_region: dict[str, _Launch],
) -> EdgeCandidate | None:
    ok_regions: list[str] = []
    best: tuple[Resolved, Decision, _Launch] | None = None
    if list(launch_by_region) == [ANY_REGION] and view.region_sensitive:
        extra, absent, _ = _passrole_ctx(view, service, account, ANY_REGION)
        d = view.decide("iam:PassRole", role.arn, extra, resource_tags=role.tags, absent=absent)
        if not d.possible:
            return None
        if _mentions_region([d]):
            launch_by_region = {r: launch_by_region[ANY_REGION] for r in REGIONS}
    for region, launch in launch_by_region.items():
        extra, absent, template = _passrole_ctx(view, service, account, region)
        d = view.decide("iam:PassRole", role.arn, extra, resource_tags=role.tags, absent=absent)
        if not d.possible:
            continue
        r = resolve(d, template)
        if not r.possible:
            continue
        ok_regions.append(region)
        merged = Resolved(
            True,
            r.conditional or launch.resolved.conditional,
            (*r.conditions, *launch.resolved.conditions),
            (*r.constraints, *launch.resolved.constraints),
        )
        if best is None or (best[0].conditional and not merged.conditional):
            best = (merged, d, launch)
    if best is None:
        return None
    resolved, pass_decision, launch = best
    reasons = [
        Reason(
            "passrole",
            f"may iam:PassRole on {role.name} to {service.passed_to_service}",
            pass_decision.allowed_by,
        ),
        Reason(
            "trust",
            f"role {role.name} trusts {service.principals[0]}"
            + (" (conditionally)" if trust.conditional else ""),
            trust.statements,
        ),
    ]
    for action, d in zip(launch.action_set.actions, launch.decisions, strict=True):
        reasons.append(Reason("launch", f"may {action}", d.allowed_by))
    if service.requires_instance_profile:
        reason, pr = _profile(view, role)
        if reason is None:
            return None
        reasons.append(reason)
        if pr.conditional:
            resolved = Resolved(
                True, True, (*resolved.conditions, *pr.conditions), resolved.constraints
            )
    constraints = list(resolved.constraints)
    if ANY_REGION not in ok_regions and len(ok_regions) < len(REGIONS):
        constraints.insert(0, "only in " + ", ".join(ok_regions))
    conditions = list(resolved.conditions) + list(trust.conditions)
    final = Resolved(
        True, bool(conditions), tuple(dict.fromkeys(conditions)), tuple(dict.fromkeys(constraints))
    )
    return EdgeCandidate(role, service, tuple(ok_regions), final, tuple(reasons), trust)


def _passrole_possible(
    account: Account, view: PrincipalView, role: Role, service: PassRoleService
) -> bool:
    """PassRole with the region left open: impossible there means impossible everywhere."""
    extra, absent, _ = _passrole_ctx(view, service, account, ANY_REGION)
    return view.decide(
        "iam:PassRole", role.arn, extra, resource_tags=role.tags, absent=absent
    ).possible


def _passrole_refs(view: PrincipalView) -> list[tuple[PolicyRef, tuple[str, ...] | None, bool]]:
    out = []
    from core.evaluator import _action_match, candidates

    for ref in view.policies.identity:
        for st in candidates(ref.document, "iam:PassRole"):
            if st.effect == "Allow" and _action_match(st, "iam:PassRole"):
                out.append((ref, st.resources, st.not_resource))
    return out


def _could_passrole(view: PrincipalView) -> bool:
    return bool(_passrole_refs(view))


def _passrole_prefilter(view: PrincipalView, role_arn: str) -> bool:
    from core.patterns import arn_matches

    for _, resources, not_resource in _passrole_refs(view):
        if resources is None or not_resource:
            return True
        for p in resources:
            if "${" in p or arn_matches(p, role_arn):
                return True
    return False


def trusted_roles(
    account: Account, services: Iterable[PassRoleService] = SERVICES
) -> dict[str, list[tuple[Role, TrustResult]]]:
    """Service id → the roles whose trust policy lets that service assume them."""
    out: dict[str, list[tuple[Role, TrustResult]]] = {}
    services = tuple(services)
    for role in account.roles:
        if role.is_service_linked:
            continue  # service-linked roles cannot be passed to launch arbitrary workloads
        named = _trust_principals(role)
        for service in services:
            if not (named & set(service.principals)) and "*" not in named:
                continue
            t = trust_allows(account, role, service)
            if t is not None:
                out.setdefault(service.id, []).append((role, t))
    return out


def _trust_principals(role: Role) -> set[str]:
    names: set[str] = set()
    for st in role.trust_policy.statements:
        if st.effect != "Allow" or st.principal is None:
            continue
        if st.principal.wildcard or st.not_principal:
            names.add("*")
        names.update(s.lower().removesuffix(".cn") for s in st.principal.service)
        names.update(s.lower() for s in st.principal.federated)
    return names


def why_not(
    account: Account, view: PrincipalView, role: Role, service: PassRoleService
) -> tuple[str, ...]:
    """Which requirements fail for principal → role → service (empty when the edge exists)."""
    failures: list[str] = []
    trust = trust_allows(account, role, service)
    if trust is None:
        failures.append(
            f"role {role.name}'s trust policy does not let {service.principals[0]} assume it"
        )
    regions = (ANY_REGION, *REGIONS) if view.region_sensitive else (ANY_REGION,)
    pass_ok = False
    last: Decision | None = None
    for region in regions:
        extra, absent, template = _passrole_ctx(view, service, account, region)
        d = view.decide("iam:PassRole", role.arn, extra, resource_tags=role.tags, absent=absent)
        last = d
        if d.possible and resolve(d, template).possible:
            pass_ok = True
            break
    if not pass_ok and last is not None:
        failures.append(
            f"iam:PassRole on {role.name} to {service.passed_to_service} is {last.summary()}"
        )
    launch_ok = any(launch_options(view, service, r) for r in regions)
    if not launch_ok:
        missing = []
        for aset in service.action_sets:
            denied = [a for a in aset.actions if not view.decide(a).possible]
            missing.append(" + ".join(denied) if denied else " + ".join(aset.actions))
        failures.append(
            f"cannot {service.name} launch actions: missing " + " or ".join(dict.fromkeys(missing))
        )
    if service.requires_instance_profile:
        reason, _ = _profile(view, role)
        if reason is None:
            failures.append(
                f"role {role.name} is in no instance profile and the principal cannot create one"
            )
    if not failures and pass_ok and launch_ok and trust is not None:
        return ()
    if not failures:
        failures.append("the region that allows iam:PassRole does not allow the launch actions")
    return tuple(failures)


def to_finding(
    view: PrincipalView,
    cand: EdgeCandidate,
    escalation: str,
    gained: tuple[str, ...],
    source_is_admin: bool,
    extra_reasons: Sequence[Reason] = (),
) -> Finding:
    """The scan finding for an edge."""
    return Finding(
        kind="passrole",
        source=view.arn,
        target=cand.role.arn,
        title=f"{view.name} can pass {cand.role.name} to {cand.service.name}",
        role=cand.role.arn,
        service=cand.service.principals[0],
        service_id=cand.service.id,
        escalation=escalation,  # type: ignore[arg-type]
        conditional=cand.resolved.conditional,
        conditions=cand.resolved.conditions,
        constraints=cand.resolved.constraints,
        reasons=(*cand.reasons, *extra_reasons),
        gained=gained,
        references=cand.service.references,
        source_is_admin=source_is_admin,
    )
