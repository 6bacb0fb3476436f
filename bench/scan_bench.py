"""Benchmark the scan (load + analyse + JSON report) on synthetic accounts of growing size.

For each size N, ``make_synthetic.py --users N --roles N`` writes a snapshot (cached in
``/tmp/iam-explore-bench/``, keyed by the generator's source hash), then a fresh Python process
loads it with ``core.load.snapshot.load_account``, runs ``core.escalate.analysis.analyse`` and
writes the JSON report as ``scan --format json`` does (``core.report.scan.write_json``,
streamed, to a sink that counts its characters: JSON encoding included, the disk left out), and
reports its wall times, its CPU time (``cpu s``: what the process itself used, less sensitive
to other jobs on a shared machine) and peak RSS. Sizes run
one after another; a size that exceeds ``--timeout`` is killed and reported as such (larger
sizes are skipped).

The planted escalations (``FILE.planted.json``) are checked: every ``passrole_admin`` user must
have a PassRole finding to its admin role with escalation ``admin``; every
``create_policy_version`` user must have a ``create-policy-version`` admin finding or be
admin-equivalent by self-modification. Admin escalations from other users are counted too.

Both account shapes run by default (``--shape organisation|varied|both``): the organisation of
``make_synthetic.py`` and the varied principals of ``make_varied.py``.

Usage:
    python bench/scan_bench.py --sizes 100 1000 5000
    python bench/scan_bench.py --sizes 5000 --profile 20   # cProfile of analyse, core/ only
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GENERATOR = Path(__file__).resolve().with_name("make_synthetic.py")
VARIED = Path(__file__).resolve().with_name("make_varied.py")
SHAPES = {"organisation": GENERATOR, "varied": VARIED}
"""Account shapes: ``make_synthetic.py`` (principals share few policy sets) and
``make_varied.py`` (principals hold varied combinations: few shared signatures)."""
CACHE = Path("/tmp/iam-explore-bench")

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
snapshot, planted_file, profile = sys.argv[2], sys.argv[3], int(sys.argv[4])
group_min = int(sys.argv[5])
from core.load.snapshot import load_account
from core.escalate.analysis import analyse
from core.report.scan import write_json

c0 = time.process_time()
t0 = time.perf_counter()
account = load_account(snapshot)
t1 = time.perf_counter()
if profile:
    import cProfile, pstats
    prof = cProfile.Profile()
    prof.enable()
analysis = analyse(account, reusable=False)  # as scan runs it
if profile:
    prof.disable()
t2 = time.perf_counter()
# What `scan --format json` does, less the disk: the report streamed as JSON text.
written = [0, 0]
def sink(text):
    written[0] += len(text)
    written[1] += text.count('\n    {"kind": ')
write_json(analysis, sink, group_min=group_min)
t3 = time.perf_counter()
c3 = time.process_time()
if profile:
    stats = pstats.Stats(prof, stream=sys.stderr)
    stats.sort_stats("cumulative").print_stats(r"/core/", profile)
    stats.sort_stats("tottime").print_stats(profile)

planted = json.load(open(planted_file, encoding="utf-8"))
admin_by_source = {}
for f in analysis.findings:
    if f.escalation == "admin" and not f.source_is_admin:
        admin_by_source.setdefault(f.source, []).append(f)
pass_ok = sum(
    any(f.kind == "passrole" and f.role == p["role"] for f in admin_by_source.get(p["user"], ()))
    for p in planted["passrole_admin"]
)
cpv_ok = sum(
    any(
        f.kind == "create-policy-version" and f.target == p["policy"]
        for f in admin_by_source.get(p["user"], ())
    )
    or (p["user"] in analysis.admins and analysis.admins[p["user"]].kind == "self-modify")
    for p in planted["create_policy_version"]
)
planted_users = {p["user"] for k in ("passrole_admin", "create_policy_version") for p in planted[k]}
other = {}
for src, fs in admin_by_source.items():
    if src not in planted_users and ":user/" in src:
        for kind in {f.kind for f in fs}:
            other[kind] = other.get(kind, 0) + 1
path_sources = {p.source for p in analysis.paths}
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({
    "users": len(account.users), "roles": len(account.roles), "groups": len(account.groups),
    "policies": len(account.policies), "problems": len(account.problems),
    "load": t1 - t0, "analyse": t2 - t1, "report": t3 - t2, "cpu": c3 - c0,
    "peak_mib": rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024,
    "findings": len(analysis.findings), "report_findings": written[1],
    "report_mb": written[0] / 1e6,
    "paths": len(analysis.paths),
    "signatures": len({v.signature for v in analysis.views.values()}),
    "planted_passrole": len(planted["passrole_admin"]), "found_passrole": pass_ok,
    "planted_cpv": len(planted["create_policy_version"]), "found_cpv": cpv_ok,
    "planted_with_path": len(planted_users & path_sources),
    "other_admin_users": other,
}))
"""


