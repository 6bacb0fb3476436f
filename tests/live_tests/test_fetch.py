"""``iam-explore fetch`` against a real local HTTP endpoint (moto), never AWS."""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import os
import stat
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import boto3
import pytest

import core.load.live
from core.load.live import (
    DETAIL_LISTS,
    FetchCancelled,
    FetchError,
    FetchResult,
    ReadOnlyViolation,
    fetch_account,
    is_read_only,
    read_only_client,
    write_snapshot,
)
from core.load.snapshot import load_account
from core.model.account import Account
from tui.cli import main

from .conftest import (
    DUMMY_ENV,
    REGION,
    MotoServer,
    PlantedAccount,
    client,
    free_port,
    snapshot_json,
)


@dataclass
class Run:
    code: int
    out: str
    err: str
    path: Path
    operations: list[str]


def run_fetch(*args: str, path: Path) -> Run:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["fetch", *args, "-o", str(path)])
    return Run(code, out.getvalue(), err.getvalue(), path, [])


def assert_one_line_failure(run: Run, *needles: str) -> str:
    """Exit 2, a single ``iam-explore: ...`` line, no traceback, no file (or temp file) left."""
    assert run.code == 2, (run.out, run.err)
    lines = [line for line in run.err.splitlines() if line.strip()]
    assert len(lines) == 1, run.err
    assert lines[0].startswith("iam-explore: ")
    assert "Traceback" not in run.err
    for needle in needles:
        assert needle in lines[0]
    assert not run.path.exists()
    assert not [p for p in run.path.parent.iterdir() if p.name.startswith(f".{run.path.name}")]
    return lines[0]


@pytest.fixture(scope="module")
def fetched(
    moto_server: MotoServer, planted: PlantedAccount, tmp_path_factory: pytest.TempPathFactory
) -> Run:
    """One fetch of the planted account, with every request the server saw."""
    path = tmp_path_factory.mktemp("fetch") / "snapshot.json"
    moto_server.start_recording()
    run = run_fetch("--endpoint-url", moto_server.url, path=path)
    run.operations = moto_server.stop_recording()
    assert run.code == 0, run.err
    return run


@pytest.fixture(scope="module")
def snapshot(fetched: Run) -> dict[str, Any]:
    return snapshot_json(fetched.path)


@pytest.fixture(scope="module")
def loaded(fetched: Run) -> Account:
    return load_account(fetched.path)


# -- the snapshot matches the account -------------------------------------------------------


def test_summary_line(fetched: Run, planted: PlantedAccount) -> None:
    lines = fetched.out.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"account {planted.account_id}: 3 users, 3 groups, 3 roles, ")
    assert "3 SCP levels" in lines[0]


def test_every_entity_present(snapshot: dict[str, Any], planted: PlantedAccount) -> None:
    assert {u["UserName"] for u in snapshot["UserDetailList"]} == planted.users
    assert {g["GroupName"] for g in snapshot["GroupDetailList"]} == planted.groups
    assert {r["RoleName"] for r in snapshot["RoleDetailList"]} == planted.roles
    arns = {p["Arn"] for p in snapshot["Policies"]}
    assert set(planted.customer_policies.values()) <= arns
    assert planted.aws_policies <= arns


