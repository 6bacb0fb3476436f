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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from string import Template

from core.escalate.caller_favour import Resolved, merge, resolve_in_favour
from core.escalate.capabilities import actions_mask, identity_allow_mask, may_allow
from core.escalate.findings import Finding, Reason
from core.escalate.region_sets import (
    ALL_REGIONS,
    RegionMemo,
    TemplateFor,
    describe_regions,
    possible_regions,
    region_memo,
)
from core.escalate.resource_edges import needs_condition
from core.escalate.tables.services import SERVICES, ActionSet, PassRoleService
from core.evaluate.decision import Decision, StatementRef
from core.evaluate.evaluator import PolicySet, Request, evaluate, matching
from core.evaluate.principal import (
    ActionScope,
    PrincipalView,
    Relabelling,
    own_account,
    relabel_decision,
    relabel_statements,
    shared_results,
    statement_keys,
    trust_policy_ref,
)
from core.model.account import Account, Role, Statement
from core.model.arn_index import ArnIndex
from core.model.context import RequestContext
from core.model.memo import memo_bounded, memo_of
from core.model.patterns import arn_matches
from core.model.regions import REGIONS

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
    constraints: tuple[str, ...] = ()
    """Choices the caller makes for the service (the resource it creates: ``aws:SourceArn``)."""


def trust_allows(account: Account, role: Role, service: PassRoleService) -> TrustResult | None:
    """Evaluate the role's trust policy for the service principals (``None``: not trusted)."""
    action = TRUST_ACTION.get(service.id, "sts:AssumeRole")
    ref = trust_policy_ref(role)
    acct = own_account(account, role.arn)  # a role is passed, and so used, in its own account
    for principal in service.principals:
        ctx = RequestContext.of(
            {"aws:SourceAccount": acct, "aws:PrincipalIsAWSService": "true"},
            unknown_by_default=True,
        )
        d = evaluate(
            Request(principal, action, role.arn, ctx),
            PolicySet(principal_kind="service", account_id=acct),
            resource_policy=ref,
            resource_must_allow=True,
        )
        r = resolve_in_favour(d, source_account=acct)  # the service acts for a caller in acct
        if r.possible:
            return TrustResult(True, r.conditional, d.allowed_by, r.conditions, r.constraints)
    return None


def _resolve_all(decisions: Sequence[Decision], template: str | None = None) -> Resolved:
    return merge(resolve_in_favour(d, template) for d in decisions)


"""Region left unknown: the caller picks it (see :mod:`core.escalate.region_sets`)."""


def _without_region(r: Resolved) -> Resolved:
    keep = tuple(c for c in r.constraints if "aws:RequestedRegion" not in c)
    return Resolved(r.possible, r.conditional, r.conditions, keep)


@dataclass
class _Launch:
    action_set: ActionSet
    decisions: tuple[Decision, ...]
    resolved: Resolved
    regions: frozenset[str]


def _launch_resolved(
    aset: ActionSet, decisions: Sequence[Decision], account: Account | None = None
) -> Resolved:
    """The launch decisions resolved; a way that needs an existing resource is conditional on
    it, or impossible when the account's inventory read everywhere and found none
    (:func:`core.escalate.resource_edges.needs_condition`)."""
    r = _resolve_all(decisions)
    if not r.possible:
        return r
    if aset.needs:
        cond = needs_condition(account, aset.needs) if account else f"{aset.needs} exists"
        if cond is None:
            return Resolved(False)
        r = Resolved(True, True, (*r.conditions, cond), r.constraints)
    return _without_region(r)


def launch_options(
    view: PrincipalView, service: PassRoleService, account: Account | None = None
) -> list[_Launch]:
    """The action sets the principal can perform for ``service``, with their regions.

    For a service of the table, views whose statements for its launch actions are the same
    (:meth:`PrincipalView.scope_key`, with the same identity Allow bits for them) get the same
    launches: kept per such key in the account's memo, their decisions relabelled to cite the
    view's own references."""
    entry = _LAUNCH_SCOPES.get(service.id)
    if account is None or entry is None or entry[0] is not service:
        return _launch_options(view, service, account)
    scope_key, refs = view.scope_key(entry[1])
    key = (service.id, identity_allow_mask(view) & _launch_mask(service.id), scope_key)
    return shared_results(
        memo_bounded(account, "passrole_edges.launches", SHARED_BUDGET),
        key,
        refs,
        lambda: _launch_options(view, service, account),
        lambda launches, swap: [_relabel_launch(x, swap) for x in launches],
    )


