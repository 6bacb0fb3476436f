"""Generate a *varied* synthetic account: principals that share few policy signatures.

``make_synthetic.py`` shapes an organisation whose users share a few group-derived policy sets,
so the engine's per-signature sharing does most of the work. Real accounts also hold principals
with varied combinations of policies; this generator builds that shape (issue 10, item 6):

* ``max(10, (users + roles) / 10)`` customer managed policies of varied shapes: scoped S3 and
  DynamoDB, ``ec2:*`` with ``aws:RequestedRegion``, ``Allow NotAction`` with MFA, ``NotResource``,
  ``iam:PassRole`` on role path prefixes (with and without ``iam:PassedToService``) and on ``*``
  together with a service's launch actions, ``sts:AssumeRole`` on prefixes, decoys (PassRole
  with an explicit deny, or passed to a service the roles do not trust), read-only wildcards;
* every user and role holds a random 1-3 of them; ~5 % have an inline policy, ~5 % a permissions
  boundary;
* roles live under ``/app-N/`` (one path per ~10 roles); ~4 % hold ``AdministratorAccess`` and
  ~3 % ``PowerUserAccess``; they trust EC2 (with an instance profile), Lambda, CloudFormation,
  CodeBuild, SageMaker, the account root (MFA), a named user or an external account
  (``sts:ExternalId``);
* SCP levels as in ``make_synthetic.py`` (``--no-principal-scp`` leaves out the
  ``aws:PrincipalArn`` exemption).

Planted escalations use the same record as ``make_synthetic.py`` (``FILE.planted.json``):
N/100 users with ``iam:PassRole`` on an EC2 admin role plus ``ec2:RunInstances``, N/200 users
with ``iam:CreatePolicyVersion`` on a customer policy attached to themselves.

Deterministic: the same arguments give the same bytes.

Usage:
    python bench/make_varied.py --users 1000 --roles 1000 -o /tmp/varied-1000.json
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_synthetic import (  # bench scripts run as files: the sibling is importable
    ACCOUNT,
    AWS_MANAGED_DEFAULT,
    HOME_REGIONS,
    REGIONS,
    Builder,
    _arn,
    _doc,
    _svc,
    boundary_doc,
    load_managed,
    role_inline_doc,
    scp_levels,
    trust_doc,
    user_inline_doc,
    write_snapshot,
)

EXTERNAL_ACCOUNT = "444455556666"
TRUSTED = ("ec2", "lambda", "cloudformation", "codebuild", "sagemaker", "root", "user", "external")
"""What a role trusts; services first, then principals of the account or another account."""
LAUNCH = {
    "ec2": ["ec2:RunInstances"],
    "lambda": ["lambda:CreateFunction", "lambda:InvokeFunction"],
    "cloudformation": ["cloudformation:CreateStack"],
    "codebuild": ["codebuild:CreateProject", "codebuild:StartBuild"],
    "sagemaker": ["sagemaker:CreateNotebookInstance"],
}
"""A service's launch actions, granted beside the PassRole statements."""

Shape = Callable[[random.Random, int, int], dict[str, Any]]


def _prefix(rng: random.Random, n_apps: int) -> str:
    return _arn("role", f"app-{rng.randrange(n_apps)}/*")


