"""Decisions and their explanations: which statements allowed or denied, and why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from core.model.account import ConditionClause, PolicyDocument, Statement

Layer = Literal["identity", "resource", "boundary", "scp", "session"]
EvalDecision = Literal["allowed", "explicitDeny", "implicitDeny"]


@dataclass(frozen=True, slots=True)
class PolicyRef:
    """A policy as it applies to a request: its document and how it is attached.

    Attributes:
        name: policy name (or ``SCP name`` / trust policy label).
        arn: managed policy ARN, ``None`` for inline policies.
        via: the attachment path, e.g. ``inline on user alice``, ``via group ops``.
        layer: the evaluation layer the policy belongs to.
        level: for SCPs, the organization level (root, OU, account) it is attached at.
    """

    name: str
    document: PolicyDocument
    arn: str | None = None
    via: str = ""
    layer: Layer = "identity"
    level: str = ""
    owner: str = ""
    """For inline policies, the ARN of the user, group or role that holds it."""

    @property
    def label(self) -> str:
        head = self.arn or self.name
        return f"{head} ({self.via})" if self.via else head


@dataclass(frozen=True, slots=True)
class StatementRef:
    """One statement of one policy, as cited in an explanation."""

    policy: PolicyRef
    statement: Statement

    @property
    def label(self) -> str:
        return f"{self.policy.label} {self.statement.label}"

    def to_json(self) -> dict[str, object]:
        return {
            "layer": self.policy.layer,
            "policy": self.policy.name,
            "policy_arn": self.policy.arn,
            "attachment": self.policy.via,
            "level": self.policy.level or None,
            "statement": self.statement.index,
            "sid": self.statement.sid,
            "effect": self.statement.effect,
        }


@dataclass(frozen=True, slots=True)
class ConditionalMatch:
    """A statement whose match depends on conditions over unknown keys."""

    ref: StatementRef
    clauses: tuple[ConditionClause, ...]


@dataclass(frozen=True, slots=True)
class Requirement:
    """A part of a conditional decision.

    ``kind == "allow-if"``: the layer allows only if one of ``alternatives`` holds.
    ``kind == "deny-if"``: the request is explicitly denied if any of ``alternatives`` holds.
    """

    kind: Literal["allow-if", "deny-if"]
    layer: str
    alternatives: tuple[ConditionalMatch, ...]


@dataclass(frozen=True, slots=True)
class Miss:
    """Why a statement did not match (explanations on request)."""

    ref: StatementRef
    reason: str


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of one request, with the reasons.

    Attributes:
        decision: AWS's decision word. With unknown keys this is the decision if every
            unknown condition went against the caller; see ``conditional``.
        conditional: the request is allowed only if ``requirements`` hold.
        allowed_by: statements whose Allow made the request allowed, per layer.
        denied_by: statements whose Deny matched.
        decided_by: the layer that decided (``identity``, ``boundary``, ``scp:<level>``,
            ``resource``, ``session``, or ``explicit-deny``).
        requirements: for conditional results, what must hold.
        missing_context: condition keys read but absent from the request.
        misses: non-matching statements with why (only when asked for).
    """

    decision: EvalDecision
    action: str
    resource: str
    conditional: bool = False
    allowed_by: tuple[StatementRef, ...] = ()
    denied_by: tuple[StatementRef, ...] = ()
    decided_by: str = ""
    requirements: tuple[Requirement, ...] = ()
    missing_context: tuple[str, ...] = ()
    misses: tuple[Miss, ...] = ()

    @property
    def allowed(self) -> bool:
        """Definitely allowed (no open conditions)."""
        return self.decision == "allowed" and not self.conditional

    @property
    def possible(self) -> bool:
        """Allowed, or allowed if some conditions hold."""
        return self.decision == "allowed" or self.conditional

    def summary(self) -> str:
        """One line: decision and the deciding statement."""
        if self.conditional:
            return f"allowed only if conditions hold ({self.decided_by})"
        if self.decision == "explicitDeny" and self.denied_by:
            return f"explicitly denied by {self.denied_by[0].label}"
        if self.decision == "allowed" and self.allowed_by:
            return f"allowed by {self.allowed_by[0].label}"
        return f"implicitly denied ({self.decided_by or 'no statement allows it'})"
