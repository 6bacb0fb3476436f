"""Load an account from ``aws iam get-account-authorization-details`` output.

Accepted inputs: the merged CLI output (one JSON object), a list of raw API pages
(``Marker``/``IsTruncated``), a directory of such files, and the optional ``IamExplore``
extension object (see ``SNAPSHOT-FORMAT.md``) with the account id and SCP levels. Fatal problems
raise :class:`LoadError` naming the file and JSON path; problems inside one policy are collected
on the account and the rest still loads.
"""

from __future__ import annotations

import errno
import os
import select
import stat
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from core.load.inventory import parse_inventory
from core.load.managed import BUNDLED_COPY, bundle_date, bundled_policy, is_aws_managed
from core.load.policy_parser import PolicyKind, parse_policy
from core.model.account import (
    Account,
    Group,
    InlinePolicy,
    InstanceProfile,
    ManagedPolicy,
    PolicyDocument,
    PolicyVersion,
    Role,
    ScpLevel,
    ScpPolicy,
    Tag,
    User,
)
from core.model.errors import LoadError, Problem, loads_located

EXTENSION_KEY = "IamExplore"
FORMAT_VERSION = 1
_LISTS = ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")
_PAGE_KEYS = frozenset({*_LISTS, "Marker", "IsTruncated", "ResponseMetadata", EXTENSION_KEY})

Progress = Callable[[str, int, int], None]
_E = TypeVar("_E", ManagedPolicy, User, Group, Role)
"""``progress(stage, done, total)`` callback for long loads."""


@dataclass
class _Ctx:
    file: str
    problems: list[Problem] = field(default_factory=list)

    def warn(self, message: str, path: str, policy: str = "") -> None:
        self.problems.append(
            Problem(message, policy=policy, path=path, file=self.file, severity="warning")
        )

    def fail(self, message: str, path: str) -> LoadError:
        return LoadError(message, file=self.file, path=path)


STDIN = "-"
"""The snapshot argument that reads standard input."""

MAX_BYTES_ENV = "IAM_EXPLORE_MAX_SNAPSHOT_MB"
FIFO_WAIT_SECONDS = 10.0
"""How long a named pipe is given to start sending before it counts as having no writer."""
DEFAULT_MAX_MB = 512
"""Largest snapshot read, in MiB (the environment variable above overrides it)."""

_CHUNK = 1 << 20


def max_snapshot_bytes() -> int:
    """The size limit in bytes: ``$IAM_EXPLORE_MAX_SNAPSHOT_MB`` MiB, else 512 MiB."""
    raw = os.environ.get(MAX_BYTES_ENV, "").strip()
    if raw:
        try:
            mb = float(raw)
        except ValueError:
            raise LoadError(f"{MAX_BYTES_ENV}={raw!r} is not a number of MiB") from None
        if mb > 0:
            return int(mb * (1 << 20))
    return DEFAULT_MAX_MB << 20


def _size(n: int) -> str:
    return f"{n / (1 << 20):,.1f} MiB" if n >= 1 << 20 else f"{n:,} bytes"


def _too_big(file: str, limit: int, size: int | None = None) -> LoadError:
    what = f"{_size(size)}, " if size is not None else ""
    return LoadError(
        f"too large ({what}over the {_size(limit)} snapshot limit; set {MAX_BYTES_ENV} "
        "to a number of MiB to raise it)",
        file=file,
    )


