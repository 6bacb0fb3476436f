"""The ``scan`` report: a stable JSON contract and SARIF 2.1.0, built from an :class:`Analysis`.

JSON contract (documented in the README)::

    {"account_id", "source", "summary": {...}, "problems": [...], "findings": [...],
     "paths": [...], "admins": [...]}
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from core.analysis import Analysis

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


def to_sarif(analysis: Analysis) -> dict[str, Any]:
    """SARIF 2.1.0 with one rule per PassRole service and per escalation method (core.sarif)."""
    from core.sarif import scan_log

    return scan_log(analysis)
