"""Tests for the snapshot loader (core.load.snapshot) and the bundled samples (core.load.samples).

Input formats follow ``docs/IAM-SEMANTICS.md`` ("Input formats") and the API reference of
``GetAccountAuthorizationDetails``: the CLI merges pages into one object, the raw API returns
pages with ``Marker``/``IsTruncated`` and URL-encoded (RFC 3986) policy documents
(https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html).
"""

from __future__ import annotations

import copy
import json
import re
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from core.load.samples import samples_dir
from core.load.snapshot import load_account, load_data
from core.model.account import Account
from core.model.errors import LoadError, Problem

ACCT = "111122223333"
ALLOW_S3 = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
}
TRUST_EC2 = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
PASSROLE = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Pass",
            "Effect": "Allow",
            "Action": ["iam:PassRole", "ec2:RunInstances"],
            "Resource": "*",
        }
    ],
}


def arn(kind: str, name: str, path: str = "/") -> str:
    return f"arn:aws:iam::{ACCT}:{kind}{path}{name}"


def user(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "Path": "/",
        "UserName": name,
        "UserId": f"AIDA{name.upper()}",
        "Arn": arn("user", name),
        "CreateDate": "2024-01-02T03:04:05Z",
        "GroupList": [],
        "AttachedManagedPolicies": [],
        "UserPolicyList": [],
        "Tags": [],
        **extra,
    }


def group(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "Path": "/",
        "GroupName": name,
        "GroupId": f"AGPA{name.upper()}",
        "Arn": arn("group", name),
        "CreateDate": "2024-01-02T03:04:05Z",
        "GroupPolicyList": [],
        "AttachedManagedPolicies": [],
        **extra,
    }


def role(name: str, trust: Any = None, **extra: Any) -> dict[str, Any]:
    return {
        "Path": "/",
        "RoleName": name,
        "RoleId": f"AROA{name.upper()}",
        "Arn": arn("role", name),
        "CreateDate": "2024-01-02T03:04:05Z",
        "AssumeRolePolicyDocument": TRUST_EC2 if trust is None else trust,
        "InstanceProfileList": [],
        "RolePolicyList": [],
        "AttachedManagedPolicies": [],
        "Tags": [],
        **extra,
    }


def managed(name: str, doc: Any = None, **extra: Any) -> dict[str, Any]:
    return {
        "PolicyName": name,
        "PolicyId": f"ANPA{name.upper()}",
        "Arn": arn("policy", name),
        "Path": "/",
        "DefaultVersionId": "v2",
        "AttachmentCount": 1,
        "IsAttachable": True,
        "PolicyVersionList": [
            {"Document": ALLOW_S3, "VersionId": "v1", "IsDefaultVersion": False},
            {
                "Document": PASSROLE if doc is None else doc,
                "VersionId": "v2",
                "IsDefaultVersion": True,
            },
        ],
        **extra,
    }


def snapshot() -> dict[str, Any]:
    """A small, valid merged CLI export: two users, a group, two roles, one managed policy."""
    return {
        "UserDetailList": [
            user(
                "alice",
                GroupList=["devs"],
                AttachedManagedPolicies=[
                    {"PolicyName": "Pass", "PolicyArn": arn("policy", "Pass")}
                ],
                Tags=[{"Key": "team", "Value": "red"}],
            ),
            user(
                "bob",
                UserPolicyList=[{"PolicyName": "inline-s3", "PolicyDocument": ALLOW_S3}],
                PermissionsBoundary={
                    "PermissionsBoundaryType": "Policy",
                    "PermissionsBoundaryArn": arn("policy", "Pass"),
                },
            ),
        ],
        "GroupDetailList": [
            group("devs", GroupPolicyList=[{"PolicyName": "g", "PolicyDocument": ALLOW_S3}])
        ],
        "RoleDetailList": [
            role(
                "web",
                InstanceProfileList=[
                    {
                        "Path": "/",
                        "InstanceProfileName": "web-profile",
                        "InstanceProfileId": "AIPAWEB",
                        "Arn": arn("instance-profile", "web-profile"),
                        "Roles": [{"RoleName": "web"}],
                    }
                ],
            ),
            role("ops", Path="/service-role/", Arn=arn("role", "ops", "/service-role/")),
        ],
        "Policies": [managed("Pass")],
    }


