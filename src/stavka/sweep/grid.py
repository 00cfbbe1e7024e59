"""The parameter grid of a sweep: ``--vary NAME=VALUES`` parsed, checked and multiplied out.

VALUES is a comma list (``0,6,12,18``; dates, floats, bools and ``none`` for a
date are allowed) or an integer range ``LO..HI`` / ``LO..HI:STEP`` (both ends
included). Every value is converted and range-checked by the scenario's own
:func:`stavka.world.static.coerce_param`, the same rule ``stavka run --set`` uses.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from stavka import rules
from stavka.errors import InputError, StavkaError, UnknownIdError, did_you_mean
from stavka.scenario.loader import Loaded
from stavka.world.static import coerce_param, coerce_rule

_RANGE = re.compile(r"^\s*(-?[0-9]+)\s*\.\.\s*(-?[0-9]+)\s*(?::\s*([0-9]+)\s*)?$")
_MAX_RANGE = 100_000


def expand_values(text: str) -> list[str]:
    """The raw items of a VALUES string: ``"0..6:3"`` -> ``["0", "3", "6"]``, ``"a,b"`` -> ``["a", "b"]``.

    Raises :class:`InputError` for an empty range, a zero step or an empty item.
    """
    if ".." in text:
        m = _RANGE.match(text)
        if m is None:
            raise InputError(f"malformed range {text!r}: use LO..HI or LO..HI:STEP with integers")
        lo, hi = int(m.group(1)), int(m.group(2))
        step = int(m.group(3)) if m.group(3) is not None else 1
        if step < 1:
            raise InputError(f"range {text!r}: step must be >= 1 (got {step})")
        if hi < lo:
            raise InputError(f"range {text!r} is empty ({lo} > {hi})")
        if (hi - lo) // step + 1 > _MAX_RANGE:
            raise InputError(f"range {text!r} has more than {_MAX_RANGE:,} values")
        return [str(v) for v in range(lo, hi + 1, step)]
    items = [s.strip() for s in text.split(",")]
    if not text.strip() or any(not s for s in items):
        raise InputError(f"malformed value list {text!r}: use V1,V2,... with no empty items")
    return items


@dataclass(frozen=True)
class Grid:
    """Varied parameters in the order given, each with its values; combinations are their product.

    Combination ``i`` is the ``i``-th element of ``itertools.product`` over the
    values (the last parameter varies fastest).
    """

    names: tuple[str, ...]
    values: tuple[tuple[Any, ...], ...]

    @property
    def size(self) -> int:
        """Number of combinations (1 when nothing is varied)."""
        n = 1
        for v in self.values:
            n *= len(v)
        return n

    def combos(self) -> list[dict[str, Any]]:
        """Parameter overrides of every combination, in index order."""
        return [dict(zip(self.names, vals, strict=True))
                for vals in itertools.product(*self.values)]

    def as_json(self) -> list[list[Any]]:
        """``[[name, [value, ...]], ...]`` with values in their JSON form."""
        return [[n, [json_value(v) for v in vals]]
                for n, vals in zip(self.names, self.values, strict=True)]


def json_value(v: Any) -> Any:
    """A parameter value as JSON: dates as ISO strings, the rest as they are."""
    return v.isoformat() if isinstance(v, dt.date) else v


def text_value(v: Any) -> str:
    """A parameter value as a CSV cell: ISO date, ``true``/``false``, ``""`` for none."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.date):
        return v.isoformat()
    return repr(v) if isinstance(v, float) else str(v)


def _named(items: Iterable[str], flag: str, what: str, strip: bool) -> dict[str, str]:
    """``NAME=WHAT`` items of option ``flag`` as a mapping; a name given twice is an error."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise InputError(f"{flag} expects NAME={what} (got {item!r})")
        if name in out:
            raise InputError(f"{flag} {name} given twice")
        out[name] = value.strip() if strip else value
    return out


def parse_sets(items: Iterable[str]) -> dict[str, str]:
    """``--set NAME=VALUE`` items as a mapping (values checked by the scenario); a name
    given twice is an error, as for ``--vary``."""
    return _named(items, "--set", "VALUE", strip=True)


def parse_vary(items: Iterable[str]) -> dict[str, str]:
    """``["a=0..3", "b=x,y"]`` -> ``{"a": "0..3", "b": "x,y"}``; a name given twice is an error."""
    return _named(items, "--vary", "VALUES", strip=False)


def make_grid(loaded: Loaded, vary: Mapping[str, str | Sequence[Any]]) -> Grid:
    """Check names and values against the scenario's parameters (or, for ``rules.NAME``,
    the rule's bounds: :mod:`stavka.rules`) and build the grid.

    A value spec is a VALUES string or a sequence of values (strings are coerced
    like CLI input). Errors name the parameter and quote the offending input.
    """
    params = loaded.spec.parameters
    names: list[str] = []
    values: list[tuple[Any, ...]] = []
    for name, spec in vary.items():
        is_rule = isinstance(name, str) and name.startswith(rules.PREFIX)
        if not is_rule and name not in params:
            raise UnknownIdError(
                f"--vary: unknown parameter '{name}'{did_you_mean(name, list(params))}"
                f"; scenario '{loaded.spec.id}' has: {', '.join(params) or 'none'}")
        try:
            raw: Sequence[Any] = expand_values(spec) if isinstance(spec, str) else list(spec)
        except InputError as exc:
            raise InputError(f"--vary {name}: {exc}") from None
        if not raw:
            raise InputError(f"--vary {name}: no values")
        try:
            vals = [coerce_rule(name, r) if is_rule else coerce_param(name, params[name], r)
                    for r in raw]
        except StavkaError as exc:
            raise InputError(f"--vary {name}: {exc}") from None
        seen: set[Any] = set()
        for v in vals:
            if v in seen:
                raise InputError(f"--vary {name}: value {text_value(v) or 'none'} given twice")
            seen.add(v)
        names.append(name)
        values.append(tuple(vals))
    return Grid(tuple(names), tuple(values))
