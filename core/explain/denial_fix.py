"""The least-privilege fix for a denied request: the policy allowing exactly that request.

For ``iam:PassRole`` the resource is the role and ``iam:PassedToService`` is pinned to the
service (from the message, the failed launch action, the message's ``aws:Service`` or, failing
those, the one service the role trusts), following the IAM User Guide's "Grant a user
permissions to pass a role to an AWS service".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from core.escalate.passrole_edges import trusted_roles
from core.escalate.tables.services import SERVICES, PassRoleService, service_by_id
from core.explain.denial_message import PASSROLE, DenialMessage
from core.model.account import Account, Role


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
            row = service_by_id(sid.removesuffix("/service-role"))
            if row is not None:
                out.append(row.service_role if sid != row.id else row.passed_to_service)
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


def policy_name(action: str, resource: str, service: str | None) -> str:
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


def is_passrole(action: str) -> bool:
    """Whether ``action`` is ``iam:PassRole`` (action names are case-insensitive)."""
    return action.lower() == PASSROLE.lower()