def _relabel_launch(launch: _Launch, swap: Relabelling) -> _Launch:
    decisions = tuple(relabel_decision(d, swap) for d in launch.decisions)
    return _Launch(launch.action_set, decisions, launch.resolved, launch.regions)


ReasonMemo = dict[int, tuple[Reason, Reason]]
"""``id()`` of a reason → (that reason, it relabelled) for one :data:`Relabelling`: the edges
relabelled together share most of their reasons (the PassRole and launch steps recur on every
role), so each is relabelled once."""


def relabel_reasons(
    reasons: tuple[Reason, ...], swap: Relabelling, memo: ReasonMemo | None = None
) -> tuple[Reason, ...]:
    """``reasons`` citing the references ``swap`` maps to (the same tuple when none changes).
    ``memo`` shares the relabelled reasons between calls with the same ``swap``."""
    if not swap:
        return reasons
    if memo is None:
        memo = {}
    changed = False
    out: list[Reason] = []
    for r in reasons:
        hit = memo.get(id(r))
        if hit is None or hit[0] is not r:
            s = relabel_statements(r.statements, swap)
            hit = memo[id(r)] = (r, r if s is r.statements else Reason(r.step, r.text, s))
        out.append(hit[1])
        changed = changed or hit[1] is not r
    return tuple(out) if changed else reasons


_LAUNCH_SCOPES = {
    s.id: (
        s,
        ActionScope.of(
            f"passrole_edges.launch.{s.id}", tuple(a for x in s.action_sets for a in x.actions)
        ),
    )
    for s in SERVICES
}
"""Service id → the table's row and the scope of its launch actions."""


@cache
def _launch_mask(service_id: str) -> int:
    return actions_mask(_LAUNCH_SCOPES[service_id][1].actions)


def _launch_options(
    view: PrincipalView, service: PassRoleService, account: Account | None = None
) -> list[_Launch]:
    """:func:`launch_options` computed for ``view``."""
    out: list[_Launch] = []
    for aset in service.action_sets:
        if not all(may_allow(view, a) for a in aset.actions):
            continue
        decisions = tuple(view.decide(a) for a in aset.actions)
        if not all(d.possible for d in decisions):
            continue
        regions = ALL_REGIONS
        memo = region_memo(account)
        for d in decisions:
            regions = regions & possible_regions(d, memo=memo)
            if not regions:
                break
        if not regions:
            continue
        r = _launch_resolved(aset, decisions, account)
        if not r.possible:
            continue
        out.append(_Launch(aset, decisions, r, regions))
    out.sort(key=lambda x: (x.resolved.conditional, -len(x.regions)))
    return out


def _new_profile(role: Role) -> tuple[str, str]:
    """Name and ARN of an instance profile the caller would create for ``role``."""
    name = f"{role.name}-new"
    return name, f"arn:aws:iam::{role.arn.split(':')[4]}:instance-profile/{name}"


def _role_values(service: PassRoleService, role: Role, value: str) -> tuple[str, ...]:
    """What a launch passing ``role`` sets a role key to: the role's ARN, or the ARNs of the
    profiles holding it (one the caller creates when there is none)."""
    if value == "role":
        return (role.arn,)
    return tuple(p.arn for p in role.instance_profiles) or (_new_profile(role)[1],)


def _reads_key(view: PrincipalView, action: str, key: str) -> bool:
    """Whether a statement of the view (any layer) that matches ``action`` reads ``key`` (in a
    condition or a policy variable): otherwise setting the key cannot change the decision."""
    memo = f"reads:{action.lower()}:{key.lower()}"
    hit = view.memo.get(memo)
    if isinstance(hit, bool):
        return hit
    wanted = key.lower()
    out = any(
        wanted in statement_keys(st)
        for ref in view.all_refs
        for st in matching(ref.document, action)
        if st.conditions or any("${" in p for p in st.resources or ())
    )
    view.memo[memo] = out
    return out


