"""Test helpers: snapshot JSON made the way users make it (a what-if export applied to the
snapshot file; a generated organisation with planted escalations)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from core.model.account import Account, Role

_LISTS = {
    "user": ("UserDetailList", "UserPolicyList"),
    "group": ("GroupDetailList", "GroupPolicyList"),
    "role": ("RoleDetailList", "RolePolicyList"),
}


def _safe(label: str) -> str:
    # The file name rule of core.explain.whatif.Session.export.
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in label) + ".json"


def apply_export(raw: dict[str, Any], exported: Path, current: Account) -> dict[str, Any]:
    """``raw`` with every document that ``:export DIR`` wrote into ``exported`` put in place.

    ``current`` (the what-if account) says which entity and policy each file name stands for.
    """
    out = copy.deepcopy(raw)
    by_arn = {d["Arn"]: d for key, _ in _LISTS.values() for d in out.get(key, [])}
    for e in current.entities:
        detail = by_arn[e.arn]
        _, list_key = _LISTS[e.kind]
        for p in e.inline_policies:
            f = exported / _safe(f"{e.kind}-{e.name}-{p.name}")
            if not f.exists():
                continue
            doc = json.loads(f.read_text())
            entries = detail.setdefault(list_key, [])
            for entry in entries:
                if entry["PolicyName"] == p.name:
                    entry["PolicyDocument"] = doc
                    break
            else:
                entries.append({"PolicyName": p.name, "PolicyDocument": doc})
        if isinstance(e, Role):
            f = exported / _safe(f"role-{e.name}-trust")
            if f.exists():
                detail["AssumeRolePolicyDocument"] = json.loads(f.read_text())
    for pol in out.get("Policies", []):
        f = exported / _safe(f"policy-{pol['PolicyName']}")
        if f.exists():
            doc = json.loads(f.read_text())
            for v in pol["PolicyVersionList"]:
                if v.get("IsDefaultVersion"):
                    v["Document"] = doc
    return out


ACCT = "123456789012"


def _arn(kind: str, name: str) -> str:
    return f"arn:aws:iam::{ACCT}:{kind}/{name}"


def _doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


EC2_TRUST = _doc(
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
)


def generated(
    users: int = 24,
    roles: int = 8,
    admin_roles: int = 2,
    passrole_admin: tuple[tuple[int, int], ...] = (),
    create_policy_version: tuple[int, ...] = (),
) -> dict[str, Any]:
    """A small organisation: read-only developers in a group, app roles for EC2, and admin
    roles for EC2 with instance profiles.

    Planted escalations:
        passrole_admin: ``(user i, admin role j)``: an inline policy lets user i pass
            ``admin-j`` to EC2 and run instances (an admin PassRole edge and path).
        create_policy_version: user i has a customer managed policy attached that allows
            ``iam:CreatePolicyVersion`` on itself (the user can rewrite its own permissions).
    """
    user_list = []
    policies: list[dict[str, Any]] = []
    for i in range(users):
        name = f"dev-{i:03d}"
        inline = [
            {
                "PolicyName": "s3-read",
                "PolicyDocument": _doc(
                    {"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"}
                ),
            }
        ]
        attached = []
        for u, j in passrole_admin:
            if u == i:
                inline.append(
                    {
                        "PolicyName": f"launch-admin-{j}",
                        "PolicyDocument": _doc(
                            {
                                "Effect": "Allow",
                                "Action": "iam:PassRole",
                                "Resource": _arn("role", f"admin-{j}"),
                            },
                            {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"},
                        ),
                    }
                )
        if i in create_policy_version:
            parn = _arn("policy", f"self-service-{i:03d}")
            attached.append({"PolicyName": f"self-service-{i:03d}", "PolicyArn": parn})
            policies.append(
                {
                    "PolicyName": f"self-service-{i:03d}",
                    "Arn": parn,
                    "Path": "/",
                    "DefaultVersionId": "v1",
                    "AttachmentCount": 1,
                    "IsAttachable": True,
                    "PolicyVersionList": [
                        {
                            "VersionId": "v1",
                            "IsDefaultVersion": True,
                            "Document": _doc(
                                {
                                    "Effect": "Allow",
                                    "Action": "iam:CreatePolicyVersion",
                                    "Resource": parn,
                                }
                            ),
                        }
                    ],
                }
            )
        user_list.append(
            {
                "UserName": name,
                "Arn": _arn("user", name),
                "Path": "/",
                "UserId": f"AIDA{i:016d}",
                "GroupList": ["developers"],
                "UserPolicyList": inline,
                "AttachedManagedPolicies": attached,
                "Tags": [],
            }
        )
    group_list = [
        {
            "GroupName": "developers",
            "Arn": _arn("group", "developers"),
            "Path": "/",
            "GroupPolicyList": [
                {
                    "PolicyName": "describe",
                    "PolicyDocument": _doc(
                        {"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}
                    ),
                }
            ],
            "AttachedManagedPolicies": [],
        }
    ]
    role_list = []
    for j in range(roles):
        name = f"app-{j}"
        role_list.append(
            {
                "RoleName": name,
                "Arn": _arn("role", name),
                "Path": "/",
                "AssumeRolePolicyDocument": EC2_TRUST,
                "RolePolicyList": [
                    {
                        "PolicyName": "app",
                        "PolicyDocument": _doc(
                            {
                                "Effect": "Allow",
                                "Action": "s3:GetObject",
                                "Resource": f"arn:aws:s3:::app-{j}/*",
                            }
                        ),
                    }
                ],
                "AttachedManagedPolicies": [],
                "InstanceProfileList": [],
                "Tags": [],
            }
        )
    for j in range(admin_roles):
        name = f"admin-{j}"
        role_list.append(
            {
                "RoleName": name,
                "Arn": _arn("role", name),
                "Path": "/",
                "AssumeRolePolicyDocument": EC2_TRUST,
                "RolePolicyList": [
                    {
                        "PolicyName": "everything",
                        "PolicyDocument": _doc({"Effect": "Allow", "Action": "*", "Resource": "*"}),
                    }
                ],
                "AttachedManagedPolicies": [],
                "InstanceProfileList": [
                    {
                        "InstanceProfileName": name,
                        "Arn": _arn("instance-profile", name),
                        "Path": "/",
                        "Roles": [{"RoleName": name, "Arn": _arn("role", name)}],
                    }
                ],
                "Tags": [],
            }
        )
    return {
        "UserDetailList": user_list,
        "GroupDetailList": group_list,
        "RoleDetailList": role_list,
        "Policies": policies,
        "IamExplore": {"FormatVersion": 1, "AccountId": ACCT},
    }
