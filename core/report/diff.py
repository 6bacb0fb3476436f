"""Compare two analyses of one account: which escalations appear, disappear or change label.

Findings are matched by :attr:`Finding.key` (method or ``passrole``, source, target or role,
service); paths by their source principal. Entities are matched by ARN, policies by a stable
*policy key* (:func:`policy_key`): the managed policy ARN, ``OWNER-ARN#name`` for inline
policies, ``ROLE-ARN#trust`` for trust policies, ``scp:TARGET#name`` for SCPs without an ARN.
For each new (or worse) finding, the statements behind it are listed with the policy that
changed marked, so a reviewer sees which edit opened the escalation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from core.escalate.analysis import Analysis
from core.escalate.escalation_level import Escalation
from core.escalate.findings import Finding
from core.escalate.paths import Path
from core.evaluate.decision import PolicyRef, StatementRef
from core.explain.whatif import Diff as WhatIfDiff
from core.model.account import Account, Role
from core.model.errors import IamExploreError

SCHEMA_VERSION = 1
Status = Literal["added", "removed", "changed"]


def finding_id(f: Finding) -> str:
    """The stable identity of a finding as one string (``kind|source|target|service``, with
    the service as in :attr:`Finding.key`)."""
    kind, source, target, service = f.key
    return "|".join((kind, source, target, service or ""))


def fingerprint(f: Finding) -> str:
    """A short stable hash of :func:`finding_id` (SARIF ``partialFingerprints``)."""
    return hashlib.sha256(finding_id(f).encode()).hexdigest()[:32]


def policy_key(ref: PolicyRef) -> str:
    """The stable key of the policy a statement belongs to (see the module docstring)."""
    if ref.layer == "resource" and ref.arn and ":role/" in ref.arn:
        return f"{ref.arn}#trust"
    if ref.arn:
        return ref.arn
    if ref.owner:
        return f"{ref.owner}#{ref.name}"
    if ref.layer == "scp":
        return f"scp:{ref.level}#{ref.name}"
    return ref.name


def _policies(account: Account) -> dict[str, str]:
    """Policy key → document text, for every policy of the account."""
    out: dict[str, str] = {}
    for mp in account.policies:
        out[mp.arn] = mp.document.text
    for e in account.entities:
        for ip in e.inline_policies:
            out[f"{e.arn}#{ip.name}"] = ip.document.text
        if isinstance(e, Role):
            out[f"{e.arn}#trust"] = e.trust_policy.text
    for level in account.scp_levels:
        for sp in level.policies:
            out[sp.arn or f"scp:{level.target}#{sp.name}"] = sp.document.text
    return out


def _attachments(account: Account) -> set[tuple[str, str, str]]:
    """(entity ARN, policy ARN, ``attached`` or ``boundary``) for every attachment."""
    out = {(e.arn, a, "attached") for e in account.entities for a in e.attached_policies}
    for p in account.principals:
        if p.boundary:
            out.add((p.arn, p.boundary, "boundary"))
    return out


def _memberships(account: Account) -> set[tuple[str, str]]:
    return {(u.arn, g) for u in account.users for g in u.groups}


@dataclass(frozen=True, slots=True)
class EntityChanges:
    """ARNs (or policy keys) added, removed and, for policies, whose document changed."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MarkedStatement:
    """A statement behind a finding; ``changed`` says how its policy changed (``""``: not)."""

    step: str
    ref: StatementRef
    changed: str

    def to_json(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "layer": self.ref.policy.layer,
            "policy": self.ref.policy.name,
            "policy_key": policy_key(self.ref.policy),
            "attachment": self.ref.policy.via,
            "statement": self.ref.statement.index,
            "sid": self.ref.statement.sid,
            "effect": self.ref.statement.effect,
            "changed": self.changed or None,
        }


@dataclass(frozen=True, slots=True)
class FindingChange:
    """A finding that appeared, disappeared or changed label (``before``/``after``)."""

    status: Status
    before: Finding | None
    after: Finding | None
    statements: tuple[MarkedStatement, ...] = ()
    note: str = ""
    """Why a finding is gone when it is not that the edge closed (the source became admin)."""

    @property
    def finding(self) -> Finding:
        f = self.after or self.before
        assert f is not None
        return f

    @property
    def worse(self) -> bool:
        """New, or more escalation than before, or as much and no longer conditional."""
        if self.status == "removed" or self.after is None:
            return False
        if self.before is None:
            return True
        a, b = Escalation.of(self.after.escalation).rank, Escalation.of(self.before.escalation).rank
        return a > b or (a == b and self.before.conditional and not self.after.conditional)


