"""Property tests: the loader and the policy parser never crash on malformed input.

Contract (core/load/snapshot.py docstring): the loader either returns an :class:`Account` or raises
:class:`LoadError` naming the JSON path; problems inside one policy become ``Problem`` values.
``parse_policy`` never raises: every defect of a document is a problem on it.
"""

from __future__ import annotations

import copy
import json
import re
import urllib.parse
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.load.policy_parser import PolicyKind, parse_policy
from core.load.snapshot import load_data
from core.model.account import Account, PolicyDocument
from core.model.errors import IamExploreError, LoadError

ACCT = "111122223333"
FUZZ = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Messages of LoadErrors about the whole input, which therefore carry no JSON path.
WHOLE_INPUT = (
    "no UserDetailList, GroupDetailList, RoleDetailList or Policies",
    "expected the JSON object printed by",
)
PATH_RE = re.compile(r"^(\[\d+\]\.?)?([A-Za-z]+(\[\d+\])*(\.[A-Za-z]+(\[\d+\])*)*)?$")


def _doc(action: str | list[str], resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource, **extra}],
    }


def _trust(service: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
        ],
    }


def base_snapshot() -> dict[str, Any]:
    """A small realistic export with every field the loader reads, including the extension."""
    pol = f"arn:aws:iam::{ACCT}:policy/Deploy"
    return {
        "UserDetailList": [
            {
                "Path": "/",
                "UserName": "alice",
                "UserId": "AIDAALICE",
                "Arn": f"arn:aws:iam::{ACCT}:user/alice",
                "CreateDate": "2024-01-01T00:00:00Z",
                "GroupList": ["devs"],
                "UserPolicyList": [
                    {
                        "PolicyName": "self",
                        "PolicyDocument": _doc(
                            "iam:*",
                            f"arn:aws:iam::{ACCT}:user/${{aws:username}}",
                            Condition={"Bool": {"aws:MultiFactorAuthPresent": True}},
                        ),
                    }
                ],
                "AttachedManagedPolicies": [{"PolicyName": "Deploy", "PolicyArn": pol}],
                "PermissionsBoundary": {
                    "PermissionsBoundaryType": "Policy",
                    "PermissionsBoundaryArn": pol,
                },
                "Tags": [{"Key": "team", "Value": "red"}],
            }
        ],
        "GroupDetailList": [
            {
                "Path": "/",
                "GroupName": "devs",
                "GroupId": "AGPADEVS",
                "Arn": f"arn:aws:iam::{ACCT}:group/devs",
                "CreateDate": "2024-01-01T00:00:00Z",
                "GroupPolicyList": [
                    {
                        "PolicyName": "g",
                        "PolicyDocument": urllib.parse.quote(json.dumps(_doc("s3:Get*"))),
                    }
                ],
                "AttachedManagedPolicies": [],
            }
        ],
        "RoleDetailList": [
            {
                "Path": "/service-role/",
                "RoleName": "web",
                "RoleId": "AROAWEB",
                "Arn": f"arn:aws:iam::{ACCT}:role/service-role/web",
                "CreateDate": "2024-01-01T00:00:00Z",
                "AssumeRolePolicyDocument": json.dumps(_trust("ec2.amazonaws.com")),
                "InstanceProfileList": [
                    {
                        "Path": "/",
                        "InstanceProfileName": "web",
                        "InstanceProfileId": "AIPAWEB",
                        "Arn": f"arn:aws:iam::{ACCT}:instance-profile/web",
                        "Roles": [{"RoleName": "web", "Arn": "x"}],
                    }
                ],
                "RolePolicyList": [
                    {
                        "PolicyName": "pass",
                        "PolicyDocument": _doc(
                            "iam:PassRole",
                            Condition={
                                "StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}
                            },
                        ),
                    }
                ],
                "AttachedManagedPolicies": [{"PolicyName": "Deploy", "PolicyArn": pol}],
                "Tags": [],
                "Description": "web servers",
            }
        ],
        "Policies": [
            {
                "PolicyName": "Deploy",
                "PolicyId": "ANPADEPLOY",
                "Arn": pol,
                "Path": "/",
                "DefaultVersionId": "v2",
                "AttachmentCount": 2,
                "IsAttachable": True,
                "PolicyVersionList": [
                    {"Document": _doc("ec2:*"), "VersionId": "v1", "IsDefaultVersion": False},
                    {
                        "Document": _doc(["ec2:RunInstances", "iam:PassRole"]),
                        "VersionId": "v2",
                        "IsDefaultVersion": True,
                        "CreateDate": "2024-02-01T00:00:00Z",
                    },
                ],
            }
        ],
        "IamExplore": {
            "FormatVersion": 1,
            "AccountId": ACCT,
            "fetched_at": "2025-01-01T00:00:00Z",
            "ScpLevels": [
                {"Target": "Root", "Policies": [{"Name": "FullAWSAccess", "Document": _doc("*")}]}
            ],
        },
    }


# --- mutations ------------------------------------------------------------------------------

