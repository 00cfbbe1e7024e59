"""Diplomacy and trade in the day: requests and answers, agreements and compliance,
trade contracts along routes, neutral powers that may enter the war.

Runs as the diplomacy phase (:mod:`stavka.engine.phases.diplomacy`, after events and
before orders) only for a scenario with a ``diplomacy:`` block
(:class:`stavka.scenario.schema.Diplomacy`); for any other it returns at once and the
state's ``dip_*`` arrays are empty, so its digests are unchanged.

Reads: the block's specs, the state (owners, strengths, losses, wars, gold, the
``dip_*`` arrays), the day's player answers (``ctx.orders``: ``REQUEST accept``).
Writes: the ``dip_*`` arrays, gold (offers and contract payments), the sides' pools of
new equipment (goods delivered), and whatever the outcomes' effects change (through
:func:`stavka.engine.phases.events.apply_effect`: transfers, stances, wars...).
Emits typed events (kinds in :data:`KINDS`), each with a ``text`` for the chronicle.

The day, in order: (1) agreements and contracts whose ``trigger`` holds are signed;
(2) requests are sent (trigger, a ``send`` effect, or a scheduled repeat); (3) open
requests are answered: a player's answer of the day, else on the deadline the
scenario's probability or the decision model (:mod:`stavka.diplomacy.model`);
(4) clauses of agreements in force whose trigger holds are complied with or broken, and
standing limits are watched; (5) contract lots are dispatched (gold paid), travel,
wait on cut rail routes (or are lost at sea) and land in the buyer's pool; (6) each
neutral draws its war-entry hazard.

Randomness: stream ``diplomacy`` keyed by (day, replica, element): element ``q`` for
request ``q``'s answer, ``100_000 + k`` for clause ``k``'s compliance, ``200_000 + l``
for lot ``l``'s sea passage, ``300_000 + m`` for neutral ``m``'s entry. One draw per
(replica, element) per day; none when nothing is decided. Sums are over sides in index
order; counts land on the fixed-point grid (:func:`stavka.world.counts.on_grid`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from stavka.diplomacy import model
from stavka.engine.context import Ctx
from stavka.engine.phases.events import apply_effect, param_value, trigger_mask
from stavka.engine.records import ANSWERS
from stavka.engine.signing import (
    AGR_BROKEN,
    AGR_NONE,
    AGR_SIGNED,
    REQ_ACCEPTED,
    REQ_CLOSED,
    REQ_COUNTERED,
    REQ_IDLE,
    REQ_OPEN,
    REQ_QUEUED,
    REQ_REFUSED,
    emit_each,
    sign_agreement,
    sign_contract,
)
from stavka.enums import ACTIVE
from stavka.scenario.schema import Diplomacy, Effect
from stavka.world.counts import on_grid

# clause states (dip_clause)
CL_WAITING, CL_COMPLIED, CL_REFUSED, CL_VIOLATED = 0, 1, 2, 3
# lot states (dip_lot)
LOT_WAITING, LOT_TRANSIT, LOT_DELIVERED, LOT_LOST, LOT_UNPAID, LOT_CANCELLED = 0, 1, 2, 3, 4, 5

#: Event kinds emitted here (each carries ``text``; the chronicle prints it).
KINDS = ("request_sent", "request_answered", "agreement_signed", "agreement_kept",
         "agreement_broken", "contract_signed", "lot_dispatched", "lot_delayed", "lot_lost",
         "lot_delivered", "lot_unpaid", "contract_cancelled", "neutral_enters")

#: Key offsets of the triggers this module tests (stream ``trigger_chance``): far above
#: the events' keys (event index + 1, sub-triggers key * 64 + i + 1).
_TKEY_REQ, _TKEY_AGR, _TKEY_CON, _TKEY_CLAUSE = 1 << 40, 2 << 40, 3 << 40, 4 << 40
#: Sea passage speed, km/day: about 9 knots around the clock (a 1941 cargo ship, C).
SEA_KM_DAY = 400.0


@dataclass(frozen=True)
class Lot:
    """One lot of a contract: its contract, its number, what it carries (pieces; fuel
    and food in t), its price (t of gold) and days from dispatch to arrival."""

    contract: int
    number: int
    goods: dict[str, float]
    gold_t: float
    transit_days: int
    tons: float


@dataclass(frozen=True)
class Tables:
    """What the phase derives once from the block (kept in ``World.derived``)."""

    dip: Diplomacy
    adj: np.ndarray  # [N, N] bool: a region and its neighbours (any edge)
    lots: tuple[Lot, ...]
    lot0: tuple[int, ...]  # first lot index of each contract
    route_nodes: tuple[np.ndarray, ...]  # per contract: region indices of its path
    clause_of: tuple[tuple[int, int], ...]  # per flat clause: (agreement, clause)


def tables(ctx: Ctx) -> Tables:
    """The block's derived tables (computed on first use, then kept)."""
    return ctx.derived._get("diplomacy", lambda: _tables(ctx))  # type: ignore[no-any-return]


