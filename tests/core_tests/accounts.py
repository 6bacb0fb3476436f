"""Small hand-written accounts for escalation tests, in ``get-account-authorization-details`` shape.

Each test writes its own account with these helpers, so the rule it checks is visible in it.
"""

from __future__ import annotations

from typing import Any

from core.escalate.analysis import Analysis, analyse
from core.load.snapshot import load_data
from core.model.account import Account
from core.model.memo import BoundedTable, memo_of

ACCT = "111122223333"


def arn(kind: str, name: str) -> str:
    """``arn:aws:iam::111122223333:<kind>/<name>``."""
    return f"arn:aws:iam::{ACCT}:{kind}/{name}"


def kept(acct: Account, name: str) -> BoundedTable[Any, Any]:
    """The account's table of shared results named ``name`` (empty when none was made)."""
    table = memo_of(acct).get(name)
    return table if isinstance(table, BoundedTable) else BoundedTable(0)


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: str | list[str], resource: str | list[str] = "*", **cond: Any) -> dict[str, Any]:
    st: dict[str, Any] = {"Effect": "Allow", "Action": action, "Resource": resource}
    if cond:
        st["Condition"] = cond
    return st


def deny(action: str | list[str], resource: str | list[str] = "*", **cond: Any) -> dict[str, Any]:
    st: dict[str, Any] = {"Effect": "Deny", "Action": action, "Resource": resource}
    if cond:
        st["Condition"] = cond
    return st


def trust(*principals: str, service: str | None = None, **cond: Any) -> dict[str, Any]:
    """A trust policy letting each AWS principal (ARN, account, ``*``) or a service assume."""
    principal: Any
    if service is not None:
        principal = {"Service": service}
    elif principals == ("*",):
        principal = "*"
    else:
        principal = {"AWS": list(principals)}
    st: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    if cond:
        st["Condition"] = cond
    return doc(st)


def inline(name: str, document: dict[str, Any]) -> dict[str, Any]:
    return {"PolicyName": name, "PolicyDocument": document}


def user(
    name: str,
    *policies: dict[str, Any],
    groups: tuple[str, ...] = (),
    attached: tuple[str, ...] = (),
    boundary: str | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "UserName": name,
        "Arn": arn("user", name),
        "Path": "/",
        "GroupList": list(groups),
        "UserPolicyList": list(policies),
        "AttachedManagedPolicies": [{"PolicyArn": a} for a in attached],
    }
    if boundary:
        out["PermissionsBoundary"] = {"PermissionsBoundaryArn": boundary}
    return out


def group(name: str, *policies: dict[str, Any], attached: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "GroupName": name,
        "Arn": arn("group", name),
        "Path": "/",
        "GroupPolicyList": list(policies),
        "AttachedManagedPolicies": [{"PolicyArn": a} for a in attached],
    }


def role(
    name: str,
    trust_policy: dict[str, Any],
    *policies: dict[str, Any],
    attached: tuple[str, ...] = (),
    boundary: str | None = None,
    profile: bool = False,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "RoleName": name,
        "Arn": arn("role", name),
        "Path": "/",
        "AssumeRolePolicyDocument": trust_policy,
        "RolePolicyList": list(policies),
        "AttachedManagedPolicies": [{"PolicyArn": a} for a in attached],
        "InstanceProfileList": (
            [
                {
                    "InstanceProfileName": name,
                    "Arn": f"arn:aws:iam::{ACCT}:instance-profile/{name}",
                    "Path": "/",
                    "Roles": [{"RoleName": name}],
                }
            ]
            if profile
            else []
        ),
    }
    if boundary:
        out["PermissionsBoundary"] = {"PermissionsBoundaryArn": boundary}
    return out


def policy(name: str, *versions: dict[str, Any], default: int = 1) -> dict[str, Any]:
    """A customer managed policy; ``default`` is the 1-based default version."""
    return {
        "PolicyName": name,
        "Arn": arn("policy", name),
        "Path": "/",
        "DefaultVersionId": f"v{default}",
        "PolicyVersionList": [
            {"VersionId": f"v{i + 1}", "IsDefaultVersion": i + 1 == default, "Document": d}
            for i, d in enumerate(versions)
        ],
    }


ADMIN_DOC = doc(allow("*"))


def account(
    users: list[dict[str, Any]] = (),  # type: ignore[assignment]
    roles: list[dict[str, Any]] = (),  # type: ignore[assignment]
    groups: list[dict[str, Any]] = (),  # type: ignore[assignment]
    policies: list[dict[str, Any]] = (),  # type: ignore[assignment]
    scps: list[dict[str, Any]] = (),  # type: ignore[assignment]
) -> Analysis:
    """Load and analyse the account; ``scps`` are documents attached at one account level."""
    return analyse(load_data(snapshot(users, roles, groups, policies, scps), source="test"))


def snapshot(
    users: list[dict[str, Any]] = (),  # type: ignore[assignment]
    roles: list[dict[str, Any]] = (),  # type: ignore[assignment]
    groups: list[dict[str, Any]] = (),  # type: ignore[assignment]
    policies: list[dict[str, Any]] = (),  # type: ignore[assignment]
    scps: list[dict[str, Any]] = (),  # type: ignore[assignment]
) -> dict[str, Any]:
    """The account as snapshot data (what :func:`account` loads)."""
    ext: dict[str, Any] = {"FormatVersion": 1, "AccountId": ACCT}
    if scps:
        ext["ScpLevels"] = [
            {
                "Target": f"Account {ACCT}",
                "Policies": [
                    {
                        "Name": f"scp{i}",
                        "Arn": f"arn:aws:organizations::1:policy/p-{i}",
                        "Document": d,
                    }
                    for i, d in enumerate(scps)
                ],
            }
        ]
    return {
        "UserDetailList": list(users),
        "GroupDetailList": list(groups),
        "RoleDetailList": list(roles),
        "Policies": list(policies),
        "IamExplore": ext,
    }


def findings(a: Analysis, kind: str | None = None, source: str | None = None) -> list[Any]:
    return [
        f
        for f in a.findings
        if (kind is None or f.kind == kind) and (source is None or f.source == source)
    ]


def path_of(a: Analysis, source: str) -> Any:
    return next((p for p in a.paths if p.source == source), None)
