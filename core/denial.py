"""Explain an AWS authorization failure message and propose the least-privilege fix.

Input is the decoded JSON of ``aws sts decode-authorization-message`` (the bare object, or the
CLI's ``{"DecodedMessage": "<json string>"}`` wrapper)::

    {"allowed": false, "explicitDeny": false,
     "matchedStatements": {"items": [...]}, "failures": {"items": []},
     "context": {"principal": {"id", "name", "arn"}, "action": "iam:PassRole",
                 "resource": "arn:aws:iam::111122223333:role/NAME",
                 "conditions": {"items": [
                     {"key": "iam:PassedToService",
                      "values": {"items": [{"value": "ec2.amazonaws.com"}]}}]}}}

The request is re-evaluated against the account (the principal by ARN; an assumed-role session
ARN names its role) with the message's condition keys, and the result is cross-checked with the
message's ``explicitDeny`` and ``matchedStatements``. Then:

- ``blocked_by`` names the layer that blocks (IAM User Guide, "Policy evaluation logic"):
  ``no-allow`` (no identity statement allows it), ``explicit-deny`` (a Deny in an identity
  policy), ``permissions-boundary`` (the boundary does not allow it, or denies it), ``scp`` (an
  SCP level does not allow it, or denies it);
- the fix is a policy allowing exactly the denied request. For ``iam:PassRole`` the resource is
  the role and ``iam:PassedToService`` is pinned to the service (from the message, the failed
  launch action, the message's ``aws:Service`` or, failing those, the one service the role
  trusts), following "Grant a user permissions to pass a role to an AWS service". Only an
  ``Allow`` in the principal's own policies can fix ``no-allow``; for the other blocks the fix
  says what has to change instead (an Allow never overrides an explicit Deny);
- the consequences are the findings the fix would create (a what-if re-analysis, diffed by
  :attr:`Finding.key`), whether the principal becomes admin-equivalent, and safer roles the
  same service trusts.

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

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final, Literal

from core.analysis import Analysis
from core.decision import Decision, PolicyRef, StatementRef
from core.edges import trusted_roles
from core.errors import IamExploreError
from core.evaluator import Request, evaluate
from core.findings import Finding
from core.model import Account, Role, User
from core.power import FULL_ACCESS_PROBES, gained
from core.services import SERVICES, PassRoleService, service_by_id, services_by_principal
from core.view import PrincipalView, principal_view
from core.whatif import Session, add_inline_policy

BlockedBy = Literal["no-allow", "explicit-deny", "permissions-boundary", "scp"]

PASSROLE = "iam:PassRole"

KEY_ALIASES: Final = {
    "aws:region": "aws:RequestedRegion",
    "ec2:region": "aws:RequestedRegion",
}
"""Keys that decoded messages spell differently from the policy condition key they carry."""

DESCRIPTIVE_KEYS: Final = frozenset(
    {"aws:service", "aws:resource", "aws:account", "aws:type", "aws:arn", "iam:rolename"}
)
"""Message items that describe the request rather than being policy condition keys."""

PASSROLE_MEANING: Final = (
    "iam:PassRole is not an API call: it is the permission AWS checks when a service call "
    "(such as ec2:RunInstances or lambda:CreateFunction) hands a role to a service, so that the "
    "service can act as that role. AWS asks for it because whoever can pass a role to a service "
    "can make the service do anything the role can: a user who can pass any role to EC2 can "
    "launch an instance with an admin role and act as admin."
)

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


class DenialError(IamExploreError):
    """A message that cannot be explained: not JSON, missing fields, unknown principal."""


# -- the message ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MatchedStatement:
    """A statement the message says matched (``matchedStatements.items``)."""

    statement_id: str
    effect: str
    actions: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "statement_id": self.statement_id,
            "effect": self.effect,
            "actions": list(self.actions),
            "resources": list(self.resources),
        }


@dataclass(frozen=True, slots=True)
class DenialMessage:
    """The parts of a decoded authorization message that matter for an explanation.

    Attributes:
        principal_arn: the caller (an IAM user/role ARN or an STS assumed-role session ARN).
        action: ``service:Action`` (a bare ``Action`` gets the resource's service prefix).
        conditions: ``(key, values)`` as the message lists them.
    """

    principal_arn: str
    action: str
    resource: str
    principal_name: str = ""
    conditions: tuple[tuple[str, tuple[str, ...]], ...] = ()
    allowed: bool = False
    explicit_deny: bool = False
    matched: tuple[MatchedStatement, ...] = ()

    def condition(self, key: str) -> tuple[str, ...]:
        """The values of a condition item (case-insensitive key), or ``()``."""
        k = key.lower()
        for name, values in self.conditions:
            if name.lower() == k:
                return values
        return ()


def _items(value: Any, where: str) -> list[Any]:
    """``{"items": [...]}`` → the list (``None`` or missing → ``[]``)."""
    if value is None:
        return []
    items = value.get("items", []) if isinstance(value, Mapping) else value
    if not isinstance(items, list):
        raise DenialError(f"{where}.items must be a list")
    return items


def _values(raw: Any, where: str) -> tuple[str, ...]:
    out: list[str] = []
    for i, item in enumerate(_items(raw, where)):
        v = item.get("value") if isinstance(item, Mapping) else item
        if not isinstance(v, (str, int, float, bool)):
            raise DenialError(f"{where}.items[{i}].value must be a string")
        out.append(str(v).lower() if isinstance(v, bool) else str(v))
    return tuple(out)


def _decode(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DenialError(
            f"{where} is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:
        raise DenialError(f"{where} is nested too deeply") from None


def parse_message(raw: str | bytes | Mapping[str, Any]) -> DenialMessage:
    """Parse a decoded authorization message (JSON text or object, wrapper accepted).

    Raises:
        DenialError: not JSON, not an object, or ``context`` lacks principal/action/resource.
    """
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8-sig", "replace")
    data: Any = raw
    if isinstance(raw, str):
        if not raw.strip():
            raise DenialError("the message is empty")
        data = _decode(raw.strip(), "the message")
    if isinstance(data, Mapping) and "DecodedMessage" in data:
        inner = data["DecodedMessage"]
        data = _decode(inner, "DecodedMessage") if isinstance(inner, str) else inner
    if not isinstance(data, Mapping):
        raise DenialError("the message must be a JSON object")
    ctx = data.get("context")
    if not isinstance(ctx, Mapping):
        raise DenialError('the message has no "context" object')
    action = ctx.get("action")
    resource = ctx.get("resource")
    principal = ctx.get("principal")
    if not isinstance(action, str) or not action.strip():
        raise DenialError("context.action is missing")
    if not isinstance(resource, str) or not resource.strip():
        raise DenialError("context.resource is missing")
    if not isinstance(principal, Mapping) or not isinstance(principal.get("arn"), str):
        raise DenialError("context.principal.arn is missing")
    action = action.strip()
    if ":" not in action:  # the EC2 API example spells "RunInstances": take the ARN's service
        parts = resource.split(":")
        if len(parts) > 2 and parts[2]:
            action = f"{parts[2]}:{action}"
    conditions = []
    for i, item in enumerate(_items(ctx.get("conditions"), "context.conditions")):
        where = f"context.conditions.items[{i}]"
        if not isinstance(item, Mapping) or not isinstance(item.get("key"), str):
            raise DenialError(f"{where}.key is missing")
        conditions.append((str(item["key"]), _values(item.get("values"), f"{where}.values")))
    matched = []
    for i, st in enumerate(_items(data.get("matchedStatements"), "matchedStatements")):
        if not isinstance(st, Mapping):
            continue
        where = f"matchedStatements.items[{i}]"
        matched.append(
            MatchedStatement(
                statement_id=str(st.get("statementId", "")),
                effect=str(st.get("effect", "")).upper(),
                actions=_values(st.get("actions"), f"{where}.actions"),
                resources=_values(st.get("resources"), f"{where}.resources"),
            )
        )
    name = principal.get("name")
    return DenialMessage(
        principal_arn=str(principal["arn"]).strip(),
        principal_name=name if isinstance(name, str) else "",
        action=action,
        resource=resource.strip(),
        conditions=tuple(conditions),
        allowed=data.get("allowed") is True,
        explicit_deny=data.get("explicitDeny") is True,
        matched=tuple(matched),
    )


def find_principal(account: Account, arn: str) -> User | Role:
    """The user or role behind an ARN (an assumed-role session ARN names its role).

    Raises:
        DenialError: the principal is not in the account.
    """
    found = account.principal(arn) if arn.startswith("arn:") else None
    parts = arn.split(":", 5)
    if found is None and len(parts) == 6 and parts[5].startswith("assumed-role/"):
        found = account.role(parts[5].split("/")[1])
    if found is None:
        raise DenialError(
            f"principal {arn} is not in the snapshot (account {account.account_id or '?'})"
        )
    return found


# -- the explanation ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Fix:
    """What would make the request succeed.

    Attributes:
        document_text: a ready-to-attach identity policy (JSON), or ``None``.
        policy_name: a name for it as an inline policy on the principal.
        instead: what would have to change when no Allow can help.
    """

    document_text: str | None = None
    policy_name: str | None = None
    instead: str | None = None

    @property
    def policy(self) -> dict[str, Any] | None:
        if self.document_text is None:
            return None
        doc: dict[str, Any] = json.loads(self.document_text)
        return doc


@dataclass(frozen=True, slots=True)
class Alternative:
    """A role the same service trusts that would not make the principal admin."""

    arn: str
    name: str
    gained: int
    """How many capabilities passing it would add to the principal's own."""


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


@dataclass
class _Work:
    """Mutable scratch state while explaining."""

    notes: list[str] = field(default_factory=list)


def request_context(message: DenialMessage) -> dict[str, object]:
    """The message's condition items as request context keys (aliases mapped, labels dropped)."""
    ctx: dict[str, object] = {}
    for key, values in message.conditions:
        k = key.lower()
        if k in DESCRIPTIVE_KEYS or not values:
            continue
        name = KEY_ALIASES.get(k, key)
        ctx[name] = values[0] if len(values) == 1 else list(values)
    return ctx


def _service_for_action(action: str) -> PassRoleService | None:
    a = action.lower()
    for s in SERVICES:
        if any(a == x.lower() for aset in s.action_sets for x in aset.actions):
            return s
    return None


def _trusted_services(account: Account, role: Role) -> tuple[str, ...]:
    """Distinct ``iam:PassedToService`` values of the table rows whose principal ``role`` trusts."""
    trusted = trusted_roles(account)
    out = []
    for sid, roles in trusted.items():
        if any(r.arn == role.arn for r, _ in roles):
            row = service_by_id(sid)
            if row is not None:
                out.append(row.passed_to_service)
    return tuple(dict.fromkeys(out))


def infer_service(
    account: Account, message: DenialMessage, role: Role | None, launch_action: str | None
) -> tuple[str | None, str]:
    """The ``iam:PassedToService`` value for a PassRole denial and where it came from."""
    given = message.condition("iam:PassedToService")
    if given:
        return given[0], "the message's iam:PassedToService"
    if launch_action:
        row = _service_for_action(launch_action)
        if row is not None:
            return row.passed_to_service, f"the failed call {launch_action}"
    for hint in message.condition("aws:Service"):
        row = service_by_id(hint.lower())
        if row is not None and row.id != "iam":
            return row.passed_to_service, f"the message's aws:Service ({hint})"
    if role is not None:
        services = _trusted_services(account, role)
        if len(services) == 1:
            return services[0], f"the one service role {role.name} trusts"
    return None, ""


def _policy_name(action: str, resource: str, service: str | None) -> str:
    if action.lower() == PASSROLE.lower():
        role = resource.rsplit("/", 1)[-1]
        to = f"-to-{service.split('.')[0]}" if service else ""
        name = f"PassRole-{role}{to}"
    else:
        name = "Allow-" + action.replace(":", "-")
    return "".join(c if c.isalnum() or c in "+=,.@-_" else "-" for c in name)[:128]


def fix_document(
    action: str, resource: str, service: str | None, associated: str | None = None
) -> str:
    """A least-privilege identity policy allowing exactly the denied request (JSON text)."""
    statement: dict[str, Any] = {"Effect": "Allow", "Action": action, "Resource": resource}
    if action.lower() == PASSROLE.lower():
        cond: dict[str, Any] = {}
        if service:
            cond["StringEquals"] = {"iam:PassedToService": service}
        if associated:
            cond["ArnLike"] = {"iam:AssociatedResourceARN": associated}
        if cond:
            statement["Condition"] = cond
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, indent=2)