def errors(account: Account) -> list[Problem]:
    return [p for p in account.problems if p.severity == "error"]


def write(tmp_path: Path, name: str, data: Any) -> Path:
    p = tmp_path / name
    p.write_text(json.dumps(data), encoding="utf-8")
    return p


# --- accepted shapes ----------------------------------------------------------------------


def test_merged_cli_output_loads_every_entity(tmp_path: Path) -> None:
    acct = load_account(write(tmp_path, "acct.json", snapshot()))
    assert [u.name for u in acct.users] == ["alice", "bob"]
    assert [g.name for g in acct.groups] == ["devs"]
    assert [r.name for r in acct.roles] == ["web", "ops"]
    assert [p.arn for p in acct.policies] == [arn("policy", "Pass")]
    assert acct.account_id == ACCT
    assert errors(acct) == []
    alice = acct.user("alice")
    assert alice is not None
    assert alice.groups == ("devs",)
    assert alice.attached_policies == (arn("policy", "Pass"),)
    assert [(t.key, t.value) for t in alice.tags] == [("team", "red")]
    bob = acct.user(arn("user", "bob"))
    assert bob is not None and bob.boundary == arn("policy", "Pass")
    assert bob.inline_policies[0].document.statements[0].actions == ("s3:GetObject",)
    web = acct.role("web")
    assert web is not None
    assert web.trust_policy.statements[0].principal is not None
    assert web.trust_policy.statements[0].principal.service == ("ec2.amazonaws.com",)
    assert [(p.name, p.role_names) for p in web.instance_profiles] == [("web-profile", ("web",))]
    pol = acct.policy(arn("policy", "Pass"))
    assert pol is not None
    assert pol.default_version_id == "v2"
    assert [v.version_id for v in pol.versions] == ["v1", "v2"]
    assert pol.document.statements[0].sid == "Pass"
    assert acct.source.endswith("acct.json")


def _pages() -> list[dict[str, Any]]:
    full = snapshot()
    return [
        {
            "UserDetailList": full["UserDetailList"][:1],
            "GroupDetailList": full["GroupDetailList"],
            "RoleDetailList": [],
            "Policies": [],
            "IsTruncated": True,
            "Marker": "page-2-marker",
        },
        {
            "UserDetailList": full["UserDetailList"][1:],
            "GroupDetailList": [],
            "RoleDetailList": full["RoleDetailList"],
            "Policies": full["Policies"],
            "IsTruncated": False,
            "ResponseMetadata": {"RequestId": "abc"},
        },
    ]


def test_list_of_raw_api_pages_is_merged() -> None:
    acct = load_data(_pages())
    assert [u.name for u in acct.users] == ["alice", "bob"]
    assert [r.name for r in acct.roles] == ["web", "ops"]
    assert len(acct.policies) == 1
    # Marker/IsTruncated/ResponseMetadata are page bookkeeping, not unknown fields.
    assert acct.problems == ()


def test_directory_of_page_files_is_merged(tmp_path: Path) -> None:
    for i, page in enumerate(_pages()):
        write(tmp_path, f"page-{i}.json", page)
    (tmp_path / "notes.txt").write_text("ignored")
    acct = load_account(tmp_path)
    assert [u.name for u in acct.users] == ["alice", "bob"]
    assert [r.name for r in acct.roles] == ["web", "ops"]
    assert acct.problems == ()


