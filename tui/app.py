"""The iam-explore explorer: a keyboard-driven Textual app over ``core``.

All blocking work (reading or fetching the account, analysing, indexing the findings, what-if
re-analysis, large filters) runs in thread workers; results come back as messages
(:mod:`tui.messages`) and every failure goes through one ``Worker.StateChanged`` handler, so
errors show as a panel and a notification, never a crash. A what-if is computed in a worker
(``Session.preview``) and committed on the UI thread; a newer one cancels the older, whose
result is dropped.

Once an analysis is shown its objects are moved out of the cyclic garbage collector's reach
(``gc.freeze``, through ``core.escalate.gc_pause.keep_frozen``): with millions of findings,
every full collection would otherwise walk them all and hold the interpreter lock for seconds,
stalling keys even while only a worker allocates.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from textual import events, on, work
from textual.app import App
from textual.worker import Worker, WorkerState, get_current_worker

from core.escalate.analysis import Analysis, analyse
from core.escalate.findings import Finding
from core.escalate.gc_pause import fewer_collections, keep_frozen, release_frozen
from core.explain.whatif import Change, Session, add_inline_policy
from core.load.samples import sample_path
from core.load.snapshot import load_account, load_data
from core.model.account import Account
from core.model.errors import IamExploreError
from tui.command_table import find as find_command
from tui.guard import Guarded
from tui.keymap import bindings
from tui.messages import (
    AccountLoaded,
    AccountRead,
    ApplyChange,
    CancelLoad,
    LoadProgress,
    RunCommand,
    SnapshotChanged,
    WhatIfApplied,
)
from tui.palette import ExplorerCommands
from tui.safe_text import safe, safe_message
from tui.screens.main import MainScreen
from tui.widgets.index import EdgeIndex

if TYPE_CHECKING:
    from core.load.live import FetchResult
    from tui.screens.denial import DenialScreen

PROGRESS_INTERVAL = 0.1
"""Seconds between two progress messages from a worker (coalescing)."""

WATCH_INTERVAL = 2.0
"""Seconds between two checks of the snapshot file's modification time."""

INDEXES_KEPT = 2
"""Indexes of earlier what-if states kept for undo (each holds a table of every finding)."""


class LoadCancelled(IamExploreError):
    """The user cancelled a load (escape)."""


class _Progress:
    """A core progress callback that coalesces messages and honours cancellation."""

    def __init__(self, app: IamExploreApp, worker: Worker[Any], work: str = "load") -> None:
        self.app = app
        self.worker = worker
        self.work = work
        self.last = 0.0
        self.prefix = ""

    def is_set(self) -> bool:  # core.load.live.CancelToken
        return self.worker.is_cancelled

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.worker.is_cancelled:
            raise LoadCancelled("cancelled")
        now = time.monotonic()
        if now - self.last >= PROGRESS_INTERVAL or (total and done >= total):
            self.last = now
            label = f"{self.prefix}{stage}" if self.prefix else stage
            self.app.post_message(LoadProgress(label, done, total, self.work))


def snapshot_mtime(path: Path) -> int | None:
    """Latest modification time of the snapshot file (or of the JSON files of a directory)."""
    try:
        if path.is_dir():
            times = [f.stat().st_mtime_ns for f in path.iterdir() if f.suffix.lower() == ".json"]
            return max(times, default=path.stat().st_mtime_ns)
        return path.stat().st_mtime_ns
    except OSError:
        return None


MAX_RECOVERED = 50
"""Unexpected exceptions shown and survived before the app gives up (a broken render loop)."""