def _cite(refs: Sequence[StatementRef]) -> str:
    return "; ".join(r.label for r in refs)


def _policies_of(view: PrincipalView) -> str:
    names = [f"{r.name} ({r.via})" if r.via else r.name for r in view.policies.identity]
    return ", ".join(names) if names else "none"


def _closest(
    decision: Decision, layer: str, level: str | None = None
) -> list[tuple[StatementRef, str]]:
    """Allow statements of ``layer`` that name the action but did not match, with why."""
    return [
        (m.ref, m.reason)
        for m in decision.misses
        if m.ref.policy.layer == layer
        and (level is None or m.ref.policy.level == level)
        and m.ref.statement.effect == "Allow"
        and m.reason != "action does not match"
    ]


def _closest_refs(decision: Decision, layer: str, level: str | None = None) -> list[StatementRef]:
    return [ref for ref, _ in _closest(decision, layer, level)]


def _policy_statements(refs: Iterable[PolicyRef], limit: int = 12) -> list[StatementRef]:
    """Every statement of the policies (for layers where the whole policy is involved)."""
    return [StatementRef(r, st) for r in refs for st in r.document.statements][:limit]


def _allow_statement_summary(ref: StatementRef) -> str:
    st = ref.statement
    acts = ", ".join(st.actions)
    res = "everything" if st.resources is None else ", ".join(st.resources)
    return f"{'NotAction ' if st.not_action else ''}{acts} on {res}"


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
    work = _Work()
    principal = find_principal(account, message.principal_arn)
    view = principal_view(account, principal)
    action, resource = message.action, message.resource
    is_passrole = action.lower() == PASSROLE.lower()
    role = account.role(resource) if is_passrole else None
    if is_passrole and role is None:
        work.notes.append(f"role {resource} is not in the snapshot")

    extra = request_context(message)
    service: str | None = None
    if is_passrole:
        service, source = infer_service(account, message, role, launch_action)
        if service and "iam:PassedToService" not in extra:
            extra["iam:PassedToService"] = service
        if service and source != "the message's iam:PassedToService":
            work.notes.append(f"iam:PassedToService {service} inferred from {source}")
        if not service:
            work.notes.append(
                "the service the role was passed to is unknown: the fix does not pin "
                "iam:PassedToService; pass --launch-action (e.g. ec2:RunInstances) to pin it"
            )
    tags = role.tags if role is not None else None
    ctx = view.context(extra, resource_tags=tags)
    decision = evaluate(
        Request(view.arn, action, resource, ctx), view.policies, explain_misses=True
    )

    blocked, statements, paragraphs, instead = _classify(view, decision, message, work)
    who = f"{principal.kind} {principal.name}"
    head = f"{who} was denied {action} on {resource}."
    if is_passrole and service:
        head = f"{who} was denied {action} on {resource} (passing the role to {service})."
    explanation = [head, *paragraphs]
    if is_passrole:
        explanation.append(PASSROLE_MEANING)

    fix: Fix
    if blocked == "no-allow" and instead is None:
        associated = message.condition("iam:AssociatedResourceARN")
        doc = fix_document(action, resource, service, associated[0] if associated else None)
        fix = Fix(doc, _policy_name(action, resource, service), None)
    else:
        fix = Fix(None, None, instead)

    result = DenialExplanation(
        message=message,
        principal=principal.arn,
        principal_name=principal.name,
        principal_kind=principal.kind,
        action=action,
        resource=resource,
        blocked_by=blocked,
        statements=tuple(dict.fromkeys(statements)),
        explanation=tuple(explanation),
        fix=fix,
        decision=decision,
        service=service,
        notes=tuple(work.notes),
    )
    if consequences and fix.document_text is not None:
        result = with_consequences(account, result, before=before)
    return result