def _tables(ctx: Ctx) -> Tables:
    st = ctx.st
    dip = st.spec.diplomacy
    assert dip is not None
    p = model.params()
    adj = np.eye(st.N, dtype=bool)
    km: dict[tuple[str, str, str], float] = {}
    cap: dict[tuple[str, str, str], float] = {}
    for e in st.spec.edges:
        a, b = st.node(e.a), st.node(e.b)
        adj[a, b] = adj[b, a] = True
        for x, y in ((e.a, e.b), (e.b, e.a)):
            km[(x, y, e.kind)] = e.km
            if e.capacity is not None:
                cap[(x, y, e.kind)] = e.capacity
    lots: list[Lot] = []
    lot0: list[int] = []
    routes = []
    ton = {"trucks": p.ton_truck, "motorcycles": p.ton_motorcycle, "tanks": p.ton_tank,
           "guns": p.ton_gun, "aircraft": p.ton_aircraft, "fuel_t": 1.0, "food_t": 1.0}
    for ci, c in enumerate(dip.contracts):
        lot0.append(len(lots))
        path = c.route.path
        hops = list(zip(path[:-1], path[1:], strict=True))
        dist = sum(km[(a, b, c.route.kind)] for a, b in hops)
        goods = {k: v / c.lots for k, v in c.goods.model_dump().items()}
        tons = sum(goods[k] * ton[k] for k in goods)
        if c.route.kind == "rail":
            speed = st.spec.rail_speed_km_day
            caps = [cap[(a, b, "rail")] for a, b in hops if (a, b, "rail") in cap]
            trains = tons / p.tons_per_train
            load = int(np.ceil(trains / min(caps))) if caps and trains > 0 else 1
        else:
            speed, load = SEA_KM_DAY, 1
        transit = int(np.ceil(dist / speed)) + max(load, 1)
        price = float(param_value(st, c.price_gold_t)) / c.lots
        for i in range(c.lots):
            lots.append(Lot(ci, i, goods, price, transit, tons))
        routes.append(np.array([st.node(n) for n in path], dtype=np.int64))
    clause_of = tuple((g, c) for g, c, _ in dip.clauses())
    return Tables(dip, adj, tuple(lots), tuple(lot0), tuple(routes), clause_of)


# ---- helpers ---------------------------------------------------------------------------

def _apply(ctx: Ctx, name: str, effects: list[Effect], mask: np.ndarray) -> None:
    if not mask.any():
        return
    for eff in effects:
        apply_effect(ctx, name, -1, eff, mask, -1)
    ctx.invalidate()


def _men(ctx: Ctx, side: int) -> np.ndarray:
    """[R, N] men of ``side``'s active formations per region."""
    return ctx.men_at()[:, side, :]


def _losses(ctx: Ctx, side: int) -> np.ndarray:
    """[R] the side's men lost (all causes) over its men at the start, 0..1."""
    s = ctx.s
    lost = s.losses[:, side, :, 0, :].sum(axis=(1, 2))
    start = s.start_men[:, side, :].sum(axis=1)
    return np.where(start > 0, np.minimum(lost / np.maximum(start, 1.0), 1.0), 0.0)


def _threat(ctx: Ctx, T: Tables, side: int, from_side: int | None) -> np.ndarray:
    """[R] enemy men in and next to ``side``'s regions per man of its own (0..3)."""
    s = ctx.s
    held = s.owner == side  # [R, N]
    near = (held[:, :, None] & T.adj[None]).any(axis=1)  # [R, N]
    allmen = ctx.men_at()
    enemy = np.zeros(ctx.R)
    for b in range(ctx.st.S):  # sides in index order
        if b == side:
            continue
        foe = (np.full(ctx.R, b == from_side) if from_side is not None
               else s.at_war[:, side, b])
        enemy += np.where(foe, np.where(near, allmen[:, b, :], 0.0).sum(axis=1), 0.0)
    own = allmen[:, side, :].sum(axis=1)
    return np.minimum(enemy / np.maximum(own, 1.0), 3.0)


