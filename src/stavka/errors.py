"""The one exception family of stavka.

Every failure a user can cause is a :class:`StavkaError`; the CLI turns each
into one clear line and exit code 2, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class StavkaError(Exception):
    """Base class of every error stavka raises on purpose."""

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    """One located problem in an input file: ``file:line: path: message``."""

    file: str
    line: int | None
    path: str
    message: str

    def _replace_msg(self, message: str) -> Problem:
        return Problem(self.file, self.line, self.path, message)

    def __str__(self) -> str:
        loc = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{loc}: {self.path}: {self.message}" if self.path else f"{loc}: {self.message}"


class ScenarioError(StavkaError):
    """A scenario failed to load; carries *all* its problems at once."""

    #: what failed to load, for the summary line ("N problem(s) in scenario")
    what = "scenario"

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in {self.what}"
        super().__init__(head + "\n" + "\n".join(str(p) for p in self.problems))


class UnknownIdError(StavkaError):
    """A name that does not exist (scenario, parameter, node...), with suggestions."""


class IllegalOrderError(StavkaError):
    """An order that cannot be carried out here and now; the message says why."""


class InputError(StavkaError):
    """Bad input that is not a scenario: a CLI value, a data file, a request."""


def escape(text: str) -> str:
    """``text`` with every non-printable character (newline, escape, bidi control, lone
    surrogate...) written as a Python escape, so a problem stays one honest line."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable():
            out.append(ch)
        else:
            o = ord(ch)
            out.append({"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(
                ch, f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}" if o < 0x10000
                else f"\\U{o:08x}"))
    return "".join(out)


def shown_text(text: str, limit: int = 120) -> str:
    """User text for a one-line message: :func:`escape`-d and cut to ``limit`` characters."""
    text = escape(str(text))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def quoted(text: str, limit: int = 40) -> str:
    """A user's id in a one-line message: quoted, :func:`escape`-d, cut with ``...``
    (a cut ``repr`` lost its closing quote and could split an escape)."""
    return f"'{shown_text(text, limit)}'"


def did_you_mean(name: str, choices: list[str] | tuple[str, ...]) -> str:
    """Return ``" (did you mean 'x'?)"`` for the closest choice, or ``""``. A choice that
    differs only in case is the closest (``MUD`` -> ``mud``)."""
    import difflib

    options = [str(c) for c in choices]
    folded = [c for c in options if c.casefold() == str(name).casefold()]
    close = folded or difflib.get_close_matches(str(name), options, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def check_count(what: str, value: object, lo: int = 0, hi: int | None = None) -> int:
    """``value`` as an int if it is a whole number of things (days, runs, a seed): an
    ``int`` (or a NumPy integer), not a bool, a float, a string or NaN, within
    ``lo..hi``. Raises :class:`InputError` naming ``what`` otherwise: the one check of
    every count the public API takes."""
    import numbers

    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        try:
            got = repr(value)
        except Exception:  # noqa: BLE001 - a hostile object must not break the message
            got = f"<{type(value).__name__}>"
        raise InputError(f"{what} must be an integer (got {shown_text(got, 60)})")
    n = int(value)

    def show(x: int) -> str:
        return f"{x:,}" if abs(x) < 10**30 else f"an integer of {x.bit_length()} bits"

    if n < lo:
        raise InputError(f"{what} must be >= {lo} (got {show(n)})")
    if hi is not None and n > hi:
        raise InputError(f"{what} must be <= {hi:,} (got {show(n)})")
    return n


#: What pydantic puts into an error's location for a branch of a union (``x.str``,
#: ``x.function-after[...]``): the type tried, not a place in the input.
_BRANCH_NAMES = frozenset({"bool", "date", "float", "str", "int", "list", "list[str]",
                           "dict", "none"})
_BRANCH_PREFIXES = ("function-", "lax-", "constrained-", "tuple[", "literal[")


def without_branches(loc: tuple[object, ...]) -> tuple[object, ...]:
    """A pydantic error location without its union-branch names, so that every branch's
    refusal of one value has the same place (``params.x.str`` and ``params.x.int`` are
    both ``params.x``)."""
    return tuple(q for q in loc if not (isinstance(q, str) and (
        q in _BRANCH_NAMES or q.startswith(_BRANCH_PREFIXES))))
