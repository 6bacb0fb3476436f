"""Read-only live fetch of one AWS account into a snapshot (the only module importing boto3).

:func:`fetch_account` reads the caller identity (STS), every IAM entity and managed policy
(``GetAccountAuthorizationDetails``) and, when they are readable, the service control policies
at each level from the organization root down to the account. :func:`write_snapshot` stores the
result atomically in the format :func:`core.load.snapshot.load_account` reads.

Read-only is enforced, not promised: every client is made by :func:`read_only_client`, which
refuses any operation whose name does not start with ``Get``, ``List``, ``Describe``,
``BatchGet`` or ``Decode`` before a request is built. :func:`fetch_resources` adds the existing
resources (instances, functions, projects, stacks, ...) per region. Failures a person can act
on become one-line :class:`FetchError` messages.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
    SSOTokenLoadError,
    TokenRetrievalError,
    UnauthorizedSSOTokenError,
)

from core.load.snapshot import EXTENSION_KEY, FORMAT_VERSION
from core.model.errors import IamExploreError

READ_ONLY_PREFIXES = ("Get", "List", "Describe", "BatchGet", "Decode")
"""An operation is allowed only when its name starts with one of these. ``BatchGet`` is there
because CodeBuild offers no other way to read a project's service role (``BatchGetProjects``;
AWS's ReadOnlyAccess grants ``codebuild:BatchGet*`` as a read)."""

RETRY_CONFIG: dict[str, Any] = {"mode": "adaptive", "max_attempts": 10}
"""botocore retries for every call after the first (throttling backs off client-side too).
In a ``retries`` dict botocore's ``max_attempts`` counts retries, not the first request."""

PROBE_RETRY_CONFIG: dict[str, Any] = {"mode": "standard", "max_attempts": 1}
"""Retries for the first call (``GetCallerIdentity``), so an endpoint that does not answer
fails in seconds instead of after ten backed-off connection attempts."""

CONNECT_TIMEOUT = 10
READ_TIMEOUT = 60
DEFAULT_REGION = "us-east-1"

AUTHORIZATION_FILTERS = ("User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy")
DETAIL_LISTS = ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")

ProgressCallback = Callable[[str, int, int], None]
"""``progress(stage, pages, entities)``: API responses received and entities collected so far."""


class CancelToken(Protocol):
    """Anything with ``is_set()``, such as :class:`threading.Event`."""

    def is_set(self) -> bool: ...


class FetchError(IamExploreError):
    """A live fetch failed for a reason a person can act on (one line, no traceback)."""


class ReadOnlyViolation(IamExploreError):
    """An AWS operation that could change the account was attempted and refused before sending."""


class FetchCancelled(IamExploreError):
    """The fetch was cancelled through its ``cancel`` token."""


@dataclass(frozen=True, slots=True)
class FetchResult:
    """Everything one fetch read, as raw API dicts (datetimes still as ``datetime``).

    Attributes:
        account_id: the account fetched (from ``sts:GetCallerIdentity``).
        caller_arn: who fetched it.
        details: the merged ``GetAccountAuthorizationDetails`` lists, keyed as in the API.
        scp_levels: ``[{"Target", "Policies": [{"Name", "Arn", "Document"}]}]``, root first.
        scp_note: why SCPs are missing or partial (``""`` when they were read).
        fetched_at: when the fetch finished (UTC).
        fetched_from: ``"profile X / endpoint Y"`` (never a credential).
        pages: API responses received.
        metadata: other facts worth keeping (organization id, management account).
        resources: the ``Resources`` extension object (``None``: not fetched).
    """

    account_id: str
    caller_arn: str
    details: Mapping[str, list[dict[str, Any]]]
    scp_levels: tuple[dict[str, Any], ...]
    scp_note: str
    fetched_at: datetime
    fetched_from: str
    pages: int = 0
    metadata: Mapping[str, str] = field(default_factory=dict)
    resources: Mapping[str, Any] | None = None

    def count(self, key: str) -> int:
        """Number of items in one of :data:`DETAIL_LISTS`."""
        return len(self.details.get(key, ()))


# -- the read-only guard -----------------------------------------------------------------------


def is_read_only(operation: str) -> bool:
    """Whether an AWS operation name (``ListUsers``, ``CreateUser``) may be called."""
    return operation.startswith(READ_ONLY_PREFIXES)


def _refuse_writes(model: Any = None, **_: Any) -> None:
    name = getattr(model, "name", "")
    if not is_read_only(name):
        service = getattr(getattr(model, "service_model", None), "service_name", "aws")
        raise ReadOnlyViolation(
            f"refused {service}:{name}: iam-explore only calls "
            "Get/List/Describe/BatchGet/Decode operations"
        )


