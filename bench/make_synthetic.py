"""Generate a synthetic account with a known number of planted escalations, for scan benchmarks.

The account is shaped like a real organisation rather than like random noise, so that the engine's
sharing of work between principals with the same policies is exercised the way real accounts
exercise it:

* **teams** (one per ~200 users) own **apps** (one per ~10 roles); each team has four groups
  (``developers``, ``operators``, ``deployers``, ``readonly``) whose customer managed policies
  hold the statements that matter: ``iam:PassRole`` scoped to role path prefixes
  (``role/app-7/*``) with ``iam:PassedToService``, ``aws:RequestedRegion`` and
  ``aws:MultiFactorAuthPresent`` conditions, an ``Allow NotAction`` power-user statement,
  explicit denies and resource wildcards;
* users pick a **persona** (one or two of their team's groups), so most users share their
  group-derived policies; a few org-wide groups (self-service credentials with
  ``${aws:username}``, auditors, a Lambda sandbox, power users, IAM admins, platform admins) are
  added on top; ~10 % of users have a unique inline policy and ~10 % a permissions boundary;
* **roles** are service roles (EC2, Lambda, ECS tasks, Glue, CodeBuild, SageMaker,
  CloudFormation, Step Functions) under ``/app-N/``, with instance profiles for EC2 roles, shared
  per-team runtime policies, some unique inline policies and some trust for users of the account
  (``:root`` with MFA, or named operators); a few admin roles live under ``/admin/``;
* six **AWS managed policies** are copied with their real documents from the managed-policy
  archive at generation time (the snapshot is self-contained);
* the ``IamExplore`` extension adds SCP levels: root ``FullAWSAccess`` and an OU SCP (region
  lock with ``NotAction``, deny leaving the organisation, protect CloudTrail).

**Planted escalations** (users chosen among those with no boundary and no admin group):

* ``passrole_admin`` (N/100 users): an inline policy allowing ``iam:PassRole`` on an EC2 admin
  role (with an instance profile) and ``ec2:RunInstances``;
* ``create_policy_version`` (N/200 users): a customer managed policy attached to the user that
  allows ``iam:CreatePolicyVersion`` on itself.

Their ARNs go to ``FILE.planted.json`` next to the snapshot and the counts are printed. Other
admin escalations exist by design and are not planted: power users (``PowerUserAccess``) can run
commands on instances of admin roles and assume the break-glass role.

Deterministic: the same arguments give the same bytes.

Usage:
    python bench/make_synthetic.py --users 1000 --roles 1000 -o /tmp/synthetic-1000.json
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

ACCOUNT = "111122223333"
ORG = "o-a1b2c3d4e5"
AWS_MANAGED_DEFAULT = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "aws-managed-policies.json"
)
"""The shared folder beside the repository (``../shared``); ``--managed-policies`` overrides it."""
AWS_MANAGED = (
    "AdministratorAccess",
    "ReadOnlyAccess",
    "PowerUserAccess",
    "AmazonEC2FullAccess",
    "AWSLambda_FullAccess",
    "IAMFullAccess",
)
HOME_REGIONS = ("us-east-1", "eu-west-1")
REGIONS = (*HOME_REGIONS, "us-west-2", "eu-central-1", "ap-southeast-2")
ROLE_SERVICES = (
    "ec2",
    "lambda",
    "ecs-tasks",
    "glue",
    "codebuild",
    "sagemaker",
    "cloudformation",
    "states",
)
TEAM_NAMES = ("payments", "search", "platform", "data", "web", "mobile", "infra", "ml", "growth")
PERSONAS = (
    ("developers",),
    ("developers",),
    ("developers", "readonly"),
    ("operators",),
    ("operators", "developers"),
    ("deployers",),
    ("deployers", "developers"),
    ("readonly",),
)
"""Team groups a user is in; the first entry is the most common persona."""

V = "2012-10-17"


def _arn(kind: str, path_name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:{kind}/{path_name}"


def _doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": V, "Statement": list(statements)}


def _id(rng: random.Random, prefix: str) -> str:
    return f"{prefix}{rng.getrandbits(84):021X}"[:21]


def _date(rng: random.Random) -> str:
    return (
        f"20{rng.randint(16, 25):02d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        f"T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}+00:00"
    )


def _svc(service: str) -> str:
    return f"{service}.amazonaws.com"


PROTECT_CLOUDTRAIL: dict[str, Any] = {
    "Sid": "ProtectCloudTrail",
    "Effect": "Deny",
    "Action": ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail"],
    "Resource": "*",
    "Condition": {"ArnNotLike": {"aws:PrincipalArn": _arn("role", "admin/break-glass")}},
}
"""An exemption by ``aws:PrincipalArn``: common in real SCPs; makes every principal "personal"."""


# -- policy documents ---------------------------------------------------------------------------


def self_service_doc() -> dict[str, Any]:
    """AWS's "manage your own credentials with MFA" example (uses ``${aws:username}``)."""
    me = "arn:aws:iam::*:user/${aws:username}"
    return _doc(
        {
            "Sid": "AllowViewAccountInfo",
            "Effect": "Allow",
            "Action": ["iam:GetAccountPasswordPolicy", "iam:ListVirtualMFADevices"],
            "Resource": "*",
        },
        {
            "Sid": "AllowManageOwnPasswordsAndKeys",
            "Effect": "Allow",
            "Action": [
                "iam:ChangePassword",
                "iam:GetUser",
                "iam:CreateAccessKey",
                "iam:DeleteAccessKey",
                "iam:ListAccessKeys",
                "iam:UpdateAccessKey",
            ],
            "Resource": me,
        },
        {
            "Sid": "AllowManageOwnMFA",
            "Effect": "Allow",
            "Action": [
                "iam:CreateVirtualMFADevice",
                "iam:EnableMFADevice",
                "iam:ListMFADevices",
                "iam:ResyncMFADevice",
            ],
            "Resource": [me, "arn:aws:iam::*:mfa/*"],
        },
        {
            "Sid": "DenyAllExceptListedIfNoMFA",
            "Effect": "Deny",
            "NotAction": [
                "iam:CreateVirtualMFADevice",
                "iam:EnableMFADevice",
                "iam:GetUser",
                "iam:ChangePassword",
                "iam:ListMFADevices",
                "iam:ListVirtualMFADevices",
                "iam:ResyncMFADevice",
                "sts:GetSessionToken",
            ],
            "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
        },
    )


