"""Calibration of the combat model on CDB90 battles by penalised maximum likelihood.

The likelihood is the model's own: for each battle the day-by-day loss trajectory is
run with the model's functions (``expected_loss_rates``, ``break_hazards``,
``weapons_power``) at mean loss noise, and the breakpoint race is integrated exactly
(piecewise-constant hazards per step), giving P(attacker wins) and the expected
casualty fractions that the Monte Carlo of ``resolve`` estimates. The objective is
the Bernoulli log-loss of "attacker wins" plus a log-normal casualty term for each
side, plus Gaussian priors centred on the literature values (so thinly supported
factors stay near the literature). Gradients: per-battle finite differences for the
factors that enter the power ratio or the lethality linearly, plain finite
differences for the few dynamics parameters; scipy's L-BFGS-B does the rest.
"""

from __future__ import annotations

import collections
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from stavka.cdb90.battles import Battles, Outcomes
from stavka.cdb90.setup import Engagements, build
from stavka.combat.model import break_hazards, expected_loss_rates, log_condition_ratio
from stavka.combat.params import (
    ERAS,
    POSTURES,
    REFERENCE_ERA,
    TERRAINS,
    CombatParams,
)

CAS_SIGMA = 1.0  # sd of log casualty fraction around the model's expectation
CAS_WEIGHT = 0.1  # weight of each side's casualty term relative to the outcome term
MIN_NATION_BATTLES = 5  # nations with fewer battles keep CEV 1.0
NATION_PRIOR_SD = 0.6
_EPS = 1e-5


@dataclass(frozen=True)
class Spec:
    """One fitted parameter: where it lives, how it is transformed, its prior."""

    name: str
    kind: str  # "dyn" (finite difference), "static" (enters log R linearly), "leth"
    log: bool  # optimise log(value)
    prior_sd: float
    lo: float  # bounds in optimisation space
    hi: float


def _field_get(p: CombatParams, name: str) -> float:
    if "[" in name:
        base, key = name[:-1].split("[", 1)
        container = getattr(p, base)
        if isinstance(container, tuple):
            return float(container[int(key)])
        return float(container.get(key, 1.0))
    return float(getattr(p, name))


def _apply(p: CombatParams, specs: list[Spec], x: np.ndarray) -> CombatParams:
    """CombatParams with the spec'd fields set from optimisation vector ``x``."""
    scalars: dict[str, float] = {}
    tuples: dict[str, list[float]] = {}
    dicts: dict[str, dict[str, float]] = {}
    for s, v in zip(specs, x, strict=True):
        val = float(np.exp(v)) if s.log else float(v)
        if "[" in s.name:
            base, key = s.name[:-1].split("[", 1)
            cont = getattr(p, base)
            if isinstance(cont, tuple):
                tuples.setdefault(base, list(cont))[int(key)] = val
            else:
                dicts.setdefault(base, dict(cont))[key] = val
        else:
            scalars[s.name] = val
    kw: dict = dict(scalars)
    kw.update({k: tuple(v) for k, v in tuples.items()})
    kw.update(dicts)
    return dataclasses.replace(p, **kw)


def nations_to_fit(b: Battles, min_battles: int = MIN_NATION_BATTLES) -> list[str]:
    """Actors appearing in at least ``min_battles`` battles (either side), sorted."""
    cnt: collections.Counter[str] = collections.Counter()
    for a, d in zip(b.att_actors, b.def_actors, strict=True):
        cnt.update(set(a) | set(d))
    return sorted(k for k, c in cnt.items() if c >= min_battles)