def test_page_paths_are_prefixed_with_the_page_index() -> None:
    pages = _pages()
    pages[1]["RoleDetailList"][0]["Arn"] = 7
    with pytest.raises(LoadError) as info:
        load_data(pages)
    assert info.value.path == "[1].RoleDetailList[0].Arn"


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda d: d, id="object"),
        pytest.param(json.dumps, id="json-string"),
        pytest.param(lambda d: json.dumps(d, indent=4), id="pretty-json-string"),
        pytest.param(lambda d: urllib.parse.quote(json.dumps(d)), id="url-encoded"),
        pytest.param(
            lambda d: urllib.parse.quote(json.dumps(d, indent=2)), id="url-encoded-multiline"
        ),
        pytest.param(
            lambda d: re.sub(
                "%[0-9A-F]{2}", lambda m: m[0].lower(), urllib.parse.quote(json.dumps(d))
            ),
            id="url-encoded-lowercase-hex",
        ),
    ],
)
def test_policy_documents_in_every_encoding(encode: Any) -> None:
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "s3:getobject",
                # A literal "%" and "+" in a value must survive URL decoding (RFC 3986).
                "Resource": "arn:aws:s3:::bucket/100%/a+b",
            }
        ],
    }
    data = snapshot()
    data["UserDetailList"][1]["UserPolicyList"][0]["PolicyDocument"] = encode(doc)
    data["RoleDetailList"][0]["AssumeRolePolicyDocument"] = encode(TRUST_EC2)
    data["Policies"][0]["PolicyVersionList"][1]["Document"] = encode(doc)
    acct = load_data(data)
    assert errors(acct) == []
    bob = acct.user("bob")
    assert bob is not None
    st = bob.inline_policies[0].document.statements[0]
    assert st.resources == ("arn:aws:s3:::bucket/100%/a+b",)
    assert bob.inline_policies[0].document.version == "2012-10-17"
    web = acct.role("web")
    assert web is not None and web.trust_policy.statements[0].principal is not None
    pol = acct.policy(arn("policy", "Pass"))
    assert pol is not None and pol.document.statements[0].resources == st.resources


def test_url_encoded_documents_as_the_raw_api_sends_them() -> None:
    page = snapshot()
    for r in page["RoleDetailList"]:
        r["AssumeRolePolicyDocument"] = urllib.parse.quote(
            json.dumps(r["AssumeRolePolicyDocument"])
        )
    page["IsTruncated"] = False
    acct = load_data([page])
    assert all(r.trust_policy.statements for r in acct.roles)
    assert acct.problems == ()


def test_moto_shapes_policy_without_name_and_string_dates() -> None:
    data = snapshot()
    del data["Policies"][0]["PolicyName"]
    del data["Policies"][0]["DefaultVersionId"]
    data["Policies"][0]["CreateDate"] = "2024-05-06 07:08:09+00:00"
    data["Policies"][0]["PolicyVersionList"][1]["CreateDate"] = "2024-05-06T07:08:09.000Z"
    del data["RoleDetailList"][1]["RoleName"]
    acct = load_data(data)
    pol = acct.policy(arn("policy", "Pass"))
    assert pol is not None
    assert pol.name == "Pass"
    assert pol.default_version_id == "v2"  # from IsDefaultVersion
    assert pol.versions[1].create_date == "2024-05-06T07:08:09.000Z"
    assert [r.name for r in acct.roles] == ["web", "ops"]
    assert errors(acct) == []


def test_datetime_values_from_boto3_are_kept_as_text() -> None:
    import datetime as dt

    data = snapshot()
    stamp = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    data["UserDetailList"][0]["CreateDate"] = stamp
    acct = load_data(data)
    assert acct.users[0].create_date == str(stamp)


def test_iam_explore_extension() -> None:
    data = snapshot()
    data["IamExplore"] = {
        "FormatVersion": 1,
        "AccountId": "444455556666",
        "fetched_at": "2025-01-01T00:00:00Z",
        "fetched_by": "arn:aws:iam::444455556666:user/auditor",
        "ScpLevels": [
            {"Target": "Root", "Policies": [{"Name": "FullAWSAccess", "Document": ALLOW_S3}]},
            {
                "Target": "ou-prod",
                "Policies": [
                    {
                        "Name": "DenyIam",
                        "Arn": "arn:aws:organizations::1:policy/o-1/service_control_policy/p-1",
                        "Document": json.dumps(
                            {
                                "Version": "2012-10-17",
                                "Statement": {"Effect": "Deny", "Action": "iam:*", "Resource": "*"},
                            }
                        ),
                    }
                ],
            },
            {"Target": "444455556666", "Policies": []},
        ],
    }
    acct = load_data(data)
    assert acct.account_id == "444455556666"  # the extension beats the ARNs
    assert [lv.target for lv in acct.scp_levels] == ["Root", "ou-prod", "444455556666"]
    deny = acct.scp_levels[1].policies[0]
    assert deny.name == "DenyIam"
    assert deny.arn.endswith("p-1")
    assert deny.document.statements[0].effect == "Deny"
    assert dict(acct.metadata) == {
        "fetched_at": "2025-01-01T00:00:00Z",
        "fetched_by": "arn:aws:iam::444455556666:user/auditor",
    }
    assert acct.problems == ()


