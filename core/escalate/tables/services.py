"""AWS services that take a passed role: the table behind every ``iam:PassRole`` edge.

Each row says which service principal the passed role must trust, which service actions the
caller needs besides ``iam:PassRole`` (alternatives of AND-sets), what AWS presents as
``iam:PassedToService`` and ``iam:AssociatedResourceARN``, and how an attacker then gets to act
as the role. Adding a service is adding a row (STYLE.md, practice 3).

Conventions:
- ``principals`` are alternatives: the role's trust policy must let *at least one* of them
  ``sts:AssumeRole`` (for ``cognito-identity`` the trust is a ``Federated`` principal using
  ``sts:AssumeRoleWithWebIdentity``; see that row). Several rows share ``ec2.amazonaws.com``
  because the service launches EC2 instances with an instance profile (EMR, Image Builder,
  Elastic Beanstalk); :func:`service_by_principal` returns the first (EC2 itself) and
  :func:`services_by_principal` returns them all.
- ``associated_resource_arn`` is set only where public material shows the service sending
  ``iam:AssociatedResourceARN``; ``None`` means "not known to be sent" (treat the key as absent).
- References are public pages that were checked while writing this table; pathfinding.cloud ids
  (``ec2-001`` ...) are Datadog's catalogue ids (https://pathfinding.cloud/paths/<id>).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Reference:
    """A public page that documents a row."""

    title: str
    url: str


@dataclass(frozen=True, slots=True)
class ActionSet:
    """Actions needed *together* (besides ``iam:PassRole``) and how the attack goes."""

    actions: tuple[str, ...]
    how: str
    needs: str = ""
    catalog: tuple[str, ...] = ()
    """Ids of the escalation catalogue rows (``ESCALATION-CATALOG.md``) this way covers."""
    """What the way needs that the snapshot does not show (an existing instance, function,
    stack...): the edge is then conditional on it, like the existing-resource methods."""


@dataclass(frozen=True, slots=True)
class RoleKey:
    """A request key that a launch passing a role necessarily sets, and to what.

    ``value`` is ``profile`` (the ARN of the instance profile holding the role) or ``role``
    (the role's ARN). A deny on that key cannot be avoided by the launch (Service
    Authorization Reference: ``ec2:InstanceProfile`` "Filters access by the ARN of an instance
    profile"; ``cloudformation:RoleArn`` "Filters access by the ARN of an IAM service role").
    """

    actions: tuple[str, ...]
    key: str
    value: str


@dataclass(frozen=True, slots=True)
class PassRoleService:
    """One AWS service that runs code or API calls as a role the caller passes to it.

    Attributes:
        id: stable short id (``"ec2"``, ``"lambda"``), one row per service.
        name: display name.
        principals: service principals the role's trust policy must allow (any one of them).
        passed_to_service: the ``iam:PassedToService`` value AWS presents.
        action_sets: alternatives (OR); each set's actions are all needed (AND).
        associated_resource_arn: template of ``iam:AssociatedResourceARN`` with ``${Region}``
            and ``${Account}`` placeholders, or ``None`` when the service is not known to send it.
        requires_instance_profile: the role reaches the service inside an EC2 instance profile.
        credential_access: how the attacker gets the role's credentials or acts as it.
        references: public pages documenting the escalation.
        regional: whether the launch actions are regional (``aws:RequestedRegion`` applies).
        role_keys: request keys that a launch with the passed role necessarily sets.
        service_role: a service principal that a *second* role the caller also passes must
            trust (EMR's service role, ``elasticmapreduce.amazonaws.com``); no edge without one.
    """

    id: str
    name: str
    principals: tuple[str, ...]
    passed_to_service: str
    action_sets: tuple[ActionSet, ...]
    associated_resource_arn: str | None
    requires_instance_profile: bool = False
    credential_access: str = ""
    references: tuple[Reference, ...] = ()
    regional: bool = True
    role_keys: tuple[RoleKey, ...] = ()
    service_role: str = ""


# --- reference helpers (module-level constants; no I/O) -------------------------------------

RHINO = Reference(
    "Rhino Security Labs: AWS privilege escalation methods and mitigation",
    "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/",
)
HACKINGTHECLOUD = Reference(
    "Hacking The Cloud: AWS IAM privilege escalation",
    "https://hackingthe.cloud/aws/exploitation/iam_privilege_escalation/",
)
BISHOPFOX = Reference(
    "Bishop Fox: Privilege escalation in AWS",
    "https://bishopfox.com/blog/privilege-escalation-in-aws",
)


def pathfinding(path_id: str) -> Reference:
    """A pathfinding.cloud path page (Datadog's catalogue), e.g. ``pathfinding("ec2-001")``."""
    return Reference(f"pathfinding.cloud {path_id}", f"https://pathfinding.cloud/paths/{path_id}")


def hacktricks(page: str) -> Reference:
    """A HackTricks Cloud AWS privilege-escalation page, e.g. ``"aws-ec2-privesc/index.html"``."""
    return Reference(
        f"HackTricks Cloud: {page.split('/')[0]}",
        "https://cloud.hacktricks.wiki/en/pentesting-cloud/aws-security/"
        f"aws-privilege-escalation/{page}",
    )


def iam_vulnerable(file: str) -> Reference:
    """A Bishop Fox iam-vulnerable privesc path (Terraform file name)."""
    return Reference(
        f"iam-vulnerable: {file.removesuffix('.tf')}",
        "https://github.com/BishopFox/iam-vulnerable/blob/main/modules/free-resources/"
        f"privesc-paths/{file}",
    )


_PMAPPER_COMMIT = "91d2e60102bdadf346d77b60d90ddaa4a678f037"


def pmapper(file: str) -> Reference:
    """An NCC Group PMapper edge checker (``principalmapper/graphing/<file>``)."""
    return Reference(
        f"PMapper {file}",
        f"https://github.com/nccgroup/PMapper/blob/{_PMAPPER_COMMIT}/principalmapper/graphing/{file}",
    )


def _labs(scenario: str) -> Reference:
    return Reference(
        f"pathfinding-labs {scenario.split('-iam-')[0]}",
        "https://github.com/DataDog/pathfinding-labs/tree/main/modules/scenarios/single-account/"
        f"privesc-one-hop/to-admin/{scenario}",
    )


_A = ActionSet

SERVICES: tuple[PassRoleService, ...] = (
    PassRoleService(
        id="ec2",
        name="Amazon EC2",
        principals=("ec2.amazonaws.com",),
        passed_to_service="ec2.amazonaws.com",
        action_sets=(
            _A(
                ("ec2:RunInstances",),
                "launch an instance with the role's instance profile",
                catalog=("ec2-001",),
            ),
            _A(
                ("ec2:RequestSpotInstances",),
                "request a spot instance with the instance profile",
                catalog=("ec2-003",),
            ),
            _A(
                ("ec2:CreateLaunchTemplate", "autoscaling:CreateAutoScalingGroup"),
                "put the instance profile in a launch template, then start an Auto Scaling group",
                catalog=("x-autoscaling-002",),
            ),
            _A(
                ("autoscaling:CreateLaunchConfiguration", "autoscaling:CreateAutoScalingGroup"),
                "put the instance profile in a launch configuration, then start an ASG",
                catalog=("x-autoscaling-001",),
            ),
            _A(
                ("ec2:AssociateIamInstanceProfile",),
                "attach the instance profile to an existing instance you can run code on",
                needs="an existing EC2 instance you can run code on",
            ),
            _A(
                ("ec2:ReplaceIamInstanceProfileAssociation",),
                "swap an existing instance's profile for the role's, then use that instance",
                needs="an existing EC2 instance you can run code on",
            ),
        ),
        associated_resource_arn="arn:aws:ec2:${Region}:${Account}:instance/*",
        requires_instance_profile=True,
        role_keys=(
            RoleKey(("ec2:RunInstances",), "ec2:InstanceProfile", "profile"),
            RoleKey(
                ("ec2:AssociateIamInstanceProfile", "ec2:ReplaceIamInstanceProfileAssociation"),
                "ec2:NewInstanceProfile",
                "profile",
            ),
        ),
        credential_access=(
            "user data or a shell on the instance reads the role's credentials from IMDS "
            "(169.254.169.254/latest/meta-data/iam/security-credentials/)"
        ),
        references=(
            pathfinding("ec2-001"),
            pathfinding("ec2-004"),
            RHINO,
            HACKINGTHECLOUD,
            iam_vulnerable("privesc3-CreateEC2WithExistingIP.tf"),
            pmapper("ec2_edges.py"),
            pmapper("autoscaling_edges.py"),
            hacktricks("aws-ec2-privesc/index.html"),
        ),
    ),
    PassRoleService(
        id="lambda",
        name="AWS Lambda",
        principals=("lambda.amazonaws.com",),
        passed_to_service="lambda.amazonaws.com",
        action_sets=(
            _A(
                ("lambda:CreateFunction", "lambda:InvokeFunction"),
                "create a function with the role, then invoke it",
                catalog=("lambda-001",),
            ),
            _A(
                ("lambda:CreateFunction", "lambda:CreateEventSourceMapping"),
                "create a function with the role and trigger it from an event source (DynamoDB)",
                catalog=("lambda-002",),
            ),
            _A(
                ("lambda:CreateFunction", "lambda:AddPermission"),
                "create a function with the role, grant yourself invoke in its policy, invoke it",
                catalog=("lambda-006",),
            ),
            _A(
                ("lambda:UpdateFunctionConfiguration",),
                "point an existing function at the role (and a layer you control); it runs on "
                "its next invocation",
                needs="an existing Lambda function",
            ),
        ),
        associated_resource_arn=None,
        credential_access=(
            "function code reads AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN from "
            "its environment or calls AWS directly as the role"
        ),
        references=(
            pathfinding("lambda-001"),
            pathfinding("lambda-002"),
            pathfinding("lambda-006"),
            RHINO,
            HACKINGTHECLOUD,
            iam_vulnerable("privesc15-PassExistingRoleToNewLambdaThenInvoke.tf"),
            iam_vulnerable("privesc16-PassRoleToNewLambdaThenTriggerWithNewDynamo.tf"),
            pmapper("lambda_edges.py"),
        ),
    ),
    PassRoleService(
        id="cloudformation",
        name="AWS CloudFormation",
        principals=("cloudformation.amazonaws.com",),
        passed_to_service="cloudformation.amazonaws.com",
        action_sets=(
            _A(
                ("cloudformation:CreateStack",),
                "create a stack whose service role is the role",
                catalog=("cloudformation-001",),
            ),
            _A(
                ("cloudformation:UpdateStack",),
                "update a stack with --role-arn set to the role and a template you control",
                needs="an existing CloudFormation stack",
            ),
            _A(
                ("cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"),
                "create a change set that uses the role, then execute it",
            ),
            _A(
                ("cloudformation:CreateStackSet", "cloudformation:CreateStackInstances"),
                "create a self-managed stack set with the role as administration role, "
                "then deploy instances",
                catalog=("cloudformation-003",),
            ),
            _A(
                ("cloudformation:UpdateStackSet",),
                "update a stack set's template and administration role",
                needs="an existing CloudFormation stack set",
                catalog=("cloudformation-004",),
            ),
        ),
        associated_resource_arn=None,
        role_keys=(
            RoleKey(
                (
                    "cloudformation:CreateStack",
                    "cloudformation:UpdateStack",
                    "cloudformation:CreateChangeSet",
                    "cloudformation:CreateStackSet",
                    "cloudformation:UpdateStackSet",
                ),
                "cloudformation:RoleArn",
                "role",
            ),
        ),
        credential_access=(
            "the template creates IAM resources (admin user, access key, policy attachment) "
            "with the role's permissions; outputs can return the created secrets"
        ),
        references=(
            pathfinding("cloudformation-001"),
            pathfinding("cloudformation-003"),
            pathfinding("cloudformation-004"),
            pathfinding("cloudformation-005"),
            RHINO,
            iam_vulnerable("privesc20-PassExistingRoleToCloudFormation.tf"),
            pmapper("cloudformation_edges.py"),
            hacktricks("aws-cloudformation-privesc/index.html"),
        ),
    ),
    PassRoleService(
        id="glue",
        name="AWS Glue",
        principals=("glue.amazonaws.com",),
        passed_to_service="glue.amazonaws.com",
        action_sets=(
            _A(
                ("glue:CreateDevEndpoint",),
                "create a dev endpoint with the role and your SSH key, then SSH in",
                catalog=("glue-001",),
            ),
            _A(
                ("glue:CreateJob", "glue:StartJobRun"),
                "create a job with the role and a script you control, then run it",
                catalog=("glue-003",),
            ),
            _A(
                ("glue:CreateJob", "glue:CreateTrigger"),
                "create a job with the role and a trigger that starts it",
                catalog=("glue-004",),
            ),
            _A(
                ("glue:UpdateJob", "glue:StartJobRun"),
                "point an existing job at the role and your script, then run it",
                needs="an existing Glue job",
                catalog=("glue-005",),
            ),
            _A(
                ("glue:UpdateJob", "glue:CreateTrigger"),
                "point an existing job at the role, then trigger it",
                needs="an existing Glue job",
                catalog=("glue-006",),
            ),
            _A(
                ("glue:CreateSession", "glue:RunStatement"),
                "start an interactive session with the role and run Python in it",
            ),
        ),
        associated_resource_arn=None,
        credential_access="the job, session or endpoint code calls AWS as the role",
        references=(
            pathfinding("glue-001"),
            pathfinding("glue-003"),
            pathfinding("glue-004"),
            pathfinding("glue-005"),
            pathfinding("glue-006"),
            pathfinding("glue-007"),
            RHINO,
            iam_vulnerable("privesc18-PassExistingRoleToNewGlueDevEndpoint.tf"),
            pmapper("glue_edges.py"),
        ),
    ),
    PassRoleService(
        id="codebuild",
        name="AWS CodeBuild",
        principals=("codebuild.amazonaws.com",),
        passed_to_service="codebuild.amazonaws.com",
        action_sets=(
            _A(
                ("codebuild:CreateProject", "codebuild:StartBuild"),
                "create a project with the role and a buildspec you control, then build",
                catalog=("codebuild-001",),
            ),
            _A(
                ("codebuild:CreateProject", "codebuild:StartBuildBatch"),
                "create a project with the role, then start a batch build",
                catalog=("codebuild-004",),
            ),
            _A(
                ("codebuild:UpdateProject", "codebuild:StartBuild"),
                "switch an existing project to the role and your buildspec, then build",
                needs="an existing CodeBuild project",
            ),
            _A(
                ("codebuild:UpdateProject", "codebuild:StartBuildBatch"),
                "switch an existing project to the role, then start a batch build",
                needs="an existing CodeBuild project",
            ),
            _A(
                (
                    "codebuild:CreateProject",
                    "codepipeline:CreatePipeline",
                    "codepipeline:StartPipelineExecution",
                ),
                "create a project with the role and run it from a new pipeline",
            ),
        ),
        associated_resource_arn=None,
        role_keys=(
            RoleKey(
                ("codebuild:CreateProject", "codebuild:UpdateProject"),
                "codebuild:serviceRole",
                "role",
            ),
        ),
        credential_access="buildspec commands run as the role (container credentials endpoint)",
        references=(
            pathfinding("codebuild-001"),
            pathfinding("codebuild-004"),
            iam_vulnerable("privesc-codeBuildCreateProjectPassRole.tf"),
            pmapper("codebuild_edges.py"),
            hacktricks("aws-codebuild-privesc/index.html"),
            hacktricks("aws-codepipeline-privesc/index.html"),
        ),
    ),
    PassRoleService(
        id="sagemaker",
        name="Amazon SageMaker AI",
        principals=("sagemaker.amazonaws.com",),
        passed_to_service="sagemaker.amazonaws.com",
        action_sets=(
            _A(
                (
                    "sagemaker:CreateNotebookInstance",
                    "sagemaker:CreatePresignedNotebookInstanceUrl",
                ),
                "create a notebook instance with the role, open it with a presigned URL",
                catalog=("sagemaker-001",),
            ),
            _A(
                ("sagemaker:CreateTrainingJob",),
                "run a training job with the role and a container or script you control",
                catalog=("sagemaker-002",),
            ),
            _A(
                ("sagemaker:CreateProcessingJob",),
                "run a processing job with the role and your entrypoint",
                catalog=("sagemaker-003",),
            ),
            _A(
                ("sagemaker:CreateHyperParameterTuningJob",),
                "run a tuning job whose training containers run as the role",
            ),
        ),
        associated_resource_arn=None,
        credential_access="notebook terminal or job code calls AWS as the role",
        references=(
            pathfinding("sagemaker-001"),
            pathfinding("sagemaker-002"),
            pathfinding("sagemaker-003"),
            iam_vulnerable("privesc-sageMakerCreateNotebookPassRole.tf"),
            iam_vulnerable("privesc-sageMakerCreateTrainingJob.tf"),
            iam_vulnerable("privesc-sageMakerCreateProcessingJob.tf"),
            pmapper("sagemaker_edges.py"),
            hacktricks("aws-sagemaker-privesc/index.html"),
        ),
    ),
    PassRoleService(
        id="ecs",
        name="Amazon ECS (EC2 and Fargate)",
        principals=("ecs-tasks.amazonaws.com",),
        passed_to_service="ecs-tasks.amazonaws.com",
        action_sets=(
            _A(
                ("ecs:CreateCluster", "ecs:RegisterTaskDefinition", "ecs:RunTask"),
                "create a cluster, register a task definition with the role, run it on Fargate",
                catalog=("ecs-002",),
            ),
            _A(
                ("ecs:CreateCluster", "ecs:RegisterTaskDefinition", "ecs:CreateService"),
                "create a cluster, register a task definition with the role, run it as a service",
                catalog=("ecs-001",),
            ),
            _A(
                (
                    "ecs:StartTask",
                    "ecs:RegisterContainerInstance",
                    "ecs:DeregisterContainerInstance",
                ),
                "register an instance you control as a container instance and start a task "
                "with the role on it",
                needs="an existing ECS task definition",
                catalog=("x-ecs-001",),
            ),
            _A(
                ("ecs:RegisterTaskDefinition", "ecs:RunTask"),
                "register a task definition with the role as task role, then run it in a "
                "cluster that exists",
                needs="an existing ECS cluster",
                catalog=("ecs-004",),
            ),
            _A(
                ("ecs:RegisterTaskDefinition", "ecs:StartTask"),
                "register a task definition with the role, start it on a container instance",
                needs="an existing ECS container instance",
                catalog=("ecs-005",),
            ),
            _A(
                ("ecs:RegisterTaskDefinition", "ecs:CreateService"),
                "register a task definition with the role, run it as a service in a cluster "
                "that exists",
                needs="an existing ECS cluster",
                catalog=("ecs-003",),
            ),
            _A(
                ("ecs:RunTask",),
                "run an existing task definition, overriding taskRoleArn and the command",
                needs="an existing ECS task definition",
                catalog=("x-ecs-002",),
            ),
            _A(
                ("ecs:StartTask",),
                "start an existing task definition with task role and command overrides",
                needs="an existing ECS task definition and container instance",
            ),
        ),
        associated_resource_arn=None,
        credential_access=(
            "the container reads credentials from 169.254.170.2$AWS_CONTAINER_CREDENTIALS_"
            "RELATIVE_URI or calls AWS as the task role"
        ),
        references=(
            pathfinding("ecs-002"),
            pathfinding("ecs-003"),
            pathfinding("ecs-004"),
            pathfinding("ecs-005"),
            pathfinding("ecs-008"),
            pathfinding("ecs-009"),
            hacktricks("aws-ecs-privesc/index.html"),
        ),
    ),
    PassRoleService(
        id="datapipeline",
        name="AWS Data Pipeline",
        principals=("datapipeline.amazonaws.com",),
        passed_to_service="datapipeline.amazonaws.com",
        action_sets=(
            _A(
                (
                    "datapipeline:CreatePipeline",
                    "datapipeline:PutPipelineDefinition",
                    "datapipeline:ActivatePipeline",
                ),
                "define a pipeline with a ShellCommandActivity using the role, then activate it",
                catalog=("datapipeline-001",),
            ),
        ),
        associated_resource_arn=None,
        credential_access=(
            "the shell command runs on a pipeline resource as the role; the service is closed "
            "to new customers (pathfinding-labs files it under end-of-life paths)"
        ),
        references=(
            pathfinding("datapipeline-001"),
            RHINO,
            iam_vulnerable("privesc21-PassExistingRoleToNewDataPipeline.tf"),
            pmapper("datapipeline_edges.py"),
            hacktricks("aws-datapipeline-privesc/index.html"),
        ),
    ),
    PassRoleService(
        id="stepfunctions",
        name="AWS Step Functions",
        principals=("states.amazonaws.com",),
        passed_to_service="states.amazonaws.com",
        action_sets=(
            _A(
                ("states:CreateStateMachine", "states:StartExecution"),
                "create a state machine with the role whose aws-sdk tasks call IAM, then start it",
                catalog=("x-states-001",),
            ),
            _A(
                ("states:CreateStateMachine", "states:StartSyncExecution"),
                "create an express state machine with the role, then run it synchronously",
                catalog=("x-states-001",),
            ),
            _A(
                ("states:TestState",),
                "test a single aws-sdk task state with --role-arn set to the role",
                catalog=("x-states-002",),
            ),
            _A(
                ("states:UpdateStateMachine",),
                "switch an existing state machine to the role and add a malicious state",
                needs="an existing Step Functions state machine",
                catalog=("x-states-003",),
            ),
        ),
        associated_resource_arn=None,
        credential_access="aws-sdk task states call any AWS API as the role",
        references=(hacktricks("aws-stepfunctions-privesc/index.html"),),
    ),
    PassRoleService(
        id="apprunner",
        name="AWS App Runner",
        principals=("tasks.apprunner.amazonaws.com",),
        passed_to_service="apprunner.amazonaws.com",
        action_sets=(
            _A(
                ("apprunner:CreateService",),
                "create a service with the role as instance role and a start command you control",
                catalog=("apprunner-001",),
            ),
            _A(
                ("apprunner:UpdateService",),
                "switch an existing service's instance role to the role and redeploy",
                needs="an existing App Runner service",
            ),
        ),
        associated_resource_arn=None,
        credential_access=(
            "StartCommand or a web shell in the container uses the instance role via the "
            "container credentials endpoint"
        ),
        references=(
            pathfinding("apprunner-001"),
            Reference(
                "Appsecco: Getting shell and data access in AWS App Runner",
                "https://blog.appsecco.com/getting-shell-and-data-access-in-aws-app-runner-3632e844bc77",
            ),
            hacktricks("aws-apprunner-privesc/index.html"),
            Reference(
                "AWS managed policy AWSAppRunnerFullAccess (PassedToService value)",
                "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSAppRunnerFullAccess.html",
            ),
        ),
    ),
    PassRoleService(
        id="batch",
        name="AWS Batch",
        principals=("ecs-tasks.amazonaws.com",),
        passed_to_service="batch.amazonaws.com",
        action_sets=(
            _A(
                ("batch:RegisterJobDefinition", "batch:SubmitJob"),
                "register a job definition with the role as jobRoleArn, submit it to a queue "
                "(add batch:CreateComputeEnvironment and batch:CreateJobQueue when none exists)",
            ),
        ),
        associated_resource_arn=None,
        credential_access=(
            "the job container runs as the job role (ECS task credentials endpoint) and can "
            "exfiltrate them or call IAM directly"
        ),
        references=(
            pathfinding("batch-001"),
            pathfinding("batch-003"),
            Reference(
                "Doyensec: Messing around with AWS Batch for privilege escalations",
                "https://blog.doyensec.com/2023/06/13/messing-around-with-aws-batch-for-privilege-escalations.html",
            ),
            hacktricks("aws-batch-privesc/index.html"),
        ),
    ),
    PassRoleService(
        id="emr",
        name="Amazon EMR",
        principals=("ec2.amazonaws.com",),
        passed_to_service="ec2.amazonaws.com",
        action_sets=(
            _A(
                ("elasticmapreduce:RunJobFlow",),
                "create a cluster with the role's instance profile as JobFlowRole and a "
                "command-runner step",
            ),
        ),
        associated_resource_arn=None,
        requires_instance_profile=True,
        credential_access=(
            "the step runs on the master node, which reads the instance profile's credentials "
            "from IMDS (an EMR service role trusting elasticmapreduce.amazonaws.com must also "
            "be passable)"
        ),
        # Amazon EMR Management Guide, "Service role for Amazon EMR (EMR role)": "the service
        # role is used to provision EC2 instances when a cluster launches" (RunJobFlow's
        # ServiceRole, passed besides the JobFlowRole instance profile).
        service_role="elasticmapreduce.amazonaws.com",
        references=(pathfinding("emr-001"), hacktricks("aws-emr-privesc/index.html")),
    ),
    PassRoleService(
        id="emr-serverless",
        name="Amazon EMR Serverless",
        principals=("emr-serverless.amazonaws.com",),
        passed_to_service="emr-serverless.amazonaws.com",
        action_sets=(
            _A(
                ("emr-serverless:CreateApplication", "emr-serverless:StartJobRun"),
                "create an application and start a job run with the role as execution role",
            ),
        ),
        associated_resource_arn=None,
        credential_access="the Spark/Hive job code calls AWS as the execution role",
        references=(
            pathfinding("emrserverless-001"),
            hacktricks("aws-emr-serverless-privesc/index.html"),
        ),
    ),
    PassRoleService(
        id="bedrock-agentcore",
        name="Amazon Bedrock AgentCore",
        principals=("bedrock-agentcore.amazonaws.com",),
        passed_to_service="bedrock-agentcore.amazonaws.com",
        action_sets=(
            _A(
                (
                    "bedrock-agentcore:CreateCodeInterpreter",
                    "bedrock-agentcore:StartCodeInterpreterSession",
                    "bedrock-agentcore:InvokeCodeInterpreter",
                ),
                "create a code interpreter with the role, start a session, run code in it",
                catalog=("bedrock-001",),
            ),
        ),
        associated_resource_arn=None,
        credential_access="code in the MicroVM reads the role's credentials from MMDS",
        references=(
            pathfinding("bedrock-001"),
            Reference(
                "Sonrai: credential exfiltration paths in AWS code interpreters",
                "https://sonraisecurity.com/blog/sandboxed-to-compromised-new-research-exposes-"
                "credential-exfiltration-paths-in-aws-code-interpreters",
            ),
            hacktricks("aws-bedrock-agentcore-privesc/index.html"),
        ),
    ),
    PassRoleService(
        id="scheduler",
        name="Amazon EventBridge Scheduler",
        principals=("scheduler.amazonaws.com",),
        passed_to_service="scheduler.amazonaws.com",
        action_sets=(
            _A(
                ("scheduler:CreateSchedule",),
                "create a schedule whose universal target calls an IAM API as the role",
            ),
            _A(
                ("scheduler:UpdateSchedule",),
                "switch an existing schedule to the role and a universal target you choose",
                needs="an existing EventBridge Scheduler schedule",
            ),
        ),
        associated_resource_arn=None,
        credential_access="the schedule's target API call runs as the role (no code needed)",
        references=(
            Reference(
                "AWS: Using identity-based policies in EventBridge Scheduler",
                "https://docs.aws.amazon.com/scheduler/latest/UserGuide/security_iam_id-based-policy-examples.html",
            ),
        ),
    ),
    PassRoleService(
        id="mwaa",
        name="Amazon Managed Workflows for Apache Airflow",
        principals=("airflow-env.amazonaws.com", "airflow.amazonaws.com"),
        passed_to_service="airflow.amazonaws.com",
        action_sets=(
            _A(
                ("airflow:CreateEnvironment",),
                "create an environment with the role as execution role and a startup script or "
                "DAG you control (plus its ec2/s3 prerequisites)",
            ),
        ),
        associated_resource_arn=None,
        credential_access="startup script and DAG tasks run as the execution role",
        references=(_labs("mwaa-001-iam-passrole+airflow-createenvironment"),),
    ),
    PassRoleService(
        id="kinesisanalytics",
        name="Amazon Managed Service for Apache Flink (Kinesis Data Analytics)",
        principals=("kinesisanalytics.amazonaws.com",),
        passed_to_service="kinesisanalytics.amazonaws.com",
        action_sets=(
            _A(
                ("kinesisanalytics:CreateApplication", "kinesisanalytics:StartApplication"),
                "create a Flink application with the role and a JAR you control, then start it",
            ),
        ),
        associated_resource_arn="arn:aws:kinesisanalytics:${Region}:${Account}:application/*",
        credential_access="the Flink job calls AWS as the service execution role",
        references=(pathfinding("kinesisanalytics-001"),),
    ),
    PassRoleService(
        id="amplify",
        name="AWS Amplify",
        principals=("amplify.amazonaws.com",),
        passed_to_service="amplify.amazonaws.com",
        action_sets=(
            _A(
                ("amplify:CreateApp", "amplify:CreateBranch", "amplify:StartJob"),
                "create an app with the role as service role and a build spec you control, "
                "then start a build",
            ),
        ),
        associated_resource_arn=None,
        credential_access="build commands run with the app's service role",
        references=(
            _labs(
                "amplify-001-iam-passrole+amplify-createapp+amplify-createbranch+amplify-startjob"
            ),
            hacktricks("aws-amplify-privesc/index.html"),
        ),
    ),
    PassRoleService(
        id="braket",
        name="Amazon Braket",
        principals=("braket.amazonaws.com",),
        passed_to_service="braket.amazonaws.com",
        action_sets=(
            _A(("braket:CreateJob",), "create a hybrid job with the role and your algorithm code"),
        ),
        associated_resource_arn=None,
        credential_access="the job container runs the algorithm script as the role",
        references=(pathfinding("braket-001"), hacktricks("aws-braket-privesc/index.html")),
    ),
    PassRoleService(
        id="gamelift",
        name="Amazon GameLift Servers",
        principals=("gamelift.amazonaws.com",),
        passed_to_service="gamelift.amazonaws.com",
        action_sets=(
            _A(
                (
                    "gamelift:CreateBuild",
                    "gamelift:RequestUploadCredentials",
                    "gamelift:CreateFleet",
                ),
                "upload a server build, then create a fleet with the role as instance role",
            ),
        ),
        associated_resource_arn=None,
        credential_access=(
            "the game server process gets the role via SHARED_CREDENTIAL_FILE on the fleet "
            "instances"
        ),
        references=(pathfinding("gamelift-001"), hacktricks("aws-gamelift/index.html")),
    ),
    PassRoleService(
        id="imagebuilder",
        name="EC2 Image Builder",
        principals=("ec2.amazonaws.com",),
        passed_to_service="ec2.amazonaws.com",
        action_sets=(
            _A(
                (
                    "imagebuilder:CreateComponent",
                    "imagebuilder:CreateImageRecipe",
                    "imagebuilder:CreateInfrastructureConfiguration",
                    "imagebuilder:CreateImage",
                ),
                "put the instance profile in an infrastructure configuration and build an image "
                "whose component runs your commands",
            ),
        ),
        associated_resource_arn=None,
        requires_instance_profile=True,
        credential_access="component commands on the build instance read IMDS credentials",
        references=(
            pathfinding("imagebuilder-001"),
            hacktricks("aws-ec2-image-builder-privesc/index.html"),
        ),
    ),
    PassRoleService(
        id="omics",
        name="AWS HealthOmics",
        principals=("omics.amazonaws.com",),
        passed_to_service="omics.amazonaws.com",
        action_sets=(
            _A(
                ("omics:CreateWorkflow", "omics:StartRun"),
                "create a workflow whose task dumps credentials, start a run with the role",
            ),
        ),
        associated_resource_arn=None,
        credential_access=(
            "the task reads the container credential endpoint and writes the credentials to S3"
        ),
        references=(pathfinding("omics-001"), hacktricks("aws-healthomics-privesc/index.html")),
    ),
    PassRoleService(
        id="cognito-identity",
        name="Amazon Cognito identity pools",
        principals=("cognito-identity.amazonaws.com",),
        passed_to_service="cognito-identity.amazonaws.com",
        action_sets=(
            _A(
                ("cognito-identity:SetIdentityPoolRoles",),
                "make the role the (unauthenticated) role of an identity pool you can use",
                needs="an existing Cognito identity pool",
            ),
            _A(
                ("cognito-identity:CreateIdentityPool", "cognito-identity:SetIdentityPoolRoles"),
                "create an identity pool allowing unauthenticated identities, set the role on it",
            ),
        ),
        associated_resource_arn=None,
        credential_access=(
            "GetId + GetCredentialsForIdentity return the role's credentials; the trust policy "
            "names cognito-identity.amazonaws.com as a Federated principal "
            "(sts:AssumeRoleWithWebIdentity), usually with an aud condition on the pool id"
        ),
        references=(
            pathfinding("cognitoidentity-001"),
            hacktricks("aws-cognito-privesc/index.html"),
        ),
    ),
    PassRoleService(
        id="codestar",
        name="AWS CodeStar (discontinued 2024)",
        principals=("codestar.amazonaws.com",),
        passed_to_service="codestar.amazonaws.com",
        action_sets=(
            _A(
                ("codestar:CreateProject",),
                "create a project with the role as service role and a toolchain template that "
                "creates IAM resources",
                catalog=("x-codestar-001",),
            ),
        ),
        associated_resource_arn=None,
        credential_access="the project's CloudFormation toolchain runs as the role",
        references=(hacktricks("aws-codestar-privesc/iam-passrole-codestar-createproject.html"),),
    ),
    PassRoleService(
        id="elasticbeanstalk",
        name="AWS Elastic Beanstalk",
        principals=("ec2.amazonaws.com",),
        passed_to_service="ec2.amazonaws.com",
        action_sets=(
            _A(
                (
                    "elasticbeanstalk:CreateApplication",
                    "elasticbeanstalk:CreateApplicationVersion",
                    "elasticbeanstalk:CreateEnvironment",
                ),
                "create an environment whose IamInstanceProfile holds the role and deploy your "
                "code (also needs S3, EC2, CloudFormation and Auto Scaling permissions)",
            ),
        ),
        associated_resource_arn=None,
        requires_instance_profile=True,
        credential_access="the deployed app runs on instances with the profile (IMDS)",
        references=(hacktricks("aws-elastic-beanstalk-privesc/index.html"),),
    ),
    PassRoleService(
        id="ssm-automation",
        name="AWS Systems Manager Automation",
        principals=("ssm.amazonaws.com",),
        passed_to_service="ssm.amazonaws.com",
        action_sets=(
            _A(
                ("ssm:CreateDocument", "ssm:StartAutomationExecution"),
                "create an Automation runbook (aws:executeAwsApi/aws:executeScript) and run it "
                "with the role as AutomationAssumeRole",
            ),
            _A(
                ("ssm:StartAutomationExecution",),
                "run an existing runbook that takes AutomationAssumeRole with the role",
            ),
        ),
        associated_resource_arn=None,
        credential_access="runbook steps call AWS as the assume role",
        references=(
            Reference(
                "AWS: Use IAM to configure roles for Automation",
                "https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-walk-security-assume.html",
            ),
        ),
    ),
    PassRoleService(
        id="athena",
        name="Amazon Athena for Apache Spark",
        principals=("athena.amazonaws.com",),
        passed_to_service="athena.amazonaws.com",
        action_sets=(
            _A(
                (
                    "athena:CreateWorkGroup",
                    "athena:StartSession",
                    "athena:StartCalculationExecution",
                ),
                "create a Spark workgroup with the role as ExecutionRole, run PySpark in a session",
            ),
        ),
        associated_resource_arn=None,
        credential_access="PySpark calculations call AWS (boto3) as the execution role",
        references=(hacktricks("aws-athena-spark-role-privesc/index.html"),),
    ),
    PassRoleService(
        id="deadline",
        name="AWS Deadline Cloud",
        principals=("credentials.deadline.amazonaws.com",),
        passed_to_service="credentials.deadline.amazonaws.com",
        action_sets=(
            _A(
                ("deadline:CreateQueue", "deadline:AssumeQueueRoleForUser"),
                "create a queue with the role, then vend its full credentials",
            ),
            _A(
                ("deadline:UpdateQueue", "deadline:AssumeQueueRoleForUser"),
                "repoint an existing queue at the role, then vend its credentials",
                needs="an existing Deadline Cloud queue",
            ),
            _A(
                (
                    "deadline:CreateFleet",
                    "deadline:CreateWorker",
                    "deadline:AssumeFleetRoleForWorker",
                ),
                "create a customer-managed fleet with the role, register a worker, vend "
                "credentials",
            ),
        ),
        associated_resource_arn=None,
        credential_access="the Assume*RoleFor* APIs return the role's credentials directly",
        references=(hacktricks("aws-deadline-cloud-privesc/index.html"),),
    ),
)


def _normalize_principal(principal: str) -> str:
    p = principal.strip().lower()
    if p.endswith(".amazonaws.com.cn"):
        p = p.removesuffix(".cn")
    return p


_BY_ID: dict[str, PassRoleService] = {s.id: s for s in SERVICES}


def _index_principals() -> dict[str, tuple[PassRoleService, ...]]:
    index: dict[str, tuple[PassRoleService, ...]] = {}
    for service in SERVICES:
        for principal in service.principals:
            index[principal] = (*index.get(principal, ()), service)
    return index


_BY_PRINCIPAL = _index_principals()


def services_by_principal(principal: str) -> tuple[PassRoleService, ...]:
    """Every row whose role trusts ``principal`` (``.amazonaws.com.cn`` form accepted)."""
    hit = _BY_PRINCIPAL.get(principal)  # the table's own spelling: most calls (Finding.key)
    return hit if hit is not None else _BY_PRINCIPAL.get(_normalize_principal(principal), ())


def service_by_principal(principal: str) -> PassRoleService | None:
    """The first row for a service principal (EC2 for ``ec2.amazonaws.com``), or ``None``.

    China-partition principals (``ec2.amazonaws.com.cn``) match their ``.amazonaws.com`` row.
    """
    rows = services_by_principal(principal)
    return rows[0] if rows else None


def service_by_id(id: str) -> PassRoleService | None:
    """The row with this id, or ``None``."""
    return _BY_ID.get(id)


def launch_actions() -> frozenset[str]:
    """Every action in any action set, lowercased (IAM action names are case-insensitive)."""
    return frozenset(a.lower() for s in SERVICES for aset in s.action_sets for a in aset.actions)