def _with_role_keys(
    view: PrincipalView,
    service: PassRoleService,
    role: Role,
    launch: _Launch,
    account: Account | None = None,
) -> _Launch | None:
    """The launch re-decided with the keys that passing ``role`` necessarily sets.

    ``None`` when no value works (a deny on ``ec2:InstanceProfile`` matching the role's
    profile cannot be avoided by a launch that uses it). A profile the caller creates has a
    name of its choosing (``<role>-new`` here): a deny on every profile still matches it.
    """
    keyed = {a.lower(): k for k in service.role_keys for a in k.actions}
    hits = [
        (i, keyed[a.lower()])
        for i, a in enumerate(launch.action_set.actions)
        if a.lower() in keyed and _reads_key(view, a, keyed[a.lower()].key)
    ]
    if not hits:
        return launch  # no statement for these actions reads the keys: the decisions stand
    options: list[dict[int, tuple[str, str]]] = [{}]
    for i, k in hits:
        values = _role_values(service, role, k.value)
        options = [{**o, i: (k.key, v)} for o in options for v in values]
    for option in options:
        decisions = tuple(
            view.decide(a, extra={option[i][0]: option[i][1]}) if i in option else d
            for i, (a, d) in enumerate(
                zip(launch.action_set.actions, launch.decisions, strict=True)
            )
        )
        if not all(d.possible for d in decisions):
            continue
        regions = launch.regions
        for d in decisions:
            regions = regions & possible_regions(d, memo=region_memo(account))
        r = _launch_resolved(launch.action_set, decisions, account)
        if regions and r.possible:
            return _Launch(launch.action_set, decisions, r, regions)
    if (
        role.instance_profiles
        and any(k.value == "profile" for _, k in hits)
        and all(view.decide(a).possible for a in PROFILE_ACTIONS)
    ):
        # Every existing profile is denied, but one the caller creates (and names) may not be.
        name, new_arn = _new_profile(role)
        new = {i: (k.key, new_arn) for i, k in hits if k.value == "profile"}
        decisions = tuple(
            view.decide(a, extra={new[i][0]: new[i][1]}) if i in new else d
            for i, (a, d) in enumerate(
                zip(launch.action_set.actions, launch.decisions, strict=True)
            )
        )
        regions = launch.regions
        for d in decisions:
            regions = regions & possible_regions(d, memo=region_memo(account))
        r = _launch_resolved(launch.action_set, decisions)
        if all(d.possible for d in decisions) and regions and r.possible:
            note = f"launch with a new instance profile ({name}) holding {role.name}"
            r = Resolved(r.possible, r.conditional, r.conditions, (*r.constraints, note))
            return _Launch(launch.action_set, decisions, r, regions)
    return None


def _profile(view: PrincipalView, role: Role) -> tuple[Reason | None, Resolved]:
    if role.instance_profiles:
        names = ", ".join(p.name for p in role.instance_profiles)
        return Reason("prerequisite", f"role is in instance profile {names}"), Resolved(True)
    decisions = [view.decide(a) for a in PROFILE_ACTIONS]
    r = _resolve_all(decisions)
    if not r.possible:
        if not role.instance_profiles_known:
            # The export has no InstanceProfileList for the role: unknown, not none.
            cond = f"an instance profile holds role {role.name} (the export does not list them)"
            return Reason(
                "prerequisite",
                f"assumed an instance profile holds role {role.name}: the export has no "
                "InstanceProfileList for it",
            ), Resolved(True, True, (cond,))
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


def _passrole_ctx(
    service: PassRoleService, account: Account
) -> tuple[dict[str, object], frozenset[str], TemplateFor]:
    extra: dict[str, object] = {"iam:PassedToService": service.passed_to_service}
    has_arn = service.associated_resource_arn is not None
    absent = frozenset() if has_arn else frozenset({"iam:associatedresourcearn"})

    def template_for(region: str) -> str | None:
        return associated_arn(service, account.account_id, region)

    return extra, absent, template_for


