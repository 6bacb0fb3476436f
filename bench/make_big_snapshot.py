"""Generate a large, realistic ``aws iam get-account-authorization-details`` snapshot.

Deterministic: the same ``--size-mb`` and ``--seed`` always give the same bytes. The output has
the shape of the AWS CLI's merged output (4-space indent, documents as JSON objects): users in
groups with inline and attached policies and permissions boundaries, roles with trust policies
for services, accounts and OIDC providers, instance profiles, customer managed policies with
several versions, and a few large AWS managed policies.

Usage:
    python bench/make_big_snapshot.py --size-mb 100 -o /tmp/big.json
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ACCOUNT = "111122223333"
PARTNER = "444455556666"
REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2")
SERVICES: dict[str, tuple[str, ...]] = {
    "s3": ("GetObject", "PutObject", "DeleteObject", "ListBucket", "GetBucketPolicy", "*"),
    "ec2": ("RunInstances", "DescribeInstances", "TerminateInstances", "CreateTags", "Describe*"),
    "iam": ("PassRole", "GetRole", "ListRoles", "CreateAccessKey", "AttachRolePolicy", "Get*"),
    "lambda": ("CreateFunction", "InvokeFunction", "UpdateFunctionCode", "GetFunction"),
    "dynamodb": ("GetItem", "PutItem", "Query", "Scan", "BatchWriteItem", "DescribeTable"),
    "sqs": ("SendMessage", "ReceiveMessage", "DeleteMessage", "GetQueueAttributes"),
    "sns": ("Publish", "Subscribe", "ListTopics"),
    "kms": ("Decrypt", "Encrypt", "GenerateDataKey", "DescribeKey"),
    "logs": ("CreateLogGroup", "CreateLogStream", "PutLogEvents", "DescribeLogGroups"),
    "cloudformation": ("CreateStack", "UpdateStack", "DescribeStacks", "DeleteStack"),
    "ecs": ("RunTask", "RegisterTaskDefinition", "DescribeTasks", "UpdateService"),
    "sts": ("AssumeRole", "GetCallerIdentity", "TagSession"),
    "secretsmanager": ("GetSecretValue", "DescribeSecret", "ListSecrets"),
    "glue": ("CreateJob", "StartJobRun", "GetJob", "UpdateDevEndpoint"),
}
TRUST_SERVICES = (
    "ec2.amazonaws.com",
    "lambda.amazonaws.com",
    "ecs-tasks.amazonaws.com",
    "cloudformation.amazonaws.com",
    "glue.amazonaws.com",
)
TEAMS = ("payments", "search", "platform", "data", "web", "mobile", "infra", "security", "ml")
AWS_MANAGED = ("ReadOnlyAccess", "AmazonEC2FullAccess", "PowerUserAccess", "AmazonS3ReadOnlyAccess")


def _date(rng: random.Random) -> str:
    return (
        f"20{rng.randint(15, 25):02d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        f"T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}+00:00"
    )


def _resource(rng: random.Random, service: str, team: str) -> str:
    region = rng.choice(REGIONS)
    n = rng.randint(1, 999)
    return {
        "s3": f"arn:aws:s3:::{team}-bucket-{n}/*",
        "ec2": f"arn:aws:ec2:{region}:{ACCOUNT}:instance/*",
        "iam": f"arn:aws:iam::{ACCOUNT}:role/{team}/{team}-role-{n}",
        "lambda": f"arn:aws:lambda:{region}:{ACCOUNT}:function:{team}-fn-{n}",
        "dynamodb": f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/{team}-table-{n}",
        "sqs": f"arn:aws:sqs:{region}:{ACCOUNT}:{team}-queue-{n}",
        "sns": f"arn:aws:sns:{region}:{ACCOUNT}:{team}-topic-{n}",
        "kms": f"arn:aws:kms:{region}:{ACCOUNT}:key/{rng.getrandbits(128):032x}",
        "logs": f"arn:aws:logs:{region}:{ACCOUNT}:log-group:/aws/{team}/{n}:*",
        "secretsmanager": f"arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:{team}/{n}-*",
    }.get(service, "*")


def _condition(rng: random.Random, team: str) -> dict[str, Any]:
    return rng.choice(
        [
            {"StringEquals": {"aws:RequestedRegion": rng.sample(REGIONS, rng.randint(1, 3))}},
            {"Bool": {"aws:SecureTransport": "true"}},
            {"StringEquals": {"iam:PassedToService": rng.choice(TRUST_SERVICES)}},
            {"IpAddress": {"aws:SourceIp": [f"10.{rng.randint(0, 255)}.0.0/16", "192.0.2.0/24"]}},
            {"StringEquals": {"aws:PrincipalTag/team": team}},
            {"NumericLessThan": {"aws:MultiFactorAuthAge": 3600}},
            {"StringLike": {"s3:prefix": ["home/${aws:username}/*", f"{team}/*"]}},
        ]
    )


def policy_document(rng: random.Random, team: str, statements: int | None = None) -> dict[str, Any]:
    out = []
    for i in range(statements or rng.randint(1, 6)):
        service = rng.choice(list(SERVICES))
        names = SERVICES[service]
        actions = [f"{service}:{a}" for a in rng.sample(names, rng.randint(1, min(4, len(names))))]
        st: dict[str, Any] = {
            "Sid": f"{service.capitalize()}{i}",
            "Effect": "Deny" if rng.random() < 0.1 else "Allow",
            "Action": actions[0] if len(actions) == 1 else actions,
            "Resource": [_resource(rng, service, team) for _ in range(rng.randint(1, 3))],
        }
        if rng.random() < 0.3:
            st["Condition"] = _condition(rng, team)
        out.append(st)
    return {"Version": "2012-10-17", "Statement": out}


def trust_document(rng: random.Random, team: str) -> dict[str, Any]:
    kind = rng.random()
    if kind < 0.6:
        principal: dict[str, Any] = {"Service": rng.choice(TRUST_SERVICES)}
        action = "sts:AssumeRole"
        cond = None
    elif kind < 0.9:
        principal = {"AWS": [f"arn:aws:iam::{ACCOUNT}:root", f"arn:aws:iam::{PARTNER}:root"]}
        action = "sts:AssumeRole"
        cond = {"StringEquals": {"sts:ExternalId": f"{team}-{rng.getrandbits(32):08x}"}}
    else:
        principal = {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.example.com"}
        action = "sts:AssumeRoleWithWebIdentity"
        cond = {"StringLike": {"token.actions.example.com:sub": f"repo:org/{team}-*"}}
    st: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": action}
    if cond:
        st["Condition"] = cond
    return {"Version": "2012-10-17", "Statement": [st]}


class Generator:
    """Entity factories; ``n_policies``/``n_groups`` are the pools that attachments draw from."""

    def __init__(self, rng: random.Random, n_policies: int, n_groups: int) -> None:
        self.rng = rng
        self.n_policies = max(1, n_policies)
        self.n_groups = max(1, n_groups)

    def _policy_arn(self) -> str:
        if self.rng.random() < 0.15:
            return f"arn:aws:iam::aws:policy/{self.rng.choice(AWS_MANAGED)}"
        return (
            f"arn:aws:iam::{ACCOUNT}:policy/customer-policy-{self.rng.randrange(self.n_policies)}"
        )

    def _attached(self, k: int) -> list[dict[str, str]]:
        arns = sorted({self._policy_arn() for _ in range(k)})
        return [{"PolicyName": a.rsplit("/", 1)[1], "PolicyArn": a} for a in arns]

    def _inline(self, team: str, k: int) -> list[dict[str, Any]]:
        return [
            {"PolicyName": f"{team}-inline-{j}", "PolicyDocument": policy_document(self.rng, team)}
            for j in range(k)
        ]

    def user(self, i: int) -> dict[str, Any]:
        rng = self.rng
        team = rng.choice(TEAMS)
        name = f"{team}.user{i}"
        u: dict[str, Any] = {
            "Path": f"/{team}/",
            "UserName": name,
            "UserId": f"AIDA{rng.getrandbits(80):020X}",
            "Arn": f"arn:aws:iam::{ACCOUNT}:user/{team}/{name}",
            "CreateDate": _date(rng),
            "UserPolicyList": self._inline(team, rng.choice((0, 0, 1, 2))),
            "GroupList": sorted({f"group-{rng.randrange(self.n_groups)}" for _ in range(3)}),
            "AttachedManagedPolicies": self._attached(rng.randint(0, 3)),
            "Tags": [{"Key": "team", "Value": team}, {"Key": "cost-center", "Value": str(i % 97)}],
        }
        if rng.random() < 0.2:
            u["PermissionsBoundary"] = {
                "PermissionsBoundaryType": "Policy",
                "PermissionsBoundaryArn": self._policy_arn(),
            }
        return u

    def group(self, i: int) -> dict[str, Any]:
        rng = self.rng
        team = TEAMS[i % len(TEAMS)]
        return {
            "Path": "/",
            "GroupName": f"group-{i}",
            "GroupId": f"AGPA{rng.getrandbits(80):020X}",
            "Arn": f"arn:aws:iam::{ACCOUNT}:group/group-{i}",
            "CreateDate": _date(rng),
            "GroupPolicyList": self._inline(team, rng.choice((0, 1, 2))),
            "AttachedManagedPolicies": self._attached(rng.randint(1, 4)),
        }

    def role(self, i: int) -> dict[str, Any]:
        rng = self.rng
        team = rng.choice(TEAMS)
        name = f"{team}-role-{i}"
        path = rng.choice(("/", f"/{team}/", "/service-role/"))
        r: dict[str, Any] = {
            "Path": path,
            "RoleName": name,
            "RoleId": f"AROA{rng.getrandbits(80):020X}",
            "Arn": f"arn:aws:iam::{ACCOUNT}:role{path}{name}",
            "CreateDate": _date(rng),
            "AssumeRolePolicyDocument": trust_document(rng, team),
            "InstanceProfileList": [],
            "RolePolicyList": self._inline(team, rng.choice((0, 1, 1, 2, 3))),
            "AttachedManagedPolicies": self._attached(rng.randint(0, 4)),
            "Tags": [{"Key": "team", "Value": team}],
            "RoleLastUsed": {"LastUsedDate": _date(rng), "Region": rng.choice(REGIONS)},
        }
        if rng.random() < 0.3:
            r["InstanceProfileList"].append(
                {
                    "Path": "/",
                    "InstanceProfileName": name,
                    "InstanceProfileId": f"AIPA{rng.getrandbits(80):020X}",
                    "Arn": f"arn:aws:iam::{ACCOUNT}:instance-profile/{name}",
                    "CreateDate": _date(rng),
                    "Roles": [
                        {
                            "Path": path,
                            "RoleName": name,
                            "RoleId": r["RoleId"],
                            "Arn": r["Arn"],
                            "CreateDate": r["CreateDate"],
                            "AssumeRolePolicyDocument": r["AssumeRolePolicyDocument"],
                        }
                    ],
                }
            )
        if rng.random() < 0.1:
            r["PermissionsBoundary"] = {
                "PermissionsBoundaryType": "Policy",
                "PermissionsBoundaryArn": self._policy_arn(),
            }
        return r

    def policy(self, i: int) -> dict[str, Any]:
        rng = self.rng
        team = rng.choice(TEAMS)
        n_versions = rng.randint(1, 5)
        default = rng.randint(1, n_versions)
        return {
            "PolicyName": f"customer-policy-{i}",
            "PolicyId": f"ANPA{rng.getrandbits(80):020X}",
            "Arn": f"arn:aws:iam::{ACCOUNT}:policy/customer-policy-{i}",
            "Path": "/",
            "DefaultVersionId": f"v{default}",
            "AttachmentCount": rng.randint(0, 40),
            "PermissionsBoundaryUsageCount": 0,
            "IsAttachable": True,
            "CreateDate": _date(rng),
            "UpdateDate": _date(rng),
            "PolicyVersionList": [
                {
                    "Document": policy_document(rng, team),
                    "VersionId": f"v{v}",
                    "IsDefaultVersion": v == default,
                    "CreateDate": _date(rng),
                }
                for v in range(n_versions, 0, -1)
            ],
        }

    def aws_managed(self, name: str) -> dict[str, Any]:
        rng = self.rng
        actions = sorted(f"{s}:{a}" for s, acts in SERVICES.items() for a in acts)
        big = {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": f"S{k}", "Effect": "Allow", "Action": actions, "Resource": "*"}
                for k in range(40)
            ],
        }
        return {
            "PolicyName": name,
            "PolicyId": f"ANPA{rng.getrandbits(80):020X}",
            "Arn": f"arn:aws:iam::aws:policy/{name}",
            "Path": "/",
            "DefaultVersionId": "v3",
            "AttachmentCount": 12,
            "IsAttachable": True,
            "PolicyVersionList": [
                {"Document": big, "VersionId": "v3", "IsDefaultVersion": True},
            ],
        }


# Share of the output bytes per list (roughly what large real accounts look like).
SHARES = {"UserDetailList": 0.25, "GroupDetailList": 0.03, "RoleDetailList": 0.32, "Policies": 0.40}


def _dump(entity: Any, indent: int | None) -> str:
    text = json.dumps(entity, indent=indent)
    if indent:
        pad = " " * (2 * indent)
        text = pad + text.replace("\n", "\n" + pad)
    return text


def _estimate(make: Callable[[int], Any], indent: int | None) -> float:
    return sum(len(_dump(make(i), indent)) + 2 for i in range(200)) / 200


def generate(size_mb: float, seed: int, indent: int | None) -> Iterator[str]:
    """Yield the snapshot text in chunks."""
    target = size_mb * 1024 * 1024
    probe = Generator(random.Random(seed + 1), 1000, 100)
    counts = {
        key: max(1, int(target * share / _estimate(make, indent)))
        for key, share, make in (
            ("UserDetailList", SHARES["UserDetailList"], probe.user),
            ("GroupDetailList", SHARES["GroupDetailList"], probe.group),
            ("RoleDetailList", SHARES["RoleDetailList"], probe.role),
            ("Policies", SHARES["Policies"], probe.policy),
        )
    }
    gen = Generator(random.Random(seed), counts["Policies"], counts["GroupDetailList"])
    makers: dict[str, Callable[[int], Any]] = {
        "UserDetailList": gen.user,
        "GroupDetailList": gen.group,
        "RoleDetailList": gen.role,
        "Policies": gen.policy,
    }
    nl = "\n" if indent else ""
    pad = " " * (indent or 0)
    yield "{" + nl
    for k, key in enumerate(makers):
        yield f'{pad}"{key}": [{nl}'
        items: Iterator[Any] = (makers[key](i) for i in range(counts[key]))
        if key == "Policies":
            items = _chain((gen.aws_managed(n) for n in AWS_MANAGED), items)
        first = True
        for item in items:
            if not first:
                yield "," + nl
            first = False
            yield _dump(item, indent)
        yield f"{nl}{pad}]" + ("," if k < len(makers) - 1 else "") + nl
    yield "}" + nl


def _chain(*its: Iterator[Any]) -> Iterator[Any]:
    for it in its:
        yield from it


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size-mb", type=float, default=100.0, help="approximate output size")
    ap.add_argument("-o", "--output", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--indent", type=int, default=4, help="0 for compact JSON (CLI uses 4)")
    args = ap.parse_args(argv)
    with args.output.open("w", encoding="utf-8") as out:
        for chunk in generate(args.size_mb, args.seed, args.indent or None):
            out.write(chunk)
    size = args.output.stat().st_size
    print(f"wrote {args.output} ({size / 1024 / 1024:.1f} MiB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