json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def _locations(node: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path (sequence of keys/indexes) to a value inside ``node``, except the root."""
    out = []
    items: Any = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in items:
        out.append((*here, key))
        if isinstance(value, dict | list):
            out.extend(_locations(value, (*here, key)))
    return out


def _parent(data: Any, loc: tuple[Any, ...]) -> Any:
    for key in loc[:-1]:
        data = data[key]
    return data


@st.composite
def mutation_step(draw: st.DrawFn, data: dict[str, Any]) -> None:
    """Apply one random mutation to ``data`` in place."""
    locs = _locations(data)
    if not locs:
        data[draw(st.text(max_size=6))] = draw(json_values)
        return
    loc = draw(st.sampled_from(locs))
    parent, key = _parent(data, loc), loc[-1]
    kind = draw(
        st.sampled_from(
            ["delete", "retype", "garbage-key", "random-json", "random-string", "truncate", "nest"]
        )
    )
    if kind == "delete":
        del parent[key]
    elif kind == "retype":
        parent[key] = draw(
            st.sampled_from([0, -1, 10**30, 1.5, True, None, "", "x", [], [1], {}, {"a": 1}])
        )
    elif kind == "garbage-key":
        target = parent[key] if isinstance(parent[key], dict) else parent
        if isinstance(target, dict):
            target[draw(st.text(max_size=10))] = draw(json_values)
        else:
            target.insert(draw(st.integers(0, len(target))), draw(json_values))
    elif kind == "random-json":
        parent[key] = draw(json_values)
    elif kind == "random-string":
        parent[key] = draw(
            st.text(max_size=30)
            | st.sampled_from(["%7B", "%7B%22Statement%22", "{", '{"Statement": 1}', "[]", "%"])
            | json_values.map(json.dumps)
            | json_values.map(lambda v: urllib.parse.quote(json.dumps(v)))
        )
    elif kind == "truncate":
        value = parent[key]
        if isinstance(value, list | str):
            parent[key] = value[: draw(st.integers(0, max(0, len(value) - 1)))]
        else:
            del parent[key]
    else:  # nest
        depth = draw(st.integers(1, 50))
        value = parent[key]
        for _ in range(depth):
            value = draw(st.sampled_from([[value], {"k": value}]))
        parent[key] = value


@st.composite
def mutated_snapshots(draw: st.DrawFn) -> Any:
    data = copy.deepcopy(base_snapshot())
    for _ in range(draw(st.integers(1, 6))):
        draw(mutation_step(data))
    if draw(st.booleans()):
        return data
    # Sometimes as a list of raw API pages.
    return [data, {"UserDetailList": [], "IsTruncated": False}]


def _assert_load_contract(data: Any) -> None:
    try:
        account = load_data(data, source="fuzz.json")
    except LoadError as exc:
        assert exc.file == "fuzz.json"
        if exc.path is None:
            assert exc.message.startswith(WHOLE_INPUT), exc.message
        else:
            assert exc.path and PATH_RE.match(exc.path), exc.path
            assert f":{exc.path}: " in str(exc)
        return
    assert isinstance(account, Account)
    for p in account.problems:
        assert p.severity in ("error", "warning")
        assert p.message


def test_base_snapshot_is_clean() -> None:
    account = load_data(base_snapshot())
    assert account.problems == ()
    assert (len(account.users), len(account.roles), len(account.scp_levels)) == (1, 1, 1)


@FUZZ
@given(mutated_snapshots())
def test_loader_returns_account_or_raises_load_error(data: Any) -> None:
    try:
        _assert_load_contract(data)
    except IamExploreError as exc:  # pragma: no cover - reported with the input below
        raise AssertionError(f"unexpected {type(exc).__name__}: {exc}") from exc


@FUZZ
@given(json_values)
def test_loader_on_arbitrary_json(data: Any) -> None:
    _assert_load_contract(data)


@FUZZ
@given(json_values)
def test_parse_policy_never_raises(raw: Any) -> None:
    kinds: tuple[PolicyKind, ...] = ("identity", "trust", "scp")
    for kind in kinds:
        assert isinstance(parse_policy(raw, kind), PolicyDocument)
        assert isinstance(parse_policy(json.dumps(raw), kind), PolicyDocument)


statement_like = st.fixed_dictionaries(
    {},
    optional={
        "Sid": json_values,
        "Effect": st.sampled_from(["Allow", "Deny", "allow"]) | json_values,
        "Action": st.sampled_from(["s3:GetObject", "*", ["iam:PassRole"], "bad"]) | json_values,
        "NotAction": st.sampled_from(["iam:*"]) | json_values,
        "Resource": st.sampled_from(["*", ["arn:aws:s3:::b"]]) | json_values,
        "NotResource": json_values,
        "Principal": st.sampled_from(["*", {"AWS": "*"}, {"Service": ["ec2.amazonaws.com"]}])
        | json_values,
        "NotPrincipal": json_values,
        "Condition": st.dictionaries(
            st.sampled_from(["StringEquals", "Bool", "NumericLessThan", "Bogus", "Null"]),
            st.dictionaries(st.text(max_size=6), json_values, max_size=2) | json_values,
            max_size=2,
        )
        | json_values,
    },
)


@FUZZ
@given(
    st.fixed_dictionaries(
        {"Statement": st.lists(statement_like, max_size=3) | statement_like},
        optional={"Version": st.sampled_from(["2012-10-17", "2008-10-17"]) | json_values},
    ),
    st.sampled_from(["identity", "trust", "resource", "boundary", "scp", "session"]),
)
def test_parse_policy_statement_shapes_never_raise(raw: Any, kind: Any) -> None:
    d = parse_policy(raw, kind)
    n = len(raw["Statement"]) if isinstance(raw["Statement"], list) else 1
    assert len(d.statements) <= n
    # Every statement that was dropped is explained by an error problem that names it.
    kept = {s.index for s in d.statements}
    named = {p.statement for p in d.problems if p.severity == "error"}
    assert set(range(n)) - kept <= named
