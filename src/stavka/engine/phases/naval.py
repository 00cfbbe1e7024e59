"""The naval phase: battles at sea, control of each sea zone, landings and open ports.

Runs after the orders phase, before movement. For a scenario without a ``sea`` block it
returns at once and touches nothing (land-only scenarios keep their digests and speed).
Moves, battles, control and landings are daily: with steps shorter than a day
(``Scenario.step_hours``) they run at a day's first step; the ports' product is made at
every step.

0. **Moves.** Scripted fleet moves (``sea.moves``) due today, then the player's
   ``fleet_move`` orders (:mod:`stavka.engine.special_orders`; a scripted move of a
   fleet the player ordered today is not made: ``order_overridden``): a fleet sails to
   an adjacent sea zone if it has ships afloat and ice does not close the zone
   (:func:`move_checks`), else a
   ``fleet_move_refused`` event says why.
1. **Battles.** Where fleets of sides at war share a sea zone free of ice, they bring
   each other to action with probability ``contact_chance`` a day (one uniform draw per
   replica and zone from stream :data:`STREAM`, element = zone index). In contact, each
   side fires one salvo of the salvo model (:func:`stavka.combat.naval.salvo`, sides
   summed over their fleets in fleet order); every fleet of a side loses the side's loss
   fraction of its ships and air groups (counts on the fixed-point grid).
2. **Control.** Per zone, the alliance with the most surviving offence controls it if it
   has at least ``control_ratio`` times any other alliance's (its strongest side is the
   controller); if two are closer than that the zone is contested (no one); if no
   warship is there, control stays as it was. Ice closes a zone: no one controls it.
3. **Landings** due today (``sea.landings`` by date, ordered today by an event's
   ``land`` effect or by the player's ``land`` order), then the player's ad-hoc
   landings (``FLEET land TARGET FORMATION...``), in the order given: refused, with the
   reason in a ``landing_refused`` event, unless (:func:`landing_checks`, one rule for
   all of them and for the orders' own check) the troops are the fleet's side's, the
   target has a port or a beach and lies on the coast of the fleet's zone, the zone is
   free of ice, the fleet's alliance controls it, every embarked formation
   is in play at a region of that coast its alliance holds, none came ashore today or
   is at the target already, the fleet's transports can
   lift their men (``lift_men``) and tons (men, tanks and guns at ``tons_per_*``; what
   the fleet's earlier landings of the day carried is not free again until tomorrow), and
   no enemy troops hold the target (an opposed landing is not modelled: land on an
   undefended coast and attack from the beachhead). Landed troops come ashore at the
   target (an enemy region without troops passes to their side) and fight at
   ``landing_cev`` for ``landing_days`` days (:func:`landing_factor`, read by combat).
   Coastal batteries (``battery_offence`` per level of ``Node.fort`` of a coastal region)
   fire at hostile ships in the zones their region borders when fleets meet there; the
   ships of a zone's controller support their side's land battles on its coast
   (:func:`bombardment`, read by combat).
4. **Ports.** Makes :attr:`Ctx.port_supply_t <stavka.engine.context.Ctx.port_supply_t>`
   [R, N]: the t/day each port unloads for whoever holds it (``Node.port_tons_per_day``)
   while one of its sea zones is free of ice and not controlled by another alliance, 0
   otherwise. The supply phase makes such a port a supply source of its holder.
5. **Sea lanes.** A sea edge that crosses a zone (``Edge.zone``) carries an alliance's
   supply only while the zone is free of ice and controlled by no one or by that
   alliance (:func:`lanes_open`, read by the supply trace).

Reads: the sea block's tables (``st.naval``), wars, ownership, positions and strengths
of the embarked formations, ``sea_control``, ``fleet_*``. Writes: ``fleet_ships``,
``fleet_air``, ``fleet_zone``, ``sea_control``, ``landing_state``, ``landed_day``, positions and orders
of landed formations, ownership of a region taken by a landing, and the day's product
``ctx.port_supply_t``. Events: ``fleet_move``, ``fleet_move_refused``, ``naval_battle``,
``sea_control``, ``landing``, ``landing_refused``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from stavka.combat import naval as nv
from stavka.engine.context import Ctx
from stavka.engine.effects import capture_event, status_words, take_regions
from stavka.enums import A_NONE, ACTIVE, SHIP_CLASSES
from stavka.world.counts import on_grid
from stavka.world.flat import flat
from stavka.world.naval import NavalStatic

#: The random stream of the naval phase (contact between hostile fleets).
STREAM = "naval"
LANDED, REFUSED = 1, 2


def run(ctx: Ctx) -> None:
    """Battles, sea control, landings and open ports of the day (module docstring)."""
    nav = ctx.st.naval
    if nav is None:
        return
    if ctx.day_start:  # moves, battles, control and landings are daily
        iced = nav.iced[min(ctx.day, ctx.st.days - 1)]
        _moves(ctx, nav, iced)
        _battles(ctx, nav, iced)
        _control(ctx, nav, iced)
        _landings(ctx, nav, iced)
    ctx.port_supply_t = port_supply(ctx, nav)  # every step: supply reads it


def move_checks(nav: NavalStatic, cur: np.ndarray, to: int, iced: np.ndarray,
                afloat: np.ndarray) -> tuple[tuple[str, np.ndarray], ...]:
    """The conditions of a fleet's move from zones ``cur`` [R] to zone ``to``, in the
    order they are checked: ``(name, fails [R])``; ``afloat`` [R]: the fleet has ships or
    air groups left (:func:`afloat`). One rule for the script's moves and the player's
    ``fleet_move`` orders (:mod:`stavka.engine.special_orders`)."""
    return (("afloat", ~afloat), ("ice", np.full(cur.shape, bool(iced[to]))),
            ("adjacent", ~nav.adjacent[cur, to]))


def afloat(ctx: Ctx, f: int) -> np.ndarray:
    """[R] Has fleet ``f`` ships or air groups left (a sunk fleet sails nowhere)?"""
    s = ctx.s
    return np.asarray((s.fleet_ships[:, f].sum(axis=-1) > 0) | (s.fleet_air[:, f] > 0))


def move_reason(nav: NavalStatic, check: str, cur: int, to: int, f: int) -> str:
    """The worded reason fleet ``f``'s move from zone ``cur`` to ``to`` is refused
    (``check`` failed)."""
    if check == "afloat":
        return f"fleet {nav.fleet_ids[f]} has no ships afloat"
    if check == "ice":
        return f"ice closes {nav.zone_ids[to]}"
    near = [nav.zone_ids[z] for z in np.flatnonzero(nav.adjacent[cur]).tolist()]
    return (f"{nav.zone_ids[to]} is not adjacent to {nav.zone_ids[cur]} (adjacent: "
            f"{', '.join(near) or 'none'})")


def ordered_moves(ctx: Ctx, nav: NavalStatic) -> dict[int, int]:
    """Fleet -> zone of the player's ``fleet_move`` orders of this step (the last order
    for a fleet wins, as for a formation)."""
    out: dict[int, int] = {}
    for o in ctx.orders:
        if o.action == "fleet_move" and o.target is not None:
            out[nav.fleet_ids.index(o.formation)] = nav.zone_ids.index(o.target)
    return out


def _moves(ctx: Ctx, nav: NavalStatic, iced: np.ndarray) -> None:
    """Today's scripted fleet moves, in order, then the player's ``fleet_move`` orders: a
    fleet sails to an adjacent zone free of ice; otherwise it stays, and a
    ``fleet_move_refused`` event says why. A scripted move of a fleet the player ordered
    today is not made (``order_overridden``): the player's order of the day wins."""
    player = ordered_moves(ctx, nav)
    for m in np.flatnonzero(nav.move_day == ctx.day).tolist():
        f, to = int(nav.move_fleet[m]), int(nav.move_to[m])
        if f in player:
            if ctx.record:
                for r in range(ctx.R):
                    ctx.emit("order_overridden", r, side=int(nav.fleet_side[f]),
                             subjects=(nav.fleet_ids[f],), action="fleet_move", by="script",
                             zone=nav.zone_ids[to], reason="the player's order of the day stands")
            continue
        _sail(ctx, nav, iced, f, to)
    for f, to in player.items():
        _sail(ctx, nav, iced, f, to, by="player")