def test_entity_details_kept(snapshot: dict[str, Any], planted: PlantedAccount) -> None:
    users = {u["UserName"]: u for u in snapshot["UserDetailList"]}
    boundary = planted.customer_policies["DeveloperBoundary"]
    assert users["bob"]["Path"] == "/contractors/"
    # moto 5.2.5 ignores a user's PermissionsBoundary (CreateUser and the details both drop it);
    # roles keep theirs, so the boundary is checked on a role.
    assert users["alice"]["GroupList"] == ["developers"]
    assert users["carol"]["UserPolicyList"][0]["PolicyName"] == "self-service"
    roles = {r["RoleName"]: r for r in snapshot["RoleDetailList"]}
    assert roles["lambda-worker"]["Path"] == "/service-role/"
    assert roles["lambda-worker"]["RolePolicyList"][0]["PolicyName"] == "worker-s3"
    assert roles["partner-readonly"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary
    groups = {g["GroupName"]: g for g in snapshot["GroupDetailList"]}
    assert groups["ops"]["GroupPolicyList"][0]["PolicyName"] == "ops-logs"


def test_documents_stored_as_objects(snapshot: dict[str, Any]) -> None:
    role = snapshot["RoleDetailList"][0]
    assert isinstance(role["AssumeRolePolicyDocument"], dict)
    for policy in snapshot["Policies"][:50]:
        for version in policy["PolicyVersionList"]:
            assert isinstance(version["Document"], dict), policy["Arn"]


def test_policy_versions_and_default(snapshot: dict[str, Any], planted: PlantedAccount) -> None:
    policies = {p["Arn"]: p for p in snapshot["Policies"]}
    for arn, default in planted.default_versions.items():
        p = policies[arn]
        assert p["DefaultVersionId"] == default
        assert len(p["PolicyVersionList"]) == planted.version_counts[arn]
        marked = [v["VersionId"] for v in p["PolicyVersionList"] if v["IsDefaultVersion"]]
        assert marked == [default], arn


def test_scp_levels_root_to_account(snapshot: dict[str, Any], planted: PlantedAccount) -> None:
    ext = snapshot["IamExplore"]
    levels = [(lv["Target"], {p["Name"] for p in lv["Policies"]}) for lv in ext["ScpLevels"]]
    assert levels == planted.scp_levels
    assert [t.split()[0] for t, _ in levels] == ["root", "OU", "account"]
    deny = ext["ScpLevels"][2]["Policies"]
    doc = next(p["Document"] for p in deny if p["Name"] == "DenyUserCreation")
    assert doc["Statement"][0] == {"Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"}


def test_extension_metadata(
    snapshot: dict[str, Any], planted: PlantedAccount, fetched: Run, moto_server: MotoServer
) -> None:
    ext = snapshot["IamExplore"]
    assert ext["FormatVersion"] == 1
    assert ext["AccountId"] == planted.account_id
    assert ext["FetchedAt"].endswith("Z")
    assert ext["FetchedBy"].startswith(f"arn:aws:sts::{planted.account_id}:")
    assert ext["FetchedFrom"].startswith("profile ")
    assert ext["FetchedFrom"].endswith(f" / endpoint {moto_server.url}")
    assert "management account" in ext["ScpNote"]
    assert "management account" in fetched.err


def test_file_private_and_free_of_credentials(fetched: Run) -> None:
    assert stat.S_IMODE(fetched.path.stat().st_mode) == 0o600
    text = fetched.path.read_text(encoding="utf-8")
    for secret in (DUMMY_ENV["AWS_SECRET_ACCESS_KEY"], DUMMY_ENV["AWS_SESSION_TOKEN"]):
        assert secret not in text
    assert "ResponseMetadata" not in text
    assert not [p for p in fetched.path.parent.iterdir() if p.name != "snapshot.json"]


def test_snapshot_loads(loaded: Account, fetched: Run, planted: PlantedAccount) -> None:
    account = loaded
    assert account.account_id == planted.account_id
    assert {u.name for u in account.users} == planted.users
    assert {r.name for r in account.roles} == planted.roles
    assert [lv.target.split()[0] for lv in account.scp_levels] == ["root", "OU", "account"]
    assert ("FetchedBy", json.loads(fetched.path.read_text())["IamExplore"]["FetchedBy"]) in (
        account.metadata
    )
    assert not [p for p in account.problems if p.severity == "error"]


def test_fetched_snapshot_has_planted_admin_path_ingredients(
    loaded: Account, planted: PlantedAccount
) -> None:
    """The ingredients of alice -> ec2-admin (PassRole + RunInstances, EC2 trust, profile)."""
    account = loaded
    role_arn = f"arn:aws:iam::{planted.account_id}:role/{planted.admin_role}"
    user = next(u for u in account.users if u.name == planted.escalating_user)
    policies = {p.arn: p for p in account.policies}
    granted = [
        st
        for arn in user.attached_policies
        for v in policies[arn].versions
        if v.is_default
        for st in v.document.statements
        if st.effect == "Allow"
    ]
    assert any("iam:PassRole" in st.actions and st.resources == (role_arn,) for st in granted)
    assert any("ec2:RunInstances" in st.actions for st in granted)
    role = next(r for r in account.roles if r.name == planted.admin_role)
    assert role.arn == role_arn
    assert any(
        st.effect == "Allow" and st.principal and "ec2.amazonaws.com" in st.principal.service
        for st in role.trust_policy.statements
    )
    assert "arn:aws:iam::aws:policy/AdministratorAccess" in role.attached_policies
    admin = policies["arn:aws:iam::aws:policy/AdministratorAccess"]
    default = next(v for v in admin.versions if v.is_default)
    assert any(st.actions == ("*",) for st in default.document.statements)
    assert [ip.name for ip in role.instance_profiles] == [planted.admin_instance_profile]
    assert role.instance_profiles[0].role_names == (planted.admin_role,)


def test_fetch_then_scan_finds_the_planted_admin_edge(
    fetched: Run, planted: PlantedAccount, capsys: pytest.CaptureFixture[str]
) -> None:
    """fetch → scan: alice can pass ec2-admin to EC2, which escalates to admin."""
    assert main(["scan", str(fetched.path), "--format", "json", "--fail-on", "admin"]) == 1
    report = json.loads(capsys.readouterr().out)
    user_arn = f"arn:aws:iam::{planted.account_id}:user/{planted.escalating_user}"
    role_arn = f"arn:aws:iam::{planted.account_id}:role/{planted.admin_role}"
    edges = [
        f
        for f in report["findings"]
        if f["kind"] == "passrole" and f["source"] == user_arn and f["role"] == role_arn
    ]
    assert [
        (f["service"], f["escalation"]) for f in edges if f["service"] == "ec2.amazonaws.com"
    ] == [("ec2.amazonaws.com", "admin")]
    assert any(p["source"] == user_arn for p in report["paths"])
    assert report["summary"]["scp_levels"] == 3


# -- read-only, provably ---------------------------------------------------------------------


def test_every_served_operation_is_read_only(fetched: Run) -> None:
    ops = fetched.operations
    assert ops[0] == "sts:GetCallerIdentity"
    assert "iam:GetAccountAuthorizationDetails" in ops
    assert {
        "organizations:DescribeOrganization",
        "organizations:ListParents",
        "organizations:ListPoliciesForTarget",
        "organizations:DescribePolicy",
    } <= set(ops)
    assert all(is_read_only(op.split(":", 1)[1]) for op in ops), ops


def test_write_through_wrapped_client_is_refused(moto_server: MotoServer) -> None:
    # A user to read back, whatever ran on this (session-wide) server before.
    raw = client(moto_server.url, "iam")
    with contextlib.suppress(raw.exceptions.EntityAlreadyExistsException):
        raw.create_user(UserName="reader-check")
    iam = read_only_client(boto3.Session(), "iam", region=REGION, endpoint_url=moto_server.url)
    moto_server.start_recording()
    with pytest.raises(ReadOnlyViolation, match="iam:CreateUser"):
        iam.create_user(UserName="mallory")
    with pytest.raises(ReadOnlyViolation, match="iam:AttachUserPolicy"):
        iam.attach_user_policy(UserName="alice", PolicyArn="arn:aws:iam::aws:policy/IAMFullAccess")
    assert iam.list_users()["Users"]  # reads still work
    # Nothing else was sent (a read may be retried by botocore on a busy machine: sent twice).
    assert set(moto_server.stop_recording()) == {"iam:ListUsers"}
    names = {u["UserName"] for u in client(moto_server.url, "iam").list_users()["Users"]}
    assert "mallory" not in names


@pytest.mark.parametrize(
    ("operation", "allowed"),
    [
        ("GetCallerIdentity", True),
        ("DecodeAuthorizationMessage", True),
        ("ListParents", True),
        ("DescribePolicy", True),
        ("CreateUser", False),
        ("PutRolePolicy", False),
        ("AssumeRole", False),
        ("UpdateAssumeRolePolicy", False),
        ("getUser", False),
    ],
)
def test_is_read_only(operation: str, allowed: bool) -> None:
    assert is_read_only(operation) is allowed


# -- organizations absent or unreadable -----------------------------------------------------


def test_no_organization_still_succeeds(
    moto_server: MotoServer, use_account: Any, tmp_path: Path
) -> None:
    account = use_account("210987654321")
    client(moto_server.url, "iam").create_user(UserName="solo")
    run = run_fetch("--endpoint-url", moto_server.url, path=tmp_path / "solo.json")
    assert run.code == 0, run.err
    assert "SCPs not visible: the account is not in an organization" in run.err
    ext = snapshot_json(run.path)["IamExplore"]
    assert ext["AccountId"] == account
    assert ext["ScpLevels"] == []
    assert ext["ScpNote"].startswith("SCPs not visible:")
    assert [u.name for u in load_account(run.path).users] == ["solo"]


_ACCOUNTS = itertools.count()


@pytest.fixture
def limited_user(
    moto_server: MotoServer, use_account: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Any]:
    """A fresh account with one user allowed only ``actions``; moto's authorization turned on."""

    def make(*actions: str) -> None:
        use_account(f"2222333344{next(_ACCOUNTS):02d}")
        iam = client(moto_server.url, "iam")
        iam.create_user(UserName="limited")
        iam.put_user_policy(
            UserName="limited",
            PolicyName="only",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}],
                }
            ),
        )
        key = iam.create_access_key(UserName="limited")["AccessKey"]
        monkeypatch.delenv("MOTO_ACCOUNT_ID")  # the access key now names the account
        monkeypatch.delenv("AWS_SESSION_TOKEN")
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
        moto_server.set_auth(True)

    try:
        yield make
    finally:
        moto_server.set_auth(False)