def _app_roles(apps: list[int]) -> list[str]:
    return [_arn("role", f"app-{a}/*") for a in apps]


def developers_doc(team: str, apps: list[int]) -> dict[str, Any]:
    return _doc(
        {
            "Sid": "ServerlessInHomeRegions",
            "Effect": "Allow",
            "Action": ["lambda:*", "ecs:RunTask", "ecs:RegisterTaskDefinition", "ecs:Describe*"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestedRegion": list(HOME_REGIONS)}},
        },
        {
            "Sid": "PassAppRolesToCompute",
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": _app_roles(apps),
            "Condition": {
                "StringEquals": {
                    "iam:PassedToService": [_svc("lambda"), _svc("ecs-tasks")],
                }
            },
        },
        {
            "Sid": "TeamData",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "dynamodb:*"],
            "Resource": [
                f"arn:aws:s3:::{team}-*",
                f"arn:aws:s3:::{team}-*/*",
                f"arn:aws:dynamodb:*:{ACCOUNT}:table/{team}-*",
            ],
        },
        {
            "Sid": "ReadIam",
            "Effect": "Allow",
            "Action": ["iam:Get*", "iam:List*", "logs:*", "cloudwatch:Get*"],
            "Resource": "*",
        },
        {
            "Sid": "NeverAdminRoles",
            "Effect": "Deny",
            "Action": ["iam:PassRole", "sts:AssumeRole"],
            "Resource": _arn("role", "admin/*"),
        },
    )


