"""Strikes, partisans, total mobilisation and the resources that feed factories.

Every rule here is opt-in: it acts only in a scenario whose events (or diplomatic
outcomes) have ``strike``, ``partisans`` or ``mobilise`` effects, or whose factories name
``resources``; otherwise its state arrays are empty (``State.partisans``, ``edge_cut``,
``fort_cut``, ``port_cut``, ``mob_level``: left out of the digest) and every function
returns at once.
Constants are fields of :class:`stavka.rules.Rules`, each with its source in
``rules_v*.yaml``.

* **Strikes** (effect ``strike``): a rail edge loses ``damage + aircraft x
  rules.strike_damage_per_aircraft`` of its trains a day (``State.edge_cut`` [R, E], at
  most 1), or a region ``fort + aircraft x rules.strike_fort_per_aircraft`` levels of
  fortification (``State.fort_cut`` [R, N], at most its level), or a port (with a ``sea:``
  block) ``damage + aircraft x rules.strike_damage_per_aircraft`` of the tons it unloads a
  day (``State.port_cut`` [R, N], read by the naval phase's ports); ``aircraft`` are
  those in play of the strike's air formations (``select``; 0 without), ``damage`` and
  ``fort`` a scenario's precision strike. At the end of each step's supply phase (after
  the step used the capacity) ``rules.strike_repair_per_day x dt`` of the edge's (or
  port's) capacity and ``rules.fort_repair_per_day x dt`` levels are repaired. An edge
  struck on day d is therefore back to full capacity on day ``d + ceil(damage /
  strike_repair_per_day)``.
* **Partisans** (effect ``partisans``, or a player's ``SIDE raise_partisans REGION N``
  order out of the side's ``Side.partisan_detachments``, :mod:`stavka.engine.special_orders`;
  only in the side's home territory, not on steppe or desert:
  :func:`stavka.scenario.interdiction.partisan_problem`): ``State.partisans`` [R, S, N]
  detachments of each side per region. They need no supply. Where the region's holder is at war with their
  side they are *hostile*: each rail edge with an end in the region loses ``min(
  rules.partisan_cut_max, rules.partisan_cut_per_detachment x hostile detachments at
  both ends)`` of its trains, and the holder's alliance's supply level in the region is
  multiplied by ``1 - min(partisan_cut_max, partisan_cut_per_detachment x hostile
  detachments there)``. Hunting: each step the men at war with their side in the region
  (security troops) destroy ``k x h`` of the ``k`` detachments, ``h = min(1,
  rules.partisan_hunt_per_day x men / 10,000 x dt)``, rounded to whole detachments by one
  uniform draw ``u`` of stream ``partisans`` (keyed by the step, replica, and ``side x N
  + region``): ``floor(k x h + u)`` (the expectation is ``k x h`` exactly).
* **Total mobilisation** (effect ``mobilise``): at level ``L`` (``State.mob_level`` [R,
  S]) a side's replacement pool gains ``L x rules.mobilise_men_per_day`` men a day, and its
  factories' output is multiplied by ``1 - L x rules.mobilise_output_cut``
  (:func:`output_factor`, read by the economy phase).
* **Resources** (``Factory.resources``): a factory's output is multiplied by the share of
  its resource regions still usable: held by its side's alliance, or lost fewer than
  ``rules.resource_delay_days`` days ago (``State.taken_day``; the stockpile at the plant).

Arithmetic is IEEE-exact (``+ - * /``, min, max, floor) with sums over sides in index
order, so every machine gets the same bits. Entry points: :func:`capacity` (movement and
supply in tons), :func:`supply_factor` (supply), :func:`fort` (combat), :func:`apply`
(events), :func:`run` (end of the supply phase), :func:`output_factor` and
:func:`mobilise` (economy).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from stavka.engine.context import Ctx
from stavka.enums import ACTIVE
from stavka.scenario.schema import Effect
from stavka.world.counts import on_grid

#: Men of security troops per unit of ``rules.partisan_hunt_per_day``.
HUNT_MEN = 10_000.0


def _hostile(ctx: Ctx) -> np.ndarray:
    """[R, N] float: partisan detachments in each region whose side is at war with the
    region's holder (summed over sides in index order)."""
    s = ctx.s
    rows = np.arange(ctx.R)[:, None]
    acc = np.zeros((ctx.R, ctx.st.N))
    for p in range(ctx.st.S):
        war = s.at_war[rows, p, s.owner]  # [R, N]: side p at war with the holder
        acc += np.where(war, s.partisans[:, p, :], 0.0)
    return acc