def test_access_denied_names_the_permission(
    moto_server: MotoServer, limited_user: Any, tmp_path: Path
) -> None:
    limited_user("sts:GetCallerIdentity", "iam:ListUsers")
    run = run_fetch("--endpoint-url", moto_server.url, path=tmp_path / "denied.json")
    line = assert_one_line_failure(
        run, "access denied", "iam:GetAccountAuthorizationDetails", "SecurityAudit"
    )
    assert "ReadOnlyAccess" in line


def test_organizations_denied_is_a_note(
    moto_server: MotoServer, limited_user: Any, tmp_path: Path
) -> None:
    limited_user("sts:GetCallerIdentity", "iam:GetAccountAuthorizationDetails")
    run = run_fetch("--endpoint-url", moto_server.url, path=tmp_path / "no-org.json")
    assert run.code == 0, run.err
    ext = snapshot_json(run.path)["IamExplore"]
    assert ext["ScpLevels"] == []
    assert ext["ScpNote"].startswith("SCPs not visible: organizations:DescribeOrganization")


# -- errors a person can act on --------------------------------------------------------------


def test_endpoint_not_answering(tmp_path: Path, aws_env: None) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    run = run_fetch("--endpoint-url", url, path=tmp_path / "s.json")
    assert_one_line_failure(run, "not answering", url)