def make_specs(nations: list[str]) -> list[Spec]:
    """The fitted parameters and their priors (sd in optimisation space)."""
    ln = np.log
    specs = [
        Spec("loss_att", "dyn", True, 2.0, ln(1e-4), ln(2.0)),
        Spec("loss_def", "dyn", True, 2.0, ln(1e-4), ln(2.0)),
        Spec("ratio_exp", "dyn", False, 1.0, 0.0, 1.0),
        Spec("size_exp", "dyn", False, 1.0, 0.0, 0.8),
        Spec("loss_saturation", "dyn", True, 2.0, ln(0.005), ln(5.0)),
        Spec("break_rate", "dyn", True, 2.0, ln(0.01), ln(100.0)),
        Spec("break_bias", "dyn", False, 2.0, -5.0, 5.0),
        Spec("break_ratio_exp", "dyn", False, 2.0, 0.05, 5.0),
        Spec("breakpoint", "dyn", True, 2.0, ln(0.005), ln(5.0)),
        Spec("break_loss", "dyn", False, 0.2, 0.0, 0.3),
        Spec("w_tank", "dyn", True, 1.0, ln(1.0), ln(2000.0)),
        Spec("w_gun", "dyn", True, 1.0, ln(1.0), ln(2000.0)),
        Spec("w_air", "dyn", True, 1.0, ln(0.1), ln(2000.0)),
        Spec("surprise", "static", False, 0.5, -1.0, 3.0),
        Spec("air", "static", False, 0.5, -1.0, 2.0),
        Spec("river", "static", True, 0.3, ln(0.5), ln(4.0)),
    ]
    for k in range(1, len(POSTURES)):
        specs.append(Spec(f"posture[{k}]", "static", True, 0.3, ln(0.3), ln(5.0)))
    for t in ("forest", "marsh", "mountain", "urban", "steppe", "desert"):
        k = TERRAINS.index(t)
        specs.append(Spec(f"terrain[{k}]", "static", True, 0.3, ln(0.3), ln(5.0)))
    for e in ERAS:
        if e != REFERENCE_ERA:
            specs.append(Spec(f"era_defence[{e}]", "static", True, 0.5, ln(0.1), ln(10.0)))
            specs.append(Spec(f"era_lethality[{e}]", "leth", True, 2.0, ln(0.01), ln(100.0)))
    for a in nations:
        specs.append(
            Spec(f"nation_quality[{a}]", "static", True, NATION_PRIOR_SD, ln(0.1), ln(10.0))
        )
    return specs


def _design(b: Battles, e: Engagements, specs: list[Spec]) -> tuple[np.ndarray, np.ndarray]:
    """Columns d(static_i)/d(x_k) for static specs and d(log leth_i)/d(x_k) for leth specs."""
    n = len(b)
    stat = np.zeros((n, len(specs)))
    leth = np.zeros((n, len(specs)))
    era = np.array(b.era)
    for k, s in enumerate(specs):
        if s.kind == "dyn":
            continue
        base, _, key = s.name.partition("[")
        key = key.rstrip("]")
        if s.name == "surprise":
            stat[:, k] = e.cond.surprise
        elif s.name == "air":
            stat[:, k] = e.cond.air
        elif s.name == "river":
            stat[:, k] = -e.cond.river.astype(float)
        elif base == "posture":
            stat[:, k] = -(e.cond.posture == int(key)).astype(float)
        elif base == "terrain":
            stat[:, k] = -(e.cond.terrain == int(key)).astype(float)
        elif base == "era_defence":
            stat[:, k] = -(era == key).astype(float)
        elif base == "era_lethality":
            leth[:, k] = era == key
        elif base == "nation_quality":
            stat[:, k] = [
                (a.count(key) / len(a) if a else 0.0) - (d.count(key) / len(d) if d else 0.0)
                for a, d in zip(b.att_actors, b.def_actors, strict=True)
            ]
    return stat, leth


