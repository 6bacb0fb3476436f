"""The explorer: ``iam-explore [SNAPSHOT]`` or ``iam-explore --profile NAME`` (no subcommand)."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def run(args: argparse.Namespace) -> int:
    """Open the explorer on ``args.snapshot`` or on a live account (``args.profile``...);
    with ``--compare NEW``, on NEW with the changes since ``args.snapshot`` marked."""
    import os

    from tui.app import IamExploreApp
    from tui.colour import no_colour

    compare = getattr(args, "compare", None)
    snapshot = getattr(args, "snapshot", None)
    if compare and not snapshot:
        print(
            "iam-explore: --compare NEW needs the earlier snapshot first: "
            "iam-explore OLD --compare NEW",
            file=sys.stderr,
        )
        return 2
    if not has_terminal():
        print(
            "iam-explore: the explorer needs a terminal (standard input and output are not "
            "one): use `iam-explore scan SNAPSHOT` in scripts and pipelines",
            file=sys.stderr,
        )
        return 2
    if no_colour():  # Textual reads NO_COLOR (and removes it) when the app is created
        os.environ["NO_COLOR"] = "1"
    app = IamExploreApp(
        compare if compare else snapshot,
        baseline=snapshot if compare else None,
        profile=getattr(args, "profile", None),
        region=getattr(args, "region", None),
        endpoint_url=getattr(args, "endpoint_url", None),
    )
    result = app.run()
    return exit_code(app, result)


def has_terminal() -> bool:
    """Both standard input and output are a terminal (without one, Textual would spin or
    draw into a pipe)."""
    return bool(sys.stdin and sys.stdin.isatty() and sys.stdout and sys.stdout.isatty())


def exit_code(app: Any, result: object) -> int:
    """0 after a normal quit; Textual's non-zero code when an exception ended the app; 2 when
    it quit with nothing loaded and the load error on screen."""
    if getattr(app, "return_code", 0):
        return int(app.return_code)
    if getattr(app, "ended_on_error", False):
        return 2
    return result if isinstance(result, int) else 0
