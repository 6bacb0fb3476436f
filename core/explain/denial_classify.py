"""Classify a denied request: which layer of AWS's policy evaluation logic blocks it.

``blocked_by`` names the layer (IAM User Guide, "Policy evaluation logic"): ``no-allow`` (no
identity statement allows it), ``explicit-deny`` (a Deny in an identity policy),
``permissions-boundary`` (the boundary does not allow it, or denies it), ``scp`` (an SCP level
does not allow it, or denies it). The decision is cross-checked with the message's
``explicitDeny`` and ``matchedStatements``; disagreements become notes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from core.evaluate.decision import Decision, PolicyRef, StatementRef
from core.evaluate.evaluator import Request, evaluate
from core.evaluate.principal import PrincipalView
from core.explain.denial_fix import is_passrole
from core.explain.denial_message import DenialMessage

BlockedBy = Literal["no-allow", "explicit-deny", "permissions-boundary", "scp"]


@dataclass(frozen=True, slots=True)
class Classification:
    """What blocks a request, the statements involved and what to change when no Allow helps."""

    blocked_by: BlockedBy
    statements: tuple[StatementRef, ...]
    paragraphs: tuple[str, ...]
    """The explanation in plain words."""
    instead: str | None
    """What would have to change when an Allow on the principal cannot fix it."""


def _cite(refs: Sequence[StatementRef]) -> str:
    return "; ".join(r.label for r in refs)


def _policies_of(view: PrincipalView) -> str:
    names = [f"{r.name} ({r.via})" if r.via else r.name for r in view.policies.identity]
    return ", ".join(names) if names else "none"


def _closest(decision: Decision, layer: str) -> list[tuple[StatementRef, str]]:
    """Allow statements of ``layer`` that name the action but did not match, with why."""
    return [
        (m.ref, m.reason)
        for m in decision.misses
        if m.ref.policy.layer == layer
        and m.ref.statement.effect == "Allow"
        and m.reason != "action does not match"
    ]


def _closest_refs(decision: Decision, layer: str) -> list[StatementRef]:
    return [ref for ref, _ in _closest(decision, layer)]


def _policy_statements(refs: Iterable[PolicyRef], limit: int = 12) -> list[StatementRef]:
    """Every statement of the policies (for layers where the whole policy is involved)."""
    return [StatementRef(r, st) for r in refs for st in r.document.statements][:limit]


def _allow_statement_summary(ref: StatementRef) -> str:
    st = ref.statement
    acts = ", ".join(st.actions)
    res = "everything" if st.resources is None else ", ".join(st.resources)
    return f"{'NotAction ' if st.not_action else ''}{acts} on {res}"


def classify(
    view: PrincipalView, d: Decision, message: DenialMessage, notes: list[str]
) -> Classification:
    """Why ``d`` (the re-evaluated request) is denied; cross-check notes go to ``notes``."""
    blocked, statements, paragraphs, instead = _classify(view, d, message, notes)
    return Classification(blocked, tuple(statements), tuple(paragraphs), instead)


def _classify(
    view: PrincipalView, d: Decision, message: DenialMessage, notes: list[str]
) -> tuple[BlockedBy, list[StatementRef], list[str], str | None]:
    """blocked_by, statements involved, explanation paragraphs, and ``instead`` text."""
    action, resource = d.action, d.resource
    name = view.name
    denies = list(d.denied_by)
    paragraphs: list[str] = []
    _cross_check(d, message, notes)

    if denies and not d.conditional:
        layer = denies[0].policy.layer
        cite = _cite(denies)
        if layer == "scp":
            level = denies[0].policy.level
            paragraphs.append(
                f"An explicit Deny in a service control policy at {level} blocks it: {cite}. "
                "No identity policy can override an explicit Deny."
            )
            return (
                "scp",
                denies,
                paragraphs,
                f"the SCP statement {cite} must stop denying {action} on {resource} for {name}: "
                "ask the organization's administrators (SCPs are managed from the management "
                "account); an Allow attached to the principal cannot override it",
            )
        if layer == "boundary":
            paragraphs.append(
                f"An explicit Deny in {name}'s permissions boundary blocks it: {cite}. "
                "No identity policy can override an explicit Deny."
            )
            return (
                "permissions-boundary",
                denies,
                paragraphs,
                f"the permissions boundary statement {cite} must stop denying {action} on "
                f"{resource}, or the boundary must be replaced; an Allow cannot override it",
            )
        paragraphs.append(
            f"An explicit Deny blocks it: {cite}. An explicit Deny wins over every Allow, so "
            "adding a permission does not help."
        )
        return (
            "explicit-deny",
            denies,
            paragraphs,
            f"remove or narrow the Deny {cite} (for example exclude {resource} or add a "
            "condition); an Allow cannot override an explicit Deny",
        )

    gate = d.decided_by
    if d.decision == "allowed" and not d.conditional:
        notes.append(
            "the snapshot allows this request: it is probably older than the policies that "
            "denied it, or a session policy or resource policy not in the snapshot denied it"
        )
        blocked: BlockedBy = "explicit-deny" if message.explicit_deny else "no-allow"
        paragraphs.append(
            f"In this snapshot the request is allowed ({d.summary()}), so it cannot say why AWS "
            "denied it; the message says "
            + ("an explicit Deny matched." if message.explicit_deny else "no statement allowed it.")
        )
        instead = (
            "nothing in the snapshot blocks this request: refresh the snapshot (or look for a "
            "session policy or resource policy) and explain again"
        )
        return blocked, list(d.allowed_by), paragraphs, instead

    if gate.startswith("scp:"):
        level = gate[4:]
        refs = _policy_statements(
            r for lvl in view.policies.scp_levels for r in lvl if r.level == level
        )
        paragraphs.append(
            f"The service control policies at {level} do not allow {action}: AWS requires an "
            "SCP Allow at every level of the organization (root, each OU, the account), and a "
            "level that does not allow an action blocks it for every principal in the account."
        )
        if refs:
            paragraphs.append(
                "SCP statements at that level: "
                + "; ".join(
                    f"{r.label} {r.statement.effect.lower()}s {_allow_statement_summary(r)}"
                    for r in refs
                )
                + "."
            )
        return (
            "scp",
            refs,
            paragraphs,
            f"an SCP at {level} must allow {action} (ask the organization's administrators: SCPs "
            "are managed from the management account); a policy on the principal cannot help",
        )

    if gate == "boundary":
        bref = view.policies.boundary
        bname = (bref.arn or bref.name) if bref is not None else "its boundary"
        allows = list(d.allowed_by) or [
            r for r in _identity_allows(view, d) if r.policy.layer == "identity"
        ]
        bclose = _policy_statements([bref] if bref is not None else [])
        paragraphs.append(
            f"{name}'s identity policies allow it"
            + (f" ({_cite(allows)})" if allows else "")
            + f", but its permissions boundary {bname} does not include {action} on {resource}. "
            "A permissions boundary caps what identity policies can grant: the action must be "
            "allowed by both."
        )
        return (
            "permissions-boundary",
            [*allows, *bclose],
            paragraphs,
            f"the permissions boundary {bname} must also allow {action} on {resource} (edit that "
            "policy or attach another boundary); the identity policies already allow it",
        )

    if gate.startswith("cross-account"):
        allows = _identity_allows(view, d)
        own = view.policies.account_id
        paragraphs.append(
            f"{resource} belongs to another account than {name}'s ({own}). Cross-account "
            "access needs both a resource-based policy on the resource that shares it and an "
            f'identity-based policy that allows it (IAM User Guide, "Cross-account policy '
            f'evaluation logic")'
            + (f"; {name}'s identity policies allow it ({_cite(allows)})" if allows else "")
            + "."
        )
        instead = (
            "a role can be passed only in its own account: pass a role of this account"
            if is_passrole(action)
            else f"the owner of {resource} must share it with a resource-based policy naming "
            f"{view.arn} or its account"
        )
        return "no-allow", allows, paragraphs, instead

    close = _closest(d, "identity")
    refs = _closest_refs(d, "identity")
    text = (
        f"No statement in {name}'s policies allows {action} on this resource, so AWS denies it "
        f"by default (implicit deny). Policies that apply: {_policies_of(view)}."
    )
    if d.conditional:
        conds = [c.key for req in d.requirements for alt in req.alternatives for c in alt.clauses]
        text += (
            " Some statements allow it only under conditions the request did not meet "
            f"({', '.join(dict.fromkeys(conds))})."
        )
        refs = [*refs, *(alt.ref for req in d.requirements for alt in req.alternatives)]
    paragraphs.append(text)
    if close:
        paragraphs.append(
            "Closest statements: "
            + "; ".join(
                f"{ref.label} ({_allow_statement_summary(ref)}): {reason}" for ref, reason in close
            )
            + "."
        )
    return "no-allow", refs, paragraphs, None


def _identity_allows(view: PrincipalView, d: Decision) -> list[StatementRef]:
    """The identity statements that allow the request on their own (boundary explanations)."""
    ps = replace(view.policies, boundary=None, scp_levels=(), session=None)
    extra_ctx = view.context()
    alone = evaluate(Request(view.arn, d.action, d.resource, extra_ctx), ps)
    return list(alone.allowed_by)


def _cross_check(d: Decision, message: DenialMessage, notes: list[str]) -> None:
    ours = d.decision == "explicitDeny" and not d.conditional
    if message.allowed:
        notes.append("the message says the request was allowed")
    if message.explicit_deny and not ours:
        notes.append(
            "the message says an explicit Deny matched, but the snapshot has none for this "
            "request: the snapshot may be out of date, or the Deny is in a session policy or "
            "resource policy the snapshot does not hold"
        )
    if ours and not message.explicit_deny:
        notes.append(
            "the snapshot has an explicit Deny for this request, but the message says none "
            "matched: the snapshot may be newer than the request"
        )
    sids = {s.statement.sid for s in d.denied_by if s.statement.sid}
    for m in message.matched:
        if m.statement_id and m.statement_id not in sids:
            notes.append(f'the message names matched statement "{m.statement_id}" ({m.effect})')
