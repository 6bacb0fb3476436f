"""Analyse an account: every PassRole and method edge, escalation labels, and paths to admin.

Principals with the same policies (and no principal-specific variables) share a *signature* and
are evaluated once; their findings are then relabelled for each principal. A what-if re-analyses
only the signatures a change touches (:func:`reanalyse`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from core.decision import PolicyRef, StatementRef
from core.edges import EdgeCandidate, TrustResult, passrole_edges_for, trusted_roles
from core.edges import to_finding as passrole_finding
from core.findings import Finding, Reason
from core.method_edges import MethodEdge, method_edges_for, policy_holders, self_related
from core.method_edges import to_finding as method_finding
from core.model import Account, Role, User
from core.paths import Path, find_paths
from core.power import AdminReason, Capability, admin_reason, capabilities, gained, summarize
from core.view import PrincipalView, group_view, principal_view

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

    def findings_from(self, arn: str) -> list[Finding]:
        return [f for f in self.findings if f.source == arn]

    def passrole_edges(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "passrole"]


def _relabel_ref(ref: StatementRef, old: str, new: str) -> StatementRef:
    via = ref.policy.via
    if old in via:
        policy: PolicyRef = replace(ref.policy, via=via.replace(old, new))
        return StatementRef(policy, ref.statement)
    return ref


def _relabel(
    reasons: tuple[Reason, ...], old_view: PrincipalView, view: PrincipalView
) -> tuple[Reason, ...]:
    if old_view.arn == view.arn:
        return reasons
    old = f"{old_view.kind} {old_view.name}"
    new = f"{view.kind} {view.name}"
    return tuple(
        Reason(r.step, r.text, tuple(_relabel_ref(s, old, new) for s in r.statements))
        for r in reasons
    )


class _Powers:
    """Caches admin reasons and capability sets per signature."""

    def __init__(self, account: Account) -> None:
        self.account = account
        self.admin: dict[object, AdminReason | None] = {}
        self.caps: dict[object, frozenset[Capability]] = {}

    def admin_of(self, view: PrincipalView) -> AdminReason | None:
        key = view.signature
        if key not in self.admin:
            self.admin[key] = admin_reason(self.account, view)
        return self.admin[key]

    def caps_of(self, view: PrincipalView) -> frozenset[Capability]:
        key = view.signature
        if key not in self.caps:
            self.caps[key] = capabilities(view)
        return self.caps[key]

    def gain(self, source: PrincipalView, target: PrincipalView) -> tuple[str, tuple[str, ...]]:
        """Escalation label and gained capabilities of acting as ``target``."""
        reason = self.admin_of(target)
        if reason is not None:
            return "admin", (f"admin: {reason.detail}",)
        extra = gained(source, self.caps_of(target))
        if not extra:
            return "none", ()
        return "privilege-gain", summarize(extra)


def analyse(account: Account, progress: Progress | None = None) -> Analysis:
    """Analyse every principal of the account."""
    views = {p.arn: principal_view(account, p) for p in account.principals}
    for g in account.groups:
        views[g.arn] = group_view(account, g)
    trusted = trusted_roles(account)
    powers = _Powers(account)
    findings = _findings_for(account, views, trusted, powers, account.principals, progress)
    return _finish(account, views, trusted, powers, findings)


def _findings_for(
    account: Account,
    views: dict[str, PrincipalView],
    trusted: dict[str, list[tuple[Role, TrustResult]]],
    powers: _Powers,
    principals: Iterable[User | Role],
    progress: Progress | None,
) -> list[Finding]:
    principals = list(principals)
    by_sig: dict[object, tuple[PrincipalView, list[EdgeCandidate], list[MethodEdge]]] = {}
    findings: list[Finding] = []
    for i, p in enumerate(principals):
        if isinstance(p, Role) and p.is_service_linked:
            continue  # only the service can act as a service-linked role
        view = views[p.arn]
        hit = by_sig.get(view.signature)
        if hit is None:
            hit = (
                view,
                passrole_edges_for(account, view, trusted),
                method_edges_for(account, view, trusted),
            )
            by_sig[view.signature] = hit
        rep, pedges, medges = hit
        is_admin = powers.admin_of(view) is not None
        for cand in pedges:
            if cand.role.arn == view.arn:
                continue
            esc, gained = ("none", ()) if is_admin else powers.gain(view, views[cand.role.arn])
            f = passrole_finding(view, cand, esc, gained, is_admin)
            findings.append(replace(f, reasons=_relabel(f.reasons, rep, view)))
        for edge in medges:
            if edge.target == view.arn and edge.method.outcome != "policy-write":
                continue
            esc, gained = (
                ("none", ()) if is_admin else _method_gain(account, views, powers, view, edge)
            )
            f = method_finding(view, edge, esc, gained, is_admin)
            findings.append(replace(f, reasons=_relabel(f.reasons, rep, view)))
        if progress is not None and (i % 50 == 0 or i == len(principals) - 1):
            progress("principals", i + 1, len(principals))
    findings.sort(key=lambda f: (f.kind != "passrole", f.source, f.kind, f.target, f.service or ""))
    return findings


def _method_gain(
    account: Account,
    views: dict[str, PrincipalView],
    powers: _Powers,
    view: PrincipalView,
    edge: MethodEdge,
) -> tuple[str, tuple[str, ...]]:
    outcome = edge.method.outcome
    if outcome == "policy-write":
        if self_related(account, view.entity, edge.target):
            if view.policies.boundary is not None and "boundary" not in edge.method.id:
                return "privilege-gain", ("up to its permissions boundary",)
            return "admin", ("can give itself any permission",)
        return "none", ()  # escalates only via a path that also reaches the target
    target = views.get(edge.target)
    if target is None:
        return "none", ()
    return powers.gain(view, target)


def _finish(
    account: Account,
    views: dict[str, PrincipalView],
    trusted: dict[str, list[tuple[Role, TrustResult]]],
    powers: _Powers,
    findings: list[Finding],
) -> Analysis:
    admins: dict[str, AdminReason] = {}
    for arn, view in views.items():
        reason = powers.admin_of(view)
        if reason is not None:
            admins[arn] = reason
    holders = {p.arn: policy_holders(account, p) for p in account.policies if not p.is_aws_managed}
    paths = find_paths(account, findings, admins, holders)
    return Analysis(account, findings, admins, paths, views, trusted)