class Surrogate:
    """Deterministic, exact-race version of the Monte Carlo, for fitting."""

    def __init__(self, eng: Engagements):
        self.order = np.argsort(-eng.steps, kind="stable")
        o = self.order
        self.steps = eng.steps[o]
        self.max_steps = int(self.steps.max(initial=0))
        # number of battles still running at step t (prefix of the sorted order)
        self.active = np.array(
            [int(np.count_nonzero(self.steps > t)) for t in range(self.max_steps + 1)]
        )
        self.dt = eng.cond.hours[o] / 24.0
        self.men_a0 = eng.att.men[o]
        self.men_d0 = eng.dfn.men[o]
        self.tanks = (eng.att.tanks[o], eng.dfn.tanks[o])
        self.guns = (eng.att.guns[o], eng.dfn.guns[o])
        self.air = (eng.att.aircraft[o], eng.dfn.aircraft[o])

    def run(
        self, p: CombatParams, static: np.ndarray, log_leth: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(P(attacker wins), E[attacker loss fraction], E[defender loss fraction]).

        ``static``: per-battle log power ratio from everything but weapons (input order);
        ``log_leth``: per-battle log lethality.
        """
        o = self.order
        n = o.shape[0]
        st = static[o]
        leth = np.exp(log_leth[o]) * p.lethality
        men_a = self.men_a0.copy()
        men_d = self.men_d0.copy()
        eq_a = np.ones(n)
        eq_d = np.ones(n)
        surv = np.ones(n)
        pwin = np.zeros(n)
        ea = np.zeros(n)
        ed = np.zeros(n)
        cum_a = np.zeros(n)
        cum_d = np.zeros(n)
        bl = p.break_loss
        for t in range(self.max_steps):
            k = self.active[t]
            s = slice(0, k)
            wa = men_a[s] + eq_a[s] * (
                p.w_tank * self.tanks[0][s] + p.w_gun * self.guns[0][s] + p.w_air * self.air[0][s]
            )
            wd = men_d[s] + eq_d[s] * (
                p.w_tank * self.tanks[1][s] + p.w_gun * self.guns[1][s] + p.w_air * self.air[1][s]
            )
            log_r = np.clip(np.log(wa) - np.log(wd) + st[s], -12.0, 12.0)
            pl = dataclasses.replace(p, lethality=leth[s])
            la, ld = expected_loss_rates(log_r, men_a[s], men_d[s], cum_a[s], cum_d[s], pl)
            one = np.ones(k)
            lam_a, lam_d = break_hazards(log_r, cum_a[s], cum_d[s], one, one, p)
            dt = self.dt[s]
            sa = np.minimum(la * dt, 0.95)
            sd = np.minimum(ld * dt, 0.95)
            na = 1.0 - (1.0 - cum_a[s]) * (1.0 - sa)
            nd = 1.0 - (1.0 - cum_d[s]) * (1.0 - sd)
            na_b = 1.0 - (1.0 - cum_a[s]) * (1.0 - np.minimum(sa + bl, 0.95))
            nd_b = 1.0 - (1.0 - cum_d[s]) * (1.0 - np.minimum(sd + bl, 0.95))
            total = lam_a + lam_d
            pe = -np.expm1(-total * dt)
            p_def = surv[s] * pe * lam_d / total
            p_att = surv[s] * pe * lam_a / total
            pwin[s] += p_def
            ea[s] += p_def * na + p_att * na_b
            ed[s] += p_def * nd_b + p_att * nd
            surv[s] *= 1.0 - pe
            men_a[s] *= 1.0 - sa
            men_d[s] *= 1.0 - sd
            eq_a[s] *= 1.0 - np.minimum(sa * p.equip_loss_ratio, 0.95)
            eq_d[s] *= 1.0 - np.minimum(sd * p.equip_loss_ratio, 0.95)
            cum_a[s] = na
            cum_d[s] = nd
            fin = slice(self.active[t + 1], k)  # battles whose last step this was
            ea[fin] += surv[fin] * cum_a[fin]
            ed[fin] += surv[fin] * cum_d[fin]
        inv = np.empty_like(o)
        inv[o] = np.arange(n)
        return pwin[inv], ea[inv], ed[inv]


def fixed_static(e: Engagements, params: CombatParams) -> np.ndarray:
    """The part of the per-battle log power ratio that is not fitted (ground, cold)."""
    neutral = dataclasses.replace(
        params,
        posture=(1.0,) * len(POSTURES),
        terrain=(1.0,) * len(TERRAINS),
        river=1.0,
        surprise=0.0,
        air=0.0,
    )
    return log_condition_ratio(e.cond, neutral)


def static_log_ratio(e: Engagements, params: CombatParams) -> np.ndarray:
    """Per-battle log power ratio from conditions and quality (everything but weapons)."""
    return log_condition_ratio(e.cond, params) + np.log(e.att.quality) - np.log(e.dfn.quality)


@dataclass
class Objective:
    """Penalised negative log-likelihood of battles under the model."""

    specs: list[Spec]
    base: CombatParams
    surrogate: Surrogate
    stat_design: np.ndarray
    leth_design: np.ndarray
    fixed: np.ndarray
    y: np.ndarray  # 1 attacker won, 0 not, NaN unknown
    a_cas: np.ndarray  # actual fractions, NaN unknown
    d_cas: np.ndarray
    x0: np.ndarray
    prior_sd: np.ndarray

    def per_battle(self, p: CombatParams, static: np.ndarray, log_leth: np.ndarray) -> np.ndarray:
        pw, ea, ed = self.surrogate.run(p, static, log_leth)
        pw = np.clip(pw, 1e-4, 1 - 1e-4)
        f = np.where(
            np.isnan(self.y),
            0.0,
            -(np.nan_to_num(self.y) * np.log(pw) + (1 - np.nan_to_num(self.y)) * np.log1p(-pw)),
        )
        for pred, act in ((ea, self.a_cas), (ed, self.d_cas)):
            ok = act > 0
            r = np.log(np.maximum(pred, 1e-6)) - np.log(np.where(ok, act, 1.0))
            f = f + np.where(ok, CAS_WEIGHT * 0.5 * (r / CAS_SIGMA) ** 2, 0.0)
        return f

    def _parts(self, x: np.ndarray) -> tuple[CombatParams, np.ndarray, np.ndarray]:
        p = _apply(self.base, self.specs, x)
        is_stat = np.array([s.kind == "static" for s in self.specs])
        is_leth = np.array([s.kind == "leth" for s in self.specs])
        static = self.fixed + self.stat_design[:, is_stat] @ x[is_stat]
        log_leth = self.leth_design[:, is_leth] @ x[is_leth]
        return p, static, log_leth

    def __call__(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        p, static, log_leth = self._parts(x)
        f = self.per_battle(p, static, log_leth)
        z = (x - self.x0) / self.prior_sd
        val = float(f.sum() + 0.5 * np.sum(z * z))
        grad = z / self.prior_sd
        g_stat = (self.per_battle(p, static + _EPS, log_leth) - f) / _EPS
        g_leth = (self.per_battle(p, static, log_leth + _EPS) - f) / _EPS
        grad = grad + self.stat_design.T @ g_stat + self.leth_design.T @ g_leth
        total = f.sum()
        for k, s in enumerate(self.specs):
            if s.kind != "dyn":
                continue
            xk = x.copy()
            step = _EPS if xk[k] + _EPS <= s.hi else -_EPS
            xk[k] += step
            pk = _apply(self.base, self.specs, xk)
            grad[k] += (self.per_battle(pk, static, log_leth).sum() - total) / step
        return val, grad


def make_objective(
    b: Battles, o: Outcomes, base: CombatParams, nations: list[str] | None = None
) -> Objective:
    """Set up the fitting objective for battles ``b`` with outcomes ``o``."""
    nations = nations_to_fit(b) if nations is None else nations
    specs = make_specs(nations)
    # set-up without nation/era quality: those enter through the static design
    neutral = dataclasses.replace(
        base,
        nation_quality={},
        era_defence={e: 1.0 for e in ERAS},
        era_lethality={e: 1.0 for e in ERAS},
    )
    eng = build(b, neutral)
    stat, leth = _design(b, eng, specs)
    x0 = np.array(
        [np.log(_field_get(base, s.name)) if s.log else _field_get(base, s.name) for s in specs]
    )
    x0 = np.clip(x0, [s.lo for s in specs], [s.hi for s in specs])
    return Objective(
        specs=specs,
        base=base,
        surrogate=Surrogate(eng),
        stat_design=stat,
        leth_design=leth,
        fixed=fixed_static(eng, base),
        y=o.attacker_won,
        a_cas=o.a_cas_frac,
        d_cas=o.d_cas_frac,
        x0=x0,
        prior_sd=np.array([s.prior_sd for s in specs]),
    )


def calibrate(
    b: Battles,
    o: Outcomes,
    base: CombatParams | None = None,
    maxiter: int = 400,
    progress: Callable[[str], None] | None = None,
) -> CombatParams:
    """Fit the combat model's parameters to battles ``b`` (MAP from literature priors)."""
    base = CombatParams() if base is None else base
    obj = make_objective(b, o, base)
    res = minimize(
        obj,
        obj.x0,
        jac=True,
        method="L-BFGS-B",
        bounds=[(s.lo, s.hi) for s in obj.specs],
        options={"maxiter": maxiter},
    )
    fitted = _apply(base, obj.specs, res.x)
    n_out = int(np.count_nonzero(~np.isnan(obj.y)))
    if progress:
        progress(f"fit: {res.nit} iterations, objective {res.fun:.2f}, {res.message}")
    note = (
        f"fitted by stavka calibrate cdb90 on {len(b)} CDB90 battles ({n_out} with outcome): "
        f"penalised maximum likelihood (attacker-wins log-loss + log-normal casualty "
        f"fractions) through the model's exact breakpoint race, priors at the literature "
        f"values; {len(obj.specs)} parameters incl. {sum(s.name.startswith('nation') for s in obj.specs)} "
        f"national CEVs (nations in >= {MIN_NATION_BATTLES} battles)"
    )
    return dataclasses.replace(fitted, source=note)