def _weights(st: Any, w: Any, base: dict[str, float]) -> dict[str, float]:
    out = dict(base)
    for k in base:
        v = getattr(w, k, None)
        if v is not None:
            out[k] = float(param_value(st, v))
    return out


def _trust_add(s: Any, mask: np.ndarray, a: int, b: int, delta: float) -> None:
    s.dip_trust[mask, a, b] = np.clip(s.dip_trust[mask, a, b] + delta, 0.0, 1.0)


def _prob(st: Any, v: Any) -> float | None:
    """A scenario probability, or None (null, or below 0): the model decides."""
    v = param_value(st, v) if v is not None else None
    return None if v is None or float(v) < 0 else float(v)


# ---- the day ---------------------------------------------------------------------------

def run(ctx: Ctx) -> None:
    """One day of diplomacy and trade for every replica (see the module docstring)."""
    if ctx.st.spec.diplomacy is None:
        return
    T = tables(ctx)
    _sign(ctx, T)
    _send(ctx, T)
    _answer(ctx, T)
    _wars(ctx, T)
    _clauses(ctx, T)
    _lots(ctx, T)
    _neutrals(ctx, T)


def _sign(ctx: Ctx, T: Tables) -> None:
    st, s = ctx.st, ctx.s
    live = ~s.over
    for g, a in enumerate(T.dip.agreements):
        if a.trigger is not None:
            new = live & (s.dip_agr[:, g] == AGR_NONE)
            if new.any():
                new &= trigger_mask(ctx, a.trigger, _TKEY_AGR + g)
                sign_agreement(ctx, g, new)
    for c, k in enumerate(T.dip.contracts):
        if k.trigger is not None:
            new = live & (s.dip_con_day[:, c] < 0)
            if new.any():
                new &= trigger_mask(ctx, k.trigger, _TKEY_CON + c)
                sign_contract(ctx, c, new)
    _ = st


def _send(ctx: Ctx, T: Tables) -> None:
    st, s, day = ctx.st, ctx.s, ctx.day
    for q, rq in enumerate(T.dip.requests):
        state = s.dip_req[:, q]
        go = state == REQ_QUEUED
        go |= (state == REQ_REFUSED) & (s.dip_req_day[:, q] == day)
        if rq.trigger is not None:
            idle = (state == REQ_IDLE) & ~s.over
            if idle.any():
                go |= idle & trigger_mask(ctx, rq.trigger, _TKEY_REQ + q)
        go &= ~s.over
        if not go.any():
            continue
        s.dip_req[go, q] = REQ_OPEN
        s.dip_req_day[go, q] = day
        s.dip_req_sends[go, q] += 1
        if ctx.record:
            for r in np.nonzero(go)[0]:
                n = int(s.dip_req_sends[r, q])
                text = rq.texts[min(n, len(rq.texts)) - 1] if rq.texts else \
                    f"{rq.by} asks {rq.to} ({rq.id})"
                ctx.emit("request_sent", int(r), side=st.side(rq.by), text=text,
                         request=rq.id, to=rq.to, send=n, deadline=day + rq.deadline_days)


