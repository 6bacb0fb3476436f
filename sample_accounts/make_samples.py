"""Generate the bundled sample accounts (``*.json``) and check that they are well formed.

Each sample is one file in the shape of ``aws iam get-account-authorization-details`` output,
plus the optional ``IamExplore`` extension object (account id, SCP levels, description). The
AWS managed policies a sample attaches are copied, with their real documents, from the shared
managed-policy snapshot, so the project never reads that snapshot at run time.

Usage (from the project root)::

    .venv/bin/python sample_accounts/make_samples.py [--data PATH] [--out DIR] [--check-only]

The output is deterministic: ids and dates are derived from names, lists are sorted, JSON is
written with ``indent=2``. The ``*.expected.json`` files and the README are written by hand.
"""

from __future__ import annotations

import argparse
import base64
import copy
import hashlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "aws-managed-policies.json"
"""The shared folder beside the repository (``../shared``); an option overrides it."""
HERE = Path(__file__).resolve().parent

Json = dict[str, Any]
V2012 = "2012-10-17"


# --------------------------------------------------------------------------- helpers


def stmt(
    effect: str = "Allow",
    action: str | list[str] | None = None,
    resource: str | list[str] | None = "*",
    *,
    not_action: str | list[str] | None = None,
    not_resource: str | list[str] | None = None,
    condition: Json | None = None,
    sid: str | None = None,
    principal: Json | str | None = None,
) -> Json:
    """One policy statement with AWS's usual key order."""
    s: Json = {}
    if sid:
        s["Sid"] = sid
    s["Effect"] = effect
    if principal is not None:
        s["Principal"] = principal
    if not_action is not None:
        s["NotAction"] = not_action
    else:
        s["Action"] = action
    if not_resource is not None:
        s["NotResource"] = not_resource
    elif resource is not None:
        s["Resource"] = resource
    if condition:
        s["Condition"] = condition
    return s


def doc(*statements: Json, version: str | None = V2012) -> Json:
    d: Json = {}
    if version is not None:
        d["Version"] = version
    d["Statement"] = list(statements)
    return d


def trust_service(*services: str) -> Json:
    svc: str | list[str] = services[0] if len(services) == 1 else list(services)
    return doc(stmt("Allow", "sts:AssumeRole", None, principal={"Service": svc}))


def trust_aws(arn: str | list[str], condition: Json | None = None) -> Json:
    return doc(stmt("Allow", "sts:AssumeRole", None, principal={"AWS": arn}, condition=condition))