@dataclass(frozen=True, slots=True)
class PathChange:
    """A path to admin that appeared, disappeared or took another route or label."""

    status: Status
    before: Path | None
    after: Path | None
    note: str = ""

    @property
    def source(self) -> str:
        p = self.after or self.before
        assert p is not None
        return p.source

    @property
    def worse(self) -> bool:
        """A new path to admin, or one that no longer depends on conditions."""
        if self.status == "added":
            return True
        b, a = self.before, self.after
        return (
            self.status == "changed"
            and b is not None
            and a is not None
            and (b.conditional and not a.conditional)
        )


@dataclass(frozen=True, slots=True)
class AnalysisDiff:
    """Everything that differs between two analyses of one account."""

    old: Analysis
    new: Analysis
    findings: tuple[FindingChange, ...]
    paths: tuple[PathChange, ...]
    users: EntityChanges
    groups: EntityChanges
    roles: EntityChanges
    policies: EntityChanges
    attachments: tuple[tuple[str, str, str, str], ...]
    """(``added``/``removed``, entity ARN, policy ARN, ``attached``/``boundary``)."""
    memberships: tuple[tuple[str, str, str], ...]
    """(``added``/``removed``, user ARN, group name)."""
    admins: EntityChanges = EntityChanges()
    """Principals and groups that became (``added``) or stopped being admin-equivalent."""

    @property
    def new_admin_principals(self) -> list[str]:
        """Users and roles that are admin-equivalent in NEW and were not in OLD."""
        return [a for a in self.admins.added if ":group/" not in a]

    def marks(self) -> WhatIfDiff:
        """As a what-if diff (the explorer's +NEW / -GONE marks): a relabelled finding is
        gone with its old label and new with its new one."""
        added = tuple(
            c.after for c in self.findings if c.after is not None and c.status != "removed"
        )
        removed = tuple(
            c.before for c in self.findings if c.before is not None and c.status != "added"
        )
        return WhatIfDiff(added, removed, 0.0)

    def of(self, status: Status) -> list[FindingChange]:
        return [c for c in self.findings if c.status == status]

    def paths_of(self, status: Status) -> list[PathChange]:
        return [c for c in self.paths if c.status == status]

    @property
    def empty(self) -> bool:
        return not (
            self.findings
            or self.paths
            or self.attachments
            or self.memberships
            or any(
                e.added or e.removed or e.changed
                for e in (self.users, self.groups, self.roles, self.policies, self.admins)
            )
        )

    def failing(self, level: str) -> bool:
        """Whether ``--fail-on LEVEL`` matches (``new-admin``, ``new-any``, ``never``)."""
        if level == "new-admin":
            return (
                any(c.worse and c.finding.escalation == "admin" for c in self.findings)
                or any(c.worse for c in self.paths)
                or bool(self.new_admin_principals)
            )
        if level == "new-any":
            return (
                any(c.worse and c.finding.escalation != "none" for c in self.findings)
                or any(c.worse for c in self.paths)
                or bool(self.new_admin_principals)
            )
        return False

    def summary(self) -> dict[str, int]:
        return {
            "findings_added": len(self.of("added")),
            "findings_removed": len(self.of("removed")),
            "findings_changed": len(self.of("changed")),
            "new_admin": sum(
                1 for c in self.findings if c.worse and c.finding.escalation == "admin"
            ),
            "new_privilege_gain": sum(
                1 for c in self.findings if c.worse and c.finding.escalation == "privilege-gain"
            ),
            "paths_added": len(self.paths_of("added")),
            "paths_removed": len(self.paths_of("removed")),
            "paths_changed": len(self.paths_of("changed")),
            "admins_added": len(self.admins.added),
            "admins_removed": len(self.admins.removed),
            "principals_added": len(self.users.added) + len(self.roles.added),
            "principals_removed": len(self.users.removed) + len(self.roles.removed),
            "policies_added": len(self.policies.added),
            "policies_removed": len(self.policies.removed),
            "policies_changed": len(self.policies.changed),
        }