def _answer(ctx: Ctx, T: Tables) -> None:
    st, s, day = ctx.st, ctx.s, ctx.day
    p = model.params()
    R = ctx.R
    for q, rq in enumerate(T.dip.requests):
        open_ = s.dip_req[:, q] == REQ_OPEN
        if not open_.any():
            continue
        dec, req = st.side(rq.to), st.side(rq.by)
        player = np.full(R, -1)
        for o in ctx.orders:
            if o.is_answer and o.formation == rq.id:
                player[open_] = ANSWERS.index(o.action)
        due = open_ & (day >= s.dip_req_day[:, q] + rq.deadline_days) & (player < 0)
        by_player = open_ & (player >= 0)
        if not (due.any() or by_player.any()):
            continue
        # the factors (all replicas; used where due)
        gold = float(rq.offer.gold_t)
        can_pay = s.gold[:, req] >= gold - 1e-9
        value = float(param_value(st, rq.offer.value)) + float(
            param_value(st, rq.offer.value_step)) * np.maximum(
            s.dip_req_sends[:, q] - 1, 0)
        offer = np.where(can_pay, gold / p.gold_offer_unit_t, 0.0) + value
        risk = float(param_value(st, rq.risk))
        losses = _losses(ctx, dec)
        threat = _threat(ctx, T, dec, st.side(rq.threat_from) if rq.threat_from else None)
        trust = s.dip_trust[:, dec, req].copy()
        w = _weights(st, rq.model, p.weights())
        terms = model.decision_terms(w, offer, np.full(R, risk), losses, threat, trust)
        prob = _prob(st, rq.probability)
        if prob is not None:
            p_acc = np.full(R, prob)
            cp = _prob(st, rq.counter_probability) or 0.0
            p_ctr = np.full(R, min(1.0, prob + cp)) if rq.counter is not None else p_acc
        else:
            p_acc = model.logistic(model.total(terms))
            if rq.counter is not None:
                cr = float(param_value(st, rq.counter.risk))
                p_ctr = np.maximum(p_acc, model.accept_probability(
                    w, offer, np.full(R, cr), losses, threat, trust))
            else:
                p_ctr = p_acc
        u = ctx.rng.uniform("diplomacy", day, np.arange(R), np.full(R, q, dtype=np.uint64))
        drawn = np.where(u < p_acc, 0, np.where(u < p_ctr, 2, 1))
        answer = np.where(by_player, player, drawn)  # 0 accept, 1 refuse, 2 counter
        acc = (due | by_player) & (answer == 0)
        ref = (due | by_player) & (answer == 1)
        ctr = (due | by_player) & (answer == 2)
        # outcomes: state, payment, goods, trust, effects
        s.dip_req[acc, q] = REQ_ACCEPTED
        s.dip_req[ctr, q] = REQ_COUNTERED
        again = ref & (rq.repeat_every_days > 0) & (s.dip_req_sends[:, q] < rq.times)
        s.dip_req[again, q] = REQ_REFUSED
        s.dip_req_day[again, q] = day + rq.repeat_every_days
        s.dip_req[ref & ~again, q] = REQ_CLOSED
        paid = (acc | ctr) & can_pay & (gold > 0)
        s.gold[paid, req] -= gold
        s.gold[paid, dec] += gold
        if rq.offer.goods.any():
            g = rq.offer.goods
            got = acc | ctr
            s.pool[got, dec] += on_grid(np.array([0.0, g.tanks, g.guns, g.aircraft]))
            s.truck_pool[got, dec] += on_grid(
                g.trucks + g.motorcycles * p.motorcycle_truck_equivalent)
        _trust_add(s, acc, dec, req, p.trust_accepted)
        _trust_add(s, acc, req, dec, p.trust_accepted)
        _trust_add(s, ref, req, dec, p.trust_refused)
        _trust_add(s, ctr, dec, req, p.trust_countered)
        _trust_add(s, ctr, req, dec, p.trust_countered)
        if ctx.record:
            for r in np.nonzero(acc | ref | ctr)[0]:
                a = int(answer[r])
                how = "player" if by_player[r] else ("probability" if prob is not None
                                                      else "model")
                tr = {k: float(v[r]) for k, v in terms.items()}
                why = ("answered by the player" if how == "player" else
                       f"scenario probability {prob:g}" if how == "probability" else
                       model.reason(tr, a != 1))
                text = (rq.accept_text if a == 0 else rq.refuse_text if a == 1 else
                        rq.counter.text if rq.counter is not None else "") or \
                    f"{rq.to} {('accepts', 'refuses', 'counters')[a]} ({rq.id})"
                ctx.emit("request_answered", int(r), side=dec, text=text, request=rq.id,
                         answer=("accepted", "refused", "countered")[a], by=how, reason=why,
                         p_accept=float(p_acc[r]), p_counter=float(p_ctr[r]),
                         send=int(s.dip_req_sends[r, q]), offer=float(offer[r]), risk=risk,
                         losses=float(losses[r]), threat=float(threat[r]),
                         trust=float(trust[r]), paid_gold_t=gold if paid[r] else 0.0)
        _apply(ctx, rq.id, rq.on_accept, acc)
        _apply(ctx, rq.id, rq.on_refuse, ref)
        if rq.counter is not None:
            _apply(ctx, rq.id, rq.counter.effects, ctr)


