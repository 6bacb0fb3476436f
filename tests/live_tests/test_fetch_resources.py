"""``iam-explore fetch --resources`` against the local moto server: the inventory, read-only.

moto serves EC2, Lambda, CodeBuild, CloudFormation, SageMaker, ECS and Step Functions; it does
not implement ``ssm:DescribeInstanceInformation`` nor App Runner at all, so those two come out
``unknown`` (never an empty "none"), which the tests below show.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import core.load.live
from core.load.live import is_read_only
from core.load.snapshot import load_account
from tui.cli import main
from tui.commands.fetch import parse_regions

from .conftest import MotoServer
from .resources_account import EU, US, ResourceAccount, build_resource_account

ACCOUNT = "345678901234"


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def built(moto_server: MotoServer) -> Iterator[ResourceAccount]:
    """The resource account, in its own moto account for this module only."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MOTO_ACCOUNT_ID", ACCOUNT)
        mp.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "false")
        # moto answers the APIs it lacks with HTTP 500: do not back off ten times on each.
        mp.setattr(core.load.live, "RESOURCE_RETRY_CONFIG", {"mode": "adaptive", "max_attempts": 0})
        yield build_resource_account(moto_server.url)


@pytest.fixture(scope="module")
def fetched(
    built: ResourceAccount, moto_server: MotoServer, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, list[str], str, str]:
    path = tmp_path_factory.mktemp("resources") / "snapshot.json"
    moto_server.start_recording()
    code, out, err = run(
        "fetch",
        "--endpoint-url",
        moto_server.url,
        "--resources",
        "--regions",
        f"{EU},{US}",
        "-o",
        str(path),
    )
    operations = moto_server.stop_recording()
    assert code == 0, err
    return path, operations, out, err


@pytest.fixture(scope="module")
def inventory(fetched: tuple[Path, list[str], str, str]) -> dict[str, Any]:
    data = json.loads(fetched[0].read_text())
    resources: dict[str, Any] = data["IamExplore"]["Resources"]
    return resources


def test_regions_are_the_ones_asked_for(inventory: dict[str, Any]) -> None:
    assert list(inventory["Regions"]) == [EU, US]
    assert inventory["AllRegions"] is False


def test_instances_with_profile_state_platform(
    inventory: dict[str, Any], built: ResourceAccount
) -> None:
    eu = inventory["Regions"][EU]
    by_id = {i["InstanceId"]: i for i in eu["Ec2Instances"]}
    assert set(by_id) == {built.instance_id, built.other_instance}
    mine = by_id[built.instance_id]
    assert mine["IamInstanceProfile"] == f"arn:aws:iam::{ACCOUNT}:instance-profile/ops-admin"
    assert mine["State"] == "running"
    assert mine["Platform"] == "linux"
    assert mine["Tags"] == [{"Key": "env", "Value": "prod"}]
    assert by_id[built.other_instance]["IamInstanceProfile"] is None
    assert inventory["Regions"][US]["Ec2Instances"] == []


def test_functions_projects_stacks_notebooks_with_roles(
    inventory: dict[str, Any], built: ResourceAccount
) -> None:
    eu, us = inventory["Regions"][EU], inventory["Regions"][US]
    (fn,) = eu["LambdaFunctions"]
    assert (fn["FunctionArn"], fn["Role"]) == (built.function_arn, built.roles["fn-admin"])
    assert fn["Aliases"] == [{"Name": "live", "FunctionVersion": "$LATEST"}]
    assert fn["Tags"] == [{"Key": "team", "Value": "data"}]
    (project,) = eu["CodeBuildProjects"]
    assert (project["Arn"], project["ServiceRole"]) == (built.project_arn, built.roles["cb-admin"])
    (stack,) = us["CloudFormationStacks"]
    assert (stack["StackId"], stack["RoleARN"]) == (built.stack_id, built.roles["cfn-admin"])
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    (notebook,) = us["SageMakerNotebookInstances"]
    assert notebook["NotebookInstanceArn"] == built.notebook_arn
    assert notebook["RoleArn"] == built.roles["sm-admin"]
    assert eu["LambdaFunctions"] and not us["LambdaFunctions"]


