"""Phase 1, events: scripted triggers fire effects (war, stance, transfers, deliveries...).

Reads: the scenario's events and triggers, the parameters, the state they test.
Writes: what the effects change (war, stances, transfers booked as rail orders,
deliveries due, new formations, events fired). The rail moves it books are carried out
by the movement phase; a player's order of the day cancels one (orders phase).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from typing import Any

import numpy as np

from stavka.engine import commanders, interdiction, kernels
from stavka.engine.context import Ctx
from stavka.engine.effects import give_order
from stavka.engine.legality import legal
from stavka.enums import A_ATTACK, A_HOLD, A_NONE, A_RAIL, ACTIVE, GONE, INACTIVE, STANCES
from stavka.scenario.schema import Effect, Selector, Trigger
from stavka.world.static import Static


def param_value(st: Static, v: Any) -> Any:
    """Resolve ``"$name"`` to the parameter's value; other values pass through."""
    if isinstance(v, str) and v.startswith("$"):
        return st.params[v[1:]]
    return v


def date_day(st: Static, v: Any) -> int | None:
    """Simulation day of a date (or ``$param`` date); None if unset. A ``$param`` date
    before the start (a parameter with ``earliest``) is the first day, 0."""
    is_param = isinstance(v, str)
    v = param_value(st, v)
    if v is None:
        return None
    if isinstance(v, dt.date):
        d = (v - st.start).days
        return max(d, 0) if is_param else d
    return None


def select(ctx: Ctx, sel: Selector) -> np.ndarray:
    """[R, F] mask of formations matching a selector (front = where they are now)."""
    st, s = ctx.st, ctx.s
    m = np.ones(st.F, dtype=bool)
    if sel.ids:
        ids = np.zeros(st.F, dtype=bool)
        ids[[st.form_index[i] for i in sel.ids]] = True
        m &= ids
    if sel.side is not None:
        m &= st.fside == st.side_ids.index(sel.side)
    if sel.type:
        m &= np.isin(st.ftype, [st.type_ids.index(t) for t in sel.type])
    if sel.tag is not None:
        m &= np.array([sel.tag in t for t in st.ftags])
    mask = np.repeat(m[None], ctx.R, axis=0)
    if sel.front is not None:
        mask &= st.front[s.loc] == st.front_ids.index(sel.front)
    return mask


def _men_on_front(ctx: Ctx, side: int, front: int) -> np.ndarray:
    """[R] men of ``side``'s active formations in the regions of ``front``. Sums of counts
    are exact (fixed-point), so any order gives the same bits
    (:func:`stavka.engine.kernels.men_on_front`: the side's formations only, without
    rebuilding :meth:`Ctx.men_at` after an event changed the state)."""
    st, s = ctx.st, ctx.s
    return kernels.men_on_front(s.strength, s.status, ACTIVE, np.flatnonzero(st.fside == side),  # type: ignore[no-any-return]
                                s.loc, st.front == front)


def trigger_mask(ctx: Ctx, trig: Trigger, key: int = 0) -> np.ndarray:
    """[R] bool: does the trigger hold in each replica today? Its conditions all hold
    (``any``: one of its sub-triggers does) and, with ``chance``, a daily draw succeeds.
    ``key`` identifies the trigger among the scenario's (event index, then the position
    of a sub-trigger) so that each draws its own seeded numbers."""
    st, s, day = ctx.st, ctx.s, ctx.day
    R = ctx.R
    ok = np.ones(R, dtype=bool)
    if trig.date is not None:
        d = date_day(st, trig.date)
        ok &= d is not None and day >= d
    if trig.after is not None:
        ok &= day >= (trig.after - st.start).days
    if trig.before is not None:
        ok &= day <= (trig.before - st.start).days
    if trig.captured is not None:
        n = st.node(trig.captured)
        ok &= st.alliance[s.owner[:, n]] != st.alliance[st.owner0[n]]
    if trig.held_by:
        for nd, sd in trig.held_by.items():
            ok &= s.owner[:, st.node(nd)] == st.side(sd)
    if trig.strength_below is not None:
        c = trig.strength_below
        si, fr = st.side(c.side), st.front_ids.index(c.front)
        frac = float(param_value(st, c.fraction))
        men = _men_on_front(ctx, si, fr)
        if c.of == "start":
            ref = s.start_men[:, si, fr]
        else:
            ref = _men_on_front(ctx, st.side(c.enemy or ""), fr)
        ok &= men < frac * ref
    if trig.param is not None:
        ok &= _param_holds(st, trig.param.name, trig.param.op, trig.param.value)
    if trig.event is not None:
        ok &= s.fired[:, [e.id for e in st.spec.events].index(trig.event)]
    if trig.request is not None:
        q = [r.id for r in st.spec.diplomacy.requests].index(trig.request.id)  # type: ignore[union-attr]
        rs = s.dip_req[:, q]  # states: stavka.engine.diplomacy.REQ_*
        ok &= {"sent": s.dip_req_sends[:, q] > 0, "accepted": rs == 3,
               "refused": (rs == 4) | (rs == 6), "countered": rs == 5}[trig.request.answer]
    if trig.agreement is not None:
        dip = st.spec.diplomacy
        g = [a.id for a in dip.agreements].index(trig.agreement.id)  # type: ignore[union-attr]
        ag = s.dip_agr[:, g]  # stavka.engine.diplomacy.AGR_*: 1 in force, 2 broken
        if trig.agreement.state == "honoured":
            assert dip is not None
            k0 = int(sum(len(a.clauses) for a in dip.agreements[:g]))
            k1 = k0 + len(dip.agreements[g].clauses)
            kept = (s.dip_clause[:, k0:k1] == 1).any(axis=1)
            ok &= (ag == 1) & kept
        else:
            ok &= ag == (1 if trig.agreement.state == "signed" else 2)
    if trig.any:
        anym = np.zeros(R, dtype=bool)
        for i, sub in enumerate(trig.any):
            anym |= trigger_mask(ctx, sub, key * 64 + i + 1)
        ok &= anym
    if trig.chance is not None:
        p = float(param_value(st, trig.chance))
        u = ctx.rng.uniform("trigger_chance", day, np.arange(R), np.full(R, key, dtype=np.uint64))
        ok &= u < p
    return ok