def _break(ctx: Ctx, T: Tables, g: int, k: int, mask: np.ndarray, state: int,
           why: str) -> None:
    st, s = ctx.st, ctx.s
    p = model.params()
    a = T.dip.agreements[g]
    cl = a.clauses[T.clause_of[k][1]]
    obl = st.side(cl.side)
    ben = st.side(a.parties[1] if a.parties[0] == cl.side else a.parties[0])
    s.dip_clause[mask, k] = state
    s.dip_agr[mask, g] = AGR_BROKEN
    _trust_add(s, mask, ben, obl, p.trust_broken)
    emit_each(ctx, "agreement_broken", mask, side=obl,
          text=a.break_text or f"{cl.side} breaks {a.name or a.id}", agreement=a.id,
          clause=T.clause_of[k][1], reason=why)
    _apply(ctx, a.id, a.on_break, mask)


def _wars(ctx: Ctx, T: Tables) -> None:
    """War between the parties ends their agreements (broken) and their contracts (the
    lots not yet shipped are cancelled; lots under way travel on)."""
    st, s = ctx.st, ctx.s
    for g, a in enumerate(T.dip.agreements):
        x, y = st.side(a.parties[0]), st.side(a.parties[1])
        war = (s.dip_agr[:, g] == AGR_SIGNED) & s.at_war[:, x, y]
        if war.any():
            s.dip_agr[war, g] = AGR_BROKEN
            emit_each(ctx, "agreement_broken", war, side=x,
                      text=f"{a.name or a.id} is void: {a.parties[0]} and {a.parties[1]} "
                           f"are at war", agreement=a.id, reason="war between the parties")
    for c, k in enumerate(T.dip.contracts):
        war = (s.dip_con_day[:, c] >= 0) & s.at_war[:, st.side(k.buyer), st.side(k.seller)]
        if not war.any():
            continue
        sl = slice(T.lot0[c], T.lot0[c] + k.lots)
        waiting = (s.dip_lot[:, sl] == LOT_WAITING) & war[:, None]
        hit = waiting.any(axis=1)
        if hit.any():
            s.dip_lot[:, sl] = np.where(waiting, LOT_CANCELLED, s.dip_lot[:, sl])
            emit_each(ctx, "contract_cancelled", hit, side=st.side(k.buyer),
                      text=f"Contract {k.id} is cancelled: {k.buyer} and {k.seller} are at "
                           f"war", contract=k.id, lots=waiting.sum(axis=1))


def _clauses(ctx: Ctx, T: Tables) -> None:
    st, s, day = ctx.st, ctx.s, ctx.day
    p = model.params()
    R = ctx.R
    for k, (g, c) in enumerate(T.clause_of):
        a = T.dip.agreements[g]
        cl = a.clauses[c]
        in_force = (s.dip_agr[:, g] == AGR_SIGNED) & ~s.over
        if not in_force.any():
            continue
        obl = st.side(cl.side)
        ben = st.side(a.parties[1] if a.parties[0] == cl.side else a.parties[0])
        wait = in_force & (s.dip_clause[:, k] == CL_WAITING)
        if wait.any() and cl.trigger is not None:
            wait &= trigger_mask(ctx, cl.trigger, _TKEY_CLAUSE + k)
        if wait.any():
            losses = _losses(ctx, obl)
            threat = _threat(ctx, T, obl, None)
            trust = s.dip_trust[:, obl, ben].copy()
            risk = float(param_value(st, cl.risk))
            value = float(param_value(st, cl.value))
            w = _weights(st, a.model, p.weights())
            terms = model.decision_terms(w, np.full(R, value), np.full(R, risk), losses,
                                         threat, trust)
            prob = _prob(st, cl.comply_probability)
            pc = np.full(R, prob) if prob is not None else model.logistic(model.total(terms))
            u = ctx.rng.uniform("diplomacy", day, np.arange(R),
                                np.full(R, 100_000 + k, dtype=np.uint64))
            keep = wait & (u < pc)
            brk = wait & ~keep
            s.dip_clause[keep, k] = CL_COMPLIED
            s.dip_clause_day[keep, k] = day
            _trust_add(s, keep, ben, obl, p.trust_honoured)
            if ctx.record:
                for r in np.nonzero(wait)[0]:
                    tr = {kk: float(v[r]) for kk, v in terms.items()}
                    why = (f"scenario probability {prob:g}" if prob is not None
                           else model.reason(tr, bool(keep[r])))
                    if keep[r]:
                        ctx.emit("agreement_kept", int(r), side=obl,
                                 text=cl.text or f"{cl.side} keeps {a.name or a.id}",
                                 agreement=a.id, clause=c, reason=why, p_comply=float(pc[r]))
                    else:
                        ctx.emit("agreement_broken", int(r), side=obl,
                                 text=a.break_text or f"{cl.side} breaks {a.name or a.id}",
                                 agreement=a.id, clause=c, reason=why, p_comply=float(pc[r]))
            _apply(ctx, a.id, cl.effects, keep)
            if brk.any():
                s.dip_clause[brk, k] = CL_REFUSED
                s.dip_clause_day[brk, k] = day
                s.dip_agr[brk, g] = AGR_BROKEN
                _trust_add(s, brk, ben, obl, p.trust_broken)
                _apply(ctx, a.id, a.on_break, brk)
        if cl.limit is not None:
            watch = ((s.dip_agr[:, g] == AGR_SIGNED) & (s.dip_clause[:, k] == CL_COMPLIED)
                     & (day >= s.dip_clause_day[:, k] + cl.grace_days) & ~s.over)
            if watch.any():
                lim = cl.limit
                idx = [st.node(n) for n in lim.regions]
                men = _men(ctx, st.side(lim.side))[:, idx].sum(axis=1)
                over = watch & (men > float(param_value(st, lim.max_men)))
                if over.any():
                    _break(ctx, T, g, k, over, CL_VIOLATED,
                           f"{lim.side} keeps more than {float(param_value(st, lim.max_men)):,.0f}"
                           f" men in {', '.join(lim.regions)}")


