"""What a fix would cause: the findings it creates, whether the principal becomes admin, and
safer roles the same service trusts (a what-if re-analysis, :mod:`core.explain.whatif`, diffed by
:attr:`Finding.key`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from core.escalate.analysis import Analysis
from core.escalate.capabilities import FULL_ACCESS_PROBES, gained
from core.escalate.findings import Finding
from core.escalate.paths import Path
from core.escalate.tables.services import services_by_principal
from core.explain.denial_fix import Fix, is_passrole
from core.explain.whatif import Session, add_inline_policy
from core.model.account import Account

_LAUNCH_PHRASE: Final = {
    "ec2": "launch an EC2 instance",
    "lambda": "create and invoke a Lambda function",
    "cloudformation": "create a CloudFormation stack",
    "ecs": "run an ECS task",
    "glue": "create a Glue job or development endpoint",
    "sagemaker": "create a SageMaker notebook or job",
    "codebuild": "run a CodeBuild project",
    "datapipeline": "run a Data Pipeline",
}


@dataclass(frozen=True, slots=True)
class Alternative:
    """A role the same service trusts that would not make the principal admin."""

    arn: str
    name: str
    gained: int
    """How many capabilities passing it would add to the principal's own."""


@dataclass(frozen=True, slots=True)
class Consequences:
    """The fix tried as a what-if."""

    added: tuple[Finding, ...]
    """Findings the fix creates."""
    becomes_admin: bool
    admin_sentence: str | None
    safer_alternatives: tuple[Alternative, ...]


def preview_session(account: Account, analysis: Analysis | None = None) -> Session:
    """A fresh what-if session to try a fix in (reusing ``analysis`` when given)."""
    return Session(account, analysis)


def consequences_of(
    account: Account,
    fix: Fix,
    *,
    principal: str,
    principal_name: str,
    action: str,
    resource: str,
    service: str | None,
    before: Analysis | None = None,
) -> Consequences | None:
    """Run ``fix`` as a what-if on ``principal``: new findings, admin-equivalence, and safer
    roles (``None`` when the fix is no policy). ``account`` is not changed; ``before`` is an
    analysis of it to reuse."""
    if fix.document_text is None or fix.policy_name is None:
        return None
    session = preview_session(account, before)
    before = session.analysis
    diff = session.apply(add_inline_policy(principal, fix.policy_name, fix.document_text))
    after = session.analysis
    added = diff.added
    p = principal
    had_path = any(path.source == p for path in before.paths)
    admin_edges = [f for f in added if f.source == p and f.escalation == "admin"]
    new_path = next((path for path in after.paths if path.source == p), None)
    becomes = (
        bool(admin_edges)
        or (p in after.admins and p not in before.admins)
        or (new_path is not None and not had_path)
    )
    sentence = (
        _admin_sentence(after, principal_name, resource, admin_edges, new_path) if becomes else None
    )
    alternatives: tuple[Alternative, ...] = ()
    if service and is_passrole(action):
        alternatives = safer_alternatives(before, p, resource, service)
    return Consequences(added, becomes, sentence, alternatives)


def _admin_policies(after: Analysis, role_arn: str) -> list[str]:
    view = after.views.get(role_arn)
    if view is None:
        return []
    names = [
        s.policy.name if s.policy.arn else f"inline policy {s.policy.name}"
        for s in view.decide(FULL_ACCESS_PROBES[0]).allowed_by
    ]
    return list(dict.fromkeys(names))


def _admin_sentence(
    after: Analysis, who: str, resource: str, admin_edges: Sequence[Finding], path: Path | None
) -> str:
    edge = next((f for f in admin_edges if f.target == resource), None)
    if edge is None and admin_edges:
        edge = admin_edges[0]
    if edge is not None and edge.kind == "passrole" and edge.role:
        row = edge.service_row
        doing = _LAUNCH_PHRASE.get(row.id if row else "", f"use {row.name if row else 'it'}")
        role_name = edge.role.rsplit("/", 1)[-1]
        reason = after.admins.get(edge.role)
        policies = _admin_policies(after, edge.role)
        if reason is not None and reason.kind == "full-access" and policies:
            has = "which has " + " and ".join(policies)
        elif reason is not None:
            has = f"which is admin-equivalent ({reason.detail})"
        else:
            has = "which leads to admin"
        return f"This grant lets {who} {doing} as {role_name}, {has}: {who} becomes admin."
    if edge is not None:
        return f"This grant gives {who} a way to admin ({edge.title}): {who} becomes admin."
    hops = path.hops if path is not None else ()
    if hops:
        steps = " → ".join(h.finding.title for h in hops)
        return f"This grant opens a path to admin for {who}: {steps}. {who} becomes admin."
    return f"This grant makes {who} admin-equivalent."


def safer_alternatives(
    before: Analysis, principal_arn: str, role_arn: str, passed_to: str
) -> tuple[Alternative, ...]:
    """Roles trusted by the same service that are not admin and lead to no admin path,
    fewest gained capabilities first."""
    source = before.views.get(principal_arn)
    if source is None:
        return ()
    rows = {s.id for s in services_by_principal(passed_to)}
    admin_paths = {path.source for path in before.paths}
    seen: set[str] = set()
    out: list[Alternative] = []
    for sid in rows:
        for role, _ in before.trusted.get(sid, []):
            if role.arn in seen or role.arn in (role_arn, principal_arn):
                continue
            seen.add(role.arn)
            if role.arn in before.admins or role.arn in admin_paths:
                continue
            view = before.views.get(role.arn)
            if view is None:
                continue
            out.append(Alternative(role.arn, role.name, len(gained(source, view))))
    out.sort(key=lambda a: (a.gained, a.name))
    return tuple(out)
