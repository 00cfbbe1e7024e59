"""Typed records that cross the engine's boundary: orders in, events out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from stavka.enums import ACTIONS, NEEDS_TARGET, NO_TARGET
from stavka.errors import IllegalOrderError, shown_text

#: Orders a player or script may give (:data:`stavka.enums.Action`); ``target`` is a node
#: id where needed.
ORDER_ACTIONS: tuple[str, ...] = ACTIONS[1:]
#: A player's answer to a diplomatic request: ``Order.parse('telegrams accept')`` (the
#: request's id in place of a formation; stavka.engine.diplomacy).
ANSWERS: tuple[str, ...] = ("accept", "refuse", "counter")
#: Player orders to something else than a formation (:mod:`stavka.engine.special_orders`):
#: ``FLEET fleet_move ZONE``; ``LANDING land`` (a landing of the sea block) or ``FLEET land
#: TARGET FORMATION...`` (an ad-hoc landing); ``SIDE raise_partisans REGION DETACHMENTS``.
SPECIAL: tuple[str, ...] = ("fleet_move", "land", "raise_partisans")
#: The most detachments one ``raise_partisans`` order raises (the partisans effect's bound,
#: :data:`stavka.scenario.schema.MAX_DETACHMENTS`).
MAX_ORDER_DETACHMENTS = 100_000
_SYNTAX = {
    "fleet_move": "FLEET fleet_move ZONE",
    "land": "LANDING land' or 'FLEET land TARGET FORMATION [FORMATION...]",
    "raise_partisans": "SIDE raise_partisans REGION DETACHMENTS",
}


@dataclass(frozen=True)
class Order:
    """An order to one formation. ``repr`` round-trips: ``Order.parse('sov_16a attack vyazma')``.

    ``formation`` is the order's subject: a formation; for an answer, a request; for the
    orders of :data:`SPECIAL`, a fleet, a landing or a side. ``more`` holds the words after
    the target: the troops of an ad-hoc landing, the detachments raised."""

    formation: str
    action: str
    target: str | None = None
    more: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        """Raise :class:`IllegalOrderError` for an unknown action, for a move, attack
        or rail order without a target region, or for words that do not fit the action."""
        self._check_types()
        if self.action in SPECIAL:
            self._check_special()
            return
        if self.more:
            raise IllegalOrderError(f"order '{self.shown()}': expected 'FORMATION ACTION "
                                    f"[TARGET]' ({3 + len(self.more)} words given)")
        if self.action in ANSWERS:
            if self.target is not None:
                raise IllegalOrderError(f"order '{self.shown()}': an answer is 'REQUEST "
                                        f"{'|'.join(ANSWERS)}' (no target)")
            return
        if self.action not in ORDER_ACTIONS:
            raise IllegalOrderError(
                f"order '{self.shown()}': unknown action '{shown_text(self.action, 40)}' "
                f"(one of {', '.join(ORDER_ACTIONS)}; {', '.join(SPECIAL)}; or "
                f"{', '.join(ANSWERS)} to answer a request)")
        if self.action in NEEDS_TARGET and not self.target:
            raise IllegalOrderError(f"order '{self.shown()}': '{self.action}' needs a target node")
        if self.action in NO_TARGET and self.target is not None:
            raise IllegalOrderError(f"order '{self.shown()}': '{self.action}' takes no target "
                                    f"(the formation stays where it is)")

    def _check_types(self) -> None:
        """Every part of an order is a word: an Order built in Python may hold anything
        (raises :class:`IllegalOrderError` naming the part and what it holds)."""
        parts = (("formation", self.formation), ("action", self.action),
                 ("target", self.target))
        for name, v in parts:
            if not isinstance(v, str) and not (name == "target" and v is None):
                raise IllegalOrderError(f"an order's {name} is a word (got "
                                        f"{type(v).__name__} {shown_text(repr(v), 40)})")
        if not isinstance(self.more, tuple) or not all(isinstance(w, str) for w in self.more):
            raise IllegalOrderError(f"an order's more is a tuple of words (got "
                                    f"{type(self.more).__name__} "
                                    f"{shown_text(repr(self.more), 40)})")

    def _check_special(self) -> None:
        a = self.action
        syntax = f"order '{self.shown()}': expected '{_SYNTAX[a]}'"
        if a == "fleet_move" and (not self.target or self.more):
            raise IllegalOrderError(f"{syntax}: a fleet sails to one sea zone")
        if a == "land" and self.target and not self.more:
            raise IllegalOrderError(f"{syntax}: an ad-hoc landing names the formations it "
                                    f"carries")
        if a == "land" and self.more and not self.target:
            raise IllegalOrderError(syntax)
        if a == "raise_partisans":
            if not self.target or len(self.more) != 1:
                raise IllegalOrderError(syntax)
            n = self.more[0]
            if not (n.isascii() and n.isdigit()) or not 1 <= int(n) <= MAX_ORDER_DETACHMENTS:
                raise IllegalOrderError(f"order '{self.shown()}': detachments must be a whole "
                                        f"number from 1 to {MAX_ORDER_DETACHMENTS:,} (got "
                                        f"'{shown_text(n, 40)}')")

    @property
    def is_answer(self) -> bool:
        """Whether this is a player's answer to a request (``REQUEST accept``)."""
        return self.action in ANSWERS

    @property
    def is_special(self) -> bool:
        """Whether this is an order of :data:`SPECIAL` (to a fleet, a landing or a side)."""
        return self.action in SPECIAL

    @property
    def is_formation(self) -> bool:
        """Whether this is an order to a formation (``FORMATION ACTION [TARGET]``)."""
        return self.action in ORDER_ACTIONS

    @property
    def detachments(self) -> int:
        """The detachments a ``raise_partisans`` order raises."""
        return int(self.more[0])

    def key(self) -> str:
        """What a later order of the day replaces when orders are staged (the war room):
        the formation's (or request's) order, a fleet's move, a landing of the sea block,
        a fleet's landing on one region, a side's partisans raised in one region."""
        if self.action in ("land", "raise_partisans") and self.target:
            return f"{self.formation} {self.action} {self.target}"
        return f"{self.formation} {self.action}" if self.is_special else self.formation

    def text(self) -> str:
        """The order as written in an order file or at the prompt:
        ``FORMATION ACTION [TARGET]`` (what :meth:`parse` reads back)."""
        return " ".join(x for x in (self.formation, self.action, self.target, *self.more) if x)

    def shown(self) -> str:
        """:meth:`text` for an error message: non-printable characters escaped, cut to
        one short line (the ids may be anything a player typed)."""
        return shown_text(self.text())

    def __str__(self) -> str:
        """The order as written: see :meth:`text`."""
        return self.text()

    @classmethod
    def parse(cls, text: str) -> Order:
        """Parse ``"formation action [target]"`` (or an order of :data:`SPECIAL`, whose
        words are ``SUBJECT ACTION [TARGET [MORE...]]``); raises IllegalOrderError on bad
        syntax."""
        parts = text.split()
        if len(parts) >= 2 and parts[1] in SPECIAL:
            return cls(parts[0], parts[1], parts[2] if len(parts) > 2 else None,
                       tuple(parts[3:]))
        if len(parts) not in (2, 3):
            raise IllegalOrderError(
                f"order '{shown_text(text)}': expected 'FORMATION ACTION [TARGET]' "
                f"({len(parts)} words given)")
        return cls(parts[0], parts[1], parts[2] if len(parts) == 3 else None)

    def __repr__(self) -> str:
        """``Order.parse('FORMATION ACTION [TARGET]')``: evaluates back to an equal order."""
        return f"Order.parse({self.text()!r})"


