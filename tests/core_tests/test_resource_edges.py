"""Existing-resource findings with an inventory name the resource; ARNs, regions, tags decide.

Rules: a request on an existing resource is authorized on that resource's ARN (IAM User Guide,
"IAM JSON policy elements: Resource"), in its region (``aws:RequestedRegion``), with its tags
as ``aws:ResourceTag/key`` ("Controlling access to AWS resources using tags"; EC2 also
``ec2:ResourceTag/key``). SSM reaches only managed nodes (Systems Manager User Guide, "Managed
nodes"); EC2 Instance Connect only Linux instances.
"""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from typing import Any

import pytest

from core.escalate.analysis import Analysis, analyse
from core.escalate.findings import Finding
from core.load.samples import sample_path
from core.load.snapshot import load_account, load_data

ACCOUNT = "111122223333"
EU, US = "eu-west-1", "us-east-1"
INSTANCE = f"arn:aws:ec2:{EU}:{ACCOUNT}:instance/i-0abc"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/ops-admin"
FN_ROLE = f"arn:aws:iam::{ACCOUNT}:role/fn-admin"
CFN_ROLE = f"arn:aws:iam::{ACCOUNT}:role/cfn-admin"
ADMIN = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}
ALL_OK = {s: "ok" for s in ("ec2", "ssm", "lambda", "cloudformation")}


def trust(service: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
        ],
    }


def instance(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "InstanceId": "i-0abc",
        "State": "running",
        "Platform": "linux",
        "IamInstanceProfile": f"arn:aws:iam::{ACCOUNT}:instance-profile/ops-admin",
        "SsmManaged": True,
        "Tags": [{"Key": "env", "Value": "prod"}],
    }
    base.update(over)
    return base


def function(name: str = "nightly", region: str = EU, **over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "FunctionName": name,
        "FunctionArn": f"arn:aws:lambda:{region}:{ACCOUNT}:function:{name}",
        "Role": FN_ROLE,
    }
    base.update(over)
    return base


def account(statements: list[dict[str, Any]], regions: dict[str, Any] | None) -> Analysis:
    """``dev`` with ``statements``; admin roles ops-admin (EC2, in a profile), ec2-noprofile
    (EC2, in none), fn-admin (Lambda) and cfn-admin (CloudFormation)."""
    ext: dict[str, Any] = {"FormatVersion": 1, "AccountId": ACCOUNT}
    if regions is not None:
        ext["Resources"] = {"AllRegions": True, "Regions": regions}
    data = {
        "UserDetailList": [
            {
                "UserName": "dev",
                "Arn": f"arn:aws:iam::{ACCOUNT}:user/dev",
                "UserPolicyList": [
                    {
                        "PolicyName": "operate",
                        "PolicyDocument": {"Version": "2012-10-17", "Statement": statements},
                    }
                ],
            }
        ],
        "RoleDetailList": [
            {
                "RoleName": "ops-admin",
                "Arn": ROLE,
                "AssumeRolePolicyDocument": trust("ec2.amazonaws.com"),
                "RolePolicyList": [{"PolicyName": "admin", "PolicyDocument": ADMIN}],
                "InstanceProfileList": [
                    {
                        "InstanceProfileName": "ops-admin",
                        "Arn": f"arn:aws:iam::{ACCOUNT}:instance-profile/ops-admin",
                        "Roles": [{"RoleName": "ops-admin"}],
                    }
                ],
            },
            {
                "RoleName": "fn-admin",
                "Arn": FN_ROLE,
                "AssumeRolePolicyDocument": trust("lambda.amazonaws.com"),
                "RolePolicyList": [{"PolicyName": "admin", "PolicyDocument": ADMIN}],
            },
            {
                "RoleName": "ec2-noprofile",
                "Arn": f"arn:aws:iam::{ACCOUNT}:role/ec2-noprofile",
                "AssumeRolePolicyDocument": trust("ec2.amazonaws.com"),
                "RolePolicyList": [{"PolicyName": "admin", "PolicyDocument": ADMIN}],
                "InstanceProfileList": [],
            },
            {
                "RoleName": "cfn-admin",
                "Arn": CFN_ROLE,
                "AssumeRolePolicyDocument": trust("cloudformation.amazonaws.com"),
                "RolePolicyList": [{"PolicyName": "admin", "PolicyDocument": ADMIN}],
            },
        ],
        "IamExplore": ext,
    }
    return analyse(load_data(data))


