"""App-wide messages: results of thread workers, posted to the app (STYLE.md, practice 9).

Widget-specific messages live nested in their widget classes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from core.escalate.analysis import Analysis
from core.explain.whatif import Change, Outcome, Session
from core.model.account import Account
from tui.widgets.index import EdgeIndex

if TYPE_CHECKING:  # boto3 loads only for live accounts
    from core.load.live import FetchResult
    from core.report.diff import AnalysisDiff


@dataclass
class LoadProgress(Message):
    """A coalesced progress step from a worker.

    Attributes:
        stage: ``reading``, ``fetching``, ``loading`` or ``analysing`` (plus the core's stage).
        done: units done so far.
        total: units in all (0 when unknown).
        work: ``load`` (the loading panel shows it) or ``whatif`` (the status line does).
    """

    stage: str
    done: int
    total: int
    work: str = "load"


@dataclass
class AccountRead(Message):
    """The load worker read the account and starts analysing it: the explorer shows the
    account (:meth:`tui.widgets.index.EdgeIndex.pending`) while the analysis runs."""

    index: EdgeIndex


@dataclass
class AccountLoaded(Message):
    """The load worker finished: the account and its analysis are ready.

    Attributes:
        account: the loaded account.
        analysis: its analysis.
        session: a what-if session over the account.
        live: the live fetch result when the account came from AWS (for ``s`` save).
        seconds: how long loading and analysing took.
        index: the Edges index of the analysis (built in the worker).
        compared: ``--compare``: the marks of the differences since the baseline.
    """

    account: Account
    analysis: Analysis
    session: Session | None = None
    live: FetchResult | None = None
    seconds: float = 0.0
    index: EdgeIndex | None = None
    compared: AnalysisDiff | None = None


@dataclass
class WhatIfApplied(Message):
    """A what-if change, undo or redo was computed (not yet committed to the session).

    Attributes:
        outcome: the computed step (``None`` when there was nothing to undo/redo).
        verb: ``apply``, ``undo`` or ``redo``.
        description: the change's description.
        index: the Edges index of the new analysis (built in the worker).
        generation: the request it answers; an older one than the app's latest is dropped.
    """

    outcome: Outcome | None
    verb: str
    description: str
    index: EdgeIndex | None
    generation: int


@dataclass
class SnapshotChanged(Message):
    """The snapshot file changed on disk since it was loaded."""

    path: str


@dataclass
class RunCommand(Message):
    """A screen asks the app to run a ``:`` command (``tui.command_table``)."""

    text: str


@dataclass
class ApplyChange(Message):
    """A screen chose a what-if change for the app to apply."""

    change: Change


@dataclass
class CancelLoad(Message):
    """The user cancelled the running load (escape)."""
