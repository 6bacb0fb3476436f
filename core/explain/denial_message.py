"""Read a decoded AWS authorization failure message (the input of ``explain-denial``).

Input is the decoded JSON of ``aws sts decode-authorization-message`` (the bare object, or the
CLI's ``{"DecodedMessage": "<json string>"}`` wrapper)::

    {"allowed": false, "explicitDeny": false,
     "matchedStatements": {"items": [...]}, "failures": {"items": []},
     "context": {"principal": {"id", "name", "arn"}, "action": "iam:PassRole",
                 "resource": "arn:aws:iam::111122223333:role/NAME",
                 "conditions": {"items": [
                     {"key": "iam:PassedToService",
                      "values": {"items": [{"value": "ec2.amazonaws.com"}]}}]}}}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from core.model.account import Account, Role, User
from core.model.errors import IamExploreError, loads_located

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


class DenialError(IamExploreError):
    """A message that cannot be explained: not JSON, missing fields, unknown principal."""


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
    return loads_located(text, DenialError, f"{where} is not JSON", f"{where} is nested too deeply")


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
