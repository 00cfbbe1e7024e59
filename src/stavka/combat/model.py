"""The combat model: one day (or part-day) of every engagement, fully vectorised.

Every transcendental goes through :mod:`stavka.detmath` (IEEE-exact operations only),
so a step gives the same bits on every CPU. Versions ``v1`` and ``v2`` share this code; v2's extra terms (force-ratio exponent,
manoeuvre factor, size-scaled breakpoint hazards, see :class:`CombatParams`) are
skipped when they are at their neutral v1 values, so v1 results are bit-identical.

The same :func:`resolve` serves the campaign engine (one call per simulated day with
all engagements of all replicas flattened into ``n``) and ``stavka validate cdb90``
(called step by step for a battle's duration). All randomness comes from the
``rng`` argument, always the same number of draws in the same order for a given
``n``: two standard-normal arrays (loss noise) then two uniform arrays (breakpoint
race), each of shape [2, n].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from stavka import detmath as dm
from stavka.combat.params import CombatParams
from stavka.enums import GROUNDS, POSTURES, TERRAINS
from stavka.errors import InputError

_MAX_STEP_LOSS = 0.95  # no force loses more than this fraction of its men in one step
_LOG_R_CLIP = 12.0


@dataclass(frozen=True)
class Force:
    """The attacking (or defending) force of each of ``n`` engagements: every field a
    float64 array of shape [n], the sums (or men-weighted means) over its formations.

    men, tanks, guns: counts; aircraft: sorties (or serviceable aircraft) per day;
    cev: combat-effectiveness value (Dupuy's CEV, 1 = baseline); morale, supply: 0..1
    (1 = fresh / fully supplied); cum_loss: personnel fraction already lost in this
    engagement (0 on its first day).
    """

    men: np.ndarray
    tanks: np.ndarray
    guns: np.ndarray
    aircraft: np.ndarray
    cev: np.ndarray
    morale: np.ndarray
    supply: np.ndarray
    cum_loss: np.ndarray


@dataclass(frozen=True)
class Conditions:
    """Conditions of ``n`` engagements; arrays of shape [n].

    posture: defender posture code (POSTURES index, 1..5); terrain: TERRAINS index;
    ground: GROUND index; temp_c: air temperature in deg C; surprise, air: in [-1, 1]
    (+1 = attacker's); river: attack across an unfrozen river; hours: active combat
    hours in this step (24 = a full day); maneuver (optional, model v2): 1 where the
    attacker envelops or strikes a flank or rear, 0 for a frontal attack (None = 0).
    """

    posture: np.ndarray
    terrain: np.ndarray
    ground: np.ndarray
    temp_c: np.ndarray
    surprise: np.ndarray
    air: np.ndarray
    river: np.ndarray
    hours: np.ndarray
    maneuver: np.ndarray | None = None


@dataclass(frozen=True)
class DayResult:
    """Outcome of one step for ``n`` engagements; arrays of shape [n].

    att_loss, def_loss: personnel fraction (of the strength at the start of the step)
    lost this step; att_equip_loss, def_equip_loss: fraction of tanks/guns/aircraft
    lost; def_breaks: the defender reached its breakpoint first (retreats/routs);
    att_halts: the attacker reached its breakpoint first (attack stops) -- at most one
    of the two is true; power_ratio: attacker/defender combat power after all
    multipliers; def_share: the probability that, if a force breaks now, it is the
    defender (the breakpoint race's odds, lam_d / (lam_a + lam_d)).
    """

    att_loss: np.ndarray
    def_loss: np.ndarray
    att_equip_loss: np.ndarray
    def_equip_loss: np.ndarray
    def_breaks: np.ndarray
    att_halts: np.ndarray
    power_ratio: np.ndarray
    def_share: np.ndarray | None = None


def weapons_power(force: Force, params: CombatParams) -> np.ndarray:
    """Raw combat power in men-equivalents: men plus weighted tanks, guns, aircraft."""
    return (
        np.asarray(force.men, dtype=np.float64)
        + params.w_tank * force.tanks
        + params.w_gun * force.guns
        + params.w_air * force.aircraft
    )


def _floor_factor(x: np.ndarray, floor: float) -> np.ndarray:
    return floor + (1.0 - floor) * np.clip(x, 0.0, 1.0)


def state_factor(force: Force, params: CombatParams) -> np.ndarray:
    """CEV x morale x supply multiplier of a force's power (1 = fresh baseline)."""
    return (
        np.asarray(force.cev, dtype=np.float64)
        * _floor_factor(force.morale, params.morale_floor)
        * _floor_factor(force.supply, params.supply_floor)
    )


def _check_codes(cond: Conditions) -> None:
    for name, codes, size in (
        ("posture", cond.posture, len(POSTURES)),
        ("terrain", cond.terrain, len(TERRAINS)),
        ("ground", cond.ground, len(GROUNDS)),
    ):
        arr = np.asarray(codes)
        if arr.size and (arr.min() < 0 or arr.max() >= size):
            raise InputError(f"Conditions.{name}: codes must be 0..{size - 1} (got {arr.max()})")


def _many(fn: Callable[[np.ndarray], np.ndarray], *xs: Any) -> list[np.ndarray]:
    """``[fn(x) for x in xs]`` in one call of the elementwise ``fn`` (a detmath function:
    each of its calls has a fixed cost of some tens of numpy operations). Elementwise, so
    the results are bit-identical to separate calls."""
    arrs = [np.asarray(x, dtype=np.float64) for x in xs]
    out = np.asarray(fn(np.concatenate([a.ravel() for a in arrs])))
    cuts = np.cumsum([a.size for a in arrs])[:-1]
    return [part.reshape(a.shape) for part, a in zip(np.split(out, cuts), arrs, strict=True)]


@lru_cache(maxsize=64)
def _log_tables(posture: tuple[float, ...], terrain: tuple[float, ...],
                ground: tuple[float, ...], river: float) -> tuple[np.ndarray, ...]:
    """Log of the posture, terrain and ground multipliers and of the river factor (once
    per parameter set, not once per step)."""
    return tuple(_many(dm.log, posture, terrain, ground, river))


def log_condition_ratio(cond: Conditions, params: CombatParams) -> np.ndarray:
    """log(attacker multiplier / defender multiplier) from the conditions alone, [n].

    Raises :class:`~stavka.errors.InputError` if a posture, terrain or ground code is
    outside its table.
    """
    _check_codes(cond)
    lp, lt, lg, lriver = _log_tables(tuple(map(float, params.posture)),
                                     tuple(map(float, params.terrain)),
                                     tuple(map(float, params.ground)), float(params.river))
    posture = lp[np.asarray(cond.posture, int)]
    terrain = lt[np.asarray(cond.terrain, int)]
    ground = lg[np.asarray(cond.ground, int)]
    frost = np.maximum(-10.0 - np.asarray(cond.temp_c, dtype=np.float64), 0.0)
    cold = dm.log(np.maximum(1.0 - params.cold_per_deg * frost, 0.5))
    river = np.where(np.asarray(cond.river, bool), lriver, 0.0)
    att = params.surprise * np.asarray(cond.surprise) + params.air * np.asarray(cond.air)
    if cond.maneuver is not None and params.maneuver != 0.0:
        att = att + params.maneuver * np.asarray(cond.maneuver, dtype=np.float64)
    return att + ground + cold - posture - terrain - river


def log_power_ratio(att: Force, dfn: Force, cond: Conditions, params: CombatParams) -> np.ndarray:
    """Natural log of attacker/defender combat power after all multipliers."""
    wa, wd = weapons_power(att, params), weapons_power(dfn, params)
    sa, sd = state_factor(att, params), state_factor(dfn, params)
    with np.errstate(divide="ignore", invalid="ignore"):
        if params.force_exp == 1.0:  # v1
            la, ld = _many(dm.log, np.maximum(wa * sa, 1e-9), np.maximum(wd * sd, 1e-9))
            lr = la - ld
        else:  # v2: diminishing returns of numbers (W), not of CEV/morale/supply (S)
            lwa, lwd, lsa, lsd = _many(dm.log, *(np.maximum(x, 1e-9) for x in (wa, wd, sa, sd)))
            lr = params.force_exp * (lwa - lwd) + (lsa - lsd)
    return np.clip(lr + log_condition_ratio(cond, params), -_LOG_R_CLIP, _LOG_R_CLIP)


def expected_loss_rates(
    log_r: np.ndarray,
    men_a: np.ndarray,
    men_d: np.ndarray,
    cum_a: np.ndarray,
    cum_d: np.ndarray,
    params: CombatParams,
) -> tuple[np.ndarray, np.ndarray]:
    """Mean personnel loss fraction per 24 h of combat, (attacker, defender)."""
    leth = params.lethality
    size_a = np.maximum(men_a, 1.0) / 1e4
    size_d = np.maximum(men_d, 1.0) / 1e4
    log_sa, log_sd = _many(dm.log, size_a, size_d)
    e_ra, e_ca, e_rd, e_cd = _many(
        dm.exp,
        -params.ratio_exp * log_r - params.size_exp * log_sa,
        -np.asarray(cum_a) / params.loss_saturation,
        params.ratio_exp * log_r - params.size_exp * log_sd,
        -np.asarray(cum_d) / params.loss_saturation)
    la = params.loss_att * leth * e_ra * e_ca
    ld = params.loss_def * leth * e_rd * e_cd
    return la, ld


def break_hazards(
    log_r: np.ndarray,
    cum_a: np.ndarray,
    cum_d: np.ndarray,
    resolve_a: np.ndarray,
    resolve_d: np.ndarray,
    params: CombatParams,
    men_total: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Breakpoint hazards per 24 h of combat, (attacker halts, defender breaks).

    ``resolve_*`` is the force's morale x supply factor (1 = fresh and supplied);
    a tired or hungry force breaks sooner. ``men_total`` (both forces' men) scales the
    hazards by ``(men_total/2e4)**-break_size_exp`` (model v2).
    """
    k = params.break_ratio_exp * log_r
    size: float | np.ndarray = 0.0  # exactly neutral for v1 (x + 0.0 == x)
    if men_total is not None and np.any(np.asarray(params.break_size_exp) != 0.0):
        size = -params.break_size_exp * dm.log(np.maximum(men_total, 1.0) / 2e4)
    e_a, e_d = _many(
        dm.exp,
        -0.5 * params.break_bias - k + np.asarray(cum_a) / params.breakpoint + size,
        0.5 * params.break_bias + k + np.asarray(cum_d) / params.breakpoint + size)
    lam_a = params.break_rate * e_a / np.maximum(resolve_a, 1e-3)
    lam_d = params.break_rate * e_d / np.maximum(resolve_d, 1e-3)
    return lam_a, lam_d


def _resolve_factor(force: Force, params: CombatParams) -> np.ndarray:
    return _floor_factor(force.morale, params.morale_floor) * _floor_factor(
        force.supply, params.supply_floor
    )


def resolve(
    att: Force, dfn: Force, cond: Conditions, params: CombatParams, rng: np.random.Generator
) -> DayResult:
    """Resolve one step (``cond.hours`` of combat) of ``n`` engagements at once.

    Returns each force's personnel and equipment loss fractions for the step, whether
    the defender breaks or the attacker halts (the first of the two breakpoint
    events within the step; at most one is true), and the power ratio.
    Deterministic given ``rng``: draws ``standard_normal((2, n))`` then
    ``random((2, n))``, whatever the inputs. ``att``, ``dfn`` and ``cond`` hold arrays
    of shape [n]; so does every field of the :class:`DayResult`. The power ratio is the
    force ratio after CEV, morale, supply, posture, terrain, weather and surprise
    multipliers, clipped to exp(+-12).

    Raises :class:`~stavka.errors.InputError` if a posture, terrain or ground code of
    ``cond`` is outside its table.
    """
    n = int(np.asarray(att.men).shape[0])
    noise = rng.standard_normal((2, n))
    u = rng.random((2, n))
    log_r = log_power_ratio(att, dfn, cond, params)
    dt = np.clip(np.asarray(cond.hours, dtype=np.float64), 0.0, None) / 24.0
    la, ld = expected_loss_rates(log_r, att.men, dfn.men, att.cum_loss, dfn.cum_loss, params)
    sig = params.loss_sigma
    mult = dm.exp(sig * noise - 0.5 * sig * sig)  # mean-one lognormal noise
    lam_a, lam_d = break_hazards(
        log_r,
        att.cum_loss,
        dfn.cum_loss,
        _resolve_factor(att, params),
        _resolve_factor(dfn, params),
        params,
        np.asarray(att.men, dtype=np.float64) + np.asarray(dfn.men, dtype=np.float64),
    )
    total = lam_a + lam_d
    p_event = -dm.expm1(-total * dt)
    event = u[0] < p_event
    def_first = u[1] * total < lam_d
    def_breaks = event & def_first
    att_halts = event & ~def_first
    att_loss = np.minimum(la * dt * mult[0] + params.break_loss * att_halts, _MAX_STEP_LOSS)
    def_loss = np.minimum(ld * dt * mult[1] + params.break_loss * def_breaks, _MAX_STEP_LOSS)
    return DayResult(
        att_loss=att_loss,
        def_loss=def_loss,
        att_equip_loss=np.minimum(att_loss * params.equip_loss_ratio, _MAX_STEP_LOSS),
        def_equip_loss=np.minimum(def_loss * params.equip_loss_ratio, _MAX_STEP_LOSS),
        def_breaks=def_breaks,
        att_halts=att_halts,
        power_ratio=dm.exp(log_r),
        def_share=lam_d / np.maximum(total, 1e-300),
    )