def read_only_client(
    session: Any,
    service: str,
    *,
    region: str | None = None,
    endpoint_url: str | None = None,
    retries: Mapping[str, Any] | None = None,
) -> Any:
    """Create a boto3 client that refuses every operation that is not read-only.

    The guard runs on ``before-parameter-build`` (before the request is even serialised) and
    again on ``before-call`` (the last event before sending), for plain calls and paginators.
    """
    config = Config(
        retries=dict(retries or RETRY_CONFIG),
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        user_agent_extra="iam-explore",
    )
    client = session.client(service, region_name=region, endpoint_url=endpoint_url, config=config)
    client.meta.events.register_first("before-parameter-build", _refuse_writes)
    client.meta.events.register_first("before-call", _refuse_writes)
    return client


# -- error translation ---------------------------------------------------------------------------

_ACCESS_DENIED = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedAccess",
        "AuthorizationError",
    }
)
_THROTTLED = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
        "SlowDown",
    }
)
_BAD_CREDENTIALS = frozenset(
    {
        "InvalidClientTokenId",
        "SignatureDoesNotMatch",
        "UnrecognizedClientException",
        "InvalidAccessKeyId",
        "AuthFailure",
    }
)
_EXPIRED = frozenset({"ExpiredToken", "ExpiredTokenException", "RequestExpired"})
_PERMISSION_RE = re.compile(r"perform:\s*([A-Za-z0-9-]+:[A-Za-z0-9*]+)")
_ADVICE = "attach the AWS managed policy SecurityAudit (or ReadOnlyAccess) to the caller"


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _is_denied(exc: ClientError) -> bool:
    # An unparsed error body leaves the HTTP status as the code (moto answers Organizations'
    # JSON protocol with an XML AccessDenied): a bare 403 is an authorization failure.
    return _error_code(exc) in _ACCESS_DENIED or _error_code(exc) == "403"


def _error_message(exc: ClientError) -> str:
    return _one_line(exc.response.get("Error", {}).get("Message", "") or "")


def missing_permission(exc: ClientError, service: str) -> str:
    """The ``service:Action`` an access-denied error names, else the one the call needed."""
    match = _PERMISSION_RE.search(_error_message(exc))
    if match:
        return match.group(1)
    return f"{service}:{exc.operation_name}"


def _profile_hint(profile: str | None) -> str:
    return f" --profile {profile}" if profile else ""


def translate_error(exc: Exception, *, service: str, profile: str | None) -> FetchError | None:
    """Turn a boto3/botocore failure into a one-line :class:`FetchError` (None: not ours)."""
    who = f'profile "{profile}"' if profile else "the default credentials"
    msg: str | None = None
    if isinstance(exc, ProfileNotFound):
        name = exc.kwargs.get("profile", profile)
        msg = (
            f'AWS profile "{name}" not found in ~/.aws/config or ~/.aws/credentials: '
            "check the name with `aws configure list-profiles`"
        )
    elif isinstance(exc, (TokenRetrievalError, UnauthorizedSSOTokenError, SSOTokenLoadError)):
        msg = (
            f"the AWS SSO session for {who} has expired or is missing: "
            f"run `aws sso login{_profile_hint(profile)}`"
        )
    elif isinstance(exc, (NoCredentialsError, PartialCredentialsError)):
        msg = (
            "no AWS credentials found: pass --profile NAME, set AWS_PROFILE, run "
            "`aws configure` or `aws sso login`"
        )
    elif isinstance(exc, NoRegionError):
        msg = "no AWS region configured: pass --region (for example us-east-1)"
    elif isinstance(exc, (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError)):
        url = exc.kwargs.get("endpoint_url", "") or "the AWS endpoint"
        timed_out = isinstance(exc, (ConnectTimeoutError, ReadTimeoutError))
        msg = (
            f"the endpoint {url} is not answering{' (timed out)' if timed_out else ''}: "
            "check --endpoint-url, the network or a proxy"
        )
    elif isinstance(exc, ClientError):
        code = _error_code(exc)
        op = f"{service}:{exc.operation_name}"
        if _is_denied(exc):
            msg = f"access denied: the caller lacks {missing_permission(exc, service)}; {_ADVICE}"
        elif code in _THROTTLED:
            retries = RETRY_CONFIG.get("max_attempts", "several")
            msg = (
                f"AWS kept throttling {op} ({code}) after {retries} retries: "
                "wait a few minutes and retry"
            )
        elif code in _EXPIRED:
            msg = (
                f"the AWS credentials of {who} have expired ({code}): refresh them "
                f"(for SSO: `aws sso login{_profile_hint(profile)}`) and retry"
            )
        elif code in _BAD_CREDENTIALS:
            msg = (
                f"AWS rejected the credentials of {who} ({code}): check the access key, "
                "secret and session token"
            )
        else:
            msg = f"{op} failed: {code}: {_error_message(exc)}"
    elif isinstance(exc, BotoCoreError):
        msg = f"AWS client error: {_one_line(str(exc))}"
    return FetchError(_one_line(msg)) if msg is not None else None


def _raised_in_botocore(exc: BaseException) -> bool:
    """True when the innermost frame of ``exc`` is botocore's (its response parser choked)."""
    tb = exc.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    return str(tb.tb_frame.f_globals.get("__name__", "")).startswith("botocore.")


