"""The explorer: ``iam-explore [SNAPSHOT]`` or ``iam-explore --profile NAME`` (no subcommand)."""

from __future__ import annotations

import argparse
from typing import Any


def run(args: argparse.Namespace) -> int:
    """Open the explorer on ``args.snapshot`` or on a live account (``args.profile``...)."""
    from tui.app import IamExploreApp

    app = IamExploreApp(
        getattr(args, "snapshot", None),
        profile=getattr(args, "profile", None),
        region=getattr(args, "region", None),
        endpoint_url=getattr(args, "endpoint_url", None),
    )
    result = app.run()
    return exit_code(app, result)


def exit_code(app: Any, result: object) -> int:
    """0 after a normal quit; Textual's non-zero code when an exception ended the app; 2 when
    it quit with nothing loaded and the load error on screen."""
    if app.return_code:
        return int(app.return_code)
    if app.ended_on_error:
        return 2
    return int(result or 0)  # type: ignore[call-overload]
