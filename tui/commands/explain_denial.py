"""``iam-explore explain-denial``: explain an AWS "not authorized" message and its fix.

Reads the decoded JSON of ``aws sts decode-authorization-message`` (or decodes ``--encoded``
live), re-evaluates the request against a snapshot or a live account, and prints who was denied,
what, why, the least-privilege fix and what that fix would cause. The logic is in
:mod:`core.explain.denial`; this module parses arguments, reads input and renders.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from core.explain.denial import DenialError, DenialExplanation, explain_denial, parse_message
from core.model.account import Account
from core.model.errors import IamExploreError
from tui.escalation_style import style_of

EXIT_OK = 0

_EPILOG = """\
MESSAGE_FILE holds the output of `aws sts decode-authorization-message` (the
{"DecodedMessage": "..."} wrapper or the bare decoded object); "-" or nothing reads stdin.
With --profile, --encoded TEXT decodes the message live through sts:DecodeAuthorizationMessage
(read-only); the account is the --snapshot when given, else it is fetched live (read-only).

blocked_by: no-allow (no statement allows it), explicit-deny (a Deny in an identity policy),
permissions-boundary (the boundary does not allow or denies it), scp (an SCP level does not
allow or denies it). Only no-allow has a fix policy; otherwise fix.instead says what must change.

--format json prints one object:
  principal, action, resource   the denied request
  blocked_by                    no-allow | explicit-deny | permissions-boundary | scp
  statements                    statements involved: {layer, policy, policy_arn, attachment,
                                level, statement, sid, effect}
  explanation                   plain words (paragraphs separated by blank lines)
  fix                           {"policy": document|null, "instead": text|null,
                                 "policy_name": text|null}
  consequences                  findings the fix creates, in the scan finding shape
  becomes_admin                 true when the fix makes the principal admin-equivalent
  admin_sentence                how (text|null)
  safer_alternatives            role ARNs the same service trusts that do not lead to admin,
                                least gained capabilities first
  notes                         cross-checks with the message, inferences

Exit status: 0 explained, 2 bad input (one line on stderr).

examples:
  aws sts decode-authorization-message --encoded-message "$MSG" > denied.json
  iam-explore explain-denial denied.json --snapshot account.json
  iam-explore explain-denial --profile prod --encoded "$MSG" --format json