def _sail(ctx: Ctx, nav: NavalStatic, iced: np.ndarray, f: int, to: int,
          by: str | None = None) -> None:
    """Fleet ``f`` sails to zone ``to`` in the replicas where :func:`move_checks` pass."""
    cur = ctx.s.fleet_zone[:, f].copy()
    bad = np.zeros(ctx.R, dtype=bool)
    why: dict[int, str] = {}
    for name, fails in move_checks(nav, cur, to, iced, afloat(ctx, f)):
        if ctx.record:
            for r in np.flatnonzero(fails & ~bad).tolist():
                why[r] = move_reason(nav, name, int(cur[r]), to, f)
        bad |= fails
    ctx.s.fleet_zone[~bad, f] = to
    if ctx.record:
        side = int(nav.fleet_side[f])
        extra: dict[str, Any] = {"by": by} if by else {}
        for r in range(ctx.R):
            if r in why:
                ctx.emit("fleet_move_refused", r, side=side, subjects=(nav.fleet_ids[f],),
                         zone=nav.zone_ids[to], reason=why[r], **extra)
            else:
                ctx.emit("fleet_move", r, side=side, subjects=(nav.fleet_ids[f],),
                         zone=nav.zone_ids[to], previous=nav.zone_ids[cur[r]], **extra)


