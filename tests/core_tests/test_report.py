"""The ``scan`` report (core.report.scan), one contract rule each (README, "scan JSON").

Schema 2 writes each statement once (``statements`` by id, findings cite the ids), counts the
edges that escalate nothing per source, kind and service (``quiet_edges``) unless ``all_edges``,
leaves out findings whose source is already admin unless asked, and groups PassRole edges that
share a source, a service and the allowing statements (``edge_groups``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from core.escalate.analysis import Analysis
from core.report.scan import SCHEMA_VERSION, summary, to_json, to_json_v1
from tests.core_tests.accounts import (
    ADMIN_DOC,
    account,
    allow,
    arn,
    doc,
    group,
    inline,
    trust,
    user,
)
from tests.core_tests.accounts import role as role_

ALICE = arn("user", "alice")
PASS = doc(allow(["iam:PassRole", "ec2:RunInstances"]))


def ec2_role(name: str, *policies: dict[str, Any]) -> dict[str, Any]:
    return role_(name, trust(service="ec2.amazonaws.com"), *policies, profile=True)


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    """alice can pass an admin role and two harmless ones to EC2; root is admin itself."""
    return account(
        users=[user("alice", inline("p", PASS)), user("root", inline("all", ADMIN_DOC))],
        groups=[group("admins", inline("all", ADMIN_DOC))],
        roles=[
            ec2_role("Top", inline("all", ADMIN_DOC)),
            ec2_role("Empty1"),
            ec2_role("Empty2"),
        ],
    )


def test_summary_counts_the_account_and_its_findings(analysis: Analysis) -> None:
    s = summary(analysis)
    assert (s["users"], s["groups"], s["roles"]) == (2, 1, 3)
    assert s["admin_principals"] == 2  # root and the Top role; the admins group is no principal
    assert s["passrole_edges"] == sum(1 for f in analysis.findings if f.kind == "passrole")
    assert s["admin"] >= 1


def test_statements_are_written_once_and_cited_by_id(analysis: Analysis) -> None:
    report = to_json(analysis, all_edges=True)
    assert report["schema_version"] == SCHEMA_VERSION == 2
    cited = {sid for f in report["findings"] for r in f["reasons"] for sid in r["statements"]}
    assert cited and cited <= set(report["statements"])
    rows = [tuple(row.items()) for row in report["statements"].values()]
    assert len(rows) == len(set(rows))


def test_edges_escalating_nothing_are_counted_unless_all_edges(analysis: Analysis) -> None:
    quiet = to_json(analysis)
    loud = to_json(analysis, all_edges=True)
    assert all(f["escalation"] != "none" for f in quiet["findings"])
    counted = sum(q["count"] for q in quiet["quiet_edges"])
    assert counted >= 2  # the two empty roles
    assert len(loud["findings"]) == len(quiet["findings"]) + counted


def test_findings_of_admin_sources_only_on_request(analysis: Analysis) -> None:
    root = arn("user", "root")
    from_root = replace(analysis.findings[0], source=root, source_is_admin=True)
    with_root = replace(analysis, findings=[*analysis.findings, from_root])
    default = to_json(with_root, all_edges=True)["findings"]
    every = to_json(with_root, all_edges=True, include_admin_sources=True)["findings"]
    assert all(f["source"] != root for f in default)
    assert any(f["source"] == root for f in every)


def test_passrole_edges_sharing_source_service_and_statement_form_a_group(
    analysis: Analysis,
) -> None:
    (grouped,) = [g for g in to_json(analysis)["edge_groups"] if g["source"] == ALICE]
    assert grouped["service"] == "ec2.amazonaws.com"
    assert (grouped["roles"], grouped["admin"]) == (3, 1)


def test_schema_1_repeats_statements_in_each_finding(analysis: Analysis) -> None:
    v1 = to_json_v1(analysis)
    assert v1["schema_version"] == 1
    assert "statements" not in v1
    assert v1["summary"] == summary(analysis)
