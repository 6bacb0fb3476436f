"""Escalation methods other than passing a role: the table behind non-PassRole edges.

Each row names the actions needed together, the resource the first action is checked on (as an
ARN template) and what the caller gains. Adding a method is adding a row (STYLE.md, practice 3).

Ids: lowercase kebab-case naming the IAM/STS action for IAM methods (``create-policy-version``,
``attach-role-policy``) and ``<service>-<action>`` for taking over an existing resource that
already runs as a role (``ssm-send-command``, ``lambda-update-function-code``). Ids are stable:
scan output and SARIF rule ids use them.

``resource_arn`` placeholders come from ``{Account, UserName, GroupName, RoleName, RoleArn,
UserArn, GroupArn, PolicyArn, SelfArn}``; a literal ``*`` marks a part (region, resource name)
that is not known from the IAM model alone. For existing-resource methods, ``target="role"`` is
the role that resource runs as (instance profile role, function role, stack service role...).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from core.escalate.tables.services import (
    BISHOPFOX,
    HACKINGTHECLOUD,
    RHINO,
    Reference,
    hacktricks,
    iam_vulnerable,
    pathfinding,
    pmapper,
)

Target = Literal["self", "user", "group", "role", "policy"]
Outcome = Literal[
    "policy-write", "policy-remove", "become-user", "become-role", "join-group", "service-grant"
]


@dataclass(frozen=True, slots=True)
class EscalationMethod:
    """One way to gain privileges without passing a role.

    Attributes:
        id: stable id (see the module docstring).
        title: short display title.
        actions: every action needed, the first being the one checked on ``resource_arn``.
        target: the resource kind the first action acts on (``self``: the caller's own entity).
        outcome: ``policy-write`` (can set the target's permissions), ``policy-remove`` (can
            remove a policy, so a Deny in it stops applying), ``become-user`` (gets the
            user's credentials), ``become-role`` (acts as the role), ``join-group``,
            ``service-grant`` (a service grants the caller permissions IAM data cannot show).
        resource_arn: ARN template of the resource the first action is checked on.
        description: what the attacker does, in one or two sentences.
        references: public pages documenting the method.
        catalog: ids of the rows of the escalation catalogue (``ESCALATION-CATALOG.md``:
            pathfinding.cloud ids, ``x-`` ids for the others) this row covers.
        needs: what the method needs that IAM data does not show (key or password state, a
            service that still accepts requests): its edges are conditional on it.
    """

    id: str
    title: str
    actions: tuple[str, ...]
    target: Target
    outcome: Outcome
    resource_arn: str
    description: str
    references: tuple[Reference, ...]
    catalog: tuple[str, ...] = ()
    needs: str = ""


USER_ARN = "arn:aws:iam::${Account}:user/${UserName}"
GROUP_ARN = "arn:aws:iam::${Account}:group/${GroupName}"
ROLE_ARN = "${RoleArn}"
POLICY_ARN = "${PolicyArn}"

_M = EscalationMethod

METHODS: tuple[EscalationMethod, ...] = (
    # --- rewriting permissions -------------------------------------------------------------
    _M(
        id="create-policy-version",
        title="Create a new default version of a managed policy",
        actions=("iam:CreatePolicyVersion",),
        target="policy",
        outcome="policy-write",
        resource_arn=POLICY_ARN,
        description=(
            "Publish a new version with --set-as-default of a customer managed policy attached "
            "to yourself, or to a user, group or role you can become, granting anything."
        ),
        references=(
            pathfinding("iam-001"),
            pathfinding("iam-016"),
            pathfinding("iam-020"),
            RHINO,
            BISHOPFOX,
            HACKINGTHECLOUD,
            iam_vulnerable("privesc1-CreateNewPolicyVersion.tf"),
        ),
        catalog=("iam-001", "iam-016", "iam-020"),
    ),
    _M(
        id="set-default-policy-version",
        title="Roll a managed policy back to a more permissive version",
        actions=("iam:SetDefaultPolicyVersion",),
        target="policy",
        outcome="policy-write",
        resource_arn=POLICY_ARN,
        description=(
            "Make an existing non-default version the default; escalates only when an older "
            "version of a policy you are subject to grants more."
        ),
        references=(RHINO, iam_vulnerable("privesc2-SetExistingDefaultPolicyVersion.tf")),
        catalog=("x-iam-001",),
    ),
    _M(
        id="attach-user-policy",
        title="Attach a managed policy to a user",
        actions=("iam:AttachUserPolicy",),
        target="user",
        outcome="policy-write",
        resource_arn=USER_ARN,
        description=(
            "Attach AdministratorAccess (or any managed policy) to yourself or to a user whose "
            "credentials you can get."
        ),
        references=(
            pathfinding("iam-008"),
            pathfinding("iam-015"),
            RHINO,
            iam_vulnerable("privesc7-AttachUserPolicy.tf"),
            pmapper("iam_edges.py"),
        ),
        catalog=("iam-008", "iam-015"),
    ),
    _M(
        id="attach-group-policy",
        title="Attach a managed policy to a group",
        actions=("iam:AttachGroupPolicy",),
        target="group",
        outcome="policy-write",
        resource_arn=GROUP_ARN,
        description="Attach AdministratorAccess to a group you are (or can become) a member of.",
        references=(
            pathfinding("iam-010"),
            RHINO,
            iam_vulnerable("privesc8-AttachGroupPolicy.tf"),
        ),
        catalog=("iam-010",),
    ),
    _M(
        id="attach-role-policy",
        title="Attach a managed policy to a role",
        actions=("iam:AttachRolePolicy",),
        target="role",
        outcome="policy-write",
        resource_arn=ROLE_ARN,
        description="Attach AdministratorAccess to your own role or to a role you can assume.",
        references=(
            pathfinding("iam-009"),
            pathfinding("iam-014"),
            pathfinding("iam-019"),
            RHINO,
            iam_vulnerable("privesc9-AttachRolePolicy.tf"),
            pmapper("iam_edges.py"),
        ),
        catalog=("iam-009", "iam-014", "iam-019"),
    ),
    _M(
        id="put-user-policy",
        title="Write an inline policy on a user",
        actions=("iam:PutUserPolicy",),
        target="user",
        outcome="policy-write",
        resource_arn=USER_ARN,
        description="Add an inline policy allowing anything to yourself or a user you can become.",
        references=(
            pathfinding("iam-007"),
            pathfinding("iam-018"),
            RHINO,
            iam_vulnerable("privesc10-PutUserPolicy.tf"),
        ),
        catalog=("iam-007", "iam-018"),
    ),
    _M(
        id="put-group-policy",
        title="Write an inline policy on a group",
        actions=("iam:PutGroupPolicy",),
        target="group",
        outcome="policy-write",
        resource_arn=GROUP_ARN,
        description="Add an inline policy allowing anything to a group you are a member of.",
        references=(
            pathfinding("iam-011"),
            RHINO,
            iam_vulnerable("privesc11-PutGroupPolicy.tf"),
        ),
        catalog=("iam-011",),
    ),
    _M(
        id="put-role-policy",
        title="Write an inline policy on a role",
        actions=("iam:PutRolePolicy",),
        target="role",
        outcome="policy-write",
        resource_arn=ROLE_ARN,
        description="Add an inline policy allowing anything to your own role or one you assume.",
        references=(
            pathfinding("iam-005"),
            pathfinding("iam-017"),
            pathfinding("iam-021"),
            RHINO,
            iam_vulnerable("privesc12-PutRolePolicy.tf"),
            pmapper("iam_edges.py"),
        ),
        catalog=("iam-005", "iam-017", "iam-021"),
    ),
    _M(
        id="add-user-to-group",
        title="Add a user to a group",
        actions=("iam:AddUserToGroup",),
        target="group",
        outcome="join-group",
        resource_arn=GROUP_ARN,
        description="Add yourself (or a user you control) to a more privileged group.",
        references=(
            pathfinding("iam-013"),
            RHINO,
            iam_vulnerable("privesc13-AddUserToGroup.tf"),
        ),
        catalog=("iam-013",),
    ),
    _M(
        id="delete-user-permissions-boundary",
        title="Remove a user's permissions boundary",
        actions=("iam:DeleteUserPermissionsBoundary",),
        target="user",
        outcome="policy-write",
        resource_arn=USER_ARN,
        description=(
            "Remove the boundary that caps a user, so every action its identity policies "
            "allow becomes effective (AWS warns this can increase its permissions)."
        ),
        references=(
            Reference(
                "AWS IAM API: DeleteUserPermissionsBoundary",
                "https://docs.aws.amazon.com/goto/WebAPI/iam/DeleteUserPermissionsBoundary",
            ),
        ),
        catalog=("x-iam-002",),
    ),
    _M(
        id="delete-role-permissions-boundary",
        title="Remove a role's permissions boundary",
        actions=("iam:DeleteRolePermissionsBoundary",),
        target="role",
        outcome="policy-write",
        resource_arn=ROLE_ARN,
        description=(
            "Remove the boundary that caps a role you are or can assume, uncapping its "
            "identity policies."
        ),
        references=(
            Reference(
                "AWS IAM API: DeleteRolePermissionsBoundary",
                "https://docs.aws.amazon.com/goto/WebAPI/iam/DeleteRolePermissionsBoundary",
            ),
        ),
        catalog=("x-iam-002",),
    ),
    _M(
        id="put-user-permissions-boundary",
        title="Replace a user's permissions boundary",
        actions=("iam:PutUserPermissionsBoundary",),
        target="user",
        outcome="policy-write",
        resource_arn=USER_ARN,
        description="Set a permissive managed policy (for example AdministratorAccess) as the "
        "user's boundary, lifting the cap its old boundary imposed.",
        references=(
            Reference(
                "AWS IAM API: PutUserPermissionsBoundary",
                "https://docs.aws.amazon.com/goto/WebAPI/iam/PutUserPermissionsBoundary",
            ),
        ),
        catalog=("x-iam-002",),
    ),
    _M(
        id="put-role-permissions-boundary",
        title="Replace a role's permissions boundary",
        actions=("iam:PutRolePermissionsBoundary",),
        target="role",
        outcome="policy-write",
        resource_arn=ROLE_ARN,
        description="Set a permissive managed policy as the role's boundary, lifting its cap.",
        references=(
            Reference(
                "AWS IAM API: PutRolePermissionsBoundary",
                "https://docs.aws.amazon.com/goto/WebAPI/iam/PutRolePermissionsBoundary",
            ),
        ),
        catalog=("x-iam-002",),
    ),
    # --- getting another principal's credentials ----------------------------------------------
    _M(
        id="create-access-key",
        title="Create an access key for another user",
        actions=("iam:CreateAccessKey",),
        target="user",
        outcome="become-user",
        resource_arn=USER_ARN,
        description="Create an access key for a user who has fewer than two keys and use it.",
        references=(
            pathfinding("iam-002"),
            RHINO,
            iam_vulnerable("privesc4-CreateAccessKey.tf"),
            pmapper("iam_edges.py"),
        ),
        catalog=("iam-002",),
        needs="the user has fewer than two access keys (not in the snapshot)",
    ),
    _M(
        id="delete-and-create-access-key",
        title="Delete one of a user's access keys, then create a new one",
        actions=("iam:DeleteAccessKey", "iam:CreateAccessKey"),
        target="user",
        outcome="become-user",
        resource_arn=USER_ARN,
        description="Make room under the two-key limit by deleting a key, then create your own.",
        references=(pathfinding("iam-003"),),
        catalog=("iam-003",),
    ),
    _M(
        id="create-login-profile",
        title="Give a user a console password",
        actions=("iam:CreateLoginProfile",),
        target="user",
        outcome="become-user",
        resource_arn=USER_ARN,
        description="Create a console password for a user who has none, then sign in as them.",
        references=(
            pathfinding("iam-004"),
            RHINO,
            iam_vulnerable("privesc5-CreateLoginProfile.tf"),
            pmapper("iam_edges.py"),
        ),
        catalog=("iam-004",),
        needs="the user has no console password yet (not in the snapshot)",
    ),
    _M(
        id="update-login-profile",
        title="Reset a user's console password",
        actions=("iam:UpdateLoginProfile",),
        target="user",
        outcome="become-user",
        resource_arn=USER_ARN,
        description="Change an existing user's console password and sign in as them.",
        references=(
            pathfinding("iam-006"),
            RHINO,
            iam_vulnerable("privesc6-UpdateLoginProfile.tf"),
            pmapper("iam_edges.py"),
        ),
        catalog=("iam-006",),
        needs="the user has a console password (not in the snapshot)",
    ),
    # --- becoming a role ---------------------------------------------------------------------
    _M(
        id="update-assume-role-policy",
        title="Rewrite a role's trust policy, then assume it",
        actions=("iam:UpdateAssumeRolePolicy", "sts:AssumeRole"),
        target="role",
        outcome="become-role",
        resource_arn=ROLE_ARN,
        description="Make the role trust you, then call sts:AssumeRole on it.",
        references=(
            pathfinding("iam-012"),
            RHINO,
            HACKINGTHECLOUD,
            iam_vulnerable("privesc14-UpdatingAssumeRolePolicy.tf"),
            pmapper("iam_edges.py"),
        ),
        catalog=("iam-012",),
    ),
    _M(
        id="assume-role",
        title="Assume a role that trusts you",
        actions=("sts:AssumeRole",),
        target="role",
        outcome="become-role",
        resource_arn=ROLE_ARN,
        description=(
            "The role's trust policy allows you (or your account, with your identity policy "
            "allowing sts:AssumeRole on it)."
        ),
        references=(
            pathfinding("sts-001"),
            iam_vulnerable("privesc-AssumeRole.tf"),
            pmapper("sts_edges.py"),
        ),
        catalog=("sts-001",),
    ),
    # --- taking over an existing resource that runs as a role ---------------------------------
    _M(
        id="ssm-send-command",
        title="Run commands on an instance through SSM",
        actions=("ssm:SendCommand",),
        target="role",
        outcome="become-role",
        resource_arn="arn:aws:ec2:*:${Account}:instance/*",
        description=(
            "Run a shell command on a managed instance whose instance profile holds the role "
            "and read the role's credentials from IMDS."
        ),
        references=(
            pathfinding("ssm-002"),
            iam_vulnerable("privesc-ssmSendCommand.tf"),
            pmapper("ssm_edges.py"),
        ),
        catalog=("ssm-002",),
    ),
    _M(
        id="ssm-start-session",
        title="Open an SSM session on an instance",
        actions=("ssm:StartSession",),
        target="role",
        outcome="become-role",
        resource_arn="arn:aws:ec2:*:${Account}:instance/*",
        description=(
            "Get a shell on a managed instance whose instance profile holds the role and read "
            "its credentials from IMDS."
        ),
        references=(
            pathfinding("ssm-001"),
            iam_vulnerable("privesc-ssmStartSession.tf"),
            pmapper("ssm_edges.py"),
        ),
        catalog=("ssm-001",),
    ),
    _M(
        id="ec2-instance-connect-send-ssh-public-key",
        title="Push an SSH key to an instance with EC2 Instance Connect",
        actions=("ec2-instance-connect:SendSSHPublicKey",),
        target="role",
        outcome="become-role",
        resource_arn="arn:aws:ec2:*:${Account}:instance/*",
        description="SSH into an instance whose profile holds the role and read IMDS.",
        references=(
            pathfinding("ec2instanceconnect-003"),
            iam_vulnerable("privesc-ec2InstanceConnect.tf"),
        ),
        catalog=("ec2instanceconnect-003",),
    ),
    _M(
        id="lambda-update-function-code",
        title="Replace the code of a function that runs as the role",
        actions=("lambda:UpdateFunctionCode",),
        target="role",
        outcome="become-role",
        resource_arn="arn:aws:lambda:*:${Account}:function:*",
        description=(
            "Upload code that acts as the function's execution role; it runs on the next "
            "invocation (yours with lambda:InvokeFunction, or a normal trigger)."
        ),
        references=(
            pathfinding("lambda-003"),
            pathfinding("lambda-004"),
            pathfinding("lambda-005"),
            RHINO,
            iam_vulnerable("privesc17-EditExistingLambdaFunctionWithRole.tf"),
            pmapper("lambda_edges.py"),
        ),
        catalog=("lambda-003", "lambda-004", "lambda-005"),
    ),
    _M(
        id="glue-update-dev-endpoint",
        title="Add your SSH key to a Glue dev endpoint",
        actions=("glue:UpdateDevEndpoint",),
        target="role",
        outcome="become-role",
        resource_arn="arn:aws:glue:*:${Account}:devEndpoint/*",
        description="Add a public key to an existing dev endpoint, SSH in, act as its role.",
        references=(
            pathfinding("glue-002"),
            RHINO,
            iam_vulnerable("privesc19-UpdateExistingGlueDevEndpoint.tf"),
            pmapper("glue_edges.py"),
        ),
        catalog=("glue-002",),
    ),
    _M(
        id="codebuild-start-build",
        title="Start a build of an existing project with a buildspec override",
        actions=("codebuild:StartBuild",),
        target="role",
        outcome="become-role",
        resource_arn="arn:aws:codebuild:*:${Account}:project/*",
        description="Override the buildspec so the project's service role runs your commands.",
        references=(pathfinding("codebuild-002"), hacktricks("aws-codebuild-privesc/index.html")),
        catalog=("codebuild-002",),
    ),
    _M(
        id="codebuild-start-build-batch",
        title="Start a batch build of an existing project with a buildspec override",
        actions=("codebuild:StartBuildBatch",),
        target="role",
        outcome="become-role",
        resource_arn="arn:aws:codebuild:*:${Account}:project/*",
        description="Same as codebuild-start-build through the batch build API.",
        references=(pathfinding("codebuild-003"),),
        catalog=("codebuild-003",),
    ),
    _M(
        id="cloudformation-update-stack",
        title="Update a stack that has a service role",
        actions=("cloudformation:UpdateStack",),
        target="role",
        outcome="become-role",
        resource_arn="arn:aws:cloudformation:*:${Account}:stack/*",
        description=(
            "Change the template of a stack whose stored service role is privileged; the "
            "stack creates IAM resources for you as that role."
        ),
        references=(
            pathfinding("cloudformation-002"),
            iam_vulnerable("privesc-cloudFormationUpdateStack.tf"),
        ),
        catalog=("cloudformation-002",),
    ),
    _M(
        id="cloudformation-change-set",
        title="Create and execute a change set on a stack that has a service role",
        actions=("cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"),
        target="role",
        outcome="become-role",
        resource_arn="arn:aws:cloudformation:*:${Account}:stack/*",
        description="Change-set variant of cloudformation-update-stack (uses the stack's role).",
        references=(pathfinding("cloudformation-005"),),
        catalog=("cloudformation-005",),
    ),
    _M(
        id="sagemaker-create-presigned-notebook-instance-url",
        title="Open an existing notebook instance",
        actions=("sagemaker:CreatePresignedNotebookInstanceUrl",),
        target="role",
        outcome="become-role",
        resource_arn="arn:aws:sagemaker:*:${Account}:notebook-instance/*",
        description="Get a presigned Jupyter URL and run code as the notebook's role.",
        references=(
            pathfinding("sagemaker-004"),
            iam_vulnerable("privesc-sageMakerCreatePresignedNotebookURL.tf"),
        ),
        catalog=("sagemaker-004",),
    ),
    _M(
        id="ecs-execute-command",
        title="Exec into a running ECS task",
        actions=("ecs:ExecuteCommand", "ecs:DescribeTasks"),
        target="role",
        outcome="become-role",
        resource_arn="arn:aws:ecs:*:${Account}:task/*",
        description="Open a shell in a task (ECS Exec enabled) and read its task role credentials.",
        references=(pathfinding("ecs-006"),),
        catalog=("x-ecs-003",),
    ),
    _M(
        id="bedrock-agentcore-invoke-code-interpreter",
        title="Run code in an existing AgentCore code interpreter",
        actions=(
            "bedrock-agentcore:StartCodeInterpreterSession",
            "bedrock-agentcore:InvokeCodeInterpreter",
        ),
        target="role",
        outcome="become-role",
        resource_arn="arn:aws:bedrock-agentcore:*:${Account}:code-interpreter/*",
        description="Start a session on an interpreter with a role and read the role from MMDS.",
        references=(pathfinding("bedrock-002"),),
        catalog=("bedrock-002",),
    ),
    _M(
        id="apprunner-update-service",
        title="Change the start command of an existing App Runner service",
        actions=("apprunner:UpdateService",),
        target="role",
        outcome="become-role",
        resource_arn="arn:aws:apprunner:*:${Account}:service/*",
        description="Redeploy a service with your command; it runs as the service's instance role.",
        references=(pathfinding("apprunner-002"),),
        catalog=("apprunner-002",),
    ),
    # --- removing a Deny ------------------------------------------------------------------
    _M(
        id="delete-user-policy",
        title="Delete a user's inline policy that denies",
        actions=("iam:DeleteUserPolicy",),
        target="user",
        outcome="policy-remove",
        resource_arn=USER_ARN,
        description=(
            "Delete an inline policy of your own whose Deny statements hold back what your "
            "other policies allow."
        ),
        references=(HACKINGTHECLOUD,),
        catalog=("x-iam-003",),
    ),
    _M(
        id="delete-role-policy",
        title="Delete a role's inline policy that denies",
        actions=("iam:DeleteRolePolicy",),
        target="role",
        outcome="policy-remove",
        resource_arn=ROLE_ARN,
        description="Delete an inline policy of your own role whose Deny statements limit it.",
        references=(HACKINGTHECLOUD,),
        catalog=("x-iam-003",),
    ),
    _M(
        id="detach-user-policy",
        title="Detach a managed policy that denies from a user",
        actions=("iam:DetachUserPolicy",),
        target="user",
        outcome="policy-remove",
        resource_arn=USER_ARN,
        description="Detach a managed policy with Deny statements from yourself.",
        references=(HACKINGTHECLOUD,),
        catalog=("x-iam-003",),
    ),
    _M(
        id="detach-role-policy",
        title="Detach a managed policy that denies from a role",
        actions=("iam:DetachRolePolicy",),
        target="role",
        outcome="policy-remove",
        resource_arn=ROLE_ARN,
        description="Detach a managed policy with Deny statements from your own role.",
        references=(HACKINGTHECLOUD,),
        catalog=("x-iam-003",),
    ),
    # --- more existing resources ------------------------------------------------------------
    _M(
        id="lambda-update-function-configuration",
        title="Add a layer you control to a function that runs as the role",
        actions=("lambda:UpdateFunctionConfiguration",),
        target="role",
        outcome="become-role",
        resource_arn="arn:aws:lambda:*:${Account}:function:*",
        description=(
            "Attach a malicious layer (or change the handler's environment) of an existing "
            "function; its code runs as the function's execution role on the next invocation."
        ),
        references=(RHINO, HACKINGTHECLOUD),
        catalog=("x-lambda-001",),
    ),
    _M(
        id="ec2-modify-instance-attribute",
        title="Rewrite a stopped instance's user data, then start it",
        actions=("ec2:ModifyInstanceAttribute", "ec2:StopInstances", "ec2:StartInstances"),
        target="role",
        outcome="become-role",
        resource_arn="arn:aws:ec2:*:${Account}:instance/*",
        description=(
            "Stop an instance whose profile holds the role, replace its userData with a "
            "script, start it: the script runs at boot and reads the role from IMDS."
        ),
        references=(pathfinding("ec2-002"),),
        catalog=("ec2-002",),
    ),
    _M(
        id="ec2-create-launch-template-version",
        title="Publish a new default version of a launch template",
        actions=("ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate"),
        target="role",
        outcome="become-role",
        resource_arn="arn:aws:ec2:*:${Account}:launch-template/*",
        description=(
            "Add user data to a launch template whose instance profile holds the role and "
            "make it the default; the next instance launched from it (an Auto Scaling group "
            "scaling out) runs your script as the role."
        ),
        references=(pathfinding("ec2-004"),),
        catalog=("ec2-004",),
    ),
    _M(
        id="sagemaker-notebook-lifecycle-config",
        title="Swap a notebook instance's lifecycle configuration",
        actions=(
            "sagemaker:CreateNotebookInstanceLifecycleConfig",
            "sagemaker:StopNotebookInstance",
            "sagemaker:UpdateNotebookInstance",
            "sagemaker:StartNotebookInstance",
        ),
        target="role",
        outcome="become-role",
        resource_arn="arn:aws:sagemaker:*:${Account}:notebook-instance/*",
        description=(
            "Create a lifecycle configuration with your script, attach it to a stopped "
            "notebook instance and start it: the script runs as the notebook's role."
        ),
        references=(pathfinding("sagemaker-005"),),
        catalog=("sagemaker-005",),
    ),
    # --- services that grant the caller permissions -----------------------------------------
    _M(
        id="codestar-create-project-from-template",
        title="Create a CodeStar project from a template",
        actions=("codestar:CreateProjectFromTemplate",),
        target="self",
        outcome="service-grant",
        resource_arn="arn:aws:codestar:*:${Account}:project/*",
        description=(
            "The undocumented API creates a project whose owner policies CodeStar attaches "
            "to the caller, granting it the project's resources and roles."
        ),
        references=(RHINO,),
        catalog=("x-codestar-002",),
        needs="the discontinued CodeStar service still accepts requests in the account",
    ),
    _M(
        id="codestar-associate-team-member",
        title="Create a CodeStar project and join it as a team member",
        actions=("codestar:CreateProject", "codestar:AssociateTeamMember"),
        target="self",
        outcome="service-grant",
        resource_arn="arn:aws:codestar:*:${Account}:project/*",
        description=(
            "Create a project, then associate yourself as its owner: CodeStar attaches the "
            "project's owner policy to you (not admin by itself)."
        ),
        references=(RHINO, HACKINGTHECLOUD),
        catalog=("x-codestar-003",),
        needs="the discontinued CodeStar service still accepts requests in the account",
    ),
)

_BY_ID: dict[str, EscalationMethod] = {m.id: m for m in METHODS}


def method_by_id(id: str) -> EscalationMethod | None:
    """The method with this id, or ``None``."""
    return _BY_ID.get(id)