def side_sums(ctx: Ctx, nav: NavalStatic, batteries: bool = False
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(offence, defence, staying) [R, Z, S]: each side's fleets summed per sea zone, in
    fleet order (:mod:`stavka.combat.naval`: standard hits). With ``batteries``, each
    side's offence also counts its coastal batteries: ``battery_offence`` per level of
    fortification (``Node.fort``) of the regions it holds on the zone's coast (they fire,
    but are not ships: no defence, no staying power)."""
    s, p = ctx.s, nav.params
    R, S = ctx.R, ctx.st.S
    shape = (R, nav.Z, S)
    off, dfn, stay = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    q = nav.quality[None, :]
    fo = nv.offence(s.fleet_ships, s.fleet_air, q, p)  # [R, Fl]
    fd = nv.defence(s.fleet_ships, s.fleet_air, q, p)
    fs = nv.staying(s.fleet_ships, s.fleet_air, p)
    rr = np.arange(R)
    for f in range(len(nav.fleet_ids)):  # one (r, z, s) per replica: no repeated index
        at = (rr, s.fleet_zone[:, f], int(nav.fleet_side[f]))
        off[at] += fo[:, f]
        dfn[at] += fd[:, f]
        stay[at] += fs[:, f]
    if batteries and p.battery_offence > 0.0 and _any_fort(ctx):
        fort = ctx.st.fort.astype(np.int64)  # [N] whole levels: exact sums in any order
        for sd in range(S):
            held = np.where(s.owner == sd, fort[None, :], 0)  # [R, N]
            for z in range(nav.Z):
                levels = held[:, nav.coast[z]].sum(axis=1)
                off[:, z, sd] += levels * p.battery_offence
    return off, dfn, stay


def _any_fort(ctx: Ctx) -> bool:
    """Is any region fortified (so coastal batteries may fire)?"""
    return bool((ctx.st.fort > 0).any())


def _battles(ctx: Ctx, nav: NavalStatic, iced: np.ndarray) -> None:
    s, p = ctx.s, nav.params
    off, dfn, stay = side_sums(ctx, nav, batteries=True)
    present = stay > 0.0  # ships or air groups: targets
    fires = present | (off > 0.0)  # and coastal batteries, which fire at them
    hostile = s.at_war[:, None, :, :] & fires[..., :, None] & present[..., None, :]
    fight = hostile.any(axis=(2, 3)) & ~iced[None, :]
    if not fight.any():
        return
    r, z = np.nonzero(fight)
    u = ctx.rng.uniform(STREAM, ctx.day, r, z)
    met = u < p.contact_chance
    r, z = r[met], z[met]
    if r.size == 0:
        return
    res = nv.salvo(off[r, z], dfn[r, z], stay[r, z], hostile[r, z])
    loss = np.zeros_like(off)
    loss[r, z] = res.loss
    rr = np.arange(ctx.R)
    before = s.fleet_ships.copy()
    for f in range(len(nav.fleet_ids)):
        lf = loss[rr, s.fleet_zone[:, f], int(nav.fleet_side[f])]  # [R]
        s.fleet_ships[:, f] -= on_grid(s.fleet_ships[:, f] * lf[:, None])
        s.fleet_air[:, f] -= on_grid(s.fleet_air[:, f] * lf)
    if ctx.record:
        for rk, zk in zip(r.tolist(), z.tolist(), strict=True):
            here = np.flatnonzero(s.fleet_zone[rk] == zk)
            sunk = {nav.fleet_ids[f]: {SHIP_CLASSES[k]: float(before[rk, f, k] - s.fleet_ships[rk, f, k])
                                       for k in range(len(SHIP_CLASSES))
                                       if before[rk, f, k] != s.fleet_ships[rk, f, k]}
                    for f in here}
            ctx.emit("naval_battle", rk, subjects=tuple(nav.fleet_ids[f] for f in here),
                     zone=nav.zone_ids[zk], lost=sunk,
                     loss={ctx.st.side_ids[i]: float(loss[rk, zk, i])
                           for i in range(ctx.st.S) if present[rk, zk, i]})


def _control(ctx: Ctx, nav: NavalStatic, iced: np.ndarray) -> None:
    st, s, p = ctx.st, ctx.s, nav.params
    off, _, _ = side_sums(ctx, nav)  # the survivors' offence
    A = int(st.alliance.max()) + 1
    by_al = np.zeros((ctx.R, nav.Z, A))
    for i in range(st.S):  # side order: a fixed sum order
        by_al[..., st.alliance[i]] += off[..., i]
    best = np.argmax(by_al, axis=-1)  # ties: the lowest alliance index
    top = np.take_along_axis(by_al, best[..., None], -1)[..., 0]
    rest = np.where(np.arange(A) == best[..., None], 0.0, by_al).max(axis=-1)
    dominant = (top > 0.0) & (top >= p.control_ratio * rest)
    contested = (top > 0.0) & ~dominant
    mine = st.alliance[None, None, :] == best[..., None]  # [R, Z, S]
    winner = np.argmax(np.where(mine, off, -1.0), axis=-1)
    new = np.where(dominant, winner, np.where(contested, -1, s.sea_control))
    new = np.where(iced[None, :], -1, new).astype(s.sea_control.dtype)
    changed = new != s.sea_control
    if ctx.record and changed.any():
        for rk, zk in zip(*np.nonzero(changed), strict=True):
            old, now = int(s.sea_control[rk, zk]), int(new[rk, zk])
            ctx.emit("sea_control", rk, side=now, zone=nav.zone_ids[zk],
                     previous=st.side_ids[old] if old >= 0 else None,
                     reason="ice" if iced[zk] else ("contested" if now < 0 else "fleet"))
    s.sea_control[...] = new


def bombardment(ctx: Ctx, er: np.ndarray, en: np.ndarray, att_side: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """Naval gunfire in ``n`` land engagements (replica ``er``, region ``en``, attacking
    side ``att_side``, each [n]): (attacker guns [n], defender guns [n]) to add to the
    forces. In each sea zone whose coast holds the region, the controlling alliance's
    ships there fire in support of its side of the fight: ``guns_per_hit`` field-gun
    equivalents per standard hit of their offence (zones summed in index order). Zeros
    without a ``sea`` block."""
    nav = ctx.st.naval
    n = er.size
    if nav is None or n == 0 or nav.params.guns_per_hit == 0.0:
        return np.zeros(n), np.zeros(n)
    st, s = ctx.st, ctx.s
    off, _, _ = side_sums(ctx, nav)  # ships only
    ctrl = s.sea_control[er]  # [n, Z]
    att_al = st.alliance[att_side]  # [n]
    ag, dg = np.zeros(n), np.zeros(n)
    for z in range(nav.Z):
        c = ctrl[:, z]
        here = nav.coast[z, en] & (c >= 0)
        if not here.any():
            continue
        cs = np.maximum(c, 0)
        c_al = st.alliance[cs]
        guns = np.zeros(n)
        for sd in range(st.S):  # the controller's alliance's ships in the zone, side order
            guns += np.where(st.alliance[sd] == c_al, off[er, z, sd], 0.0)
        guns *= nav.params.guns_per_hit
        ag += np.where(here & (c_al == att_al), guns, 0.0)
        dg += np.where(here & (c_al != att_al) & s.at_war[er, cs, att_side], guns, 0.0)
    return ag, dg


def _lift(ctx: Ctx, nav: NavalStatic, f: int) -> tuple[np.ndarray, np.ndarray]:
    """(men [R], t [R]) fleet ``f``'s ships can lift (``lift_men``, ``lift_tons`` by class)."""
    p = nav.params
    ships = ctx.s.fleet_ships[:, f]
    men = np.zeros(ctx.R)
    tons = np.zeros(ctx.R)
    for k in range(len(SHIP_CLASSES)):
        men += ships[:, k] * p.lift_men[k]
        tons += ships[:, k] * p.lift_tons[k]
    return men, tons


