"""Benchmark the explorer's responsiveness on a large generated account (Pilot, no terminal).

Measures, on ``--users`` users and ``--roles`` roles (default 5,000 each):

* **first screen**: from the moment the loaded data reaches the app (the ``AccountLoaded``
  message) to the first refresh with every pane filled;
* **filter keystroke**: one character typed into the ``/`` filter of the Users pane and of the
  Edges pane: until the next refresh (the key is handled and echoed; median and worst), and
  until the filtered rows are shown (a large pane filters in a worker, debounced);
* **cursor move**: ``j`` in the Users pane (a preview: re-marks Roles/Services and renders
  details; the Edges pane is filtered on ``enter``);
* **enter on a user**: selects it, filters the Edges pane (columns re-measured) and focuses it;
* **what-if apply**: from ``apply_change`` until the diff is shown (median), plus the
  re-analysis time ``Diff.seconds`` reported by the core, and while it runs the latency of a
  pane switch (``2``, then ``4``): whether the UI stalls.

The account comes from ``bench/make_synthetic.py`` (cached in ``/tmp/iam-explore-bench/``).
Timings are printed, never asserted.

``--analysis synthetic`` (the default above 2,000 principals) skips ``core.analysis.analyse``,
which takes about a minute at 5,000 users and roles (``--analysis real`` runs it), and
builds an ``Analysis`` with ``--edges-per-user`` PassRole findings per user citing real
statements, plus the real trusted roles: the UI work is the same. The what-if latency needs
the real engine, so in that mode it is measured on the mid-size sample instead (and labelled
so).

Usage:
    python bench/tui_bench.py
    python bench/tui_bench.py --users 1000 --roles 1000 --whatif-runs 3
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CACHE = Path("/tmp/iam-explore-bench")
GENERATOR = ROOT / "bench" / "make_synthetic.py"


def snapshot_for(users: int, roles: int) -> Path:
    """Generate (once) a synthetic account of the given size."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"tui-{users}-{roles}.json"
    if not path.exists():
        subprocess.run(
            [
                sys.executable,
                str(GENERATOR),
                "--users",
                str(users),
                "--roles",
                str(roles),
                "--indent",
                "0",
                "-o",
                str(path),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return path


def synthetic_analysis(account, edges_per_user: int):  # type: ignore[no-untyped-def]
    """An Analysis with PassRole findings for every user, without running the engine."""
    from core.analysis import Analysis
    from core.decision import PolicyRef, StatementRef
    from core.edges import trusted_roles
    from core.findings import Finding, Reason
    from core.services import SERVICES

    trusted = trusted_roles(account)
    pairs = [(sid, role) for sid, roles in sorted(trusted.items()) for role, _ in roles]
    by_id = {s.id: s for s in SERVICES}
    levels = ("admin", "privilege-gain", "none", "none")
    findings = []
    for n, user in enumerate(account.users):
        refs = []
        for p in user.inline_policies:
            for st in p.document.statements[:1]:
                refs.append(StatementRef(PolicyRef(p.name, p.document, via="inline"), st))
        for k in range(edges_per_user):
            sid, role = pairs[(n * 7 + k * 13) % len(pairs)]
            service = by_id[sid]
            findings.append(
                Finding(
                    kind="passrole",
                    source=user.arn,
                    target=role.arn,
                    title=f"{user.name} can pass {role.name} to {service.name}",
                    role=role.arn,
                    service=service.principals[0],
                    service_id=sid,
                    escalation=levels[(n + k) % len(levels)],  # type: ignore[arg-type]
                    conditional=(n + k) % 5 == 0,
                    reasons=(
                        Reason("passrole", f"may iam:PassRole on {role.name}", tuple(refs[:1])),
                    ),
                    source_is_admin=n % 10 == 0,
                )
            )
    return Analysis(account, findings, {}, [], {}, trusted)


async def measure(
    path: Path, whatif_runs: int, mode: str, edges_per_user: int
) -> list[tuple[str, str]]:
    from core.analysis import analyse
    from core.loader import load_account
    from core.samples import sample_path

    rows: list[tuple[str, str]] = []
    t0 = time.perf_counter()
    account = load_account(path)
    t1 = time.perf_counter()
    rows.append(("load (core, not UI)", f"{t1 - t0:.2f} s"))
    if mode == "auto":
        mode = "real" if len(account.principals) <= 2000 else "synthetic"
    if mode == "real":
        analysis = analyse(account)
        rows.append(("analyse (core, not UI)", f"{time.perf_counter() - t1:.2f} s"))
    else:
        analysis = synthetic_analysis(account, edges_per_user)
        rows.append(("analysis", f"synthetic ({edges_per_user} PassRole edges per user)"))
    rows += await measure_ui(path, account, analysis, whatif_runs if mode == "real" else 0)
    if mode != "real" and whatif_runs:
        sample = sample_path()
        small = load_account(sample)
        rows += [
            (k.replace("what-if", "what-if (mid-size sample)"), v)
            for k, v in await measure_ui(sample, small, analyse(small), whatif_runs, ui=False)
        ]
    return rows


async def measure_ui(  # type: ignore[no-untyped-def]
    path: Path, account, analysis, whatif_runs: int, ui: bool = True
) -> list[tuple[str, str]]:
    from core.whatif_options import options_for
    from tui.app import IamExploreApp

    rows: list[tuple[str, str]] = []
    rows.append(
        (
            "account",
            f"{len(account.users)} users, {len(account.roles)} roles, "
            f"{len(analysis.findings)} findings",
        )
    )

    app = IamExploreApp(path, account=account, analysis=analysis, watch=False)
    started = time.perf_counter()
    async with app.run_test(size=(160, 48)) as pilot:
        while app.index is None:
            await asyncio.sleep(0.001)
        await pilot.pause()
        shown = time.perf_counter()
        rows.append(
            (
                "app start to data in the app (index built in a worker)",
                f"{(app.loaded_at - started) * 1000:.0f} ms",
            )
        )
        assert app.loaded_at is not None
        if ui:
            rows += await measure_panes(app, pilot, shown, started)

        if app.session is not None:
            walls, cores, switches = [], [], []
            users = [u for u in app.session.current.users if u.groups or u.attached_policies]
            step = max(1, len(users) // max(1, whatif_runs))
            for user in users[::step][:whatif_runs]:
                options = [
                    o
                    for o in options_for(app.session.analysis, app.session.current, user)
                    if o.make is not None
                ]
                if not options:
                    continue
                change = options[0].make()  # type: ignore[misc]
                t = time.perf_counter()
                app.apply_change(change)
                await pilot.pause()
                for _ in range(4):  # pane switches while the re-analysis runs
                    if not app.main.query_one("#status-line").display:
                        break
                    # Until the pane has focus (polled: Pilot's pause() waits for the whole
                    # process to go idle, which a busy worker never lets happen).
                    roles = app.main.table("roles")
                    key, pane = (
                        ("4", app.main.table("edges")) if app.focused is roles else ("2", roles)
                    )
                    k = time.perf_counter()
                    task = asyncio.create_task(pilot.press(key))
                    while app.focused is not pane:
                        await asyncio.sleep(0.001)
                    switches.append(time.perf_counter() - k)
                    await task
                while app.main.query_one("#status-line").display:
                    await asyncio.sleep(0.002)
                await pilot.pause()
                walls.append(time.perf_counter() - t)
                cores.append(app.last_diff_seconds)
                app.undo_redo("undo")
                await app.workers.wait_for_complete()
                await pilot.pause()
            if walls:
                rows.append(
                    (
                        f"what-if apply, to diff shown ({len(walls)} runs)",
                        f"median {statistics.median(walls) * 1000:.0f} ms, "
                        f"worst {max(walls) * 1000:.0f} ms",
                    )
                )
                if switches:
                    rows.append(
                        (
                            "  pane switch while it runs",
                            f"median {statistics.median(switches) * 1000:.0f} ms, "
                            f"worst {max(switches) * 1000:.0f} ms ({len(switches)} keys)",
                        )
                    )
                core_times = [c for c in cores if isinstance(c, float)]
                if core_times:
                    rows.append(
                        (
                            "  of which re-analysis (Diff.seconds)",
                            f"median {statistics.median(core_times) * 1000:.0f} ms",
                        )
                    )
        else:
            rows.append(("what-if apply", "no session"))
    return rows


async def measure_panes(app, pilot, shown: float, started: float) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """First screen, filter keystrokes and cursor moves."""
    main = app.main
    rows = [
        ("first screen after data loaded", f"{(shown - app.loaded_at) * 1000:.0f} ms"),
        ("app start to first screen", f"{(shown - started) * 1000:.0f} ms"),
        (
            "rows",
            f"users {main.table('users').row_count}, roles {main.table('roles').row_count}, "
            f"edges {main.table('edges').row_count}",
        ),
    ]

    ui_cpu: list[float] = []

    async def keystrokes(pane: str, text: str) -> tuple[list[float], list[float]]:
        await pilot.press(str(["users", "roles", "services", "edges"].index(pane) + 1))
        if pane == "edges":
            await pilot.press("escape")  # no selection: every edge
        await pilot.press("slash")
        table = main.table(pane)
        echoed, shown = [], []
        for ch in text:
            t = time.perf_counter()
            cpu = time.thread_time()
            await pilot.press(ch)
            await pilot.pause()
            echoed.append(time.perf_counter() - t)
            ui_cpu.append(time.thread_time() - cpu)
            while table.filter_pending:
                await asyncio.sleep(0.002)
            await pilot.pause()
            shown.append(time.perf_counter() - t)
        await pilot.press("escape")
        await pilot.pause()
        return echoed, shown

    for pane, text in (("users", "user-12"), ("edges", "admin")):
        count = main.table(pane).row_count
        ui_cpu.clear()
        echoed, shown = await keystrokes(pane, text)
        rows.append(
            (
                f"filter keystroke, {pane} ({count} rows), key handled",
                f"median {statistics.median(echoed) * 1000:.0f} ms, "
                f"worst {max(echoed) * 1000:.0f} ms",
            )
        )
        rows.append(
            (
                "  of which UI-thread CPU (the rest: Pilot waits for frames)",
                f"median {statistics.median(ui_cpu) * 1000:.0f} ms, "
                f"worst {max(ui_cpu) * 1000:.0f} ms",
            )
        )
        rows.append(
            (
                "  until the filtered rows are shown",
                f"median {statistics.median(shown) * 1000:.0f} ms, "
                f"worst {max(shown) * 1000:.0f} ms",
            )
        )

    await pilot.press("1")
    moves = []
    for _ in range(10):
        t = time.perf_counter()
        await pilot.press("j")
        await pilot.pause()
        moves.append(time.perf_counter() - t)
    rows.append(
        (
            "cursor move in Users (marks + details preview)",
            f"median {statistics.median(moves) * 1000:.0f} ms",
        )
    )
    enters = []
    for _ in range(5):
        await pilot.press("1", "j")
        await pilot.pause()
        t = time.perf_counter()
        await pilot.press("enter")
        await pilot.pause()
        enters.append(time.perf_counter() - t)
    rows.append(
        (
            "enter on a user (filter Edges + column widths)",
            f"median {statistics.median(enters) * 1000:.0f} ms",
        )
    )
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=5000)
    ap.add_argument("--roles", type=int, default=5000)
    ap.add_argument("--snapshot", type=Path, help="use this snapshot instead of generating one")
    ap.add_argument("--whatif-runs", type=int, default=5)
    ap.add_argument("--analysis", choices=("auto", "real", "synthetic"), default="auto")
    ap.add_argument("--edges-per-user", type=int, default=4)
    args = ap.parse_args(argv)
    path = args.snapshot or snapshot_for(args.users, args.roles)
    rows = asyncio.run(measure(path, args.whatif_runs, args.analysis, args.edges_per_user))
    width = max(len(k) for k, _ in rows)
    print(f"tui_bench on {path}")
    for key, value in rows:
        print(f"  {key:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
