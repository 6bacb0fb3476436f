"""Account-level rules of issue 11 (items 4, 11 and 12), each on its own small account.

- 4: time keys are evaluated against the analysis time ("IAM and AWS STS condition context
  keys": ``aws:CurrentTime``/``aws:EpochTime`` are the time of the request, ``aws:TokenIssueTime``
  the time the temporary credentials were issued; "Condition operators": ``Date*`` compare
  instants). A request made with new credentials from the analysis time on has both at or after
  it, so a past date decides the clause.
- 11: one export, one account ("Cross-account policy evaluation logic"; "Grant a user
  permissions to pass a role to an AWS service": the role is passed in its own account).
- 12: AWS managed policies that the export leaves out come from the bundled copy.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from core.escalate.analysis import Analysis, analyse
from core.escalate.findings import Finding
from core.load.managed import BUNDLE_DATE, bundled_policy
from core.load.snapshot import load_data
from core.report.scan import to_json

A = "111122223333"
B = "444455556666"
ADMIN_DOC = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}
EC2_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def user(name: str, *statements: dict[str, Any], acct: str = A, **extra: Any) -> dict[str, Any]:
    return {
        "UserName": name,
        "Arn": f"arn:aws:iam::{acct}:user/{name}",
        "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": policy(*statements)}]
        if statements
        else [],
        **extra,
    }


def admin_role(
    name: str = "Admin", acct: str = A, trust: Any = None, **extra: Any
) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "RoleName": name,
        "Arn": f"arn:aws:iam::{acct}:role/{name}",
        "AssumeRolePolicyDocument": trust or EC2_TRUST,
        "RolePolicyList": [{"PolicyName": "admin", "PolicyDocument": ADMIN_DOC}],
        "InstanceProfileList": [
            {
                "InstanceProfileName": name,
                "Arn": f"arn:aws:iam::{acct}:instance-profile/{name}",
                "Roles": [{"RoleName": name}],
            }
        ],
    }
    raw.update(extra)
    return raw


def snapshot(
    *users: dict[str, Any], roles: list[dict[str, Any]] | None = None, **lists: Any
) -> dict[str, Any]:
    return {
        "UserDetailList": list(users),
        "GroupDetailList": lists.get("groups", []),
        "RoleDetailList": roles if roles is not None else [admin_role()],
        "Policies": lists.get("policies", []),
    }


LAUNCH = {"Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances"], "Resource": "*"}


def edges(analysis: Analysis, source: str, kind: str = "passrole") -> list[Finding]:
    return [f for f in analysis.findings if f.source.endswith(f"/{source}") and f.kind == kind]


# -- 4. Time keys against the analysis time -------------------------------------------------------

AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _with_condition(effect: str, op: str, key: str, value: str) -> dict[str, Any]:
    cond = {op: {key: value}}
    if effect == "Allow":
        return snapshot(user("dev", {**LAUNCH, "Condition": cond}))
    deny = {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": cond}
    return snapshot(user("dev", LAUNCH, deny))


@pytest.mark.parametrize("key", ["aws:CurrentTime", "aws:TokenIssueTime"])
def test_time__deny_while_before_a_past_date_never_applies(key: str) -> None:
    # A Deny "DateLessThan <past date>" (AWS's "revoke older sessions" shape for TokenIssueTime)
    # never holds for a request with new credentials: the edge is not conditional.
    account = load_data(_with_condition("Deny", "DateLessThan", key, "2024-10-10T09:43:48Z"))
    [edge] = edges(analyse(account, at=AT), "dev")
    assert edge.escalation == "admin"
    assert not edge.conditional, edge.conditions


def test_time__allow_after_a_past_date_always_holds() -> None:
    account = load_data(
        _with_condition("Allow", "DateGreaterThan", "aws:CurrentTime", "2020-01-01")
    )
    [edge] = edges(analyse(account, at=AT), "dev")
    assert not edge.conditional


def test_time__allow_before_a_past_date_never_holds() -> None:
    account = load_data(_with_condition("Allow", "DateLessThan", "aws:CurrentTime", "2020-01-01"))
    assert edges(analyse(account, at=AT), "dev") == []


def test_time__epoch_time_is_compared_as_seconds() -> None:
    past = str(int(datetime(2020, 1, 1, tzinfo=UTC).timestamp()))
    account = load_data(_with_condition("Allow", "NumericGreaterThan", "aws:EpochTime", past))
    [edge] = edges(analyse(account, at=AT), "dev")
    assert not edge.conditional


def test_time__a_date_still_to_come_keeps_the_edge_conditional_and_at_moves_it() -> None:
    account = load_data(_with_condition("Allow", "DateLessThan", "aws:CurrentTime", "2030-01-01"))
    [edge] = edges(analyse(account, at=AT), "dev")
    assert edge.conditional
    assert any("aws:CurrentTime DateLessThan" in c for c in edge.conditions)
    # after that date (--at) the grant no longer holds
    assert edges(analyse(account, at=datetime(2031, 1, 1, tzinfo=UTC)), "dev") == []


def test_time__the_report_records_the_analysis_time() -> None:
    account = load_data(
        _with_condition("Allow", "DateGreaterThan", "aws:CurrentTime", "2020-01-01")
    )
    report = to_json(analyse(account, at=AT))
    assert report["analysed_at"] == "2026-12-01T09:00:00Z"
    now = analyse(account).analysed_at
    assert abs(datetime.fromisoformat(now).timestamp() - datetime.now(UTC).timestamp()) < 600


# -- 11. One export, one account -------------------------------------------------------------------


def _two_accounts() -> dict[str, Any]:
    trusts_a = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{A}:root"},
                "Action": "sts:AssumeRole",
            },
            *EC2_TRUST["Statement"],
        ],
    }
    return snapshot(
        user("alice", LAUNCH, {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}),
        user("carol", LAUNCH),  # no identity sts:AssumeRole
        user("bob", LAUNCH, acct=B),
        roles=[admin_role("Admin", A), admin_role("Ops", B, trust=trusts_a)],
    )


def test_accounts__mixed_export_is_a_problem_naming_the_accounts() -> None:
    account = load_data(_two_accounts())
    [problem] = [p for p in account.problems if "accounts" in p.message]
    assert A in problem.message and B in problem.message
    single = load_data(snapshot(user("dev", LAUNCH)))
    assert not [p for p in single.problems if "accounts" in p.message]


def test_accounts__a_role_is_passed_only_in_its_own_account() -> None:
    analysis = analyse(load_data(_two_accounts()), at=AT)
    # alice (account A) passes A's Admin, never B's Ops; bob (account B) passes only B's Ops
    assert {f.role for f in edges(analysis, "alice")} == {f"arn:aws:iam::{A}:role/Admin"}
    assert {f.role for f in edges(analysis, "bob")} == {f"arn:aws:iam::{B}:role/Ops"}


def test_accounts__cross_account_assume_role_needs_trust_and_identity_policy() -> None:
    analysis = analyse(load_data(_two_accounts()), at=AT)
    ops = f"arn:aws:iam::{B}:role/Ops"
    assert [f.target for f in edges(analysis, "alice", "assume-role")] == [ops]
    # carol is trusted through her account but has no identity permission: no edge
    assert edges(analysis, "carol", "assume-role") == []
    # bob's account is not trusted by Admin in account A
    assert edges(analysis, "bob", "assume-role") == []


# -- 12. AWS managed policies the export leaves out --------------------------------------------

ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"


def _filtered_export() -> dict[str, Any]:
    group = {
        "GroupName": "ops",
        "Arn": f"arn:aws:iam::{A}:group/ops",
        "GroupPolicyList": [],
        "AttachedManagedPolicies": [{"PolicyName": "AdministratorAccess", "PolicyArn": ADMIN_ARN}],
    }
    # `--filter User Group Role`: no Policies list at all
    return snapshot(user("dana", GroupList=["ops"]), groups=[group], roles=[])


def test_managed__missing_aws_managed_policy_comes_from_the_bundle_with_a_warning() -> None:
    account = load_data(_filtered_export())
    mp = account.policy(ADMIN_ARN)
    assert mp is not None and mp.document.statements[0].actions == ("*",)
    [warning] = [p for p in account.problems if p.policy == ADMIN_ARN]
    assert warning.severity == "warning"
    assert "AdministratorAccess" in warning.message and BUNDLE_DATE in warning.message
    analysis = analyse(account, at=AT)
    assert f"arn:aws:iam::{A}:user/dana" in analysis.admins
    assert f"arn:aws:iam::{A}:group/ops" in analysis.admins


def test_managed__a_policy_in_the_export_is_not_replaced() -> None:
    data = _filtered_export()
    data["Policies"] = [
        {
            "PolicyName": "AdministratorAccess",
            "Arn": ADMIN_ARN,
            "DefaultVersionId": "v1",
            "PolicyVersionList": [
                {
                    "VersionId": "v1",
                    "IsDefaultVersion": True,
                    "Document": policy(
                        {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}
                    ),
                }
            ],
        }
    ]
    account = load_data(data)
    assert account.policy(ADMIN_ARN).document.statements[0].actions == ("s3:ListAllMyBuckets",)  # type: ignore[union-attr]
    assert not [p for p in account.problems if p.policy == ADMIN_ARN]


def test_managed__bundle_has_every_aws_managed_policy_by_path_and_partition() -> None:
    raw = bundled_policy("arn:aws-cn:iam::aws:policy/job-function/ViewOnlyAccess")
    assert raw is not None and raw["Arn"].startswith("arn:aws-cn:")
    assert bundled_policy(f"arn:aws:iam::{A}:policy/AdministratorAccess") is None
    assert bundled_policy("arn:aws:iam::aws:policy/NoSuchPolicyAnywhere") is None
    json.dumps(raw)  # plain JSON, ready for the loader


def test_managed__policy_unknown_to_the_bundle_still_warns_it_grants_nothing() -> None:
    data = _filtered_export()
    data["GroupDetailList"][0]["AttachedManagedPolicies"] = [
        {"PolicyName": "Gone", "PolicyArn": "arn:aws:iam::aws:policy/NoSuchPolicyAnywhere"}
    ]
    account = load_data(data)
    assert any("treated as granting nothing" in p.message for p in account.problems)


def test_instance_profiles__missing_list_is_unknown_and_the_edge_says_it_assumed_one() -> None:
    listed = load_data(snapshot(user("dev", LAUNCH)))
    role = admin_role()
    del role["InstanceProfileList"]
    unknown = load_data(snapshot(user("dev", LAUNCH), roles=[role]))
    none = admin_role()
    none["InstanceProfileList"] = []
    empty = load_data(snapshot(user("dev", LAUNCH), roles=[none]))

    [edge] = edges(analyse(listed, at=AT), "dev")
    assert not edge.conditional
    [edge] = edges(analyse(unknown, at=AT), "dev")
    assert edge.conditional
    assert any("assumed an instance profile holds role Admin" in r.text for r in edge.reasons)
    # an empty list means none: without iam:CreateInstanceProfile there is no EC2 edge
    assert edges(analyse(empty, at=AT), "dev") == []


def test_managed__bundle_ships_inside_the_core_package() -> None:
    # The wheel packages "core" whole (pyproject: [tool.hatch.build.targets.wheel] packages), and
    # the loader reads the file through importlib.resources, as an editable install does too.
    import tomllib
    from importlib import resources
    from pathlib import Path

    from core.load.managed import BUNDLE_FILE, bundle_date

    assert resources.files("core").joinpath("data", BUNDLE_FILE).is_file()
    root = Path(__file__).resolve().parents[2]
    config = tomllib.loads((root / "pyproject.toml").read_text())
    assert "core" in config["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
    assert not any(
        line.strip() and Path("core/data", BUNDLE_FILE).match(line.strip())
        for line in (root / ".gitignore").read_text().splitlines()
    )
    assert bundle_date() == BUNDLE_DATE


def test_time__null_on_token_issue_time_is_about_temporary_credentials_not_time() -> None:
    # Null "true": long-term credentials only; a user may use either kind, so it stays open.
    account = load_data(_with_condition("Allow", "Null", "aws:TokenIssueTime", "true"))
    [edge] = edges(analyse(account, at=AT), "dev")
    assert edge.conditional


@pytest.mark.parametrize(
    ("operator", "key", "value", "expected"),
    [
        ("DateLessThan", "aws:CurrentTime", "2020-01-01T00:00:00Z", "FALSE"),
        ("DateGreaterThan", "aws:CurrentTime", "2020-01-01T00:00:00Z", "TRUE"),
        ("DateLessThanEquals", "aws:TokenIssueTime", "2026-12-01T08:59:59Z", "FALSE"),
        ("DateGreaterThanEquals", "aws:TokenIssueTime", "2026-12-01T09:00:00Z", "TRUE"),
        ("DateLessThan", "aws:CurrentTime", "2030-01-01T00:00:00Z", "UNKNOWN"),
        ("DateGreaterThan", "aws:CurrentTime", "2030-01-01T00:00:00Z", "UNKNOWN"),
        ("DateEquals", "aws:CurrentTime", "2020-01-01T00:00:00Z", "FALSE"),
        ("DateNotEquals", "aws:CurrentTime", "2020-01-01T00:00:00Z", "TRUE"),
        ("NumericLessThan", "aws:EpochTime", "1577836800", "FALSE"),
        ("NumericGreaterThan", "aws:EpochTime", "1577836800", "TRUE"),
        ("DateLessThanIfExists", "aws:CurrentTime", "2020-01-01", "FALSE"),
    ],
)
def test_time__clause_over_every_instant_from_the_analysis_time(
    operator: str, key: str, value: str, expected: str
) -> None:
    from core.evaluate.conditions import evaluate_clause
    from core.model.account import ConditionClause
    from core.model.context import RequestContext
    from core.model.tri import Tri

    clause = ConditionClause(operator, key, (value,))
    at = RequestContext.of({}, unknown_by_default=True, now=AT.timestamp())
    assert evaluate_clause(clause, at, variables=True) is Tri[expected]
    # without an analysis time the key is simply unknown
    unknown = RequestContext.of({}, unknown_by_default=True)
    assert evaluate_clause(clause, unknown, variables=True) is Tri.UNKNOWN