def unparsable_answer(exc: BaseException, *, service: str) -> FetchError:
    """The one line for an endpoint whose answer is not an AWS response (an HTML page from a
    proxy or a wrong ``--endpoint-url``): botocore's parser raises an arbitrary exception."""
    detail = _one_line(f"{type(exc).__name__}: {exc}")[:200]
    return FetchError(
        f"the endpoint's answer to a {service} call is not an AWS response (cannot parse it: "
        f"{detail}): check --endpoint-url, the network or a proxy"
    )


@contextlib.contextmanager
def _translated(service: str, profile: str | None) -> Iterator[None]:
    try:
        yield
    except (BotoCoreError, ClientError) as exc:
        err = translate_error(exc, service=service, profile=profile)
        if err is None:  # pragma: no cover - every BotoCoreError/ClientError translates
            raise
        raise err from None
    except IamExploreError:
        raise
    except Exception as exc:
        # botocore.parsers.ResponseParserError is not a BotoCoreError, and an HTML body can
        # also surface as a KeyError or an XML error from inside the parser.
        if not (type(exc).__name__ == "ResponseParserError" or _raised_in_botocore(exc)):
            raise
        raise unparsable_answer(exc, service=service) from None


# -- fetching ----------------------------------------------------------------------------------


class _Tally:
    def __init__(self, progress: ProgressCallback | None, cancel: CancelToken | None) -> None:
        self.progress = progress
        self.cancel = cancel
        self.pages = 0
        self.entities = 0

    def check(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise FetchCancelled("fetch cancelled")

    def page(self, stage: str, entities: int = 0) -> None:
        self.pages += 1
        self.entities += entities
        if self.progress is not None:
            self.progress(stage, self.pages, self.entities)
        self.check()


def _strip(response: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def _document(content: Any) -> Any:
    """SCP ``Content`` is a JSON string: store it as an object when it parses."""
    if isinstance(content, str):
        try:
            return json.loads(content)
        except json.JSONDecodeError:
            return content
    return content


def _fetch_details(iam: Any, tally: _Tally) -> dict[str, list[dict[str, Any]]]:
    merged: dict[str, list[dict[str, Any]]] = {k: [] for k in DETAIL_LISTS}
    paginator = iam.get_paginator("get_account_authorization_details")
    for page in paginator.paginate(Filter=list(AUTHORIZATION_FILTERS)):
        n = 0
        for key in DETAIL_LISTS:
            items = [_strip(i) for i in page.get(key, [])]
            merged[key].extend(items)
            n += len(items)
        tally.page("IAM users, groups, roles and policies", n)
    return merged


def _paginate(client: Any, op: str, key: str, tally: _Tally, **kwargs: Any) -> list[Any]:
    out: list[Any] = []
    for page in client.get_paginator(op).paginate(**kwargs):
        out.extend(page.get(key, []))
        tally.page("service control policies")
    return out


def _target_name(org: Any, target_id: str, kind: str, tally: _Tally) -> str:
    if kind == "ROOT":
        return f"root {target_id}"
    if kind == "ORGANIZATIONAL_UNIT":
        ou = org.describe_organizational_unit(OrganizationalUnitId=target_id)
        tally.page("service control policies")
        name = ou.get("OrganizationalUnit", {}).get("Name", "")
        return f"OU {name} ({target_id})" if name else f"OU {target_id}"
    return f"account {target_id}"


def _fetch_scps(
    org: Any, account_id: str, tally: _Tally, metadata: dict[str, str]
) -> tuple[tuple[dict[str, Any], ...], str]:
    """SCP levels root-first, or ``((), note)`` when Organizations cannot be read."""
    try:
        organization = org.describe_organization().get("Organization", {})
        tally.page("service control policies")
        if organization.get("Id"):
            metadata["OrganizationId"] = str(organization["Id"])
        management = str(organization.get("MasterAccountId", ""))
        if management:
            metadata["OrganizationManagementAccountId"] = management
        chain: list[tuple[str, str]] = [(account_id, "ACCOUNT")]
        child = account_id
        while chain[-1][1] != "ROOT":
            parents = _paginate(org, "list_parents", "Parents", tally, ChildId=child)
            if not parents:
                break
            child = str(parents[0]["Id"])
            chain.append((child, str(parents[0]["Type"])))
        levels = []
        for target_id, kind in reversed(chain):
            tally.check()
            summaries = _paginate(
                org,
                "list_policies_for_target",
                "Policies",
                tally,
                TargetId=target_id,
                Filter="SERVICE_CONTROL_POLICY",
            )
            policies = []
            for summary in summaries:
                described = org.describe_policy(PolicyId=summary["Id"]).get("Policy", {})
                tally.page("service control policies", 1)
                s = described.get("PolicySummary", summary)
                policies.append(
                    {
                        "Name": s.get("Name", summary.get("Name", "")),
                        "Arn": s.get("Arn", summary.get("Arn", "")),
                        "Document": _document(described.get("Content")),
                    }
                )
            levels.append(
                {"Target": _target_name(org, target_id, kind, tally), "Policies": policies}
            )
    except ClientError as exc:
        code = _error_code(exc)
        if code == "AWSOrganizationsNotInUseException":
            return (), "SCPs not visible: the account is not in an organization"
        if _is_denied(exc):
            return (), (
                f"SCPs not visible: {missing_permission(exc, 'organizations')} was denied "
                "(SCPs are readable from the management account or a delegated administrator)"
            )
        raise
    note = ""
    if metadata.get("OrganizationManagementAccountId") == account_id:
        note = "this is the organization's management account: SCPs do not apply to it"
    return tuple(levels), note


def _describe_source(session: Any, profile: str | None, endpoint_url: str | None) -> str:
    creds = session.get_credentials()
    method = getattr(creds, "method", "") if creds is not None else ""
    name = profile or session.profile_name or "default"
    via = f" (credentials: {method})" if method else ""
    return f"profile {name}{via} / endpoint {endpoint_url or 'AWS default'}"


def fetch_account(
    *,
    profile: str | None = None,
    region: str | None = None,
    endpoint_url: str | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | threading.Event | None = None,
    resources: bool = False,
    regions: Sequence[str] | str | None = None,
    resource_progress: ResourceProgress | None = None,
) -> FetchResult:
    """Read one account, read-only, through boto3's standard credential chain.

    Args:
        profile: AWS profile name (None: the default chain: env, ``AWS_PROFILE``, ...).
        region: region for STS and the partition (None: the profile's, else us-east-1).
        endpoint_url: one endpoint for every service (moto, LocalStack).
        progress: called after each API response with ``(stage, pages, entities)``.
        cancel: checked between pages; when set, :class:`FetchCancelled` is raised.
        resources: also read existing resources (:func:`fetch_resources`) in ``regions``.
        regions: region names or ``"all"``; ``None``: the session's region.
        resource_progress: progress of the resource reads per region and service.

    Raises:
        FetchError: credentials, permissions, throttling or endpoint problems (one line).
        FetchCancelled: ``cancel`` was set.
        ReadOnlyViolation: a write was attempted (a bug: nothing was sent).
    """
    tally = _Tally(progress, cancel)
    tally.check()
    with _translated("sts", profile):
        session = boto3.Session(profile_name=profile, region_name=region)
        region = region or session.region_name or DEFAULT_REGION

        def client(service: str, retries: Mapping[str, Any] | None = None) -> Any:
            return read_only_client(
                session, service, region=region, endpoint_url=endpoint_url, retries=retries
            )

        sts = client("sts", PROBE_RETRY_CONFIG)
        identity = sts.get_caller_identity()
        tally.page("caller identity")
        source = _describe_source(session, profile, endpoint_url)
    account_id = str(identity["Account"])
    with _translated("iam", profile):
        details = _fetch_details(client("iam"), tally)
    metadata: dict[str, str] = {}
    with _translated("organizations", profile):
        levels, note = _fetch_scps(client("organizations"), account_id, tally, metadata)
    inventory = None
    if resources:
        inventory = fetch_resources(
            profile=profile,
            region=region,
            endpoint_url=endpoint_url,
            regions=regions,
            progress=resource_progress,
            cancel=cancel,
        )
    return FetchResult(
        account_id=account_id,
        caller_arn=str(identity.get("Arn", "")),
        details=details,
        scp_levels=levels,
        scp_note=note,
        fetched_at=datetime.now(UTC),
        fetched_from=source,
        pages=tally.pages,
        metadata=metadata,
        resources=inventory,
    )


# -- snapshots -----------------------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return value.decode("utf-8", "replace")
    raise TypeError(f"cannot store {type(value).__name__} in a snapshot")


def snapshot_data(result: FetchResult) -> dict[str, Any]:
    """The snapshot as a JSON-ready object in the loader's format."""
    ext: dict[str, Any] = {
        "FormatVersion": FORMAT_VERSION,
        "AccountId": result.account_id,
        "ScpLevels": list(result.scp_levels),
        "FetchedAt": result.fetched_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "FetchedBy": result.caller_arn,
        "FetchedFrom": result.fetched_from,
    }
    if result.scp_note:
        ext["ScpNote"] = result.scp_note
    ext.update({k: v for k, v in result.metadata.items() if k not in ext})
    if result.resources is not None:
        ext["Resources"] = result.resources
    data: dict[str, Any] = {key: list(result.details.get(key, [])) for key in DETAIL_LISTS}
    data[EXTENSION_KEY] = ext
    return data


def write_snapshot(result: FetchResult, path: str | os.PathLike[str]) -> Path:
    """Write the snapshot atomically (same-directory temp file, fsync, rename), mode 0600.

    Raises:
        FetchError: the file cannot be written (nothing is left behind).
    """
    target = Path(path)
    text = json.dumps(snapshot_data(result), indent=1, default=_json_default, sort_keys=False)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise FetchError(f"cannot write {target}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            os.fchmod(fh.fileno(), 0o600)
            fh.write(text)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise FetchError(f"cannot write {target}: {exc.strerror or exc}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return target


def decode_authorization_message(
    encoded: str,
    *,
    profile: str | None,
    region: str | None = None,
    endpoint_url: str | None = None,
) -> str:
    """Decode an "Encoded authorization failure message" with sts:DecodeAuthorizationMessage.

    Raises:
        FetchError: credentials, permissions or endpoint problems (one line).
    """
    with _translated("sts", profile):
        session = boto3.Session(profile_name=profile, region_name=region)
        sts = read_only_client(
            session,
            "sts",
            region=region or session.region_name or DEFAULT_REGION,
            endpoint_url=endpoint_url,
            retries=PROBE_RETRY_CONFIG,
        )
        response = sts.decode_authorization_message(EncodedMessage=encoded.strip())
    return str(response["DecodedMessage"])


# -- existing resources ---------------------------------------------------------------------------

ResourceProgress = Callable[[str, str, str], None]
"""``progress(region, service, state)``; ``state`` is ``reading``, ``ok`` or ``unknown``."""

RESOURCE_WORKERS = 8
"""Regions read at once (each region's services are read one after another)."""

RESOURCE_RETRY_CONFIG: dict[str, Any] = {"mode": "adaptive", "max_attempts": 5}
"""Retries for resource reads: adaptive (throttling backs off client-side), fewer than for IAM
because a service that keeps failing in one region is recorded as unknown, not fatal."""


class _Reader:
    """Reads one region's services with read-only clients; records what it could not read."""

    def __init__(
        self,
        make_client: Callable[[str], Any],
        region: str,
        cancel: CancelToken | None,
    ) -> None:
        self.make_client = make_client
        self.region = region
        self.cancel = cancel
        self.calls = 0

    def check(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise FetchCancelled("fetch cancelled")

    def call(self, client: Any, op: str, **kwargs: Any) -> dict[str, Any]:
        self.check()
        self.calls += 1
        return dict(getattr(client, op)(**kwargs))

    def pages(self, client: Any, op: str, key: str, **kwargs: Any) -> list[Any]:
        out: list[Any] = []
        if client.can_paginate(op):
            for page in client.get_paginator(op).paginate(**kwargs):
                self.check()
                self.calls += 1
                out.extend(page.get(key, []))
            return out
        token: str | None = None  # botocore has no paginator for some (App Runner ListServices)
        while True:
            page = self.call(client, op, **kwargs, **({"NextToken": token} if token else {}))
            out.extend(page.get(key, []))
            token = page.get("NextToken")
            if not token:
                return out


def _tags(raw: Any) -> list[dict[str, str]]:
    """AWS tags in any of their shapes (``[{Key, Value}]``, ``[{key, value}]``, a dict)."""
    if isinstance(raw, Mapping):
        return [{"Key": str(k), "Value": str(v)} for k, v in raw.items()]
    out = []
    for t in raw or ():
        key = t.get("Key", t.get("key"))
        if key is not None:
            out.append({"Key": str(key), "Value": str(t.get("Value", t.get("value", "")))})
    return out


def _optional_tags(
    r: _Reader, client: Any, op: str, key: str, *, paged: bool = False, **kwargs: Any
) -> list[dict[str, str]] | None:
    """Tags from a separate call; ``None`` (unknown) when that call is denied or fails."""
    try:
        if paged:
            return _tags(r.pages(client, op, key, **kwargs))
        return _tags(r.call(client, op, **kwargs).get(key))
    except (ClientError, BotoCoreError):
        return None


def _read_ec2(r: _Reader, out: dict[str, Any]) -> None:
    ec2 = r.make_client("ec2")
    instances = []
    for reservation in r.pages(ec2, "describe_instances", "Reservations"):
        for i in reservation.get("Instances", []):
            profile = (i.get("IamInstanceProfile") or {}).get("Arn")
            instances.append(
                {
                    "InstanceId": i["InstanceId"],
                    "State": (i.get("State") or {}).get("Name", ""),
                    "Platform": i.get("Platform", "") or "linux",
                    "PlatformDetails": i.get("PlatformDetails", ""),
                    "IamInstanceProfile": profile,
                    "SsmManaged": None,
                    "Tags": _tags(i.get("Tags")),
                }
            )
    templates = []
    for t in r.pages(ec2, "describe_launch_templates", "LaunchTemplates"):
        versions = r.call(
            ec2,
            "describe_launch_template_versions",
            LaunchTemplateId=t["LaunchTemplateId"],
            Versions=["$Default"],
        ).get("LaunchTemplateVersions", [])
        data = versions[0].get("LaunchTemplateData", {}) if versions else {}
        profile = data.get("IamInstanceProfile") or {}
        templates.append(
            {
                "LaunchTemplateName": t["LaunchTemplateName"],
                "LaunchTemplateId": t["LaunchTemplateId"],
                "IamInstanceProfile": profile.get("Arn") or profile.get("Name"),
                "Tags": _tags(t.get("Tags")),
            }
        )
    out["Ec2Instances"] = instances
    out["LaunchTemplates"] = templates


def _read_ssm(r: _Reader, out: dict[str, Any]) -> None:
    ssm = r.make_client("ssm")
    managed = {
        i.get("InstanceId")
        for i in r.pages(ssm, "describe_instance_information", "InstanceInformationList")
        if i.get("PingStatus", "Online") == "Online"
    }
    for instance in out.get("Ec2Instances", []):
        instance["SsmManaged"] = instance["InstanceId"] in managed


def _read_autoscaling(r: _Reader, out: dict[str, Any]) -> None:
    asg = r.make_client("autoscaling")
    configs = {
        c["LaunchConfigurationName"]: c.get("IamInstanceProfile")
        for c in r.pages(asg, "describe_launch_configurations", "LaunchConfigurations")
    }
    templates = {t["LaunchTemplateId"]: t for t in out.get("LaunchTemplates", [])}
    templates.update({t["LaunchTemplateName"]: t for t in out.get("LaunchTemplates", [])})
    groups = []
    for g in r.pages(asg, "describe_auto_scaling_groups", "AutoScalingGroups"):
        spec = g.get("LaunchTemplate") or (
            (g.get("MixedInstancesPolicy") or {}).get("LaunchTemplate", {})
        ).get("LaunchTemplateSpecification", {})
        template = templates.get(spec.get("LaunchTemplateId", "")) or templates.get(
            spec.get("LaunchTemplateName", "")
        )
        config = g.get("LaunchConfigurationName")
        profile = configs.get(config) if config else (template or {}).get("IamInstanceProfile")
        groups.append(
            {
                "AutoScalingGroupName": g["AutoScalingGroupName"],
                "AutoScalingGroupARN": g["AutoScalingGroupARN"],
                "IamInstanceProfile": profile,
                "LaunchTemplate": (template or {}).get("LaunchTemplateName", ""),
                "LaunchConfigurationName": config or "",
                "Tags": _tags(g.get("Tags")),
            }
        )
    out["AutoScalingGroups"] = groups


def _read_lambda(r: _Reader, out: dict[str, Any]) -> None:
    lam = r.make_client("lambda")
    functions = []
    for f in r.pages(lam, "list_functions", "Functions"):
        aliases = r.pages(lam, "list_aliases", "Aliases", FunctionName=f["FunctionName"])
        functions.append(
            {
                "FunctionName": f["FunctionName"],
                "FunctionArn": f["FunctionArn"],
                "Role": f.get("Role"),
                "Aliases": [
                    {"Name": a["Name"], "FunctionVersion": a.get("FunctionVersion", "")}
                    for a in aliases
                ],
                "Tags": _optional_tags(r, lam, "list_tags", "Tags", Resource=f["FunctionArn"]),
            }
        )
    out["LambdaFunctions"] = functions


def _read_codebuild(r: _Reader, out: dict[str, Any]) -> None:
    cb = r.make_client("codebuild")
    names = r.pages(cb, "list_projects", "projects")
    projects: list[dict[str, Any]] = []
    for start in range(0, len(names), 100):
        got = r.call(cb, "batch_get_projects", names=names[start : start + 100])
        projects.extend(
            {
                "Name": p["name"],
                "Arn": p["arn"],
                "ServiceRole": p.get("serviceRole"),
                "Tags": _tags(p.get("tags")),
            }
            for p in got.get("projects", [])
        )
    out["CodeBuildProjects"] = projects


def _read_cloudformation(r: _Reader, out: dict[str, Any]) -> None:
    cfn = r.make_client("cloudformation")
    out["CloudFormationStacks"] = [
        {
            "StackName": s["StackName"],
            "StackId": s["StackId"],
            "RoleARN": s.get("RoleARN"),
            "StackStatus": s.get("StackStatus", ""),
            "Tags": _tags(s.get("Tags")),
        }
        for s in r.pages(cfn, "describe_stacks", "Stacks")
    ]


def _read_sagemaker(r: _Reader, out: dict[str, Any]) -> None:
    sm = r.make_client("sagemaker")
    notebooks = []
    for n in r.pages(sm, "list_notebook_instances", "NotebookInstances"):
        name = n["NotebookInstanceName"]
        d = r.call(sm, "describe_notebook_instance", NotebookInstanceName=name)
        arn = d.get("NotebookInstanceArn") or n["NotebookInstanceArn"]
        notebooks.append(
            {
                "NotebookInstanceName": name,
                "NotebookInstanceArn": arn,
                "RoleArn": d.get("RoleArn"),
                "NotebookInstanceStatus": d.get("NotebookInstanceStatus", ""),
                "Tags": _optional_tags(r, sm, "list_tags", "Tags", paged=True, ResourceArn=arn),
            }
        )
    out["SageMakerNotebookInstances"] = notebooks


def _read_glue(r: _Reader, out: dict[str, Any]) -> None:
    glue = r.make_client("glue")
    # Tags need one glue:GetTags call per resource: left unknown (null), so tag conditions
    # on these stay open rather than being guessed.
    out["GlueDevEndpoints"] = [
        {
            "EndpointName": e["EndpointName"],
            "RoleArn": e.get("RoleArn"),
            "Status": e.get("Status", ""),
            "Tags": None,
        }
        for e in r.pages(glue, "get_dev_endpoints", "DevEndpoints")
    ]
    out["GlueJobs"] = [
        {"Name": j["Name"], "Role": j.get("Role"), "Tags": None}
        for j in r.pages(glue, "get_jobs", "Jobs")
    ]


def _read_ecs(r: _Reader, out: dict[str, Any]) -> None:
    ecs = r.make_client("ecs")
    cluster_arns = r.pages(ecs, "list_clusters", "clusterArns")
    clusters, services = [], []
    task_defs: set[str] = set()
    for start in range(0, len(cluster_arns), 100):
        got = r.call(
            ecs, "describe_clusters", clusters=cluster_arns[start : start + 100], include=["TAGS"]
        )
        clusters.extend(got.get("clusters", []))
    for cluster in clusters:
        arns = r.pages(ecs, "list_services", "serviceArns", cluster=cluster["clusterArn"])
        for start in range(0, len(arns), 10):
            got = r.call(
                ecs,
                "describe_services",
                cluster=cluster["clusterArn"],
                services=arns[start : start + 10],
                include=["TAGS"],
            )
            for s in got.get("services", []):
                task_defs.add(s.get("taskDefinition", ""))
                services.append(
                    {
                        "ServiceName": s["serviceName"],
                        "ServiceArn": s["serviceArn"],
                        "ClusterArn": cluster["clusterArn"],
                        "TaskDefinition": s.get("taskDefinition", ""),
                        "EnableExecuteCommand": bool(s.get("enableExecuteCommand")),
                        "RunningCount": int(s.get("runningCount", 0)),
                        "Status": s.get("status", ""),
                        "Tags": _tags(s.get("tags")),
                    }
                )
    families = r.pages(ecs, "list_task_definition_families", "families", status="ACTIVE")
    definitions: list[dict[str, Any]] = []
    for ref in sorted({*families, *(t for t in task_defs if t)}):
        got = r.call(ecs, "describe_task_definition", taskDefinition=ref, include=["TAGS"])
        td = got.get("taskDefinition", {})
        if any(d["TaskDefinitionArn"] == td.get("taskDefinitionArn") for d in definitions):
            continue
        definitions.append(
            {
                "TaskDefinitionArn": td["taskDefinitionArn"],
                "Family": td.get("family", ""),
                "TaskRoleArn": td.get("taskRoleArn"),
                "ExecutionRoleArn": td.get("executionRoleArn"),
                "Tags": _tags(got.get("tags")),
            }
        )
    out["EcsClusters"] = [
        {
            "ClusterName": c["clusterName"],
            "ClusterArn": c["clusterArn"],
            "Tags": _tags(c.get("tags")),
        }
        for c in clusters
    ]
    out["EcsServices"] = services
    out["EcsTaskDefinitions"] = definitions


def _read_states(r: _Reader, out: dict[str, Any]) -> None:
    sfn = r.make_client("stepfunctions")
    machines = []
    for m in r.pages(sfn, "list_state_machines", "stateMachines"):
        arn = m["stateMachineArn"]
        d = r.call(sfn, "describe_state_machine", stateMachineArn=arn)
        machines.append(
            {
                "Name": m["name"],
                "StateMachineArn": arn,
                "RoleArn": d.get("roleArn"),
                "Tags": _optional_tags(r, sfn, "list_tags_for_resource", "tags", resourceArn=arn),
            }
        )
    out["StateMachines"] = machines


def _read_apprunner(r: _Reader, out: dict[str, Any]) -> None:
    ar = r.make_client("apprunner")
    services = []
    for s in r.pages(ar, "list_services", "ServiceSummaryList"):
        d = r.call(ar, "describe_service", ServiceArn=s["ServiceArn"]).get("Service", {})
        services.append(
            {
                "ServiceName": s["ServiceName"],
                "ServiceArn": s["ServiceArn"],
                "InstanceRoleArn": (d.get("InstanceConfiguration") or {}).get("InstanceRoleArn"),
                "Status": d.get("Status", s.get("Status", "")),
                "Tags": _optional_tags(
                    r, ar, "list_tags_for_resource", "Tags", ResourceArn=s["ServiceArn"]
                ),
            }
        )
    out["AppRunnerServices"] = services


RESOURCE_READERS: dict[str, Callable[[_Reader, dict[str, Any]], None]] = {
    "ec2": _read_ec2,
    "ssm": _read_ssm,
    "autoscaling": _read_autoscaling,
    "lambda": _read_lambda,
    "codebuild": _read_codebuild,
    "cloudformation": _read_cloudformation,
    "sagemaker": _read_sagemaker,
    "glue": _read_glue,
    "ecs": _read_ecs,
    "states": _read_states,
    "apprunner": _read_apprunner,
}
"""One reader per service of :data:`core.load.inventory.SERVICES`, in that order (ssm and
autoscaling complete what ec2 read)."""

_SERVICE_LISTS: dict[str, tuple[str, ...]] = {
    "ec2": ("Ec2Instances", "LaunchTemplates"),
    "ssm": (),
    "autoscaling": ("AutoScalingGroups",),
    "lambda": ("LambdaFunctions",),
    "codebuild": ("CodeBuildProjects",),
    "cloudformation": ("CloudFormationStacks",),
    "sagemaker": ("SageMakerNotebookInstances",),
    "glue": ("GlueDevEndpoints", "GlueJobs"),
    "ecs": ("EcsClusters", "EcsServices", "EcsTaskDefinitions"),
    "states": ("StateMachines",),
    "apprunner": ("AppRunnerServices",),
}


def _unknown_note(exc: Exception, service: str) -> str:
    """Why a service could not be read, in one line."""
    if isinstance(exc, ClientError):
        if _is_denied(exc):
            return f"access denied: {missing_permission(exc, service)}"
        return f"{service}:{exc.operation_name} failed: {_error_code(exc) or 'error'}"
    return _one_line(str(exc))[:200]


def _read_region(
    make_client: Callable[[str, str], Any],
    region: str,
    progress: ResourceProgress | None,
    cancel: CancelToken | None,
) -> dict[str, Any]:
    """One region's object of the ``Resources`` extension (lists, ``Services``, ``Notes``)."""
    reader = _Reader(lambda service: make_client(service, region), region, cancel)
    out: dict[str, Any] = {}
    status: dict[str, str] = {}
    notes: dict[str, str] = {}
    for service, read in RESOURCE_READERS.items():
        if progress is not None:
            progress(region, service, "reading")
        part: dict[str, Any] = {"Ec2Instances": out.get("Ec2Instances", [])}
        part["LaunchTemplates"] = out.get("LaunchTemplates", [])
        try:
            read(reader, part)
        except (ClientError, BotoCoreError) as exc:
            status[service] = "unknown"
            notes[service] = _unknown_note(exc, service)
        else:
            status[service] = "ok"
            for key in _SERVICE_LISTS[service]:
                out[key] = part.get(key, [])
        if progress is not None:
            progress(region, service, status[service])
    if status.get("ec2") != "ok":
        out.pop("Ec2Instances", None)
        out.pop("LaunchTemplates", None)
    return {"Services": status, **({"Notes": notes} if notes else {}), **out}


def fetch_resources(
    *,
    profile: str | None = None,
    region: str | None = None,
    endpoint_url: str | None = None,
    regions: Sequence[str] | str | None = None,
    progress: ResourceProgress | None = None,
    cancel: CancelToken | threading.Event | None = None,
    workers: int = RESOURCE_WORKERS,
) -> dict[str, Any]:
    """Read the existing resources escalation needs, read-only, concurrently across regions.

    Args:
        regions: region names, ``"all"`` (every region enabled in the account, from
            ``ec2:DescribeRegions``), or ``None`` (the session's region).
        progress: called with ``(region, service, "reading" | "ok" | "unknown")``.

    Returns:
        The ``Resources`` object of the snapshot extension (see :mod:`core.load.inventory`). A
        service or region that cannot be read is recorded as ``unknown`` with a note.

    Raises:
        FetchError: credentials or endpoint problems, or ``all`` regions cannot be listed.
        FetchCancelled: ``cancel`` was set.
    """
    lock = threading.Lock()
    with _translated("ec2", profile):
        session = boto3.Session(profile_name=profile, region_name=region)
        home = region or session.region_name or DEFAULT_REGION
        clients: dict[tuple[str, str], Any] = {}

        def make_client(service: str, where: str) -> Any:
            # boto3 sessions are not thread-safe; clients are. Create them one at a time.
            with lock:
                key = (service, where)
                if key not in clients:
                    clients[key] = read_only_client(
                        session,
                        service,
                        region=where,
                        endpoint_url=endpoint_url,
                        retries=RESOURCE_RETRY_CONFIG,
                    )
                return clients[key]

        all_regions = regions == "all"
        note = ""
        if isinstance(regions, str) and regions == "all":
            try:
                described = make_client("ec2", home).describe_regions(AllRegions=False)
                names = sorted(str(r["RegionName"]) for r in described.get("Regions", []))
            except ClientError as exc:
                if not _is_denied(exc):
                    raise
                # Partial access: read the home region and say the others are unknown.
                all_regions, names = False, [home]
                note = f"only {home} read: {_unknown_note(exc, 'ec2')} (lists the regions)"
        elif regions is None:
            names = [home]
        else:
            names = list(dict.fromkeys(regions))
    results: dict[str, dict[str, Any]] = {}
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(names)))) as pool:
        futures = {
            pool.submit(_read_region, make_client, name, progress, cancel): name for name in names
        }
        try:
            for future in as_completed(futures):
                results[futures[future]] = future.result()
        except BaseException:
            for f in futures:
                f.cancel()
            raise
    out: dict[str, Any] = {"AllRegions": all_regions, "Regions": {n: results[n] for n in names}}
    if note:
        out["Note"] = note
    return out
