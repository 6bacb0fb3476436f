"""App-wide messages: results of thread workers, posted to the app (STYLE.md, practice 9).

Widget-specific messages live nested in their widget classes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message

from core.analysis import Analysis
from core.model import Account


@dataclass
class LoadProgress(Message):
    """A coalesced progress step from the load worker.

    Attributes:
        stage: ``reading``, ``fetching``, ``loading`` or ``analysing`` (plus the core's stage).
        done: units done so far.
        total: units in all (0 when unknown).
    """

    stage: str
    done: int
    total: int


@dataclass
class AccountLoaded(Message):
    """The load worker finished: the account and its analysis are ready.

    Attributes:
        account: the loaded account.
        analysis: its analysis.
        session: a what-if session over the account (``None`` when what-ifs are unavailable).
        live: the live fetch result when the account came from AWS (for ``s`` save).
        seconds: how long loading and analysing took.
    """

    account: Account
    analysis: Analysis
    session: Any = None
    live: Any = None
    seconds: float = 0.0


@dataclass
class WhatIfApplied(Message):
    """A what-if change, undo or redo finished.

    Attributes:
        diff: the ``core.whatif.Diff`` (``None`` when there was nothing to undo/redo).
        verb: ``apply``, ``undo`` or ``redo``.
        description: the change's description.
    """

    diff: Any
    verb: str
    description: str = ""


@dataclass
class SnapshotChanged(Message):
    """The snapshot file changed on disk since it was loaded."""

    path: str