def capacity(ctx: Ctx) -> np.ndarray:
    """[R, E] trains/day each edge carries today: ``Static.ecap x (1 - State.edge_cut) x
    (1 - partisan cut)`` (module docstring). Without strikes or partisans the static
    capacity itself, broadcast over replicas (the same bits)."""
    st, s = ctx.st, ctx.s
    cap = np.broadcast_to(st.ecap[None, :], (ctx.R, st.ecap.size))
    if s.edge_cut.shape[1]:
        cap = cap * (1.0 - s.edge_cut)
    if s.partisans.shape[2] and s.partisans.any():
        k = _hostile(ctx)
        ru = st.rules
        cut = np.minimum(ru.partisan_cut_max,
                         ru.partisan_cut_per_detachment * (k[:, st.ea] + k[:, st.eb]))
        cap = cap * (1.0 - cut)
    return cap


def supply_factor(ctx: Ctx, level: np.ndarray) -> np.ndarray:
    """``level`` [R, A, N] with each region's holder's level multiplied by ``1 - min(
    rules.partisan_cut_max, rules.partisan_cut_per_detachment x hostile detachments
    there)``; ``level`` itself without partisans."""
    st, s = ctx.st, ctx.s
    if not s.partisans.shape[2] or not s.partisans.any():
        return level
    ru = st.rules
    cut = np.minimum(ru.partisan_cut_max, ru.partisan_cut_per_detachment * _hostile(ctx))
    A = level.shape[1]
    holder = st.alliance[s.owner][:, None, :] == np.arange(A)[None, :, None]  # [R, A, N]
    return np.where(holder, level * (1.0 - cut[:, None, :]), level)


def fort(ctx: Ctx, r: np.ndarray, n: np.ndarray) -> np.ndarray:
    """[k] fortification level of regions ``n`` in replicas ``r`` today: the scenario's
    ``fort`` less what strikes knocked out (``State.fort_cut``), at least 0."""
    st, s = ctx.st, ctx.s
    if not s.fort_cut.shape[1]:
        return st.fort[n]  # type: ignore[no-any-return]
    return np.maximum(st.fort[n] - s.fort_cut[r, n], 0.0)  # type: ignore[no-any-return]


def rail_edge(ctx: Ctx, a: str, b: str) -> int:
    """Index of the rail edge between regions ``a`` and ``b`` (either order); the loader
    has checked that it exists."""
    for i, e in enumerate(ctx.st.spec.edges):
        if e.kind == "rail" and {e.a, e.b} == {a, b}:
            return i
    raise KeyError(f"no rail edge {a}-{b}")


def apply(ctx: Ctx, ev_id: str, eff: Effect, m: np.ndarray,
          flyers: np.ndarray | None = None) -> None:
    """Apply a ``strike``, ``partisans`` or ``mobilise`` effect in the replicas of mask
    ``m`` [R] (events phase), with a ``strike``, ``partisans`` or ``mobilisation`` event
    each. ``flyers`` [R, F] bool: the formations a strike's ``select`` matches (None:
    none)."""
    st, s = ctx.st, ctx.s
    reps = np.nonzero(m)[0]
    if eff.partisans is not None:
        pa = eff.partisans
        k = int(_value(ctx, pa.detachments))
        if k == 0:
            return  # none raised (a $param set to 0): no event
        raise_partisans(ctx, st.side(pa.side), st.node(pa.region), k, m, event=ev_id)
    elif eff.strike is not None:
        sk = eff.strike
        damage, fort_levels = float(_value(ctx, sk.damage)), float(_value(ctx, sk.fort))
        air = np.zeros(ctx.R)  # aircraft in play of the strike's air formations
        if flyers is not None:
            mask = flyers & (s.status == ACTIVE)
            air = np.where(mask, s.strength[..., 3], 0.0).sum(axis=1)  # counts: exact sums
        if sk.port is not None:
            n = st.node(sk.port)
            dmg = damage + air * st.rules.strike_damage_per_aircraft
            s.port_cut[m, n] = np.minimum(s.port_cut[m, n] + dmg[m], 1.0)
            for r in reps:
                ctx.emit("strike", r, place=n, port=True, damage=float(dmg[r]),
                         aircraft=float(air[r]), event=ev_id)
        elif sk.region is not None:
            n = st.node(sk.region)
            cut = fort_levels + air * st.rules.strike_fort_per_aircraft
            s.fort_cut[m, n] = np.minimum(s.fort_cut[m, n] + cut[m], float(st.fort[n]))
            for r in reps:
                ctx.emit("strike", r, place=n, fort=float(cut[r]), aircraft=float(air[r]),
                         event=ev_id)
        else:
            e = rail_edge(ctx, str(sk.a), str(sk.b))
            dmg = damage + air * st.rules.strike_damage_per_aircraft
            s.edge_cut[m, e] = np.minimum(s.edge_cut[m, e] + dmg[m], 1.0)
            for r in reps:
                ctx.emit("strike", r, place=int(st.ea[e]), to=st.node_ids[st.eb[e]],
                         damage=float(dmg[r]), aircraft=float(air[r]),
                         trains=float(st.ecap[e] * (1.0 - s.edge_cut[r, e])), event=ev_id)
    elif eff.mobilise is not None:
        sd = st.side(eff.mobilise.side)
        level = float(_value(ctx, eff.mobilise.level))
        s.mob_level[m, sd] = level
        for r in reps:
            ctx.emit("mobilisation", r, side=sd, level=level, event=ev_id)