def _param_holds(st: Static, name: str, op: str, value: Any) -> bool:
    v = st.params[name]
    if op == "set":
        return v is not None and v is not False and v != 0
    if op == "unset":
        return v is None or v is False or v == 0
    if v is None or (value is None and op not in ("==", "!=")):  # no order with none
        return False
    compare: dict[str, Callable[[Any, Any], Any]] = {
        "==": operator.eq, "!=": operator.ne, ">": operator.gt, ">=": operator.ge,
        "<": operator.lt, "<=": operator.le}
    return bool(compare[op](v, value))  # only the op asked for


def _scripted_order(ctx: Ctx, mask: np.ndarray, act: int, tgt: int, kind: str,
                    reps: np.ndarray, ev_id: str) -> None:
    """An event's scripted order (its ``attack`` or ``hold`` effect, given as every order
    is, :func:`stavka.engine.effects.give_order`): action ``act`` on target ``tgt`` (-1:
    none) for the formations of ``mask`` [R, F] (active ones), noted in
    :attr:`Ctx.event_ordered` (a later order the same day wins and is reported), and a
    ``kind`` event per replica of ``reps`` naming them."""
    st = ctx.st
    give_order(ctx, mask, act, tgt)
    if ctx.event_ordered is None:
        ctx.event_ordered = np.zeros(mask.shape, dtype=bool)
    ctx.event_ordered |= mask
    for r in reps:
        ids = tuple(st.form_ids[f] for f in np.nonzero(mask[r])[0])
        if ids:
            ctx.emit(kind, r, place=tgt if tgt >= 0 else None, subjects=ids, event=ev_id)


def run(ctx: Ctx) -> None:
    """Evaluate every event's trigger and apply the effects where it fires."""
    st, s = ctx.st, ctx.s
    deliver_k = 0
    # requests granted yesterday fire today, whatever the events' order in the file
    pending = s.pending_fire.copy()
    s.pending_fire[:] = False
    for ei, ev in enumerate(st.spec.events):
        k0 = deliver_k
        deliver_k += sum(1 for e in ev.effects if e.deliver is not None)
        if not ev.repeat and (s.fired[:, ei] | s.over).all():
            continue  # fired everywhere it still can: its trigger (a pure function) is moot
        cond = pending[:, ei].copy()
        if not ev.manual:
            cond |= trigger_mask(ctx, ev.trigger, ei + 1)
        if not ev.repeat:
            cond &= ~s.fired[:, ei]
        cond &= ~s.over
        if not cond.any():
            continue
        s.fired[cond, ei] = True
        k = k0
        for eff in ev.effects:
            apply_effect(ctx, ev.id, ei, eff, cond, k)
            if eff.deliver is not None:
                k += 1
        ctx.invalidate()