def test_no_credentials(tmp_path: Path, aws_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)
    url = f"http://127.0.0.1:{free_port()}"
    run = run_fetch("--endpoint-url", url, path=tmp_path / "s.json")
    assert_one_line_failure(run, "no AWS credentials found")


def test_unknown_profile(tmp_path: Path, aws_env: None) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    run = run_fetch("--profile", "nosuch", "--endpoint-url", url, path=tmp_path / "s.json")
    assert_one_line_failure(run, 'profile "nosuch" not found')


SSO_CONFIG = """
[profile legacy-sso]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
sso_account_id = 123456789012
sso_role_name = Audit
region = us-east-1

[profile session-sso]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = Audit
region = us-east-1

[sso-session corp]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
"""


@pytest.mark.parametrize("profile", ["legacy-sso", "session-sso"])
def test_sso_login_needed(
    profile: str, tmp_path: Path, aws_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No cached SSO token: botocore fails before any request (the SSO endpoint is closed too)."""
    closed = f"http://127.0.0.1:{free_port()}"
    config = tmp_path / "config"
    config.write_text(SSO_CONFIG)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("HOME", str(tmp_path))  # an empty ~/.aws/sso/cache
    monkeypatch.setenv("AWS_ENDPOINT_URL", closed)  # belt and braces: nothing can leave
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)
    run = run_fetch("--profile", profile, "--endpoint-url", closed, path=tmp_path / "s.json")
    assert_one_line_failure(run, f"run `aws sso login --profile {profile}`")


class _Throttler(BaseHTTPRequestHandler):
    """Answers GetCallerIdentity, throttles everything else (query protocol)."""

    throttled: list[str] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        action = parse_qs(body).get("Action", [""])[0]
        if action == "GetCallerIdentity":
            status, text = (
                200,
                (
                    '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
                    "<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/t</Arn>"
                    "<UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account>"
                    "</GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId>"
                    "</ResponseMetadata></GetCallerIdentityResponse>"
                ),
            )
        else:
            type(self).throttled.append(action)
            status, text = (
                400,
                (
                    '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error>'
                    "<Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message>"
                    "</Error><RequestId>2</RequestId></ErrorResponse>"
                ),
            )
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


def test_throttling_outlasting_retries(
    tmp_path: Path, aws_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real HTTP endpoint that always throttles IAM: botocore retries, then one line."""
    monkeypatch.setattr(core.load.live, "RETRY_CONFIG", {"mode": "adaptive", "max_attempts": 2})
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Throttler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        run = run_fetch("--endpoint-url", url, path=tmp_path / "s.json")
    finally:
        server.shutdown()
    assert_one_line_failure(
        run, "kept throttling iam:GetAccountAuthorizationDetails", "after 2 retries"
    )
    # botocore's max_attempts counts retries: one request and two retries.
    assert _Throttler.throttled == ["GetAccountAuthorizationDetails"] * 3


def test_unwritable_output(fetched_result: FetchResult, tmp_path: Path) -> None:
    with pytest.raises(FetchError, match=r"^cannot write .*missing"):
        write_snapshot(fetched_result, tmp_path / "missing" / "s.json")
    assert not (tmp_path / "missing").exists()


def test_existing_file_replaced_private(fetched_result: FetchResult, tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text("old")
    os.chmod(path, 0o644)
    write_snapshot(fetched_result, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert snapshot_json(path)["IamExplore"]["AccountId"] == fetched_result.account_id
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]


# -- progress and cancellation ---------------------------------------------------------------


@pytest.fixture(scope="module")
def progress_seen() -> list[tuple[str, int, int]]:
    return []


@pytest.fixture(scope="module")
def fetched_result(
    moto_server: MotoServer, planted: PlantedAccount, progress_seen: list[tuple[str, int, int]]
) -> FetchResult:
    """One fetch through the API (not the CLI), recording its progress reports."""
    return fetch_account(endpoint_url=moto_server.url, progress=lambda *a: progress_seen.append(a))


def test_progress(fetched_result: FetchResult, progress_seen: list[tuple[str, int, int]]) -> None:
    assert [s[1] for s in progress_seen] == list(range(1, len(progress_seen) + 1))
    assert progress_seen[-1][1] == fetched_result.pages
    stages = [s[0] for s in progress_seen]
    assert stages[0] == "caller identity"
    assert stages[-1] == "service control policies"
    entities = [s[2] for s in progress_seen]
    assert entities == sorted(entities)
    total = sum(fetched_result.count(k) for k in DETAIL_LISTS)
    assert total <= entities[-1]


def test_cancel(moto_server: MotoServer, planted: PlantedAccount) -> None:
    cancel = threading.Event()
    stages: list[str] = []

    def stop_after_first(stage: str, pages: int, entities: int) -> None:
        stages.append(stage)
        cancel.set()

    with pytest.raises(FetchCancelled):
        fetch_account(endpoint_url=moto_server.url, progress=stop_after_first, cancel=cancel)
    assert stages == ["caller identity"]


def test_fetch_error_is_an_iam_explore_error() -> None:
    assert issubclass(FetchError, ValueError)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["fetch", "-o", "s.json"], (None, None)),
        (["--profile", "top", "--region", "eu-west-1", "fetch", "-o", "s"], ("top", "eu-west-1")),
        (["--profile", "top", "fetch", "--profile", "sub", "-o", "s"], ("sub", None)),
    ],
)
def test_subcommand_options_win(argv: list[str], expected: tuple[str | None, str | None]) -> None:
    from tui.cli import build_parser

    args = build_parser().parse_args(argv)
    assert (args.profile, args.region) == expected
