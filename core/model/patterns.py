"""Wildcard patterns for actions, ARNs and ``StringLike`` values, compiled once and cached.

Rules (IAM User Guide, "IAM JSON policy elements: Action" and "...: Resource"):
- action names are case-insensitive, ``*`` matches any run of characters and ``?`` one character;
- resource ARNs are case-sensitive; ``*`` and ``?`` work inside any colon-separated segment, and
  a ``*`` that ends a segment (is followed by ``:`` or ends the pattern) can match across colons.
- ``StringLike`` is case-sensitive and its ``*``/``?`` match any characters, colons included.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

Part = tuple[str, bool]
"""A piece of a pattern: ``(text, is_pattern)``; literal pieces come from policy variables."""


def _glob(text: str, *, arn: bool) -> str:
    out: list[str] = []
    n = len(text)
    for i, ch in enumerate(text):
        if ch == "*":
            if arn and i + 1 < n and text[i + 1] != ":":
                out.append("[^:]*")
            else:
                out.append(".*")
        elif ch == "?":
            out.append("[^:]" if arn else ".")
        else:
            out.append(re.escape(ch))
    return "".join(out)


@lru_cache(maxsize=65536)
def action_regex(pattern: str) -> re.Pattern[str]:
    """Regex for an action pattern such as ``iam:Pass*`` (case-insensitive)."""
    return re.compile(_glob(pattern.lower(), arn=False), re.DOTALL)


def action_matches(pattern: str, action: str) -> bool:
    """Whether an action pattern matches an action name, ignoring case."""
    if pattern == "*":
        return True
    if "*" not in pattern and "?" not in pattern:
        return pattern.lower() == action.lower()
    return action_regex(pattern).fullmatch(action.lower()) is not None


@lru_cache(maxsize=65536)
def arn_regex(pattern: str) -> re.Pattern[str]:
    """Regex for a Resource ARN pattern (case-sensitive)."""
    return re.compile(_glob(pattern, arn=True), re.DOTALL)


def arn_matches(pattern: str, arn: str) -> bool:
    """Whether a Resource element value matches an ARN (case-sensitive)."""
    if pattern == "*":
        return True
    if "*" not in pattern and "?" not in pattern:
        return pattern == arn
    return arn_regex(pattern).fullmatch(arn) is not None


@lru_cache(maxsize=65536)
def like_regex(pattern: str, ignore_case: bool = False) -> re.Pattern[str]:
    """Regex for a ``StringLike`` value (``*``/``?`` span any characters)."""
    return re.compile(_glob(pattern, arn=False), re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def parts_regex(parts: Sequence[Part], *, arn: bool, ignore_case: bool = False) -> re.Pattern[str]:
    """Regex for a pattern assembled from pattern text and literal (substituted) pieces."""
    return _parts_regex(tuple(parts), arn, ignore_case)


@lru_cache(maxsize=16384)
def _parts_regex(parts: tuple[Part, ...], arn: bool, ignore_case: bool) -> re.Pattern[str]:
    # A segment-final '*' is judged on the joined text, so join with literal markers.
    chunks: list[str] = []
    joined = "".join(t for t, _ in parts)
    pos = 0
    for text, is_pattern in parts:
        if not is_pattern:
            chunks.append(re.escape(text))
        else:
            for j, ch in enumerate(text):
                at = pos + j
                if ch == "*":
                    nxt = joined[at + 1] if at + 1 < len(joined) else ":"
                    chunks.append("[^:]*" if arn and nxt != ":" else ".*")
                elif ch == "?":
                    chunks.append("[^:]" if arn else ".")
                else:
                    chunks.append(re.escape(ch))
        pos += len(text)
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.compile("".join(chunks), flags)