def passrole_decision(
    account: Account, view: PrincipalView, role: Role, service: PassRoleService
) -> tuple[Decision, TemplateFor]:
    """``iam:PassRole`` on ``role`` with the context ``service`` presents, region left open."""
    extra, absent, template_for = _passrole_ctx(service, account)
    d = view.decide("iam:PassRole", role.arn, extra, resource_tags=role.tags, absent=absent)
    return d, template_for


SCOPE = ActionScope.of(
    "passrole_edges",
    (
        "iam:PassRole",
        *PROFILE_ACTIONS,
        *(a for service in SERVICES for aset in service.action_sets for a in aset.actions),
    ),
)
"""Every action :func:`passrole_edges_for` decides (with the table's services)."""


@cache
def _scope_mask() -> int:
    """:data:`SCOPE`'s actions as catalogue bits (the catalogue loads on first use)."""
    return actions_mask(SCOPE.actions)


SHARED_BUDGET = 60_000
"""How many shared edges (or launches) the account's tables keep, the most recently used: the
analysis holds each signature's edges only while it needs them, and these tables must not
keep them all (the varied shape shares few)."""


def passrole_edges_for(
    account: Account,
    view: PrincipalView,
    trusted: dict[str, list[tuple[Role, TrustResult]]],
    services: Iterable[PassRoleService] = SERVICES,
    indexes: dict[str, ArnIndex[tuple[Role, TrustResult]]] | None = None,
) -> list[EdgeCandidate]:
    """Every PassRole edge from ``view``; ``trusted`` maps service id → roles that trust it.

    ``indexes``: service id → the ARN index of ``trusted[id]``, filled here and kept by the
    caller for as long as it keeps ``trusted`` (the analysis :class:`Cache`).

    With the table's services, views whose statements for the actions decided here are the same
    (:meth:`PrincipalView.scope_key` of :data:`SCOPE`, and the same identity Allow bits for
    those actions) get the same edges: they are computed once per such key and kept in the
    account's memo (a what-if's changed account starts a new one), then relabelled to cite the
    view's own references (:func:`core.evaluate.principal.relabelling`). The edges and their
    reasons are exactly those the view would compute: every decision here is on an action of
    the scope, with requests that do not depend on the view.
    """
    if services is not SERVICES:
        return _passrole_edges(account, view, trusted, services, indexes)
    scope_key, refs = view.scope_key(SCOPE)
    key = (id(trusted), identity_allow_mask(view) & _scope_mask(), scope_key)
    return shared_results(
        memo_bounded(account, "passrole_edges.shared", SHARED_BUDGET),
        key,
        refs,
        lambda: _passrole_edges(account, view, trusted, services, indexes),
        _relabel_edges,
        against=(trusted,),
    )


def _relabel_edges(edges: list[EdgeCandidate], swap: Relabelling) -> list[EdgeCandidate]:
    memo: ReasonMemo = {}  # their reasons share the PassRole and launch steps
    return [_relabel_edge(c, swap, memo) for c in edges]


def _relabel_edge(c: EdgeCandidate, swap: Relabelling, memo: ReasonMemo) -> EdgeCandidate:
    reasons = relabel_reasons(c.reasons, swap, memo)
    if reasons is c.reasons:
        return c
    return EdgeCandidate(c.role, c.service, c.regions, c.resolved, reasons, c.trust)


