"""Phase 6, economy: factories, deliveries, mobilisation, refitting.

* A factory produces for its side while the side holds its region; from
  ``evacuate_from`` it stops for ``rules.evacuation_days`` (plants on trains) and then
  produces again in the rear, out of reach.
* A factory's output is multiplied by its side's total-mobilisation factor and the
  share of its resource regions still usable
  (:func:`stavka.engine.interdiction.output_factor`); total mobilisation also adds men to
  the side's pool (:func:`stavka.engine.interdiction.mobilise`).
* Deliveries (trade, Lend-Lease, gold for trucks) land in the side's pool on
  their due day.
* Mobilisation calls up ``men_per_day`` from the manpower pool; each time a
  template's worth is called up, a new formation forms at the mobilisation
  node and enters play after ``training_days``.
* Every ``refit_every_days`` (a scenario setting) the pool refits supplied,
  unencircled formations in proportion to their shortfall against
  establishment (tanks, guns, aircraft; trucks by men).
"""

from __future__ import annotations

import numpy as np

from stavka.engine import interdiction, kernels
from stavka.engine.context import Ctx
from stavka.enums import ACTIVE, INACTIVE
from stavka.world.counts import floor_grid, on_grid


def run(ctx: Ctx) -> None:
    """Produce, deliver, mobilise and refit for every side (see the module docstring).

    Reads: factories and their regions' owners, the scenario's deliveries, the
    manpower pool, formations' strength against establishment, their supply and
    encirclement. Writes: each side's equipment pool ``State.pool`` [R, S, 4] (men,
    tanks, guns, aircraft) and trucks, mobilised formations (status, position,
    strength, arrival day), refitted strengths [R, F, 4]. Counts stay on the
    fixed-point grid (:mod:`stavka.world.counts`); a refit never hands out more than
    the pool holds.
    """
    st, s, day = ctx.st, ctx.s, ctx.day
    spec = st.spec
    for fa in spec.factories:
        si, n = st.side(fa.side), st.node(fa.node)
        out = on_grid(np.array([0.0, fa.tanks_per_day, fa.guns_per_day, fa.aircraft_per_day]))
        trucks = float(on_grid(fa.trucks_per_day))
        held = s.owner[:, n] == si
        if fa.evacuate_from is not None:
            e0 = (fa.evacuate_from - st.start).days
            if e0 <= day < e0 + st.rules.evacuation_days:
                continue
            if day >= e0 + st.rules.evacuation_days:
                held = np.ones(ctx.R, dtype=bool)  # in the rear, out of reach
        fac = interdiction.output_factor(ctx, si, fa.resources)
        if fac is None:
            s.pool[held, si] += out
            s.truck_pool[held, si] += trucks
        else:  # total mobilisation, lost mines (stavka.engine.interdiction)
            s.pool[held, si] += on_grid(out[None, :] * fac[held, None])
            s.truck_pool[held, si] += on_grid(trucks * fac[held])
    interdiction.mobilise(ctx)
    _deliveries(ctx)
    _convalescents(ctx)
    _mobilise(ctx)
    if (day + 1) % spec.refit_every_days == 0:  # the last day of each period
        _refit(ctx)


def _deliveries(ctx: Ctx) -> None:
    st, s, day = ctx.st, ctx.s, ctx.day
    k = 0
    for ev in st.spec.events:
        for eff in ev.effects:
            if eff.deliver is None:
                continue
            dl = eff.deliver
            due = s.due[:, k] == day
            if due.any():
                si = st.side(dl.side)
                s.pool[due, si] += on_grid(np.array([dl.men, dl.tanks, dl.guns, dl.aircraft]))
                s.truck_pool[due, si] += on_grid(dl.trucks)
                for r in np.nonzero(due)[0]:
                    ctx.emit("delivery", r, place=st.node(dl.at), side=si, trucks=dl.trucks,
                             tanks=dl.tanks, guns=dl.guns, aircraft=dl.aircraft, event=ev.id)
                s.due[due, k] = -1
            k += 1


def _convalescents(ctx: Ctx) -> None:
    """Wounded men return to duty: each day ``1 / rules.wounded_return_days`` of those
    still convalescing (``State.convalescent`` [R, S], filled by the combat phase) join
    their side's replacement pool (a first-order delay with that mean)."""
    s = ctx.s
    if not s.convalescent.any():
        return
    back = floor_grid(s.convalescent / ctx.st.rules.wounded_return_days)
    s.convalescent -= back
    s.pool[..., 0] += back


def _mobilise(ctx: Ctx) -> None:
    st, s, day = ctx.st, ctx.s, ctx.day
    for si, sid in enumerate(st.side_ids):
        m = st.spec.sides[sid].mobilisation
        slots = np.nonzero(st.mob_slots == si)[0]
        if not slots.size:
            continue
        call = np.minimum(on_grid(m.men_per_day), s.manpower[:, si])
        s.manpower[:, si] -= call
        s.mob_acc[:, si] += call
        tmpl = st.spec.formation_types[m.template or ""]
        ready = (s.mob_acc[:, si] >= tmpl.men) & (s.mob_next[:, si] < slots.size)
        r = np.flatnonzero(ready)
        if not r.size:
            continue
        f = slots[s.mob_next[r, si]]  # each replica's next slot: one formation per replica
        s.mob_next[r, si] += 1
        s.mob_acc[r, si] -= on_grid(tmpl.men)
        s.strength[r, f] = (on_grid(tmpl.men), 0.0, 0.0, 0.0)
        s.trucks[r, f] = 0.0
        s.status[r, f] = INACTIVE
        s.arrive_day[r, f] = day + m.training_days
        if ctx.record:
            for rk, fk in zip(r.tolist(), f.tolist(), strict=True):
                ctx.emit("mobilised", rk, place=int(s.loc[rk, fk]), side=si,
                         subjects=(st.form_ids[fk],), men=float(tmpl.men),
                         ready=st.date(day + m.training_days).isoformat())


def _refit(ctx: Ctx) -> None:
    st, s = ctx.st, ctx.s
    if not (s.pool.any() or s.truck_pool.any()):
        return
    ok = (s.status == ACTIVE) & (s.supply > st.rules.refit_min_supply) & ~s.encircled
    # men (returned wounded, delivered men), tanks, guns, aircraft shared in proportion to
    # the shortfalls, rounded down to the count grid so that the sum handed out never
    # exceeds the pool; then trucks in proportion to men (stavka.engine.kernels.refit)
    kernels.refit(ok, s.strength, st.est, st.fside, s.pool, s.truck_pool, s.trucks,
                  bool(s.truck_pool.any()))