def test_plain_export_without_extension_derives_account_from_arns() -> None:
    acct = load_data(snapshot())
    assert acct.account_id == ACCT
    assert acct.scp_levels == ()
    assert acct.metadata == ()


def test_account_id_skips_aws_managed_policy_arns() -> None:
    data = {"Policies": [managed("x", Arn="arn:aws:iam::aws:policy/ReadOnlyAccess")]}
    data["Policies"].append(managed("Mine"))
    assert load_data(data).account_id == ACCT


def test_extension_from_the_future_is_fatal() -> None:
    data = snapshot()
    data["IamExplore"] = {"FormatVersion": 99}
    with pytest.raises(LoadError) as info:
        load_data(data)
    assert info.value.path == "IamExplore.FormatVersion"


# --- fatal errors -------------------------------------------------------------------------


def _mutated(path: list[Any], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(snapshot())
    node: Any = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("where", "value", "path", "words"),
    [
        (["RoleDetailList", 1, "Arn"], 42, "RoleDetailList[1].Arn", "non-empty string"),
        (["RoleDetailList", 1, "Arn"], "", "RoleDetailList[1].Arn", "non-empty string"),
        (["UserDetailList"], {"a": 1}, "UserDetailList", "UserDetailList must be a list"),
        (["Policies"], "nope", "Policies", "Policies must be a list"),
        (["GroupDetailList", 0], "devs", "GroupDetailList[0]", "must be an object"),
        (["UserDetailList", 0, "GroupList"], [1], "UserDetailList[0].GroupList[0]", "strings"),
        (["UserDetailList", 0, "Tags"], {}, "UserDetailList[0].Tags", "must be a list"),
        (["UserDetailList", 0, "UserName"], ["x"], "UserDetailList[0].UserName", "string"),
        (
            ["UserDetailList", 1, "UserPolicyList", 0, "PolicyName"],
            None,
            "UserDetailList[1].UserPolicyList[0].PolicyName",
            "missing",
        ),
        (
            ["UserDetailList", 1, "PermissionsBoundary"],
            {"PermissionsBoundaryType": "Policy"},
            "UserDetailList[1].PermissionsBoundary.PermissionsBoundaryArn",
            "missing",
        ),
        (
            ["Policies", 0, "PolicyVersionList", 0],
            [],
            "Policies[0].PolicyVersionList[0]",
            "must be an object",
        ),
        (["IamExplore"], [1], "IamExplore", "must be an object"),
    ],
)
def test_fatal_errors_name_file_and_json_path(
    tmp_path: Path, where: list[Any], value: Any, path: str, words: str
) -> None:
    f = write(tmp_path, "bad.json", _mutated(where, value))
    with pytest.raises(LoadError) as info:
        load_account(f)
    assert info.value.path == path
    assert info.value.file == str(f)
    assert words in str(info.value)
    assert str(info.value).startswith(f"{f}:{path}: ")


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    f = tmp_path / "broken.json"
    f.write_text('{\n  "UserDetailList": [\n    {"Arn": }\n  ]\n}\n')
    with pytest.raises(LoadError) as info:
        load_account(f)
    msg = str(info.value)
    assert str(f) in msg
    assert "line 3 column 13" in msg


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="no such file") as info:
        load_account(tmp_path / "nope.json")
    assert info.value.file == str(tmp_path / "nope.json")


def test_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "readme.txt").write_text("no json here")
    with pytest.raises(LoadError, match=r"no \.json files") as info:
        load_account(tmp_path)
    assert info.value.file == str(tmp_path)


def test_one_bad_page_in_a_directory_names_that_file(tmp_path: Path) -> None:
    write(tmp_path, "a.json", _pages()[0])
    bad = tmp_path / "b.json"
    bad.write_text("{")
    with pytest.raises(LoadError) as info:
        load_account(tmp_path)
    assert info.value.file == str(bad)