def allow(action: str, resource: str = "*", condition: Any = None) -> dict[str, Any]:
    st: dict[str, Any] = {"Effect": "Allow", "Action": action, "Resource": resource}
    if condition:
        st["Condition"] = condition
    return st


def found(a: Analysis, kind: str) -> list[Finding]:
    return [f for f in a.findings if f.kind == kind and f.source.endswith(":user/dev")]


def one_region(**lists: Any) -> dict[str, Any]:
    return {EU: {"Services": ALL_OK, **lists}}


def test_without_inventory_the_finding_stays_conditional() -> None:
    (f,) = found(account([allow("ssm:SendCommand")], None), "ssm-send-command")
    assert f.conditional
    assert f.conditions[-1] == "an existing ec2 instance that uses role ops-admin"
    assert f.resources == ()


def test_the_finding_names_the_instance_its_region_role_and_profile() -> None:
    a = account([allow("ssm:SendCommand")], one_region(Ec2Instances=[instance()]))
    (f,) = found(a, "ssm-send-command")
    assert not f.conditional and f.escalation == "admin"
    assert f.resources == (INSTANCE,)
    assert f.title.endswith("(role ops-admin) on i-0abc in eu-west-1")
    texts = [r.text for r in f.reasons]
    assert "ec2-instance i-0abc in eu-west-1 runs as role ops-admin via profile ops-admin" in texts
    assert f"may ssm:SendCommand on {INSTANCE}" in texts


def test_no_such_resource_in_a_covered_account_means_no_finding() -> None:
    a = account(
        [allow("ssm:SendCommand")], one_region(Ec2Instances=[instance(IamInstanceProfile=None)])
    )
    assert found(a, "ssm-send-command") == []


def test_resource_arn_in_the_policy_decides() -> None:
    statements = [allow("lambda:UpdateFunctionCode", f"arn:aws:lambda:*:{ACCOUNT}:function:etl-*")]
    a = account(statements, one_region(LambdaFunctions=[function("nightly")]))
    assert found(a, "lambda-update-function-code") == []
    a = account(statements, one_region(LambdaFunctions=[function("nightly"), function("etl-load")]))
    (f,) = found(a, "lambda-update-function-code")
    assert f.resources == (f"arn:aws:lambda:{EU}:{ACCOUNT}:function:etl-load",)
    assert not f.conditional


@pytest.mark.parametrize(
    ("key", "value", "reached"),
    [
        ("aws:ResourceTag/env", "prod", True),
        ("aws:ResourceTag/env", "dev", False),
        ("ec2:ResourceTag/env", "prod", True),
        ("ec2:ResourceTag/env", "dev", False),
        ("aws:ResourceTag/owner", "ops", False),  # the instance has no such tag
    ],
)
def test_resource_tag_conditions_use_the_resource_tags(key: str, value: str, reached: bool) -> None:
    statements = [
        allow("ec2-instance-connect:SendSSHPublicKey", condition={"StringEquals": {key: value}})
    ]
    a = account(statements, one_region(Ec2Instances=[instance()]))
    got = found(a, "ec2-instance-connect-send-ssh-public-key")
    assert [(f.resources, f.conditional) for f in got] == (
        [((INSTANCE,), False)] if reached else []
    )


def test_unreadable_tags_leave_the_tag_condition_open() -> None:
    statements = [
        allow(
            "lambda:UpdateFunctionCode",
            condition={"StringEquals": {"aws:ResourceTag/team": "data"}},
        )
    ]
    a = account(statements, one_region(LambdaFunctions=[function(Tags=None)]))
    (f,) = found(a, "lambda-update-function-code")
    assert f.conditional and f.resources
    assert any("aws:ResourceTag/team" in c for c in f.conditions)


