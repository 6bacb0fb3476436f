"""Work shared between principals never changes a finding: each account analysed as usual
(signatures, scope keys, shared decisions and pair labels) and with every principal computed
alone (:func:`tests.core_tests.sharing_off.sharing_off`) gives the same scan report, every
edge and path, each statement cited with the principal's own attachment.

The accounts: the bundled samples, small accounts of the benchmark generators, and accounts
written to trip the relabelling (names that begin other names, one policy held through
different groups, boundaries and SCP levels, policy variables, principals named in trust
policies, tags read by ``aws:PrincipalTag`` conditions).
"""

from __future__ import annotations

import gzip
import importlib.util
import json
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from core.load.snapshot import load_account, load_data
from core.model.account import Account
from tests.core_tests.accounts import (
    ACCT,
    ADMIN_DOC,
    allow,
    arn,
    deny,
    doc,
    group,
    inline,
    policy,
    role,
    snapshot,
    trust,
)
from tests.core_tests.accounts import user as make_user
from tests.core_tests.sharing_off import both_ways, differences, sharing_off

ROOT = Path(__file__).resolve().parents[2]
AT = datetime(2026, 12, 1, tzinfo=UTC)


def _same(load: Callable[[], Account]) -> dict[str, Any]:
    shared, alone = both_ways(load, AT)
    found = differences(shared, alone)
    assert not found, "\n".join(found)
    assert shared == alone
    return shared


@pytest.mark.parametrize(
    "name", ["classic-story", "classic-story-fixed", "edge-cases", "midsize-company"]
)
def test_the_samples_read_the_same_with_sharing_off(name: str) -> None:
    report = _same(lambda: load_account(ROOT / "sample_accounts" / f"{name}.json"))
    assert report["findings"]


# --- the benchmark generators' shapes, small -----------------------------------------------


