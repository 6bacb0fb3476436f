"""A local moto server (real HTTP on 127.0.0.1) and a realistic account built through boto3.

Nothing here ever reaches AWS: dummy credentials come from the environment, the AWS config and
credentials files point at empty temporary files, and every client names the local endpoint.

``build_planted_account`` is shared with other live tests (the planted escalation that ``scan``
must find): alice may pass the ``ec2-admin`` role and launch instances; that role trusts EC2,
holds AdministratorAccess and sits in an instance profile.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest

ACCOUNT_ID = "123456789012"
"""moto's default account: the organization's management account here."""

REGION = "us-east-1"

DUMMY_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing-secret-never-in-snapshots",
    "AWS_SESSION_TOKEN": "testing-token-never-in-snapshots",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_EC2_METADATA_DISABLED": "true",
    # AWS managed policies (AdministratorAccess, AmazonEC2FullAccess, ...) exist in moto's IAM
    # only with this set before the account's IAM backend is first used.
    "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
}
CLEARED_ENV = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_REGION",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_IAM",
    "AWS_ENDPOINT_URL_STS",
    "AWS_ENDPOINT_URL_ORGANIZATIONS",
    "MOTO_ACCOUNT_ID",
)


@dataclass
class MotoServer:
    """The running server and its request recorder."""

    url: str
    recording: Path

    def post(self, path: str, data: bytes = b"") -> bytes:
        req = urllib.request.Request(
            f"{self.url}{path}", data=data, method="POST", headers={"Content-Type": "text/plain"}
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            return bytes(resp.read())

    def start_recording(self) -> None:
        self.post("/moto-api/recorder/reset-recording")
        self.post("/moto-api/recorder/start-recording")

    def stop_recording(self) -> list[str]:
        """Stop recording; return the ``service:Operation`` of every request served."""
        self.post("/moto-api/recorder/stop-recording")
        with urllib.request.urlopen(
            f"{self.url}/moto-api/recorder/download-recording", timeout=10
        ) as resp:
            text = resp.read().decode("utf-8")
        return [operation_of(json.loads(line)) for line in text.splitlines() if line.strip()]

    def set_auth(self, enabled: bool) -> None:
        """Turn moto's IAM authorization checks on (every request) or off."""
        self.post("/moto-api/reset-auth", b"0" if enabled else b"inf")


def operation_of(entry: dict[str, Any]) -> str:
    """``service:Operation`` of one recorded request (query or JSON protocol)."""
    headers = {k.lower(): v for k, v in entry.get("headers", {}).items()}
    auth = headers.get("authorization", "")
    service = auth.split("/")[3] if auth.count("/") >= 4 else "?"
    target = headers.get("x-amz-target", "")
    if target:
        return f"{service}:{target.rsplit('.', 1)[-1]}"
    body = entry.get("body") or ""
    if entry.get("body_encoded"):
        body = base64.b64decode(body).decode("utf-8", "replace")
    params = urllib.parse.parse_qs(body) | urllib.parse.parse_qs(
        urllib.parse.urlsplit(entry.get("url", "")).query
    )
    action = params.get("Action", [""])[0] or _rest_operation(
        service, entry.get("method", ""), entry.get("url", "")
    )
    return f"{service}:{action}"


