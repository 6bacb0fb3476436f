"""The explorer: ``iam-explore [SNAPSHOT]`` or ``iam-explore --profile NAME`` (no subcommand)."""

from __future__ import annotations

import argparse
import sys


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
    return int(result or 0)