def test_not_utf8(tmp_path: Path) -> None:
    f = tmp_path / "bin.json"
    f.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(LoadError, match="UTF-8"):
        load_account(f)


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    f = tmp_path / "bom.json"
    f.write_bytes(b"\xef\xbb\xbf" + json.dumps(snapshot()).encode())
    assert len(load_account(f).users) == 2


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ([1, 2], "[0]"),
        ([snapshot(), "page"], "[1]"),
        ([None], "[0]"),
    ],
)
def test_top_level_list_of_non_objects(data: Any, path: str) -> None:
    with pytest.raises(LoadError, match="each page must be a JSON object") as info:
        load_data(data, source="pages.json")
    assert info.value.path == path
    assert info.value.file == "pages.json"


@pytest.mark.parametrize("data", ["text", 3, None, True])
def test_top_level_scalar(data: Any) -> None:
    with pytest.raises(LoadError, match="get-account-authorization-details"):
        load_data(data)


def test_object_without_any_list_is_fatal() -> None:
    with pytest.raises(LoadError, match="no UserDetailList"):
        load_data({"Users": []})


def test_empty_account_with_all_lists_present_loads() -> None:
    acct = load_data(
        {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [], "Policies": []}
    )
    assert acct.users == () and acct.roles == ()


# --- policy problems are collected, not fatal ---------------------------------------------


BAD_POLICIES: list[tuple[str, list[Any], Any, str, int | None, str]] = [
    (
        "bad-json-in-string",
        ["UserDetailList", 1, "UserPolicyList", 0, "PolicyDocument"],
        '{"Version": "2012-10-17", "Statement": [',
        "UserDetailList[1].UserPolicyList[0].PolicyDocument",
        None,
        "not valid JSON",
    ),
    (
        "bad-url-encoded-json",
        ["UserDetailList", 1, "UserPolicyList", 0, "PolicyDocument"],
        urllib.parse.quote('{"Version": "2012-10-17", "Statement": [}'),
        "UserDetailList[1].UserPolicyList[0].PolicyDocument",
        None,
        "not valid JSON",
    ),
    (
        "unknown-condition-operator",
        ["GroupDetailList", 0, "GroupPolicyList", 0, "PolicyDocument"],
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                {
                    "Effect": "Allow",
                    "Action": "s3:*",
                    "Resource": "*",
                    "Condition": {"StringEqualz": {"aws:username": "bob"}},
                },
            ],
        },
        "GroupDetailList[0].GroupPolicyList[0].PolicyDocument",
        1,
        'unknown condition operator "StringEqualz"',
    ),
    (
        "action-and-notaction",
        ["Policies", 0, "PolicyVersionList", 1, "Document"],
        {
            "Statement": [
                {"Effect": "Allow", "Action": "s3:*", "NotAction": "iam:*", "Resource": "*"}
            ]
        },
        "Policies[0].PolicyVersionList[1].Document",
        0,
        "both Action and NotAction",
    ),
    (
        "missing-effect",
        ["RoleDetailList", 0, "RolePolicyList"],
        [{"PolicyName": "p", "PolicyDocument": {"Statement": [{"Action": "*", "Resource": "*"}]}}],
        "RoleDetailList[0].RolePolicyList[0].PolicyDocument",
        0,
        "missing Effect",
    ),
    (
        "principal-in-identity-policy",
        ["UserDetailList", 1, "UserPolicyList", 0, "PolicyDocument"],
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}],
        },
        "UserDetailList[1].UserPolicyList[0].PolicyDocument",
        0,
        "Principal is not allowed",
    ),
    (
        "trust-without-principal",
        ["RoleDetailList", 1, "AssumeRolePolicyDocument"],
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}],
        },
        "RoleDetailList[1].AssumeRolePolicyDocument",
        0,
        "needs Principal",
    ),
    (
        "document-is-a-list",
        ["Policies", 0, "PolicyVersionList", 0, "Document"],
        [ALLOW_S3],
        "Policies[0].PolicyVersionList[0].Document",
        None,
        "must be a JSON object",
    ),
    (
        "document-missing",
        ["RoleDetailList", 0, "AssumeRolePolicyDocument"],
        None,
        "RoleDetailList[0].AssumeRolePolicyDocument",
        None,
        "missing",
    ),
]


