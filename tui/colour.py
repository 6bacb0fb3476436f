"""Whether to use colour: ``NO_COLOR`` (https://no-color.org) and monochrome terminals.

Rich already drops colour for ``TERM=dumb`` and Textual honours ``NO_COLOR``; this adds the
terminfo convention that a ``-mono`` (or ``-m``) suffix names a terminal without colour
(``xterm-mono``); the explorer (``tui.commands.explore``) and every CLI console
(``tui.safe_text.console``) follow :func:`no_colour`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

MONO_TERMS = frozenset({"dumb", "unknown"})
"""``TERM`` values of terminals without colour (besides the ``-mono`` / ``-m`` suffixes)."""


def no_colour(environ: Mapping[str, str] | None = None) -> bool:
    """True when output must not be coloured: ``NO_COLOR`` set, or a monochrome ``TERM``."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR", "") != "":
        return True
    term = env.get("TERM", "").lower()
    return term in MONO_TERMS or term.endswith(("-mono", "-m"))
