"""The ``scan`` report: a stable JSON contract and SARIF 2.1.0, built from an :class:`Analysis`.

JSON contract (documented in the README)::

    {"account_id", "source", "summary": {...}, "problems": [...], "findings": [...],
     "paths": [...], "admins": [...]}
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from core.analysis import Analysis
from core.findings import Finding
from core.methods import METHODS
from core.services import SERVICES

SCHEMA_VERSION = 1


def summary(analysis: Analysis) -> dict[str, Any]:
    """Counts for the header of every view."""
    acct = analysis.account
    esc = Counter(f.escalation for f in analysis.findings if not f.source_is_admin)
    return {
        "users": len(acct.users),
        "groups": len(acct.groups),
        "roles": len(acct.roles),
        "policies": len(acct.policies),
        "scp_levels": len(acct.scp_levels),
        "findings": len(analysis.findings),
        "passrole_edges": sum(1 for f in analysis.findings if f.kind == "passrole"),
        "escalating": esc["admin"] + esc["privilege-gain"],
        "admin": esc["admin"],
        "privilege_gain": esc["privilege-gain"],
        "conditional": sum(1 for f in analysis.findings if f.conditional),
        "admin_principals": sum(1 for a in analysis.admins if ":group/" not in a),
        "paths": len(analysis.paths),
        "problems": len(acct.problems),
    }


def to_json(analysis: Analysis, *, include_admin_sources: bool = False) -> dict[str, Any]:
    """The scan report. Findings whose source is already admin are left out unless asked."""
    acct = analysis.account
    findings = [f for f in analysis.findings if include_admin_sources or not f.source_is_admin]
    return {
        "schema_version": SCHEMA_VERSION,
        "account_id": acct.account_id,
        "source": acct.source,
        "analysed_at": analysis.analysed_at,
        "summary": summary(analysis),
        "problems": [
            {
                "severity": p.severity,
                "message": p.message,
                "policy": p.policy,
                "path": p.path,
                "statement": p.statement,
                "file": p.file,
            }
            for p in acct.problems
        ],
        "admins": [
            {"principal": arn, "how": r.kind, "detail": r.detail}
            for arn, r in sorted(analysis.admins.items())
        ],
        "findings": [f.to_json() for f in findings],
        "paths": [p.to_json() for p in analysis.paths],
    }


def _rule_for(f: Finding) -> str:
    return f"passrole/{f.service_id}" if f.kind == "passrole" else f.kind


def _rules() -> list[dict[str, Any]]:
    rules = []
    for s in SERVICES:
        rules.append(
            {
                "id": f"passrole/{s.id}",
                "name": f"PassRoleTo{s.id.title().replace('-', '')}",
                "shortDescription": {"text": f"iam:PassRole to {s.name}"},
                "fullDescription": {"text": s.credential_access or s.name},
                "helpUri": s.references[0].url if s.references else None,
            }
        )
    for m in METHODS:
        rules.append(
            {
                "id": m.id,
                "name": m.id.title().replace("-", ""),
                "shortDescription": {"text": m.title},
                "fullDescription": {"text": m.description},
                "helpUri": m.references[0].url if m.references else None,
            }
        )
    for r in rules:
        if r["helpUri"] is None:
            del r["helpUri"]
    return rules


_LEVEL = {"admin": "error", "privilege-gain": "warning", "none": "note"}


def to_sarif(analysis: Analysis) -> dict[str, Any]:
    """SARIF 2.1.0 with one rule per PassRole service and per escalation method."""
    results = []
    for f in analysis.findings:
        if f.source_is_admin:
            continue
        msg = f.title + f" [{f.escalation}]"
        if f.conditional:
            msg += " if " + "; ".join(f.conditions)
        results.append(
            {
                "ruleId": _rule_for(f),
                "level": _LEVEL[f.escalation],
                "message": {"text": msg},
                "locations": [
                    {
                        "logicalLocations": [{"fullyQualifiedName": f.source, "kind": "principal"}],
                        "physicalLocation": {
                            "artifactLocation": {"uri": analysis.account.source or "."}
                        },
                    }
                ],
                "properties": {
                    "target": f.target,
                    "service": f.service,
                    "escalation": f.escalation,
                    "conditional": f.conditional,
                    "constraints": list(f.constraints),
                },
            }
        )
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "iam-explore",
                        "informationUri": "https://github.com/iam-explore/iam-explore",
                        "rules": _rules(),
                    }
                },
                "results": results,
                "properties": {"analysed_at": analysis.analysed_at},
            }
        ],
    }
