"""Visitors over the event list: one walk feeds every output format.

Modelled on python-chess's ``pgn.BaseVisitor``: :func:`walk` calls
``begin``, then for each day ``begin_day`` / ``visit`` (dispatched to
``visit_<kind>``, falling back to ``visit_other``) / ``end_day``, then ``end``,
and returns each visitor's ``result()``.

:class:`Parts` is what renderers need besides events (the scenario spec for
display names, optionally the compiled static tables, the summary and the
per-day history); :func:`as_parts` builds it from a ``Campaign`` or from
loose pieces.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from stavka.engine.records import Event

R = TypeVar("R")


@dataclass
class Parts:
    """What a chronicle is made from. Only ``events`` and ``spec`` are required."""

    events: Sequence[Event]
    spec: Any  # stavka.scenario.schema.Scenario
    static: Any = None  # stavka.world.static.Static
    summary: dict[str, Any] | None = None
    history: Any = None  # stavka.api.History
    seed: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def as_parts(src: Any) -> Parts:
    """A :class:`Parts` from a ``Campaign``, a ``Parts``, a mapping of its fields,
    or a tuple ``(events, spec_or_static[, summary])``."""
    if isinstance(src, Parts):
        return src
    if hasattr(src, "events") and hasattr(src, "static"):  # a Campaign
        st = src.static
        return Parts(events=list(src.events), spec=st.spec, static=st,
                     summary=src.summary() if hasattr(src, "summary") else None,
                     history=getattr(src, "history", None), seed=getattr(src, "seed", None))
    if isinstance(src, Mapping):
        d = dict(src)
        if "spec" not in d and d.get("static") is not None:
            d["spec"] = d["static"].spec
        return Parts(**d)
    if isinstance(src, tuple) and len(src) in (2, 3):
        events, sp = src[0], src[1]
        static = sp if hasattr(sp, "spec") and hasattr(sp, "node_ids") else None
        spec = static.spec if static is not None else sp
        return Parts(events=list(events), spec=spec, static=static,
                     summary=src[2] if len(src) == 3 else None)
    raise TypeError(f"cannot make a chronicle from {type(src).__name__}: pass a Campaign, "
                    "a Parts, a mapping or (events, spec[, summary])")


class EventVisitor(Generic[R]):
    """Base visitor. Override ``visit_<kind>`` for the kinds you care about."""

    parts: Parts | None = None

    def begin(self, parts: Parts | None) -> None:
        self.parts = parts

    def begin_day(self, date: dt.date, day: int, replica: int) -> None:
        pass

    def visit(self, ev: Event) -> None:
        name = "visit_" + ev.kind
        meth = getattr(self, name, None) if name.isidentifier() else None
        (meth or self.visit_other)(ev)

    def visit_other(self, ev: Event) -> None:
        """Fallback for kinds without a ``visit_<kind>`` method."""

    def end_day(self, date: dt.date, day: int, replica: int) -> None:
        pass

    def end(self) -> None:
        pass

    def result(self) -> R:
        return None  # type: ignore[return-value]


def walk(events: Iterable[Event], *visitors: EventVisitor[Any], parts: Parts | None = None
         ) -> list[Any]:
    """Feed ``events`` (in order) to every visitor in one pass; return their results.

    Days are delimited by changes of (replica, day) between consecutive events.
    """
    for v in visitors:
        v.begin(parts)
    cur: tuple[int, int] | None = None
    cur_date: dt.date | None = None
    for ev in events:
        key = (ev.replica, ev.day)
        if key != cur:
            if cur is not None and cur_date is not None:
                for v in visitors:
                    v.end_day(cur_date, cur[1], cur[0])
            cur, cur_date = key, ev.date
            for v in visitors:
                v.begin_day(ev.date, ev.day, ev.replica)
        for v in visitors:
            v.visit(ev)
    if cur is not None and cur_date is not None:
        for v in visitors:
            v.end_day(cur_date, cur[1], cur[0])
    for v in visitors:
        v.end()
    return [v.result() for v in visitors]


class KeyDatesVisitor(EventVisitor[list[tuple[int, str]]]):
    """Days worth a map: the first capture, encirclement, surrender, war, landing from
    the sea and fall of a victory region. Result: sorted ``[(day, caption), ...]``."""

    def __init__(self, vp_nodes: Iterable[str] = (), names: Mapping[str, str] | None = None):
        self.vp_nodes = set(vp_nodes)
        self.names = dict(names or {})
        self.found: dict[str, tuple[int, str]] = {}

    def _note(self, key: str, day: int, caption: str) -> None:
        self.found.setdefault(key, (day, caption))

    def _place(self, ev: Event) -> str:
        return self.names.get(ev.place or "", ev.place or "?")

    def visit_capture(self, ev: Event) -> None:
        self._note("capture", ev.day, f"first capture: {self._place(ev)}")
        if ev.place in self.vp_nodes:
            self._note("vp_capture", ev.day, f"{self._place(ev)} falls")

    def visit_encircled(self, ev: Event) -> None:
        self._note("encircled", ev.day, f"first encirclement: {self._place(ev)}")

    def visit_surrender(self, ev: Event) -> None:
        self._note("surrender", ev.day, f"first surrender: {self._place(ev)}")

    def visit_landing(self, ev: Event) -> None:
        self._note("landing", ev.day, f"first landing: {self._place(ev)}")

    def visit_war(self, ev: Event) -> None:
        if ev.day > 0:
            self._note("war", ev.day, "declaration of war")

    def visit_victory(self, ev: Event) -> None:
        self._note("victory", ev.day, f"{self._place(ev)} falls: sudden death")

    def result(self) -> list[tuple[int, str]]:
        by_day: dict[int, list[str]] = {}
        for day, cap in sorted(self.found.values()):
            by_day.setdefault(day, []).append(cap)
        out = []
        for day, caps in sorted(by_day.items()):
            caps = [c for c in caps if not (c.startswith("first capture: ")
                                            and f"{c[15:]} falls" in caps)]
            out.append((day, "; ".join(caps)))
        return out