def _snapshot(n: int, seed: int, extra: list[str], shape: str) -> tuple[Path, Path, float]:
    """The cached snapshot for size ``n`` (generated when missing) and the generation time."""
    generator = SHAPES[shape]
    source = GENERATOR.read_bytes() + (VARIED.read_bytes() if shape == "varied" else b"")
    digest = hashlib.sha256(source).hexdigest()[:10]
    CACHE.mkdir(parents=True, exist_ok=True)
    variant = "".join(f"-{a.strip('-')}" for a in extra)
    name = "synthetic" if shape == "organisation" else shape
    out = CACHE / f"{name}-{n}-s{seed}{variant}-{digest}.json"
    side = out.with_name(out.stem + ".planted.json")
    if out.exists() and side.exists():
        return out, side, 0.0
    start = time.perf_counter()
    cmd = [sys.executable, str(generator), "--users", str(n), "--roles", str(n)]
    cmd += ["--seed", str(seed), *extra, "-o", str(out)]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return out, side, time.perf_counter() - start


def _run(
    snapshot: Path, planted: Path, timeout: float, profile: int, group: int = 0
) -> dict[str, Any] | None:
    """Scan in a fresh process; ``None`` when it was killed for exceeding ``timeout``."""
    cmd = [sys.executable, "-c", CHILD, str(ROOT), str(snapshot), str(planted), str(profile)]
    cmd.append(str(group))
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=None if profile else subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return None
    if proc.returncode != 0:
        raise SystemExit(f"scan_bench: scan of {snapshot} failed:\n{err or ''}")
    return dict(json.loads(out.strip().splitlines()[-1]))


HEADER = (
    f"{'N':>6} {'users':>6} {'roles':>6} {'sigs':>5} {'load s':>7} {'analyse s':>9} "
    f"{'report s':>8} {'total s':>8} {'cpu s':>7} {'growth':>13} {'peak MiB':>8} {'findings':>9} "
    f"{'paths':>6} {'JSON MB':>7}  planted found"
)


def _row(n: int, r: dict[str, Any], prev: tuple[int, float] | None) -> str:
    total = r["load"] + r["analyse"] + r["report"]
    growth = "" if prev is None else f"x{total / prev[1]:.1f} / N x{n / prev[0]:.0f}"
    planted = (
        f"passrole {r['found_passrole']}/{r['planted_passrole']}, "
        f"cpv {r['found_cpv']}/{r['planted_cpv']}"
    )
    return (
        f"{n:>6} {r['users']:>6} {r['roles']:>6} {r['signatures']:>5} {r['load']:>7.2f} "
        f"{r['analyse']:>9.2f} {r['report']:>8.2f} {total:>8.2f} {r['cpu']:>7.2f} {growth:>13} "
        f"{r['peak_mib']:>8.0f} {r['findings']:>9} {r['paths']:>6} {r['report_mb']:>7.0f}"
        f"  {planted}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000, 20000])
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per size (600)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument(
        "--profile", type=int, default=0, metavar="N", help="cProfile analyse, print top N"
    )
    ap.add_argument(
        "--no-principal-scp",
        action="store_true",
        help="generate without the SCP's aws:PrincipalArn exemption (lets principals share work)",
    )
    ap.add_argument(
        "--shape",
        choices=("organisation", "varied", "both"),
        default="both",
        help="account shape: make_synthetic.py, make_varied.py, or both in turn (both)",
    )
    ap.add_argument(
        "--group",
        type=int,
        default=0,
        metavar="N",
        help="write the report as `scan --group N` does (large PassRole groups listed once)",
    )
    args = ap.parse_args(argv)
    extra = ["--no-principal-scp"] if args.no_principal_scp else []
    failures = 0
    for shape in ("organisation", "varied") if args.shape == "both" else (args.shape,):
        print(f"shape: {shape} ({SHAPES[shape].name})", flush=True)
        failures += _sizes(args, shape, extra)
    return 1 if failures else 0


def _sizes(args: argparse.Namespace, shape: str, extra: list[str]) -> int:
    """Scan each size of one shape; the number of failures."""
    print(HEADER, flush=True)
    prev: tuple[int, float] | None = None
    failures = 0
    for n in args.sizes:
        snapshot, planted, gen = _snapshot(n, args.seed, extra, shape)
        result = _run(snapshot, planted, args.timeout, args.profile, args.group)
        if result is None:
            print(f"{n:>6} killed after the {args.timeout:.0f} s timeout; larger sizes skipped")
            failures += 1
            break
        print(_row(n, result, prev), flush=True)
        total = result["load"] + result["analyse"] + result["report"]
        prev = (n, total)
        missed = (result["planted_passrole"] - result["found_passrole"]) + (
            result["planted_cpv"] - result["found_cpv"]
        )
        failures += missed > 0
        detail = ", ".join(f"{k} {v}" for k, v in sorted(result["other_admin_users"].items()))
        print(
            f"{'':>6} generated in {gen:.1f} s{' (cached)' if not gen else ''}; "
            f"{result['planted_with_path']} planted users have a path; "
            f"other users with admin escalations: {detail or 'none'}",
            flush=True,
        )
    return failures


if __name__ == "__main__":
    raise SystemExit(main())
