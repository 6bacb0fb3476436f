"""Conformance: the documented decisions in tests/data/evaluation-cases.json.

Each case names the AWS rule it checks in its description (IAM User Guide, "Policy evaluation
logic", "Condition operators", "Variables and tags", "Grant a user permissions to pass a role").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from core.evaluate.decision import PolicyRef
from core.evaluate.evaluator import PolicySet, Request, evaluate, principal_account
from core.load.policy_parser import parse_policy_strict
from core.model.context import RequestContext

CASES = json.loads((Path(__file__).parent.parent / "data" / "evaluation-cases.json").read_text())
EXPECT = {
    "Allowed": "allowed",
    "ImplicitlyDenied": "implicitDeny",
    "ExplicitlyDenied": "explicitDeny",
}


def _refs(docs: list[Any], layer: str, kind: str = "identity") -> tuple[PolicyRef, ...]:
    return tuple(
        PolicyRef(name=f"{layer}-{i}", document=parse_policy_strict(d, kind), layer=layer)  # type: ignore[arg-type]
        for i, d in enumerate(docs)
    )


def run_case(case: dict[str, Any]) -> str:
    req = case["request"]
    principal = req["principal"]
    boundary = _refs(case.get("permissionBoundaries", []), "boundary")
    levels = tuple(
        _refs(level if isinstance(level, list) else [level], "scp", "scp")
        for level in case.get("serviceControlPolicies", [])
    )
    policies = PolicySet(
        identity=_refs(case.get("identityPolicies", []), "identity"),
        boundary=boundary[0] if boundary else None,
        scp_levels=levels,
        principal_kind="service" if "amazonaws.com" in principal else "user",
        account_id=principal_account(principal) or principal_account(req["resource"]),
    )
    rp = case.get("resourcePolicy")
    resource_policy = _refs([rp], "resource", "trust")[0] if rp else None
    decision = evaluate(
        Request(
            principal,
            req["action"],
            req["resource"],
            RequestContext.of(req.get("contextVariables") or {}),
        ),
        policies,
        resource_policy=resource_policy,
        resource_must_allow=req["action"].lower() == "sts:assumerole",
    )
    assert not decision.conditional, "a fully known context never gives a conditional result"
    return decision.decision


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_documented_case(case: dict[str, Any]) -> None:
    assert run_case(case) == EXPECT[case["expect"]], case["description"]