def s3_scoped(rng: random.Random, k: int, n_apps: int) -> dict[str, Any]:
    bucket = f"data-{k}"
    acts = rng.choice([["s3:GetObject", "s3:ListBucket"], ["s3:GetObject", "s3:PutObject"]])
    return _doc(
        {
            "Sid": "Bucket",
            "Effect": "Allow",
            "Action": acts,
            "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        }
    )


def dynamodb_scoped(rng: random.Random, k: int, n_apps: int) -> dict[str, Any]:
    return _doc(
        {
            "Sid": "Tables",
            "Effect": "Allow",
            "Action": rng.choice([["dynamodb:*"], ["dynamodb:GetItem", "dynamodb:Query"]]),
            "Resource": f"arn:aws:dynamodb:*:{ACCOUNT}:table/t{k}-*",
        }
    )


def ec2_regions(rng: random.Random, k: int, n_apps: int) -> dict[str, Any]:
    return _doc(
        {
            "Sid": "Ec2InRegions",
            "Effect": "Allow",
            "Action": "ec2:*",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestedRegion": rng.sample(REGIONS, 2)}},
        }
    )


def notaction_mfa(rng: random.Random, k: int, n_apps: int) -> dict[str, Any]:
    return _doc(
        {
            "Sid": "PowerWithMfa",
            "Effect": "Allow",
            "NotAction": rng.choice(
                [["iam:*", "organizations:*"], ["iam:*", "organizations:*", "sts:*", "kms:*"]]
            ),
            "Resource": "*",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        }
    )


def notresource(rng: random.Random, k: int, n_apps: int) -> dict[str, Any]:
    return _doc(
        {
            "Sid": "AllButSecrets",
            "Effect": "Allow",
            "Action": rng.choice([["s3:*"], ["secretsmanager:*"], ["sqs:*", "sns:*"]]),
            "NotResource": [f"arn:aws:s3:::secret-{k}", f"arn:aws:s3:::secret-{k}/*"],
        }
    )


def passrole_prefix(rng: random.Random, k: int, n_apps: int) -> dict[str, Any]:
    service = rng.choice(list(LAUNCH))
    passrole: dict[str, Any] = {
        "Sid": "PassAppRoles",
        "Effect": "Allow",
        "Action": "iam:PassRole",
        "Resource": [_prefix(rng, n_apps) for _ in range(rng.randint(1, 2))],
    }
    if rng.random() < 0.6:
        passrole["Condition"] = {"StringEquals": {"iam:PassedToService": _svc(service)}}
    return _doc(
        passrole,
        {"Sid": "Launch", "Effect": "Allow", "Action": LAUNCH[service], "Resource": "*"},
    )


def passrole_any(rng: random.Random, k: int, n_apps: int) -> dict[str, Any]:
    service = rng.choice(list(LAUNCH))
    return _doc(
        {"Sid": "PassAnyRole", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
        {"Sid": "Launch", "Effect": "Allow", "Action": LAUNCH[service], "Resource": "*"},
    )


def decoy_denied(rng: random.Random, k: int, n_apps: int) -> dict[str, Any]:
    """PassRole and launch allowed, PassRole denied on most roles: looks risky, mostly is not."""
    service = rng.choice(list(LAUNCH))
    return _doc(
        {"Sid": "PassAnyRole", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
        {"Sid": "Launch", "Effect": "Allow", "Action": LAUNCH[service], "Resource": "*"},
        {
            "Sid": "ButNotApps",
            "Effect": "Deny",
            "Action": "iam:PassRole",
            "Resource": _arn("role", "app-*"),
        },
    )


def decoy_wrong_service(rng: random.Random, k: int, n_apps: int) -> dict[str, Any]:
    """PassRole only to a service no role trusts here."""
    return _doc(
        {
            "Sid": "PassToGlue",
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": _prefix(rng, n_apps),
            "Condition": {"StringEquals": {"iam:PassedToService": _svc("glue")}},
        },
        {"Sid": "Launch", "Effect": "Allow", "Action": LAUNCH["lambda"], "Resource": "*"},
    )


def assume_prefix(rng: random.Random, k: int, n_apps: int) -> dict[str, Any]:
    return _doc(
        {
            "Sid": "AssumeAppRoles",
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": _prefix(rng, n_apps),
        }
    )


def read_wildcards(rng: random.Random, k: int, n_apps: int) -> dict[str, Any]:
    return _doc(
        {
            "Sid": "Read",
            "Effect": "Allow",
            "Action": rng.sample(
                ["iam:Get*", "iam:List*", "logs:*", "cloudwatch:Get*", "s3:List*", "ec2:Describe*"],
                3,
            ),
            "Resource": "*",
        }
    )


def secrets_scoped(rng: random.Random, k: int, n_apps: int) -> dict[str, Any]:
    region = rng.choice(HOME_REGIONS)
    return _doc(
        {
            "Sid": "Secrets",
            "Effect": "Allow",
            "Action": ["secretsmanager:GetSecretValue", "kms:Decrypt"],
            "Resource": [
                f"arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:s{k}/*",
                f"arn:aws:kms:{region}:{ACCOUNT}:key/*",
            ],
        },
        {"Sid": "Queues", "Effect": "Allow", "Action": "sqs:*", "Resource": "*"},
    )


SHAPES: tuple[tuple[Shape, int], ...] = (
    (s3_scoped, 4),
    (dynamodb_scoped, 3),
    (ec2_regions, 2),
    (notaction_mfa, 1),
    (notresource, 2),
    (passrole_prefix, 3),
    (passrole_any, 1),
    (decoy_denied, 1),
    (decoy_wrong_service, 1),
    (assume_prefix, 2),
    (read_wildcards, 3),
    (secrets_scoped, 2),
)
"""Policy shapes and their weights."""


class VariedBuilder(Builder):
    """The varied account; reuses :class:`Builder`'s policy, group and role writers."""

    def build(self) -> dict[str, Any]:
        rng = self.rng
        n_apps = max(1, self.n_roles // 10)
        shapes = [s for s, w in SHAPES for _ in range(w)]
        pool = [
            self.customer_policy(f"policy-{k}", rng.choice(shapes)(rng, k, n_apps))
            for k in range(max(10, (self.n_users + self.n_roles) // 10))
        ]
        self.boundaries = [
            self.customer_policy("developer-boundary", boundary_doc(False), path="/boundaries/"),
            self.customer_policy("contractor-boundary", boundary_doc(True), path="/boundaries/"),
        ]
        for i in range(self.n_users):
            name = f"user{i:05d}"
            u: dict[str, Any] = {
                "Path": "/",
                "UserName": name,
                "UserId": f"AIDA{i:017d}",
                "Arn": _arn("user", name),
                "CreateDate": "2024-01-01T00:00:00+00:00",
                "UserPolicyList": [],
                "GroupList": [],
                "AttachedManagedPolicies": self._attach(rng.sample(pool, rng.randint(1, 3))),
                "Tags": [],
            }
            if rng.random() < 0.05:
                doc = user_inline_doc(rng, "team", name)
                u["UserPolicyList"].append({"PolicyName": "personal", "PolicyDocument": doc})
            if rng.random() < 0.05:
                u["PermissionsBoundary"] = {
                    "PermissionsBoundaryType": "Policy",
                    "PermissionsBoundaryArn": rng.choice(self.boundaries),
                }
            self.users.append(u)
        admin = self.aws_policy("AdministratorAccess")
        power = self.aws_policy("PowerUserAccess")
        n_admin_ec2 = max(1, self.n_roles // 100)
        for a in range(self.n_roles - n_admin_ec2):
            app = a % n_apps
            trusted = TRUSTED[rng.randrange(len(TRUSTED))]
            r = rng.random()
            attached = [admin] if r < 0.03 else [power] if r < 0.06 else []
            attached += rng.sample(pool, rng.randint(1, 3)) if not attached else []
            extra: list[dict[str, Any]] = []
            service: str | None = trusted
            if trusted in ("root", "user", "external"):
                service = None
                who = {
                    "root": f"arn:aws:iam::{ACCOUNT}:root",
                    "user": self.users[rng.randrange(len(self.users))]["Arn"],
                    "external": f"arn:aws:iam::{EXTERNAL_ACCOUNT}:root",
                }[trusted]
                st: dict[str, Any] = {
                    "Effect": "Allow",
                    "Principal": {"AWS": who},
                    "Action": "sts:AssumeRole",
                }
                if trusted == "root":
                    st["Condition"] = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
                if trusted == "external":
                    st["Condition"] = {"StringEquals": {"sts:ExternalId": f"ext-{a}"}}
                trust = _doc(st)
            else:
                assert service is not None
                trust = trust_doc(service, extra)
            name = f"role-{a}"
            inline = (
                [{"PolicyName": "resources", "PolicyDocument": role_inline_doc(rng, "t", name)}]
                if rng.random() < 0.05
                else []
            )
            arn = self.role(name, f"/app-{app}/", service, trust, attached, inline)
            if rng.random() < 0.05 and self.roles[-1]["AttachedManagedPolicies"]:
                self.roles[-1]["PermissionsBoundary"] = {
                    "PermissionsBoundaryType": "Policy",
                    "PermissionsBoundaryArn": rng.choice(self.boundaries),
                }
            del arn
        for k in range(n_admin_ec2):
            arn = self.role(f"ec2-admin-{k}", "/admin/", "ec2", trust_doc("ec2"), [admin], [])
            self.admin_roles.append(arn)
        self.plant()
        for arn, p in self.policies.items():
            p["AttachmentCount"] = self.attachments.get(arn, 0)
        return {
            "UserDetailList": self.users,
            "GroupDetailList": [],
            "RoleDetailList": self.roles,
            "Policies": sorted(self.policies.values(), key=lambda p: p["Arn"]),
            "IamExplore": {
                "FormatVersion": 1,
                "AccountId": ACCOUNT,
                "ScpLevels": scp_levels(self.principal_scp),
                "Generator": "bench/make_varied.py",
            },
        }

    def plant(self) -> None:
        """Planted escalations on users without a boundary (they keep their own policies)."""
        rng = self.rng
        plain = [u for u in self.users if "PermissionsBoundary" not in u]
        n_pass = max(1, self.n_users // 100)
        n_cpv = max(1, self.n_users // 200)
        chosen = rng.sample(plain, min(len(plain), n_pass + n_cpv))
        for u in chosen[:n_pass]:
            role = rng.choice(self.admin_roles)
            doc = _doc(
                {
                    "Sid": "LaunchBuilders",
                    "Effect": "Allow",
                    "Action": ["ec2:RunInstances", "ec2:CreateTags"],
                    "Resource": "*",
                },
                {
                    "Sid": "PassBuilderRole",
                    "Effect": "Allow",
                    "Action": "iam:PassRole",
                    "Resource": role,
                },
            )
            u["UserPolicyList"].append({"PolicyName": "ci-launcher", "PolicyDocument": doc})
            self.planted["passrole_admin"].append({"user": u["Arn"], "role": role})
        for u in chosen[n_pass:]:
            name = f"user-tools-{u['UserName']}"
            arn = _arn("policy", f"self/{name}")
            doc = _doc(
                {
                    "Sid": "MaintainOwnPolicy",
                    "Effect": "Allow",
                    "Action": ["iam:CreatePolicyVersion", "iam:GetPolicyVersion"],
                    "Resource": arn,
                }
            )
            self.customer_policy(name, doc, path="/self/")
            u["AttachedManagedPolicies"] += self._attach([arn])
            self.planted["create_policy_version"].append({"user": u["Arn"], "policy": arn})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, required=True)
    ap.add_argument("--roles", type=int, required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--managed-policies", type=Path, default=AWS_MANAGED_DEFAULT)
    ap.add_argument("--no-principal-scp", action="store_true")
    ap.add_argument("--indent", type=int, default=4, help="0 for compact JSON (the CLI uses 4)")
    ap.add_argument("-o", "--output", type=Path, required=True)
    args = ap.parse_args(argv)
    if args.users < 1 or args.roles < 3:
        ap.error("need at least 1 user and 3 roles")
    b = VariedBuilder(
        args.users,
        args.roles,
        args.seed,
        load_managed(args.managed_policies),
        0.0,
        not args.no_principal_scp,
    )
    snapshot = b.build()
    planted = {
        "users": args.users,
        "roles": len(b.roles),
        "seed": args.seed,
        "admin_roles": b.admin_roles,
        **b.planted,
    }
    side = write_snapshot(args.output, snapshot, planted, args.indent)
    size = args.output.stat().st_size / 1024 / 1024
    print(
        f"wrote {args.output} ({size:.1f} MiB): {len(b.users)} users, {len(b.roles)} roles, "
        f"{len(snapshot['Policies'])} policies; planted: "
        f"passrole_admin={len(planted['passrole_admin'])} "
        f"create_policy_version={len(planted['create_policy_version'])} (see {side.name})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