def test_region_of_the_resource_is_the_requested_region() -> None:
    deny_us = {
        "Effect": "Deny",
        "Action": "*",
        "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:RequestedRegion": EU}},
    }
    regions: dict[str, Any] = {
        EU: {"Services": ALL_OK},
        US: {"Services": ALL_OK, "LambdaFunctions": [function(region=US)]},
    }
    assert (
        found(
            account([allow("lambda:UpdateFunctionCode"), deny_us], regions),
            "lambda-update-function-code",
        )
        == []
    )
    regions[EU]["LambdaFunctions"] = [function("eu-fn")]
    (f,) = found(
        account([allow("lambda:UpdateFunctionCode"), deny_us], regions),
        "lambda-update-function-code",
    )
    assert f.resources == (f"arn:aws:lambda:{EU}:{ACCOUNT}:function:eu-fn",)


def test_unknown_service_keeps_a_conditional_finding_that_says_where() -> None:
    regions = {
        EU: {
            "Services": {**ALL_OK, "lambda": "unknown"},
            "Notes": {"lambda": "access denied: lambda:ListFunctions"},
        }
    }
    (f,) = found(
        account([allow("lambda:UpdateFunctionCode")], regions), "lambda-update-function-code"
    )
    assert f.conditional and f.resources == ()
    assert "eu-west-1 (access denied: lambda:ListFunctions)" in f.conditions[-1]


@pytest.mark.parametrize(
    ("over", "kind", "outcome"),
    [
        ({"SsmManaged": False}, "ssm-send-command", None),
        ({"SsmManaged": None}, "ssm-send-command", "managed node of Systems Manager"),
        ({"State": "stopped"}, "ssm-send-command", "is started again"),
        ({"State": "terminated"}, "ssm-send-command", None),
        ({"Platform": "windows"}, "ec2-instance-connect-send-ssh-public-key", None),
        ({"Platform": "windows"}, "ssm-send-command", ""),
    ],
)
def test_instance_state_platform_and_ssm(
    over: dict[str, Any], kind: str, outcome: str | None
) -> None:
    statements = [allow("ssm:SendCommand"), allow("ec2-instance-connect:SendSSHPublicKey")]
    got = found(account(statements, one_region(Ec2Instances=[instance(**over)])), kind)
    if outcome is None:
        assert got == []
    else:
        (f,) = got
        assert f.resources == (INSTANCE,)
        assert f.conditional == bool(outcome)
        assert all(outcome in c for c in f.conditions)


def stack(name: str, status: str = "UPDATE_COMPLETE") -> dict[str, Any]:
    return {
        "StackName": name,
        "StackId": f"arn:aws:cloudformation:{EU}:{ACCOUNT}:stack/{name}/0f1e2d3c",
        "RoleARN": CFN_ROLE,
        "StackStatus": status,
    }


@pytest.mark.parametrize(
    ("execute_on", "reached"),
    [("stack/core/*", True), ("stack/other-*", False)],
)
def test_every_action_on_the_stack_is_checked_on_its_arn(execute_on: str, reached: bool) -> None:
    """cloudformation:ExecuteChangeSet authorizes on the stack (its only resource type), so a
    grant scoped to other stacks does not reach this one."""
    statements = [
        allow("cloudformation:CreateChangeSet"),
        allow(
            "cloudformation:ExecuteChangeSet",
            f"arn:aws:cloudformation:*:{ACCOUNT}:{execute_on}",
        ),
    ]
    a = account(statements, one_region(CloudFormationStacks=[stack("core")]))
    got = found(a, "cloudformation-change-set")
    assert [f.resources for f in got] == ([(stack("core")["StackId"],)] if reached else [])


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        ("UPDATE_COMPLETE", ""),
        ("UPDATE_IN_PROGRESS", "finishes its current operation"),
        ("ROLLBACK_COMPLETE", None),
        ("DELETE_COMPLETE", None),
    ],
)
def test_stack_status(status: str, outcome: str | None) -> None:
    a = account(
        [allow("cloudformation:UpdateStack")],
        one_region(CloudFormationStacks=[stack("core", status)]),
    )
    got = found(a, "cloudformation-update-stack")
    if outcome is None:
        assert got == []
    else:
        (f,) = got
        assert f.conditional == bool(outcome)
        assert all(outcome in c for c in f.conditions)


# -- the mid-size sample -----------------------------------------------------------------------


@cache
def midsize() -> tuple[Analysis, Analysis, dict[str, Any]]:
    account = load_account(sample_path("midsize-company"))
    expected = json.loads(sample_path("midsize-company").with_suffix(".expected.json").read_text())
    return analyse(account), analyse(replace(account, inventory=None)), expected