def apply_effect(ctx: Ctx, ev_id: str, ei: int, eff: Effect, m: np.ndarray, k: int) -> None:
    """Apply one effect in the replicas of mask ``m``."""
    st, s, day = ctx.st, ctx.s, ctx.day
    reps = np.nonzero(m)[0]
    if eff.declare_war is not None:
        a, b = st.side(eff.declare_war[0]), st.side(eff.declare_war[1])
        s.at_war[m, a, b] = s.at_war[m, b, a] = True
        s.war_day[m, a, b] = s.war_day[m, b, a] = day
        for r in reps:
            ctx.emit("war", r, side=a, subjects=(st.side_ids[b],), event=ev_id)
    elif eff.stance is not None:
        sd = st.side(str(eff.stance["side"]))
        stance = STANCES.index(str(eff.stance["stance"]))
        fr = eff.stance.get("front")
        if fr is None:
            s.stance[m, sd, :] = stance
        else:
            s.stance[m, sd, st.front_ids.index(str(fr))] = stance
        for r in reps:
            ctx.emit("stance", r, side=sd, front=fr, stance=STANCES[stance], event=ev_id)
    elif eff.morale is not None:
        delta = float(param_value(st, eff.morale.get("delta", 0)))
        sel = Selector(side=str(eff.morale["side"]), front=eff.morale.get("front"))
        mask = select(ctx, sel) & m[:, None]
        s.morale[mask] = np.clip(s.morale[mask] + delta, 0.0, 1.0)
    elif eff.release is not None:
        mask = select(ctx, eff.release) & m[:, None] & (s.status == INACTIVE) & (s.arrive_day < 0)
        mask &= (st.mob_slots < 0)[None, :]
        s.status[mask] = ACTIVE
        for r in reps:
            ids = tuple(st.form_ids[f] for f in np.nonzero(mask[r])[0])
            if ids:
                men = float(s.strength[r, mask[r], 0].sum())
                ctx.emit("reinforcement", r, place=int(s.loc[r, np.nonzero(mask[r])[0][0]]),
                         side=int(st.fside[np.nonzero(mask[r])[0][0]]), subjects=ids, men=men,
                         event=ev_id)
    elif eff.transfer is not None:
        tr = eff.transfer
        count = int(param_value(st, tr.count))
        every = int(param_value(st, tr.every_days))
        to = st.node(tr.to)
        mask = select(ctx, tr.select) & m[:, None] & (s.status == ACTIVE) & (s.rail_depart < 0)
        mask &= s.loc != to
        rank = np.cumsum(mask, axis=1) - 1  # 0-based order among chosen, by formation index
        chosen = mask & (rank < count)
        s.action[chosen] = A_RAIL
        s.target[chosen] = to
        s.scripted[chosen] = True
        s.rail_depart[chosen] = (day + rank * every)[chosen]
        for r in reps:
            ids = tuple(st.form_ids[f] for f in np.nonzero(chosen[r])[0])
            ctx.emit("transfer_ordered", r, place=to, subjects=ids, count=len(ids),
                     men=float(s.strength[r, chosen[r], 0].sum()), event=ev_id)
    elif eff.deliver is not None:
        dl = eff.deliver
        sd = st.side(dl.side)
        gold = float(param_value(st, dl.gold_t))
        can = s.gold[:, sd] >= gold - 1e-9
        ok = m & can
        s.gold[ok, sd] -= gold
        s.due[ok, k] = day + int(param_value(st, dl.after_days))
        for r in reps:
            ctx.emit("trade", r, place=st.node(dl.at), side=sd, paid_gold_t=gold,
                     accepted=bool(can[r]), trucks=dl.trucks, tanks=dl.tanks, event=ev_id)
    elif eff.chronicle is not None:
        for r in reps:
            ctx.emit("dispatch", r, text=eff.chronicle, event=ev_id)
    elif eff.attack is not None:  # a scripted attack (as an order's `action: attack`)
        tgt = st.node(eff.attack.target)
        mask = select(ctx, eff.attack.select) & m[:, None] & (s.status == ACTIVE)
        mask = legal(ctx, A_ATTACK, tgt, among=mask)
        _scripted_order(ctx, mask, A_ATTACK, tgt, "attack_ordered", reps, ev_id)
    elif eff.hold is not None:  # a scripted hold (as an order's `action: hold`)
        mask = select(ctx, eff.hold) & m[:, None] & (s.status == ACTIVE)
        mask = legal(ctx, A_HOLD, -1, among=mask)
        mask &= s.action != A_RAIL  # a booked rail move is kept (as halt keeps it)
        _scripted_order(ctx, mask, A_HOLD, -1, "hold_ordered", reps, ev_id)
    elif eff.halt is not None:  # scripted orders dropped; the doctrine takes over
        mask = select(ctx, eff.halt) & m[:, None] & (s.status == ACTIVE) & s.scripted
        mask &= s.action != A_RAIL  # a booked rail move is not an attack to call off
        s.action[mask] = A_NONE
        s.target[mask] = -1
        s.scripted[mask] = False
        s.progress[mask] = 0.0
    elif eff.withdraw is not None:  # sent to another war: leaves play, nothing lost
        mask = select(ctx, eff.withdraw) & m[:, None] & (s.status != GONE)
        if mask.any():
            withdraw(ctx, mask, ev_id)
    elif eff.send is not None:  # the diplomacy phase sends it (stavka.engine.diplomacy)
        dip = st.spec.diplomacy
        q = [r.id for r in dip.requests].index(eff.send)  # type: ignore[union-attr]
        times = dip.requests[q].times  # type: ignore[union-attr]
        ok = m & ~np.isin(s.dip_req[:, q], (1, 2)) & (s.dip_req_sends[:, q] < times)
        s.dip_req[ok, q] = 1  # REQ_QUEUED
    elif eff.partisans is not None or eff.strike is not None or eff.mobilise is not None:
        flyers = (select(ctx, eff.strike.select)
                  if eff.strike is not None and eff.strike.select is not None else None)
        interdiction.apply(ctx, ev_id, eff, m, flyers)
    elif eff.siege is not None:  # a state of siege declared or lifted (stavka.engine.morale)
        from stavka.engine.morale import set_siege

        set_siege(ctx, st.side(str(eff.siege["side"])), bool(eff.siege.get("on", True)), m)
    elif eff.sign is not None:
        from stavka.engine.signing import sign_agreement, sign_contract

        dip = st.spec.diplomacy
        agreements = [a.id for a in dip.agreements]  # type: ignore[union-attr]
        if eff.sign in agreements:
            sign_agreement(ctx, agreements.index(eff.sign), m)
        else:
            sign_contract(ctx, [c.id for c in dip.contracts].index(eff.sign), m)  # type: ignore[union-attr]
    elif eff.land is not None:  # the naval phase makes it today (stavka.engine.phases.naval)
        nav = st.naval
        assert nav is not None  # the loader refuses a `land` effect without a sea block
        from stavka.engine.phases.naval import LANDED

        li = nav.landing_ids.index(eff.land)
        made = s.landing_state[:, li] == LANDED
        again = m & ~made  # one refused before is tried again, as by a player's order
        s.landing_state[again, li] = 0
        s.landing_due[again, li] = day
        if ctx.record:  # one made already is refused with the reason, not dropped
            fl = int(nav.landing_fleet[li])
            for rk in np.flatnonzero(m & made).tolist():
                ctx.emit("landing_refused", rk, place=int(nav.landing_target[li]),
                         side=int(nav.fleet_side[fl]),
                         subjects=tuple(st.form_ids[i] for i in nav.landing_forms[li]),
                         landing=eff.land, fleet=nav.fleet_ids[fl], by="event",
                         reason=f"landing {eff.land} has already been made")
    elif eff.request is not None:
        rq = eff.request
        p = float(param_value(st, rq.probability))
        u = ctx.rng.uniform("diplomacy", day, reps, np.full(reps.shape, ei, dtype=np.uint64))
        then = [e.id for e in st.spec.events].index(rq.then)
        for r, uu in zip(reps, u, strict=True):
            accepted = bool(uu < p)
            if accepted:
                s.pending_fire[r, then] = True
            ctx.emit("request", r, side=st.side(rq.to), accepted=accepted, text=rq.text,
                     probability=p, event=ev_id)