def _bench(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def _managed() -> dict[str, dict[str, Any]]:
    """The generators' AWS managed policies, from the package's bundled copy."""
    wanted = _bench("make_synthetic").AWS_MANAGED
    data = json.loads(
        gzip.decompress((ROOT / "core/data/aws-managed-policies.json.gz").read_bytes())
    )
    return {p["PolicyName"]: p for p in data["Policies"] if p["PolicyName"] in wanted}


def test_a_synthetic_account_reads_the_same_with_sharing_off() -> None:
    """Teams of users holding their groups' policies (one signature per persona), some with
    ``${aws:username}`` or a boundary, roles by service, SCPs with an ``aws:PrincipalArn``
    exemption (``bench/make_synthetic.py``)."""
    data, _ = _bench("make_synthetic").generate(50, 30, 3, _managed(), 0.5)
    report = _same(lambda: load_data(data, source="synthetic"))
    assert any(f["escalation"] == "admin" for f in report["findings"])


def test_a_varied_account_reads_the_same_with_sharing_off() -> None:
    """Principals holding a few of many policy shapes (few shared signatures, many shared
    scope keys: ``bench/make_varied.py``)."""
    m = _bench("make_varied")
    data = m.VariedBuilder(40, 40, 5, _managed(), 0.0, True).build()
    report = _same(lambda: load_data(data, source="varied"))
    assert any(f["escalation"] == "admin" for f in report["findings"])


# --- accounts written to trip the relabelling ----------------------------------------------


def _at(entity: dict[str, Any], path: str = "/", **tags: str) -> dict[str, Any]:
    """``entity`` under ``path`` (its ARN too), with ``tags``."""
    kind = "user" if "UserName" in entity else "role"
    name = entity["UserName" if kind == "user" else "RoleName"]
    entity = {**entity, "Path": path, "Arn": f"arn:aws:iam::{ACCT}:{kind}{path}{name}"}
    if tags:
        entity["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
    return entity


def _pol(name: str, *statements: dict[str, Any]) -> dict[str, Any]:
    return policy(name, doc(*statements))


EC2 = trust(service="ec2.amazonaws.com")
LAMBDA = trust(service="lambda.amazonaws.com")

PREFIX_POLICIES = [
    # PassRole and launch, with a Deny on a key the caller sets ("avoid ... (LABEL)").
    _pol(
        "launch",
        allow(["iam:PassRole", "ec2:RunInstances"]),
        deny("ec2:RunInstances", StringEquals={"ec2:InstanceType": "p4d.24xlarge"}),
    ),
    _pol("lambda", allow("iam:PassRole", arn("role", "a*")), allow("lambda:*")),
    _pol("assume", allow("sts:AssumeRole")),
    _pol("attach-a", allow("iam:AttachRolePolicy", arn("role", "a"))),
    _pol("codestar", allow(["codestar:CreateProject", "codestar:AssociateTeamMember"])),
    _pol("rewrite", allow("iam:UpdateAssumeRolePolicy", arn("role", "a-admin*"))),
    _pol("keys", allow(["iam:CreateAccessKey", "iam:UpdateLoginProfile"], arn("user", "a*"))),
    _pol("join", allow("iam:AddUserToGroup", arn("group", "a*"))),
    _pol("cpv", allow("iam:CreatePolicyVersion", arn("policy", "launch"))),
    _pol("deny-iam", deny("iam:*"), allow("iam:Get*")),
    policy("admin", ADMIN_DOC),
]


def _prefix_account() -> dict[str, Any]:
    """Names that begin other names (``a``, ``a-admin``, ``ab``) for users, groups and roles,
    a role under a path, one policy held directly, through groups ``a`` and ``a-ops`` and by
    roles, inline policies of one name on several principals, and trust policies naming
    users and roles by ARN."""
    p = {
        name: arn("policy", name)
        for name in (
            "launch",
            "lambda",
            "assume",
            "attach-a",
            "codestar",
            "rewrite",
            "keys",
            "join",
            "cpv",
            "deny-iam",
            "admin",
        )
    }
    same = ("launch", "lambda", "assume", "codestar", "rewrite", "keys", "join")
    users = [
        make_user("a", attached=tuple(p[n] for n in same)),
        make_user("a-admin", attached=tuple(p[n] for n in same)),
        make_user("ab", groups=("a",)),
        make_user("b", groups=("a-ops",)),
        make_user("c", groups=("a", "a-ops")),
        make_user("d", inline("mine", doc(allow("sts:AssumeRole"))), groups=("a-ops",)),
        make_user("e", inline("mine", doc(allow("sts:AssumeRole"))), attached=(p["deny-iam"],)),
        make_user("root-admin", attached=(p["admin"],)),
        make_user("f", attached=(p["cpv"],)),
        make_user("f-1", attached=(p["cpv"],)),
    ]
    groups = [
        group("a", attached=tuple(p[n] for n in same)),
        group("a-ops", attached=tuple(p[n] for n in same)),
        group("a-admins", attached=(p["admin"],)),
    ]
    roles = [
        role("a", EC2, attached=(p["attach-a"],), profile=True),
        role("a-admin", EC2, attached=(p["admin"],), profile=True),
        role("a-adminx", trust(arn("user", "a")), attached=(p["attach-a"],), profile=True),
        role("ab", LAMBDA, attached=(p["launch"], p["lambda"])),
        role("abc", LAMBDA, attached=(p["launch"], p["lambda"])),
        _at(role("a", LAMBDA, attached=(p["launch"],)) | {"RoleName": "a-path"}, "/a/"),
        role("t-a", trust(arn("user", "a"), arn("user", "ab")), attached=(p["admin"],)),
        role("t-a-admin", trust(arn("user", "a-admin")), attached=(p["keys"],)),
        role("t-root", trust(f"arn:aws:iam::{ACCT}:root"), attached=(p["attach-a"],)),
        role("t-ab", trust(arn("role", "ab")), attached=(p["admin"],)),
    ]
    return snapshot(users, roles, groups, PREFIX_POLICIES)


def test_names_that_begin_other_names_read_the_same_with_sharing_off() -> None:
    report = _same(lambda: load_data(_prefix_account(), source="prefixes"))
    kinds = {f["kind"] for f in report["findings"]}
    # The account exercises what it was written for.
    assert {"passrole", "assume-role", "codestar-associate-team-member"} <= kinds
    assert any(c.startswith("avoid ") for f in report["findings"] for c in f["constraints"])


def _layers_account() -> dict[str, Any]:
    """One boundary for several principals, a boundary missing from the export, a boundary
    and SCP levels with conditional Denies (named in "avoid ..." words), and an SCP exempting
    one role by ``aws:PrincipalArn``."""
    boundary = _pol(
        "boundary",
        allow(["iam:PassRole", "ec2:*", "sts:AssumeRole", "iam:Attach*"]),
        deny("ec2:RunInstances", StringEquals={"ec2:InstanceType": "x1.32xlarge"}),
    )
    launch = _pol("launch", allow(["iam:PassRole", "ec2:RunInstances", "sts:AssumeRole"]))
    missing = arn("policy", "not-exported")
    users = [
        make_user(n, attached=(arn("policy", "launch"),), boundary=arn("policy", "boundary"))
        for n in ("u", "u-1", "u-10")
    ] + [make_user(n, attached=(arn("policy", "launch"),)) for n in ("v", "v-1")]
    roles = [
        role("r", EC2, attached=(arn("policy", "launch"),), boundary=missing, profile=True),
        role("r-1", EC2, attached=(arn("policy", "launch"),), boundary=missing, profile=True),
        role("r-admin", EC2, attached=(arn("policy", "admin"),), boundary=missing, profile=True),
        role("s", EC2, attached=(arn("policy", "admin"),), profile=True),
        role("s-1", EC2, attached=(arn("policy", "admin"),), profile=True),
        role("w", trust(f"arn:aws:iam::{ACCT}:root"), attached=(arn("policy", "launch"),)),
    ]
    scps = [
        doc(allow("*")),
        doc(
            deny("iam:PassRole", StringNotEquals={"aws:RequestedRegion": ["eu-west-1"]}),
            deny(
                "ec2:RunInstances",
                StringEquals={"ec2:InstanceType": "p4d.24xlarge"},
            ),
            deny(
                "iam:AttachRolePolicy",
                ArnNotLike={"aws:PrincipalArn": arn("role", "s")},
            ),
        ),
    ]
    return snapshot(users, roles, [], [boundary, launch, policy("admin", ADMIN_DOC)], scps)


def test_boundaries_and_scp_levels_read_the_same_with_sharing_off() -> None:
    report = _same(lambda: load_data(_layers_account(), source="layers"))
    assert any(f["conditional"] for f in report["findings"])
    assert any(
        s["layer"] == "boundary"
        for f in report["findings"]
        for r in f["reasons"]
        for s in r["statements"]
    )


def _personal_account() -> dict[str, Any]:
    """Policy variables (``${aws:username}``, ``${aws:PrincipalTag/team}``), tags read by
    ``aws:PrincipalTag`` and ``aws:ResourceTag`` conditions, principals under paths."""
    by_name = _pol(
        "by-name",
        allow("iam:PassRole", arn("role", "${aws:username}-*")),
        allow(["ec2:RunInstances", "lambda:CreateFunction", "lambda:InvokeFunction"]),
        allow("iam:CreateAccessKey", arn("user", "${aws:username}")),
    )
    by_tag = _pol(
        "by-tag",
        allow(
            "iam:PassRole",
            StringEquals={"aws:ResourceTag/team": "${aws:PrincipalTag/team}"},
        ),
        allow("iam:PassRole", StringEquals={"aws:PrincipalTag/level": "senior"}),
        allow(["ec2:RunInstances", "sts:AssumeRole"]),
        deny("sts:AssumeRole", StringEquals={"aws:PrincipalTag/team": "blue"}),
    )
    users = [
        make_user("al", attached=(arn("policy", "by-name"),)),
        make_user("al-x", attached=(arn("policy", "by-name"),)),
        _at(make_user("red", attached=(arn("policy", "by-tag"),)), "/t/", team="red"),
        _at(make_user("red2", attached=(arn("policy", "by-tag"),)), "/t/", team="red"),
        _at(make_user("blue", attached=(arn("policy", "by-tag"),)), "/", team="blue"),
        _at(make_user("sen", attached=(arn("policy", "by-tag"),)), "/", level="senior"),
    ]
    roles = [
        _at(role("al-web", EC2, attached=(arn("policy", "admin"),), profile=True), "/", team="red"),
        _at(role("al-x-fn", LAMBDA, attached=(arn("policy", "by-tag"),)), "/", team="blue"),
        _at(
            role("red-web", EC2, attached=(arn("policy", "by-name"),), profile=True),
            "/a/",
            team="red",
        ),
        _at(
            role("any", trust(f"arn:aws:iam::{ACCT}:root"), attached=(arn("policy", "admin"),)),
            "/",
            team="blue",
        ),
    ]
    return snapshot(users, roles, [], [by_name, by_tag, policy("admin", ADMIN_DOC)])


def test_policy_variables_and_tags_read_the_same_with_sharing_off() -> None:
    report = _same(lambda: load_data(_personal_account(), source="personal"))
    sources = {f["source"] for f in report["findings"] if f["kind"] == "passrole"}
    assert arn("user", "al") in sources and arn("user", "t/red") in sources


def test_the_check_sees_a_wrong_relabelling() -> None:
    """The comparison is not blind: a finding cited with another principal's attachment, as
    the signature's first principal cited it before e18c31a, is a difference."""
    shared, alone = both_ways(lambda: load_data(_prefix_account(), source="prefixes"), AT)
    f = next(f for f in shared["findings"] if f["source"] == arn("user", "ab"))
    row = next(s for r in f["reasons"] for s in r["statements"] if "via group" in s["attachment"])
    row["attachment"] = "via group a-ops"
    assert differences(shared, alone)


def test_sharing_off_computes_each_principal_alone() -> None:
    """With sharing off, principals holding the same documents get signatures of their own."""
    with sharing_off():
        from core.escalate.analysis import analyse

        a = analyse(load_data(_prefix_account(), source="prefixes"), at=AT)
    assert a.views[arn("user", "a")].signature != a.views[arn("user", "a-admin")].signature


def _chain_account() -> dict[str, Any]:
    """Results shared twice over: launches decided for one principal and reused by a second
    holding the launch policy the same way (its citations read alike), whose PassRole edges a
    third reuses while holding the launch policy through another group."""
    launch = _pol("launch", allow(["lambda:CreateFunction", "lambda:InvokeFunction"]))
    passes = [_pol(f"pass{i}", allow("iam:PassRole", arn("role", "*" * i))) for i in (1, 2)]
    other = _pol("other", allow("s3:GetObject"))
    users = [
        make_user("x", groups=("g1",), attached=(arn("policy", "pass1"),)),
        make_user("y", groups=("g1",), attached=(arn("policy", "pass2"),)),
        make_user("z", groups=("g2",), attached=(arn("policy", "pass2"), arn("policy", "other"))),
        make_user("z-1", groups=("g1", "g2"), attached=(arn("policy", "pass2"),)),
    ]
    groups = [group(g, attached=(arn("policy", "launch"),)) for g in ("g1", "g2")]
    roles = [role(n, LAMBDA) for n in ("fn", "fn-1")]
    return snapshot(users, roles, groups, [launch, *passes, other])


def test_results_shared_twice_read_the_same_with_sharing_off() -> None:
    report = _same(lambda: load_data(_chain_account(), source="chain"))
    assert {f["source"] for f in report["findings"]} >= {arn("user", n) for n in "xyz"}
