"""``iam-explore simulate``: an offline ``aws iam simulate-custom-policy`` (and, with
``--snapshot``, ``simulate-principal-policy``) with the same option names and output shape."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from core.explain.simulate import (
    CONTEXT_KEY_TYPES,
    PolicyInput,
    Simulation,
    SimulationResult,
    build_simulation,
    run_simulation,
    simulation_json,
)
from core.model.errors import IamExploreError

EXIT_OK, EXIT_USAGE = 0, 2

_SYMBOL = {"allowed": "✔", "explicitDeny": "✖", "implicitDeny": "∅"}
_STYLE = {"allowed": "bold green", "explicitDeny": "bold red", "implicitDeny": "yellow"}

_EPILOG = """\
Every DOC/JSON value is inline JSON or file://PATH. AWS CLI shorthand syntax (Key=Value,...) is
not accepted: JSON only. Exit status: 0 whatever the decisions, 2 on bad input.

examples:
  iam-explore simulate --policy-input-list file://policy.json \\
      --action-names s3:GetObject s3:PutObject --resource-arns 'arn:aws:s3:::bucket/*'
  iam-explore simulate --policy-input-list '{"Version":"2012-10-17","Statement":[...]}' \\
      --action-names ec2:RunInstances --context-entries \\
      '[{"ContextKeyName":"aws:SourceIp","ContextKeyValues":["10.0.0.1"],"ContextKeyType":"ip"}]'
  iam-explore simulate --snapshot account.json \\
      --policy-source-arn arn:aws:iam::111122223333:user/alice --action-names iam:PassRole
"""


def register(sub: Any) -> None:
    p = sub.add_parser(
        "simulate",
        help="offline aws iam simulate-custom-policy / simulate-principal-policy",
        description=(
            "Evaluate policies for actions on resources, offline, like "
            "`aws iam simulate-custom-policy`. One result per action x resource."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--policy-input-list",
        nargs="+",
        action="extend",
        default=[],
        metavar="DOC",
        help="identity-based policy documents (JSON or file://PATH); with --snapshot, extra "
        "policies added to the principal's own",
    )
    p.add_argument(
        "--permissions-boundary-policy-input-list",
        nargs="+",
        action="extend",
        default=[],
        metavar="DOC",
        help="the permissions boundary (one document, as in AWS); replaces the principal's",
    )
    p.add_argument("--resource-policy", metavar="DOC", help="resource-based policy document")
    p.add_argument(
        "--action-names",
        nargs="+",
        action="extend",
        required=True,
        metavar="NAME",
        help="actions to simulate, e.g. s3:GetObject",
    )
    p.add_argument(
        "--resource-arns",
        nargs="+",
        action="extend",
        metavar="ARN",
        help="resources to simulate (default: *)",
    )
    p.add_argument(
        "--caller-arn",
        metavar="ARN",
        help="the calling principal; sets aws:PrincipalArn (and aws:username for a user ARN); "
        "required with --resource-policy",
    )
    p.add_argument(
        "--resource-owner",
        metavar="ARN",
        help="owner of resources whose ARN names no account (arn:aws:iam::ACCOUNT:root); a "
        "resource in another account than the caller's is allowed only when a resource-based "
        "policy shares it",
    )
    p.add_argument(
        "--context-entries",
        metavar="JSON",
        help='[{"ContextKeyName":..., "ContextKeyValues":[...], "ContextKeyType":...}], types: '
        + ", ".join(CONTEXT_KEY_TYPES)
        + ". Keys not given are absent.",
    )
    p.add_argument(
        "--scp-levels",
        metavar="JSON",
        help="(iam-explore) SCPs per organization level, root first: a list of levels, each a "
        "list of policy documents or a single document",
    )
    p.add_argument("--snapshot", metavar="FILE", help="account snapshot (authorization details)")
    p.add_argument(
        "--policy-source-arn",
        metavar="ARN",
        help="with --snapshot: the user or role whose policies, groups, boundary and SCPs apply",
    )
    p.add_argument(
        "--output",
        choices=("json", "table", "text"),
        help="default: table on a terminal, json otherwise",
    )
    p.add_argument(
        "--explain", action="store_true", help="also show non-matching statements and why"
    )
    p.add_argument(
        "--max-results",
        type=int,
        metavar="N",
        help=f"refuse more than N action x resource results (default {MAX_PAIRS:,})",
    )
    p.set_defaults(func=run)


# AWS's own limits for SimulateCustomPolicy / SimulatePrincipalPolicy (IAM API reference,
# "Length Constraints": ActionNames items 3-128 characters, ResourceArns items and CallerArn
# 1-2048, ContextKeyName 5-256). The API sets no count limit but answers at most 1,000 results
# per page (MaxItems); iam-explore evaluates every pair at once, so it caps the pairs.
ACTION_NAME_LENGTH = (3, 128)
RESOURCE_ARN_LENGTH = (1, 2048)
MAX_PAIRS = 10_000
"""Default cap on actions x resources (``--max-results`` raises it)."""


def check_limits(args: argparse.Namespace) -> None:
    """Refuse a request beyond AWS's limits (or the result cap) with one line."""
    from tui.safe_text import safe

    def length(option: str, values: list[str], bounds: tuple[int, int]) -> None:
        low, high = bounds
        for value in values:
            if not low <= len(value) <= high:
                raise IamExploreError(
                    f"{option}: {safe(value, 60)!r} is {len(value):,} characters; AWS accepts "
                    f"{low} to {high}"
                )

    length("--action-names", args.action_names, ACTION_NAME_LENGTH)
    length("--resource-arns", args.resource_arns or [], RESOURCE_ARN_LENGTH)
    for option in ("caller_arn", "resource_owner"):
        value = getattr(args, option, None)
        if value is not None:
            length(f"--{option.replace('_', '-')}", [value], RESOURCE_ARN_LENGTH)
    pairs = len(args.action_names) * max(1, len(args.resource_arns or ()))
    cap = getattr(args, "max_results", None) or MAX_PAIRS
    if pairs > cap:
        raise IamExploreError(
            f"{len(args.action_names):,} actions x {len(args.resource_arns or ()):,} resources is "
            f"{pairs:,} results, over the limit of {cap:,}: split the request or raise "
            "--max-results"
        )