def withdraw(ctx: Ctx, mask: np.ndarray, ev_id: str) -> None:
    """Formations ``mask`` [R, F] are withdrawn from the theatre (an event's ``withdraw``
    effect: a formation sent to another war, as II Fliegerkorps to the Mediterranean in
    November 1941). They leave play (status ``GONE``) keeping what they have: nothing is
    booked as lost, and the daily history's strength stops counting them as a formation
    that surrendered does. Their orders end; commanders attached to them leave with them
    (:func:`stavka.engine.commanders.withdrawn`). One ``withdrawn`` event per (replica,
    region, side), with the men, tanks, guns and aircraft that left, and whether any of
    them had entered play (``in_play``: a reserve or a late arrival had not)."""
    st, s = ctx.st, ctx.s
    commanders.withdrawn(ctx, mask)
    if ctx.record:
        for r in np.unique(np.nonzero(mask)[0]):
            fs = np.nonzero(mask[r])[0]
            keys = s.loc[r, fs].astype(np.int64) * st.S + st.fside[fs]
            for key in np.unique(keys):
                m = fs[keys == key]
                tot = s.strength[r, m].sum(axis=0)
                ctx.emit("withdrawn", int(r), place=int(key // st.S), side=int(key % st.S),
                         subjects=tuple(st.form_ids[f] for f in m), men=float(tot[0]),
                         tanks=float(tot[1]), guns=float(tot[2]), aircraft=float(tot[3]),
                         in_play=bool((s.status[r, m] != INACTIVE).any()), event=ev_id)
    s.status[mask] = GONE
    s.action[mask] = A_NONE
    s.target[mask] = -1
    s.scripted[mask] = False
    s.progress[mask] = 0.0
    s.rail_depart[mask] = -1
    s.arrive_day[mask] = -1
    s.encircled[mask] = False
