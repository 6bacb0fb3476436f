"""Check that two ``scan --format json`` reports hold the same findings and paths.

Reads reports of ``schema_version`` 1 or 2 and normalises their layout: a finding is
``(kind, source, target, service, escalation, conditional, conditions, constraints)``; a path is
its source, admin, conditional flag and hops ``(from, to, kind, service, conditional)``. When
both reports list every edge (schema 1, or schema 2 with ``--all-edges``) every finding is
compared; otherwise the escalating findings are compared one by one and the edges that escalate
nothing by their counts per source, kind and service. ``--gained`` also compares the lines
saying what is gained. Exit 0 when equal, 1 with the differences listed.

``--write-baseline OUT NAME=REPORT ...`` writes the normalised findings and paths of reports
(listing every edge, with ``--all``) to one JSON file; ``tests/data/scan-baseline.json`` holds
the bundled samples' and the test compares a fresh analysis to it (regenerate it, from a scan
of the samples with ``--all --all-edges``, only when a semantics change is intended).

Usage:
    python bench/compare_scans.py BEFORE.json AFTER.json [--gained]
    python bench/compare_scans.py --write-baseline OUT midsize-company=/tmp/m.json ...
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

Key = tuple[Any, ...]


def _finding(f: dict[str, Any]) -> Key:
    return (
        f["kind"],
        f["source"],
        f["target"],
        f.get("service"),
        f["escalation"],
        bool(f["conditional"]),
        tuple(f.get("conditions") or ()),
        tuple(f.get("constraints") or ()),
    )


def lists_every_edge(report: dict[str, Any]) -> bool:
    """Schema 1 always lists every edge; schema 2 only with ``--all-edges``."""
    return report.get("schema_version", 1) == 1 or bool(report.get("all_edges"))


def normalise(report: dict[str, Any], *, full: bool, gained: bool = False) -> dict[str, Any]:
    """The comparable content of a report (see the module docstring)."""
    findings: set[Key] = set()
    quiet: Counter[Key] = Counter()
    lines: dict[Key, tuple[str, ...]] = {}
    for f in report["findings"]:
        key = _finding(f)
        if not full and f["escalation"] == "none":
            quiet[(f["source"], f["kind"], f.get("service"))] += 1
            continue
        findings.add(key)
        if gained:
            lines[key] = tuple(f.get("gained") or ())
    if not full:
        for c in report.get("quiet_edges", ()):
            quiet[(c["source"], c["kind"], c.get("service"))] += int(c["count"])
    paths = sorted(
        (
            p["source"],
            p["admin"],
            bool(p["conditional"]),
            tuple(
                (h["from"], h["to"], h["kind"], h.get("service"), bool(h["conditional"]))
                for h in p["hops"]
            ),
        )
        for p in report["paths"]
    )
    return {"findings": findings, "quiet": quiet, "paths": paths, "gained": lines}


def compare(before: dict[str, Any], after: dict[str, Any], *, gained: bool = False) -> list[str]:
    """Human-readable differences (empty when the reports agree)."""
    full = lists_every_edge(before) and lists_every_edge(after)
    a = normalise(before, full=full, gained=gained)
    b = normalise(after, full=full, gained=gained)
    out: list[str] = []
    for label, x, y in (("finding", a["findings"], b["findings"]),):
        out += [f"- {label} only before: {k}" for k in sorted(x - y, key=repr)[:20]]
        out += [f"+ {label} only after: {k}" for k in sorted(y - x, key=repr)[:20]]
    if a["quiet"] != b["quiet"]:
        keys = sorted(set(a["quiet"]) | set(b["quiet"]), key=repr)
        diff = [k for k in keys if a["quiet"][k] != b["quiet"][k]]
        out += [f"~ no-escalation edges {k}: {a['quiet'][k]} -> {b['quiet'][k]}" for k in diff[:20]]
    if a["paths"] != b["paths"]:
        pa, pb = set(a["paths"]), set(b["paths"])
        out += [f"- path only before: {p}" for p in sorted(pa - pb, key=repr)[:10]]
        out += [f"+ path only after: {p}" for p in sorted(pb - pa, key=repr)[:10]]
        if pa == pb:
            out.append("~ paths: same set, different multiplicity")
    if gained:
        for k in sorted(set(a["gained"]) & set(b["gained"]), key=repr):
            if a["gained"][k] != b["gained"][k]:
                out.append(f"~ gained {k[:4]}: {a['gained'][k]} -> {b['gained'][k]}")
                if len(out) > 60:
                    break
    return out


def baseline(report: dict[str, Any]) -> dict[str, Any]:
    """A report's findings and paths as sorted JSON lists (it must list every edge)."""
    if not lists_every_edge(report):
        raise SystemExit("compare_scans: a baseline needs a report listing every edge")
    n = normalise(report, full=True)
    return {
        "findings": sorted(([*k[:6], list(k[6]), list(k[7])] for k in n["findings"]), key=repr),
        "paths": [[p[0], p[1], p[2], [list(h) for h in p[3]]] for p in n["paths"]],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("reports", nargs="+", help="BEFORE AFTER, or NAME=REPORT with --write-baseline")
    ap.add_argument("--gained", action="store_true", help="also compare the gained lines")
    ap.add_argument("--write-baseline", type=Path, metavar="OUT")
    args = ap.parse_args(argv)
    if args.write_baseline:
        out = {}
        for item in args.reports:
            name, _, path = item.partition("=")
            out[name] = baseline(json.loads(Path(path).read_text(encoding="utf-8")))
        args.write_baseline.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
        return 0
    if len(args.reports) != 2:
        ap.error("give two reports: BEFORE AFTER")
    before = json.loads(Path(args.reports[0]).read_text(encoding="utf-8"))
    after = json.loads(Path(args.reports[1]).read_text(encoding="utf-8"))
    diffs = compare(before, after, gained=args.gained)
    full = lists_every_edge(before) and lists_every_edge(after)
    n = len(normalise(before, full=full)["findings"])
    if diffs:
        print("\n".join(diffs))
        print(f"DIFFERENT ({len(diffs)} differences shown)")
        return 1
    mode = "every edge" if full else "escalating edges + no-escalation counts"
    print(f"same: {n} findings compared ({mode}), {len(before['paths'])} paths")
    return 0


if __name__ == "__main__":
    sys.exit(main())