@dataclass
class LandingCase:
    """What one landing's checks found, per replica (:func:`landing_checks`): the checks
    in order, each ``(name, fails [R])``, and the values their reasons quote."""

    f: int  # fleet
    forms: np.ndarray  # [m] formations embarked
    tgt: int  # target region
    zone: np.ndarray  # [R] the fleet's zone
    ctrl: np.ndarray  # [R] side controlling it (-1: no one)
    men: np.ndarray  # [R] men to carry
    need_t: np.ndarray  # [R] t to carry
    lift_men: np.ndarray  # [R] men the fleet can still lift today
    lift_t: np.ndarray  # [R] t it can still lift today
    foe: np.ndarray  # [R] enemy men at the target
    checks: tuple[tuple[str, np.ndarray], ...]

    def first(self, r: int) -> str | None:
        """The name of the first check that fails in replica ``r`` (None: all pass)."""
        return next((name for name, fails in self.checks if fails[r]), None)


def landing_checks(ctx: Ctx, nav: NavalStatic, iced: np.ndarray, f: int, forms: np.ndarray,
                   tgt: int, used_men: np.ndarray | None = None,
                   used_t: np.ndarray | None = None) -> LandingCase:
    """The conditions of a landing by fleet ``f`` of formations ``forms`` on region
    ``tgt`` today, in the order they are checked (module docstring, 3): the troops are of
    the fleet's side, the target has a port or a beach (both checked at load for the
    ``sea.landings``), the target is on the coast of the fleet's zone, the zone is free of
    ice, the fleet's alliance controls it, every formation is in play at a region of that
    coast its alliance holds, none came ashore today (a formation lands once a day) or
    is at the target already, the transports lift the men and tons (less ``used_men``,
    ``used_t`` [R] already carried today), no enemy troops hold the target. One rule for
    the landings of the sea block, an event's ``land`` effect and the player's ``land``
    orders (:mod:`stavka.engine.special_orders`)."""
    st, s, p = ctx.st, ctx.s, nav.params
    rr = np.arange(ctx.R)
    side = int(nav.fleet_side[f])
    al = st.alliance[side]
    z = s.fleet_zone[:, f]  # [R]
    ctrl = s.sea_control[rr, z]
    lift_men, lift_t = _lift(ctx, nav, f)
    if used_men is not None and used_t is not None:
        lift_men, lift_t = lift_men - used_men, lift_t - used_t
    strength = s.strength[:, forms]  # [R, m, 4]
    men = strength[..., 0].sum(axis=1)  # counts on the grid: exact in any order
    tons = (strength[..., 0] * p.tons_per_man + strength[..., 1] * p.tons_per_tank
            + strength[..., 2] * p.tons_per_gun)
    need_t = np.zeros(ctx.R)
    for j in range(len(forms)):
        need_t += tons[:, j]
    loc = s.loc[:, forms]  # [R, m]
    ready = ((s.status[:, forms] == ACTIVE) & nav.coast[z[:, None], loc]
             & (st.alliance[s.owner[rr[:, None], loc]] == al)).all(axis=1)
    foe = ctx.enemy_men_at()[:, side, tgt]
    ashore = (s.landed_day[:, forms] == ctx.day).any(axis=1)  # came ashore today
    there = (loc == tgt).any(axis=1)  # already at the target
    every = np.ones(ctx.R, dtype=bool)
    checks = (
        ("side", every & bool((st.fside[forms] != side).any())),
        ("landable", every & (not nav.landable[tgt])),
        ("coast", ~nav.coast[z, tgt]),
        ("ice", iced[z]),
        ("control", (ctrl < 0) | (st.alliance[np.maximum(ctrl, 0)] != al)),
        ("troops", ~ready),
        ("ashore", ashore),
        ("there", there),
        ("lift", (men > lift_men) | (need_t > lift_t)),
        ("defended", foe > 0),
    )
    return LandingCase(f, forms, tgt, z, ctrl, men, need_t, lift_men, lift_t, foe, checks)


