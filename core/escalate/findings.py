"""Findings: PassRole edges and other escalation edges, each with its reasons."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress
from operator import is_not
from typing import Literal

from core.escalate.tables.methods import EscalationMethod, method_by_id
from core.escalate.tables.services import (
    PassRoleService,
    Reference,
    service_by_id,
    service_by_principal,
)
from core.evaluate.decision import StatementRef

Escalation = Literal["admin", "privilege-gain", "none"]


@dataclass(frozen=True, slots=True)
class Reason:
    """One step of an edge and the statements that allow it.

    Attributes:
        step: ``passrole``, ``trust``, ``launch``, ``prerequisite``, ``action``, ``gain``, ...
        text: the step in plain words.
        statements: the statements that allow it.
    """

    step: str
    text: str
    statements: tuple[StatementRef, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "step": self.step,
            "text": self.text,
            "statements": [s.to_json() for s in self.statements],
        }


@dataclass(frozen=True, slots=True)
class Finding:
    """An edge from a principal to more privilege.

    Attributes:
        kind: ``passrole`` for PassRole edges, otherwise the escalation method id.
        source: the acting principal's ARN.
        target: the ARN acted on (role, user, group, policy; the principal itself for
            self-modification).
        role: the passed or assumed role's ARN, when there is one.
        service: the service principal a role is passed to.
        escalation: ``admin``, ``privilege-gain`` or ``none``.
        conditional: the edge exists only if ``conditions`` hold (keys the caller does not
            control).
        constraints: choices the caller must make (regions, resource names, tags).
        gained: what the target adds, grouped by service and access level (may be computed
            on first read: see :class:`core.escalate.capabilities.GainSummary`).
        source_is_admin: the source is already admin-equivalent (not an escalation).
        resources: ARNs of the existing resources taken over (from the inventory).
        reaches_admin: ``(hops, conditional)`` when this move's target is admin or has a path
            to admin: the hops from the source through this finding (``escalation`` stays the
            label of the hop itself).
    """

    kind: str
    source: str
    target: str
    title: str
    role: str | None = None
    service: str | None = None
    service_id: str | None = None
    escalation: Escalation = "none"
    conditional: bool = False
    conditions: tuple[str, ...] = ()
    constraints: tuple[str, ...] = ()
    reasons: tuple[Reason, ...] = ()
    gained: Sequence[str] = ()
    references: tuple[Reference, ...] = ()
    source_is_admin: bool = False
    resources: tuple[str, ...] = ()
    reaches_admin: tuple[int, bool] | None = None

    @property
    def via(self) -> str | None:
        """The service row (:mod:`core.escalate.tables.services` id) a PassRole edge goes
        through; several rows share ``ec2.amazonaws.com`` (EC2, EMR, Image Builder, Elastic
        Beanstalk)."""
        return self.service_id

    @property
    def service_row(self) -> PassRoleService | None:
        """The services-table row a PassRole edge goes through (``None`` for other kinds)."""
        return service_by_id(self.service_id) if self.service_id else None

    @property
    def method(self) -> EscalationMethod | None:
        """The methods-table row of a non-PassRole edge (``None`` for ``passrole``)."""
        return None if self.kind == "passrole" else method_by_id(self.kind)

    @property
    def key(self) -> tuple[str, str, str, str | None]:
        """Identity of the edge for diffs (kind, source, target, service). The service is
        ``SERVICE#ROW`` when the row is not the principal's first one (EMR's edge through
        ``ec2.amazonaws.com`` is ``ec2.amazonaws.com#emr``), so keys stay unique while EC2's
        and every other edge's stay as they were."""
        service = self.service
        if service is not None and self.service_id is not None:
            first = service_by_principal(service)
            if first is not None and first.id != self.service_id:
                service = f"{service}#{self.service_id}"
        return (self.kind, self.source, self.target, service)

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "title": self.title,
            "source": self.source,
            "role": self.role,
            "service": self.service,
            "via": self.via,
            "target": self.target,
            "escalation": self.escalation,
            "conditional": self.conditional,
            "conditions": list(self.conditions),
            "constraints": list(self.constraints),
            "gained": list(self.gained),
            "source_is_admin": self.source_is_admin,
            "resources": list(self.resources),
            "reaches_admin": (
                None
                if self.reaches_admin is None
                else {"hops": self.reaches_admin[0], "conditional": self.reaches_admin[1]}
            ),
            "references": [{"title": r.title, "url": r.url} for r in self.references],
            "reasons": [r.to_json() for r in self.reasons],
        }


def with_reaches_admin(f: Finding, reaches: tuple[int, bool] | None) -> Finding:
    """``dataclasses.replace(f, reaches_admin=reaches)``, spelled out: it runs once per finding
    of an analysis, and ``replace`` looks every field up by name first."""
    return Finding(
        f.kind,
        f.source,
        f.target,
        f.title,
        f.role,
        f.service,
        f.service_id,
        f.escalation,
        f.conditional,
        f.conditions,
        f.constraints,
        f.reasons,
        f.gained,
        f.references,
        f.source_is_admin,
        f.resources,
        reaches,
    )


def realigned(old: list[Finding], new: list[Finding]) -> tuple[list[int], list[int]]:
    """Positions of ``old`` and of ``new`` that do not hold the same object at the same
    position: a finding in both lists is in both answers or in neither. Compared in C (no
    Python step per finding): a what-if leaves most of a source's findings where they were."""
    m = min(len(old), len(new))
    moved = list(compress(range(m), map(is_not, old, new)))
    return [*moved, *range(m, len(old))], [*moved, *range(m, len(new))]