def _entity_changes(old: Iterable[str], new: Iterable[str]) -> EntityChanges:
    o, n = set(old), set(new)
    return EntityChanges(tuple(sorted(n - o)), tuple(sorted(o - n)))


def _by_key(findings: Iterable[Finding]) -> dict[tuple[object, ...], Finding]:
    """Findings by key; should two share a key, the most escalating one stands for both."""
    out: dict[tuple[object, ...], Finding] = {}
    for f in findings:
        if f.source_is_admin:
            continue
        prev = out.get(f.key)
        if prev is None or (Escalation.of(f.escalation).rank, not f.conditional) > (
            Escalation.of(prev.escalation).rank,
            not prev.conditional,
        ):
            out[f.key] = f
    return out


def _route(p: Path) -> tuple[object, ...]:
    return (tuple(h.finding.key for h in p.hops), p.conditional, p.admin)


def diff_analyses(old: Analysis, new: Analysis) -> AnalysisDiff:
    """The difference between two analyses of the same account (else :class:`IamExploreError`)."""
    a, b = old.account, new.account
    if a.account_id and b.account_id and a.account_id != b.account_id:
        raise IamExploreError(
            f"{b.source or 'NEW'} is account {b.account_id} but {a.source or 'OLD'} is account "
            f"{a.account_id}: diff compares two snapshots of one account"
        )
    pol_old, pol_new = _policies(a), _policies(b)
    changed_pols = tuple(sorted(k for k in pol_old.keys() & pol_new if pol_old[k] != pol_new[k]))
    policies = EntityChanges(
        tuple(sorted(pol_new.keys() - pol_old)),
        tuple(sorted(pol_old.keys() - pol_new)),
        changed_pols,
    )
    att_old, att_new = _attachments(a), _attachments(b)
    attachments = tuple(
        sorted(
            [("added", *x) for x in att_new - att_old]
            + [("removed", *x) for x in att_old - att_new]
        )
    )
    mem_old, mem_new = _memberships(a), _memberships(b)
    memberships = tuple(
        sorted(
            [("added", *x) for x in mem_new - mem_old]
            + [("removed", *x) for x in mem_old - mem_new]
        )
    )
    marks: dict[str, str] = {k: "new policy" for k in policies.added}
    marks.update({k: "document changed" for k in changed_pols})
    for status, _entity, arn, how in attachments:
        if status == "added":
            marks.setdefault(arn, "newly attached" if how == "attached" else "new boundary")
    joined = {(user, group) for status, user, group in memberships if status == "added"}

    def mark(f: Finding) -> tuple[MarkedStatement, ...]:
        out = []
        for r in f.reasons:
            for s in r.statements:
                how = marks.get(policy_key(s.policy), "")
                if not how and s.policy.via.startswith("via group "):
                    group = s.policy.via.removeprefix("via group ").split(" ")[0]
                    if (f.source, group) in joined:
                        how = f"new member of group {group}"
                out.append(MarkedStatement(r.step, s, how))
        return tuple(out)

    before, after = _by_key(old.findings), _by_key(new.findings)
    changes: list[FindingChange] = []
    for k, f in after.items():
        prev = before.get(k)
        if prev is None:
            changes.append(FindingChange("added", None, f, mark(f)))
        elif (prev.escalation, prev.conditional) != (f.escalation, f.conditional):
            changes.append(FindingChange("changed", prev, f, mark(f)))
    now_admin = "source is now admin-equivalent (its edges are not listed)"
    gone = {p.arn for p in a.principals} - {p.arn for p in b.principals}

    def why(source: str) -> str:
        if source in new.admins:
            return now_admin
        return "source principal removed" if source in gone else ""

    changes += [
        FindingChange("removed", f, None, note=why(f.source))
        for k, f in before.items()
        if k not in after
    ]
    order = {"added": 0, "changed": 1, "removed": 2}
    changes.sort(
        key=lambda c: (
            order[c.status],
            -Escalation.of(c.finding.escalation).rank,
            finding_id(c.finding),
        )
    )

    p_old = {p.source: p for p in old.paths}
    p_new = {p.source: p for p in new.paths}
    path_changes = [PathChange("added", None, p) for s, p in p_new.items() if s not in p_old]
    path_changes += [
        PathChange("changed", p_old[s], p)
        for s, p in p_new.items()
        if s in p_old and _route(p_old[s]) != _route(p)
    ]
    path_changes += [
        PathChange("removed", p, None, note=why(s)) for s, p in p_old.items() if s not in p_new
    ]
    path_changes.sort(key=lambda c: (order[c.status], c.source))

    return AnalysisDiff(
        old=old,
        new=new,
        findings=tuple(changes),
        paths=tuple(path_changes),
        users=_entity_changes((u.arn for u in a.users), (u.arn for u in b.users)),
        groups=_entity_changes((g.arn for g in a.groups), (g.arn for g in b.groups)),
        roles=_entity_changes((r.arn for r in a.roles), (r.arn for r in b.roles)),
        policies=policies,
        attachments=attachments,
        memberships=memberships,
        admins=_entity_changes(old.admins, new.admins),
    )