"""


def register(sub: Any) -> None:
    p = sub.add_parser(
        "explain-denial",
        help="explain an AWS authorization failure message and propose the least-privilege fix",
        description="Explain why AWS denied a request (from a decoded authorization failure "
        "message), propose the least-privilege fix and show what the fix would allow.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "message",
        nargs="?",
        metavar="MESSAGE_FILE",
        help='decoded message file ("-" or omitted: stdin)',
    )
    p.add_argument("--snapshot", metavar="FILE", help="account snapshot to explain against")
    # SUPPRESS: an option given after the subcommand wins, one given before it still counts.
    p.add_argument(
        "--profile",
        default=argparse.SUPPRESS,
        help="explain against the live account of this AWS profile (read-only)",
    )
    p.add_argument("--region", default=argparse.SUPPRESS, help="AWS region for live calls")
    p.add_argument(
        "--endpoint-url", default=argparse.SUPPRESS, help="AWS endpoint (moto, LocalStack)"
    )
    p.add_argument(
        "--encoded",
        metavar="TEXT",
        help="the encoded message from the error; needs --profile (decoded via STS)",
    )
    p.add_argument(
        "--launch-action",
        metavar="ACTION",
        help="the call that failed (e.g. ec2:RunInstances), to pin iam:PassedToService when "
        "the message does not carry it",
    )
    p.add_argument("--format", choices=("text", "json"), default="text", help="default: text")
    p.set_defaults(func=run)


# -- input -------------------------------------------------------------------------------------


def _read_message(args: argparse.Namespace, profile: str | None) -> str:
    if args.encoded is not None:
        if args.message is not None:
            raise IamExploreError("give either MESSAGE_FILE or --encoded, not both")
        if profile is None:
            raise IamExploreError(
                "--encoded needs --profile: decoding calls sts:DecodeAuthorizationMessage in the "
                "account (or decode it with `aws sts decode-authorization-message` and pass the "
                "file)"
            )
        return decode_live(args.encoded, profile, args)
    from core.load.snapshot import read_bytes, read_stdin_bytes

    if args.message in (None, "-"):
        if sys.stdin is None or (args.message is None and sys.stdin.isatty()):
            raise IamExploreError("no message: pass MESSAGE_FILE, - (stdin) or --encoded")
        if args.snapshot == "-":
            raise IamExploreError(
                "standard input can carry the message or the snapshot (--snapshot -), not both"
            )
        raw, where = read_stdin_bytes(), "<stdin>"
    else:
        # Size-limited, and never blocks on a FIFO or reads /dev/zero forever.
        raw, where = read_bytes(Path(args.message)), args.message
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise IamExploreError(f"{where}: not a UTF-8 text file") from None


def decode_live(encoded: str, profile: str, args: argparse.Namespace) -> str:
    """Decode an encoded authorization message with sts:DecodeAuthorizationMessage.

    Goes through ``core.load.live`` (the only module that talks to AWS; its guard allows
    ``Decode*``).
    """
    from core.load.live import decode_authorization_message

    return decode_authorization_message(
        encoded,
        profile=profile,
        region=getattr(args, "region", None),
        endpoint_url=getattr(args, "endpoint_url", None),
    )


def _load_account(args: argparse.Namespace, profile: str | None) -> Account:
    from core.load.snapshot import load_account, load_data

    if args.snapshot:
        return load_account(args.snapshot)
    from core.load.live import fetch_account, snapshot_data

    result = fetch_account(
        profile=profile,
        region=getattr(args, "region", None),
        endpoint_url=getattr(args, "endpoint_url", None),
    )
    data = json.loads(json.dumps(snapshot_data(result), default=str))
    return load_data(data, source=f"profile {profile}")


def run(args: argparse.Namespace) -> int:
    """Explain the message; ``IamExploreError`` propagates to the CLI (one line, exit 2)."""
    profile = getattr(args, "profile", None)
    if not args.snapshot and not profile:
        raise IamExploreError("explain-denial needs --snapshot FILE or --profile NAME")
    text = _read_message(args, profile)
    message = parse_message(text)  # before the (slow) load, so bad input fails fast
    account = _load_account(args, profile)
    result = explain_denial(account, message, launch_action=args.launch_action)
    if args.format == "json":
        print(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        render(result)
    return EXIT_OK


# -- output ------------------------------------------------------------------------------------

BLOCKED_WORDS = {
    "no-allow": "no statement allows it",
    "explicit-deny": "an explicit Deny",
    "permissions-boundary": "the permissions boundary",
    "scp": "a service control policy",
}


def attach_command(result: DenialExplanation) -> str | None:
    """The AWS CLI command that attaches the fix as an inline policy (file fix.json)."""
    if result.fix.policy_name is None:
        return None
    verb = (
        "put-user-policy --user-name"
        if result.principal_kind == "user"
        else ("put-role-policy --role-name")
    )
    return (
        f"aws iam {verb} {result.principal_name} --policy-name {result.fix.policy_name} "
        "--policy-document file://fix.json"
    )


def renderables(result: DenialExplanation) -> Iterator[Any]:
    """Rich renderables for the explanation (shared by the CLI and the denial screen)."""
    from rich.syntax import Syntax
    from rich.text import Text

    from tui.safe_text import LONG_LIMIT, safe

    head = Text("✖ denied  ", style="bold red")
    head.append(f"{result.principal_kind} {safe(result.principal_name)}", style="bold")
    head.append(f"  {safe(result.action)}  ", style="")
    head.append(safe(result.resource), style="bold")
    yield head
    yield Text.assemble(
        ("blocked by: ", "bold"),
        (f"{result.blocked_by}", "bold red"),
        f" ({BLOCKED_WORDS[result.blocked_by]})",
    )
    yield Text("")
    for para in result.explanation[1:]:
        yield Text(safe(para, LONG_LIMIT, newlines=True))
        yield Text("")
    if result.statements:
        yield Text("Statements involved", style="bold underline")
        for s in result.statements:
            yield Text(f"  {s.statement.effect:<5} {safe(s.label)}")
        yield Text("")
    if result.notes:
        yield Text("Notes", style="bold underline")
        for note in result.notes:
            yield Text(f"  • {safe(note, LONG_LIMIT, newlines=True)}")
        yield Text("")
    yield Text("Fix", style="bold underline")
    if result.fix.document_text is not None:
        yield Text(
            f"Attach this least-privilege policy to {safe(result.principal_name)} "
            f"(inline policy {safe(result.fix.policy_name)}):"
        )
        yield Syntax(
            safe(result.fix.document_text, LONG_LIMIT, newlines=True),
            "json",
            theme="ansi_dark",
            background_color="default",
        )
        cmd = attach_command(result)
        if cmd:
            yield Text(f"  {safe(cmd, LONG_LIMIT)}", style="dim")
    else:
        instead = safe(result.fix.instead, LONG_LIMIT, newlines=True)
        yield Text(f"No policy on the principal can fix this. Instead: {instead}.")
    yield Text("")
    if result.fix.document_text is None:
        return
    yield Text("Consequences of the fix", style="bold underline")
    if not result.consequences_done:
        yield Text("  (not evaluated)", style="dim")
        return
    if result.admin_sentence:
        yield Text(f"⚠ {safe(result.admin_sentence, LONG_LIMIT)}", style="bold red")
    elif not result.becomes_admin:
        yield Text(f"{safe(result.principal_name)} does not become admin with this grant.")
    if result.consequences:
        yield Text("New findings:")
        for f in result.consequences:
            line = Text("  ")
            line.append(f"[{f.escalation}]", style=style_of(f.escalation))
            line.append(f" {safe(f.title)}")
            yield line
    else:
        yield Text("No new escalation findings.")
    if result.action.lower() == "iam:passrole" and result.becomes_admin:
        if result.safer_alternatives:
            best = result.safer_alternatives[0]
            yield Text(
                f"Safer alternative: pass {safe(best.name)} instead ({safe(best.arn)}); it is not "
                f"admin and adds {_capabilities(best.gained)} to {safe(result.principal_name)}'s "
                "own.",
                style="green",
            )
            for alt in result.safer_alternatives[1:]:
                yield Text(
                    f"  also: {safe(alt.name)} (adds {_capabilities(alt.gained)})", style="dim"
                )
        else:
            yield Text(
                f"No safer alternative: the account has no other role for {safe(result.service)} "
                "that stays short of admin.",
                style="dim",
            )


def _capabilities(n: int) -> str:
    return f"{n} capability" if n == 1 else f"{n} capabilities"


def render(result: DenialExplanation) -> None:
    """Print the explanation with rich."""
    from tui.safe_text import console as make_console

    console = make_console()
    for item in renderables(result):
        console.print(item)


__all__ = ["DenialError", "register", "renderables", "run"]