def _lots(ctx: Ctx, T: Tables) -> None:
    st, s, day = ctx.st, ctx.s, ctx.day
    p = model.params()
    for c, k in enumerate(T.dip.contracts):
        signed = s.dip_con_day[:, c] >= 0
        if not signed.any():
            continue
        buyer, seller = st.side(k.buyer), st.side(k.seller)
        route = T.route_nodes[c]
        hostile = s.at_war[:, buyer, :] | s.at_war[:, seller, :]  # [R, S]
        own = s.owner[:, route]  # [R, P]
        cut = np.take_along_axis(hostile, own.astype(np.int64), axis=1).any(axis=1)
        for i in range(k.lots):
            li = T.lot0[c] + i
            lot = T.lots[li]
            state = s.dip_lot[:, li]
            go = signed & (state == LOT_WAITING) & ~s.over & (
                day >= s.dip_con_day[:, c] + k.first_lot_days + i * k.every_days)
            if go.any():
                can = s.gold[:, buyer] >= lot.gold_t - 1e-9
                pay = go & can
                s.gold[pay, buyer] -= lot.gold_t
                s.gold[pay, seller] += lot.gold_t
                s.dip_lot[go & ~can, li] = LOT_UNPAID
                emit_each(ctx, "lot_unpaid", go & ~can, side=buyer,
                      text=f"{k.buyer} cannot pay {lot.gold_t:g} t of gold for lot {i + 1} "
                           f"of {k.id}; the lot is not shipped", contract=k.id, lot=i + 1)
                s.dip_lot[pay, li] = LOT_TRANSIT
                s.dip_lot_eta[pay, li] = day + lot.transit_days
                if k.route.kind == "sea":
                    chance = float(param_value(st, k.route.interdiction_chance))
                    u = ctx.rng.uniform("diplomacy", day, np.arange(ctx.R),
                                        np.full(ctx.R, 200_000 + li, dtype=np.uint64))
                    sunk = pay & (u < chance)
                    s.dip_lot[sunk, li] = LOT_LOST
                    emit_each(ctx, "lot_lost", sunk, side=buyer,
                          text=f"Lot {i + 1} of {k.id} is lost at sea", contract=k.id,
                          lot=i + 1, tons=lot.tons)
                    pay &= ~sunk
                emit_each(ctx, "lot_dispatched", pay, side=seller,
                      text=f"Lot {i + 1} of {lot_count(k)} of {k.id} leaves "
                           f"{k.route.path[0]} ({lot.tons:,.0f} t, {lot.gold_t:g} t of gold "
                           f"paid); due in {lot.transit_days} days", contract=k.id, lot=i + 1,
                      paid_gold_t=lot.gold_t)
            moving = (s.dip_lot[:, li] == LOT_TRANSIT) & ~s.over
            if not moving.any():
                continue
            if k.route.kind == "rail":
                held = moving & cut
                if held.any():
                    s.dip_lot_eta[held, li] += 1
                    s.dip_lot_delay[held, li] += 1
                    lost = held & (s.dip_lot_delay[:, li] > k.route.max_delay_days)
                    s.dip_lot[lost, li] = LOT_LOST
                    first = held & ~lost & (s.dip_lot_delay[:, li] == 1)
                    emit_each(ctx, "lot_delayed", first, side=buyer,
                          text=f"Lot {i + 1} of {k.id} is held up: the {k.route.kind} route "
                               f"{' - '.join(k.route.path)} is cut", contract=k.id, lot=i + 1)
                    emit_each(ctx, "lot_lost", lost, side=buyer,
                          text=f"Lot {i + 1} of {k.id} is given up after "
                               f"{k.route.max_delay_days} days on a cut route",
                          contract=k.id, lot=i + 1, tons=lot.tons)
            arrive = (s.dip_lot[:, li] == LOT_TRANSIT) & (day >= s.dip_lot_eta[:, li]) & ~s.over
            if arrive.any():
                g = lot.goods
                s.dip_lot[arrive, li] = LOT_DELIVERED
                s.pool[arrive, buyer] += on_grid(np.array([0.0, g["tanks"], g["guns"],
                                                           g["aircraft"]]))
                s.truck_pool[arrive, buyer] += on_grid(
                    g["trucks"] + g["motorcycles"] * p.motorcycle_truck_equivalent)
                emit_each(ctx, "lot_delivered", arrive, side=buyer,
                      text=f"Lot {i + 1} of {k.id} arrives at {k.route.path[-1]}: "
                           + ", ".join(f"{v:,.0f} {n.replace('_t', ' t of ')}"
                                       for n, v in g.items() if v > 0),
                      contract=k.id, lot=i + 1, delay_days=s.dip_lot_delay[:, li].copy())