def _read_limited(stream: Any, file: str, limit: int) -> bytes:
    """Read ``stream`` to its end, refusing more than ``limit`` bytes (pipes, stdin)."""
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = stream.read(min(_CHUNK, limit + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise _too_big(file, limit)


_KINDS = (
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _stat(path: Path) -> os.stat_result:
    """``os.stat`` with its failures as one located line (loops named as such)."""
    try:
        return path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise LoadError(
                "symbolic link loop (too many levels of links)", file=str(path)
            ) from None
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            raise LoadError("no such file or directory", file=str(path)) from None
        raise LoadError(f"cannot read: {exc.strerror or exc}", file=str(path)) from None


def read_bytes(path: Path) -> bytes:
    """The file's bytes within the size limit; devices and sockets are refused, and a FIFO
    without a writer reads as empty instead of blocking (any input file, not only snapshots).

    Raises:
        LoadError: one line naming the file.
    """
    file = str(path)
    limit = max_snapshot_bytes()
    info = _stat(path)
    for test, kind in _KINDS:
        if test(info.st_mode):
            raise LoadError(
                f"is {kind}, not a snapshot file (use - to read standard input)", file=file
            )
    try:
        if stat.S_ISFIFO(info.st_mode):
            return _read_fifo(path, file, limit, FIFO_WAIT_SECONDS)
        if info.st_size > limit:
            raise _too_big(file, limit, info.st_size)
        with open(path, "rb") as fh:
            return _read_limited(fh, file, limit)
    except OSError as exc:
        raise LoadError(f"cannot read: {exc.strerror or exc}", file=file) from None


def _read_fifo(path: Path, file: str, limit: int, wait: float) -> bytes:
    """A named pipe's bytes. Opening one for reading blocks until a writer appears, so it is
    opened non-blocking and given ``wait`` seconds to become readable (a writer that starts a
    little after the reader, as ``mkfifo`` users do, is not lost); then it is read to its end."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as fh:
        # Linux reports a FIFO readable once a writer has sent data or has come and gone; with
        # no writer since it was opened, select waits.
        ready, _, _ = select.select([fd], [], [], wait)
        if not ready:
            raise LoadError(
                f"a named pipe with no writer: nothing arrived within {wait:g} s", file=file
            )
        os.set_blocking(fd, True)
        return _read_limited(fh, file, limit)


def _parse_json(raw: bytes, file: str) -> Any:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LoadError("not a UTF-8 text file", file=file) from None
    if not text.strip():
        raise LoadError("empty: no JSON in it", file=file)
    return loads_located(
        text, lambda m: LoadError(m, file=file), "invalid JSON", "JSON nested too deeply"
    )


def _read_json(path: Path) -> Any:
    return _parse_json(read_bytes(path), str(path))


def read_stdin() -> Any:
    """The JSON on standard input (``-``), within the size limit."""
    return _parse_json(read_stdin_bytes(), "<stdin>")


def read_stdin_bytes() -> bytes:
    """Standard input's bytes within the size limit (a character device such as /dev/zero is
    refused, a terminal is read to end-of-file)."""
    if sys.stdin is None:
        raise LoadError("standard input is not available", file="<stdin>")
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # a text stream without bytes (replaced in tests, embedded use)
        limit = max_snapshot_bytes()
        text = sys.stdin.read(limit + 1)
        if len(text) > limit:
            raise _too_big("<stdin>", limit)
        return text.encode("utf-8", "surrogatepass")
    try:
        mode = os.fstat(stream.fileno()).st_mode
    except (OSError, ValueError, AttributeError):
        mode = 0
    if stat.S_ISCHR(mode) and not stream.isatty():
        raise LoadError("is a character device, not a snapshot (such as /dev/zero)", file="<stdin>")
    return _read_limited(stream, "<stdin>", max_snapshot_bytes())


def _file_account(data: Any) -> str | None:
    """The account a page file belongs to: its ``IamExplore.AccountId``, else its first ARN."""
    pages = data if isinstance(data, list) else [data]
    for page in pages:
        if not isinstance(page, Mapping):
            continue
        ext = page.get(EXTENSION_KEY)
        if isinstance(ext, Mapping) and isinstance(ext.get("AccountId"), str) and ext["AccountId"]:
            return str(ext["AccountId"])
        for key in _LISTS:
            items = page.get(key)
            for item in items if isinstance(items, list) else ():
                arn = item.get("Arn") if isinstance(item, Mapping) else None
                parts = arn.split(":") if isinstance(arn, str) else []
                if len(parts) > 4 and parts[4].isdigit():
                    return parts[4]
    return None


def _one_account(directory: Path, pages: list[tuple[str, Any]]) -> None:
    """Refuse a directory whose files are pages of different accounts (merging them would
    drop SCP levels and resolve duplicate ARNs arbitrarily)."""
    accounts: dict[str, list[str]] = {}
    for file, data in pages:
        account = _file_account(data)
        if account is not None:
            accounts.setdefault(account, []).append(Path(file).name)
    if len(accounts) > 1:
        listed = "; ".join(
            f"{acct} ({', '.join(files[:3])}{', ...' if len(files) > 3 else ''})"
            for acct, files in sorted(accounts.items())
        )
        raise LoadError(
            f"holds snapshots of {len(accounts)} accounts: {listed}; load one account at a time "
            "(multi-account analysis is not supported yet)",
            file=str(directory),
        )


def load_account(path: str | os.PathLike[str], progress: Progress | None = None) -> Account:
    """Load a snapshot file, a directory of page files, or standard input (``-``).

    Raises:
        LoadError: the input cannot be used at all (message names file and JSON path).
    """
    if str(path) == STDIN:
        return load_pages([("<stdin>", read_stdin())], source="<stdin>", progress=progress)
    p = Path(path)
    if stat.S_ISDIR(_stat(p).st_mode):
        try:
            files = sorted(f for f in p.iterdir() if f.suffix.lower() == ".json" and f.is_file())
        except OSError as exc:
            raise LoadError(f"cannot list: {exc.strerror or exc}", file=str(p)) from None
        if not files:
            raise LoadError("directory holds no .json files", file=str(p))
        pages: list[tuple[str, Any]] = [(str(f), _read_json(f)) for f in files]
        _one_account(p, pages)
    else:
        pages = [(str(p), _read_json(p))]
    return load_pages(pages, source=str(p), progress=progress)


def load_data(data: Any, *, source: str = "<data>", progress: Progress | None = None) -> Account:
    """Load from an already-parsed JSON value (object or list of pages)."""
    return load_pages([(source, data)], source=source, progress=progress)


def _expand_pages(file: str, data: Any) -> Iterable[tuple[str, str, Mapping[str, Any]]]:
    if isinstance(data, list):
        for i, page in enumerate(data):
            if not isinstance(page, Mapping):
                raise LoadError("each page must be a JSON object", file=file, path=f"[{i}]")
            yield file, f"[{i}].", page
    elif isinstance(data, Mapping):
        yield file, "", data
    else:
        raise LoadError(
            "expected the JSON object printed by `aws iam get-account-authorization-details` "
            f"(or a list of its pages), got {type(data).__name__}",
            file=file,
        )


def load_pages(
    pages: Iterable[tuple[str, Any]],
    *,
    source: str,
    progress: Progress | None = None,
    lint: bool = True,
) -> Account:
    """Merge pages (``(file, json)``) and build the account."""
    merged: dict[str, list[tuple[_Ctx, str, Any]]] = {k: [] for k in _LISTS}
    extension: tuple[_Ctx, str, Mapping[str, Any]] | None = None
    contexts: list[_Ctx] = []
    seen_list = False
    truncated: list[tuple[_Ctx, str]] = []
    final_pages = 0
    for file, data in pages:
        ctx = _Ctx(file)
        contexts.append(ctx)
        for _, prefix, page in _expand_pages(file, data):
            if page.get("IsTruncated") is True:
                truncated.append((ctx, f"{prefix}IsTruncated"))
            else:
                final_pages += 1
            for key in page:
                if key not in _PAGE_KEYS:
                    ctx.warn(f'unknown top-level field "{key}" ignored', f"{prefix}{key}")
            for key in _LISTS:
                if key not in page:
                    continue
                seen_list = True
                items = page[key]
                if not isinstance(items, list):
                    raise ctx.fail(
                        f"{key} must be a list, got {type(items).__name__}", f"{prefix}{key}"
                    )
                merged[key].extend((ctx, f"{prefix}{key}[{i}]", it) for i, it in enumerate(items))
            if EXTENSION_KEY in page:
                ext = page[EXTENSION_KEY]
                if not isinstance(ext, Mapping):
                    raise ctx.fail("must be an object", f"{prefix}{EXTENSION_KEY}")
                extension = (ctx, f"{prefix}{EXTENSION_KEY}", ext)
    if not seen_list and extension is None:
        raise LoadError(
            "no UserDetailList, GroupDetailList, RoleDetailList or Policies: is this "
            "`aws iam get-account-authorization-details` output?",
            file=source,
        )
    if truncated and not final_pages:
        # The API reference: "IsTruncated: A flag that indicates whether there are more items to
        # return. ... we recommend that you check IsTruncated after every call to ensure that you
        # receive all your results." A set of pages is whole only when one of them is the last.
        ctx, path = truncated[-1]
        ctx.warn(
            "the export is truncated (IsTruncated is true and no page ends it): users, groups, "
            "roles or policies after its Marker are missing, so edges may be missed; export "
            "again without --max-items, or add the remaining pages",
            path,
        )
    total = sum(len(v) for v in merged.values())
    done = 0

    def step(stage: str) -> None:
        nonlocal done
        done += 1
        if progress is not None and (done % 200 == 0 or done == total):
            progress(stage, done, total)

    def build(key: str, parse: Callable[[_Ctx, str, Any], _E], stage: str) -> dict[str, _E]:
        out: dict[str, _E] = {}
        for ctx, path, raw in merged[key]:
            item = parse(ctx, path, raw)
            out.setdefault(item.arn, item)  # the first page wins, as the API never repeats
            step(stage)
        return out

    policies = build("Policies", _managed_policy, "policies")
    users = build("UserDetailList", _user, "users")
    groups = build("GroupDetailList", _group, "groups")
    roles = build("RoleDetailList", _role, "roles")
    bundled_problems = _add_bundled(users, groups, roles, policies, source)

    account_id = ""
    scp_levels: tuple[ScpLevel, ...] = ()
    metadata: list[tuple[str, str]] = []
    if extension is not None:
        account_id, scp_levels, metadata = _extension(*extension)
    if not account_id:
        account_id = _guess_account(
            users.values(), groups.values(), roles.values(), policies.values()
        )
    inventory = None
    if extension is not None and extension[2].get("Resources") is not None:
        ctx, path, ext = extension
        inventory = parse_inventory(
            ext["Resources"], account_id=account_id, file=ctx.file, path=f"{path}.Resources"
        )
    all_problems = [p for c in contexts for p in c.problems]
    all_problems.extend(bundled_problems)
    all_problems.extend(_reference_problems(users, groups, roles, policies, source))
    all_problems.extend(_account_problems(account_id, users, groups, roles, policies, source))
    owners: list[User | Group | Role] = [*users.values(), *groups.values(), *roles.values()]
    for item in owners:
        for ip in item.inline_policies:
            all_problems.extend(ip.document.problems)
        if isinstance(item, Role):
            all_problems.extend(item.trust_policy.problems)
    for mp in policies.values():
        for v in mp.versions:
            all_problems.extend(v.document.problems)
    for level in scp_levels:
        for sp in level.policies:
            all_problems.extend(sp.document.problems)
    account = Account(
        account_id=account_id,
        users=tuple(users.values()),
        groups=tuple(groups.values()),
        roles=tuple(roles.values()),
        policies=tuple(policies.values()),
        scp_levels=scp_levels,
        source=source,
        problems=tuple(all_problems),
        metadata=tuple(metadata),
        inventory=inventory,
    )
    if lint:
        from core.load.lint import lint_account

        account = replace(account, problems=(*account.problems, *lint_account(account)))
    return account


# -- field helpers -------------------------------------------------------------------------


def _req_str(ctx: _Ctx, raw: Mapping[str, Any], key: str, path: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value:
        what = "missing" if value is None else f"must be a non-empty string, got {value!r}"
        raise ctx.fail(f"{key} {what}", f"{path}.{key}")
    return value


def _opt_str(ctx: _Ctx, raw: Mapping[str, Any], key: str, path: str, default: str = "") -> str:
    value = raw.get(key, default)
    if value is None:
        return default
    if not isinstance(value, str):
        if isinstance(value, (int, float)) or hasattr(value, "isoformat"):
            return str(value)
        raise ctx.fail(f"{key} must be a string, got {type(value).__name__}", f"{path}.{key}")
    return value


def _list(ctx: _Ctx, raw: Mapping[str, Any], key: str, path: str) -> list[Any]:
    value = raw.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ctx.fail(f"{key} must be a list, got {type(value).__name__}", f"{path}.{key}")
    return value


def _entity(ctx: _Ctx, raw: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise ctx.fail(f"must be an object, got {type(raw).__name__}", path)
    return raw


def _doc(ctx: _Ctx, raw: Any, kind: PolicyKind, policy: str, path: str) -> PolicyDocument:
    if raw is None:
        ctx.problems.append(
            Problem("policy document missing", policy=policy, path=path, file=ctx.file)
        )
        return PolicyDocument(version=None, statements=())
    return parse_policy(raw, kind, policy=policy, path=path, file=ctx.file)


def _inline(
    ctx: _Ctx, raw: Mapping[str, Any], key: str, path: str, owner: str
) -> tuple[InlinePolicy, ...]:
    out = []
    for i, item in enumerate(_list(ctx, raw, key, path)):
        ipath = f"{path}.{key}[{i}]"
        item = _entity(ctx, item, ipath)
        name = _req_str(ctx, item, "PolicyName", ipath)
        doc = _doc(
            ctx,
            item.get("PolicyDocument"),
            "identity",
            f"{owner} inline {name}",
            f"{ipath}.PolicyDocument",
        )
        out.append(InlinePolicy(name, doc))
    return tuple(out)


def _attached(ctx: _Ctx, raw: Mapping[str, Any], path: str) -> tuple[str, ...]:
    out = []
    for i, item in enumerate(_list(ctx, raw, "AttachedManagedPolicies", path)):
        ipath = f"{path}.AttachedManagedPolicies[{i}]"
        item = _entity(ctx, item, ipath)
        out.append(_req_str(ctx, item, "PolicyArn", ipath))
    return tuple(out)


def _tags(ctx: _Ctx, raw: Mapping[str, Any], path: str) -> tuple[Tag, ...]:
    out = []
    for i, item in enumerate(_list(ctx, raw, "Tags", path)):
        ipath = f"{path}.Tags[{i}]"
        item = _entity(ctx, item, ipath)
        out.append(Tag(_req_str(ctx, item, "Key", ipath), _opt_str(ctx, item, "Value", ipath)))
    return tuple(out)


def _boundary(ctx: _Ctx, raw: Mapping[str, Any], path: str) -> str | None:
    pb = raw.get("PermissionsBoundary")
    if pb is None:
        return None
    pb = _entity(ctx, pb, f"{path}.PermissionsBoundary")
    return _req_str(ctx, pb, "PermissionsBoundaryArn", f"{path}.PermissionsBoundary")


def _name_from_arn(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def _user(ctx: _Ctx, path: str, raw: Any) -> User:
    raw = _entity(ctx, raw, path)
    arn = _req_str(ctx, raw, "Arn", path)
    name = _opt_str(ctx, raw, "UserName", path) or _name_from_arn(arn)
    groups = []
    for i, g in enumerate(_list(ctx, raw, "GroupList", path)):
        if not isinstance(g, str):
            raise ctx.fail("group names must be strings", f"{path}.GroupList[{i}]")
        groups.append(g)
    return User(
        name=name,
        arn=arn,
        user_id=_opt_str(ctx, raw, "UserId", path),
        path=_opt_str(ctx, raw, "Path", path, "/"),
        groups=tuple(groups),
        inline_policies=_inline(ctx, raw, "UserPolicyList", path, f"user {name}"),
        attached_policies=_attached(ctx, raw, path),
        boundary=_boundary(ctx, raw, path),
        tags=_tags(ctx, raw, path),
        create_date=_opt_str(ctx, raw, "CreateDate", path),
    )


def _group(ctx: _Ctx, path: str, raw: Any) -> Group:
    raw = _entity(ctx, raw, path)
    arn = _req_str(ctx, raw, "Arn", path)
    name = _opt_str(ctx, raw, "GroupName", path) or _name_from_arn(arn)
    return Group(
        name=name,
        arn=arn,
        group_id=_opt_str(ctx, raw, "GroupId", path),
        path=_opt_str(ctx, raw, "Path", path, "/"),
        inline_policies=_inline(ctx, raw, "GroupPolicyList", path, f"group {name}"),
        attached_policies=_attached(ctx, raw, path),
        create_date=_opt_str(ctx, raw, "CreateDate", path),
    )


def _role(ctx: _Ctx, path: str, raw: Any) -> Role:
    raw = _entity(ctx, raw, path)
    arn = _req_str(ctx, raw, "Arn", path)
    name = _opt_str(ctx, raw, "RoleName", path) or _name_from_arn(arn)
    profiles = []
    for i, ip in enumerate(_list(ctx, raw, "InstanceProfileList", path)):
        ipath = f"{path}.InstanceProfileList[{i}]"
        ip = _entity(ctx, ip, ipath)
        ip_arn = _req_str(ctx, ip, "Arn", ipath)
        role_names = tuple(
            r.get("RoleName", "") for r in _list(ctx, ip, "Roles", ipath) if isinstance(r, Mapping)
        )
        profiles.append(
            InstanceProfile(
                name=_opt_str(ctx, ip, "InstanceProfileName", ipath) or _name_from_arn(ip_arn),
                arn=ip_arn,
                path=_opt_str(ctx, ip, "Path", ipath, "/"),
                role_names=role_names,
            )
        )
    trust_raw = raw.get("AssumeRolePolicyDocument")
    return Role(
        name=name,
        arn=arn,
        role_id=_opt_str(ctx, raw, "RoleId", path),
        path=_opt_str(ctx, raw, "Path", path, "/"),
        trust_policy=_doc(
            ctx, trust_raw, "trust", f"role {name} trust policy", f"{path}.AssumeRolePolicyDocument"
        ),
        inline_policies=_inline(ctx, raw, "RolePolicyList", path, f"role {name}"),
        attached_policies=_attached(ctx, raw, path),
        boundary=_boundary(ctx, raw, path),
        tags=_tags(ctx, raw, path),
        instance_profiles=tuple(profiles),
        instance_profiles_known="InstanceProfileList" in raw,
        create_date=_opt_str(ctx, raw, "CreateDate", path),
        description=_opt_str(ctx, raw, "Description", path),
    )


def _managed_policy(ctx: _Ctx, path: str, raw: Any) -> ManagedPolicy:
    raw = _entity(ctx, raw, path)
    arn = _req_str(ctx, raw, "Arn", path)
    # moto omits PolicyName in some shapes: derive it from the ARN.
    name = _opt_str(ctx, raw, "PolicyName", path) or _name_from_arn(arn)
    default_id = _opt_str(ctx, raw, "DefaultVersionId", path)
    versions = []
    for i, v in enumerate(_list(ctx, raw, "PolicyVersionList", path)):
        vpath = f"{path}.PolicyVersionList[{i}]"
        v = _entity(ctx, v, vpath)
        vid = _opt_str(ctx, v, "VersionId", vpath) or f"v{i + 1}"
        is_default = bool(v.get("IsDefaultVersion")) or (vid == default_id)
        doc = _doc(ctx, v.get("Document"), "identity", f"{arn} ({vid})", f"{vpath}.Document")
        versions.append(PolicyVersion(vid, doc, is_default, _opt_str(ctx, v, "CreateDate", vpath)))
    if not versions:
        ctx.warn("managed policy has no PolicyVersionList: it grants nothing here", path, arn)
    if not default_id:
        default_id = next((v.version_id for v in versions if v.is_default), "v1")
    count = raw.get("AttachmentCount", 0)
    return ManagedPolicy(
        arn=arn,
        name=name,
        path=_opt_str(ctx, raw, "Path", path, "/"),
        policy_id=_opt_str(ctx, raw, "PolicyId", path),
        default_version_id=default_id,
        versions=tuple(versions),
        attachment_count=count if isinstance(count, int) else 0,
        is_attachable=bool(raw.get("IsAttachable", True)),
    )


def _extension(
    ctx: _Ctx, path: str, ext: Mapping[str, Any]
) -> tuple[str, tuple[ScpLevel, ...], list[tuple[str, str]]]:
    version = ext.get("FormatVersion", FORMAT_VERSION)
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ctx.fail(
            f"FormatVersion {version!r} is newer than this iam-explore understands "
            f"({FORMAT_VERSION})",
            f"{path}.FormatVersion",
        )
    account_id = _opt_str(ctx, ext, "AccountId", path)
    levels = []
    for i, lv in enumerate(_list(ctx, ext, "ScpLevels", path)):
        lpath = f"{path}.ScpLevels[{i}]"
        lv = _entity(ctx, lv, lpath)
        target = _opt_str(ctx, lv, "Target", lpath) or f"level {i}"
        pols = []
        for j, sp in enumerate(_list(ctx, lv, "Policies", lpath)):
            ppath = f"{lpath}.Policies[{j}]"
            sp = _entity(ctx, sp, ppath)
            name = _opt_str(ctx, sp, "Name", ppath) or f"scp-{j}"
            doc = _doc(
                ctx, sp.get("Document"), "scp", f"SCP {name} at {target}", f"{ppath}.Document"
            )
            pols.append(ScpPolicy(name, doc, _opt_str(ctx, sp, "Arn", ppath)))
        levels.append(ScpLevel(target, tuple(pols)))
    metadata = [
        (k, str(v))
        for k, v in ext.items()
        if k not in ("FormatVersion", "AccountId", "ScpLevels")
        and isinstance(v, (str, int, float, bool))
    ]
    return account_id, tuple(levels), metadata


def _guess_account(*groups: Iterable[Any]) -> str:
    for items in groups:
        for item in items:
            parts = str(getattr(item, "arn", "")).split(":")
            if len(parts) > 4 and parts[4].isdigit():
                return parts[4]
    return "000000000000"


def _add_bundled(
    users: Mapping[str, User],
    groups: Mapping[str, Group],
    roles: Mapping[str, Role],
    policies: dict[str, ManagedPolicy],
    source: str,
) -> list[Problem]:
    """Resolve AWS managed policies that entities use but ``Policies`` leaves out (exports made
    with ``--filter``) from the bundled copy, with a warning naming each policy."""
    users_of: dict[str, list[str]] = {}
    entities: list[User | Group | Role] = [*users.values(), *groups.values(), *roles.values()]
    for e in entities:
        refs = list(e.attached_policies)
        if not isinstance(e, Group) and e.boundary:
            refs.append(e.boundary)
        for arn in refs:
            if arn not in policies and is_aws_managed(arn):
                users_of.setdefault(arn, []).append(f"{e.kind} {e.name}")
    out: list[Problem] = []
    if not users_of:
        return out
    date = bundle_date()
    ctx = _Ctx(f"<bundled AWS managed policies, {date}>")
    for arn, who in users_of.items():
        raw = bundled_policy(arn)
        if raw is None:
            continue  # unknown even to the bundle: _reference_problems reports it
        policies[arn] = _managed_policy(ctx, arn, raw)
        more = f" and {len(who) - 1} more" if len(who) > 1 else ""
        out.append(
            Problem(
                f"{who[0]}{more} uses AWS managed policy {arn.rsplit('/', 1)[-1]}, which the "
                f"export leaves out: its document is taken from {BUNDLED_COPY} (as of "
                f"{date}); the account may have a newer version",
                policy=arn,
                file=source,
                severity="warning",
            )
        )
    return out


def _account_problems(
    account_id: str,
    users: Mapping[str, User],
    groups: Mapping[str, Group],
    roles: Mapping[str, Role],
    policies: Mapping[str, ManagedPolicy],
    source: str,
) -> list[Problem]:
    """An export is one account's: principals of several accounts (two exports concatenated)
    are reported, naming the accounts. The analysis then creates only the edges AWS allows
    across accounts (see :mod:`core.evaluate.evaluator`)."""
    seen: dict[str, int] = {}
    items: list[User | Group | Role | ManagedPolicy] = [
        *users.values(),
        *groups.values(),
        *roles.values(),
        *policies.values(),
    ]
    for item in items:
        acct = arn_account(item.arn)
        if acct:
            seen[acct] = seen.get(acct, 0) + 1
    if len(seen) < 2:
        return []
    listed = ", ".join(f"{a} ({n} entities)" for a, n in seen.items())
    return [
        Problem(
            f"the export mixes {len(seen)} accounts: {listed}; it is analysed as account "
            f"{account_id}, and edges are created only where AWS allows them across accounts "
            "(a role is passed only in its own account; a cross-account sts:AssumeRole needs "
            "both the trust policy and the caller's identity policy). Export one account per file",
            file=source,
            severity="warning",
        )
    ]


def arn_account(arn: str) -> str:
    """The 12-digit account of an ARN, or ``""`` (AWS managed policies, malformed ARNs)."""
    parts = arn.split(":")
    acct = parts[4] if len(parts) > 5 else ""
    return acct if len(acct) == 12 and acct.isdigit() else ""


def _reference_problems(
    users: Mapping[str, User],
    groups: Mapping[str, Group],
    roles: Mapping[str, Role],
    policies: Mapping[str, ManagedPolicy],
    source: str,
) -> list[Problem]:
    out = []
    group_names = {g.name for g in groups.values()}
    for u in users.values():
        for g in u.groups:
            if g not in group_names:
                out.append(
                    Problem(
                        f'user {u.name} is in group "{g}", which is not in the '
                        f"snapshot: its policies are not counted",
                        policy=u.arn,
                        file=source,
                        severity="warning",
                    )
                )
    entities: list[User | Group | Role] = [*users.values(), *groups.values(), *roles.values()]
    for e in entities:
        refs = list(e.attached_policies)
        boundary = e.boundary if not isinstance(e, Group) else None
        if boundary:
            refs.append(boundary)
        for arn in refs:
            if arn not in policies:
                effect = (
                    "what it does is conditional on what this permissions boundary allows"
                    if arn == boundary
                    else "it is treated as granting nothing"
                )
                out.append(
                    Problem(
                        f"{e.kind} {e.name} uses policy {arn}, which is not in the "
                        f"snapshot: {effect}",
                        policy=arn,
                        file=source,
                        severity="warning",
                    )
                )
    return out
