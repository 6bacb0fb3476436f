"""Decisions over unknown keys, from a few identity statements (for the resolution tests)."""

from __future__ import annotations

from typing import Any

from core.evaluate.decision import Decision, PolicyRef
from core.evaluate.evaluator import PolicySet, Request, evaluate
from core.load.policy_parser import parse_policy_strict
from core.model.context import RequestContext

ACCT = "111122223333"
ALICE = f"arn:aws:iam::{ACCT}:user/alice"
ROLE = f"arn:aws:iam::{ACCT}:role/AppRole"


def statement(effect: str, action: str = "iam:PassRole", **condition: Any) -> dict[str, Any]:
    """``statement("Allow", StringEquals={"aws:RequestedRegion": "eu-west-1"})``."""
    st: dict[str, Any] = {"Effect": effect, "Action": action, "Resource": "*"}
    if condition:
        st["Condition"] = condition
    return st


def decide(*statements: dict[str, Any], action: str = "iam:PassRole") -> Decision:
    """The decision of ``statements`` (one identity policy) with every context key unknown."""
    document = parse_policy_strict(
        {"Version": "2012-10-17", "Statement": list(statements)}, "identity"
    )
    ps = PolicySet(
        identity=(PolicyRef(name="p", document=document),),
        principal_kind="user",
        account_id=ACCT,
    )
    ctx = RequestContext.of({}, unknown_by_default=True)
    return evaluate(Request(ALICE, action, ROLE, ctx), ps)