def _passrole_edges(
    account: Account,
    view: PrincipalView,
    trusted: dict[str, list[tuple[Role, TrustResult]]],
    services: Iterable[PassRoleService],
    indexes: dict[str, ArnIndex[tuple[Role, TrustResult]]] | None,
) -> list[EdgeCandidate]:
    """:func:`passrole_edges_for` computed for ``view``.

    Candidate roles come from the ARN index of the roles trusting each service, through the
    principal's PassRole Resource patterns; services it cannot launch are skipped before any
    role is evaluated; roles that every PassRole statement treats alike (same Resource matches,
    same tags where a statement reads them) share one verdict for the "is it possible" filter,
    so a ``Deny`` on ``role/app-*`` costs one evaluation, not one per role.
    """
    allowed = view.allow_patterns("iam:PassRole")
    if allowed is None:
        return []
    every, patterns = allowed
    statements = _passrole_statements(view)
    out: list[EdgeCandidate] = []
    for service in services:
        trusting = trusted.get(service.id)
        if not trusting:
            continue
        index = indexes.get(service.id) if indexes is not None else None
        if index is None:
            index = ArnIndex((r.arn, (r, t)) for r, t in trusting)
            if indexes is not None:
                indexes[service.id] = index
        candidates = index.all() if every else index.matching(patterns)
        if not candidates:
            continue
        launches = launch_options(view, service, account)
        if not launches:
            continue
        extra: Reason | None = None
        if service.service_role:
            extra = _service_role_reason(account, view, service, trusted)
            if extra is None:
                continue  # no second role the service needs that the caller may pass
        verdicts: dict[tuple[object, ...], Decision] = {}
        # Per decision (shared by a class of roles): the regions and the chosen launch, unless
        # a launch statement reads a key the role sets (then the launch is decided per role).
        memo: dict[int, tuple[Decision, _Chosen | None]] | None = (
            None if _role_keys_read(view, service, launches) else {}
        )
        for role, trust in candidates:
            key = _decision_class(statements, role)
            d = verdicts.get(key) if key is not None else None
            if d is None:
                d = passrole_decision(account, view, role, service)[0]
                if key is not None:
                    verdicts[key] = d
            if d.possible:
                cand = _edge(account, view, role, service, trust, launches, d, memo)
                if cand is not None:
                    if extra is not None:
                        cand.reasons = (*cand.reasons, extra)
                    out.append(cand)
    return out


def service_role_row(service: PassRoleService) -> PassRoleService:
    """A table row for the second role ``service`` needs (EMR's service role): trusted by, and
    passed to, ``service.service_role``."""
    return PassRoleService(
        id=f"{service.id}/service-role",
        name=f"{service.name} service role",
        principals=(service.service_role,),
        passed_to_service=service.service_role,
        action_sets=(),
        associated_resource_arn=None,
    )


def _service_role_reason(
    account: Account,
    view: PrincipalView,
    service: PassRoleService,
    trusted: dict[str, list[tuple[Role, TrustResult]]],
) -> Reason | None:
    """A role trusting ``service.service_role`` that the caller may pass to it, as a reason
    (unconditional trust and pass preferred), or ``None``."""
    row = service_role_row(service)
    best: tuple[bool, Role, Decision] | None = None
    for role, trust in trusted.get(row.id, ()):
        d, template_for = passrole_decision(account, view, role, row)
        if not d.possible or not possible_regions(d, template_for, region_memo(account)):
            continue
        r = resolve_in_favour(d, template_for("*"))
        if not r.possible:
            continue
        certain = not (r.conditional or trust.conditional)
        if best is None or (certain and not best[0]):
            best = (certain, role, d)
    if best is None:
        return None
    return Reason(
        "prerequisite",
        f"may iam:PassRole on {best[1].name} to {row.passed_to_service} as the "
        f"{service.name} service role",
        best[2].allowed_by,
    )


def _passrole_statements(view: PrincipalView) -> tuple[Statement, ...] | None:
    """Statements of every layer that match ``iam:PassRole`` (``None``: a Resource uses a
    policy variable, so roles cannot be grouped by pattern matches alone)."""
    key = "passrole-statements"
    if key in view.memo:
        return view.memo[key]  # type: ignore[return-value]
    out: tuple[Statement, ...] | None = tuple(
        st for ref in view.all_refs for st in matching(ref.document, "iam:PassRole")
    )
    assert out is not None
    if any("${" in p for st in out for p in st.resources or ()):
        out = None
    view.memo[key] = out
    return out