def lot_count(k: Any) -> int:
    """Lots of a contract."""
    return int(k.lots)


def _neutrals(ctx: Ctx, T: Tables) -> None:
    st, s, day = ctx.st, ctx.s, ctx.day
    p = model.params()
    R = ctx.R
    for m, n in enumerate(T.dip.neutrals):
        me, tgt = st.side(n.side), st.side(n.against)
        wait = (s.dip_entry_day[:, m] < 0) & ~s.at_war[:, me, tgt] & ~s.over
        if n.after is not None:
            wait &= day >= (n.after - st.start).days
        if not wait.any():
            continue
        fr = st.front_ids.index(n.front)
        on_front = st.front == fr
        allmen = ctx.men_at()
        mine = np.where(on_front[None], allmen[:, me, :], 0.0).sum(axis=1)
        theirs = np.where(on_front[None], allmen[:, tgt, :], 0.0).sum(axis=1)
        balance = mine / np.maximum(theirs, 1.0)
        if n.other_front is not None:
            of = st.front_ids.index(n.other_front)
            there = np.where((st.front == of)[None], allmen[:, tgt, :], 0.0).sum(axis=1)
            start = s.start_men[:, tgt, of]
            weakness = np.where(start > 0, 1.0 - there / np.maximum(start, 1.0), 0.0)
        else:
            weakness = np.zeros(R)
        if n.capital is not None:
            ci = st.node(n.capital)
            capital = (st.alliance[s.owner[:, ci]] != st.alliance[tgt]).astype(float)
        else:
            capital = np.zeros(R)
        trust = s.dip_trust[:, me, tgt].copy()
        gids = [a.id for a in T.dip.agreements]
        treaty = np.zeros(R)
        for t in n.treaties:
            treaty = np.maximum(treaty, (s.dip_agr[:, gids.index(t)] == AGR_SIGNED) * 1.0)
        w = _weights(st, n.model, p.entry_weights())
        h = model.entry_hazard(w, balance, weakness, capital, trust, treaty)
        u = ctx.rng.uniform("diplomacy", day, np.arange(R),
                            np.full(R, 300_000 + m, dtype=np.uint64))
        enter = wait & (u < h)
        if not enter.any():
            continue
        s.dip_entry_day[enter, m] = day
        if ctx.record:
            terms = model.entry_terms(w, balance, weakness, capital, trust, treaty)
            for r in np.nonzero(enter)[0]:
                tr = {k: float(v[r]) for k, v in terms.items()}
                ctx.emit("neutral_enters", int(r), side=me,
                         text=n.text or f"{n.side} enters the war against {n.against}",
                         against=n.against, hazard=float(h[r]), balance=float(balance[r]),
                         weakness=float(weakness[r]), capital=bool(capital[r]),
                         trust=float(trust[r]), treaty=bool(treaty[r]),
                         reason=model.reason(tr, True))
        _apply(ctx, f"neutral_{n.side}", n.effects, enter)


