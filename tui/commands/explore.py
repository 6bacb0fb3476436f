"""The explorer: ``iam-explore [SNAPSHOT]`` or ``iam-explore --profile NAME`` (no subcommand)."""

from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    """Open the explorer on ``args.snapshot`` or on a live account (``args.profile``...).

    Returns 0 after a normal quit, 2 when it quit with nothing loaded (the load failed), and
    Textual's non-zero code when an exception ended it.
    """
    from tui.app import IamExploreApp

    app = IamExploreApp(
        getattr(args, "snapshot", None),
        profile=getattr(args, "profile", None),
        region=getattr(args, "region", None),
        endpoint_url=getattr(args, "endpoint_url", None),
    )
    result = app.run()
    if app.return_code:  # ended by an exception (Textual sets 1)
        return int(app.return_code)
    if app.ended_on_error:  # quit while the load error was shown
        return 2
    return int(result or 0)