def ordered_landings(ctx: Ctx, nav: NavalStatic) -> list[tuple[int, np.ndarray, int]]:
    """The player's ad-hoc ``land`` orders of this step (``FLEET land TARGET
    FORMATION...``), in the order given: (fleet, formations, target)."""
    st = ctx.st
    return [(nav.fleet_ids.index(o.formation),
             np.array([st.form_index[x] for x in o.more], dtype=np.intp), st.node(o.target))
            for o in ctx.orders if o.action == "land" and o.target is not None]


def _landings(ctx: Ctx, nav: NavalStatic, iced: np.ndarray) -> None:
    s = ctx.s
    # the player's orders for landings of the sea block: due today (a refused one may be
    # ordered again)
    for o in ctx.orders:
        if o.action == "land" and o.target is None:
            li = nav.landing_ids.index(o.formation)
            s.landing_state[:, li] = np.where(s.landing_state[:, li] == LANDED, LANDED, 0)
            s.landing_due[:, li] = ctx.day
    # lift already used today by each fleet (its transports carry one landing a day's worth)
    used_men = np.zeros((ctx.R, len(nav.fleet_ids)))
    used_t = np.zeros((ctx.R, len(nav.fleet_ids)))
    # due today (or ordered by an event after the day's first step: at the next day's)
    due_today = (s.landing_due >= 0) & (s.landing_due <= ctx.day) & (s.landing_state == 0)
    by_player = {nav.landing_ids.index(o.formation) for o in ctx.orders
                 if o.action == "land" and o.target is None}
    for li in np.flatnonzero(due_today.any(axis=0)).tolist():
        due = due_today[:, li]
        go = _land(ctx, nav, iced, int(nav.landing_fleet[li]), nav.landing_forms[li],
                   int(nav.landing_target[li]), due, nav.landing_ids[li], used_men, used_t,
                   "player" if li in by_player else None)
        s.landing_state[:, li] = np.where(go, LANDED, np.where(due, REFUSED,
                                                               s.landing_state[:, li]))
    for f, forms, tgt in ordered_landings(ctx, nav):
        _land(ctx, nav, iced, f, forms, tgt, np.ones(ctx.R, dtype=bool),
              f"{nav.fleet_ids[f]}-{ctx.st.node_ids[tgt]}", used_men, used_t, "player")


