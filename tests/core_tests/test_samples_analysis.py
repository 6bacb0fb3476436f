"""Every bundled sample produces exactly the edges and escalations its README lists.

The expected files (``sample_accounts/*.expected.json``) were written by hand from AWS's rules
("Grant a user permissions to pass a role to an AWS service"; "Policy evaluation logic").
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from core.escalate.analysis import Analysis, analyse
from core.escalate.passrole_edges import why_not
from core.escalate.tables.methods import METHODS
from core.escalate.tables.services import services_by_principal
from core.load.samples import sample_names, sample_path
from core.load.snapshot import load_account

SAMPLES = [
    n
    for n in sample_names()
    if n in ("classic-story", "classic-story-fixed", "midsize-company", "edge-cases")
]

# The expected files name methods by their IAM action; scan uses stable method ids.
ACTION_TO_KINDS: dict[str, set[str]] = {}
for _m in METHODS:
    ACTION_TO_KINDS.setdefault(_m.actions[0].lower(), set()).add(_m.id)


@cache
def analysed(name: str) -> tuple[Analysis, dict[str, Any]]:
    account = load_account(sample_path(name))
    expected = json.loads(
        sample_path(name).with_suffix("").with_suffix(".expected.json").read_text()
    )
    return analyse(account), expected


def _edges(a: Analysis) -> dict[tuple[str, str | None, str | None], Any]:
    return {
        (f.source, f.role, f.service): f
        for f in a.findings
        if f.kind == "passrole" and not f.source_is_admin
    }


@pytest.mark.parametrize("name", SAMPLES)
def test_exactly_the_planted_passrole_edges(name: str) -> None:
    a, exp = analysed(name)
    want = {(e["source"], e["role"], e["service"]) for e in exp["passrole_edges"]}
    assert set(_edges(a)) == want


@pytest.mark.parametrize("name", SAMPLES)
def test_escalation_and_conditional_labels(name: str) -> None:
    a, exp = analysed(name)
    got = _edges(a)
    for e in exp["passrole_edges"]:
        f = got[(e["source"], e["role"], e["service"])]
        assert (f.escalation, f.conditional) == (e["escalation"], e["conditional"]), f.title


@pytest.mark.parametrize("name", SAMPLES)
def test_look_alikes_are_not_edges_and_say_why(name: str) -> None:
    a, exp = analysed(name)
    got = _edges(a)
    for e in exp["absent_edges"]:
        assert (e["source"], e["role"], e["service"]) not in got, e["why"]
        view = a.views[e["source"]]
        role = a.account.role(e["role"])
        assert role is not None
        service = services_by_principal(e["service"])[0]
        assert why_not(a.account, view, role, service), e["why"]


@pytest.mark.parametrize("name", SAMPLES)
def test_other_planted_findings(name: str) -> None:
    a, exp = analysed(name)
    for e in exp["other_findings"]:
        kinds = ACTION_TO_KINDS.get(e["kind"].lower(), {e["kind"]})
        if e["source"] in a.admins:
            # Self-modification makes the principal admin-equivalent, which is what is
            # reported (its own edges are not listed: it can do anything already).
            reason = a.admins[e["source"]]
            assert reason.kind == "full-access" or e["kind"].split(":")[-1] in reason.detail
            continue
        assert any(
            f.kind in kinds and f.source == e["source"] and f.target == e["target"]
            for f in a.findings
        ), e


@pytest.mark.parametrize("name", SAMPLES)
def test_admin_paths(name: str) -> None:
    a, exp = analysed(name)
    got = {p.source: p for p in a.paths}
    for e in exp["admin_paths"]:
        assert e["source"] in got, e
        assert got[e["source"]].length == e["hops"]
    # Paths the expected file does not list go through existing resources (conditional), or
    # are the one-hop self-modification of a principal the file lists as admin-equivalent.
    listed = {e["source"] for e in exp["admin_paths"]}
    for e in exp.get("existing_resource_paths", ()):  # through a resource the inventory lists
        assert got[e["source"]].length == e["hops"], e
        listed.add(e["source"])
    excluded = set(exp.get("excluded_sources", ()))
    for p in a.paths:
        if p.source in listed:
            continue
        self_modify = (
            p.source in excluded and p.length == 1 and a.admins[p.source].kind == "self-modify"
        )
        assert p.conditional or self_modify, p.to_json()


def test_classic_story_has_no_edge_and_says_why() -> None:
    a, _ = analysed("classic-story")
    assert not _edges(a)
    user = a.account.user("test-user")
    role = a.account.role("EC2-roles-for-XYZ")
    assert user is not None and role is not None
    reasons = why_not(
        a.account, a.views[user.arn], role, services_by_principal("ec2.amazonaws.com")[0]
    )
    assert any("iam:PassRole" in r and "implicitly denied" in r for r in reasons)


def test_classic_story_fixed_edge_shows_its_statements() -> None:
    """The two statements (PassRole, RunInstances) and the trust statement that make the edge."""
    a, _ = analysed("classic-story-fixed")
    (edge,) = _edges(a).values()
    assert edge.escalation == "admin"
    steps = {r.step: r for r in edge.reasons}
    assert steps["passrole"].statements[0].policy.name == "AllowPassEC2Role"
    assert steps["trust"].statements[0].policy.name == "EC2-roles-for-XYZ trust policy"
    launch = steps["launch"].statements[0]
    assert launch.policy.name == "AmazonEC2FullAccess"
    assert "via" not in launch.policy.via and "test-user" in launch.policy.via
    assert "instance profile" in steps["prerequisite"].text
