"""Explain an AWS authorization failure message and propose the least-privilege fix.

The public face of four stages, each in its own module:

- :mod:`core.explain.denial_message` reads the decoded message (``parse_message``);
- :mod:`core.explain.denial_classify` re-evaluates the request against the account (the principal by
  ARN; an assumed-role session ARN names its role) with the message's condition keys and names
  the layer that blocks it (``blocked_by``);
- :mod:`core.explain.denial_fix` writes the fix: a policy allowing exactly the denied request. Only
an
  ``Allow`` in the principal's own policies can fix ``no-allow``; for the other blocks the fix
  says what has to change instead (an Allow never overrides an explicit Deny);
- :mod:`core.explain.denial_consequences` tries the fix as a what-if: the findings it would create,
  whether the principal becomes admin-equivalent, and safer roles the same service trusts.

JSON contract (:meth:`DenialExplanation.to_json`)::

    principal            ARN of the denied principal
    action, resource     the denied request
    blocked_by           "no-allow" | "explicit-deny" | "permissions-boundary" | "scp"
    statements           the statements involved (StatementRef.to_json())
    explanation          plain words
    fix                  {"policy": document or null, "instead": str or null,
                          "policy_name": str or null}
    consequences         findings the fix creates (Finding.to_json(), the scan shape)
    becomes_admin        bool
    admin_sentence       str or null: how the fix makes the principal admin
    safer_alternatives   role ARNs the same service trusts that would not make it admin,
                         least gained capabilities first
    notes                cross-checks with the message and inferences made
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final

from core.escalate.analysis import Analysis
from core.escalate.findings import Finding
from core.evaluate.decision import Decision, StatementRef
from core.evaluate.evaluator import Request, evaluate
from core.evaluate.principal import principal_view
from core.explain.denial_classify import BlockedBy, classify
from core.explain.denial_consequences import (
    Alternative,
    consequences_of,
    preview_session,
    safer_alternatives,
)
from core.explain.denial_fix import Fix, fix_document, infer_service, is_passrole, policy_name
from core.explain.denial_message import (
    DESCRIPTIVE_KEYS,
    KEY_ALIASES,
    PASSROLE,
    DenialError,
    DenialMessage,
    MatchedStatement,
    find_principal,
    parse_message,
    request_context,
)
from core.load.managed import BUNDLED_COPY, bundle_date, bundled_in
from core.model.account import Account

__all__ = [  # every public name denial.py had before the split
    "DESCRIPTIVE_KEYS",
    "KEY_ALIASES",
    "PASSROLE",
    "PASSROLE_MEANING",
    "Alternative",
    "BlockedBy",
    "DenialError",
    "DenialExplanation",
    "DenialMessage",
    "Fix",
    "MatchedStatement",
    "explain_denial",
    "find_principal",
    "fix_document",
    "infer_service",
    "parse_message",
    "preview_session",
    "request_context",
    "safer_alternatives",
    "with_consequences",
]

PASSROLE_MEANING: Final = (
    "iam:PassRole is not an API call: it is the permission AWS checks when a service call "
    "(such as ec2:RunInstances or lambda:CreateFunction) hands a role to a service, so that the "
    "service can act as that role. AWS asks for it because whoever can pass a role to a service "
    "can make the service do anything the role can: a user who can pass any role to EC2 can "
    "launch an instance with an admin role and act as admin."
)


@dataclass(frozen=True, slots=True)
class DenialExplanation:
    """Why a request was denied, the least-privilege fix and what the fix would cause."""

    message: DenialMessage
    principal: str
    principal_name: str
    principal_kind: str
    action: str
    resource: str
    blocked_by: BlockedBy
    statements: tuple[StatementRef, ...]
    explanation: tuple[str, ...]
    """Paragraphs in plain words."""
    fix: Fix
    decision: Decision
    service: str | None = None
    """For iam:PassRole: the ``iam:PassedToService`` value used."""
    consequences: tuple[Finding, ...] = ()
    becomes_admin: bool = False
    admin_sentence: str | None = None
    safer_alternatives: tuple[Alternative, ...] = ()
    notes: tuple[str, ...] = ()
    consequences_done: bool = False
    """Whether the what-if ran (``explain_denial(..., consequences=False)`` skips it)."""

    @property
    def text(self) -> str:
        """The explanation paragraphs as one string."""
        return "\n\n".join(self.explanation)

    def to_json(self) -> dict[str, object]:
        return {
            "principal": self.principal,
            "action": self.action,
            "resource": self.resource,
            "blocked_by": self.blocked_by,
            "statements": [s.to_json() for s in self.statements],
            "explanation": self.text,
            "fix": {
                "policy": self.fix.policy,
                "instead": self.fix.instead,
                "policy_name": self.fix.policy_name,
            },
            "consequences": [f.to_json() for f in self.consequences],
            "becomes_admin": self.becomes_admin,
            "admin_sentence": self.admin_sentence,
            "safer_alternatives": [a.arn for a in self.safer_alternatives],
            "notes": list(self.notes),
        }


def explain_denial(
    account: Account,
    message: DenialMessage,
    *,
    launch_action: str | None = None,
    consequences: bool = True,
    before: Analysis | None = None,
) -> DenialExplanation:
    """Explain a denial against ``account``; with ``consequences``, run the fix as a what-if.

    Args:
        account: the account the request was made in (snapshot or live).
        message: the parsed message.
        launch_action: the service call that failed (``ec2:RunInstances``), when known.
        consequences: also evaluate the fix (two analyses of the account).
        before: an existing analysis of ``account`` to reuse.

    Raises:
        DenialError: the principal is not in the account.
    """
    notes: list[str] = []
    principal = find_principal(account, message.principal_arn)
    view = principal_view(account, principal)
    action, resource = message.action, message.resource
    passrole = is_passrole(action)
    role = account.role(resource) if passrole else None
    if passrole and role is None:
        notes.append(f"role {resource} is not in the snapshot")

    extra = request_context(message)
    service: str | None = None
    if passrole:
        service, source = infer_service(account, message, role, launch_action)
        if service and "iam:PassedToService" not in extra:
            extra["iam:PassedToService"] = service
        if service and source != "the message's iam:PassedToService":
            notes.append(f"iam:PassedToService {service} inferred from {source}")
        if not service:
            notes.append(
                "the service the role was passed to is unknown: the fix does not pin "
                "iam:PassedToService; pass --launch-action (e.g. ec2:RunInstances) to pin it"
            )
    tags = role.tags if role is not None else None
    ctx = view.context(extra, resource_tags=tags)
    decision = evaluate(
        Request(view.arn, action, resource, ctx), view.policies, explain_misses=True
    )

    why = classify(view, decision, message, notes)
    bundled = bundled_in(account.problems)
    for arn in dict.fromkeys(
        s.policy.arn for s in why.statements if s.statement.effect == "Allow" and s.policy.arn
    ):
        if arn in bundled:
            notes.append(
                f"the allowing statement of {arn} is from {BUNDLED_COPY} (as of "
                f"{bundle_date()}), not from the export: the account's version may differ"
            )
    who = f"{principal.kind} {principal.name}"
    head = f"{who} was denied {action} on {resource}."
    if passrole and service:
        head = f"{who} was denied {action} on {resource} (passing the role to {service})."
    explanation = [head, *why.paragraphs]
    if passrole:
        explanation.append(PASSROLE_MEANING)

    fix: Fix
    if why.blocked_by == "no-allow" and why.instead is None:
        associated = message.condition("iam:AssociatedResourceARN")
        doc = fix_document(action, resource, service, associated[0] if associated else None)
        fix = Fix(doc, policy_name(action, resource, service), None)
    else:
        fix = Fix(None, None, why.instead)

    result = DenialExplanation(
        message=message,
        principal=principal.arn,
        principal_name=principal.name,
        principal_kind=principal.kind,
        action=action,
        resource=resource,
        blocked_by=why.blocked_by,
        statements=tuple(dict.fromkeys(why.statements)),
        explanation=tuple(explanation),
        fix=fix,
        decision=decision,
        service=service,
        notes=tuple(notes),
    )
    if consequences and fix.document_text is not None:
        result = with_consequences(account, result, before=before)
    return result


def with_consequences(
    account: Account, result: DenialExplanation, *, before: Analysis | None = None
) -> DenialExplanation:
    """``result`` with its fix tried as a what-if (:mod:`core.explain.denial_consequences`)."""
    found = consequences_of(
        account,
        result.fix,
        principal=result.principal,
        principal_name=result.principal_name,
        action=result.action,
        resource=result.resource,
        service=result.service,
        before=before,
    )
    if found is None:
        return replace(result, consequences_done=True)
    return replace(
        result,
        consequences=found.added,
        becomes_admin=found.becomes_admin,
        admin_sentence=found.admin_sentence,
        safer_alternatives=found.safer_alternatives,
        consequences_done=True,
    )