def operators_doc(team: str, apps: list[int]) -> dict[str, Any]:
    mfa = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    return _doc(
        {
            "Sid": "Ec2WithMfa",
            "Effect": "Allow",
            "Action": ["ec2:RunInstances", "ec2:StartInstances", "ec2:StopInstances", "ec2:Desc*"],
            "Resource": "*",
            "Condition": mfa,
        },
        {
            "Sid": "PassAppRolesToEc2",
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": _app_roles(apps),
            "Condition": {
                "StringEquals": {"iam:PassedToService": _svc("ec2")},
                "Bool": {"aws:MultiFactorAuthPresent": "true"},
            },
        },
        {
            "Sid": "AssumeAppRoles",
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": _app_roles(apps),
        },
        {
            "Sid": "NoTerminateOutsideTeam",
            "Effect": "Deny",
            "Action": "ec2:TerminateInstances",
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:ResourceTag/team": team}},
        },
        {
            "Sid": "NeverAdminRoles",
            "Effect": "Deny",
            "Action": ["iam:PassRole", "sts:AssumeRole"],
            "Resource": _arn("role", "admin/*"),
        },
    )


def deployers_doc(team: str, apps: list[int]) -> dict[str, Any]:
    return _doc(
        {
            "Sid": "PowerUserInHomeRegions",
            "Effect": "Allow",
            "NotAction": ["iam:*", "organizations:*", "account:*", "sts:*"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestedRegion": list(HOME_REGIONS)}},
        },
        {
            "Sid": "PassAppRolesToPipelines",
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": _app_roles(apps),
            "Condition": {
                "StringEquals": {
                    "iam:PassedToService": [_svc("cloudformation"), _svc("codebuild")],
                }
            },
        },
        {
            "Sid": "NoShellOnInstances",
            "Effect": "Deny",
            "Action": [
                "ssm:SendCommand",
                "ssm:StartSession",
                "ec2-instance-connect:SendSSHPublicKey",
                "ecs:ExecuteCommand",
                "sagemaker:CreatePresignedNotebookInstanceUrl",
            ],
            "Resource": "*",
        },
        {
            "Sid": "NeverAdminRoles",
            "Effect": "Deny",
            "Action": ["iam:PassRole", "sts:AssumeRole"],
            "Resource": _arn("role", "admin/*"),
        },
    )


def runtime_doc(rng: random.Random, team: str, service: str, pipeline_app: int) -> dict[str, Any]:
    """What a team's roles for one service may do."""
    region = rng.choice(HOME_REGIONS)
    sts: list[dict[str, Any]] = [
        {
            "Sid": "Logs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"arn:aws:logs:{region}:{ACCOUNT}:log-group:/{team}/*",
        },
        {
            "Sid": "Data",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject", "dynamodb:GetItem", "dynamodb:Query"],
            "Resource": [f"arn:aws:s3:::{team}-*/*", f"arn:aws:dynamodb:*:*:table/{team}-*"],
        },
    ]
    if service in ("codebuild", "cloudformation", "states"):
        sts.append(
            {
                "Sid": "DeployFunctions",
                "Effect": "Allow",
                "Action": ["lambda:CreateFunction", "lambda:UpdateFunctionConfiguration"],
                "Resource": f"arn:aws:lambda:{region}:{ACCOUNT}:function:{team}-*",
            }
        )
        sts.append(
            {
                "Sid": "PassPipelineRoles",
                "Effect": "Allow",
                "Action": "iam:PassRole",
                "Resource": _arn("role", f"app-{pipeline_app}/*"),
                "Condition": {"StringLike": {"iam:PassedToService": "lambda.amazonaws.com"}},
            }
        )
    if service in ("glue", "sagemaker"):
        sts.append(
            {
                "Sid": "Secrets",
                "Effect": "Allow",
                "Action": "secretsmanager:GetSecretValue",
                "Resource": f"arn:aws:secretsmanager:*:{ACCOUNT}:secret:{team}/*",
            }
        )
    if service == "ec2":
        sts.append(
            {
                "Sid": "Ssm",
                "Effect": "Allow",
                "Action": "ssm:UpdateInstanceInformation",
                "Resource": "*",
            }
        )
    return _doc(*sts)


def boundary_doc(strict: bool) -> dict[str, Any]:
    denied = ["iam:*", "organizations:*", "account:*"]
    if strict:
        denied += ["ec2:*", "lambda:CreateFunction"]
    return _doc(
        {"Sid": "Ceiling", "Effect": "Allow", "NotAction": denied, "Resource": "*"},
        {
            "Sid": "SelfRead",
            "Effect": "Allow",
            "Action": ["iam:Get*", "iam:List*"],
            "Resource": "*",
        },
        {
            "Sid": "NoBoundaryTampering",
            "Effect": "Deny",
            "Action": ["iam:DeleteUserPermissionsBoundary", "iam:PutUserPermissionsBoundary"],
            "Resource": "*",
        },
    )


def user_inline_doc(rng: random.Random, team: str, name: str) -> dict[str, Any]:
    """A unique personal policy (a bucket, a queue, a key of the user's own)."""
    region = rng.choice(REGIONS)
    sts: list[dict[str, Any]] = [
        {
            "Sid": "OwnBucket",
            "Effect": "Allow",
            "Action": ["s3:*"],
            "Resource": [
                f"arn:aws:s3:::{team}-{name}-scratch",
                f"arn:aws:s3:::{team}-{name}-scratch/*",
            ],
        },
        {
            "Sid": "OwnQueue",
            "Effect": "Allow",
            "Action": ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"],
            "Resource": f"arn:aws:sqs:{region}:{ACCOUNT}:{name}-{rng.randint(1, 999)}",
        },
    ]
    if rng.random() < 0.3:
        sts.append(
            {
                "Sid": "NoDeleteTables",
                "Effect": "Deny",
                "Action": "dynamodb:DeleteTable",
                "Resource": "*",
            }
        )
    return _doc(*sts)


def role_inline_doc(rng: random.Random, team: str, name: str) -> dict[str, Any]:
    region = rng.choice(REGIONS)
    return _doc(
        {
            "Sid": "Queue",
            "Effect": "Allow",
            "Action": ["sqs:SendMessage", "sqs:ReceiveMessage"],
            "Resource": f"arn:aws:sqs:{region}:{ACCOUNT}:{name}",
        },
        {
            "Sid": "Key",
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": f"arn:aws:kms:{region}:{ACCOUNT}:key/{rng.getrandbits(128):032x}",
            "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
        },
    )


def trust_doc(service: str, extra: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    sts = [{"Effect": "Allow", "Principal": {"Service": _svc(service)}, "Action": "sts:AssumeRole"}]
    return _doc(*sts, *(extra or []))


def scp_levels(principal_condition: bool = True) -> list[dict[str, Any]]:
    full = _doc({"Effect": "Allow", "Action": "*", "Resource": "*"})
    full_arn = "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess"
    ou = _doc(
        {
            "Sid": "DenyOutsideHomeRegions",
            "Effect": "Deny",
            "NotAction": [
                "iam:*",
                "sts:*",
                "organizations:*",
                "cloudfront:*",
                "route53:*",
                "support:*",
                "budgets:*",
            ],
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": list(HOME_REGIONS)}},
        },
        {
            "Sid": "DenyLeaveOrg",
            "Effect": "Deny",
            "Action": "organizations:LeaveOrganization",
            "Resource": "*",
        },
    )
    if principal_condition:
        ou["Statement"].append(PROTECT_CLOUDTRAIL)
    return [
        {
            "Target": f"Root r-ab12 ({ORG})",
            "Policies": [
                {
                    "Name": "FullAWSAccess",
                    "Arn": full_arn,
                    "Document": full,
                }
            ],
        },
        {
            "Target": "OU ou-ab12-workloads",
            "Policies": [
                {"Name": "FullAWSAccess", "Arn": full_arn, "Document": full},
                {
                    "Name": "workload-guardrails",
                    "Arn": f"arn:aws:organizations::{ACCOUNT}:policy/{ORG}/"
                    "service_control_policy/p-guardrails",
                    "Document": ou,
                },
            ],
        },
    ]


# -- the account ---------------------------------------------------------------------------------


class Builder:
    """Builds the snapshot dict; ``planted`` records the planted escalations."""

    def __init__(
        self,
        n_users: int,
        n_roles: int,
        seed: int,
        managed: dict[str, dict[str, Any]],
        self_service: float,
        principal_scp: bool = True,
    ) -> None:
        self.rng = random.Random(seed)
        self.principal_scp = principal_scp
        self.n_users = n_users
        self.n_roles = n_roles
        self.self_service = self_service
        self.managed = managed
        self.policies: dict[str, dict[str, Any]] = {}
        self.groups: dict[str, dict[str, Any]] = {}
        self.users: list[dict[str, Any]] = []
        self.roles: list[dict[str, Any]] = []
        self.attachments: dict[str, int] = {}
        self.planted: dict[str, list[dict[str, str]]] = {
            "passrole_admin": [],
            "create_policy_version": [],
        }
        self.n_teams = max(1, round(n_users / 200))
        self.teams = [
            TEAM_NAMES[t % len(TEAM_NAMES)] + ("" if t < len(TEAM_NAMES) else f"{t}")
            for t in range(self.n_teams)
        ]
        self.n_apps = max(self.n_teams, n_roles // 10)
        self.team_apps: dict[str, list[int]] = {t: [] for t in self.teams}
        for a in range(self.n_apps):
            self.team_apps[self.teams[a % self.n_teams]].append(a)
        self.admin_roles: list[str] = []

    # policies
    def customer_policy(
        self,
        name: str,
        doc: dict[str, Any],
        path: str = "/",
        old: tuple[dict[str, Any], ...] = (),
    ) -> str:
        rng = self.rng
        arn = _arn("policy", f"{path.strip('/')}/{name}" if path != "/" else name)
        docs = [*old, doc]
        n = len(docs)
        self.policies[arn] = {
            "PolicyName": name,
            "PolicyId": _id(rng, "ANPA"),
            "Arn": arn,
            "Path": path,
            "DefaultVersionId": f"v{n}",
            "AttachmentCount": 0,
            "PermissionsBoundaryUsageCount": 0,
            "IsAttachable": True,
            "CreateDate": _date(rng),
            "UpdateDate": _date(rng),
            "PolicyVersionList": [
                {
                    "Document": d,
                    "VersionId": f"v{v}",
                    "IsDefaultVersion": v == n,
                    "CreateDate": _date(rng),
                }
                for v, d in sorted(enumerate(docs, 1), reverse=True)
            ],
        }
        return arn

    def aws_policy(self, name: str) -> str:
        arn = f"arn:aws:iam::aws:policy/{name}"
        if arn not in self.policies:
            self.policies[arn] = json.loads(json.dumps(self.managed[name]))
            self.policies[arn]["AttachmentCount"] = 0
        return arn

    def _attach(self, arns: list[str]) -> list[dict[str, str]]:
        for a in arns:
            self.attachments[a] = self.attachments.get(a, 0) + 1
        return [{"PolicyName": a.rsplit("/", 1)[1], "PolicyArn": a} for a in arns]

    def group(self, name: str, attached: list[str], inline: dict[str, Any] | None = None) -> None:
        rng = self.rng
        self.groups[name] = {
            "Path": "/",
            "GroupName": name,
            "GroupId": _id(rng, "AGPA"),
            "Arn": _arn("group", name),
            "CreateDate": _date(rng),
            "GroupPolicyList": (
                [{"PolicyName": f"{name}-extra", "PolicyDocument": inline}] if inline else []
            ),
            "AttachedManagedPolicies": self._attach(attached),
        }

    def build_groups(self) -> None:
        rng = self.rng
        for team in self.teams:
            apps = self.team_apps[team]
            pick = sorted(rng.sample(apps, min(2, len(apps))))
            dev = self.customer_policy(
                f"{team}-developers",
                developers_doc(team, pick),
                old=(developers_doc(team, apps),) if rng.random() < 0.3 else (),
            )
            ops = self.customer_policy(f"{team}-operators", operators_doc(team, pick))
            dep = self.customer_policy(f"{team}-deployers", deployers_doc(team, pick))
            self.group(f"{team}-developers", [dev])
            self.group(f"{team}-operators", [ops, self.aws_policy("AmazonEC2FullAccess")])
            self.group(f"{team}-deployers", [dep])
            self.group(
                f"{team}-readonly",
                [self.aws_policy("ReadOnlyAccess")],
                inline=_doc(
                    {
                        "Sid": "NoSecrets",
                        "Effect": "Deny",
                        "Action": ["secretsmanager:GetSecretValue", "ssm:GetParameter*"],
                        "Resource": "*",
                    }
                ),
            )
        self.group(
            "all-staff", [self.customer_policy("self-service-credentials", self_service_doc())]
        )
        self.group("auditors", [self.aws_policy("ReadOnlyAccess")])
        self.group("lambda-sandbox", [self.aws_policy("AWSLambda_FullAccess")])
        self.group("power-users", [self.aws_policy("PowerUserAccess")])
        self.group("iam-admins", [self.aws_policy("IAMFullAccess")])
        self.group("platform-admins", [self.aws_policy("AdministratorAccess")])
        self.boundaries = [
            self.customer_policy("developer-boundary", boundary_doc(False), path="/boundaries/"),
            self.customer_policy("contractor-boundary", boundary_doc(True), path="/boundaries/"),
        ]

    def build_users(self) -> None:
        rng = self.rng
        n = self.n_users
        org_quota = {
            "lambda-sandbox": max(1, n // 500),
            "power-users": max(1, n // 500),
            "iam-admins": max(1, n // 1000),
            "platform-admins": max(1, n // 1000),
            "auditors": max(1, n // 200),
        }
        special = rng.sample(range(n), sum(org_quota.values()))
        org_of: dict[int, str] = {}
        k = 0
        for g, q in org_quota.items():
            for i in special[k : k + q]:
                org_of[i] = g
            k += q
        for i in range(n):
            team = self.teams[i % self.n_teams]
            name = f"{team}.user{i:05d}"
            groups = [f"{team}-{g}" for g in rng.choice(PERSONAS)]
            if i in org_of:
                groups = [*groups[:1], org_of[i]]
            elif rng.random() < self.self_service:
                groups.append("all-staff")
            u: dict[str, Any] = {
                "Path": "/",
                "UserName": name,
                "UserId": _id(rng, "AIDA"),
                "Arn": _arn("user", name),
                "CreateDate": _date(rng),
                "UserPolicyList": [],
                "GroupList": groups,
                "AttachedManagedPolicies": [],
                "Tags": [{"Key": "team", "Value": team}],
            }
            if rng.random() < 0.1:
                u["UserPolicyList"].append(
                    {"PolicyName": "personal", "PolicyDocument": user_inline_doc(rng, team, name)}
                )
            if i not in org_of and rng.random() < 0.1:
                u["PermissionsBoundary"] = {
                    "PermissionsBoundaryType": "Policy",
                    "PermissionsBoundaryArn": rng.choice(self.boundaries),
                }
            self.users.append(u)

    def build_roles(self) -> None:
        rng = self.rng
        n_admin = max(1, self.n_roles // 1000)
        runtime: dict[tuple[str, str], str] = {}
        for a in range(self.n_roles - n_admin - 1):
            app = a % self.n_apps
            team = self.teams[app % self.n_teams]
            service = ROLE_SERVICES[(a // self.n_apps) % len(ROLE_SERVICES)]
            key = (team, service)
            if key not in runtime:
                runtime[key] = self.customer_policy(
                    f"{team}-{service}-runtime",
                    runtime_doc(rng, team, service, self.team_apps[team][0]),
                )
            attached = [runtime[key]]
            if rng.random() < 0.05:
                attached.append(self.aws_policy("ReadOnlyAccess"))
            extra: list[dict[str, Any]] = []
            r = rng.random()
            if r < 0.08:
                extra.append(
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                        "Action": "sts:AssumeRole",
                        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
                    }
                )
            elif r < 0.11:
                who = sorted({self.users[rng.randrange(len(self.users))]["Arn"] for _ in range(2)})
                extra.append(
                    {"Effect": "Allow", "Principal": {"AWS": who}, "Action": "sts:AssumeRole"}
                )
            name = f"app-{app}-{service}-{a}"
            inline = (
                [{"PolicyName": "resources", "PolicyDocument": role_inline_doc(rng, team, name)}]
                if rng.random() < 0.3
                else []
            )
            self.role(name, f"/app-{app}/", service, trust_doc(service, extra), attached, inline)
        admin = self.aws_policy("AdministratorAccess")
        for k in range(n_admin):
            arn = self.role(f"ec2-admin-{k}", "/admin/", "ec2", trust_doc("ec2"), [admin], [])
            self.admin_roles.append(arn)
        glass = _doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
            }
        )
        self.role("break-glass", "/admin/", None, glass, [admin], [])

    def role(
        self,
        name: str,
        path: str,
        service: str | None,
        trust: dict[str, Any],
        attached: list[str],
        inline: list[dict[str, Any]],
    ) -> str:
        rng = self.rng
        arn = _arn("role", f"{path.strip('/')}/{name}")
        r: dict[str, Any] = {
            "Path": path,
            "RoleName": name,
            "RoleId": _id(rng, "AROA"),
            "Arn": arn,
            "CreateDate": _date(rng),
            "AssumeRolePolicyDocument": trust,
            "InstanceProfileList": [],
            "RolePolicyList": inline,
            "AttachedManagedPolicies": self._attach(attached),
            "Tags": [{"Key": "app", "Value": path.strip("/")}],
            "RoleLastUsed": {"LastUsedDate": _date(rng), "Region": rng.choice(HOME_REGIONS)},
        }
        if service == "ec2":
            r["InstanceProfileList"].append(
                {
                    "Path": path,
                    "InstanceProfileName": name,
                    "InstanceProfileId": _id(rng, "AIPA"),
                    "Arn": _arn("instance-profile", f"{path.strip('/')}/{name}"),
                    "CreateDate": r["CreateDate"],
                    "Roles": [
                        {
                            "Path": path,
                            "RoleName": name,
                            "RoleId": r["RoleId"],
                            "Arn": arn,
                            "CreateDate": r["CreateDate"],
                            "AssumeRolePolicyDocument": trust,
                        }
                    ],
                }
            )
        self.roles.append(r)
        return arn

    def plant(self) -> None:
        rng = self.rng
        plain = [
            u
            for u in self.users
            if "PermissionsBoundary" not in u
            and not u["UserPolicyList"]
            and not any(
                g in ("power-users", "iam-admins", "platform-admins") for g in u["GroupList"]
            )
        ]
        n_pass = max(1, self.n_users // 100)
        n_cpv = max(1, self.n_users // 200)
        chosen = rng.sample(plain, min(len(plain), n_pass + n_cpv))
        for u in chosen[:n_pass]:
            team = u["GroupList"][0].rsplit("-", 1)[0]
            # The team developers/operators/deployers policies deny admin roles: keep them out.
            u["GroupList"] = [f"{team}-readonly"]
            role = rng.choice(self.admin_roles)
            u["UserPolicyList"].append(
                {
                    "PolicyName": "ci-launcher",
                    "PolicyDocument": _doc(
                        {
                            "Sid": "LaunchBuilders",
                            "Effect": "Allow",
                            "Action": ["ec2:RunInstances", "ec2:CreateTags"],
                            "Resource": "*",
                        },
                        {
                            "Sid": "PassBuilderRole",
                            "Effect": "Allow",
                            "Action": ["iam:PassRole", "iam:GetRole"],
                            "Resource": role,
                        },
                    ),
                }
            )
            self.planted["passrole_admin"].append({"user": u["Arn"], "role": role})
        for u in chosen[n_pass:]:
            name = f"user-tools-{u['UserName']}"
            arn = _arn("policy", f"self/{name}")
            doc = _doc(
                {
                    "Sid": "Tools",
                    "Effect": "Allow",
                    "Action": ["codecommit:GitPull", "codecommit:GitPush"],
                    "Resource": f"arn:aws:codecommit:*:{ACCOUNT}:{u['UserName']}-*",
                },
                {
                    "Sid": "MaintainOwnPolicy",
                    "Effect": "Allow",
                    "Action": ["iam:CreatePolicyVersion", "iam:GetPolicyVersion"],
                    "Resource": arn,
                },
            )
            self.customer_policy(name, doc, path="/self/")
            u["AttachedManagedPolicies"] += self._attach([arn])
            self.planted["create_policy_version"].append({"user": u["Arn"], "policy": arn})

    def build(self) -> dict[str, Any]:
        self.build_groups()
        self.build_users()
        self.build_roles()
        self.plant()
        for arn, p in self.policies.items():
            p["AttachmentCount"] = self.attachments.get(arn, 0)
        return {
            "UserDetailList": self.users,
            "GroupDetailList": list(self.groups.values()),
            "RoleDetailList": self.roles,
            "Policies": sorted(self.policies.values(), key=lambda p: p["Arn"]),
            "IamExplore": {
                "FormatVersion": 1,
                "AccountId": ACCOUNT,
                "ScpLevels": scp_levels(self.principal_scp),
                "Generator": "bench/make_synthetic.py",
            },
        }


def load_managed(path: Path) -> dict[str, dict[str, Any]]:
    """The AWS managed policies the generator copies, keyed by name."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SystemExit(
            f"make_synthetic: cannot read managed policies from {path}: {exc}"
        ) from None
    wanted = {
        p["PolicyName"]: p for p in data.get("Policies", []) if p["PolicyName"] in AWS_MANAGED
    }
    missing = sorted(set(AWS_MANAGED) - set(wanted))
    if missing:
        raise SystemExit(f"make_synthetic: {path} lacks {', '.join(missing)}")
    return wanted


def generate(
    n_users: int,
    n_roles: int,
    seed: int,
    managed: dict[str, dict[str, Any]],
    self_service: float,
    principal_scp: bool = True,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The snapshot and the planted-escalation record."""
    b = Builder(n_users, n_roles, seed, managed, self_service, principal_scp)
    snapshot = b.build()
    planted = {
        "users": n_users,
        "roles": len(b.roles),
        "seed": seed,
        "admin_roles": b.admin_roles,
        **b.planted,
    }
    return snapshot, planted


def planted_path(output: Path) -> Path:
    return output.with_name(output.stem + ".planted.json")


def write_snapshot(
    output: Path, snapshot: dict[str, Any], planted: dict[str, Any], indent: int
) -> Path:
    """Write the snapshot (``indent`` 0: compact) and its planted side file; returns the latter."""
    with output.open("w", encoding="utf-8") as out:
        json.dump(snapshot, out, indent=indent or None)
        out.write("\n")
    side = planted_path(output)
    side.write_text(json.dumps(planted, indent=2) + "\n", encoding="utf-8")
    return side


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, required=True)
    ap.add_argument("--roles", type=int, required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument(
        "--self-service",
        type=float,
        default=0.25,
        metavar="FRACTION",
        help="share of users in the all-staff group whose policy uses ${aws:username} (0.25)",
    )
    ap.add_argument(
        "--managed-policies",
        type=Path,
        default=AWS_MANAGED_DEFAULT,
        help=f"AWS managed policy archive to copy documents from ({AWS_MANAGED_DEFAULT})",
    )
    ap.add_argument(
        "--no-principal-scp",
        action="store_true",
        help="leave out the OU SCP statement that exempts a role by aws:PrincipalArn",
    )
    ap.add_argument("--indent", type=int, default=4, help="0 for compact JSON (the CLI uses 4)")
    ap.add_argument("-o", "--output", type=Path, required=True)
    args = ap.parse_args(argv)
    if args.users < 1 or args.roles < 3:
        ap.error("need at least 1 user and 3 roles")
    snapshot, planted = generate(
        args.users,
        args.roles,
        args.seed,
        load_managed(args.managed_policies),
        args.self_service,
        not args.no_principal_scp,
    )
    side = write_snapshot(args.output, snapshot, planted, args.indent)
    size = args.output.stat().st_size / 1024 / 1024
    print(
        f"wrote {args.output} ({size:.1f} MiB): {len(snapshot['UserDetailList'])} users, "
        f"{len(snapshot['GroupDetailList'])} groups, {len(snapshot['RoleDetailList'])} roles, "
        f"{len(snapshot['Policies'])} policies; planted: "
        f"passrole_admin={len(planted['passrole_admin'])} "
        f"create_policy_version={len(planted['create_policy_version'])} (see {side.name})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