@pytest.mark.parametrize(
    ("where", "value", "path", "statement", "words"),
    [pytest.param(*row[1:], id=row[0]) for row in BAD_POLICIES],
)
def test_policy_problems_are_collected_not_raised(
    tmp_path: Path, where: list[Any], value: Any, path: str, statement: int | None, words: str
) -> None:
    f = write(tmp_path, "acct.json", _mutated(where, value))
    acct = load_account(f)
    errs = errors(acct)
    assert errs, "the problem must be reported"
    assert all(p.path == path for p in errs), [p.located() for p in errs]
    assert all(p.file == str(f) for p in errs)
    assert any(words in p.message for p in errs), [p.message for p in errs]
    assert any(p.statement == statement for p in errs)
    assert all(p.policy for p in errs), "the problem names its policy"
    # The rest of the account is intact.
    assert [u.name for u in acct.users] == ["alice", "bob"]
    assert [g.name for g in acct.groups] == ["devs"]
    assert [r.name for r in acct.roles] == ["web", "ops"]
    assert len(acct.policies) == 1
    alice = acct.user("alice")
    assert alice is not None and alice.attached_policies == (arn("policy", "Pass"),)


def test_unknown_condition_operator_keeps_the_statement() -> None:
    where, value = BAD_POLICIES[2][1], BAD_POLICIES[2][2]
    acct = load_data(_mutated(where, value))
    devs = acct.group("devs")
    assert devs is not None
    assert len(devs.inline_policies[0].document.statements) == 2


def test_broken_statement_is_dropped_but_siblings_kept() -> None:
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {"Effect": "allow", "Action": "iam:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "ec2:*", "Resource": "*"},
        ],
    }
    acct = load_data(_mutated(["UserDetailList", 1, "UserPolicyList", 0, "PolicyDocument"], doc))
    bob = acct.user("bob")
    assert bob is not None
    sts = bob.inline_policies[0].document.statements
    assert [(s.index, s.effect) for s in sts] == [(0, "Allow"), (2, "Deny")]
    (err,) = errors(acct)
    assert err.statement == 1
    assert err.policy == "user bob inline inline-s3"


def test_problem_located_text() -> None:
    f = "acct.json"
    acct = load_data(
        _mutated(["RoleDetailList", 1, "AssumeRolePolicyDocument"], {"Statement": [{}]}),
        source=f,
    )
    (err,) = errors(acct)
    assert err.located() == (
        "acct.json:RoleDetailList[1].AssumeRolePolicyDocument Statement[0] "
        "(role ops trust policy): missing Effect"
    )


# --- warnings -----------------------------------------------------------------------------


def warnings(account: Account) -> list[Problem]:
    return [p for p in account.problems if p.severity == "warning"]


def test_unknown_top_level_fields_are_warnings() -> None:
    data = snapshot()
    data["Users"] = []
    data["Extra"] = {"x": 1}
    acct = load_data(data, source="a.json")
    ws = warnings(acct)
    assert sorted(p.path for p in ws) == ["Extra", "Users"]
    assert all("unknown top-level field" in p.message and p.file == "a.json" for p in ws)
    assert errors(acct) == []
    assert len(acct.users) == 2


def test_unknown_field_in_a_page_names_the_page() -> None:
    pages = _pages()
    pages[1]["Bogus"] = 1
    (w,) = warnings(load_data(pages))
    assert w.path == "[1].Bogus"


def test_user_in_missing_group_is_a_warning() -> None:
    data = snapshot()
    data["UserDetailList"][1]["GroupList"] = ["ghosts"]
    acct = load_data(data)
    ws = [w for w in warnings(acct) if "ghosts" in w.message]
    assert len(ws) == 1
    assert ws[0].policy == arn("user", "bob")
    assert "user bob" in ws[0].message
    assert errors(acct) == []