def test_ecs_and_step_functions(inventory: dict[str, Any], built: ResourceAccount) -> None:
    eu, us = inventory["Regions"][EU], inventory["Regions"][US]
    assert [c["ClusterName"] for c in eu["EcsClusters"]] == ["prod"]
    (service,) = eu["EcsServices"]
    assert service["ServiceArn"] == built.service_arn
    assert service["TaskDefinition"] == built.task_definition_arn
    # moto 5.2.5 drops enableExecuteCommand from CreateService: the fetch reports what it read.
    assert service["EnableExecuteCommand"] is False
    (td,) = eu["EcsTaskDefinitions"]
    assert (td["TaskDefinitionArn"], td["TaskRoleArn"]) == (
        built.task_definition_arn,
        built.roles["task-admin"],
    )
    (machine,) = us["StateMachines"]
    assert (machine["StateMachineArn"], machine["RoleArn"]) == (
        built.state_machine_arn,
        built.roles["sfn-role"],
    )


def test_what_moto_lacks_is_unknown_never_none(inventory: dict[str, Any]) -> None:
    """No ssm:DescribeInstanceInformation and no App Runner in moto: unknown, with why."""
    for region in (EU, US):
        r = inventory["Regions"][region]
        assert r["Services"]["ssm"] == "unknown"
        assert r["Services"]["apprunner"] == "unknown"
        assert "DescribeInstanceInformation" in r["Notes"]["ssm"]
        assert "apprunner:ListServices" in r["Notes"]["apprunner"]
        assert "AppRunnerServices" not in r  # no list at all, not an empty one
        assert all(i["SsmManaged"] is None for i in r["Ec2Instances"])
        for service in ("ec2", "lambda", "codebuild", "cloudformation", "sagemaker", "ecs"):
            assert r["Services"][service] == "ok", (region, service)


def test_only_read_operations_were_sent(fetched: tuple[Path, list[str], str, str]) -> None:
    ops = fetched[1]
    assert {
        "ec2:DescribeInstances",
        "lambda:ListFunctions",
        "lambda:ListAliases",
        "codebuild:BatchGetProjects",
        "cloudformation:DescribeStacks",
        "sagemaker:DescribeNotebookInstance",
        "ecs:DescribeServices",
        "states:DescribeStateMachine",
    } <= set(ops)
    assert "?" not in {op.split(":", 1)[1] for op in ops}, ops
    assert all(is_read_only(op.split(":", 1)[1]) for op in ops), ops


def test_summary_and_notes(fetched: tuple[Path, list[str], str, str]) -> None:
    _, _, out, err = fetched
    last = out.strip().splitlines()[-1]  # the in-process moto server prints to stdout too
    assert last.startswith(f"account {ACCOUNT}: 1 users, 0 groups, 7 roles, ")
    assert ", 10 resources -> " in last
    assert f"{EU}: " in err and "unknown: ssm (" in err


def test_inventory_loads_into_the_model(
    fetched: tuple[Path, list[str], str, str], built: ResourceAccount
) -> None:
    account = load_account(fetched[0])
    inv = account.inventory
    assert inv is not None
    kinds = {(r.kind, r.region) for r in inv.resources()}
    assert ("ec2-instance", EU) in kinds
    assert ("lambda-function", EU) in kinds
    assert ("cloudformation-stack", US) in kinds
    instance = next(r for r in inv.resources("ec2-instance") if r.name == built.instance_id)
    assert instance.arn == f"arn:aws:ec2:{EU}:{ACCOUNT}:instance/{built.instance_id}"
    assert instance.ssm_managed is None
    assert inv.covered("lambda") == (EU, US)
    assert inv.covered("ssm") == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, None),
        ("all", "all"),
        ("ALL", "all"),
        ("eu-west-1, us-east-1", ["eu-west-1", "us-east-1"]),
        ("ap-southeast-2", ["ap-southeast-2"]),
    ],
)
def test_parse_regions(text: str | None, expected: object) -> None:
    assert parse_regions(text) == expected