def _land(ctx: Ctx, nav: NavalStatic, iced: np.ndarray, f: int, forms: np.ndarray, tgt: int,
          due: np.ndarray, name: str, used_men: np.ndarray, used_t: np.ndarray,
          by: str | None) -> np.ndarray:
    """Make one landing in the replicas of ``due`` [R] where :func:`landing_checks`
    pass, else refuse it with the reason (``landing_refused``). Returns [R] bool: landed."""
    st, s = ctx.st, ctx.s
    side = int(nav.fleet_side[f])
    al = st.alliance[side]
    case = landing_checks(ctx, nav, iced, f, forms, tgt, used_men[:, f], used_t[:, f])
    bad = np.zeros(ctx.R, dtype=bool)
    for _, fails in case.checks:
        bad |= fails
    go = ~bad & due
    ids = tuple(st.form_ids[i] for i in forms)
    extra: dict[str, Any] = {"by": by} if by else {}
    if ctx.record:
        for r in np.flatnonzero(bad & due).tolist():
            ctx.emit("landing_refused", r, place=tgt, side=side, subjects=ids, landing=name,
                     fleet=nav.fleet_ids[f], reason=landing_reason(ctx, nav, case, r),
                     **extra)
    gr = np.flatnonzero(go)
    if gr.size == 0:
        return go
    at = (gr[:, None], forms[None, :])
    s.loc[at] = tgt
    s.action[at] = A_NONE
    s.target[at] = -1
    s.scripted[at] = False
    s.progress[at] = 0.0
    s.dug[at] = 0.0
    s.landed_day[at] = ctx.day
    used_men[gr, f] += case.men[gr]
    used_t[gr, f] += case.need_t[gr]
    enemy = st.alliance[s.owner[gr, tgt]] != al
    if enemy.any():
        tr = gr[enemy]
        prev, _ = take_regions(ctx, tr, np.full(tr.size, tgt), np.full(tr.size, side))
        for k, r in enumerate(tr.tolist()):
            capture_event(ctx, r, tgt, side, int(prev[k]), ids, defended=False)
    ctx.invalidate()
    if ctx.record:
        for r in gr.tolist():
            ctx.emit("landing", r, place=tgt, side=side, subjects=ids, landing=name,
                     fleet=nav.fleet_ids[f], zone=nav.zone_ids[case.zone[r]],
                     men=float(case.men[r]), tons=float(case.need_t[r]), **extra)
    return go


