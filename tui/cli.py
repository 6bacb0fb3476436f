"""The ``iam-explore`` command line: the explorer by default, and headless subcommands.

Exit codes: 0 ok, 1 findings (where a subcommand says so), 2 usage or input error.
Each subcommand lives in ``tui/commands/<name>.py`` with ``register(subparsers)`` that adds its
parser and sets ``func`` to a callable taking the parsed arguments and returning the exit code.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from core.errors import IamExploreError
from tui.commands import diff, explain_denial, export, fetch, scan, simulate, summary

COMMANDS = (scan, simulate, fetch, explain_denial, summary, diff, export)
"""The subcommands' modules (``tui/commands/``), in ``--help`` order."""

EXIT_USAGE = 2


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("iam-explore")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every subcommand."""
    return _build()[0]


def _build() -> tuple[argparse.ArgumentParser, set[str]]:
    """The top-level parser and the names of its subcommands."""
    parser = _Parser(
        prog="iam-explore",
        description="Explore AWS IAM privilege escalation through iam:PassRole.",
        epilog="With no subcommand, opens the explorer on SNAPSHOT (default: the mid-size sample).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    parser.add_argument("--profile", help="open a live account (read-only) with this AWS profile")
    parser.add_argument("--region", help="AWS region for live fetches")
    parser.add_argument("--endpoint-url", help="AWS endpoint for live fetches (moto, LocalStack)")
    parser.add_argument(
        "--compare",
        metavar="NEW",
        help="open NEW with the edges new or gone since SNAPSHOT marked "
        "(iam-explore OLD --compare NEW)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in COMMANDS:
        module.register(sub)
    return parser, set(sub.choices)


_VALUE_OPTIONS = frozenset({"--profile", "--region", "--endpoint-url", "--compare"})


def _first_positional(argv: list[str]) -> str | None:
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg in _VALUE_OPTIONS:
            skip = True
            continue
        if not arg.startswith("-"):
            return arg
    return None


EXIT_BROKEN_PIPE = 141
"""The reader of our output went away (``scan | head -1``): 128 + SIGPIPE, as a shell reports
a process killed by it."""


def _fail(message: object) -> int:
    """One line on stderr (untrusted text escaped), exit 2."""
    from tui.safe_text import safe

    print(f"iam-explore: {safe(message, 2000)}", file=sys.stderr)
    return EXIT_USAGE


def _unknown_command(word: str, commands: set[str]) -> str | None:
    """The error for a first argument that looks like a mistyped command (None: it does not).

    A word that is an existing path is a snapshot; one without ``/`` or ``.`` that is not, is
    taken for a command.
    """
    import difflib

    if word == "-" or os.path.exists(word) or os.path.islink(word):
        return None
    names = sorted(c for c in commands if not c.startswith("-"))
    close = difflib.get_close_matches(word.replace("_", "-"), names, n=1, cutoff=0.6)
    if not close and ("/" in word or "." in word):
        return None  # a missing snapshot path: the loader says so
    hint = f"did you mean {close[0]}?" if close else "commands: " + ", ".join(names)
    return f"unknown command '{word}', {hint} (a snapshot file of that name does not exist)"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        return _main(args_list)
    except IamExploreError as exc:
        return _fail(exc)
    except KeyboardInterrupt:
        print("iam-explore: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader closed the pipe: stop quietly. Point stdout at /dev/null so that the
        # interpreter's final flush does not complain either (Python docs, "Note on SIGPIPE").
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return EXIT_BROKEN_PIPE


def _main(args_list: list[str]) -> int:
    parser, commands = _build()
    first = _first_positional(args_list)
    if first in commands or any(a in ("-h", "--help", "--version") for a in args_list):
        args = parser.parse_args(args_list)
        return int(args.func(args))
    if first is not None and (error := _unknown_command(first, commands)):
        return _fail(error)
    explore = _Parser(prog="iam-explore", description=parser.description)
    explore.add_argument("snapshot", nargs="?")
    for opt in sorted(_VALUE_OPTIONS):
        explore.add_argument(opt)
    return _explore(explore.parse_args(args_list))


def _explore(args: argparse.Namespace) -> int:
    try:
        from tui.commands import explore as explore_cmd
    except ModuleNotFoundError:
        from tui.commands import summary

        return summary.run_summary(args.snapshot)
    return int(explore_cmd.run(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
