"""An account with running resources in the local moto server, for ``fetch --resources``.

Roles that escalate (``ops-admin`` behind an instance profile, ``fn-admin`` for Lambda, ...)
and a user ``dev`` who may take over existing resources but not pass roles: every finding it
has is about a resource that already runs.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

import boto3

EU, US = "eu-west-1", "us-east-1"
ADMIN_POLICY = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)
ROLES = {
    "ops-admin": "ec2.amazonaws.com",
    "fn-admin": "lambda.amazonaws.com",
    "cb-admin": "codebuild.amazonaws.com",
    "cfn-admin": "cloudformation.amazonaws.com",
    "sm-admin": "sagemaker.amazonaws.com",
    "task-admin": "ecs-tasks.amazonaws.com",
    "sfn-role": "states.amazonaws.com",
}
DEV_ACTIONS = [
    "ssm:SendCommand",
    "ec2-instance-connect:SendSSHPublicKey",
    "lambda:UpdateFunctionCode",
    "codebuild:StartBuild",
    "cloudformation:UpdateStack",
    "sagemaker:CreatePresignedNotebookInstanceUrl",
    "ecs:ExecuteCommand",
    "ecs:DescribeTasks",
]


@dataclass
class ResourceAccount:
    """What was created, for assertions."""

    account_id: str
    roles: dict[str, str] = field(default_factory=dict)
    instance_id: str = ""
    other_instance: str = ""
    function_arn: str = ""
    project_arn: str = ""
    stack_id: str = ""
    notebook_arn: str = ""
    task_definition_arn: str = ""
    service_arn: str = ""
    state_machine_arn: str = ""


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("handler.py", "def handle(event, context):\n    return 1\n")
    return buf.getvalue()


def build_resource_account(endpoint_url: str) -> ResourceAccount:
    """Create roles, the ``dev`` user and resources in eu-west-1 and us-east-1."""

    def client(service: str, region: str = US) -> Any:
        return boto3.client(service, endpoint_url=endpoint_url, region_name=region)

    iam = client("iam")
    out = ResourceAccount(client("sts").get_caller_identity()["Account"])
    for name, service in ROLES.items():
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
            ],
        }
        out.roles[name] = iam.create_role(
            RoleName=name, AssumeRolePolicyDocument=json.dumps(trust)
        )["Role"]["Arn"]
        iam.put_role_policy(RoleName=name, PolicyName="admin", PolicyDocument=ADMIN_POLICY)
    iam.create_instance_profile(InstanceProfileName="ops-admin")
    iam.add_role_to_instance_profile(InstanceProfileName="ops-admin", RoleName="ops-admin")
    iam.create_user(UserName="dev")
    iam.put_user_policy(
        UserName="dev",
        PolicyName="operate",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": DEV_ACTIONS, "Resource": "*"}],
            }
        ),
    )

    ec2 = client("ec2", EU)
    images = ec2.describe_images(Owners=["amazon"])["Images"]
    image = next(i["ImageId"] for i in images if "Platform" not in i)  # a Linux AMI
    out.instance_id = ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        IamInstanceProfile={"Name": "ops-admin"},
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "env", "Value": "prod"}]}],
    )["Instances"][0]["InstanceId"]
    # An instance without a profile runs as no role: it must not appear in any finding.
    out.other_instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"][0][
        "InstanceId"
    ]

    lam = client("lambda", EU)
    out.function_arn = lam.create_function(
        FunctionName="nightly-report",
        Runtime="python3.12",
        Role=out.roles["fn-admin"],
        Handler="handler.handle",
        Code={"ZipFile": _zip()},
        Tags={"team": "data"},
    )["FunctionArn"]
    lam.create_alias(FunctionName="nightly-report", Name="live", FunctionVersion="$LATEST")

    out.project_arn = client("codebuild", EU).create_project(
        name="release",
        source={"type": "S3", "location": "artifacts/src.zip"},
        artifacts={"type": "NO_ARTIFACTS"},
        environment={
            "type": "LINUX_CONTAINER",
            "image": "aws/codebuild/standard:7.0",
            "computeType": "BUILD_GENERAL1_SMALL",
        },
        serviceRole=out.roles["cb-admin"],
    )["project"]["arn"]

    out.stack_id = client("cloudformation", US).create_stack(
        StackName="network",
        TemplateBody=json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}),
        RoleARN=out.roles["cfn-admin"],
    )["StackId"]

    out.notebook_arn = client("sagemaker", US).create_notebook_instance(
        NotebookInstanceName="research",
        InstanceType="ml.t3.medium",
        RoleArn=out.roles["sm-admin"],
    )["NotebookInstanceArn"]

    ecs = client("ecs", EU)
    ecs.create_cluster(clusterName="prod")
    out.task_definition_arn = ecs.register_task_definition(
        family="api",
        taskRoleArn=out.roles["task-admin"],
        containerDefinitions=[{"name": "api", "image": "nginx", "memory": 128}],
    )["taskDefinition"]["taskDefinitionArn"]
    out.service_arn = ecs.create_service(
        cluster="prod",
        serviceName="api",
        taskDefinition="api",
        desiredCount=1,
        enableExecuteCommand=True,
    )["service"]["serviceArn"]

    out.state_machine_arn = client("stepfunctions", US).create_state_machine(
        name="orders",
        definition=json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}),
        roleArn=out.roles["sfn-role"],
    )["stateMachineArn"]
    return out
