"""Order legality, one table: :data:`CHECKS` names each condition an order must meet,
with its vectorised test and its worded reason.

:func:`legal` (every formation of every replica at once, for the script's orders) and
:func:`illegal_reason` (one formation, worded, for a player's) are both read off the
table, and so is the movement phase's check when a rail move starts loading
(:func:`passes` with ``only=``). Also here: the checks of an order's names
(:func:`unknown_ids`) and of its owner (:func:`check_owner`), which need no state.
Orders to fleets, landings and partisans take the same path; their conditions are in
:mod:`stavka.engine.special_orders` (the naval phase's own, for fleets and landings).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from stavka.engine.context import Ctx
from stavka.engine.effects import status_words
from stavka.engine.records import Order
from stavka.enums import A_ATTACK, A_MOVE, A_RAIL, ACTIONS, ACTIVE
from stavka.errors import IllegalOrderError, did_you_mean, quoted
from stavka.world.flat import flat
from stavka.world.static import Static

ACTION_CODE = {a: ACTIONS.index(a) for a in ACTIONS}


@dataclass(frozen=True)
class Check:
    """One condition a formation's order must meet.

    ``ok(ctx, r, f, tgt)``: [k] bool for formations ``(r[k], f[k])`` given targets
    ``tgt[k]`` (region index, -1 none); ``reason(ctx, r, f, tgt)``: the worded reason
    for one formation that fails it.
    """

    name: str
    actions: frozenset[int]
    ok: Callable[[Ctx, np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    reason: Callable[[Ctx, int, int, int], str]


_ALL = frozenset(range(1, len(ACTIONS)))


def _in_play(ctx: Ctx, r: np.ndarray, f: np.ndarray, tgt: np.ndarray) -> np.ndarray:
    return flat(ctx.s.status)[r * ctx.st.F + f] == ACTIVE


def _in_play_why(ctx: Ctx, r: int, f: int, tgt: int) -> str:
    return f"formation '{ctx.st.form_ids[f]}' is {status_words(ctx.s, r, f)}"


def _not_there(ctx: Ctx, r: np.ndarray, f: np.ndarray, tgt: np.ndarray) -> np.ndarray:
    return flat(ctx.s.loc)[r * ctx.st.F + f] != tgt


def _rail_route(ctx: Ctx, r: np.ndarray, f: np.ndarray, tgt: np.ndarray) -> np.ndarray:
    st = ctx.st
    return st.rail_next[st.alliance[st.fside[f]], ctx.s.loc[r, f], tgt] >= 0  # type: ignore[no-any-return]


def _rail_route_why(ctx: Ctx, r: int, f: int, tgt: int) -> str:
    st = ctx.st
    return (f"no railway from {st.node_ids[int(ctx.s.loc[r, f])]} to {st.node_ids[tgt]} "
            f"through own territory")


def _rail_held(ctx: Ctx, r: np.ndarray, f: np.ndarray, tgt: np.ndarray) -> np.ndarray:
    """The formation's region and every region of the rail path are held by its alliance."""
    st, s = ctx.st, ctx.s
    al = st.alliance[st.fside[f]]
    loc = s.loc[r, f]
    path = st.rail_path[al, loc, tgt]  # [k, L]
    ends = np.concatenate([np.where(path >= 0, st.ea[np.maximum(path, 0)], -1),
                           np.where(path >= 0, st.eb[np.maximum(path, 0)], -1)], axis=1)
    held = st.alliance[s.owner[r[:, None], np.maximum(ends, 0)]] == al[:, None]
    return np.all(held | (ends < 0), axis=1) & (st.alliance[s.owner[r, loc]] == al)  # type: ignore[no-any-return]


def _rail_held_why(ctx: Ctx, r: int, f: int, tgt: int) -> str:
    st, s = ctx.st, ctx.s
    al = int(st.alliance[st.fside[f]])
    loc = int(s.loc[r, f])
    path = st.rail_path[al, loc, tgt]
    nodes = {loc, *(int(st.ea[e]) for e in path if e >= 0), *(int(st.eb[e]) for e in path if e >= 0)}
    lost = [st.node_ids[n] for n in sorted(nodes) if st.alliance[s.owner[r, n]] != al]
    return f"rail path runs through enemy-held {', '.join(lost)}"