def landing_reason(ctx: Ctx, nav: NavalStatic, case: LandingCase, r: int) -> str:
    """The worded reason the landing of ``case`` is refused in replica ``r`` (the first
    of its checks that fails there)."""
    st, s = ctx.st, ctx.s
    check = case.first(r)
    zone = nav.zone_ids[case.zone[r]]
    tgt = st.node_ids[case.tgt]
    if check == "side":
        side = st.side_ids[int(nav.fleet_side[case.f])]
        other = next(int(i) for i in case.forms if st.fside[i] != nav.fleet_side[case.f])
        return (f"formation {st.form_ids[other]} belongs to {st.side_ids[int(st.fside[other])]}, "
                f"fleet {nav.fleet_ids[case.f]} to {side}")
    if check == "landable":
        return f"{tgt} has neither a port nor a beach to land on"
    if check == "ice":
        return f"ice closes {zone}"
    if check == "control":
        c = int(case.ctrl[r])
        return f"no sea control of {zone} (held by {st.side_ids[c] if c >= 0 else 'no one'})"
    if check == "coast":
        shore = [st.node_ids[n] for n in np.flatnonzero(nav.coast[case.zone[r]]).tolist()]
        return f"{tgt} is not on the coast of {zone} (its coast: {', '.join(shore[:8])})"
    if check == "troops":
        al = st.alliance[int(nav.fleet_side[case.f])]
        for i in case.forms.tolist():
            n = int(s.loc[r, i])
            if s.status[r, i] != ACTIVE:
                return f"formation {st.form_ids[i]} is {status_words(s, r, i)}"
            if not nav.coast[case.zone[r], n]:
                return (f"formation {st.form_ids[i]} is at {st.node_ids[n]}, not at a coastal "
                        f"region of {zone} (embark where the fleet is)")
            if st.alliance[s.owner[r, n]] != al:
                return (f"formation {st.form_ids[i]} is at {st.node_ids[n]}, held by "
                        f"{st.side_ids[int(s.owner[r, n])]}")
        return f"the troops are not all in play at a held coastal region of {zone}"
    if check == "ashore":
        i = next(int(i) for i in case.forms if s.landed_day[r, i] == ctx.day)
        return (f"formation {st.form_ids[i]} came ashore today; it embarks again tomorrow "
                f"at the earliest")
    if check == "there":
        i = next(int(i) for i in case.forms if s.loc[r, i] == case.tgt)
        return f"formation {st.form_ids[i]} is already at {tgt}"
    if check == "lift":
        return (f"lift short: {case.men[r]:,.0f} men and {case.need_t[r]:,.0f} t to carry, "
                f"the transports take {case.lift_men[r]:,.0f} men and {case.lift_t[r]:,.0f} t")
    return f"{tgt} is defended by {case.foe[r]:,.0f} men"