# -- JSON contract (documented in the README, "diff JSON") ---------------------------------


def finding_json(f: Finding) -> dict[str, Any]:
    """The fields of a finding that the diff contract promises."""
    return {
        "id": finding_id(f),
        "kind": f.kind,
        "title": f.title,
        "source": f.source,
        "role": f.role,
        "service": f.service,
        "target": f.target,
        "escalation": f.escalation,
        "conditional": f.conditional,
        "conditions": list(f.conditions),
        "constraints": list(f.constraints),
        "gained": list(f.gained),
    }


def _path_json(p: Path) -> dict[str, Any]:
    return {
        "source": p.source,
        "length": p.length,
        "conditional": p.conditional,
        "admin": p.admin,
        "hops": [
            {"from": h.source, "to": h.target, "finding": finding_id(h.finding)} for h in p.hops
        ],
    }


def to_json(d: AnalysisDiff) -> dict[str, Any]:
    """The ``diff`` report (stable contract, ``schema_version`` 1)."""

    def change(c: FindingChange) -> dict[str, Any]:
        out: dict[str, Any] = {"status": c.status, **finding_json(c.finding)}
        if c.status == "changed" and c.before is not None:
            out["before"] = {
                "escalation": c.before.escalation,
                "conditional": c.before.conditional,
                "conditions": list(c.before.conditions),
            }
        if c.status != "removed":
            out["worse"] = c.worse
            out["statements"] = [s.to_json() for s in c.statements]
        else:
            out["note"] = c.note or None
        return out

    def path(c: PathChange) -> dict[str, Any]:
        return {
            "status": c.status,
            "source": c.source,
            "before": _path_json(c.before) if c.before else None,
            "after": _path_json(c.after) if c.after else None,
            "note": c.note or None,
        }

    def ents(e: EntityChanges, with_changed: bool = False) -> dict[str, list[str]]:
        out = {"added": list(e.added), "removed": list(e.removed)}
        if with_changed:
            out["changed"] = list(e.changed)
        return out

    return {
        "schema_version": SCHEMA_VERSION,
        "account_id": d.new.account.account_id,
        "analysed_at": d.new.analysed_at,
        "old": {"source": d.old.account.source},
        "new": {"source": d.new.account.source},
        "summary": d.summary(),
        "findings": [change(c) for c in d.findings],
        "paths": [path(c) for c in d.paths],
        "users": ents(d.users),
        "groups": ents(d.groups),
        "roles": ents(d.roles),
        "policies": ents(d.policies, with_changed=True),
        "attachments": [
            {"status": s, "entity": e, "policy": p, "how": how} for s, e, p, how in d.attachments
        ],
        "memberships": [{"status": s, "user": u, "group": g} for s, u, g in d.memberships],
        "admins": {
            "added": [
                {"principal": a, "how": d.new.admins[a].kind, "detail": d.new.admins[a].detail}
                for a in d.admins.added
            ],
            "removed": [
                {"principal": a, "how": d.old.admins[a].kind, "detail": d.old.admins[a].detail}
                for a in d.admins.removed
            ],
        },
    }