def run(args: argparse.Namespace) -> int:
    """Run the simulation; ``IamExploreError`` propagates to the CLI (one line, exit 2)."""
    check_limits(args)
    account = None
    if args.snapshot:
        from core.load.snapshot import load_account

        account = load_account(args.snapshot)
    sim = build_simulation(
        action_names=args.action_names,
        resource_arns=args.resource_arns or ("*",),
        policy_input_list=args.policy_input_list,
        permissions_boundary_policy_input_list=args.permissions_boundary_policy_input_list,
        resource_policy=args.resource_policy,
        caller_arn=args.caller_arn,
        resource_owner=args.resource_owner,
        context_entries=args.context_entries,
        scp_levels_arg=args.scp_levels,
        account=account,
        policy_source_arn=args.policy_source_arn,
    )
    results = run_simulation(sim, explain=args.explain)
    output = args.output or ("table" if sys.stdout.isatty() else "json")
    if output == "json":
        print(json.dumps(simulation_json(sim, results, explain=args.explain), indent=2))
    else:
        render(sim, results, table=output == "table", explain=args.explain)
    return EXIT_OK


def _where(src: PolicyInput | None, fallback: str, label: str) -> str:
    return f"{src.source_id if src else fallback} {label}"


def render(
    sim: Simulation, results: tuple[SimulationResult, ...], *, table: bool, explain: bool
) -> None:
    """Table or plain-text rendering with rich (colour and a symbol per decision)."""
    from rich.table import Table
    from rich.text import Text

    from tui.safe_text import LIMIT, safe, safe_text
    from tui.safe_text import console as make_console

    console = make_console()
    index = {id(p.ref): p for p in sim.inputs}

    def cite(ref: Any) -> str:
        return safe(_where(index.get(id(ref.policy)), ref.policy.name, ref.statement.label))

    def decision_text(r: SimulationResult) -> Text:
        word = r.decision.decision
        return Text(f"{_SYMBOL[word]} {word}", style=_STYLE[word])

    def details(r: SimulationResult) -> list[str]:
        lines = [cite(s) for s in r.matched] or [safe(r.decision.summary(), 3 * LIMIT)]
        if r.allowed_by_boundary is False:
            lines.append("not allowed by the permissions boundary")
        if r.allowed_by_organizations is False:
            lines.append("not allowed by the SCPs")
        if r.missing_context:
            lines.append(safe("missing context: " + ", ".join(r.missing_context), 3 * LIMIT))
        return lines

    def explain_lines(r: SimulationResult) -> list[str]:
        lines = [f"{cite(m.ref)}: {safe(m.reason, 3 * LIMIT)}" for m in r.decision.misses]
        return lines or ["(no other statement names this action's service)"]

    if table:
        t = Table()
        t.add_column("Action", no_wrap=True)
        t.add_column("Resource", overflow="fold")
        t.add_column("Decision", no_wrap=True)
        t.add_column("Deciding statements", overflow="fold")
        for r in results:
            t.add_row(
                safe_text(r.decision.action),
                safe_text(r.decision.resource),
                decision_text(r),
                Text("\n".join(details(r))),
            )
        console.print(t)
        if explain:
            for r in results:
                head = decision_text(r)
                head.append(
                    f"  {safe(r.decision.action)}  {safe(r.decision.resource)}", style="bold"
                )
                head.append("  not matching:", style="")
                console.print(head)
                for line in explain_lines(r):
                    console.print(f"    {line}", markup=False)
        return
    for r in results:
        row = decision_text(r)
        row.append(f"  {safe(r.decision.action)}  {safe(r.decision.resource)}", style="")
        console.print(row)
        for d in details(r):
            console.print(f"    {d}", markup=False)
        if explain:
            for m in explain_lines(r):
                console.print(f"    not matching: {m}", markup=False)