def port_supply(ctx: Ctx, nav: NavalStatic) -> np.ndarray:
    """[R, N] t/day: what each port unloads today for the side holding it (module
    docstring, 4): ``Node.port_tons_per_day`` where one of its sea zones is free of ice
    and controlled by no one or by the holder's alliance, else 0; times ``1 -
    State.port_cut`` where strikes hit the port."""
    st, s = ctx.st, ctx.s
    d = min(ctx.day, st.days - 1)
    holder = st.alliance[s.owner]  # [R, N]
    ctrl = s.sea_control
    ctrl_al = np.where(ctrl >= 0, st.alliance[np.maximum(ctrl, 0)], -1)  # [R, Z]
    free = np.zeros((ctx.R, st.N), dtype=bool)
    for z in range(nav.Z):
        if nav.iced[d, z]:
            continue
        ok = (ctrl_al[:, z, None] < 0) | (ctrl_al[:, z, None] == holder)
        free |= nav.coast[z][None, :] & ok
    out = np.where(free & (nav.port_t > 0.0)[None, :], nav.port_t[None, :], 0.0)
    if s.port_cut.shape[1]:  # struck ports (stavka.engine.interdiction)
        out = out * (1.0 - s.port_cut)
    return out  # type: ignore[no-any-return]


def lanes_open(ctx: Ctx, nav: NavalStatic) -> np.ndarray:
    """[R, A, Z] bool: sea zones whose lanes (``Edge.zone``) carry each alliance's supply
    today: free of ice and controlled by no one or by that alliance."""
    st = ctx.st
    A = int(st.alliance.max()) + 1
    ctrl = ctx.s.sea_control
    ctrl_al = np.where(ctrl >= 0, st.alliance[np.maximum(ctrl, 0)], -1)  # [R, Z]
    ok = (ctrl_al[:, None, :] < 0) | (ctrl_al[:, None, :] == np.arange(A)[None, :, None])
    return ok & ~nav.iced[min(ctx.day, st.days - 1)][None, None, :]  # type: ignore[no-any-return]


def landing_factor(ctx: Ctx, fl: np.ndarray) -> np.ndarray:
    """[k] combat-effectiveness multiplier of the formations at flat indices ``fl``
    (``r * F + f``): ``landing_cev`` within ``landing_days`` of coming ashore, else 1.
    Only for a scenario with a ``sea`` block (the combat phase asks only then)."""
    nav = ctx.st.naval
    assert nav is not None
    landed = np.take(flat(ctx.s.landed_day), fl)
    recent = (landed >= 0) & (ctx.day - landed < nav.params.landing_days)
    return np.where(recent, nav.params.landing_cev, 1.0)