def _existing(a: Analysis, kinds: set[str]) -> dict[tuple[str, str, str | None], Finding]:
    return {(f.kind, f.source, f.role): f for f in a.findings if f.kind in kinds}


def test_midsize_existing_resource_findings_are_exactly_the_expected() -> None:
    with_inv, _, exp = midsize()
    kinds = {e["kind"] for e in exp["existing_resource_findings"]} | {
        e["kind"] for e in exp["absent_existing_findings"]
    }
    got = _existing(with_inv, kinds)
    want = {(e["kind"], e["source"], e["role"]): e for e in exp["existing_resource_findings"]}
    assert set(got) == set(want)
    for key, e in want.items():
        assert list(got[key].resources) == e["resources"], key
        assert got[key].conditional == e["conditional"], key


def test_midsize_absent_findings_were_conditional_without_the_inventory() -> None:
    with_inv, without, exp = midsize()
    kinds = {e["kind"] for e in exp["absent_existing_findings"]}
    before, after = _existing(without, kinds), _existing(with_inv, kinds)
    for e in exp["absent_existing_findings"]:
        key = (e["kind"], e["source"], e["role"])
        assert key in before and before[key].conditional, e["why"]
        assert key not in after, e["why"]


def test_a_gap_keeps_only_roles_that_could_run_there() -> None:
    """EC2 unreadable: ops-admin (in an instance profile) could run on an unseen instance; a
    role in no profile could not, so it gets no conditional edge."""
    regions = {EU: {"Services": {**ALL_OK, "ec2": "unknown"}}}
    a = account([allow("ssm:SendCommand")], regions)
    assert [(f.role, f.conditional) for f in found(a, "ssm-send-command")] == [(ROLE, True)]


# -- PassRole ways that need an existing resource ------------------------------------------------

PASS_FN = [
    allow("iam:PassRole", FN_ROLE),
    allow("lambda:UpdateFunctionConfiguration"),  # the only way: point an existing function
]


def _passrole_to_lambda(regions: dict[str, Any] | None) -> list[Finding]:
    a = account(PASS_FN, regions)
    return [
        f
        for f in a.findings
        if f.kind == "passrole" and f.role == FN_ROLE and f.source.endswith(":user/dev")
    ]


@pytest.mark.parametrize(
    ("regions", "condition"),
    [
        (None, "an existing Lambda function exists"),
        (
            one_region(LambdaFunctions=[function("nightly")]),
            "an existing Lambda function exists and may be used (the inventory lists nightly in "
            "eu-west-1)",
        ),
        (
            {EU: {"Services": {**ALL_OK, "lambda": "unknown"}}},
            "an existing Lambda function exists where the inventory could not see: eu-west-1 "
            "(not read)",
        ),
        (one_region(LambdaFunctions=[]), None),
    ],
)
def test_a_way_needing_an_existing_resource_uses_the_inventory(
    regions: dict[str, Any] | None, condition: str | None
) -> None:
    got = _passrole_to_lambda(regions)
    if condition is None:
        assert got == []  # every region read, no function: the way is impossible
    else:
        (f,) = got
        assert f.conditional and condition in f.conditions


def test_a_free_resource_makes_the_finding_unconditional_and_comes_first() -> None:
    stopped = instance(InstanceId="i-0stopped", State="stopped")
    a = account([allow("ssm:SendCommand")], one_region(Ec2Instances=[stopped, instance()]))
    (f,) = found(a, "ssm-send-command")
    assert not f.conditional
    assert f.resources == (INSTANCE, f"arn:aws:ec2:{EU}:{ACCOUNT}:instance/i-0stopped")
    assert any("i-0stopped in eu-west-1" in r.text and "(if " in r.text for r in f.reasons)


def test_the_finding_shows_the_trust_statement_of_the_role() -> None:
    a = account([allow("lambda:UpdateFunctionCode")], one_region(LambdaFunctions=[function()]))
    (f,) = found(a, "lambda-update-function-code")
    (trust,) = [r for r in f.reasons if r.step == "trust"]
    assert trust.text == "role fn-admin trusts the lambda service"
    assert trust.statements and "fn-admin" in trust.statements[0].policy.name
