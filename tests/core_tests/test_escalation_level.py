"""The Escalation enum: every Finding.escalation string has one level, ranked and worded."""

from __future__ import annotations

from typing import get_args

import pytest

from core.escalate.escalation_level import Escalation
from core.escalate.findings import Escalation as EscalationString


def test_every_finding_escalation_string_has_a_level() -> None:
    assert {Escalation.of(v).value for v in get_args(EscalationString)} == set(
        get_args(EscalationString)
    )


def test_rank_orders_admin_above_gain_above_none() -> None:
    ordered = sorted(Escalation, key=lambda e: -e.rank)
    assert ordered == [Escalation.ADMIN, Escalation.GAIN, Escalation.NONE]


def test_tags_read_without_colour() -> None:
    assert [e.tag for e in Escalation] == ["▲ ADMIN", "△ GAIN", "· none"]


def test_an_unknown_string_is_refused() -> None:
    with pytest.raises(ValueError):
        Escalation.of("root")