# ---- outcome metrics (stavka.engine.outcomes adds them for a diplomacy scenario) --------

def metric_names(spec: Any) -> list[str]:
    """The diplomacy block's outcome columns, in :func:`metrics` order (none without a
    block): per request ``req_<id>_accepted``/``_countered`` (1/0, the latest answer)
    and ``_sends``; per agreement ``agr_<id>_honoured`` (1/0: a clause with a trigger
    was complied with; without triggered clauses, any clause) and ``_broken``; per contract
    ``contract_<id>_delivered``/``_lost`` (lots); per neutral ``entered_<side>`` (1/0);
    ``gold_<side>`` (t) for every side; ``men_<side>_<front>`` (men of the side's
    formations in play on each front)."""
    dip = spec.diplomacy
    if dip is None:
        return []
    fronts = sorted({n.front for n in spec.nodes})
    return ([f"req_{r.id}_{k}" for r in dip.requests for k in ("accepted", "countered", "sends")]
            + [f"agr_{a.id}_{k}" for a in dip.agreements for k in ("honoured", "broken")]
            + [f"contract_{c.id}_{k}" for c in dip.contracts for k in ("delivered", "lost")]
            + [f"entered_{n.side}" for n in dip.neutrals]
            + [f"gold_{s}" for s in spec.sides]
            + [f"men_{s}_{f}" for s in spec.sides for f in fronts])


def metrics(st: Any, s: Any) -> dict[str, np.ndarray]:
    """The columns of :func:`metric_names` for every replica ([R] float64 each)."""
    dip = st.spec.diplomacy
    if dip is None:
        return {}
    out: dict[str, np.ndarray] = {}
    for q, r in enumerate(dip.requests):
        out[f"req_{r.id}_accepted"] = (s.dip_req[:, q] == REQ_ACCEPTED).astype(float)
        out[f"req_{r.id}_countered"] = (s.dip_req[:, q] == REQ_COUNTERED).astype(float)
        out[f"req_{r.id}_sends"] = s.dip_req_sends[:, q].astype(float)
    k0 = 0
    for g, a in enumerate(dip.agreements):
        # honoured: a clause with a trigger was complied with (an agreement without
        # triggered clauses: any clause)
        pick = [j for j, cl in enumerate(a.clauses) if cl.trigger is not None] or list(
            range(len(a.clauses)))
        kept = (s.dip_clause[:, [k0 + j for j in pick]] == CL_COMPLIED).any(axis=1)
        k0 += len(a.clauses)
        out[f"agr_{a.id}_honoured"] = kept.astype(float)
        out[f"agr_{a.id}_broken"] = (s.dip_agr[:, g] == AGR_BROKEN).astype(float)
    i0 = 0
    for c in dip.contracts:
        lots = s.dip_lot[:, i0:i0 + c.lots]
        i0 += c.lots
        out[f"contract_{c.id}_delivered"] = (lots == LOT_DELIVERED).sum(axis=1).astype(float)
        out[f"contract_{c.id}_lost"] = (lots == LOT_LOST).sum(axis=1).astype(float)
    for m, n in enumerate(dip.neutrals):
        out[f"entered_{n.side}"] = (s.dip_entry_day[:, m] >= 0).astype(float)
    for si, sid in enumerate(st.side_ids):
        out[f"gold_{sid}"] = s.gold[:, si].astype(float)
    fronts = sorted({n.front for n in st.spec.nodes})
    alive = s.status == ACTIVE
    ffront = st.front[s.loc]  # [R, F]
    for si, sid in enumerate(st.side_ids):
        mine = alive & (st.fside[None, :] == si)
        for f in fronts:
            here = mine & (ffront == st.front_ids.index(f))
            out[f"men_{sid}_{f}"] = np.round((s.strength[..., 0] * here).sum(axis=1))
    return out