def trust_saml(provider_arn: str) -> Json:
    return doc(
        stmt(
            "Allow",
            ["sts:AssumeRoleWithSAML", "sts:TagSession"],
            None,
            principal={"Federated": provider_arn},
            condition={"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
        )
    )


def _digest(*parts: str) -> bytes:
    return hashlib.sha256("\x1f".join(parts).encode()).digest()


def make_id(prefix: str, *parts: str) -> str:
    """A stable id in AWS's style: a 4-letter prefix and 17 upper-case base32 characters."""
    return prefix + base64.b32encode(_digest(prefix, *parts)).decode()[:17].replace("=", "A")


def make_date(*parts: str, year0: int = 2019, years: int = 6) -> str:
    """A stable creation date derived from the name (UTC, AWS's CLI format)."""
    h = _digest("date", *parts)
    year = year0 + h[0] % years
    month = 1 + h[1] % 12
    day = 1 + h[2] % 28
    return f"{year:04d}-{month:02d}-{day:02d}T{h[3] % 24:02d}:{h[4] % 60:02d}:{h[5] % 60:02d}+00:00"


def tags(**kv: str) -> list[Json]:
    return [{"Key": k.replace("_", "-"), "Value": v} for k, v in sorted(kv.items())]


# --------------------------------------------------------------------------- account builder


@dataclass
class Account:
    account_id: str
    managed_catalogue: dict[str, Json]
    description: str = ""
    users: list[Json] = field(default_factory=list)
    groups: list[Json] = field(default_factory=list)
    roles: list[Json] = field(default_factory=list)
    customer_policies: dict[str, Json] = field(default_factory=dict)
    scp_levels: list[Json] = field(default_factory=list)
    resources: Json | None = None
    """The ``IamExplore.Resources`` inventory (existing instances, functions, stacks...)."""

    # ARNs -----------------------------------------------------------------
    def arn(self, kind: str, name: str, path: str = "/") -> str:
        return f"arn:aws:iam::{self.account_id}:{kind}{path}{name}"

    def aws(self, name: str) -> str:
        """The ARN of a real AWS managed policy, by name (checked against the catalogue)."""
        if name not in self.managed_catalogue:
            raise KeyError(f"AWS managed policy {name!r} is not in the snapshot")
        return str(self.managed_catalogue[name]["Arn"])

    def cm(self, name: str) -> str:
        """The ARN of a customer managed policy of this account (must be defined)."""
        if name not in self.customer_policies:
            raise KeyError(f"customer managed policy {name!r} is not defined")
        return str(self.customer_policies[name]["Arn"])

    def _attached(self, arns: list[str]) -> list[Json]:
        return [{"PolicyName": a.rsplit("/", 1)[1], "PolicyArn": a} for a in sorted(arns)]

    @staticmethod
    def _inline(inline: dict[str, Json] | None) -> list[Json]:
        return [{"PolicyName": n, "PolicyDocument": d} for n, d in sorted((inline or {}).items())]

    # principals -----------------------------------------------------------
    def policy(
        self,
        name: str,
        document: Json,
        *,
        path: str = "/",
        older_versions: list[Json] | None = None,
    ) -> str:
        arn = self.arn("policy", name, path)
        versions = [*(older_versions or []), document]
        n = len(versions)
        created = make_date(self.account_id, "policy", name, years=5)
        self.customer_policies[name] = {
            "PolicyName": name,
            "PolicyId": make_id("ANPA", self.account_id, name),
            "Arn": arn,
            "Path": path,
            "DefaultVersionId": f"v{n}",
            "AttachmentCount": 0,
            "PermissionsBoundaryUsageCount": 0,
            "IsAttachable": True,
            "CreateDate": created,
            "UpdateDate": make_date(self.account_id, "policy-update", name, year0=2024, years=2)
            if n > 1
            else created,
            "PolicyVersionList": [
                {
                    "Document": d,
                    "VersionId": f"v{i}",
                    "IsDefaultVersion": i == n,
                    "CreateDate": created
                    if i == 1
                    else make_date(self.account_id, "policy-v", name, str(i), year0=2024, years=2),
                }
                for i, d in reversed(list(enumerate(versions, start=1)))
            ],
        }
        return arn

    def group(
        self,
        name: str,
        *,
        attached: list[str] | None = None,
        inline: dict[str, Json] | None = None,
        path: str = "/",
    ) -> None:
        self.groups.append(
            {
                "Path": path,
                "GroupName": name,
                "GroupId": make_id("AGPA", self.account_id, name),
                "Arn": self.arn("group", name, path),
                "CreateDate": make_date(self.account_id, "group", name, year0=2018, years=2),
                "GroupPolicyList": self._inline(inline),
                "AttachedManagedPolicies": self._attached(attached or []),
            }
        )

    def user(
        self,
        name: str,
        *,
        groups: list[str] | None = None,
        attached: list[str] | None = None,
        inline: dict[str, Json] | None = None,
        boundary: str | None = None,
        path: str = "/",
        user_tags: list[Json] | None = None,
    ) -> str:
        u: Json = {
            "Path": path,
            "UserName": name,
            "UserId": make_id("AIDA", self.account_id, name),
            "Arn": self.arn("user", name, path),
            "CreateDate": make_date(self.account_id, "user", name),
            "UserPolicyList": self._inline(inline),
            "GroupList": sorted(groups or []),
            "AttachedManagedPolicies": self._attached(attached or []),
        }
        if boundary:
            u["PermissionsBoundary"] = {
                "PermissionsBoundaryType": "Policy",
                "PermissionsBoundaryArn": boundary,
            }
        u["Tags"] = user_tags or []
        self.users.append(u)
        return str(u["Arn"])

    def role(
        self,
        name: str,
        trust: Json,
        *,
        attached: list[str] | None = None,
        inline: dict[str, Json] | None = None,
        boundary: str | None = None,
        path: str = "/",
        instance_profile: bool = False,
        role_tags: list[Json] | None = None,
        last_used_region: str | None = "us-east-1",
    ) -> str:
        arn = self.arn("role", name, path)
        created = make_date(self.account_id, "role", name)
        r: Json = {
            "Path": path,
            "RoleName": name,
            "RoleId": make_id("AROA", self.account_id, name),
            "Arn": arn,
            "CreateDate": created,
            "AssumeRolePolicyDocument": trust,
            "InstanceProfileList": [],
            "RolePolicyList": self._inline(inline),
            "AttachedManagedPolicies": self._attached(attached or []),
        }
        if instance_profile:
            r["InstanceProfileList"] = [
                {
                    "Path": path,
                    "InstanceProfileName": name,
                    "InstanceProfileId": make_id("AIPA", self.account_id, name),
                    "Arn": self.arn("instance-profile", name, path),
                    "CreateDate": created,
                    "Roles": [
                        {
                            "Path": path,
                            "RoleName": name,
                            "RoleId": r["RoleId"],
                            "Arn": arn,
                            "CreateDate": created,
                            "AssumeRolePolicyDocument": trust,
                        }
                    ],
                }
            ]
        if boundary:
            r["PermissionsBoundary"] = {
                "PermissionsBoundaryType": "Policy",
                "PermissionsBoundaryArn": boundary,
            }
        r["Tags"] = role_tags or []
        r["RoleLastUsed"] = (
            {
                "LastUsedDate": make_date(self.account_id, "used", name, year0=2025, years=1),
                "Region": last_used_region,
            }
            if last_used_region
            else {}
        )
        self.roles.append(r)
        return arn

    def scp_level(self, target: str, policies: list[tuple[str, str, Json]]) -> None:
        self.scp_levels.append(
            {
                "Target": target,
                "Policies": [{"Name": n, "Arn": a, "Document": d} for n, a, d in policies],
            }
        )

    # output ---------------------------------------------------------------
    def to_json(self) -> Json:
        attach: dict[str, int] = {}
        bound: dict[str, int] = {}
        for p in [*self.users, *self.groups, *self.roles]:
            for a in p["AttachedManagedPolicies"]:
                attach[a["PolicyArn"]] = attach.get(a["PolicyArn"], 0) + 1
            if "PermissionsBoundary" in p:
                b = p["PermissionsBoundary"]["PermissionsBoundaryArn"]
                bound[b] = bound.get(b, 0) + 1
        policies: list[Json] = []
        for p in self.customer_policies.values():
            q = copy.deepcopy(p)
            q["AttachmentCount"] = attach.get(q["Arn"], 0)
            q["PermissionsBoundaryUsageCount"] = bound.get(q["Arn"], 0)
            policies.append(q)
        by_arn = {p["Arn"]: p for p in self.managed_catalogue.values()}
        for arn in sorted(set(attach) | set(bound)):
            if ":aws:policy/" not in arn:
                continue
            q = copy.deepcopy(by_arn[arn])
            q["AttachmentCount"] = attach.get(arn, 0)
            q["PermissionsBoundaryUsageCount"] = bound.get(arn, 0)
            policies.append(q)
        out: Json = {
            "UserDetailList": sorted(self.users, key=lambda u: u["UserName"]),
            "GroupDetailList": sorted(self.groups, key=lambda g: g["GroupName"]),
            "RoleDetailList": sorted(self.roles, key=lambda r: (r["Path"], r["RoleName"])),
            "Policies": sorted(policies, key=lambda p: (":aws:policy/" in p["Arn"], p["Arn"])),
        }
        ext: Json = {"FormatVersion": 1, "AccountId": self.account_id}
        if self.scp_levels:
            ext["ScpLevels"] = self.scp_levels
        ext["Description"] = self.description
        if self.resources is not None:
            ext["Resources"] = self.resources
        out["IamExplore"] = ext
        return out


# --------------------------------------------------------------------------- samples


def classic_story(cat: dict[str, Json], fixed: bool) -> Account:
    a = Account(
        "111122223333",
        cat,
        description=(
            "The classic story, fixed: test-user may now pass EC2-roles-for-XYZ to EC2 and so "
            "becomes an administrator."
            if fixed
            else "The classic story: test-user has AmazonEC2FullAccess but no iam:PassRole, so "
            "cannot launch an instance with the admin role EC2-roles-for-XYZ."
        ),
    )
    role_arn = a.role(
        "EC2-roles-for-XYZ",
        trust_service("ec2.amazonaws.com"),
        attached=[a.aws("AdministratorAccess")],
        instance_profile=True,
    )
    inline = None
    if fixed:
        inline = {
            "AllowPassEC2Role": doc(
                stmt(
                    "Allow",
                    "iam:PassRole",
                    role_arn,
                    condition={"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}},
                )
            )
        }
    a.user("test-user", attached=[a.aws("AmazonEC2FullAccess")], inline=inline)
    return a


def midsize_company(cat: dict[str, Json]) -> Account:
    acct = "444455556666"
    a = Account(
        acct,
        cat,
        description=(
            "A mid-size company: 40 users, 10 groups, 80 roles; a dozen real escalation paths "
            "hidden among harmless look-alikes."
        ),
    )

    def r(name: str, path: str = "/") -> str:
        return a.arn("role", name, path)

    def u(name: str, path: str = "/") -> str:
        return a.arn("user", name, path)

    pts = "iam:PassedToService"
    saml = f"arn:aws:iam::{acct}:saml-provider/AWSSSO_4f1c2e9a7b3d5e60_DO_NOT_DELETE"

    # ---------------------------------------------------------------- customer policies
    a.policy(
        "SelfManageCredentials",
        doc(
            stmt(
                "Allow",
                ["iam:GetAccountPasswordPolicy", "iam:ListVirtualMFADevices"],
                "*",
                sid="ViewAccountInfo",
            ),
            stmt(
                "Allow",
                [
                    "iam:ChangePassword",
                    "iam:GetUser",
                    "iam:CreateAccessKey",
                    "iam:DeleteAccessKey",
                    "iam:ListAccessKeys",
                    "iam:UpdateAccessKey",
                    "iam:ListMFADevices",
                    "iam:EnableMFADevice",
                    "iam:ResyncMFADevice",
                ],
                f"arn:aws:iam::{acct}:user/${{aws:username}}",
                sid="ManageOwnCredentials",
            ),
            stmt(
                "Allow",
                ["iam:CreateVirtualMFADevice", "iam:DeleteVirtualMFADevice"],
                f"arn:aws:iam::{acct}:mfa/${{aws:username}}",
                sid="ManageOwnVirtualMFA",
            ),
        ),
    )
    a.policy(
        "DeveloperEC2Launch",
        doc(
            stmt(
                "Allow",
                [
                    "ec2:RunInstances",
                    "ec2:StartInstances",
                    "ec2:StopInstances",
                    "ec2:RebootInstances",
                    "ec2:TerminateInstances",
                    "ec2:CreateTags",
                ],
                "*",
                sid="LaunchAndManageInstances",
            ),
            stmt(
                "Allow",
                "iam:PassRole",
                f"arn:aws:iam::{acct}:role/app/*",
                condition={"StringEquals": {pts: "ec2.amazonaws.com"}},
                sid="PassAppRolesToEC2",
            ),
        ),
    )
    a.policy(
        "DeveloperBoundary",
        doc(
            stmt(
                "Allow",
                [
                    "ec2:*",
                    "s3:*",
                    "logs:*",
                    "cloudwatch:*",
                    "dynamodb:*",
                    "sqs:*",
                    "lambda:Get*",
                    "lambda:List*",
                    "iam:Get*",
                    "iam:List*",
                    "iam:ChangePassword",
                    "iam:CreateAccessKey",
                    "iam:DeleteAccessKey",
                    "iam:UpdateAccessKey",
                    "iam:EnableMFADevice",
                    "iam:ResyncMFADevice",
                    "iam:CreateVirtualMFADevice",
                    "iam:DeleteVirtualMFADevice",
                ],
                "*",
                sid="DeveloperCeiling",
            ),
        ),
        path="/boundaries/",
    )
    a.policy(
        "AppWorkloadBoundary",
        doc(
            stmt(
                "Allow",
                ["s3:*", "dynamodb:*", "logs:*", "cloudwatch:PutMetricData"],
                "*",
                sid="WorkloadCeiling",
            )
        ),
        path="/boundaries/",
    )
    a.policy(
        "ContractorBoundary",
        doc(
            stmt(
                "Allow",
                [
                    "codecommit:*",
                    "s3:*",
                    "logs:Get*",
                    "logs:Describe*",
                    "iam:ChangePassword",
                    "iam:GetUser",
                    "iam:GetAccountPasswordPolicy",
                ],
                "*",
                sid="ContractorCeiling",
            )
        ),
        path="/boundaries/",
    )
    a.policy(
        "ContractorAccess",
        doc(
            stmt(
                "Allow",
                [
                    "codecommit:GitPull",
                    "codecommit:GitPush",
                    "codecommit:GetRepository",
                    "codecommit:ListBranches",
                    "codecommit:CreatePullRequest",
                ],
                f"arn:aws:codecommit:eu-west-1:{acct}:mobile-app",
                sid="MobileAppRepo",
            ),
            stmt(
                "Allow",
                ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
                ["arn:aws:s3:::acme-contractor-drop", "arn:aws:s3:::acme-contractor-drop/*"],
                sid="DropBucket",
            ),
        ),
    )
    a.policy(
        "ContractorIpRestriction",
        doc(
            stmt(
                "Deny",
                "*",
                "*",
                condition={
                    "NotIpAddress": {"aws:SourceIp": ["198.51.100.0/24", "2001:db8:4a00::/40"]},
                    "Bool": {"aws:ViaAWSService": "false"},
                },
                sid="DenyOutsideContractorVpn",
            )
        ),
    )
    a.policy(
        "SecurityIncidentResponse",
        doc(
            stmt(
                "Allow",
                [
                    "ec2:StopInstances",
                    "ec2:CreateSnapshot",
                    "ec2:CreateTags",
                    "ec2:RevokeSecurityGroupIngress",
                    "ec2:RevokeSecurityGroupEgress",
                ],
                "*",
                sid="ContainInstances",
            ),
            stmt(
                "Allow",
                ["iam:UpdateAccessKey", "iam:ListAccessKeys"],
                f"arn:aws:iam::{acct}:user/*",
                sid="DisableLeakedKeys",
            ),
        ),
    )
    reporting_v1 = doc(
        stmt(
            "Allow",
            ["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults"],
            f"arn:aws:athena:eu-west-1:{acct}:workgroup/reporting",
        )
    )
    a.policy(
        "ReportingToolsAccess",
        doc(
            stmt(
                "Allow",
                [
                    "athena:StartQueryExecution",
                    "athena:GetQueryExecution",
                    "athena:GetQueryResults",
                    "athena:StopQueryExecution",
                ],
                f"arn:aws:athena:eu-west-1:{acct}:workgroup/reporting",
                sid="RunReportingQueries",
            ),
            stmt(
                "Allow",
                ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
                ["arn:aws:s3:::acme-reports", "arn:aws:s3:::acme-reports/*"],
                sid="ReportsBucket",
            ),
            stmt(
                "Allow",
                ["glue:GetTable", "glue:GetTables", "glue:GetDatabase", "glue:GetPartitions"],
                "*",
                sid="ReadCatalog",
            ),
        ),
        older_versions=[reporting_v1],
    )
    a.policy(
        "CICodeBuildPassRole",
        doc(
            stmt(
                "Allow",
                "iam:PassRole",
                f"arn:aws:iam::{acct}:role/service-role/codebuild-*",
                condition={"StringEquals": {pts: "codebuild.amazonaws.com"}},
                sid="PassCodeBuildServiceRoles",
            )
        ),
        path="/automation/",
    )
    a.policy(
        "CodeBuildUnitTestsPolicy",
        doc(
            stmt(
                "Allow",
                ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                f"arn:aws:logs:eu-west-1:{acct}:log-group:/aws/codebuild/*",
            ),
            stmt(
                "Allow",
                ["s3:GetObject", "s3:PutObject"],
                "arn:aws:s3:::acme-ci-artifacts/*",
            ),
        ),
        path="/service-role/",
    )
    a.policy(
        "WebFrontendAssetsRead",
        doc(
            stmt("Allow", "s3:ListBucket", "arn:aws:s3:::acme-web-assets"),
            stmt("Allow", "s3:GetObject", "arn:aws:s3:::acme-web-assets/*"),
        ),
        path="/app/",
    )
    a.policy(
        "OrdersApiDataAccess",
        doc(
            stmt(
                "Allow",
                [
                    "dynamodb:GetItem",
                    "dynamodb:PutItem",
                    "dynamodb:UpdateItem",
                    "dynamodb:DeleteItem",
                    "dynamodb:Query",
                ],
                [
                    f"arn:aws:dynamodb:eu-west-1:{acct}:table/Orders",
                    f"arn:aws:dynamodb:eu-west-1:{acct}:table/Orders/index/*",
                ],
            ),
            stmt("Allow", "sqs:SendMessage", f"arn:aws:sqs:eu-west-1:{acct}:order-events"),
        ),
        path="/app/",
    )
    a.policy(
        "PaymentsTaskSecrets",
        doc(
            stmt(
                "Allow",
                "secretsmanager:GetSecretValue",
                f"arn:aws:secretsmanager:eu-west-1:{acct}:secret:prod/payments/*",
            ),
            stmt(
                "Allow",
                "kms:Decrypt",
                f"arn:aws:kms:eu-west-1:{acct}:key/3f6c1a52-9d8e-4b7a-a1c2-5e4f3d2c1b0a",
            ),
        ),
    )
    a.policy(
        "PlatformMigrationTask",
        doc(
            stmt(
                "Allow",
                ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:PutRolePolicy"],
                f"arn:aws:iam::{acct}:role/ecs/*",
                sid="RewriteTaskRolePolicies",
            ),
            stmt(
                "Allow",
                ["s3:GetObject", "s3:ListBucket"],
                ["arn:aws:s3:::acme-migrations", "arn:aws:s3:::acme-migrations/*"],
                sid="ReadMigrationScripts",
            ),
        ),
    )
    a.policy(
        "UploadScannerS3Read",
        doc(stmt("Allow", "s3:GetObject", "arn:aws:s3:::acme-uploads/*")),
        path="/app/",
    )
    a.policy(
        "OrdersStreamRead",
        doc(
            stmt(
                "Allow",
                [
                    "dynamodb:GetRecords",
                    "dynamodb:GetShardIterator",
                    "dynamodb:DescribeStream",
                    "dynamodb:ListStreams",
                ],
                f"arn:aws:dynamodb:eu-west-1:{acct}:table/Orders/stream/*",
            )
        ),
    )
    a.policy(
        "SageMakerDataLakeAccess",
        doc(
            stmt("Allow", "s3:*", "*", sid="DataLakeObjects"),
            stmt(
                "Allow",
                [
                    "iam:GetRole",
                    "iam:ListAttachedRolePolicies",
                    "iam:AttachRolePolicy",
                    "iam:DetachRolePolicy",
                ],
                f"arn:aws:iam::{acct}:role/service-role/AmazonSageMaker-ExecutionRole-*",
                sid="ManageExecutionRoles",
            ),
            stmt("Allow", ["iam:ListRoles", "iam:ListPolicies"], "*", sid="BrowseIam"),
        ),
        path="/service-role/",
    )
    a.policy(
        "GlueDatalakeS3Access",
        doc(
            stmt(
                "Allow",
                ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"],
                ["arn:aws:s3:::acme-datalake", "arn:aws:s3:::acme-datalake/*"],
            )
        ),
        path="/service-role/",
    )
    a.policy(
        "GlueFinanceCrawlerAccess",
        doc(
            stmt(
                "Allow",
                ["s3:GetObject", "s3:ListBucket"],
                ["arn:aws:s3:::acme-finance-ledger", "arn:aws:s3:::acme-finance-ledger/*"],
            )
        ),
    )
    a.policy(
        "StepFunctionsOrderWorkflowInvoke",
        doc(
            stmt(
                "Allow",
                "lambda:InvokeFunction",
                [
                    f"arn:aws:lambda:eu-west-1:{acct}:function:orders-*",
                    f"arn:aws:lambda:eu-west-1:{acct}:function:orders-*:*",
                ],
            )
        ),
        path="/service-role/",
    )
    a.policy(
        "CfnNetworkStacksAccess",
        doc(
            stmt(
                "Allow",
                [
                    "ec2:CreateVpc",
                    "ec2:DeleteVpc",
                    "ec2:CreateSubnet",
                    "ec2:DeleteSubnet",
                    "ec2:CreateRouteTable",
                    "ec2:CreateRoute",
                    "ec2:AssociateRouteTable",
                    "ec2:CreateInternetGateway",
                    "ec2:AttachInternetGateway",
                    "ec2:CreateNatGateway",
                    "ec2:AllocateAddress",
                    "ec2:Describe*",
                    "ec2:CreateTags",
                ],
                "*",
            )
        ),
        path="/service-role/",
    )
    a.policy(
        "OpsDeployerCloudFormation",
        doc(
            stmt(
                "Allow",
                "iam:PassRole",
                f"arn:aws:iam::{acct}:role/service-role/cfn-*",
                condition={"StringEquals": {pts: "cloudformation.amazonaws.com"}},
                sid="PassStackRoles",
            )
        ),
        path="/ops/",
    )
    a.policy(
        "ReportingBatchAccess",
        doc(
            stmt(
                "Allow",
                ["athena:StartQueryExecution", "athena:GetQueryResults"],
                f"arn:aws:athena:eu-west-1:{acct}:workgroup/reporting",
            ),
            stmt("Allow", ["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::acme-reports/*"),
        ),
        path="/app/",
    )
    a.policy(
        "BackupAgentS3",
        doc(
            stmt(
                "Allow",
                ["s3:PutObject", "s3:GetObject", "s3:ListBucket", "s3:AbortMultipartUpload"],
                ["arn:aws:s3:::acme-onprem-backups", "arn:aws:s3:::acme-onprem-backups/*"],
            )
        ),
        path="/automation/",
    )
    a.policy(
        "MonitoringMetricsPublish",
        doc(
            stmt(
                "Allow",
                ["cloudwatch:PutMetricData", "logs:PutLogEvents", "logs:CreateLogStream"],
                "*",
            )
        ),
        path="/automation/",
    )
    a.policy(
        "RestrictRegionsEU",
        doc(
            stmt(
                "Deny",
                not_action=[
                    "iam:*",
                    "sts:*",
                    "organizations:*",
                    "support:*",
                    "cloudfront:*",
                    "route53:*",
                    "budgets:*",
                    "health:*",
                ],
                resource="*",
                condition={
                    "StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}
                },
                sid="DenyOutsideEU",
            )
        ),
    )
    a.policy(
        "ReleaseManagerDeploy",
        doc(
            stmt(
                "Allow",
                "iam:PassRole",
                f"arn:aws:iam::{acct}:role/service-role/cfn-*",
                condition={
                    "StringEquals": {pts: "cloudformation.amazonaws.com"},
                    "Bool": {"aws:MultiFactorAuthPresent": "true"},
                },
                sid="PassStackRolesWithMFA",
            )
        ),
    )
    a.policy(
        "OnCallBastionLaunch",
        doc(
            stmt(
                "Allow",
                ["ec2:RunInstances", "ec2:CreateTags", "ec2:TerminateInstances"],
                "*",
                condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
                sid="LaunchFromOfficeOnly",
            ),
            stmt(
                "Allow",
                "iam:PassRole",
                f"arn:aws:iam::{acct}:role/ops/bastion-host-role",
                condition={
                    "StringEquals": {pts: "ec2.amazonaws.com"},
                    "ArnLike": {
                        "iam:AssociatedResourceARN": f"arn:aws:ec2:eu-west-1:{acct}:instance/*"
                    },
                    "IpAddress": {"aws:SourceIp": "203.0.113.0/24"},
                },
                sid="PassBastionRoleFromOffice",
            ),
        ),
        path="/ops/",
    )
    a.policy(
        "DenyPassAdminRoles",
        doc(
            stmt(
                "Deny",
                "iam:PassRole",
                [
                    f"arn:aws:iam::{acct}:role/*admin*",
                    f"arn:aws:iam::{acct}:role/*Admin*",
                    f"arn:aws:iam::{acct}:role/app/app-ops-maintenance",
                    f"arn:aws:iam::{acct}:role/ops/*",
                ],
                sid="NeverPassPrivilegedRoles",
            )
        ),
    )
    a.policy(
        "LegacyS3AdminAccess",
        doc(stmt("Allow", ["s3:*", "iam:PassRole", "ec2:RunInstances"], "*")),
    )

    # ---------------------------------------------------------------- groups
    ro, view = a.aws("ReadOnlyAccess"), a.aws("ViewOnlyAccess")
    selfcred = a.cm("SelfManageCredentials")
    a.group("Admins", attached=[a.aws("AdministratorAccess")])
    a.group("Developers", attached=[ro, a.cm("DeveloperEC2Launch"), selfcred])
    a.group(
        "DataScience",
        attached=[a.aws("AmazonSageMakerFullAccess"), a.aws("AmazonS3ReadOnlyAccess"), selfcred],
    )
    a.group(
        "DevOps",
        attached=[a.aws("AmazonEC2FullAccess"), a.aws("AmazonECS_FullAccess"), ro, selfcred],
    )
    a.group(
        "Security",
        attached=[
            a.aws("SecurityAudit"),
            a.aws("IAMReadOnlyAccess"),
            a.cm("SecurityIncidentResponse"),
            selfcred,
        ],
    )
    a.group("ReadOnly", attached=[ro, selfcred])
    a.group("Support", attached=[a.aws("AWSSupportAccess"), view, selfcred])
    a.group("Finance", attached=[a.aws("Billing"), selfcred])
    a.group("Interns", attached=[view, selfcred])
    a.group(
        "Contractors",
        attached=[a.cm("ContractorAccess"), a.cm("ContractorIpRestriction")],
        path="/external/",
    )

    # ---------------------------------------------------------------- users
    def person(name: str, team: str, **kw: Any) -> str:
        return a.user(name, user_tags=tags(team=team, cost_center=f"cc-{team.lower()}"), **kw)

    person("alice.nguyen", "Platform", groups=["Admins"])
    person("raj.patel", "Platform", groups=["Admins"])
    for n in ["ben.carter", "chloe.martin", "diego.ramirez"]:
        person(n, "Web", groups=["Developers"])
    person("george.li", "Web", groups=["Developers"], boundary=a.cm("DeveloperBoundary"))
    for n in ["hannah.kim", "ivan.petrov"]:
        person(n, "Analytics", groups=["DataScience"])
    person(
        "julia.santos",
        "Analytics",
        groups=["DataScience"],
        attached=[a.aws("AWSGlueConsoleFullAccess")],
    )
    person("rachel.adams", "SRE", groups=["DevOps"], attached=[a.cm("RestrictRegionsEU")])
    person("sam.lee", "SRE", groups=["DevOps"])
    person(
        "lisa.chen",
        "Security",
        groups=["Security"],
        inline={
            "IamHelpdeskPassRole": doc(
                stmt(
                    "Allow",
                    ["iam:PassRole", "iam:GetRole", "iam:ListRoles"],
                    "*",
                    sid="HelpdeskTroubleshooting",
                )
            )
        },
    )
    person("zoe.bennett", "Security", groups=["Security"])
    person("aaron.wright", "Security", groups=["Security"])
    for n in ["emma.wilson", "bella.young", "carlos.mendez"]:
        person(n, "Product", groups=["ReadOnly"])
    person(
        "nina.kowalski",
        "Analytics",
        groups=["ReadOnly"],
        attached=[a.cm("ReportingToolsAccess")],
        inline={
            "MaintainReportingPolicy": doc(
                stmt(
                    "Allow",
                    [
                        "iam:GetPolicy",
                        "iam:GetPolicyVersion",
                        "iam:ListPolicyVersions",
                        "iam:CreatePolicyVersion",
                        "iam:DeletePolicyVersion",
                    ],
                    a.cm("ReportingToolsAccess"),
                    sid="OwnReportingPolicy",
                )
            )
        },
    )
    person(
        "oscar.brown",
        "Product",
        groups=["ReadOnly"],
        inline={
            "SelfServicePolicyAttach": doc(
                stmt(
                    "Allow",
                    [
                        "iam:AttachUserPolicy",
                        "iam:DetachUserPolicy",
                        "iam:ListAttachedUserPolicies",
                    ],
                    f"arn:aws:iam::{acct}:user/${{aws:username}}",
                    sid="ManageOwnManagedPolicies",
                )
            )
        },
    )
    person(
        "kevin.obrien",
        "Serverless",
        groups=["ReadOnly"],
        attached=[a.aws("AWSLambda_FullAccess"), a.aws("CloudWatchLogsFullAccess")],
    )
    person(
        "mike.johnson",
        "Platform",
        groups=["ReadOnly"],
        attached=[a.aws("AmazonEC2FullAccess"), a.cm("DenyPassAdminRoles")],
        inline={
            "PassRolesToEC2": doc(
                stmt(
                    "Allow",
                    "iam:PassRole",
                    "*",
                    condition={"StringEquals": {pts: "ec2.amazonaws.com"}},
                    sid="AnyInstanceRole",
                )
            )
        },
    )
    person(
        "tom.nakamura",
        "Release",
        groups=["ReadOnly"],
        attached=[a.aws("AWSCloudFormationFullAccess"), a.cm("ReleaseManagerDeploy")],
    )
    person(
        "xavier.morales",
        "Integrations",
        groups=["ReadOnly"],
        attached=[a.aws("AWSStepFunctionsFullAccess")],
        inline={
            "StepFunctionsPassRole": doc(
                stmt(
                    "Allow",
                    "iam:PassRole",
                    f"arn:aws:iam::{acct}:role/service-role/StepFunctions-*",
                    condition={"StringEquals": {pts: "states.amazonaws.com"}},
                )
            )
        },
    )
    person(
        "paul.garcia",
        "Support",
        groups=["Support"],
        inline={
            "AssumeOpsDeployer": doc(
                stmt("Allow", "sts:AssumeRole", r("ops-deployer", "/ops/"), sid="OnCallDeploys")
            )
        },
    )
    for n in ["dana.white", "eric.foster"]:
        person(n, "Support", groups=["Support"])
    person("uma.singh", "SRE", groups=["Support"], attached=[a.cm("OnCallBastionLaunch")])
    for n in ["fiona.gallagher", "henry.ward", "irene.lopez"]:
        person(n, "Finance", groups=["Finance"])
    person(
        "quinn.taylor",
        "Interns",
        groups=["Interns"],
        inline={
            "OnboardingHelper": doc(
                stmt(
                    "Allow",
                    ["iam:GetGroup", "iam:AddUserToGroup"],
                    f"arn:aws:iam::{acct}:group/Admins",
                    sid="AddNewHiresToTheirTeam",
                )
            )
        },
    )
    for n in ["jack.murphy", "kara.singh"]:
        person(n, "Interns", groups=["Interns"])
    for n in ["liam.oconnor", "maya.rossi"]:
        a.user(
            n,
            groups=["Contractors"],
            boundary=a.cm("ContractorBoundary"),
            path="/external/",
            user_tags=tags(company="Nimbus Mobile Ltd", contract_end="2026-09-30"),
        )
    person("olivia.perez", "Web", attached=[a.aws("AmazonEC2FullAccess")])
    auto = tags(owner="platform-team", purpose="automation")
    a.user(
        "svc-ci-pipeline",
        path="/automation/",
        user_tags=auto,
        attached=[a.aws("AWSCodeBuildAdminAccess"), a.cm("CICodeBuildPassRole")],
    )
    a.user(
        "svc-backup-agent", path="/automation/", user_tags=auto, attached=[a.cm("BackupAgentS3")]
    )
    a.user(
        "svc-monitoring",
        path="/automation/",
        user_tags=auto,
        attached=[a.aws("CloudWatchReadOnlyAccess"), a.cm("MonitoringMetricsPublish")],
    )
    a.user("svc-terraform-plan", path="/automation/", user_tags=auto, attached=[ro])

    # ---------------------------------------------------------------- roles that matter
    ec2, lam = trust_service("ec2.amazonaws.com"), trust_service("lambda.amazonaws.com")
    ecs = trust_service("ecs-tasks.amazonaws.com")
    admin = a.aws("AdministratorAccess")
    basic = a.aws("AWSLambdaBasicExecutionRole")
    app = tags(app="storefront", env="prod")

    a.role(
        "app-ops-maintenance",
        ec2,
        path="/app/",
        attached=[admin],
        instance_profile=True,
        role_tags=app,
    )
    a.role(
        "app-web-frontend",
        ec2,
        path="/app/",
        attached=[a.cm("WebFrontendAssetsRead")],
        instance_profile=True,
        role_tags=app,
    )
    a.role(
        "app-sandbox-runner",
        ec2,
        path="/app/",
        attached=[admin],
        boundary=a.cm("AppWorkloadBoundary"),
        instance_profile=True,
        role_tags=app,
    )
    a.role(
        "app-reporting-batch",
        ec2,
        path="/app/",
        attached=[a.cm("ReportingBatchAccess")],
        role_tags=app,
    )
    a.role("app-legacy-admin", ec2, attached=[admin], instance_profile=True, last_used_region=None)
    a.role("bastion-host-role", ec2, path="/ops/", attached=[admin], instance_profile=True)
    a.role(
        "ec2-ssm-default",
        ec2,
        attached=[a.aws("AmazonSSMManagedInstanceCore"), a.aws("CloudWatchAgentServerPolicy")],
        instance_profile=True,
    )

    a.role(
        "app-upload-scanner",
        lam,
        path="/app/",
        attached=[basic, a.cm("UploadScannerS3Read")],
        role_tags=app,
    )
    a.role(
        "orders-stream-processor-role",
        lam,
        path="/service-role/",
        attached=[basic, a.cm("OrdersStreamRead")],
    )
    a.role("slack-alerts-notifier-role", lam, path="/service-role/", attached=[basic])

    a.role(
        "app-orders-api", ecs, path="/app/", attached=[a.cm("OrdersApiDataAccess")], role_tags=app
    )
    a.role("payments-task-role", ecs, path="/ecs/", attached=[a.cm("PaymentsTaskSecrets")])
    a.role("platform-migration-task", ecs, path="/ecs/", attached=[a.cm("PlatformMigrationTask")])
    a.role("ecsTaskExecutionRole", ecs, attached=[a.aws("AmazonECSTaskExecutionRolePolicy")])

    sm = trust_service("sagemaker.amazonaws.com")
    a.role(
        "AmazonSageMaker-ExecutionRole-DataLake",
        sm,
        path="/service-role/",
        attached=[a.cm("SageMakerDataLakeAccess")],
    )
    a.role(
        "AmazonSageMaker-ExecutionRole-Notebooks",
        sm,
        path="/service-role/",
        attached=[a.aws("AmazonS3ReadOnlyAccess")],
    )

    glue = trust_service("glue.amazonaws.com")
    a.role(
        "AWSGlueServiceRole-datalake-etl",
        glue,
        path="/service-role/",
        attached=[a.aws("AWSGlueServiceRole"), a.cm("GlueDatalakeS3Access")],
    )
    a.role(
        "glue-finance-crawler",
        glue,
        attached=[a.aws("AWSGlueServiceRole"), a.cm("GlueFinanceCrawlerAccess")],
    )

    cb = trust_service("codebuild.amazonaws.com")
    a.role(
        "codebuild-platform-deploy-role",
        cb,
        path="/service-role/",
        attached=[a.aws("PowerUserAccess"), a.aws("IAMFullAccess")],
    )
    a.role(
        "codebuild-unit-tests-role",
        cb,
        path="/service-role/",
        attached=[a.cm("CodeBuildUnitTestsPolicy")],
    )
    a.role("codebuild-release-role", cb, path="/ci/", attached=[admin])

    cfn = trust_service("cloudformation.amazonaws.com")
    a.role("cfn-stack-admin", cfn, path="/service-role/", attached=[admin])
    a.role(
        "cfn-network-stacks", cfn, path="/service-role/", attached=[a.cm("CfnNetworkStacksAccess")]
    )

    a.role(
        "StepFunctions-OrderWorkflow-role",
        trust_service("states.amazonaws.com"),
        path="/service-role/",
        attached=[a.cm("StepFunctionsOrderWorkflowInvoke")],
    )

    a.role(
        "ops-deployer",
        trust_aws(u("paul.garcia")),
        path="/ops/",
        attached=[a.aws("AWSCloudFormationFullAccess"), a.cm("OpsDeployerCloudFormation")],
    )

    a.role(
        "OrganizationAccountAccessRole",
        trust_aws("arn:aws:iam::000011112222:root"),
        attached=[admin],
    )
    sso = "/aws-reserved/sso.amazonaws.com/eu-west-1/"
    for perm_set, pol, suffix in [
        ("AdministratorAccess", admin, "7c1e2f3a4b5d6e7f"),
        ("PowerUserAccess", a.aws("PowerUserAccess"), "0a9b8c7d6e5f4a3b"),
        ("ReadOnlyAccess", ro, "5e6f7a8b9c0d1e2f"),
        ("Billing", a.aws("Billing"), "3c4d5e6f7a8b9c0d"),
    ]:
        a.role(f"AWSReservedSSO_{perm_set}_{suffix}", trust_saml(saml), path=sso, attached=[pol])

    slr = [
        ("support.amazonaws.com", "AWSServiceRoleForSupport", "AWSSupportServiceRolePolicy"),
        (
            "trustedadvisor.amazonaws.com",
            "AWSServiceRoleForTrustedAdvisor",
            "AWSTrustedAdvisorServiceRolePolicy",
        ),
        ("rds.amazonaws.com", "AWSServiceRoleForRDS", "AmazonRDSServiceRolePolicy"),
        ("ecs.amazonaws.com", "AWSServiceRoleForECS", "AmazonECSServiceRolePolicy"),
    ]
    for svc, name, pol in slr:
        a.role(name, trust_service(svc), path=f"/aws-service-role/{svc}/", attached=[a.aws(pol)])

    # ---------------------------------------------------------------- harmless filler roles
    # None of them trusts a service that takes a passed role in iam-explore's table (EC2,
    # Lambda, ECS tasks, Glue, CodeBuild, SageMaker, CloudFormation, Step Functions), and none
    # holds iam:PassRole together with a launch action.
    def logs_to(group: str) -> Json:
        return doc(
            stmt(
                "Allow",
                [
                    "logs:CreateLogGroup",
                    "logs:CreateLogStream",
                    "logs:PutLogEvents",
                    "logs:DescribeLogStreams",
                ],
                f"arn:aws:logs:*:{acct}:log-group:{group}*",
            )
        )

    def bucket_rw(bucket: str, write: bool = True) -> Json:
        acts = ["s3:GetObject", "s3:ListBucket"] + (["s3:PutObject"] if write else [])
        return doc(stmt("Allow", acts, [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]))

    fillers: list[tuple[str, str, Json, list[str], dict[str, Json]]] = [
        (
            "rds-monitoring-role",
            "/",
            trust_service("monitoring.rds.amazonaws.com"),
            [a.aws("AmazonRDSEnhancedMonitoringRole")],
            {},
        ),
        (
            "vpc-flow-logs-role",
            "/",
            trust_service("vpc-flow-logs.amazonaws.com"),
            [],
            {"WriteFlowLogs": logs_to("/vpc/flow-logs")},
        ),
        (
            "apigateway-cloudwatch-logs",
            "/",
            trust_service("apigateway.amazonaws.com"),
            [a.aws("AmazonAPIGatewayPushToCloudWatchLogs")],
            {},
        ),
        (
            "cloudtrail-to-cloudwatch",
            "/service-role/",
            trust_service("cloudtrail.amazonaws.com"),
            [],
            {"DeliverTrail": logs_to("aws-cloudtrail-logs")},
        ),
        (
            "s3-replication-eu-backup",
            "/service-role/",
            trust_service("s3.amazonaws.com"),
            [],
            {
                "Replicate": doc(
                    stmt(
                        "Allow",
                        [
                            "s3:GetReplicationConfiguration",
                            "s3:ListBucket",
                            "s3:GetObjectVersionForReplication",
                            "s3:GetObjectVersionAcl",
                        ],
                        ["arn:aws:s3:::acme-datalake", "arn:aws:s3:::acme-datalake/*"],
                    ),
                    stmt(
                        "Allow",
                        ["s3:ReplicateObject", "s3:ReplicateDelete"],
                        "arn:aws:s3:::acme-datalake-dr/*",
                    ),
                )
            },
        ),
        (
            "firehose-clickstream-delivery",
            "/service-role/",
            trust_service("firehose.amazonaws.com"),
            [],
            {"DeliverClickstream": bucket_rw("acme-clickstream")},
        ),
        (
            "eventbridge-order-events",
            "/service-role/",
            trust_service("events.amazonaws.com"),
            [],
            {
                "ForwardToQueue": doc(
                    stmt("Allow", "sqs:SendMessage", f"arn:aws:sqs:eu-west-1:{acct}:order-events")
                )
            },
        ),
        (
            "scheduler-nightly-reports",
            "/service-role/",
            trust_service("scheduler.amazonaws.com"),
            [],
            {
                "PublishReportTopic": doc(
                    stmt("Allow", "sns:Publish", f"arn:aws:sns:eu-west-1:{acct}:nightly-reports")
                )
            },
        ),
        (
            "codepipeline-storefront-pipeline",
            "/service-role/",
            trust_service("codepipeline.amazonaws.com"),
            [],
            {
                "PipelineArtifacts": doc(
                    stmt(
                        "Allow",
                        ["s3:GetObject", "s3:PutObject", "s3:GetBucketVersioning"],
                        ["arn:aws:s3:::acme-ci-artifacts", "arn:aws:s3:::acme-ci-artifacts/*"],
                    ),
                    stmt(
                        "Allow",
                        ["codebuild:BatchGetBuilds"],
                        f"arn:aws:codebuild:eu-west-1:{acct}:project/storefront-*",
                    ),
                    stmt(
                        "Allow",
                        [
                            "codecommit:GetBranch",
                            "codecommit:GetCommit",
                            "codecommit:UploadArchive",
                            "codecommit:GetUploadArchiveStatus",
                        ],
                        f"arn:aws:codecommit:eu-west-1:{acct}:storefront",
                    ),
                )
            },
        ),
        (
            "dms-vpc-role",
            "/",
            trust_service("dms.amazonaws.com"),
            [],
            {
                "ManageEnis": doc(
                    stmt(
                        "Allow",
                        [
                            "ec2:CreateNetworkInterface",
                            "ec2:DescribeNetworkInterfaces",
                            "ec2:DeleteNetworkInterface",
                            "ec2:DescribeVpcs",
                            "ec2:DescribeSubnets",
                        ],
                        "*",
                    )
                )
            },
        ),
        (
            "config-recorder-role",
            "/service-role/",
            trust_service("config.amazonaws.com"),
            [a.aws("AWSConfigRole")],
            {"DeliverSnapshots": bucket_rw("acme-config-history")},
        ),
        (
            "backup-default-service-role",
            "/service-role/",
            trust_service("backup.amazonaws.com"),
            [a.aws("AWSBackupServiceRolePolicyForBackup")],
            {},
        ),
        (
            "datasync-s3-access",
            "/service-role/",
            trust_service("datasync.amazonaws.com"),
            [],
            {"SyncBucket": bucket_rw("acme-onprem-backups")},
        ),
        (
            "transfer-sftp-partners",
            "/service-role/",
            trust_service("transfer.amazonaws.com"),
            [],
            {"PartnerDropbox": bucket_rw("acme-partner-sftp")},
        ),
        (
            "redshift-spectrum-role",
            "/",
            trust_service("redshift.amazonaws.com"),
            [],
            {"ReadDatalake": bucket_rw("acme-datalake", write=False)},
        ),
        (
            "kinesis-analytics-clickstream",
            "/service-role/",
            trust_service("kinesisanalytics.amazonaws.com"),
            [],
            {
                "ReadStream": doc(
                    stmt(
                        "Allow",
                        [
                            "kinesis:DescribeStream",
                            "kinesis:GetShardIterator",
                            "kinesis:GetRecords",
                            "kinesis:ListShards",
                        ],
                        f"arn:aws:kinesis:eu-west-1:{acct}:stream/clickstream",
                    )
                )
            },
        ),
        (
            "appsync-orders-datasource",
            "/service-role/",
            trust_service("appsync.amazonaws.com"),
            [],
            {
                "QueryOrders": doc(
                    stmt(
                        "Allow",
                        ["dynamodb:GetItem", "dynamodb:Query"],
                        f"arn:aws:dynamodb:eu-west-1:{acct}:table/Orders",
                    )
                )
            },
        ),
        (
            "iot-rules-telemetry",
            "/service-role/",
            trust_service("iot.amazonaws.com"),
            [],
            {
                "PutTelemetry": doc(
                    stmt(
                        "Allow",
                        "firehose:PutRecord",
                        f"arn:aws:firehose:eu-west-1:{acct}:deliverystream/telemetry",
                    )
                )
            },
        ),
        (
            "opensearch-snapshots",
            "/",
            trust_service("es.amazonaws.com"),
            [],
            {"Snapshots": bucket_rw("acme-opensearch-snapshots")},
        ),
        (
            "mediaconvert-product-videos",
            "/service-role/",
            trust_service("mediaconvert.amazonaws.com"),
            [],
            {"Transcode": bucket_rw("acme-product-videos")},
        ),
        (
            "batch-service-role",
            "/service-role/",
            trust_service("batch.amazonaws.com"),
            [],
            {
                "DescribeCompute": doc(
                    stmt("Allow", ["ec2:Describe*", "ecs:Describe*", "ecs:List*"], "*")
                )
            },
        ),
        (
            "dlm-lifecycle-role",
            "/service-role/",
            trust_service("dlm.amazonaws.com"),
            [],
            {
                "Snapshots": doc(
                    stmt(
                        "Allow",
                        [
                            "ec2:CreateSnapshot",
                            "ec2:CreateSnapshots",
                            "ec2:DeleteSnapshot",
                            "ec2:DescribeInstances",
                            "ec2:DescribeVolumes",
                            "ec2:DescribeSnapshots",
                            "ec2:CreateTags",
                        ],
                        "*",
                    )
                )
            },
        ),
        (
            "ses-bounce-handler",
            "/",
            trust_service("ses.amazonaws.com"),
            [],
            {
                "PublishBounces": doc(
                    stmt("Allow", "sns:Publish", f"arn:aws:sns:eu-west-1:{acct}:ses-bounces")
                )
            },
        ),
        (
            "quicksight-athena-access",
            "/service-role/",
            trust_service("quicksight.amazonaws.com"),
            [],
            {
                "QueryReports": doc(
                    stmt(
                        "Allow",
                        [
                            "athena:StartQueryExecution",
                            "athena:GetQueryResults",
                            "athena:GetQueryExecution",
                        ],
                        f"arn:aws:athena:eu-west-1:{acct}:workgroup/reporting",
                    ),
                    stmt(
                        "Allow",
                        ["s3:GetObject", "s3:ListBucket"],
                        ["arn:aws:s3:::acme-reports", "arn:aws:s3:::acme-reports/*"],
                    ),
                )
            },
        ),
        (
            "cognito-sms-sender",
            "/service-role/",
            trust_service("cognito-idp.amazonaws.com"),
            [],
            {"SendSms": doc(stmt("Allow", "sns:Publish", "*"))},
        ),
        (
            "application-autoscaling-dynamodb",
            "/service-role/",
            trust_service("application-autoscaling.amazonaws.com"),
            [],
            {
                "ScaleTables": doc(
                    stmt(
                        "Allow",
                        [
                            "dynamodb:DescribeTable",
                            "dynamodb:UpdateTable",
                            "cloudwatch:PutMetricAlarm",
                            "cloudwatch:DescribeAlarms",
                        ],
                        "*",
                    )
                )
            },
        ),
        (
            "storage-gateway-file-share",
            "/service-role/",
            trust_service("storagegateway.amazonaws.com"),
            [],
            {"FileShare": bucket_rw("acme-file-share")},
        ),
        (
            "emr-serverless-analytics",
            "/service-role/",
            trust_service("emr-serverless.amazonaws.com"),
            [],
            {"ReadDatalake": bucket_rw("acme-datalake", write=False)},
        ),
        (
            "athena-federation-spill",
            "/service-role/",
            trust_service("athena.amazonaws.com"),
            [],
            {"Spill": bucket_rw("acme-athena-spill")},
        ),
        (
            "sns-delivery-status-logging",
            "/",
            trust_service("sns.amazonaws.com"),
            [],
            {"DeliveryLogs": logs_to("sns/")},
        ),
        (
            "guardduty-findings-export",
            "/service-role/",
            trust_service("guardduty.amazonaws.com"),
            [],
            {"Export": bucket_rw("acme-security-findings")},
        ),
        (
            "ssm-automation-patching",
            "/service-role/",
            trust_service("ssm.amazonaws.com"),
            [],
            {"PatchReports": bucket_rw("acme-patch-reports")},
        ),
        (
            "elastic-transcoder-legacy",
            "/",
            trust_service("elastictranscoder.amazonaws.com"),
            [],
            {"Transcode": bucket_rw("acme-product-videos")},
        ),
        (
            "macie-discovery-results",
            "/service-role/",
            trust_service("macie.amazonaws.com"),
            [],
            {"Results": bucket_rw("acme-security-findings")},
        ),
        (
            "datadog-integration",
            "/integrations/",
            trust_aws(
                "arn:aws:iam::464622532012:root",
                {"StringEquals": {"sts:ExternalId": "6f1d2c3b4a5e4f6a8b9c0d1e2f3a4b5c"}},
            ),
            [a.aws("SecurityAudit")],
            {},
        ),
        (
            "security-account-audit",
            "/integrations/",
            trust_aws(
                "arn:aws:iam::999900001111:root", {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
            ),
            [ro, a.aws("SecurityAudit")],
            {},
        ),
        (
            "github-actions-storefront-deploy",
            "/integrations/",
            doc(
                stmt(
                    "Allow",
                    "sts:AssumeRoleWithWebIdentity",
                    None,
                    principal={
                        "Federated": f"arn:aws:iam::{acct}:oidc-provider/"
                        "token.actions.githubusercontent.com"
                    },
                    condition={
                        "StringEquals": {
                            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"
                        },
                        "StringLike": {
                            "token.actions.githubusercontent.com:sub": (
                                "repo:acme-corp/storefront:ref:refs/heads/main"
                            )
                        },
                    },
                )
            ),
            [],
            {
                "PublishStatic": doc(
                    stmt(
                        "Allow",
                        ["s3:PutObject", "s3:DeleteObject", "s3:ListBucket"],
                        ["arn:aws:s3:::acme-web-assets", "arn:aws:s3:::acme-web-assets/*"],
                    ),
                    stmt(
                        "Allow",
                        "cloudfront:CreateInvalidation",
                        f"arn:aws:cloudfront::{acct}:distribution/E2QWRUHAPOMQZL",
                    ),
                )
            },
        ),
        (
            "terraform-state-reader",
            "/integrations/",
            trust_aws("arn:aws:iam::999900001111:role/terraform-runner"),
            [],
            {
                "State": doc(
                    stmt(
                        "Allow",
                        ["s3:GetObject", "s3:ListBucket"],
                        [
                            "arn:aws:s3:::acme-terraform-state",
                            "arn:aws:s3:::acme-terraform-state/*",
                        ],
                    ),
                    stmt(
                        "Allow",
                        ["dynamodb:GetItem"],
                        f"arn:aws:dynamodb:eu-west-1:{acct}:table/terraform-locks",
                    ),
                )
            },
        ),
        (
            "partner-billing-export",
            "/integrations/",
            trust_aws(
                "arn:aws:iam::210987654321:root",
                {"StringEquals": {"sts:ExternalId": "acme-cur-2024"}},
            ),
            [],
            {"Cur": bucket_rw("acme-cost-and-usage", write=False)},
        ),
        (
            "snowflake-datalake-reader",
            "/integrations/",
            trust_aws(
                "arn:aws:iam::555566667777:user/snowflake-ingest",
                {"StringEquals": {"sts:ExternalId": "ACME_SFCRole=3_xk29Fq0="}},
            ),
            [],
            {"Read": bucket_rw("acme-datalake", write=False)},
        ),
        (
            "cross-account-log-shipper",
            "/integrations/",
            trust_aws("arn:aws:iam::999900001111:root"),
            [],
            {
                "Ship": doc(
                    stmt("Allow", ["logs:PutSubscriptionFilter", "logs:DescribeLogGroups"], "*")
                )
            },
        ),
        (
            "lakeformation-data-access",
            "/service-role/",
            trust_service("lakeformation.amazonaws.com"),
            [],
            {"ReadDatalake": bucket_rw("acme-datalake", write=False)},
        ),
        (
            "route53-health-logs",
            "/",
            trust_service("route53.amazonaws.com"),
            [],
            {"Logs": logs_to("/aws/route53/")},
        ),
        (
            "cloudwatch-events-ops-bus",
            "/service-role/",
            trust_service("events.amazonaws.com"),
            [],
            {
                "PutEvents": doc(
                    stmt(
                        "Allow",
                        "events:PutEvents",
                        "arn:aws:events:eu-west-1:999900001111:event-bus/ops",
                    )
                )
            },
        ),
        (
            "elasticache-log-delivery",
            "/",
            trust_service("delivery.logs.amazonaws.com"),
            [],
            {"Logs": logs_to("/aws/elasticache/")},
        ),
        (
            "x-ray-insights-notifier",
            "/service-role/",
            trust_service("xray.amazonaws.com"),
            [],
            {
                "Notify": doc(
                    stmt("Allow", "sns:Publish", f"arn:aws:sns:eu-west-1:{acct}:xray-insights")
                )
            },
        ),
    ]
    for name, path, trust, attached, inline in fillers:
        a.role(name, trust, path=path, attached=attached, inline=inline)
    a.resources = midsize_inventory(acct)
    return a


def midsize_inventory(acct: str) -> Json:
    """What runs in the mid-size account: 15 instances, functions, projects and stacks, plus
    ECS, SageMaker, Glue and Step Functions, in eu-west-1 and us-east-1 (every enabled region).

    Told by what each takes over: the app-ops-maintenance instance (SSM-managed) and the
    platform-deploy project run as admin roles; the bastion is stopped and not SSM-managed;
    no instance uses app-legacy-admin and no project ci/codebuild-release-role (their
    conditional findings disappear); the cfn-stack-admin stack lives in us-east-1, outside
    rachel.adams's EU regions. App Runner is unreadable in eu-west-1 (denied), so it is unknown.
    """

    def role(path_name: str) -> str:
        return f"arn:aws:iam::{acct}:role/{path_name}"

    def profile(path_name: str) -> str:
        return f"arn:aws:iam::{acct}:instance-profile/{path_name}"

    def instance(n: int, state: str, prof: str | None, ssm: bool | None, **kv: str) -> Json:
        return {
            "InstanceId": f"i-0{hashlib.sha256(f'{acct}{n}'.encode()).hexdigest()[:16]}",
            "State": state,
            "Platform": kv.pop("platform", "linux"),
            "PlatformDetails": kv.pop("details", "Linux/UNIX"),
            "IamInstanceProfile": profile(prof) if prof else None,
            "SsmManaged": ssm,
            "Tags": tags(**kv),
        }

    def function(region: str, name: str, role_name: str, **kv: str) -> Json:
        return {
            "FunctionName": name,
            "FunctionArn": f"arn:aws:lambda:{region}:{acct}:function:{name}",
            "Role": role(role_name),
            "Aliases": [{"Name": "live", "FunctionVersion": "7"}],
            "Tags": tags(**kv),
        }

    def project(region: str, name: str, role_name: str, **kv: str) -> Json:
        return {
            "Name": name,
            "Arn": f"arn:aws:codebuild:{region}:{acct}:project/{name}",
            "ServiceRole": role(role_name),
            "Tags": tags(**kv),
        }

    def stack(region: str, name: str, role_name: str | None, status: str, **kv: str) -> Json:
        sid = hashlib.sha256(f"{acct}{name}".encode()).hexdigest()
        return {
            "StackName": name,
            "StackId": f"arn:aws:cloudformation:{region}:{acct}:stack/{name}/"
            f"{sid[:8]}-{sid[8:12]}-{sid[12:16]}-{sid[16:20]}-{sid[20:32]}",
            "RoleARN": role(role_name) if role_name else None,
            "StackStatus": status,
            "Tags": tags(**kv),
        }

    all_ok = {
        "ec2": "ok",
        "ssm": "ok",
        "autoscaling": "ok",
        "lambda": "ok",
        "codebuild": "ok",
        "cloudformation": "ok",
        "sagemaker": "ok",
        "glue": "ok",
        "ecs": "ok",
        "states": "ok",
        "apprunner": "ok",
    }
    eu, us = "eu-west-1", "us-east-1"
    migration_td = f"arn:aws:ecs:{eu}:{acct}:task-definition/platform-migration:3"
    return {
        "AllRegions": True,
        "Regions": {
            eu: {
                "Services": {**all_ok, "apprunner": "unknown"},
                "Notes": {"apprunner": "access denied: apprunner:ListServices"},
                "Ec2Instances": [
                    instance(1, "running", "app/app-ops-maintenance", True, env="prod"),
                    instance(2, "stopped", "ops/bastion-host-role", False, env="prod"),
                    instance(3, "running", "app/app-web-frontend", True, env="prod"),
                    instance(4, "running", "app/app-web-frontend", True, env="prod"),
                    instance(
                        5,
                        "running",
                        "app/app-sandbox-runner",
                        True,
                        env="dev",
                        platform="windows",
                        details="Windows",
                    ),
                    instance(6, "running", None, None, env="dev"),
                ],
                "LaunchTemplates": [
                    {
                        "LaunchTemplateName": "web-frontend",
                        "LaunchTemplateId": "lt-0a1b2c3d4e5f60718",
                        "IamInstanceProfile": profile("app/app-web-frontend"),
                        "Tags": [],
                    }
                ],
                "AutoScalingGroups": [
                    {
                        "AutoScalingGroupName": "web-frontend",
                        "AutoScalingGroupARN": f"arn:aws:autoscaling:{eu}:{acct}:"
                        "autoScalingGroup:5b9f0c1e-2d3a-4b5c-8d7e-6f1a2b3c4d5e:"
                        "autoScalingGroupName/web-frontend",
                        "IamInstanceProfile": profile("app/app-web-frontend"),
                        "LaunchTemplate": "web-frontend",
                        "Tags": tags(env="prod"),
                    }
                ],
                "LambdaFunctions": [
                    function(
                        eu, "orders-stream-processor", "service-role/orders-stream-processor-role"
                    ),
                    function(
                        eu, "slack-alerts-notifier", "service-role/slack-alerts-notifier-role"
                    ),
                    function(eu, "upload-scanner", "app/app-upload-scanner", env="prod"),
                ],
                "CodeBuildProjects": [
                    project(eu, "platform-deploy", "service-role/codebuild-platform-deploy-role"),
                    project(eu, "unit-tests", "service-role/codebuild-unit-tests-role"),
                ],
                "CloudFormationStacks": [
                    stack(
                        eu, "network-baseline", "service-role/cfn-network-stacks", "UPDATE_COMPLETE"
                    ),
                    stack(eu, "legacy-vpc", None, "CREATE_COMPLETE"),
                ],
                "GlueJobs": [
                    {"Name": "datalake-etl-nightly", "Role": "AWSGlueServiceRole-datalake-etl"}
                ],
                "EcsClusters": [
                    {
                        "ClusterName": "platform",
                        "ClusterArn": f"arn:aws:ecs:{eu}:{acct}:cluster/platform",
                    }
                ],
                "EcsServices": [
                    {
                        "ServiceName": "migration-runner",
                        "ServiceArn": f"arn:aws:ecs:{eu}:{acct}:service/platform/migration-runner",
                        "ClusterArn": f"arn:aws:ecs:{eu}:{acct}:cluster/platform",
                        "TaskDefinition": migration_td,
                        "EnableExecuteCommand": True,
                        "RunningCount": 1,
                        "Status": "ACTIVE",
                        "Tags": tags(team="platform"),
                    },
                    {
                        "ServiceName": "payments-api",
                        "ServiceArn": f"arn:aws:ecs:{eu}:{acct}:service/platform/payments-api",
                        "ClusterArn": f"arn:aws:ecs:{eu}:{acct}:cluster/platform",
                        "TaskDefinition": f"arn:aws:ecs:{eu}:{acct}:task-definition/payments:7",
                        "EnableExecuteCommand": False,
                        "RunningCount": 2,
                        "Status": "ACTIVE",
                        "Tags": tags(team="payments"),
                    },
                ],
                "EcsTaskDefinitions": [
                    {
                        "TaskDefinitionArn": migration_td,
                        "Family": "platform-migration",
                        "TaskRoleArn": role("ecs/platform-migration-task"),
                        "ExecutionRoleArn": role("ecsTaskExecutionRole"),
                    },
                    {
                        "TaskDefinitionArn": f"arn:aws:ecs:{eu}:{acct}:task-definition/payments:7",
                        "Family": "payments",
                        "TaskRoleArn": role("ecs/payments-task-role"),
                        "ExecutionRoleArn": role("ecsTaskExecutionRole"),
                    },
                ],
                "StateMachines": [
                    {
                        "Name": "OrderWorkflow",
                        "StateMachineArn": f"arn:aws:states:{eu}:{acct}:stateMachine:OrderWorkflow",
                        "RoleArn": role("service-role/StepFunctions-OrderWorkflow-role"),
                    }
                ],
            },
            us: {
                "Services": all_ok,
                "Ec2Instances": [
                    instance(7, "running", "ec2-ssm-default", True, env="prod"),
                    instance(8, "terminated", "app/app-ops-maintenance", None, env="prod"),
                ],
                "LambdaFunctions": [
                    function(us, "cost-report", "service-role/orders-stream-processor-role")
                ],
                "CodeBuildProjects": [
                    project(us, "integration-tests", "service-role/codebuild-unit-tests-role"),
                ],
                "CloudFormationStacks": [
                    stack(
                        us,
                        "platform-core",
                        "service-role/cfn-stack-admin",
                        "UPDATE_COMPLETE",
                        env="prod",
                    ),
                ],
                "SageMakerNotebookInstances": [
                    {
                        "NotebookInstanceName": "datalake-exploration",
                        "NotebookInstanceArn": f"arn:aws:sagemaker:{us}:{acct}:"
                        "notebook-instance/datalake-exploration",
                        "RoleArn": role("service-role/AmazonSageMaker-ExecutionRole-DataLake"),
                        "NotebookInstanceStatus": "InService",
                        "Tags": tags(team="data"),
                    }
                ],
                "AppRunnerServices": [],
            },
        },
    }


def edge_cases(cat: dict[str, Json]) -> Account:
    acct = "777788889999"
    a = Account(
        acct,
        cat,
        description=(
            "One small scenario per evaluator trap (NotAction, NotResource, deny, ForAllValues, "
            "variables, paths, case, ?, PassedToService lists and wildcards) under three SCP "
            "levels."
        ),
    )
    pts = "iam:PassedToService"

    def role_arn(name: str, path: str = "/") -> str:
        return a.arn("role", name, path)

    admin = a.aws("AdministratorAccess")

    # ---------------------------------------------------------------- target roles
    ec2 = trust_service("ec2.amazonaws.com")
    a.role("admin-ec2-ops", ec2, attached=[admin], instance_profile=True)
    a.role("ec2-admin", ec2, attached=[admin], instance_profile=True)
    a.role(
        "ec2-web",
        ec2,
        instance_profile=True,
        inline={"ReadAssets": doc(stmt("Allow", "s3:GetObject", "arn:aws:s3:::web-assets/*"))},
    )
    a.role("like-ec2", ec2, attached=[admin], instance_profile=True)
    a.role("lambda-deployer", trust_service("lambda.amazonaws.com"), attached=[admin])
    a.role("multi-lambda", trust_service("lambda.amazonaws.com"), attached=[admin])
    a.role("multi-states", trust_service("states.amazonaws.com"), attached=[admin])
    a.role("sagemaker-admin", trust_service("sagemaker.amazonaws.com"), attached=[admin])
    a.role(
        "sagemaker-notebook",
        trust_service("sagemaker.amazonaws.com"),
        inline={
            "ReadDatasets": doc(
                stmt(
                    "Allow",
                    ["s3:GetObject", "s3:ListBucket"],
                    ["arn:aws:s3:::datasets", "arn:aws:s3:::datasets/*"],
                )
            )
        },
    )
    a.role("cfn-admin", trust_service("cloudformation.amazonaws.com"), attached=[admin])
    cb = trust_service("codebuild.amazonaws.com")
    a.role("dana-builder", cb, attached=[admin])
    a.role("erin-builder", cb, attached=[admin])
    a.role("frank-builder", cb, attached=[admin])
    a.role("glue-etl", trust_service("glue.amazonaws.com"), path="/service-role/", attached=[admin])
    ecs = trust_service("ecs-tasks.amazonaws.com")
    a.role("ecs-task-a", ecs, attached=[admin])
    a.role("ecs-task-ab", ecs, attached=[admin])
    a.role(
        "break-glass-responder",
        trust_saml(f"arn:aws:iam::{acct}:saml-provider/CorpIdP"),
        inline={
            "EmergencyInstanceLaunch": doc(
                stmt("Allow", ["ec2:RunInstances", "ec2:DescribeInstances"], "*"),
                stmt(
                    "Allow",
                    "iam:PassRole",
                    f"arn:aws:iam::{acct}:role/admin-*",
                    condition={"StringEquals": {pts: "ec2.amazonaws.com"}},
                ),
            )
        },
    )

    launch_ec2 = stmt("Allow", ["ec2:RunInstances", "ec2:DescribeInstances"], "*", sid="Launch")
    launch_lambda = stmt(
        "Allow", ["lambda:CreateFunction", "lambda:InvokeFunction"], "*", sid="Launch"
    )

    # ---------------------------------------------------------------- one user per trap
    a.user(
        "nadia-notaction",
        inline={"EverythingButIam": doc(stmt("Allow", not_action="iam:*", resource="*"))},
    )
    a.user(
        "nora-notresource",
        inline={
            "SageMakerExceptAdmin": doc(
                stmt(
                    "Allow",
                    ["sagemaker:CreateTrainingJob", "sagemaker:DescribeTrainingJob"],
                    "*",
                    sid="Launch",
                ),
                stmt(
                    "Allow",
                    "iam:PassRole",
                    not_resource=role_arn("sagemaker-admin"),
                    sid="PassOthers",
                ),
            )
        },
    )
    a.user(
        "derek-deny",
        inline={
            "Ec2RolesButAdmin": doc(
                launch_ec2,
                stmt("Allow", "iam:PassRole", role_arn("ec2-*"), sid="PassEc2Roles"),
                stmt("Deny", "iam:PassRole", role_arn("ec2-admin"), sid="NeverTheAdminRole"),
            )
        },
    )
    a.user(
        "tara-tags",
        inline={
            "PassOnlyWithApprovedTags": doc(
                stmt("Allow", "cloudformation:CreateStack", "*", sid="Launch"),
                stmt(
                    "Allow",
                    "iam:PassRole",
                    "*",
                    condition={
                        "ForAllValues:StringEquals": {"aws:TagKeys": ["team", "cost-center"]}
                    },
                    sid="IntendedTagGuard",
                ),
            )
        },
    )
    build = stmt("Allow", ["codebuild:CreateProject", "codebuild:StartBuild"], "*", sid="Launch")
    a.user(
        "dana",
        inline={
            "CodeBuildLaunch": doc(build),
            "PassOwnBuilderRole": doc(
                stmt("Allow", "iam:PassRole", f"arn:aws:iam::{acct}:role/${{aws:username}}-*")
            ),
        },
    )
    a.user(
        "frank",
        inline={
            "CodeBuildLaunch": doc(build),
            "PassOwnBuilderRole": doc(
                stmt("Allow", "iam:PassRole", f"arn:aws:iam::{acct}:role/${{aws:username}}-*"),
                version=None,
            ),
        },
    )
    glue_launch = stmt("Allow", ["glue:CreateJob", "glue:StartJobRun"], "*", sid="Launch")
    a.user(
        "paula-paths",
        inline={
            "PassGlueRole": doc(
                glue_launch,
                stmt("Allow", "iam:PassRole", role_arn("glue-etl"), sid="ForgotThePath"),
            )
        },
    )
    a.user(
        "paul-paths",
        inline={
            "PassGlueRole": doc(
                glue_launch,
                stmt(
                    "Allow", "iam:PassRole", role_arn("*", "/service-role/"), sid="ServiceRolePath"
                ),
            )
        },
    )
    a.user(
        "carl-case",
        inline={
            "MixedCaseActions": doc(
                stmt(
                    "Allow", ["Lambda:CreateFunction", "lambda:invokefunction"], "*", sid="Launch"
                ),
                stmt("Allow", "IAM:passrole", role_arn("lambda-deployer"), sid="OddCase"),
            )
        },
    )
    a.user(
        "cathy-case",
        inline={
            "UpperCaseResource": doc(
                launch_lambda,
                stmt("Allow", "iam:PassRole", role_arn("LAMBDA-DEPLOYER"), sid="WrongCaseArn"),
            )
        },
    )
    a.user(
        "quentin-qmark",
        inline={
            "OneCharTaskRoles": doc(
                stmt("Allow", ["ecs:RegisterTaskDefinition", "ecs:RunTask"], "*", sid="Launch"),
                stmt("Allow", "iam:PassRole", role_arn("ecs-task-?"), sid="SingleCharSuffix"),
            )
        },
    )
    a.user(
        "lena-list",
        inline={
            "EC2OrStepFunctions": doc(
                stmt(
                    "Allow",
                    [
                        "states:CreateStateMachine",
                        "states:StartExecution",
                        "lambda:CreateFunction",
                        "lambda:InvokeFunction",
                    ],
                    "*",
                    sid="Launch",
                ),
                stmt(
                    "Allow",
                    "iam:PassRole",
                    role_arn("multi-*"),
                    condition={
                        "StringEquals": {pts: ["ec2.amazonaws.com", "states.amazonaws.com"]}
                    },
                    sid="TwoServices",
                ),
            )
        },
    )
    a.user(
        "stella-stringlike",
        inline={
            "AnyAwsService": doc(
                launch_ec2,
                stmt(
                    "Allow",
                    "iam:PassRole",
                    role_arn("like-*"),
                    condition={"StringLike": {pts: "*.amazonaws.com"}},
                    sid="WildcardService",
                ),
            )
        },
    )
    a.user(
        "stan-stringequals",
        inline={
            "LiteralStar": doc(
                launch_ec2,
                stmt(
                    "Allow",
                    "iam:PassRole",
                    role_arn("like-*"),
                    condition={"StringEquals": {pts: "*.amazonaws.com"}},
                    sid="StarIsLiteralHere",
                ),
            )
        },
    )
    a.user(
        "oliver-ou",
        inline={
            "PassAdminRoles": doc(
                launch_ec2,
                stmt("Allow", "iam:PassRole", role_arn("admin-*"), sid="BlockedByOuScp"),
            )
        },
    )

    # ---------------------------------------------------------------- SCP levels
    full = doc(stmt("Allow", "*", "*"))
    a.scp_level(
        "Root r-7q2x",
        [
            (
                "FullAWSAccess",
                "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess",
                full,
            )
        ],
    )
    a.scp_level(
        "OU Workloads ou-7q2x-k3m9d1ab",
        [
            (
                "FullAWSAccess",
                "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess",
                full,
            ),
            (
                "ProtectAdminRoles",
                "arn:aws:organizations::000011112222:policy/o-exampleorg1/service_control_policy/"
                "p-3h7k2m9q",
                doc(
                    stmt(
                        "Deny",
                        "iam:PassRole",
                        "arn:aws:iam::*:role/admin-*",
                        condition={
                            "ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/break-glass-*"}
                        },
                        sid="OnlyBreakGlassPassesAdminRoles",
                    )
                ),
            ),
        ],
    )
    a.scp_level(
        f"Account {acct}",
        [
            (
                "FullAWSAccess",
                "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess",
                full,
            ),
            (
                "ApprovedRegionsOnly",
                "arn:aws:organizations::000011112222:policy/o-exampleorg1/service_control_policy/"
                "p-8d4f6w2z",
                doc(
                    stmt(
                        "Deny",
                        not_action=[
                            "iam:*",
                            "sts:*",
                            "organizations:*",
                            "support:*",
                            "cloudfront:*",
                            "route53:*",
                            "budgets:*",
                            "health:*",
                            "waf:*",
                        ],
                        resource="*",
                        condition={
                            "StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}
                        },
                        sid="DenyOtherRegions",
                    )
                ),
            ),
        ],
    )
    return a


# --------------------------------------------------------------------------- validation


def _as_list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else [v]


def validate(name: str, data: Json, catalogue_arns: set[str]) -> list[str]:
    """Structural checks; returns a list of problems (empty when the sample is sound)."""
    errs: list[str] = []
    for key in ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"):
        if not isinstance(data.get(key), list):
            errs.append(f"{name}: missing {key}")
    pol_arns = {p["Arn"] for p in data["Policies"]}
    groups = {g["GroupName"] for g in data["GroupDetailList"]}
    acct = data.get("IamExplore", {}).get("AccountId")

    def check_doc(where: str, d: Json, trust: bool = False) -> None:
        if not isinstance(d, dict) or "Statement" not in d:
            errs.append(f"{where}: not a policy document")
            return
        if d.get("Version") not in (None, "2012-10-17", "2008-10-17"):
            errs.append(f"{where}: bad Version")
        for i, s in enumerate(_as_list(d["Statement"])):
            w = f"{where} Statement[{i}]"
            if s.get("Effect") not in ("Allow", "Deny"):
                errs.append(f"{w}: bad Effect")
            if ("Action" in s) == ("NotAction" in s):
                errs.append(f"{w}: needs exactly one of Action/NotAction")
            if trust:
                if "Principal" not in s:
                    errs.append(f"{w}: trust statement without Principal")
                if "Resource" in s or "NotResource" in s:
                    errs.append(f"{w}: trust statement with Resource")
                for act in _as_list(s.get("Action", [])):
                    if not act.startswith("sts:"):
                        errs.append(f"{w}: trust action {act}")
            else:
                if "Principal" in s:
                    errs.append(f"{w}: identity statement with Principal")
                if ("Resource" in s) == ("NotResource" in s):
                    errs.append(f"{w}: needs exactly one of Resource/NotResource")

    def check_attached(where: str, ent: Json) -> None:
        for ap in ent["AttachedManagedPolicies"]:
            if ap["PolicyArn"] not in pol_arns:
                errs.append(f"{where}: attached {ap['PolicyArn']} not in Policies")
            if ap["PolicyArn"].rsplit("/", 1)[1] != ap["PolicyName"]:
                errs.append(f"{where}: PolicyName/Arn mismatch {ap}")
        if "PermissionsBoundary" in ent:
            b = ent["PermissionsBoundary"]
            if (
                b.get("PermissionsBoundaryType") != "Policy"
                or b["PermissionsBoundaryArn"] not in pol_arns
            ):
                errs.append(f"{where}: boundary {b} does not resolve")

    for uu in data["UserDetailList"]:
        w = f"{name}: user {uu['UserName']}"
        if uu["Arn"] != f"arn:aws:iam::{acct}:user{uu['Path']}{uu['UserName']}":
            errs.append(f"{w}: Arn/Path mismatch")
        for g in uu["GroupList"]:
            if g not in groups:
                errs.append(f"{w}: unknown group {g}")
        for ip in uu["UserPolicyList"]:
            check_doc(f"{w} inline {ip['PolicyName']}", ip["PolicyDocument"])
        check_attached(w, uu)
    for g in data["GroupDetailList"]:
        w = f"{name}: group {g['GroupName']}"
        for ip in g["GroupPolicyList"]:
            check_doc(f"{w} inline {ip['PolicyName']}", ip["PolicyDocument"])
        check_attached(w, g)
    for rr in data["RoleDetailList"]:
        w = f"{name}: role {rr['RoleName']}"
        if rr["Arn"] != f"arn:aws:iam::{acct}:role{rr['Path']}{rr['RoleName']}":
            errs.append(f"{w}: Arn/Path mismatch")
        check_doc(f"{w} trust", rr["AssumeRolePolicyDocument"], trust=True)
        for ip in rr["RolePolicyList"]:
            check_doc(f"{w} inline {ip['PolicyName']}", ip["PolicyDocument"])
        for prof in rr["InstanceProfileList"]:
            if rr["Arn"] not in [x["Arn"] for x in prof["Roles"]]:
                errs.append(f"{w}: instance profile does not hold the role")
        check_attached(w, rr)
    for p in data["Policies"]:
        w = f"{name}: policy {p['PolicyName']}"
        if ":aws:policy/" in p["Arn"]:
            if p["Arn"] not in catalogue_arns:
                errs.append(f"{w}: AWS managed policy not in the snapshot")
            if p["AttachmentCount"] == 0 and p["PermissionsBoundaryUsageCount"] == 0:
                errs.append(f"{w}: unattached AWS managed policy listed")
        defaults = [v for v in p["PolicyVersionList"] if v["IsDefaultVersion"]]
        if len(defaults) != 1 or defaults[0]["VersionId"] != p["DefaultVersionId"]:
            errs.append(f"{w}: default version mismatch")
        for v in p["PolicyVersionList"]:
            check_doc(f"{w} {v['VersionId']}", v["Document"])
    for lvl in data.get("IamExplore", {}).get("ScpLevels", []):
        for sp in lvl["Policies"]:
            check_doc(f"{name}: SCP {sp['Name']}", sp["Document"])
    return errs


# --------------------------------------------------------------------------- main


def build_all(cat: dict[str, Json]) -> dict[str, Json]:
    return {
        "classic-story": classic_story(cat, fixed=False).to_json(),
        "classic-story-fixed": classic_story(cat, fixed=True).to_json(),
        "midsize-company": midsize_company(cat).to_json(),
        "edge-cases": edge_cases(cat).to_json(),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help="the AWS managed policy snapshot (aws-managed-policies.json)",
    )
    ap.add_argument("--out", type=Path, default=HERE, help="where to write the samples")
    ap.add_argument(
        "--check-only",
        action="store_true",
        help="validate the JSON files already in --out without regenerating",
    )
    args = ap.parse_args(argv)

    raw = json.loads(args.data.read_text())
    cat = {p["PolicyName"]: p for p in raw["Policies"]}
    catalogue_arns = {p["Arn"] for p in raw["Policies"]}

    if args.check_only:
        samples = {
            p.name.removesuffix(".json"): json.loads(p.read_text())
            for p in sorted(args.out.glob("*.json"))
            if not p.name.endswith(".expected.json")
        }
    else:
        samples = build_all(cat)
        for name, data in samples.items():
            text = json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False) + "\n"
            (args.out / f"{name}.json").write_text(text)
            print(f"wrote {name}.json ({len(text) / 1024:.0f} KiB)")

    problems: list[str] = []
    for name, data in samples.items():
        problems += validate(name, data, catalogue_arns)
        exp = args.out / f"{name}.expected.json"
        if exp.exists():
            e = json.loads(exp.read_text())
            known = {
                x["Arn"]
                for k in ("UserDetailList", "RoleDetailList", "GroupDetailList")
                for x in data[k]
            } | {p["Arn"] for p in data["Policies"]}
            for sect in (
                "passrole_edges",
                "absent_edges",
                "other_findings",
                "admin_paths",
                "existing_resource_findings",
                "absent_existing_findings",
                "existing_resource_paths",
            ):
                for item in e.get(sect, []):
                    for k in ("source", "role", "target"):
                        if k in item and item[k] not in known:
                            problems.append(f"{exp.name}: {sect} {k} {item[k]} is unknown")
        else:
            problems.append(f"{name}: no {exp.name}")
    for p in problems:
        print("PROBLEM:", p, file=sys.stderr)
    print(f"checked {len(samples)} samples: {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
