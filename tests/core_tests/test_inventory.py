"""The ``Resources`` extension: parsed into the inventory model, bad input located."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.load.inventory import arn_label, runs_as
from core.load.snapshot import load_data
from core.model.account import Tag
from core.model.errors import LoadError

ACCOUNT = "111122223333"


def snapshot(resources: Any) -> dict[str, Any]:
    return {
        "RoleDetailList": [],
        "IamExplore": {"FormatVersion": 1, "AccountId": ACCOUNT, "Resources": resources},
    }


GOOD: dict[str, Any] = {
    "AllRegions": True,
    "Regions": {
        "eu-west-1": {
            "Services": {"ec2": "ok", "ssm": "ok", "lambda": "ok", "glue": "unknown"},
            "Notes": {"glue": "access denied: glue:GetDevEndpoints"},
            "Ec2Instances": [
                {
                    "InstanceId": "i-0abc",
                    "State": "running",
                    "Platform": "linux",
                    "IamInstanceProfile": f"arn:aws:iam::{ACCOUNT}:instance-profile/ops/ops-admin",
                    "SsmManaged": True,
                    "Tags": [{"Key": "env", "Value": "prod"}],
                }
            ],
            "LambdaFunctions": [
                {
                    "FunctionName": "nightly",
                    "FunctionArn": f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:nightly",
                    "Role": f"arn:aws:iam::{ACCOUNT}:role/fn-admin",
                    "Aliases": [{"Name": "live", "FunctionVersion": "3"}],
                    "Tags": None,
                }
            ],
            "GlueJobs": [],
        },
        "us-east-1": {"Services": {"ec2": "ok"}},
    },
}


def test_resources_load_into_the_inventory() -> None:
    account = load_data(snapshot(GOOD))
    inv = account.inventory
    assert inv is not None and inv.all_regions
    (instance,) = inv.resources("ec2-instance")
    assert instance.arn == f"arn:aws:ec2:eu-west-1:{ACCOUNT}:instance/i-0abc"
    assert (instance.state, instance.ssm_managed) == ("running", True)
    assert instance.tags == (Tag("env", "prod"),)
    assert instance.label == "i-0abc in eu-west-1"
    (fn,) = inv.resources("lambda-function")
    assert fn.tags is None  # unreadable tags stay unknown, not "no tags"
    assert fn.aliases == (("live", "3"),)
    assert inv.covered("ec2") == ("eu-west-1", "us-east-1")
    assert inv.covered("glue") == ()
    assert inv.gaps("glue") == (
        "eu-west-1 (access denied: glue:GetDevEndpoints)",
        "us-east-1 (not read)",
    )
    assert inv.gaps("ec2") == ()


def test_without_resources_there_is_no_inventory() -> None:
    assert load_data({"RoleDetailList": [], "IamExplore": {"AccountId": ACCOUNT}}).inventory is None


def test_regions_not_all_leave_a_gap() -> None:
    data = copy.deepcopy(GOOD)
    data["AllRegions"] = False
    inv = load_data(snapshot(data)).inventory
    assert inv is not None
    assert inv.gaps("ec2") == ("regions the inventory did not cover",)


def test_runs_as_through_the_instance_profile_by_arn_or_name() -> None:
    inv = load_data(snapshot(GOOD)).inventory
    assert inv is not None
    (instance,) = inv.resources("ec2-instance")
    role = f"arn:aws:iam::{ACCOUNT}:role/ops/ops-admin"
    profile = f"arn:aws:iam::{ACCOUNT}:instance-profile/ops/ops-admin"
    assert runs_as(instance, {profile: role}, ACCOUNT) == role
    assert runs_as(instance, {"ops-admin": role}, ACCOUNT) == role
    assert runs_as(instance, {}, ACCOUNT) == ""
    (fn,) = inv.resources("lambda-function")
    assert runs_as(fn, {}, ACCOUNT) == f"arn:aws:iam::{ACCOUNT}:role/fn-admin"


@pytest.mark.parametrize(
    ("mutate", "where", "message"),
    [
        (
            lambda d: d.update(AllRegions="yes"),
            "IamExplore.Resources.AllRegions",
            "AllRegions must be true or false",
        ),
        (
            lambda d: d["Regions"]["eu-west-1"]["Services"].update(ec2="none"),
            "IamExplore.Resources.Regions.eu-west-1.Services.ec2",
            'status must be "ok" or "unknown"',
        ),
        (
            lambda d: d["Regions"]["eu-west-1"].update(Buckets=[]),
            "IamExplore.Resources.Regions.eu-west-1.Buckets",
            'unknown resource list "Buckets"',
        ),
        (
            lambda d: d["Regions"]["eu-west-1"]["Ec2Instances"][0].pop("InstanceId"),
            "IamExplore.Resources.Regions.eu-west-1.Ec2Instances[0].InstanceId",
            "InstanceId missing",
        ),
        (
            lambda d: d["Regions"]["eu-west-1"]["Ec2Instances"][0].update(SsmManaged="yes"),
            "IamExplore.Resources.Regions.eu-west-1.Ec2Instances[0].SsmManaged",
            "SsmManaged must be true, false or null",
        ),
        (
            lambda d: d["Regions"]["eu-west-1"]["LambdaFunctions"][0].update(Tags="x"),
            "IamExplore.Resources.Regions.eu-west-1.LambdaFunctions[0].Tags",
            "Tags must be a list",
        ),
        (
            lambda d: d["Regions"]["eu-west-1"]["LambdaFunctions"][0].update(Role=["a"]),
            "IamExplore.Resources.Regions.eu-west-1.LambdaFunctions[0].Role",
            "Role must be a string",
        ),
        (
            lambda d: d["Regions"].update({"eu-west-2": []}),
            "IamExplore.Resources.Regions.eu-west-2",
            "must be an object",
        ),
        (
            lambda d: d["Regions"]["eu-west-1"].update(GlueJobs={}),
            "IamExplore.Resources.Regions.eu-west-1.GlueJobs",
            "GlueJobs must be a list",
        ),
    ],
)
def test_bad_resources_are_located(mutate: Any, where: str, message: str) -> None:
    data = copy.deepcopy(GOOD)
    mutate(data)
    with pytest.raises(LoadError) as info:
        load_data(snapshot(data), source="snap.json")
    assert info.value.path == where
    assert info.value.file == "snap.json"
    assert message in info.value.message


@pytest.mark.parametrize(
    ("arn", "label"),
    [
        (f"arn:aws:ec2:eu-west-1:{ACCOUNT}:instance/i-0abc", "i-0abc in eu-west-1"),
        (f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:nightly", "nightly in us-east-1"),
        (
            f"arn:aws:cloudformation:us-east-1:{ACCOUNT}:stack/core/6b00edbe-1649",
            "core in us-east-1",
        ),
        (f"arn:aws:ecs:eu-west-1:{ACCOUNT}:service/platform/api", "api in eu-west-1"),
        ("not-an-arn", "not-an-arn"),
    ],
)
def test_arn_label(arn: str, label: str) -> None:
    assert arn_label(arn) == label


# -- fuzz: the Resources object never crashes the loader ------------------------------------------


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*prefix, i))
    return out


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
@given(st.data())
def test_any_value_anywhere_loads_or_is_a_located_error(data: st.DataObject) -> None:
    """Replace one value of a valid inventory by arbitrary JSON: an Account or a LoadError
    whose path starts at ``IamExplore.Resources`` (never another exception)."""
    resources: Any = copy.deepcopy(GOOD)
    paths = _paths(resources)
    where = data.draw(st.sampled_from(paths))
    value = data.draw(JSON)
    if where:
        parent: Any = resources
        for key in where[:-1]:
            parent = parent[key]
        parent[where[-1]] = value
    else:
        resources = value
    try:
        account = load_data(snapshot(resources), source="fuzz.json")
    except LoadError as exc:
        assert exc.file == "fuzz.json"
        assert (exc.path or "").startswith("IamExplore.Resources"), exc
    else:
        assert account.account_id == ACCOUNT