def _land_route(ctx: Ctx, r: np.ndarray, f: np.ndarray, tgt: np.ndarray) -> np.ndarray:
    st = ctx.st
    loc = flat(ctx.s.loc)[r * st.F + f]
    return (flat(st.land_next)[loc * st.N + tgt] >= 0) | (loc == tgt)  # type: ignore[no-any-return]


def _land_route_why(ctx: Ctx, r: int, f: int, tgt: int) -> str:
    st = ctx.st
    return f"no land route from {st.node_ids[int(ctx.s.loc[r, f])]} to {st.node_ids[tgt]}"


def _at_war(ctx: Ctx, r: np.ndarray, f: np.ndarray, tgt: np.ndarray) -> np.ndarray:
    st = ctx.st
    war = np.asarray(ctx.s.at_war.any(axis=-1))  # [R, S]: the side is at war with someone
    return flat(war)[r * st.S + st.fside[f]]  # type: ignore[no-any-return]


def _at_war_why(ctx: Ctx, r: int, f: int, tgt: int) -> str:
    return f"{ctx.st.side_ids[int(ctx.st.fside[f])]} is at war with no one"


#: Every condition on an order, in the order they are checked (the first that fails
#: gives the reason).
CHECKS: tuple[Check, ...] = (
    Check("in_play", _ALL, _in_play, _in_play_why),
    Check("not_there", frozenset({A_RAIL}), _not_there, lambda ctx, r, f, tgt: "already there"),
    Check("rail_route", frozenset({A_RAIL}), _rail_route, _rail_route_why),
    Check("rail_held", frozenset({A_RAIL}), _rail_held, _rail_held_why),
    Check("land_route", frozenset({A_MOVE, A_ATTACK}), _land_route, _land_route_why),
    Check("at_war", frozenset({A_ATTACK}), _at_war, _at_war_why),
)
_BY_NAME = {c.name: c for c in CHECKS}


def passes(ctx: Ctx, r: np.ndarray, f: np.ndarray, act: int, tgt: np.ndarray,
           only: Sequence[str] | None = None) -> np.ndarray:
    """[k] bool: whether formations ``(r[k], f[k])`` may carry out ``act`` toward
    ``tgt[k]``: every applicable check of :data:`CHECKS` (or of the ``only`` named)
    holds. Each check runs on the formations that passed the ones before it."""
    ok = np.ones(r.shape, dtype=bool)
    for c in CHECKS if only is None else [_BY_NAME[n] for n in only]:
        if act in c.actions:
            k = np.flatnonzero(ok)
            ok[k] = c.ok(ctx, r[k], f[k], tgt[k])
    return ok


def legal(ctx: Ctx, act: int, tgt: int, among: np.ndarray | None = None) -> np.ndarray:
    """[R, F] bool: where an order (action code, target region or -1) is legal; with
    ``among`` [R, F] bool, only there (false elsewhere: the checks run on those
    formations alone, as each formation's answer is its own)."""
    R, F = ctx.R, ctx.st.F
    if among is None:
        r, f = np.repeat(np.arange(R), F), np.tile(np.arange(F), R)  # row-major (r, f) pairs
        return passes(ctx, r, f, act, np.full(R * F, tgt)).reshape(R, F)
    out = np.zeros((R, F), dtype=bool)
    r, f = np.nonzero(among)
    out[r, f] = passes(ctx, r, f, act, np.full(r.size, tgt))
    return out


def illegal_reason(ctx: Ctx, r: int, f: int, act: int, tgt: int) -> str | None:
    """Why formation ``f`` cannot carry out ``act`` toward ``tgt`` in replica ``r``: the
    reason of the first check of :data:`CHECKS` it fails, or None if it passes all."""
    ri, fi, ti = np.array([r]), np.array([f]), np.array([tgt])
    for c in CHECKS:
        if act in c.actions and not c.ok(ctx, ri, fi, ti)[0]:
            return c.reason(ctx, r, f, tgt)
    return None