def _classify(
    view: PrincipalView, d: Decision, message: DenialMessage, work: _Work
) -> tuple[BlockedBy, list[StatementRef], list[str], str | None]:
    """blocked_by, statements involved, explanation paragraphs, and ``instead`` text."""
    action, resource = d.action, d.resource
    name = view.name
    denies = list(d.denied_by)
    paragraphs: list[str] = []
    _cross_check(d, message, work)

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
        work.notes.append(
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
            if action.lower() == PASSROLE.lower()
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


def _cross_check(d: Decision, message: DenialMessage, work: _Work) -> None:
    ours = d.decision == "explicitDeny" and not d.conditional
    if message.allowed:
        work.notes.append("the message says the request was allowed")
    if message.explicit_deny and not ours:
        work.notes.append(
            "the message says an explicit Deny matched, but the snapshot has none for this "
            "request: the snapshot may be out of date, or the Deny is in a session policy or "
            "resource policy the snapshot does not hold"
        )
    if ours and not message.explicit_deny:
        work.notes.append(
            "the snapshot has an explicit Deny for this request, but the message says none "
            "matched: the snapshot may be newer than the request"
        )
    sids = {s.statement.sid for s in d.denied_by if s.statement.sid}
    for m in message.matched:
        if m.statement_id and m.statement_id not in sids:
            work.notes.append(
                f'the message names matched statement "{m.statement_id}" ({m.effect})'
            )


# -- consequences ---------------------------------------------------------------------------------


def preview_session(account: Account, analysis: Analysis | None = None) -> Session:
    """A fresh what-if session to try a fix in (reusing ``analysis`` when given)."""
    return Session(account, analysis)


def with_consequences(
    account: Account, result: DenialExplanation, *, before: Analysis | None = None
) -> DenialExplanation:
    """Run the fix as a what-if (:mod:`core.whatif`): new findings, admin-equivalence, and
    safer roles. ``account`` is not changed; ``before`` is an analysis of it to reuse."""
    fix = result.fix
    if fix.document_text is None or fix.policy_name is None:
        return replace(result, consequences_done=True)
    session = preview_session(account, before)
    before = session.analysis
    diff = session.apply(add_inline_policy(result.principal, fix.policy_name, fix.document_text))
    after = session.analysis
    added = diff.added
    p = result.principal
    had_path = any(path.source == p for path in before.paths)
    admin_edges = [f for f in added if f.source == p and f.escalation == "admin"]
    new_path = next((path for path in after.paths if path.source == p), None)
    becomes = (
        bool(admin_edges)
        or (p in after.admins and p not in before.admins)
        or (new_path is not None and not had_path)
    )
    sentence = _admin_sentence(after, result, admin_edges, new_path) if becomes else None
    alternatives: tuple[Alternative, ...] = ()
    if result.service and result.action.lower() == PASSROLE.lower():
        alternatives = safer_alternatives(before, p, result.resource, result.service)
    return replace(
        result,
        consequences=added,
        becomes_admin=becomes,
        admin_sentence=sentence,
        safer_alternatives=alternatives,
        consequences_done=True,
    )


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
    after: Analysis, result: DenialExplanation, admin_edges: Sequence[Finding], path: Any
) -> str:
    who = result.principal_name
    edge = next((f for f in admin_edges if f.target == result.resource), None)
    if edge is None and admin_edges:
        edge = admin_edges[0]
    if edge is not None and edge.kind == "passrole" and edge.role:
        row = service_by_id(edge.service_id or "")
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
    hops = getattr(path, "hops", ())
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