class IamExploreApp(Guarded, App[int]):
    """Explore who can escalate through ``iam:PassRole`` in one AWS account.

    Args:
        snapshot: snapshot file or directory (default: the mid-size sample) when not live.
        profile, region, endpoint_url: a live, read-only account instead of a snapshot.
        account, analysis: already-loaded data (benchmarks and tests skip the load worker).
    """

    CSS_PATH = "app.tcss"
    TITLE = "iam-explore"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    BINDINGS = bindings("app")
    COMMANDS = App.COMMANDS | {ExplorerCommands}
    """The palette: Textual's system commands and :data:`tui.command_table.COMMANDS`."""

    def __init__(
        self,
        snapshot: str | os.PathLike[str] | None = None,
        *,
        profile: str | None = None,
        region: str | None = None,
        endpoint_url: str | None = None,
        account: Account | None = None,
        analysis: Analysis | None = None,
        watch: bool = True,
        baseline: str | os.PathLike[str] | None = None,
    ) -> None:
        super().__init__()
        self.baseline = Path(baseline) if baseline is not None else None
        """``--compare``: the earlier snapshot whose differences are marked (core.report.diff)."""
        self.diff_label = "what-if"
        """What the +NEW / -GONE marks are relative to (details pane)."""
        self.live_mode = snapshot is None and (profile is not None or endpoint_url is not None)
        self.snapshot = Path(snapshot) if snapshot is not None else sample_path()
        self.profile = profile
        self.region = region
        self.endpoint_url = endpoint_url
        self.preloaded = (account, analysis) if account is not None else None
        self.follow_file = watch
        """Offer to reload when the snapshot changes on disk."""
        self.session: Session | None = None
        self.index: EdgeIndex | None = None
        self._index_history: list[EdgeIndex | None] = []
        """The indexes shown before each what-if still undoable (``None``: not kept)."""
        self.live: FetchResult | None = None
        self.loaded_at: float | None = None
        """``time.perf_counter()`` when the last load's data arrived (benchmarks)."""
        self.load_seconds = 0.0
        self._mtime: int | None = None
        self._mtime_offered: int | None = None
        self._whatif_generation = 0
        """Bumped by every what-if request: a worker's result for an older one is dropped."""
        self._whatif_running = ""
        """Description of the what-if step being computed ("" when none)."""
        self._whatif_lock = threading.Lock()
        """One what-if computation at a time (a cancelled one finishes its step first)."""
        self._hint_hidden = False
        self.last_diff_seconds: float | None = None
        """Re-analysis time of the last what-if change (benchmarks)."""
        self._ended_on_error: bool | None = None
        self.recovered_errors: list[Exception] = []
        """Unexpected exceptions shown as an error panel instead of ending the app (tests)."""

    @property
    def main(self) -> MainScreen:
        return self.get_screen("main")  # type: ignore[return-value]

    # -- start ----------------------------------------------------------------------------

    async def on_mount(self) -> None:
        self.install_screen(MainScreen(), "main")
        await self.push_screen("main")
        self.reload()
        if self.follow_file and not self.live_mode:
            self.set_interval(WATCH_INTERVAL, self.check_snapshot)

    def reload(self) -> None:
        """Load (or re-fetch) the account in a thread worker."""
        what = "Fetching the live account…" if self.live_mode else f"Loading {self.snapshot}…"
        if self.preloaded is not None and self.preloaded[1] is not None and self.index is None:
            what = "Indexing the findings…"
        self.main.set_loading(not self.analysing, what)
        release_frozen()  # the shown analysis is about to be replaced: let it be collected
        self.load_account()

    @work(thread=True, exclusive=True, exit_on_error=False, group="load", description="load")
    def load_account(self) -> None:
        """Read or fetch, then analyse; posts :class:`AccountLoaded`."""
        worker = get_current_worker()
        progress = _Progress(self, worker)
        start = time.perf_counter()
        live = None
        analysis: Analysis | None = None
        if self.preloaded is not None and self.index is None:
            account, analysis = self.preloaded  # benchmarks and tests: loaded already
        elif self.preloaded is not None and self.preloaded[1] is None:
            account = self.preloaded[0]
        elif self.live_mode:
            from core.load import live as aws  # boto3 loads only for live accounts

            progress.prefix = "fetching "
            live = aws.fetch_account(
                profile=self.profile,
                region=self.region,
                endpoint_url=self.endpoint_url,
                progress=progress,
                cancel=progress,
            )
            progress.prefix = "loading "
            data = aws.snapshot_data(live)
            account = load_data(data, source=live.fetched_from, progress=progress)
        else:
            progress.prefix = "loading "
            account = load_account(self.snapshot, progress=progress)
        if analysis is None:
            if self.index is None or not self.index.complete:
                # The first load: the account is shown (principals, policies) while it is
                # analysed, instead of a progress bar for the whole analysis.
                self.post_message(AccountRead(EdgeIndex.pending(account)))
            progress.prefix = "analysing "
            progress("principals", 0, len(account.principals))
            analysis = analyse(account, progress=progress)
        if worker.is_cancelled:
            raise LoadCancelled("cancelled")
        session = Session(account, analysis)
        progress.prefix = ""
        progress("indexing the findings", 0, 0)
        index = EdgeIndex.build(analysis)
        compared = None
        if self.baseline is not None:
            from core.report.diff import diff_analyses

            progress.prefix = "comparing "
            old = analyse(load_account(self.baseline, progress=progress), progress=progress)
            compared = diff_analyses(old, analysis)
        seconds = time.perf_counter() - start
        self.post_message(AccountLoaded(account, analysis, session, live, seconds, index, compared))

    @property
    def analysing(self) -> bool:
        """The account is shown while its first analysis runs (no edge is known yet)."""
        return self.index is not None and not self.index.complete

    def cancel_load(self) -> None:
        for worker in self.workers:
            if worker.group == "load" and not worker.is_finished:
                worker.cancel()
        self.main.set_loading(False)
        if self.analysing:
            self.main.set_status("analysis cancelled: no edge is known · R analyses again")
        if self.index is None:
            self.main.show_error("Loading cancelled", "Nothing is loaded.")
        self.notify("loading cancelled", severity="warning")

    @on(LoadProgress)
    def _load_progress(self, message: LoadProgress) -> None:
        if message.work == "whatif":
            if self._whatif_running:
                done = f" {message.done}/{message.total}" if message.total else ""
                self.main.set_status(f"what-if: {self._whatif_running} · {message.stage}{done}…")
            return
        if self.analysing:
            done = f" {message.done}/{message.total}" if message.total else ""
            self.main.set_status(f"analysing the account: {message.stage}{done}…")
            return
        self.main.progress(message.stage, message.done, message.total)

    @on(AccountRead)
    def _account_read(self, message: AccountRead) -> None:
        if self.index is not None and self.index.complete:
            return  # a reload: the shown analysis stays until the new one is done
        self.index = message.index
        self.main.show_analysis(message.index)
        self.main.set_status("analysing the account…")

    @on(AccountLoaded)
    def _loaded(self, message: AccountLoaded) -> None:
        index = message.index or EdgeIndex.build(message.analysis)
        was_pending = self.analysing
        self.index = index
        self._index_history = []
        self.session = message.session
        self.live = message.live
        self.load_seconds = message.seconds
        self.loaded_at = time.perf_counter()
        main = self.main
        main.clear_diff()
        compared = message.compared
        if was_pending:
            main.set_status("")
        if compared is None:
            main.show_analysis(index, keep_selection=was_pending)
        else:
            self.diff_label = f"since {self.baseline.name if self.baseline else 'OLD'}"
            main.show_diff(compared.marks(), index)
            s = compared.summary()
            self.notify(
                f"compared with {self.baseline}: {s['findings_added']} new, "
                f"{s['findings_changed']} relabelled, {s['findings_removed']} gone edges",
                title="Compare",
                markup=False,
                timeout=10,
            )
        problems = len(message.account.problems)
        if problems:
            self.notify(
                f"{problems} policy problem(s) found while loading: :problems lists them",
                title="Policy problems",
                severity="warning",
            )
        if not self.live_mode:
            self._mtime = snapshot_mtime(self.snapshot)
            self._mtime_offered = None
        keep_frozen()

    async def on_event(self, event: events.Event) -> None:
        """The first key hides the launch hint (then keys go on as usual)."""
        if isinstance(event, events.Key) and not self._hint_hidden:
            screen = self.screen
            if isinstance(screen, MainScreen) and screen.is_attached:
                self._hint_hidden = True
                screen.hide_first_hint()
        await super().on_event(event)

    # -- errors -----------------------------------------------------------------------------

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: Any = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification is plain text: messages carry names, paths and typed text, which
        must never be parsed as markup; control characters are escaped, long text cut."""
        super().notify(
            safe_message(message, 2_000),
            title=safe(title, 200),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def report_error(self, error: Exception, where: str = "") -> bool:
        """Show an unexpected exception as an error panel and keep running.

        Returns False (let Textual end the app, exit code 1) when the app is not up yet or
        too many errors came, e.g. from a render loop that fails on every frame.
        """
        if not self.is_running or len(self.recovered_errors) >= MAX_RECOVERED:
            return False
        try:
            main = self.get_screen("main")
        except (KeyError, IndexError):
            return False
        if not main.is_attached:
            return False
        self.recovered_errors.append(error)
        self.log.error(f"recovered in {where}: {type(error).__name__}: {error}")
        text = f"{type(error).__name__}: {error}"
        from tui.screens.error import ErrorScreen

        if isinstance(self.screen, ErrorScreen):
            self.notify(text, title="Internal error", severity="error", timeout=8)
            return True
        self.push_screen(
            ErrorScreen(
                "Internal error: the explorer keeps running",
                f"{text}\n\n(in {where}) The action was not completed. Please report it "
                "with the steps that led here.",
            )
        )
        return True

    def _handle_exception(self, error: Exception) -> None:
        # Textual's last resort for exceptions in widgets that are not ours (its own option
        # lists, tables): show it and keep running instead of ending the app.
        if not self.report_error(error, where="textual"):
            super()._handle_exception(error)

    @property
    def ended_on_error(self) -> bool:
        """Nothing is loaded and the load error is on screen (the exit code is then 2)."""
        if self._ended_on_error is not None:
            return self._ended_on_error
        try:
            return self.index is None and bool(self.main.error)
        except (KeyError, IndexError):
            return False

    def exit(self, result: Any = None, return_code: int = 0, message: Any = None) -> None:
        self._ended_on_error = None
        self._ended_on_error = self.ended_on_error  # screens are gone once the app has exited
        release_frozen()  # the analysis goes with the app (tests run many apps in one process)
        super().exit(result, return_code, message)

    # -- errors: the one Worker.StateChanged handler ----------------------------------------

    @on(Worker.StateChanged)
    def _worker_state(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state != WorkerState.ERROR:
            return
        error = worker.error
        if isinstance(error, LoadCancelled):
            return
        expected = isinstance(error, IamExploreError | OSError)
        text = str(error) if expected else f"{type(error).__name__}: {error}"
        if worker.group == "load":
            title = "Cannot load the account"
            if self.analysing:
                self.main.set_status("the analysis failed: no edge is known · R retries")
            self.main.show_error(title, text)
            self.notify(text, title=title, severity="error", timeout=10)
        elif worker.group == "whatif":
            self._whatif_done()
            self.notify(text, title="What-if failed", severity="error", timeout=8)
        else:
            self.notify(text, title="Error", severity="error", timeout=8)

    # -- snapshot watching ----------------------------------------------------------------

    def check_snapshot(self) -> None:
        """Offer to reload when the snapshot changed on disk (runs every 2 s)."""
        if self._mtime is None or self.live_mode:
            return
        now = snapshot_mtime(self.snapshot)
        if now is not None and now != self._mtime and now != self._mtime_offered:
            self._mtime_offered = now
            self.post_message(SnapshotChanged(str(self.snapshot)))

    @on(SnapshotChanged)
    def _snapshot_changed(self, message: SnapshotChanged) -> None:
        self.notify(
            f"{message.path} changed on disk. Press R to reload it.",
            title="Snapshot changed",
            severity="warning",
            timeout=15,
        )

    # -- commands -------------------------------------------------------------------------

    def run_command(self, text: str) -> None:
        """Run a ``:`` command (``paths``, ``export DIR``...) from :data:`COMMANDS`."""
        word, _, arg = text.strip().partition(" ")
        if not word:
            return
        command = find_command(word)
        if command is None:
            self.notify(f"unknown command :{word} (? lists commands)", severity="error")
            return
        command.run(self, arg.strip())

    def show_problems(self) -> None:
        from tui.screens.problems import ProblemsScreen

        problems = self.index.account.problems if self.index else ()
        self.push_screen(ProblemsScreen(problems))

    def show_paths(self) -> None:
        from tui.screens.paths import PathsScreen

        if self.index is None:
            return
        if self.analysing:
            self.notify("paths are known once the account is analysed", severity="warning")
            return
        self.push_screen(PathsScreen(self.index.analysis.paths), self._path_chosen)

    def show_resources(self) -> None:
        from tui.screens.resources import ResourcesScreen

        if self.index is None:
            return
        if self.analysing:
            self.notify("resources at risk are known once the account is analysed")
            return
        screen = ResourcesScreen(self.index.account, self.index.analysis.findings)
        self.push_screen(screen, self._path_chosen)

    def _path_chosen(self, finding: Finding | None) -> None:
        if finding is not None:
            self.main.jump_to_finding(finding)

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        """``q`` closes a dialog first, then quits (asking first if what-if work would be lost)."""
        if len(self.screen_stack) > 2:
            self.pop_screen()
            return
        self.confirm_discard("quit", lambda: self.exit(0))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Over a dialog, ``q`` is the dialog's own key (or none): the footer hides "Quit"."""
        return not (action == "quit" and len(self.screen_stack) > 2)

    def request_reload(self) -> None:
        """``R`` and ``:reload``: reload, asking first if what-if changes would be lost."""
        self.confirm_discard("reload", self.reload)

    def confirm_discard(self, verb: str, then: Callable[[], object]) -> None:
        """Run ``then`` now, or after a yes when the what-if session has unsaved changes."""
        session = self.session
        if session is None or not session.modified:
            then()
            return
        from tui.screens.confirm import ConfirmScreen

        changes = "; ".join(c.description for c in session.history)
        question = (
            f"{len(session.history)} what-if change(s) are not saved: {changes}.\n"
            f"To keep them, answer n and run :export DIR (writes the changed policies as "
            f"JSON files).\n{verb.capitalize()} and lose them?"
        )

        def answered(yes: bool | None) -> None:
            if yes:
                then()

        self.push_screen(
            ConfirmScreen(f"{verb.capitalize()}: unsaved what-if changes", question), answered
        )

    # -- what-if --------------------------------------------------------------------------

    def open_whatif(self) -> None:
        """Open the what-if panel for the main screen's selection."""
        if self.session is None or self.index is None:
            self.notify("what-if is available once the account is loaded", severity="warning")
            return
        self.main.action_whatif()

    @on(ApplyChange)
    def _apply_requested(self, message: ApplyChange) -> None:
        self.apply_change(message.change)

    @on(RunCommand)
    def _command_requested(self, message: RunCommand) -> None:
        self.run_command(message.text)

    @on(CancelLoad)
    def _cancel_requested(self, message: CancelLoad) -> None:
        self.cancel_load()

    def apply_change(self, change: Change | None) -> None:
        """Apply a ``core.explain.whatif.Change`` in a thread worker (``None`` does nothing).

        A what-if still running is superseded: cancelled, and its result dropped.
        """
        if change is None or self.session is None:
            return
        if self._whatif_running:
            self.notify(f"superseded: {self._whatif_running}", timeout=3)
        self._start_whatif("apply", change, change.description)

    def undo_redo(self, verb: str) -> None:
        """``u`` / ``ctrl+r``. ``u`` while a what-if runs cancels it (nothing else is undone)."""
        if self.session is None:
            self.notify("what-if is not available", severity="error")
            return
        if self._whatif_running:
            if verb == "undo":
                running = self._whatif_running
                self._cancel_whatif()
                self.notify(f"cancelled: {running}", timeout=3)
            else:
                self.notify(f"a what-if is still running: {self._whatif_running}", timeout=3)
            return
        if verb == "undo" and not self.session.history:
            self.notify("nothing to undo", timeout=2)
            return
        history = self.session.history
        description = history[-1].description if verb == "undo" and history else verb
        self._start_whatif(verb, None, f"{verb} {description}" if verb == "undo" else verb)

    def _start_whatif(self, verb: str, change: Change | None, description: str) -> None:
        self._whatif_generation += 1
        self._whatif_running = description
        self.main.set_status(f"what-if: {description} · re-analysing… (u cancels)")
        self._run_whatif(verb, change, self._whatif_generation)

    def _cancel_whatif(self) -> None:
        self._whatif_generation += 1
        self.workers.cancel_group(self, "whatif")
        self._whatif_done()

    def _whatif_done(self) -> None:
        self._whatif_running = ""
        self.main.set_status("")

    @work(thread=True, exclusive=True, exit_on_error=False, group="whatif", description="what-if")
    def _run_whatif(self, verb: str, change: Change | None, generation: int) -> None:
        """Compute the step (the session is left as it is) and index it; the UI commits it."""
        session = self.session
        assert session is not None
        worker = get_current_worker()
        progress = _Progress(self, worker, work="whatif")
        with self._whatif_lock:  # a cancelled predecessor finishes its current step first
            if worker.is_cancelled:
                return
            outcome = session.preview(verb, change, progress=progress)
        if worker.is_cancelled or generation != self._whatif_generation:
            return
        if outcome is None:
            description = ""
        elif outcome.change is not None:
            description = outcome.change.description
        else:
            description = ""
        index = None
        if outcome is not None:
            # Undo returns to an analysis shown before: its index, when still kept, is reused.
            earlier = self._index_history[-1] if self._index_history else None
            if verb == "undo" and earlier is not None and earlier.analysis is outcome.analysis:
                index = earlier
            else:
                # Texts of unchanged findings come from the shown index (which keeps them
                # alive, so their ids hold). Few collector passes meanwhile: a full one over
                # the new index's objects would hold the GIL and stall the UI thread.
                with fewer_collections():
                    index = EdgeIndex.build(outcome.analysis, self.index)
        self.post_message(WhatIfApplied(outcome, verb, description, index, generation))

    @on(WhatIfApplied)
    def _whatif_applied(self, message: WhatIfApplied) -> None:
        if message.generation != self._whatif_generation:
            return  # superseded or cancelled meanwhile
        self._whatif_done()
        outcome, session = message.outcome, self.session
        if outcome is None or message.index is None or session is None:
            self.notify(f"nothing to {message.verb}", timeout=2)
            return
        try:
            diff = session.commit(outcome)
        except IamExploreError as exc:
            self.notify(str(exc), title="What-if dropped", severity="warning")
            return
        if message.verb == "undo":
            if self._index_history:
                self._index_history.pop()
        elif self.index is not None:
            self._index_history.append(self.index)
            # The last few only: each holds a table of every finding (rebuilt when needed).
            for i in range(max(0, len(self._index_history) - INDEXES_KEPT)):
                self._index_history[i] = None
        self.index = message.index
        self.diff_label = "what-if"
        self.main.show_diff(diff, self.index, [c.description for c in session.history])
        keep_frozen()
        self.last_diff_seconds = diff.seconds
        verb = {"apply": "what-if", "undo": "undone", "redo": "redone"}[message.verb]
        added = sum(1 for f in diff.added if not f.source_is_admin)
        removed = sum(1 for f in diff.removed if not f.source_is_admin)
        self.notify(
            f"{message.description}: +{added} / -{removed} edges ({diff.seconds:.2f}s)",
            title=verb,
            timeout=6,
        )

    def export(self, directory: str) -> None:
        if self.session is None:
            self.notify("what-if is not available", severity="error")
            return
        if not directory:
            self.notify("usage: :export DIR", severity="error")
            return
        if not self.session.modified:
            self.notify("nothing to export: no what-if change", severity="warning")
            return
        try:
            written = self.session.export(Path(directory).expanduser())
        except (OSError, IamExploreError) as exc:
            self.notify(str(exc), title="Export failed", severity="error")
            return
        names = ", ".join(p.name for p in written) or "nothing"
        self.notify(f"wrote {len(written)} file(s) to {directory}: {names}", title="Exported")

    def open_denial(self) -> None:
        from tui.screens.denial import DenialScreen, example_for

        if self.session is None:
            self.notify("explaining a denial needs the account loaded", severity="warning")
            return
        example = None if self.live_mode else example_for(self.snapshot)
        screen = DenialScreen(self.session, example=example)
        self.push_screen(screen, self._denial_done)

    def _denial_done(self, result: DenialScreen.FixChosen | None) -> None:
        """The denial screen returns the suggested fix (an inline policy to add on the
        principal): try it as a what-if."""
        if result is None:
            return
        try:
            change = add_inline_policy(
                result.principal_arn, result.policy_name, result.document_text
            )
        except IamExploreError as exc:
            self.notify(str(exc), title="Cannot apply the fix", severity="error")
            return
        self.apply_change(change)

    # -- live accounts --------------------------------------------------------------------

    def save_snapshot(self, path: str | None = None) -> None:
        """``s``: write the live account's snapshot (asks for a path)."""
        if self.live is None:
            self.notify("only a live account (--profile) can be saved", severity="warning")
            return
        if path:
            self._write_snapshot(path)
            return
        from tui.screens.prompt import PromptScreen

        stamp = time.strftime("%Y%m%d-%H%M%S")
        default = f"{self.live.account_id}-{stamp}.json"
        self.push_screen(PromptScreen("Save the snapshot to:", default), self._write_snapshot)

    def _write_snapshot(self, path: str | None) -> None:
        if not path:
            return
        from core.load import live as aws

        if self.live is None:
            return
        try:
            written = aws.write_snapshot(self.live, Path(path).expanduser())
        except (OSError, IamExploreError) as exc:
            self.notify(str(exc), title="Cannot save", severity="error")
            return
        self.notify(f"saved {written}", title="Snapshot saved")

    # -- command palette ------------------------------------------------------------------

    def action_command_palette(self) -> None:
        """``ctrl+p``: Textual's palette, with its PageUp crash worked around."""
        from tui.guard import SafeCommandPalette

        if self.use_command_palette and not SafeCommandPalette.is_open(cast("App[object]", self)):
            self.push_screen(SafeCommandPalette(id="--command-palette"))

    def action_show_problems(self) -> None:
        self.show_problems()
