"""The [ / ] history value: back and forward stacks as in a browser."""

from __future__ import annotations

from tui.screens.history import History, Location


def _at(key: str) -> Location:
    return Location("users", key, None, None, None)


def test_back_then_forward_returns_where_one_was() -> None:
    history = History()
    history.remember(_at("a"))
    history.remember(_at("a"))  # the same place twice is one step
    history.remember(_at("b"))
    assert history.step(-1, _at("c")) == _at("b")
    assert history.step(-1, _at("b")) == _at("a")
    assert history.step(-1, _at("a")) is None
    assert history.step(1, _at("a")) == _at("b")
    assert history.step(1, _at("b")) == _at("c")
    assert history.step(1, _at("c")) is None


def test_a_new_move_forgets_what_was_ahead() -> None:
    history = History()
    history.remember(_at("a"))
    assert history.step(-1, _at("b")) == _at("a")
    history.remember(_at("a"))
    assert history.step(1, _at("x")) is None
