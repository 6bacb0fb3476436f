"""The explorer: ``iam-explore [SNAPSHOT]`` or ``iam-explore --profile NAME`` (no subcommand)."""

from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    """Open the explorer on ``args.snapshot`` or on a live account (``args.profile``...)."""
    import os

    from tui.app import IamExploreApp
    from tui.colour import no_colour

    if no_colour():  # Textual reads NO_COLOR (and removes it) when the app is created
        os.environ["NO_COLOR"] = "1"
    app = IamExploreApp(
        getattr(args, "snapshot", None),
        profile=getattr(args, "profile", None),
        region=getattr(args, "region", None),
        endpoint_url=getattr(args, "endpoint_url", None),
    )
    result = app.run()
    return int(result or 0)