def test_attached_policy_missing_is_a_warning() -> None:
    data = snapshot()
    missing = arn("policy", "Gone")
    data["RoleDetailList"][0]["AttachedManagedPolicies"] = [
        {"PolicyName": "Gone", "PolicyArn": missing}
    ]
    acct = load_data(data)
    ws = [w for w in warnings(acct) if w.policy == missing]
    assert len(ws) == 1
    assert "role web" in ws[0].message
    web = acct.role("web")
    assert web is not None and web.attached_policies == (missing,)


def test_missing_permissions_boundary_policy_is_a_warning() -> None:
    data = snapshot()
    data["Policies"] = []
    acct = load_data(data)
    missing = {w.policy for w in warnings(acct)}
    assert missing == {arn("policy", "Pass")}
    assert sum("user bob" in w.message for w in warnings(acct)) == 1  # the boundary


def test_managed_policy_without_versions_is_a_warning() -> None:
    data = snapshot()
    data["Policies"][0]["PolicyVersionList"] = []
    acct = load_data(data)
    (w,) = warnings(acct)
    assert w.path == "Policies[0]"
    assert "no PolicyVersionList" in w.message


def test_a_clean_snapshot_has_no_problems() -> None:
    assert load_data(snapshot()).problems == ()


def test_progress_reports_the_total() -> None:
    calls: list[tuple[str, int, int]] = []
    load_data(snapshot(), progress=lambda *a: calls.append(a))
    assert calls
    assert calls[-1][1] == calls[-1][2] == 6


# --- bundled samples ----------------------------------------------------------------------


def _sample_files() -> list[Path]:
    d = samples_dir()
    if not d.is_dir():
        return []
    return sorted(p for p in d.glob("*.json") if not p.name.endswith(".expected.json"))


def test_bundled_samples_load_without_errors() -> None:
    files = _sample_files()
    if not files:
        pytest.skip("sample_accounts/ holds no samples yet")
    for f in files:
        acct = load_account(f)
        assert errors(acct) == [], f"{f.name}: {[p.located() for p in errors(acct)]}"
        assert acct.principals, f"{f.name} has no principals"


def test_deeply_nested_document_string_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    deep = '{"Statement": ' + "[" * 5000 + "]" * 5000 + "}"
    f = write(
        tmp_path,
        "deep.json",
        _mutated(["UserDetailList", 1, "UserPolicyList", 0, "PolicyDocument"], deep),
    )
    acct = load_account(f)
    (err,) = errors(acct)
    assert err.path == "UserDetailList[1].UserPolicyList[0].PolicyDocument"
    assert len(acct.users) == 2


# API_GetAccountAuthorizationDetails: "IsTruncated: A flag that indicates whether there are more
# items to return. ... we recommend that you check IsTruncated after every call to ensure that
# you receive all your results." A set of pages is complete only if one page ends it.
def _page(users: list[dict[str, Any]], truncated: bool) -> dict[str, Any]:
    page: dict[str, Any] = {"UserDetailList": users, "IsTruncated": truncated}
    if truncated:
        page["Marker"] = "AAAA"
    return page


def _user(name: str) -> dict[str, Any]:
    return {
        "UserName": name,
        "UserId": f"AIDA{name.upper():A<17}",
        "Arn": f"arn:aws:iam::{ACCT}:user/{name}",
        "Path": "/",
    }


def test_truncated_export_is_reported_as_a_problem() -> None:
    account = load_data(_page([_user("alice")], truncated=True), source="t.json")
    (problem,) = [p for p in account.problems if "truncated" in p.message]
    assert problem.path == "IsTruncated"
    assert problem.severity == "warning"


def test_pages_ending_with_an_untruncated_page_are_whole() -> None:
    pages = [_page([_user("alice")], truncated=True), _page([_user("bob")], truncated=False)]
    account = load_data(pages, source="t.json")
    assert not [p for p in account.problems if "truncated" in p.message]
    assert len(account.users) == 2


def test_every_page_truncated_names_the_last_one() -> None:
    pages = [_page([_user("alice")], truncated=True), _page([_user("bob")], truncated=True)]
    account = load_data(pages, source="t.json")
    (problem,) = [p for p in account.problems if "truncated" in p.message]
    assert problem.path == "[1].IsTruncated"