def _decision_class(
    statements: tuple[Statement, ...] | None, role: Role
) -> tuple[object, ...] | None:
    """What the PassRole decision on ``role`` depends on besides the principal and service:
    the role's account (a resource in another account needs a resource policy), which
    statements' Resource patterns match its ARN, and its tags when a statement reads resource
    tags (``None``: not groupable)."""
    if statements is None:
        return None
    arn = role.arn.split(":", 5)
    parts: list[object] = [arn[4] if len(arn) == 6 else role.arn]
    tags = False
    for st in statements:
        matches, reads_tags = _role_matches(st)
        if st.resources is not None:
            hit = matches.get(role.arn)
            if hit is None:
                hit = matches[role.arn] = any(arn_matches(p, role.arn) for p in st.resources)
            parts.append(hit)
        tags = tags or reads_tags
    if tags:
        parts.append(role.tags)
    return tuple(parts)


def _role_matches(st: Statement) -> tuple[dict[str, bool], bool]:
    """Per statement: whether its Resource matches each role ARN asked about (filled by
    :func:`_decision_class`; statements are shared by every principal holding their document),
    and whether a condition reads resource tags."""
    memo = memo_of(st)
    hit = memo.get("passrole_edges.role_matches")
    if hit is None:
        reads = bool(st.conditions) and any("resourcetag" in k for k in statement_keys(st))
        hit = memo["passrole_edges.role_matches"] = ({}, reads)
    return hit  # type: ignore[return-value]  # what this function stored


_Chosen = tuple["_Launch", frozenset[str], Resolved, tuple[str, ...], tuple[Reason, ...]]
"""The launch an edge uses, the regions where passing and launching both work, the PassRole
decision resolved (region left to the caller), those regions in table order, and the launch
reasons."""


def _role_keys_read(view: PrincipalView, service: PassRoleService, launches: list[_Launch]) -> bool:
    """Whether a statement for one of the launches' actions reads a key that passing a role
    sets (``ec2:InstanceProfile``, ``cloudformation:RoleArn``): see :func:`_with_role_keys`."""
    keyed = {a.lower(): k for k in service.role_keys for a in k.actions}
    return any(
        a.lower() in keyed and _reads_key(view, a, keyed[a.lower()].key)
        for launch in launches
        for a in launch.action_set.actions
    )


def _choose(
    d: Decision,
    template_for: TemplateFor,
    launches: Sequence[_Launch],
    memo: RegionMemo | None = None,
) -> _Chosen | None:
    """The first launch that works in a region where ``d`` (PassRole) does, every region
    where one does, and ``d`` resolved; ``None`` when there is none."""
    pass_regions = possible_regions(d, template_for, memo)
    if not pass_regions:
        return None
    chosen: _Launch | None = None
    regions: frozenset[str] = frozenset()
    for launch in launches:
        both = launch.regions & pass_regions
        regions = regions | both
        if both and chosen is None:
            chosen = launch
    if chosen is None:
        return None
    pr = _without_region(resolve_in_favour(d, template_for("*")))
    if not pr.possible:
        return None
    ordered: tuple[str, ...] = tuple(r for r in REGIONS if r in regions)
    steps = tuple(
        Reason("launch", f"may {action}", ad.allowed_by)
        for action, ad in zip(chosen.action_set.actions, chosen.decisions, strict=True)
    )
    return chosen, regions, pr, ordered, steps