def _rest_operation(service: str, method: str, url: str) -> str:
    """The operation of a REST-protocol request (Lambda), from botocore's own URI templates."""
    import re

    import botocore.session

    path = urllib.parse.urlsplit(url).path
    loader = botocore.session.get_session().get_component("data_loader")
    names = {"lambda": "lambda"}
    try:
        model = loader.load_service_model(names.get(service, service), "service-2")
    except Exception:
        return "?"
    for name, op in model["operations"].items():
        http = op.get("http", {})
        template = http.get("requestUri", "").split("?", 1)[0]
        pattern = re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template))
        if http.get("method") == method and re.fullmatch(pattern, path):
            return str(name)
    return "?"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def aws_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Dummy credentials and empty AWS config files, so no real profile is ever read."""
    home = tmp_path_factory.mktemp("aws-home")
    (home / "config").write_text("")
    (home / "credentials").write_text("")
    with pytest.MonkeyPatch.context() as mp:
        for name in CLEARED_ENV:
            mp.delenv(name, raising=False)
        for name, value in DUMMY_ENV.items():
            mp.setenv(name, value)
        mp.setenv("AWS_CONFIG_FILE", str(home / "config"))
        mp.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "credentials"))
        yield


@pytest.fixture(scope="session")
def moto_server(aws_env: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    """A moto server on a free 127.0.0.1 port for the whole session."""
    from moto.moto_api import recorder
    from moto.server import ThreadedMotoServer

    recording = tmp_path_factory.mktemp("moto") / "recording.jsonl"
    recorder._location = str(recording)  # the server runs in this process
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield MotoServer(url=f"http://{host}:{port}", recording=recording)
    finally:
        server.stop()


def client(endpoint_url: str, service: str) -> Any:
    """An unrestricted boto3 client for building fixtures (never used by the code under test)."""
    return boto3.client(service, endpoint_url=endpoint_url, region_name=REGION)


def _doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _trust(service: str | None = None, account: str | None = None) -> str:
    principal = {"Service": service} if service else {"AWS": f"arn:aws:iam::{account}:root"}
    return _doc({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"})


@dataclass
class PlantedAccount:
    """What :func:`build_planted_account` created, for assertions."""

    account_id: str
    users: set[str] = field(default_factory=set)
    groups: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    customer_policies: dict[str, str] = field(default_factory=dict)
    """name -> ARN"""
    aws_policies: set[str] = field(default_factory=set)
    """ARNs of the AWS managed policies attached to something"""
    default_versions: dict[str, str] = field(default_factory=dict)
    """customer policy ARN -> its default version id"""
    version_counts: dict[str, int] = field(default_factory=dict)
    scp_levels: list[tuple[str, set[str]]] = field(default_factory=list)
    """(target kind and id as in the snapshot's ``Target``, SCP names), root first"""
    escalating_user: str = "alice"
    admin_role: str = "ec2-admin"
    admin_instance_profile: str = "ec2-admin-profile"


ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
EC2_FULL = "arn:aws:iam::aws:policy/AmazonEC2FullAccess"
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
SECURITY_AUDIT = "arn:aws:iam::aws:policy/SecurityAudit"


def build_planted_account(endpoint_url: str, *, with_organization: bool = True) -> PlantedAccount:
    """Build a realistic account with a planted PassRole escalation (alice -> ec2-admin).

    Users, groups, roles (trust policies, paths, instance profiles), customer policies with
    several versions (one non-default), a permissions boundary, attached AWS managed policies
    and, optionally, an organization with an OU and SCPs at the root, the OU and the account.
    """
    iam = client(endpoint_url, "iam")
    account_id = client(endpoint_url, "sts").get_caller_identity()["Account"]
    out = PlantedAccount(account_id=account_id)

    def policy(name: str, *versions: str, default: int, path: str = "/") -> str:
        created = iam.create_policy(PolicyName=name, Path=path, PolicyDocument=versions[0])
        arn = str(created["Policy"]["Arn"])
        for i, doc in enumerate(versions[1:], start=2):
            iam.create_policy_version(
                PolicyArn=arn, PolicyDocument=doc, SetAsDefault=(i == default)
            )
        out.customer_policies[name] = arn
        out.default_versions[arn] = f"v{default}"
        out.version_counts[arn] = len(versions)
        return arn

    # The planted path: v2 (default) lets alice pass ec2-admin and launch instances; v3 (not
    # default) would grant iam:* but must not count.
    pass_and_launch = policy(
        "DeveloperPassRole",
        _doc({"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}),
        _doc(
            {
                "Sid": "PassAdminRoleToEc2",
                "Effect": "Allow",
                "Action": "iam:PassRole",
                "Resource": f"arn:aws:iam::{account_id}:role/ec2-admin",
            },
            {"Sid": "Launch", "Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"},
        ),
        _doc({"Effect": "Allow", "Action": "iam:*", "Resource": "*"}),
        default=2,
    )
    boundary = policy(
        "DeveloperBoundary",
        _doc({"Effect": "Allow", "Action": ["s3:*", "ec2:*", "iam:PassRole"], "Resource": "*"}),
        default=1,
        path="/boundaries/",
    )
    reports = policy(
        "ReportsReader",
        _doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}),
        _doc({"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::reports/*"}),
        default=1,
    )

    for name in ("developers", "auditors", "ops"):
        iam.create_group(GroupName=name)
        out.groups.add(name)
    iam.attach_group_policy(GroupName="developers", PolicyArn=EC2_FULL)
    iam.attach_group_policy(GroupName="auditors", PolicyArn=SECURITY_AUDIT)
    iam.attach_group_policy(GroupName="auditors", PolicyArn=reports)
    iam.put_group_policy(
        GroupName="ops",
        PolicyName="ops-logs",
        PolicyDocument=_doc({"Effect": "Allow", "Action": "logs:*", "Resource": "*"}),
    )

    iam.create_user(UserName="alice", Tags=[{"Key": "team", "Value": "dev"}])
    iam.add_user_to_group(UserName="alice", GroupName="developers")
    iam.attach_user_policy(UserName="alice", PolicyArn=pass_and_launch)
    iam.create_user(UserName="bob", Path="/contractors/", PermissionsBoundary=boundary)
    iam.add_user_to_group(UserName="bob", GroupName="developers")
    iam.attach_user_policy(UserName="bob", PolicyArn=READ_ONLY)
    iam.create_user(UserName="carol")
    iam.add_user_to_group(UserName="carol", GroupName="auditors")
    iam.add_user_to_group(UserName="carol", GroupName="ops")
    iam.put_user_policy(
        UserName="carol",
        PolicyName="self-service",
        PolicyDocument=_doc(
            {
                "Effect": "Allow",
                "Action": "iam:ChangePassword",
                "Resource": "arn:aws:iam::*:user/${aws:username}",
            }
        ),
    )
    out.users |= {"alice", "bob", "carol"}

    iam.create_role(RoleName="ec2-admin", AssumeRolePolicyDocument=_trust("ec2.amazonaws.com"))
    iam.attach_role_policy(RoleName="ec2-admin", PolicyArn=ADMIN)
    iam.create_instance_profile(InstanceProfileName="ec2-admin-profile")
    iam.add_role_to_instance_profile(InstanceProfileName="ec2-admin-profile", RoleName="ec2-admin")
    iam.create_role(
        RoleName="lambda-worker",
        Path="/service-role/",
        AssumeRolePolicyDocument=_trust("lambda.amazonaws.com"),
        Description="runs the nightly job",
    )
    iam.put_role_policy(
        RoleName="lambda-worker",
        PolicyName="worker-s3",
        PolicyDocument=_doc({"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}),
    )
    iam.create_role(
        RoleName="partner-readonly",
        AssumeRolePolicyDocument=_trust(account="999988887777"),
        PermissionsBoundary=boundary,
    )
    iam.attach_role_policy(RoleName="partner-readonly", PolicyArn=READ_ONLY)
    out.roles |= {"ec2-admin", "lambda-worker", "partner-readonly"}
    out.aws_policies |= {ADMIN, EC2_FULL, READ_ONLY, SECURITY_AUDIT}

    if with_organization:
        out.scp_levels = _build_organization(endpoint_url, account_id)
    return out


def _build_organization(endpoint_url: str, account_id: str) -> list[tuple[str, set[str]]]:
    org = client(endpoint_url, "organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    ou = org.create_organizational_unit(ParentId=root, Name="Workloads")["OrganizationalUnit"]["Id"]
    org.move_account(AccountId=account_id, SourceParentId=root, DestinationParentId=ou)

    def scp(name: str, target: str, *statements: dict[str, Any]) -> None:
        pid = org.create_policy(
            Name=name,
            Description=name,
            Type="SERVICE_CONTROL_POLICY",
            Content=_doc(*statements),
        )["Policy"]["PolicySummary"]["Id"]
        org.attach_policy(PolicyId=pid, TargetId=target)

    scp(
        "DenyLeaveOrganization",
        root,
        {"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"},
    )
    scp(
        "DenyOutsideEu",
        ou,
        {
            "Effect": "Deny",
            "NotAction": ["iam:*", "sts:*", "organizations:*"],
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}},
        },
    )
    scp(
        "DenyUserCreation",
        account_id,
        {"Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"},
    )

    def attached(target: str) -> set[str]:
        return {
            p["Name"]
            for p in org.list_policies_for_target(TargetId=target, Filter="SERVICE_CONTROL_POLICY")[
                "Policies"
            ]
        }

    return [
        (f"root {root}", attached(root)),
        (f"OU Workloads ({ou})", attached(ou)),
        (f"account {account_id}", attached(account_id)),
    ]


@pytest.fixture(scope="session")
def planted(moto_server: MotoServer) -> PlantedAccount:
    """The planted account in moto's default account (built once)."""
    return build_planted_account(moto_server.url)


@pytest.fixture
def use_account(
    moto_server: MotoServer, planted: PlantedAccount, monkeypatch: pytest.MonkeyPatch
) -> Any:
    """Switch every request (this test only) to another, fresh moto account.

    moto reads ``MOTO_ACCOUNT_ID`` per request and the server runs in this process, so no
    ``/moto-api/reset`` (which would wipe the shared planted account) is needed.

    Takes ``planted`` so that the shared account is always built first. When a fresh-account
    test (``MOTO_IAM_LOAD_MANAGED_POLICIES=false`` for its duration) ran before the planted
    account was built, the planted account lacked the AWS managed policies and its
    ``AttachGroupPolicy`` of ``AmazonEC2FullAccess`` failed (NoSuchEntity). Seen serially with
    ``pytest -p no:randomly tests/live_tests/test_fetch.py::test_no_organization_still_succeeds
    tests/live_tests/test_fetch.py::test_progress``, and under ``pytest -n 2``.
    """

    def switch(account_id: str) -> str:
        monkeypatch.setenv("MOTO_ACCOUNT_ID", account_id)
        # A fresh account's IAM is created on first use: without ~1,500 AWS managed policies it
        # is quick, and these tests do not need them.
        monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "false")
        return account_id

    return switch


def snapshot_json(path: os.PathLike[str]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    return data
