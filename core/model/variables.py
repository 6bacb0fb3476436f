"""Policy variables: ``${aws:username}``, ``${aws:PrincipalTag/team, 'default'}``, ``${*}``.

IAM User Guide, "IAM policy elements: Variables and tags": variables are replaced only when the
policy's ``Version`` is ``2012-10-17`` (otherwise the text is literal); ``${*}``, ``${?}`` and
``${$}`` stand for the literal characters; a variable whose key has no value in the request makes
the statement that holds it invalid ("If AWS cannot resolve a variable this might cause the
entire statement to be invalid"): it does not apply, also through ``NotResource`` or a negated
operator, unless a default is given (or, in a condition, ``...IfExists``); multivalued keys
cannot be used as variables. A substituted value is literal text (its ``*`` is not a wildcard).
"""

from __future__ import annotations

import re
from typing import Final

from core.model.context import UNKNOWN, RequestContext, _Unknown
from core.model.patterns import Part

VERSION_2012: Final = "2012-10-17"

_VAR = re.compile(r"\$\{([^}]*)\}")
_DEFAULT = re.compile(r"^\s*([^,\s]+)\s*,\s*'([^']*)'\s*$")
_SPECIAL: Final = {"*": "*", "?": "?", "$": "$"}


def has_variables(text: str) -> bool:
    """Whether the text holds a ``${...}`` policy variable."""
    return "${" in text


def variable_keys(text: str) -> tuple[str, ...]:
    """The context keys the text's variables read (lowercased)."""
    keys: list[str] = []
    for m in _VAR.finditer(text):
        body = m.group(1).strip()
        if body in _SPECIAL:
            continue
        d = _DEFAULT.match(body)
        keys.append((d.group(1) if d else body).lower())
    return tuple(keys)


def substitute(text: str, ctx: RequestContext) -> tuple[Part, ...] | _Unknown | None:
    """Substitute the variables in ``text``.

    Returns:
        the pieces (pattern text, and literal substituted values), ``None`` when a variable has
        no value and no default (the element does not match), or ``UNKNOWN`` when a value is
        unknown during analysis.
    """
    parts: list[Part] = []
    pos = 0
    for m in _VAR.finditer(text):
        if m.start() > pos:
            parts.append((text[pos : m.start()], True))
        pos = m.end()
        body = m.group(1).strip()
        if body in _SPECIAL:
            parts.append((_SPECIAL[body], False))
            continue
        d = _DEFAULT.match(body)
        key, default = (d.group(1), d.group(2)) if d else (body, None)
        found = ctx.lookup(key)
        if found is UNKNOWN:
            return UNKNOWN
        if found is None or isinstance(found, _Unknown) or len(found) != 1:
            if default is None:
                return None
            parts.append((default, False))
        else:
            parts.append((found[0], False))
    if pos < len(text):
        parts.append((text[pos:], True))
    return tuple(parts)


def literal(parts: tuple[Part, ...]) -> str:
    """The substituted text as one string (for exact comparisons)."""
    return "".join(t for t, _ in parts)