def _edge(
    account: Account,
    view: PrincipalView,
    role: Role,
    service: PassRoleService,
    trust: TrustResult,
    launches: list[_Launch],
    decision: Decision | None = None,
    memo: dict[int, tuple[Decision, _Chosen | None]] | None = None,
) -> EdgeCandidate | None:
    """The edge, or ``None``; ``decision``: the PassRole decision on a role the statements
    treat alike (see :func:`_decision_class`), whose outcome and reasons are this role's.
    ``memo``: the launch choice per decision, when no launch statement reads a role key (the
    choice is then the same for every role with that decision)."""
    if decision is None:
        d, template_for = passrole_decision(account, view, role, service)
    else:
        d, template_for = decision, _passrole_ctx(service, account)[2]
    held = memo.get(id(d)) if memo is not None else None
    if held is not None and held[0] is d:
        hit = held[1]
    else:
        keyed = [
            x for x in (_with_role_keys(view, service, role, x, account) for x in launches) if x
        ]
        hit = _choose(d, template_for, keyed, region_memo(account))
        if memo is not None:
            memo[id(d)] = (d, hit)
    if hit is None:
        return None
    launch, regions, pr, ordered, launch_reasons = hit
    reasons = [
        Reason(
            "passrole",
            f"may iam:PassRole on {role.name} to {service.passed_to_service}",
            d.allowed_by,
        ),
        Reason(
            "trust",
            f"role {role.name} trusts {service.principals[0]}"
            + (" (conditionally)" if trust.conditional else ""),
            trust.statements,
        ),
    ]
    reasons.extend(launch_reasons)
    conditions = [*pr.conditions, *launch.resolved.conditions, *trust.conditions]
    constraints = [*pr.constraints, *launch.resolved.constraints, *trust.constraints]
    if service.requires_instance_profile:
        reason, prof = _profile(view, role)
        if reason is None:
            return None
        reasons.append(reason)
        conditions.extend(prof.conditions)
    where = describe_regions(regions)
    if where:
        constraints.insert(0, where)
    final = Resolved(
        True,
        bool(conditions),
        tuple(dict.fromkeys(conditions)),
        tuple(dict.fromkeys(constraints)),
    )
    return EdgeCandidate(role, service, ordered, final, tuple(reasons), trust)


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
        for service in services:
            if service.service_role and (service.service_role in named or "*" in named):
                row = service_role_row(service)
                t = trust_allows(account, role, row)
                if t is not None:
                    out.setdefault(row.id, []).append((role, t))
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
    d, template_for = passrole_decision(account, view, role, service)
    pass_regions = (
        possible_regions(d, template_for, region_memo(account)) if d.possible else frozenset()
    )
    pass_ok = bool(pass_regions)
    if not pass_ok:
        failures.append(
            f"iam:PassRole on {role.name} to {service.passed_to_service} is {d.summary()}"
        )
    launches = launch_options(view, service, account)
    launch_ok = bool(launches)
    if not launch_ok:
        missing = []
        for aset in service.action_sets:
            denied = [a for a in aset.actions if not view.decide(a).possible]
            missing.append(" + ".join(denied) if denied else " + ".join(aset.actions))
        failures.append(
            f"cannot launch {service.name}: missing " + " or ".join(dict.fromkeys(missing))
        )
    if service.requires_instance_profile:
        reason, _ = _profile(view, role)
        if reason is None:
            failures.append(
                f"role {role.name} is in no instance profile and the principal cannot create one"
            )
    if service.service_role and not _service_role_reason(
        account, view, service, trusted_roles(account, (service,))
    ):
        failures.append(
            f"no role trusting {service.service_role} that the principal may pass to it "
            f"(the {service.name} service role)"
        )
    if launch_ok and not any(_with_role_keys(view, service, role, x, account) for x in launches):
        keys = ", ".join(dict.fromkeys(k.key for k in service.role_keys))
        failures.append(
            f"every launch passing {role.name} sets {keys} to it, and that launch is denied"
        )
    if not failures and _edge(account, view, role, service, trust, launches) is not None:  # type: ignore[arg-type]
        return ()
    if not failures and not any(launch.regions & pass_regions for launch in launches):
        failures.append("no region allows both iam:PassRole and the launch actions")
    if not failures:
        failures.append("the edge exists only under conditions that cannot hold together")
    return tuple(failures)


def to_finding(
    view: PrincipalView,
    cand: EdgeCandidate,
    escalation: str,
    gained: Sequence[str],
    source_is_admin: bool,
    reasons: tuple[Reason, ...] | None = None,
) -> Finding:
    """The scan finding for an edge (``reasons``: the candidate's, relabelled for another
    principal of its signature)."""
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
        reasons=cand.reasons if reasons is None else reasons,
        gained=gained,
        references=cand.service.references,
        source_is_admin=source_is_admin,
    )
