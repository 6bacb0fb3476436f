"""In-memory lookups over one analysis, built once per analysis (no Textual).

The panes filter and cross-highlight through these dictionaries, so moving the cursor never
scans all findings.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from core.analysis import Analysis
from core.decision import StatementRef
from core.findings import Finding
from core.model import Account, Group, InlinePolicy, ManagedPolicy, Role, User
from core.services import SERVICES, PassRoleService

ESCALATION_ORDER = {"admin": 0, "privilege-gain": 1, "none": 2}
LABELS = {"admin": "ADMIN", "privilege-gain": "GAIN", "none": "none"}
SYMBOLS = {"admin": "▲", "privilege-gain": "△", "none": "·"}


def edge_label(f: Finding) -> str:
    """``ADMIN``, ``GAIN`` or ``none`` (words, so the table reads without colour)."""
    return LABELS.get(f.escalation, f.escalation)


def reach_mark(f: Finding) -> str:
    """``→ADMIN 2`` when the hop is not admin itself but its target has a path to admin."""
    if f.reaches_admin is None or f.escalation == "admin":
        return ""
    hops, conditional = f.reaches_admin
    return f"→ADMIN {hops}" + ("?" if conditional else "")


def short(arn: str) -> str:
    """The name part of an ARN (``user/path/alice`` → ``alice``)."""
    return arn.rsplit("/", 1)[-1] if "/" in arn else arn.rsplit(":", 1)[-1]


_SERVICES_BY_ID = {s.id: s for s in SERVICES}


def service_by_id(service_id: str | None) -> PassRoleService | None:
    return _SERVICES_BY_ID.get(service_id or "")


@dataclass
class EdgeIndex:
    """Findings of one analysis, indexed by source, role, target and service.

    Attributes:
        analysis: the indexed analysis.
        findings: findings in display order (escalating first, PassRole first).
        by_source: source ARN → finding positions.
        by_role: role ARN → positions (the passed role, or the target when it is a role).
        by_service: service id → positions (PassRole edges only).
        trusts: role ARN → ids of the services it trusts.
    """

    analysis: Analysis
    findings: list[Finding] = field(default_factory=list)
    by_source: dict[str, list[int]] = field(default_factory=dict)
    by_role: dict[str, list[int]] = field(default_factory=dict)
    by_service: dict[str, list[int]] = field(default_factory=dict)
    trusts: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, analysis: Analysis) -> EdgeIndex:
        findings = sorted(
            analysis.findings,
            key=lambda f: (
                f.source_is_admin,
                ESCALATION_ORDER.get(f.escalation, 3),
                f.kind != "passrole",
                f.conditional,
                f.source,
                f.target,
                f.service or "",
            ),
        )
        by_source: dict[str, list[int]] = defaultdict(list)
        by_role: dict[str, list[int]] = defaultdict(list)
        by_service: dict[str, list[int]] = defaultdict(list)
        for i, f in enumerate(findings):
            by_source[f.source].append(i)
            role = f.role or (f.target if ":role/" in f.target else None)
            if role:
                by_role[role].append(i)
            if f.service_id:
                by_service[f.service_id].append(i)
        trusts: dict[str, list[str]] = defaultdict(list)
        for service_id, roles in analysis.trusted.items():
            for role, _trust in roles:
                trusts[role.arn].append(service_id)
        return cls(analysis, findings, dict(by_source), dict(by_role), dict(by_service), trusts)

    @property
    def account(self) -> Account:
        return self.analysis.account

    def select(
        self,
        *,
        user: str | None = None,
        role: str | None = None,
        service: str | None = None,
        include_admin_sources: bool = False,
    ) -> list[int]:
        """Positions of the findings matching every given part of the selection."""
        pools = []
        if user:
            pools.append(self.by_source.get(user, []))
        if role:
            pools.append(self.by_role.get(role, []))
        if service:
            pools.append(self.by_service.get(service, []))
        if not pools:
            chosen: list[int] = list(range(len(self.findings)))
        else:
            pools.sort(key=len)
            rest = [set(p) for p in pools[1:]]
            chosen = [i for i in pools[0] if all(i in s for s in rest)]
        if include_admin_sources:
            return chosen
        return [i for i in chosen if not self.findings[i].source_is_admin]

    def roles_passable_by(self, user: str) -> set[str]:
        return {
            f.role
            for i in self.by_source.get(user, [])
            if (f := self.findings[i]).kind == "passrole" and f.role
        }

    def services_for(self, positions: list[int]) -> set[str]:
        return {sid for i in positions if (sid := self.findings[i].service_id)}

    def sources_of(self, positions: list[int]) -> set[str]:
        return {self.findings[i].source for i in positions}

    def roles_of(self, positions: list[int]) -> set[str]:
        return {r for i in positions if (r := self.findings[i].role)}

    def escalating_count(self, source: str) -> tuple[int, int]:
        """(admin, gain) counts of edges from ``source``."""
        admin = gain = 0
        for i in self.by_source.get(source, []):
            esc = self.findings[i].escalation
            admin += esc == "admin"
            gain += esc == "privilege-gain"
        return admin, gain


def owned_policies(
    account: Account, entity: User | Role | Group
) -> list[tuple[str, str, InlinePolicy | ManagedPolicy]]:
    """(owner ARN, policy name, policy) for the entity's inline and attached policies.

    ``owner ARN`` is the entity for inline policies and the policy ARN for managed ones, as the
    what-if constructors expect.
    """
    out: list[tuple[str, str, InlinePolicy | ManagedPolicy]] = []
    for p in entity.inline_policies:
        out.append((entity.arn, p.name, p))
    for arn in entity.attached_policies:
        mp = account.policy(arn)
        if mp is not None:
            out.append((mp.arn, mp.name, mp))
    return out


def statement_owner(account: Account, source: str, ref: StatementRef) -> tuple[str, str] | None:
    """(owner ARN, policy name) of a cited identity statement, for ``disable_statement``.

    Managed policies are owned by their ARN; inline ones by the user, group or role that
    embeds a policy of that name with the same document.
    """
    if ref.policy.layer != "identity":
        return None
    if ref.policy.arn:
        return ref.policy.arn, ref.policy.name
    if ref.policy.owner:
        return ref.policy.owner, ref.policy.name
    entity = account.principal(source)
    if entity is None:
        return None
    candidates: list[User | Role | Group] = [entity]
    if isinstance(entity, User):
        candidates += [g for name in entity.groups if (g := account.group(name)) is not None]
    for owner in candidates:
        for p in owner.inline_policies:
            if p.name == ref.policy.name and p.document.text == ref.policy.document.text:
                return owner.arn, p.name
    return None