def _value(ctx: Ctx, v: float | int | str) -> float | int:
    """A field's number, or its ``$param``'s value for this run (checked by the loader
    and by :func:`stavka.world.static.resolve_params` against the field's bounds)."""
    if isinstance(v, str):
        return ctx.st.params[v[1:]]  # type: ignore[no-any-return]
    return v


def raise_partisans(ctx: Ctx, sd: int, n: int, k: int, m: np.ndarray, **values: Any) -> None:
    """Raise ``k`` detachments of side ``sd`` in region ``n`` in the replicas of mask
    ``m`` [R], with a ``partisans`` event each (``values`` added to it: the event that
    raised them, or ``by='player'``). The caller has checked the rule of where
    (:func:`stavka.scenario.interdiction.partisan_problem`)."""
    s = ctx.s
    s.partisans[m, sd, n] += float(k)
    for r in np.nonzero(m)[0]:
        ctx.emit("partisans", r, place=n, side=sd, detachments=k,
                 total=float(s.partisans[r, sd, n]), **values)


def run(ctx: Ctx) -> None:
    """A step's repair of struck edges and fortifications, and the hunt for partisans
    (module docstring). Returns at once in a campaign without them."""
    st, s = ctx.st, ctx.s
    ru, dt = st.rules, ctx.dt
    if s.edge_cut.shape[1] and s.edge_cut.any():
        s.edge_cut[:] = np.maximum(s.edge_cut - ru.strike_repair_per_day * dt, 0.0)
    if s.port_cut.shape[1] and s.port_cut.any():
        s.port_cut[:] = np.maximum(s.port_cut - ru.strike_repair_per_day * dt, 0.0)
    if s.fort_cut.shape[1] and s.fort_cut.any():
        s.fort_cut[:] = np.maximum(s.fort_cut - ru.fort_repair_per_day * dt, 0.0)
    if s.partisans.shape[2] and s.partisans.any():
        _hunt(ctx)


def _hunt(ctx: Ctx) -> None:
    """Security troops destroy ``floor(k x h + u)`` of the ``k`` detachments of each
    (replica, side, region) (module docstring)."""
    st, s = ctx.st, ctx.s
    N = st.N
    hunters = ctx.enemy_men_at()  # [R, S, N]: men at war with each side, per region
    live = (s.partisans > 0) & (hunters > 0)
    if not live.any():
        return
    r, p, n = np.nonzero(live)
    k = s.partisans[r, p, n]
    h = np.minimum(1.0, st.rules.partisan_hunt_per_day * (hunters[r, p, n] / HUNT_MEN) * ctx.dt)
    u = ctx.rng.uniform("partisans", ctx.step, r, (p * N + n).astype(np.uint64))
    lost = np.minimum(np.floor(k * h + u), k)
    s.partisans[r, p, n] = k - lost
    if ctx.record:
        for rr, pp, nn, ll, kk in zip(r, p, n, lost, k - lost, strict=True):
            if ll > 0:
                ctx.emit("partisans_hunted", rr, place=int(nn), side=int(pp),
                         destroyed=float(ll), left=float(kk))


def output_factor(ctx: Ctx, side: int, resources: list[str]) -> np.ndarray | None:
    """[R] factor on the output of a factory of ``side``: ``1 - mob_level x
    rules.mobilise_output_cut`` of its side times the share of its ``resources`` regions
    usable by the side's alliance (held, or lost fewer than ``rules.resource_delay_days``
    days ago). None (no factor) without a mobilisation policy or resources."""
    st, s = ctx.st, ctx.s
    if not s.mob_level.shape[1] and not resources:
        return None
    alliance = st.alliance[side]
    f = np.ones(ctx.R)
    if s.mob_level.shape[1]:
        f = f * (1.0 - s.mob_level[:, side] * st.rules.mobilise_output_cut)
    if resources:
        ok = np.zeros(ctx.R)
        for nid in resources:  # in the factory's order: a fixed order of the sum
            n = st.node(nid)
            held = st.alliance[s.owner[:, n]] == alliance
            fresh = (s.taken_day[:, n] >= 0) & (ctx.day - s.taken_day[:, n]
                                                 < st.rules.resource_delay_days)
            ok += (held | fresh).astype(float)
        f = f * (ok / len(resources))
    return f


def mobilise(ctx: Ctx) -> None:
    """A day's men of total mobilisation: ``mob_level x rules.mobilise_men_per_day`` (on
    the count grid) into each side's replacement pool (``State.pool[..., 0]``)."""
    s = ctx.s
    if not s.mob_level.shape[1] or not s.mob_level.any():
        return
    s.pool[..., 0] += on_grid(s.mob_level * ctx.st.rules.mobilise_men_per_day)