def test_bad_region_is_a_one_line_error(tmp_path: Path) -> None:
    code, _, err = run("fetch", "--resources", "--regions", "eu-west-1,mars", "-o", str(tmp_path))
    assert code == 2
    assert err.strip() == 'iam-explore: --regions: "mars" is not a region name (e.g. eu-west-1)'


# -- fetch, then scan: findings name the instance and the function --------------------------


def scan_json(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    capsys.readouterr()
    main(["scan", str(path), "--format", "json"])
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    return report


def test_fetch_then_scan_names_the_instance_and_the_function(
    fetched: tuple[Path, list[str], str, str],
    built: ResourceAccount,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The same account without its inventory: conditional; with it: this instance, function."""
    data = json.loads(fetched[0].read_text())
    del data["IamExplore"]["Resources"]
    bare = tmp_path / "without-resources.json"
    bare.write_text(json.dumps(data))
    dev = f"arn:aws:iam::{ACCOUNT}:user/dev"

    def findings(path: Path) -> dict[tuple[str, str | None], dict[str, Any]]:
        return {(f["kind"], f["role"]): f for f in scan_json(path, capsys)["findings"]
                if f["source"] == dev}  # fmt: skip

    before, after = findings(bare), findings(fetched[0])
    connect = ("ec2-instance-connect-send-ssh-public-key", built.roles["ops-admin"])
    update = ("lambda-update-function-code", built.roles["fn-admin"])
    for key in (connect, update):
        assert before[key]["conditional"] and before[key]["resources"] == []
        assert not after[key]["conditional"], after[key]
        assert after[key]["escalation"] == "admin"
    instance_arn = f"arn:aws:ec2:{EU}:{ACCOUNT}:instance/{built.instance_id}"
    assert after[connect]["resources"] == [instance_arn]
    assert f"on {built.instance_id} in {EU}" in after[connect]["title"]
    assert any(
        r["text"] == f"ec2-instance {built.instance_id} in {EU} runs as role ops-admin "
        "via profile ops-admin"
        for r in after[connect]["reasons"]
    )
    assert after[update]["resources"] == [built.function_arn]
    assert f"on nightly-report in {EU}" in after[update]["title"]
    # SSM status is unknown (moto lacks the API): the instance is named, the condition stays.
    ssm = after[("ssm-send-command", built.roles["ops-admin"])]
    assert ssm["resources"] == [instance_arn] and ssm["conditional"]
    assert "managed node of Systems Manager (not known)" in ssm["conditions"][-1]


# -- partial access ---------------------------------------------------------------------------


def _limited_fetch(
    moto_server: MotoServer,
    monkeypatch: pytest.MonkeyPatch,
    account: str,
    allowed: list[str],
    path: Path,
    regions: str,
) -> tuple[int, str]:
    """``fetch --resources`` as a user allowed only ``allowed``, moto's authorization on."""
    import boto3

    monkeypatch.setenv("MOTO_ACCOUNT_ID", account)
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "false")
    monkeypatch.setattr(
        core.load.live, "RESOURCE_RETRY_CONFIG", {"mode": "adaptive", "max_attempts": 0}
    )
    iam = boto3.client("iam", endpoint_url=moto_server.url, region_name=US)
    iam.create_user(UserName="auditor")
    iam.put_user_policy(
        UserName="auditor",
        PolicyName="partial",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": allowed, "Resource": "*"}],
            }
        ),
    )
    key = iam.create_access_key(UserName="auditor")["AccessKey"]
    monkeypatch.delenv("MOTO_ACCOUNT_ID")
    monkeypatch.delenv("AWS_SESSION_TOKEN")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    moto_server.set_auth(True)
    try:
        code, _, err = run(
            "fetch", "--endpoint-url", moto_server.url, "--resources", "--regions", regions,
            "-o", str(path),
        )  # fmt: skip
    finally:
        moto_server.set_auth(False)
    return code, err


IAM_READS = ["sts:GetCallerIdentity", "iam:Get*", "iam:List*", "organizations:Describe*"]


