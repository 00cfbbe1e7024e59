"""Prediction: run each battle through the engine's own ``resolve``, Monte Carlo.

Each battle is replicated ``runs`` times and all replicas of all battles are
flattened into one array; every day :func:`stavka.combat.resolve` is called once
for the replicas still fighting. A replica ends when the defender breaks (attacker
wins) or the attacker halts (attacker does not win). What happens when the battle's
recorded duration is over with neither depends on ``params.end_rule``:

* ``"standoff"`` (model v1): a stand-off, the attacker does not win;
* ``"race"`` (model v2): the recorded battle ended then, so the first break happens
  at the end, and the model's breakpoint race decides whose it is: the defender with
  probability ``DayResult.def_share`` of the last step. P(attacker wins) adds that
  probability (not a draw of it); casualties draw the breaking side and book its
  ``break_loss``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

import stavka.combat as combat
from stavka.cdb90.setup import Engagements, take
from stavka.combat.model import Force
from stavka.combat.params import CombatParams


@dataclass(frozen=True)
class Prediction:
    """Per-battle Monte Carlo summaries; arrays of shape [n_battles]."""

    p_attacker_win: np.ndarray
    p_attacker_halts: np.ndarray
    a_cas_frac: np.ndarray  # mean personnel fraction lost, attacker
    d_cas_frac: np.ndarray
    a_cas_lo: np.ndarray  # 10th / 90th percentiles of the fraction lost
    a_cas_hi: np.ndarray
    d_cas_lo: np.ndarray
    d_cas_hi: np.ndarray
    runs: int


def _sub_force(s: Force, idx: np.ndarray, men: np.ndarray, eq: np.ndarray, cum: np.ndarray) -> Force:
    return Force(
        men=men[idx],
        tanks=s.tanks[idx] * eq[idx],
        guns=s.guns[idx] * eq[idx],
        aircraft=s.aircraft[idx] * eq[idx],
        cev=s.cev[idx],
        morale=s.morale[idx],
        supply=s.supply[idx],
        cum_loss=cum[idx],
    )


def _take_cond(cond, idx: np.ndarray):
    return dataclasses.replace(
        cond,
        **{
            f.name: getattr(cond, f.name)[idx]
            for f in dataclasses.fields(cond)
            if getattr(cond, f.name) is not None
        },
    )


def simulate(eng: Engagements, params: CombatParams, runs: int = 200, seed: int = 0) -> Prediction:
    """Monte Carlo of every battle in ``eng`` for its duration via ``stavka.combat.resolve``."""
    nb = len(eng)
    rep = np.repeat(np.arange(nb), runs)
    e = take(eng, rep)
    n = nb * runs
    rng = np.random.default_rng(seed)
    men_a = e.att.men.copy()
    men_d = e.dfn.men.copy()
    eq_a = np.ones(n)  # surviving fraction of equipment
    eq_d = np.ones(n)
    cum_a = np.zeros(n)
    cum_d = np.zeros(n)
    done = np.zeros(n, dtype=bool)
    win = np.zeros(n, dtype=bool)
    halt = np.zeros(n, dtype=bool)
    share = np.zeros(n)  # def_share of each replica's last step
    for day in range(int(e.steps.max(initial=0))):
        idx = np.flatnonzero(~done & (e.steps > day))
        if idx.size == 0:
            break
        cond = _take_cond(e.cond, idx)
        p = dataclasses.replace(params, lethality=e.lethality[idx] * params.lethality)
        res = combat.resolve(
            _sub_force(e.att, idx, men_a, eq_a, cum_a),
            _sub_force(e.dfn, idx, men_d, eq_d, cum_d),
            cond,
            p,
            rng,
        )
        men_a[idx] *= 1.0 - res.att_loss
        men_d[idx] *= 1.0 - res.def_loss
        eq_a[idx] *= 1.0 - res.att_equip_loss
        eq_d[idx] *= 1.0 - res.def_equip_loss
        cum_a[idx] = 1.0 - men_a[idx] / e.att.men[idx]
        cum_d[idx] = 1.0 - men_d[idx] / e.dfn.men[idx]
        win[idx] |= res.def_breaks
        halt[idx] |= res.att_halts
        done[idx] |= res.def_breaks | res.att_halts
        if res.def_share is not None:
            share[idx] = res.def_share
    p_win = win.astype(float)
    p_halt = halt.astype(float)
    if params.end_rule == "race":
        open_ = ~done
        u = rng.random(n)
        d_first = open_ & (u < share)
        a_first = open_ & ~d_first
        p_win = np.where(open_, share, p_win)
        p_halt = np.where(open_, 1.0 - share, p_halt)
        bl = params.break_loss
        cum_d = np.where(d_first, 1.0 - (1.0 - cum_d) * (1.0 - bl), cum_d)
        cum_a = np.where(a_first, 1.0 - (1.0 - cum_a) * (1.0 - bl), cum_a)
    ca = cum_a.reshape(nb, runs)
    cd = cum_d.reshape(nb, runs)
    qa = np.quantile(ca, [0.1, 0.9], axis=1) if nb else np.zeros((2, 0))
    qd = np.quantile(cd, [0.1, 0.9], axis=1) if nb else np.zeros((2, 0))
    return Prediction(
        p_attacker_win=p_win.reshape(nb, runs).mean(axis=1),
        p_attacker_halts=p_halt.reshape(nb, runs).mean(axis=1),
        a_cas_frac=ca.mean(axis=1),
        d_cas_frac=cd.mean(axis=1),
        a_cas_lo=qa[0],
        a_cas_hi=qa[1],
        d_cas_lo=qd[0],
        d_cas_hi=qd[1],
        runs=runs,
    )