@dataclass(frozen=True)
class Event:
    """One thing that happened: a dated, typed record.

    ``kind`` is stable (``capture``, ``battle``, ``encircled``, ``surrender``,
    ``retreat``, ``war``, ``rail_depart``, ``rail_arrive``, ``reinforcement``,
    ``mobilised``, ``delivery``, ``weather``, ``river``, ``dispatch``, ``request``,
    ``order_rejected``, ``order_overridden``, ``victory``, ``attack_ordered``, ``hold_ordered``, and the
    diplomacy kinds of :data:`stavka.engine.diplomacy.KINDS`: ``request_sent``,
    ``request_answered``, ``agreement_signed``, ``agreement_kept``, ``agreement_broken``,
    ``contract_signed``, ``contract_cancelled``, ``lot_*``, ``neutral_enters``); ``values``
    holds numbers (men, km, ...) and, for diplomacy, the ``text`` and ``reason``.
    Renderers (chronicle, JSONL, web feed) are visitors over these records.
    """

    kind: str
    day: int
    date: dt.date
    replica: int = 0
    place: str | None = None
    side: str | None = None
    subjects: tuple[str, ...] = ()
    values: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (the date as ISO ``YYYY-MM-DD``); :meth:`from_dict` reads it."""
        return {
            "kind": self.kind, "day": self.day, "date": self.date.isoformat(),
            "replica": self.replica, "place": self.place, "side": self.side,
            "subjects": list(self.subjects), "values": self.values,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Event:
        """The event :meth:`to_dict` wrote. Raises ``KeyError`` if ``kind``, ``day`` or
        ``date`` is missing, ``ValueError`` if ``day`` is not an integer or ``date`` not
        an ISO date."""
        return cls(kind=d["kind"], day=int(d["day"]), date=dt.date.fromisoformat(d["date"]),
                   replica=int(d.get("replica", 0)), place=d.get("place"), side=d.get("side"),
                   subjects=tuple(d.get("subjects", ())), values=dict(d.get("values", {})))

    def __repr__(self) -> str:
        """``Event.from_dict({...})``: evaluates back to an equal event."""
        return f"Event.from_dict({self.to_dict()!r})"
