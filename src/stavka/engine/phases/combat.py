"""Phase 5, combat: every region under attack is one engagement, all resolved in one call.

Attackers are formations with an attack order whose next region toward the
target holds enemy troops; defenders are the enemy formations there. Forces are
summed per (replica, region) and passed, all engagements of all replicas at
once, to :func:`stavka.combat.resolve` -- the same function ``stavka validate``
scores against history. Losses go back to formations in proportion to their
strength. A defender that breaks retreats to the best-supplied friendly
neighbour, or surrenders if it has none or is encircled; the attackers then
take the region. An attacker that halts rests (:func:`stavka.ai.attack.rest`).

Reads: orders (action, target), positions, strengths, morale, supply, days dug in,
the battle ledgers, the weather, and today's :attr:`Ctx.supply_level <stavka.engine.context.Ctx.supply_level>`
(made by the supply phase, which runs before). Writes: strengths, losses, morale,
supply, positions of retreating and advancing formations, ownership, the battle
ledgers. Shared rules: :mod:`stavka.engine.effects` (losses, surrender, capture, end of
battle); the AI's call-off: :mod:`stavka.ai.attack`.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from stavka import combat as cm
from stavka import detmath
from stavka.ai import attack as ai_attack
from stavka.engine import commanders, interdiction, kernels
from stavka.engine.context import Ctx
from stavka.engine.effects import (
    book_battle_losses,
    book_losses,
    capture_event,
    end_battles,
    reset_battles,
    surrender,
    take_regions,
)
from stavka.engine.phases import naval
from stavka.enums import (
    A_ATTACK,
    A_HOLD,
    A_NONE,
    ACTIVE,
    C_BATTLE,
    C_CAPTURED,
    C_WOUNDED,
    KINDS,
    TERRAINS,
)
from stavka.world.counts import group_sum, on_grid
from stavka.world.flat import distinct, first_of, flat, put_rows, take_rows

_PARAMS: dict[str, cm.CombatParams] = {}
_SCALED: dict[tuple[str, float, float], cm.CombatParams] = {}


def campaign_params(version: str, break_mult: float, loss_mult: float) -> cm.CombatParams:
    """The CDB90-fitted parameters of ``version`` at campaign scale: the daily break hazard
    times ``break_mult`` and the loss rates times ``loss_mult`` (``rules.combat_break_mult``,
    ``rules.combat_loss_mult``; 1 = the engagement-scale fit). A region's battle is a series
    of engagements in depth along a wide front, not one CDB90 engagement."""
    key = (version, break_mult, loss_mult)
    if key not in _SCALED:
        p = params(version)
        _SCALED[key] = p if (break_mult, loss_mult) == (1.0, 1.0) else dataclasses.replace(
            p, break_rate=p.break_rate * break_mult, lethality=p.lethality * loss_mult)
    return _SCALED[key]


def params(version: str) -> cm.CombatParams:
    """The calibrated parameters of a combat model version (cached)."""
    if version not in _PARAMS:
        _PARAMS[version] = cm.load_params(version)
    return _PARAMS[version]


def posture_code(fort: np.ndarray, dug: np.ndarray, prepared_after: float = 7.0) -> np.ndarray:
    """Defender posture codes (:data:`stavka.enums.POSTURES`) [n] from the region's
    fortification ``fort`` [n] and days dug in ``dug`` [n]: fort 3 -> fortified; fort 2
    or ``prepared_after`` days dug in (``rules.prepared_after_days``) -> prepared; else
    hasty."""
    p = np.full(fort.shape, cm.POSTURES.index("hasty"))
    p = np.where((fort >= 2) | (dug >= prepared_after), cm.POSTURES.index("prepared"), p)
    p = np.where(fort >= 3, cm.POSTURES.index("fortified"), p)
    return p


def run(ctx: Ctx) -> None:
    """Resolve today's engagements: one per region under attack, per replica.

    Attackers: active, unencircled ground formations with an attack order, at least
    ``rules.min_attack_supply`` supply on hand and not resting; their force is summed per
    (replica, region attacked) into a :class:`stavka.combat.Force` [n] (men, tanks, guns,
    aircraft; CEV, morale and supply men-weighted), likewise the defenders'. Air
    formations add their sorties to their side's engagements on their front. The
    defender's posture comes from the region's fortification and days dug in
    (:func:`posture_code`). The AI calls off attacks whose force ratio is below its odds
    (:func:`stavka.ai.attack.calls_off`). Losses go back to formations in proportion to
    their strength (counts on the fixed-point grid) and are booked as battle losses;
    halted attackers lose ``rules.halt_morale`` and rest; broken defenders retreat or
    surrender and the attackers take the region.

    Raises :class:`stavka.engine.context.PhaseOrderError` if the supply phase has not
    run today (a broken defender retreats by ``ctx.supply_level`` [R, A, N]), and
    :class:`stavka.errors.InputError` if the scenario's ``combat_model`` names no
    shipped parameter file.
    """
    st, s, day = ctx.st, ctx.s, ctx.day
    R, N, F = ctx.R, st.N, st.F
    if s.eng_day0.shape[-1] and ctx.day_start:  # steps shorter than a day: see below
        s.eng_day0[..., 0], s.eng_day0[..., 1] = s.eng_att, s.eng_def
    ground_unit = st.fkind != KINDS.index("air")
    # Everything below works on lists of (replica, formation) pairs in row-major
    # order: only formations in battle are touched, and sums keep the order (and
    # so the bits) of a sweep over the full [R, F] arrays.
    F, S = st.F, st.S
    att = (s.action == A_ATTACK) & (s.status == ACTIVE) & (s.target >= 0) & ~s.encircled
    att &= ground_unit & (s.supply >= st.rules.min_attack_supply) & ~ai_attack.resting(s)
    fa = np.flatnonzero(att)  # flat indices r * F + f, row-major
    nxt = flat(st.land_next)[flat(s.loc)[fa] * N + flat(s.target)[fa]]
    ok = nxt >= 0
    fa, nxt = fa[ok], nxt[ok]
    ar, af = np.divmod(fa, F)
    ok = flat(ctx.enemy_men_at())[(ar * S + st.fside[af]) * N + nxt] > 0
    fa, ar, af, nxt = fa[ok], ar[ok], af[ok], nxt[ok]
    ekey = ar * N + nxt
    now = np.zeros(R * N, dtype=bool)
    now[ekey] = True
    engaged_nodes = np.flatnonzero(now)  # sorted, distinct
    # battles that stopped (no attackers today) end
    ended = (s.eng_days > 0) & ~now.reshape(R, N)
    if ended.any():
        reset_battles(ctx, ended)
    if engaged_nodes.size == 0:
        return
    er, en = np.divmod(engaged_nodes, N)
    n = engaged_nodes.size
    pos = np.full(R * N, -1)
    pos[engaged_nodes] = np.arange(n)
    a_idx = pos[ekey]
    # the attacking alliance at each engagement: that of its lowest-index attacker
    # (the lists are row-major, so that is the attacker listed first)
    att_side = st.fside[af[first_of(a_idx, n)]]
    # defenders: active formations at the node at war with the attacking side
    d_pos = pos[np.arange(R)[:, None] * N + s.loc]
    fd = np.flatnonzero((d_pos >= 0) & (s.status == ACTIVE))
    dr, df = np.divmod(fd, F)
    d_idx = flat(d_pos)[fd]
    ok = flat(s.at_war)[(dr * S + att_side[d_idx]) * S + st.fside[df]]
    fd, dr, df, d_idx = fd[ok], dr[ok], df[ok], d_idx[ok]

    def agg(idx: np.ndarray, vals: np.ndarray) -> np.ndarray:
        return group_sum(idx, vals, n)

    # commanders (stavka.engine.commanders): None without any, and nothing changes
    cmd_cev, cmd_mor = commanders.cev_factor(ctx), commanders.morale_bonus(ctx)
    morale = s.morale if cmd_mor is None else np.clip(s.morale + cmd_mor, 0.0, 1.0)

    # rules.cold_cev_per_deg: the CEV factor in each battle of a side without winter
    # equipment, 1 - k x the degrees below rules.frost_threshold_c, at least
    # rules.cold_cev_min (the battle's region's temperature)
    cold_k = float(st.rules.cold_cev_per_deg)
    cold_cev = (np.maximum(1.0 - cold_k * np.maximum(st.rules.frost_threshold_c
                                                     - ctx.temp()[en], 0.0),
                           st.rules.cold_cev_min) if cold_k > 0.0 else np.ones(0))

    def force_of(fl: np.ndarray, f: np.ndarray, idx: np.ndarray, cum: np.ndarray
                 ) -> tuple[cm.Force, np.ndarray, np.ndarray]:
        cev = st.fcev[f] if cmd_cev is None else st.fcev[f] * np.take(flat(cmd_cev), fl)
        if st.naval is not None:  # troops on their first days ashore (naval phase)
            cev = cev * naval.landing_factor(ctx, fl)
        if cold_k > 0.0:  # an army without winter equipment fights worse in the frost
            cev = cev * np.where(st.winter_kit[st.fside[f]], 1.0, cold_cev[idx])
        # the seven sums by battle in one pass, in formation order (stavka.engine.kernels)
        tot = kernels.force_sums(fl, idx, n, s.strength.reshape(-1, 4), cev,
                                 morale.reshape(-1), s.supply.reshape(-1))
        men = tot[0]
        w = np.maximum(men, 1.0)
        return cm.Force(
            men=men, tanks=tot[1], guns=tot[2], aircraft=tot[3], cev=tot[4] / w,
            morale=tot[5] / w, supply=tot[6] / w, cum_loss=cum,
        ), men, np.take(s.strength.reshape(-1, 4)[:, 0], fl)

    if s.eng_day0.shape[-1] == 0:
        cum_a, cum_d = s.eng_att[er, en], s.eng_def[er, en]
    else:
        # Steps shorter than a day fight with the battle's cumulative loss of the day's
        # start: the model's loss saturation and break hazards are calibrated on daily
        # steps (CDB90 day by day), so a day of four 6-hour steps is that day's step in
        # four parts, not a finer integration of a different model (tests/engine/test_hours)
        cum_a, cum_d = s.eng_day0[er, en, 0], s.eng_day0[er, en, 1]
    A, amen, a_m0 = force_of(fa, af, a_idx, cum_a)
    D, dmen, d_m0 = force_of(fd, df, d_idx, cum_d)
    # Frontage: a region's battle takes at most rules.frontage_men of each side in its
    # line; the rest stand in reserve, feed the line (they share its losses in
    # proportion) and do not add to its force. 1e9 = no limit.
    # a city is defended in depth, block by block: its defenders' frontage is
    # rules.frontage_urban times as wide
    ea = _engaged(amen, st.rules.frontage_men)
    ed = _engaged(dmen, st.rules.frontage_men * np.where(
        st.terrain[en] == TERRAINS.index("urban"), st.rules.frontage_urban, 1.0))
    if st.rules.frontage_men < 1e9:
        A = dataclasses.replace(A, men=A.men * ea, tanks=A.tanks * ea, guns=A.guns * ea,
                                aircraft=A.aircraft * ea)
        D = dataclasses.replace(D, men=D.men * ed, tanks=D.tanks * ed, guns=D.guns * ed,
                                aircraft=D.aircraft * ed)
        amen, dmen = A.men, D.men  # the men in the line
    air_keys = _air_support(ctx, A, D, er, en, att_side, df, d_idx, ground_unit)
    if st.naval is not None:  # naval gunfire on the coast (stavka.engine.phases.naval)
        ag, dg = naval.bombardment(ctx, er, en, att_side)
        A.guns[:] += ag
        D.guns[:] += dg
    if st.rules.massing_exp != 0.0:
        # Force concentration at campaign scale: an attacker that outnumbers the region's
        # defenders masses on a sector and meets a fraction of them there; one that is
        # outnumbered meets their reserves. The CDB90-fitted model sees engagements, not
        # the massing that decides which ones happen, so it enters here, on the attacker's
        # CEV, as (effective men ratio)^massing_exp within 1/cap..cap (calibrated on 1941).
        # men weighted by CEV: rear services and levies count for what they can do
        cap = st.rules.massing_cap
        ratio = np.clip(amen * A.cev / np.maximum(dmen * D.cev, 1.0), 1.0 / cap, cap)
        if not st.rules.on("massing_urban"):  # no sector of a city to mass on
            ratio = np.where(st.terrain[en] == TERRAINS.index("urban"), np.minimum(ratio, 1.0),
                             ratio)
        A.cev[:] = A.cev * detmath.power(ratio, st.rules.massing_exp)
    # conditions
    dug = agg(d_idx, np.take(flat(s.dug), fd) * d_m0) / np.maximum(dmen, 1.0)
    air_tot = A.aircraft + D.aircraft
    # attack across an unfrozen river: most attacking men cross one
    e_used = flat(st.edge_of)[np.take(flat(s.loc), fa) * N + nxt]
    riv = np.where(e_used >= 0, st.eriver[np.maximum(e_used, 0)], -1)
    frozen = ctx.frozen()
    wet = (riv >= 0) & ~(frozen[np.maximum(riv, 0)] if frozen.size else np.zeros_like(riv, bool))
    wet_men = agg(a_idx, np.where(wet, a_m0, 0.0))
    # surprise on the first two days of a war the attacker started
    surprise_day = s.war_day[er, att_side, :].max(axis=1)
    cond = cm.Conditions(
        posture=posture_code(interdiction.fort(ctx, er, en), dug, st.rules.prepared_after_days),
        terrain=st.terrain[en].astype(int), ground=ctx.ground()[en].astype(int),
        temp_c=ctx.temp()[en],
        surprise=np.where((surprise_day >= 0) & (day - surprise_day <= 1), 1.0, 0.0),
        air=np.where(air_tot > 0, (A.aircraft - D.aircraft) / np.maximum(air_tot, 1.0), 0.0),
        river=wet_men > st.rules.river_fraction * np.maximum(amen, 1.0),
        hours=np.full(n, st.rules.hours_per_day * ctx.dt),  # a step's share of the day
    )
    # keyed by the step (the day at 24-hour steps): each step of a day draws afresh
    gen = ctx.rng.generator("combat", ctx.step, er, en.astype(np.uint64))
    model = campaign_params(st.spec.combat_model, st.rules.combat_break_mult,
                            st.rules.combat_loss_mult)
    res = cm.resolve(A, D, cond, model, gen)  # type: ignore[arg-type]
    # AI attackers call off attacks at poor odds: no battle, they rest where they are
    ordered = agg(a_idx, np.take(flat(s.scripted), fa).astype(float)) > 0
    off = ai_attack.calls_off(res.power_ratio, ordered, model)
    if off.any():
        om = off[a_idx]
        flat(s.action)[fa[om]] = A_HOLD
        off_r, off_f = np.divmod(fa[om], F)
        ai_attack.rest(s, off_r, off_f, days=st.rules.rest_days)
        fa, ar, af, a_idx, nxt = fa[~om], ar[~om], af[~om], a_idx[~om], nxt[~om]
        dm = ~off[d_idx]
        fd, dr, df, d_idx = fd[dm], dr[dm], df[dm], d_idx[dm]
        res = cm.DayResult(**{k: np.where(off, np.zeros_like(v), v) if k != "power_ratio" else v
                              for k, v in vars(res).items()})
        keep = ~off
    else:
        keep = np.ones(n, dtype=bool)
    # losses back to formations, in proportion (a formation may attack from a
    # region that is itself attacked: its two fractions add, up to all it has)
    fk, inv = distinct(np.concatenate([fa, fd]), R * F)  # formations in battle, sorted
    # (in a battle wider than its frontage, the losses of the line spread over everyone)
    la, ld = res.att_loss * ea, res.def_loss * ed
    frac_m = np.minimum(group_sum(inv, np.concatenate([la[a_idx], ld[d_idx]]), fk.size), 1.0)
    frac_e = np.minimum(group_sum(inv, np.concatenate([(res.att_equip_loss * ea)[a_idx],
                                                       (res.def_equip_loss * ed)[d_idx]]),
                                  fk.size), 1.0)
    fr_, ff_ = np.divmod(fk, F)
    # tanks are lost faster than other equipment (rules.tank_loss_ratio), and some
    # sides' faster still (Side.tank_loss_factor)
    tank_mult = st.rules.tank_loss_ratio * st.tank_loss_factor[st.fside[ff_]]
    frac_t = np.minimum(frac_e * tank_mult, 1.0)
    # an attacker's guns fire from behind its line (rules.attacker_gun_loss), a
    # defender's stand in it (rules.defender_gun_loss); at 1 and 1 they are lost like the
    # other equipment, and the sum is frac_e's exactly
    agl, dgl = st.rules.attacker_gun_loss, st.rules.defender_gun_loss
    frac_g = frac_e if agl == 1.0 and dgl == 1.0 else np.minimum(group_sum(
        inv, np.concatenate([(res.att_equip_loss * ea * agl)[a_idx],
                             (res.def_equip_loss * ed * dgl)[d_idx]]), fk.size), 1.0)
    frac = np.stack([frac_m, frac_t, frac_g, frac_e], axis=-1)
    # counts stay fixed-point (stavka.world.counts); trucks go with the equipment; booked
    # as effects.book_battle_losses books them (one pass: stavka.engine.kernels)
    kernels.battle_losses(fk, frac, s.strength, s.trucks, s.loc, st.fside, st.front,
                          len(st.front_ids), st.rules.wounded_fraction,
                          st.rules.wounded_return_fraction, s.losses, C_BATTLE, C_WOUNDED,
                          s.convalescent)
    if air_keys is not None and st.rules.air_loss_ratio > 0.0:
        _air_losses(ctx, res, air_keys)
    if s.cmd_state.shape[1]:  # a commander in the fighting may fall
        where = np.full(R * F, -1)
        where[fd] = en[d_idx]
        where[fa] = en[a_idx]  # a formation that attacks and is attacked: its attack
        commanders.battle(ctx, fr_, ff_, where[fk])
    sup = flat(s.supply)
    sup[fk] = np.maximum(sup[fk] - st.rules.battle_supply_days * ctx.dt / st.supply_days[ff_],
                         0.0)
    s.eng_att[er, en] = 1.0 - (1.0 - s.eng_att[er, en]) * (1.0 - la)
    s.eng_def[er, en] = 1.0 - (1.0 - s.eng_def[er, en]) * (1.0 - ld)
    s.eng_men[er, en, 0] += on_grid(res.att_loss * amen)
    s.eng_men[er, en, 1] += on_grid(res.def_loss * dmen)
    first = (s.eng_days[er, en] == 0) & keep
    s.eng_days[er[keep], en[keep]] += 1
    s.eng_side[er[keep], en[keep]] = att_side[keep]
    if ctx.record:
        for i in np.nonzero(first)[0]:
            ctx.emit("battle", er[i], place=int(en[i]), side=int(att_side[i]), phase="start",
                     attacker_men=float(amen[i]), defender_men=float(dmen[i]),
                     ratio=float(res.power_ratio[i]))
    # attacker halts: rest, lose heart
    halts = res.att_halts & ~res.def_breaks
    if halts.any():
        hm = halts[a_idx]
        hr, hf = ar[hm], af[hm]
        s.morale[hr, hf] = np.maximum(s.morale[hr, hf] - st.rules.halt_morale, 0.0)
        # an order (script or player) is resumed after the rest when the rules say so
        # (rules.orders_persist) and its troops still have the heart for it: below
        # rules.culmination_morale the offensive has culminated and the order lapses; the
        # doctrine's own attacks are chosen afresh
        drop = (~s.scripted[hr, hf] | (not st.rules.on("orders_persist"))
                | (s.morale[hr, hf] < st.rules.culmination_morale))
        s.action[hr[drop], hf[drop]] = A_HOLD
        s.scripted[hr[drop], hf[drop]] = False
        ai_attack.rest(s, hr, hf, days=st.rules.rest_days)
        h = np.nonzero(halts)[0]
        end_battles(ctx, er[h], en[h], att_side[h], "halted")
    breaks = res.def_breaks
    if breaks.any():
        _defender_breaks(ctx, breaks, er, en, att_side, (ar, af, a_idx), (dr, df, d_idx))
        commanders.lost_with_command(ctx)  # a commander whose formation surrendered
    ctx.invalidate()


def _engaged(men: np.ndarray, frontage: float | np.ndarray) -> np.ndarray:
    """[n] fraction of a side's ``men`` [n] in a region's line: ``min(1, frontage / men)``
    (``rules.frontage_men``); exactly 1.0 with no limit (1e9), so nothing changes then."""
    if np.all(np.asarray(frontage) >= 1e9):
        return np.ones_like(men)
    return np.minimum(1.0, frontage / np.maximum(men, 1.0))


AirKeys = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]


def _air_support(ctx: Ctx, A: cm.Force, D: cm.Force, er: np.ndarray, en: np.ndarray,
                 att_side: np.ndarray, df: np.ndarray, d_idx: np.ndarray,
                 ground_unit: np.ndarray) -> AirKeys | None:
    """Air formations fly for their front: their aircraft are split evenly over the
    engagements their side fights on that front that day (added in place).

    Returns the air formations that flew and where, for :func:`_air_losses`: their flat
    indices ``replica * F + formation`` [k], their (replica, side, front) key [k], each
    engagement's attacker key and defender key [n] (-1: no side), and the number of
    keys; None when no air formation is in play."""
    st, s = ctx.st, ctx.s
    cols = np.nonzero(~ground_unit)[0]
    if cols.size == 0:
        return None
    air_r, air_j = np.nonzero(s.status[:, cols] == ACTIVE)
    if air_r.size == 0:
        return None
    air_f = cols[air_j]
    R, S, Fr = ctx.R, st.S, len(st.front_ids)
    idx = (air_r * S + st.fside[air_f]) * Fr + st.front[s.loc[air_r, air_f]]
    pool = group_sum(idx, s.strength[air_r, air_f, 3], R * S * Fr)
    n = en.size
    fr = st.front[en]
    # defending side of each engagement: that of its first defender
    d_side = _side_of(st, n, d_idx, df)
    keys = []
    for sides, force in ((att_side, A), (d_side, D)):
        key = (er * S + np.maximum(sides, 0)) * Fr + fr
        count = np.bincount(key, minlength=R * S * Fr)
        share = np.where(sides >= 0, pool[key] / np.maximum(count[key], 1), 0.0)
        force.aircraft[:] = force.aircraft + share
        keys.append(np.where(sides >= 0, key, -1))
    return air_r * st.F + air_f, idx, keys[0], keys[1], R * S * Fr


def _air_losses(ctx: Ctx, res: cm.DayResult, air: AirKeys) -> None:
    """Aircraft lost flying over the day's battles (``rules.air_loss_ratio``).

    An air formation's aircraft are split evenly over its side's engagements on its
    front (:func:`_air_support`), so the fraction of them lost is the mean, over those
    engagements, of the side's equipment loss fraction there (``res.att_equip_loss`` or
    ``res.def_equip_loss`` [n]), times the ratio, at most 1. Losses are booked as battle
    losses of the category aircraft (the daily history's losses by cause)."""
    st, s = ctx.st, ctx.s
    flat_f, idx, ka, kd, nk = air
    ok_a, ok_d = ka >= 0, kd >= 0
    key = np.concatenate([ka[ok_a], kd[ok_d]])
    loss = group_sum(key, np.concatenate([res.att_equip_loss[ok_a], res.def_equip_loss[ok_d]]),
                     nk)
    count = group_sum(key, np.ones(key.size), nk)
    mean = np.where(count > 0, loss / np.maximum(count, 1.0), 0.0)
    frac = np.minimum(mean[idx] * st.rules.air_loss_ratio, 1.0)
    hit = np.nonzero(frac > 0.0)[0]
    if hit.size == 0:
        return
    fl = flat_f[hit]
    have = take_rows(s.strength, fl)
    lost = np.zeros_like(have)
    lost[:, 3] = on_grid(have[:, 3] * frac[hit])
    put_rows(s.strength, fl, have - lost)
    r, f = np.divmod(fl, st.F)
    book_battle_losses(ctx, r, f, lost)


def _side_of(st, n: int, idx: np.ndarray, f: np.ndarray) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Highest side index among formations ``f`` of each engagement ``idx`` (-1: none)."""
    out = np.full(n, -1)
    fs = st.fside[f]
    for si in range(st.S):  # ascending: the last write is the highest side present
        out[idx[fs == si]] = si
    return out


def _on_axis(ctx: Ctx, n: int, b: np.ndarray, en: np.ndarray,
             attackers: tuple[np.ndarray, np.ndarray, np.ndarray],
             nb: np.ndarray) -> np.ndarray:
    """``rules.retreat_off_axis``: [b, K] whether land neighbour ``nb[i, k]`` of broken
    engagement ``b[i]`` is the next region on the march of one of its attackers from the
    battle toward that attacker's objective (``s.target``; land paths, ``land_next``)."""
    st, s = ctx.st, ctx.s
    ar, af, a_idx = attackers
    tgt = s.target[ar, af]
    here = en[a_idx]
    ok = (tgt >= 0) & (tgt != here)
    nxt = np.where(ok, st.land_next[here, np.maximum(tgt, 0)], -1)
    axis = np.zeros((n, st.N), dtype=bool)  # [engagement, region]
    axis[a_idx[nxt >= 0], nxt[nxt >= 0]] = True
    return axis[b[:, None], np.maximum(nb, 0)] & (nb >= 0)


def _defender_breaks(ctx: Ctx, breaks: np.ndarray, er: np.ndarray, en: np.ndarray,
                     att_side: np.ndarray,
                     attackers: tuple[np.ndarray, np.ndarray, np.ndarray],
                     defenders: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    """Broken defenders retreat (or surrender); attackers take the regions. Vectorised
    over every broken engagement of every replica; ``attackers``/``defenders`` are
    (replica, formation, engagement) lists."""
    st, s = ctx.st, ctx.s
    n = en.size
    ar, af, a_idx = attackers
    dr, df, d_idx = defenders
    bm = breaks[d_idx]
    dr, df, d_idx = dr[bm], df[bm], d_idx[bm]  # broken defenders
    # defending side of each engagement (its defenders are all of one alliance)
    d_side = _side_of(st, n, d_idx, df)
    b = np.nonzero(breaks & (d_side >= 0))[0]
    # retreat: the friendly neighbour best supplied, then nearest the capital, then lowest id
    nb = ctx.derived.neighbours()[en[b]]  # [b, K]
    valid = nb >= 0
    nbc = np.maximum(nb, 0)
    dal = st.alliance[d_side[b]]
    own = valid & (st.alliance[s.owner[er[b, None], nbc]] == dal[:, None])
    lv = ctx.supply_level[er[b, None], dal[:, None], nbc]
    cap = st.capital[d_side[b]]
    near = np.where(cap[:, None] >= 0, st.land_dist[nbc, np.maximum(cap, 0)[:, None]], 0.0)
    near = np.where(np.isfinite(near), near, 1e6)
    # a neighbour whose own defenders break this step is falling too: last resort only
    # (two armies must not swap into each other's lost regions)
    falling = np.zeros(s.owner.shape, dtype=bool)
    falling[er[b], en[b]] = True
    score = (np.round(lv, 3) * 1e12 - near * 1e2 - nbc * 1e-3  # lexicographic
             - falling[er[b, None], nbc] * 1e14)
    if st.rules.on("retreat_off_axis"):  # the attackers' road ahead: last resort only
        score = score - _on_axis(ctx, n, b, en, attackers, nb) * 1e14
    score = np.where(own, score, -np.inf)
    pick = np.argmax(score, axis=1)
    best_b = np.where(np.isfinite(score[np.arange(b.size), pick]), nb[np.arange(b.size), pick], -1)
    best = np.full(n, -1)
    best[b] = best_b
    to = best[d_idx]
    trapped = s.encircled[dr, df] | (to < 0)
    if trapped.any():
        surrender(ctx, dr[trapped], df[trapped], reason=None)
    go = ~trapped
    if go.any():
        gr, gf, g_idx = dr[go], df[go], d_idx[go]
        # a routed force leaves stragglers and rearguards behind: its men are taken
        # prisoner, its equipment abandoned (rules.rout_loss of everything it has)
        lost = on_grid(s.strength[gr, gf] * st.rules.rout_loss)
        s.strength[gr, gf] -= lost
        book_losses(ctx, gr, gf, lost, cause=C_CAPTURED)
        s.loc[gr, gf] = to[go]
        s.morale[gr, gf] *= st.rules.rout_morale
        s.dug[gr, gf] = 0
        s.progress[gr, gf] = 0
        if ctx.record:
            for i in b:
                m = g_idx == i
                if m.any():
                    ctx.emit("retreat", er[i], place=int(en[i]), side=int(d_side[i]),
                             subjects=tuple(st.form_ids[f] for f in gf[m]),
                             to=st.node_ids[best[i]], men=float(s.strength[gr[m], gf[m], 0].sum()))
    # the attackers take the regions
    prev, changed = take_regions(ctx, er[b], en[b], att_side[b])
    am = breaks[a_idx]
    wr, wf, w_idx = ar[am], af[am], a_idx[am]
    dest = en[w_idx]
    s.loc[wr, wf] = dest
    s.progress[wr, wf] = 0
    s.dug[wr, wf] = 0
    reached = s.target[wr, wf] == dest
    s.action[wr[reached], wf[reached]] = A_NONE
    s.scripted[wr[reached], wf[reached]] = False
    if ctx.record:
        for j, i in enumerate(b):
            if changed[j]:
                capture_event(ctx, int(er[i]), int(en[i]), int(att_side[i]), int(prev[j]),
                              tuple(st.form_ids[f] for f in wf[w_idx == i]), defended=True)
            end_battles(ctx, er[i:i + 1], en[i:i + 1], att_side[i:i + 1], "taken")
    else:
        end_battles(ctx, er[b], en[b], att_side[b], "taken")
