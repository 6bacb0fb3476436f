"""The project's own error and problem types."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class IamExploreError(ValueError):
    """Base of every error iam-explore raises on bad input."""


class LoadError(IamExploreError):
    """A fatal problem loading an account: names the file and JSON path."""

    def __init__(self, message: str, *, file: str | None = None, path: str | None = None) -> None:
        self.message = message
        self.file = file
        self.path = path
        super().__init__(self.located())

    def located(self) -> str:
        """The message prefixed with file and JSON path, as shown to users."""
        where = ":".join(p for p in (self.file, self.path) if p)
        return f"{where}: {self.message}" if where else self.message


class PolicyError(IamExploreError):
    """A policy document that cannot be parsed at all (used where one policy is the input)."""


def loads_located(
    text: str,
    error: Callable[[str], IamExploreError],
    not_json: str,
    too_deep: str,
) -> Any:
    """``json.loads(text)``; invalid JSON raises ``error("<not_json>: <why> at line L column
    C")``, JSON nested beyond Python's recursion limit raises ``error(too_deep)``."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(f"{not_json}: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise error(too_deep) from None


@dataclass(frozen=True, slots=True)
class Problem:
    """A non-fatal problem found in one policy: the rest of the account still loads.

    Attributes:
        message: what is wrong, in plain words.
        policy: the policy's name or ARN (or the entity for structural problems).
        path: JSON path inside the input, e.g. ``RoleDetailList[3].AssumeRolePolicyDocument``.
        statement: index of the statement inside the policy, when it is about one.
        file: the input file, when known.
        severity: ``error`` (AWS would reject it) or ``warning`` (suspicious but valid).
    """

    message: str
    policy: str = ""
    path: str = ""
    statement: int | None = None
    file: str = ""
    severity: str = "error"

    def located(self) -> str:
        """One line: where, then what."""
        parts = [p for p in (self.file, self.path) if p]
        where = ":".join(parts)
        if self.statement is not None:
            where += f" Statement[{self.statement}]"
        head = f"{where} ({self.policy})" if self.policy else where
        return f"{head}: {self.message}" if head else self.message