def test_denied_services_are_unknown_and_the_fetch_succeeds(
    moto_server: MotoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A caller allowed IAM, EC2 and CloudFormation reads only: the rest is unknown, denied."""
    path = tmp_path / "partial.json"
    allowed = [*IAM_READS, "ec2:Describe*", "cloudformation:Describe*"]
    code, err = _limited_fetch(moto_server, monkeypatch, "456789012345", allowed, path, EU)
    assert code == 0, err
    region = json.loads(path.read_text())["IamExplore"]["Resources"]["Regions"][EU]
    assert region["Services"]["ec2"] == "ok"
    assert region["Services"]["cloudformation"] == "ok"
    for service in ("lambda", "codebuild", "sagemaker", "ecs", "states"):
        assert region["Services"][service] == "unknown", service
        assert region["Notes"][service].startswith("access denied: "), region["Notes"]
        assert not any(k for k in region if k.startswith(("Lambda", "CodeBuild", "Ecs")))
    assert "lambda:ListFunctions" in region["Notes"]["lambda"]


def test_all_regions_denied_reads_the_home_region_and_says_so(
    moto_server: MotoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "home-only.json"
    code, err = _limited_fetch(moto_server, monkeypatch, "567890123456", IAM_READS, path, "all")
    assert code == 0, err
    resources = json.loads(path.read_text())["IamExplore"]["Resources"]
    assert resources["AllRegions"] is False
    assert list(resources["Regions"]) == [US]
    assert "access denied: ec2:DescribeRegions" in resources["Note"]
    assert set(resources["Regions"][US]["Services"].values()) == {"unknown"}
    assert "access denied: ec2:DescribeRegions" in err


# -- every enabled region, cancellation ---------------------------------------------------------


def test_all_regions_reads_every_enabled_region(
    built: ResourceAccount, moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--regions all`` = the regions ec2:DescribeRegions lists as enabled (EC2 only here,
    to keep the test short), and the inventory then says it covers them all."""
    import boto3

    monkeypatch.setattr(
        core.load.live, "RESOURCE_READERS", {"ec2": core.load.live.RESOURCE_READERS["ec2"]}
    )
    enabled = sorted(
        r["RegionName"]
        for r in boto3.client("ec2", endpoint_url=moto_server.url, region_name=US)
        .describe_regions()["Regions"]
    )  # fmt: skip
    seen: list[tuple[str, str, str]] = []
    out = core.load.live.fetch_resources(
        endpoint_url=moto_server.url, regions="all", progress=lambda *a: seen.append(a)
    )
    assert out["AllRegions"] is True
    assert list(out["Regions"]) == enabled and len(enabled) > 10
    assert {(region, "ec2", "ok") for region in enabled} <= set(seen)
    assert [i["InstanceId"] for i in out["Regions"][EU]["Ec2Instances"]] == [
        built.instance_id,
        built.other_instance,
    ]


def test_cancel_stops_the_resource_fetch(built: ResourceAccount, moto_server: MotoServer) -> None:
    import threading

    cancel = threading.Event()
    cancel.set()
    with pytest.raises(core.load.live.FetchCancelled):
        core.load.live.fetch_resources(endpoint_url=moto_server.url, regions=[EU], cancel=cancel)


@pytest.mark.parametrize(
    ("operation", "allowed"),
    [
        ("BatchGetProjects", True),  # CodeBuild: the only way to read a project's service role
        ("BatchDeleteBuilds", False),
        ("BatchPutMessage", False),
        ("StartBuild", False),
        ("UpdateFunctionCode", False),
        ("DescribeInstanceInformation", True),
    ],
)
def test_batch_get_is_the_only_batch_allowed(operation: str, allowed: bool) -> None:
    assert is_read_only(operation) is allowed


def test_regions_without_resources_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run("fetch", "--regions", "eu-west-1", "-o", str(tmp_path / "x.json"))
    assert (code, err.strip()) == (2, "iam-explore: --regions needs --resources")
    assert not (tmp_path / "x.json").exists()
