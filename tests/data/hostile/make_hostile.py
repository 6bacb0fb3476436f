"""Write ``hostile.json``: a snapshot whose every string field carries hostile content.

Run ``python tests/data/hostile/make_hostile.py`` after changing it (a test checks the file is
up to date). Each hostile string ``H`` gets its own user, group, role, managed policy and SCP
level, with ``H`` in names, paths, ARNs, Sids, actions, resources, condition operators, keys and
values, tags, descriptions, instance profiles and the ``IamExplore`` metadata; user ``i`` may
pass role ``i`` (an admin role) to EC2, so edges, escalations and paths to admin carry it too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ACCOUNT = "111122223333"
LONG = 4_000
"""Length of the very long values (the 100,000-character case is built by the tests)."""

HOSTILE: tuple[str, ...] = (
    # Rich/Textual markup: closers, styles, actions, links, unbalanced brackets, emoji codes.
    "[/]",
    "x[/]",
    "[bold red]red[/]",
    "[@click=app.quit]quit[/]",
    "[link=file:///etc/passwd]link[/link]",
    "acct[prod]",
    "[/old]",
    "[",
    "]x[",
    "\\[escaped]",
    ":thumbs_up: :cross_mark:",
    "$accent $text",
    # Terminal control: CSI clear screen, OSC retitle, OSC 52 clipboard, BEL, C1 CSI, NUL, CR.
    "\x1b[2J\x1b[H",
    "\x1b]0;pwned\x07",
    "\x1b]52;c;SGVsbG8=\x07",
    "bell\x07\x08\x7f",
    "c1\x9b31mred",
    "nul\x00cr\rlf\nff\x0c",
    # Bidi overrides and zero-width characters.
    "evil\u202eexe.txt",
    "iso\u2066late\u2069",
    "zero\u200bwidth\u200d\ufeff",
    "line\u2028para\u2029",
    # Very long values (with brackets and an escape inside).
    "L" * (LONG // 2) + "[/]\x1b[2J" + "L" * (LONG // 2),
)


def _arn(kind: str, path: str, name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:{kind}{path}{name}"


def _doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def snapshot() -> dict[str, Any]:
    """The hostile snapshot as a JSON value."""
    users, groups, roles, policies, levels = [], [], [], [], []
    for i, h in enumerate(HOSTILE):
        path = f"/ops{h}/"
        role_name = f"role{i}-{h}"
        role_arn = _arn("role", path, role_name)
        user_name = f"user{i}-{h}"
        group_name = f"group{i}-{h}"
        policy_name = f"policy{i}-{h}"
        policy_arn = _arn("policy", path, policy_name)
        tags = [{"Key": f"key{h}", "Value": h}]
        condition = {
            "StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"},
            "StringLike": {f"aws:RequestTag/{h}": [h, f"{h}*"]},
        }
        inline = {
            "PolicyName": f"inline{i}-{h}",
            "PolicyDocument": _doc(
                {
                    "Sid": f"Sid{i}{h}",
                    "Effect": "Allow",
                    "Action": "iam:PassRole",
                    "Resource": role_arn,
                    "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}},
                },
                {
                    "Sid": f"Launch{h}",
                    "Effect": "Allow",
                    "Action": ["ec2:RunInstances", f"ec2:Describe{h}"],
                    "Resource": "*",
                },
                {
                    "Sid": f"Odd{h}",
                    "Effect": "Allow",
                    "Action": f"s3:{h}",
                    "Resource": f"arn:aws:s3:::{h}/*",
                    "Condition": {f"StringEquals{h}": {f"aws:{h}": h}, **condition},
                },
            ),
        }
        users.append(
            {
                "Path": path,
                "UserName": user_name,
                "UserId": f"AIDA{i}{h}",
                "Arn": _arn("user", path, user_name),
                "CreateDate": h,
                "GroupList": [group_name],
                "UserPolicyList": [inline],
                "AttachedManagedPolicies": [{"PolicyName": policy_name, "PolicyArn": policy_arn}],
                "Tags": tags,
            }
        )
        groups.append(
            {
                "Path": path,
                "GroupName": group_name,
                "GroupId": f"AGPA{i}{h}",
                "Arn": _arn("group", path, group_name),
                "GroupPolicyList": [
                    {
                        "PolicyName": f"grouppolicy{i}-{h}",
                        "PolicyDocument": _doc(
                            {
                                "Sid": f"Group{h}",
                                "Effect": "Deny",
                                "Action": f"iam:{h}",
                                "Resource": f"arn:aws:iam::{ACCOUNT}:{h}",
                            }
                        ),
                    }
                ],
                "AttachedManagedPolicies": [],
            }
        )
        trust = _doc(
            {
                "Sid": f"Trust{h}",
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        )
        roles.append(
            {
                "Path": path,
                "RoleName": role_name,
                "RoleId": f"AROA{i}{h}",
                "Arn": role_arn,
                "Description": h,
                "AssumeRolePolicyDocument": trust,
                "InstanceProfileList": [
                    {
                        "Path": path,
                        "InstanceProfileName": f"profile{i}-{h}",
                        "Arn": _arn("instance-profile", path, f"profile{i}-{h}"),
                        "Roles": [{"RoleName": role_name, "Arn": role_arn}],
                    }
                ],
                "RolePolicyList": [
                    {
                        "PolicyName": f"admin{i}-{h}",
                        "PolicyDocument": _doc(
                            {"Sid": f"Admin{h}", "Effect": "Allow", "Action": "*", "Resource": "*"}
                        ),
                    }
                ],
                "AttachedManagedPolicies": [
                    {"PolicyName": policy_name, "PolicyArn": policy_arn},
                    {"PolicyName": f"missing-{h}", "PolicyArn": _arn("policy", path, f"gone{h}")},
                ],
                "Tags": tags,
            }
        )
        policies.append(
            {
                "PolicyName": policy_name,
                "PolicyId": f"ANPA{i}{h}",
                "Arn": policy_arn,
                "Path": path,
                "DefaultVersionId": "v1",
                "AttachmentCount": 2,
                "IsAttachable": True,
                "PolicyVersionList": [
                    {
                        "VersionId": "v1",
                        "IsDefaultVersion": True,
                        "CreateDate": h,
                        "Document": json.dumps(
                            _doc(
                                {
                                    "Sid": f"Managed{h}",
                                    "Effect": "Allow",
                                    "Action": ["iam:GetRole", f"{h}:Get*"],
                                    "NotResource": f"arn:aws:iam::{ACCOUNT}:role/{h}",
                                    "Condition": {"Bool": {f"aws:{h}": "true"}},
                                }
                            )
                        ),
                    }
                ],
            }
        )
        levels.append(
            {
                "Target": f"OU {h}",
                "Policies": [
                    {
                        "Name": f"scp{i}-{h}",
                        "Arn": f"arn:aws:organizations::{ACCOUNT}:policy/{h}",
                        "Document": _doc(
                            {"Sid": f"Scp{h}", "Effect": "Allow", "Action": "*", "Resource": "*"}
                        ),
                    }
                ],
            }
        )
    extension = {
        "FormatVersion": 1,
        "AccountId": ACCOUNT,
        "ScpLevels": levels,
        "FetchedAt": HOSTILE[13],
        "FetchedBy": HOSTILE[1],
        "FetchedFrom": HOSTILE[14],
        "ScpNote": HOSTILE[3],
    }
    return {
        "UserDetailList": users,
        "GroupDetailList": groups,
        "RoleDetailList": roles,
        "Policies": policies,
        "IamExplore": extension,
    }


def render() -> str:
    """The file's text (ASCII: every hostile character is a JSON escape, so the file is safe
    to ``cat``)."""
    return json.dumps(snapshot(), indent=1, ensure_ascii=True) + "\n"


def main() -> None:
    out = Path(__file__).with_name("hostile.json")
    out.write_text(render(), encoding="ascii")
    print(f"wrote {out} ({out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