def check(ctx: Ctx, order: Order, replica: int = 0) -> tuple[int, int, int]:
    """Check a player order in one replica; return (formation, action, target) codes
    (-1 each for an answer and an order of :data:`stavka.engine.records.SPECIAL`, which
    :mod:`stavka.engine.special_orders` checks). Raises :class:`IllegalOrderError` with
    the reason."""
    st = ctx.st
    if order.is_answer:
        from stavka.engine.signing import answer_problem

        why = answer_problem(ctx, order, replica)
        if why:
            raise IllegalOrderError(f"order '{order.shown()}' on {st.date(ctx.day)}: {why}")
        return -1, -1, -1
    if order.is_special:
        from stavka.engine.special_orders import problem

        why = problem(ctx, order, replica)
        if why:
            raise IllegalOrderError(f"order '{order.shown()}' on {st.date(ctx.day)}: {why}")
        return -1, -1, -1
    f = st.formation(order.formation)
    act = ACTION_CODE[order.action]
    tgt = st.node(order.target) if order.target else -1
    why = illegal_reason(ctx, replica, f, act, tgt)
    if why:
        raise IllegalOrderError(f"order '{order.shown()}' on {st.date(ctx.day)}: {why}")
    return f, act, tgt


def unknown_ids(st: Static, order: Order) -> str | None:
    """Why ``order`` names a formation or region the scenario does not have (with a
    suggestion), or None. Values are ``repr``-escaped and cut, for one-line messages.
    An answer (``REQUEST accept``) names a request of the diplomacy block."""
    if order.is_answer:
        dip = st.spec.diplomacy
        reqs = [r.id for r in dip.requests] if dip is not None else []
        if order.formation not in reqs:
            return (f"unknown request {quoted(order.formation)}"
                    f"{did_you_mean(order.formation, reqs)}"
                    + ("" if reqs else " (this scenario has no diplomatic requests)"))
        return None
    if order.is_special:
        from stavka.engine.special_orders import unknown_ids as special_unknown

        return special_unknown(st, order)
    if order.formation not in st.form_index:
        return (f"unknown formation {quoted(order.formation)}"
                + (_not_a_formation(st, order.formation)
                   or did_you_mean(order.formation, list(st.form_ids))))
    if order.target is not None and order.target not in st.node_index:
        return f"unknown region {quoted(order.target)}{did_you_mean(order.target, list(st.node_ids))}"
    return None


def _not_a_formation(st: Static, name: str) -> str:
    """A hint when ``name``, given a formation's order, names a fleet, a landing or a
    side (the orders of :mod:`stavka.engine.special_orders` that they take), else ""."""
    nav = st.naval
    if nav is not None and name in nav.fleet_ids:
        return (f" ({name} is a fleet: '{name} fleet_move ZONE' or '{name} land TARGET "
                f"FORMATION...')")
    if nav is not None and name in nav.landing_ids:
        return f" ({name} is a landing of the sea block: '{name} land')"
    if name in st.side_ids:
        return f" ({name} is a side: '{name} raise_partisans REGION DETACHMENTS')"
    return ""


def check_owner(st: Static, order: Order, sides: Sequence[str] | None) -> None:
    """Refuse an order for a formation of a side not in ``sides`` (None: any side).

    Raises :class:`IllegalOrderError` naming the formation's side and the caller's."""
    if sides is None:
        return
    if order.is_answer:
        dip = st.spec.diplomacy
        req = next(r for r in dip.requests if r.id == order.formation) if dip else None
        if req is not None and req.to not in sides:
            raise IllegalOrderError(
                f"order '{order.shown()}': request {order.formation} is addressed to "
                f"{req.to}; you play {', '.join(sides)}")
        return
    if order.is_special:
        from stavka.engine.special_orders import owners

        for what, owner in owners(st, order):
            if owner not in sides:
                raise IllegalOrderError(f"order '{order.shown()}': {what} belongs to {owner}; "
                                        f"you play {', '.join(sides)}")
        return
    f = st.formation(order.formation)
    owner = st.side_ids[int(st.fside[f])]
    if owner not in sides:
        raise IllegalOrderError(
            f"order '{order.shown()}': {order.formation} belongs to {owner}; "
            f"you play {', '.join(sides)}")
