"""``iam-explore export SNAPSHOT --format FMT``: the escalation graph for graph tools and databases.

Formats: ``dot`` (Graphviz), ``graphml`` (Gephi, yEd, networkx), ``mermaid`` (paths to admin
for a Markdown ticket; ``--paths-only`` by default), ``opengraph`` (BloodHound CE),
``cypher`` (``cypher-shell -f``) and ``csv`` (``neo4j-admin database import`` / ``LOAD CSV``:
``nodes.csv`` and ``relationships.csv`` written into the ``-o`` directory).
Exit codes: 0 written, 2 bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from core.escalate.analysis import analyse
from core.load.samples import sample_path
from core.load.snapshot import load_account
from core.model.errors import IamExploreError
from core.report.graph import FORMATS, build_graph, render
from tui.commands.scan import parse_at
from tui.safe_text import safe

EPILOG = """\
Node kinds (OpenGraph kinds, Neo4j labels): AWSUser, AWSRole (both also AWSPrincipal), AWSGroup,
AWSManagedPolicy, AWSService, AWSResource; Neo4j nodes also carry AWSNode (unique id = ARN).
Edge kinds: AWSPassRole (to the role; property service), AWSAssumeRole, AWS<Method> (e.g.
AWSCreatePolicyVersion), AWSTrustsService (role to service). See README "export".
"""


def register(sub: Any) -> None:
    p = sub.add_parser(
        "export",
        help="export the escalation graph (dot, graphml, mermaid, opengraph, cypher, csv)",
        description="Export the escalation graph of a snapshot for graph tools and databases.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("snapshot", nargs="?", help="snapshot file or directory (default: the sample)")
    p.add_argument("--format", choices=FORMATS, required=True)
    p.add_argument(
        "-o",
        "--output",
        help="write to this file (for csv: this directory) instead of stdout",
    )
    p.add_argument(
        "--paths-only",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="only the shortest paths to admin (default: on for mermaid, off otherwise)",
    )
    p.add_argument(
        "--min-escalation",
        choices=("admin", "privilege-gain", "none"),
        default="none",
        help="only findings at this level or above (default: none, i.e. every finding)",
    )
    p.add_argument(
        "--all",
        action="store_true",
        help="also the edges of principals that are already admin-equivalent",
    )
    p.add_argument(
        "--at",
        metavar="ISO8601",
        type=parse_at,
        help="evaluate aws:CurrentTime and the other time keys against this time (default: now)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.format == "csv" and not args.output:
        print(
            "iam-explore: --format csv writes nodes.csv and relationships.csv: "
            "give the directory with -o DIR",
            file=sys.stderr,
        )
        return 2
    try:
        analysis = analyse(load_account(args.snapshot or sample_path()), at=args.at, reusable=False)
    except IamExploreError as exc:
        print(f"iam-explore: {safe(exc, 2000)}", file=sys.stderr)
        return 2
    paths_only = args.format == "mermaid" if args.paths_only is None else args.paths_only
    graph = build_graph(
        analysis,
        paths_only=paths_only,
        min_escalation=args.min_escalation,
        include_admin_sources=args.all,
    )
    out = render(graph, args.format)
    try:
        if isinstance(out, dict):
            target = Path(args.output)
            target.mkdir(parents=True, exist_ok=True)
            for name, text in out.items():
                (target / name).write_text(text, encoding="utf-8")
        elif args.output:
            Path(args.output).write_text(out, encoding="utf-8")
        else:
            sys.stdout.write(out)
    except OSError as exc:
        print(f"iam-explore: cannot write {safe(args.output)}: {exc.strerror}", file=sys.stderr)
        return 2
    return 0
