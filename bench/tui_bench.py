"""Benchmark the explorer's responsiveness on a large generated account (Pilot, no terminal).

Measures, on ``--users`` users and ``--roles`` roles (default 5,000 each):

* **first screen**: from the moment the loaded data reaches the app (the ``AccountLoaded``
  message) to the first refresh with every pane filled;
* **filter keystroke**: characters typed into the ``/`` filter of the Users pane and of the
  Edges pane, each sent as a terminal would send it (no Pilot idle waits): until the frame that
  shows the filtered rows is painted (a hook on ``app._display``, which the screen calls with
  every rendered update), until the last frame (the count, once a worker has filtered the rest)
  and the UI thread's CPU per key; then needles pasted whole (nothing to narrow from);
* **pane switch**, **cursor move** (``j`` in Users: marks and the Details preview) and
  **enter on a user** (filters the Edges pane): until the last frame before the app goes quiet;
* **what-if apply**: from ``apply_change`` until the diff is shown (median; and its undo), plus the
  re-analysis time ``Diff.seconds`` reported by the core, and while it runs the latency of a
  pane switch (``2``, then ``4``): whether the UI stalls.

The account comes from ``bench/make_synthetic.py`` (cached in ``/tmp/iam-explore-bench/``).
Timings are printed, never asserted.

``--analysis synthetic`` (the default above 2,000 principals) skips
``core.escalate.analysis.analyse``,
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
    from core.escalate.analysis import Analysis
    from core.escalate.findings import Finding, Reason
    from core.escalate.passrole_edges import trusted_roles
    from core.escalate.tables.services import SERVICES
    from core.evaluate.decision import PolicyRef, StatementRef

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
    from core.escalate.analysis import analyse
    from core.load.samples import sample_path
    from core.load.snapshot import load_account

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
    from core.explain.whatif_options import options_for
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
        while app.index is None or not app.index.complete:
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
            walls, cores, switches, undos = [], [], [], []
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
                u = time.perf_counter()
                app.undo_redo("undo")
                await app.workers.wait_for_complete()
                await pilot.pause()
                undos.append(time.perf_counter() - u)
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
                rows.append(
                    (
                        "what-if undo, to the earlier state shown",
                        f"median {statistics.median(undos) * 1000:.0f} ms, "
                        f"worst {max(undos) * 1000:.0f} ms",
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


class Frames:
    """Paint times of the app: wraps ``app._display``, which the screen calls with every
    rendered update (the headless driver writes nothing, but the update is rendered)."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.app = app
        self.times: list[float] = []
        self.condition = None
        self.met: float | None = None
        self.t = 0.0
        real = app._display

        def display(screen, renderable):  # type: ignore[no-untyped-def]
            real(screen, renderable)
            now = time.perf_counter()
            self.times.append(now)
            if self.met is None and self.condition is not None and self.condition():
                self.met = now

        app._display = display

    async def key(self, key: str, condition, settle: float = 0.15):  # type: ignore[no-untyped-def]
        """Send ``key`` (as a terminal would: no Pilot waits) and return (seconds until a
        frame painted with ``condition()`` true, seconds until the last frame before the app
        went quiet for ``settle`` s, UI-thread CPU seconds meanwhile)."""
        from textual import events

        self.met, self.condition = None, condition
        cpu = time.thread_time()
        t = self.t = time.perf_counter()
        char = key if len(key) == 1 else None
        self.app._driver.send_message(events.Key(key, char))
        while True:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            last = self.times[-1] if self.times and self.times[-1] > t else t
            if self.met is not None and now - last > settle:
                break
            if now - t > 30:
                raise TimeoutError(f"no frame met the condition after {key!r}")
        used = time.thread_time() - cpu
        self.condition = None
        return self.met - t, last - t, used


def final(table) -> bool:  # type: ignore[no-untyped-def]
    """The rows on screen are those of the table's filter (the count may still be pending)."""
    return bool(getattr(table, "rows_final", not table.filter_pending))


def ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:.0f} ms, worst {max(values) * 1000:.0f} ms"


async def measure_panes(app, pilot, shown: float, started: float) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """First screen, filter keystrokes, pane switches, cursor moves and enter on a user."""
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
    frames = Frames(app)
    pane_keys = {"users": "1", "roles": "2", "services": "3", "edges": "4"}

    async def typed(pane: str, text: str, label: str) -> None:
        await pilot.press(pane_keys[pane])
        if pane == "edges":
            await pilot.press("escape")  # no selection: every edge
        await pilot.press("slash")
        await pilot.pause()
        table = main.table(pane)
        count = table.row_count
        shown_at, settled, cpu = [], [], []
        for n, ch in enumerate(text, 1):
            query = text[:n]

            def rows_final(q: str = query) -> bool:
                return table.filter_text == q and final(table)

            a, b, c = await frames.key(ch, rows_final)
            if table.filter_pending:  # the rest of the rows (a worker) still being counted
                while table.filter_pending:
                    await asyncio.sleep(0.002)
                await asyncio.sleep(0.05)
                b = frames.times[-1] - frames.t
            shown_at.append(a)
            settled.append(b)
            cpu.append(c)
        await pilot.press("escape")
        await pilot.pause()
        rows.append((f"filter {label} in {pane} ({count} rows), typed {text!r}", ""))
        rows.append(("  key to the filtered rows painted", ms(shown_at)))
        rows.append(("  key to the last frame (count and title)", ms(settled)))
        rows.append(("  UI-thread CPU per key", ms(cpu)))

    await typed("users", "user-12", "keystrokes")
    await typed("edges", "admin", "keystrokes")
    await typed("edges", "ec2-admin-7", "keystrokes")

    async def pasted(pane: str, text: str) -> None:
        """The whole needle at once (a paste): no previous result to narrow."""
        table = main.table(pane)
        await pilot.press(pane_keys[pane], "escape", "slash")
        await pilot.pause()
        bar = main.query_one("CommandBar")
        times = []
        for _ in range(3):
            frames.met, t = None, time.perf_counter()
            frames.condition = lambda: table.filter_text == text and final(table)
            bar.value = text
            while frames.met is None:
                await asyncio.sleep(0.001)
            times.append(frames.met - t)
            while table.filter_pending:
                await asyncio.sleep(0.002)
            bar.value = ""
            await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        rows.append((f"filter {text!r} pasted into {pane} (no narrowing)", ms(times)))

    await pasted("edges", "user0424")
    await pasted("edges", "zzzq")

    switches = []
    for key in ("2", "4", "1", "4", "3", "4", "1", "2"):
        pane = main.table({v: k for k, v in pane_keys.items()}[key])
        _, settled, _ = await frames.key(key, lambda p=pane: app.focused is p)
        switches.append(settled)
    rows.append(("pane switch (key to last frame)", ms(switches)))

    await pilot.press("1")
    await pilot.pause()
    users = main.table("users")
    moves = []
    for _ in range(10):
        row = users.cursor_row + 1
        _, settled, _ = await frames.key("j", lambda r=row: users.cursor_row == r)
        moves.append(settled)
    rows.append(("cursor move in Users (marks + details preview; to last frame)", ms(moves)))
    enters = []
    for _ in range(5):
        await pilot.press("1", "j")
        await pilot.pause()
        key = users.current_key
        _, settled, _ = await frames.key("enter", lambda k=key: main.selected_user == k)
        enters.append(settled)
    rows.append(("enter on a user (filter Edges + column widths; to last frame)", ms(enters)))
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
