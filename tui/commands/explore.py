"""The explorer: ``iam-explore [SNAPSHOT]`` or ``iam-explore --profile NAME`` (no subcommand)."""

from __future__ import annotations

import argparse

from core.samples import sample_path


def run(args: argparse.Namespace) -> int:
    """Open the explorer on ``args.snapshot`` or on a live account (``args.profile``...);
    with ``--compare NEW``, on NEW with the changes since ``args.snapshot`` marked."""
    from tui.app import IamExploreApp

    compare = getattr(args, "compare", None)
    snapshot = getattr(args, "snapshot", None)
    app = IamExploreApp(
        compare if compare else snapshot,
        baseline=(snapshot or sample_path()) if compare else None,
        profile=getattr(args, "profile", None),
        region=getattr(args, "region", None),
        endpoint_url=getattr(args, "endpoint_url", None),
    )
    result = app.run()
    return int(result or 0)
