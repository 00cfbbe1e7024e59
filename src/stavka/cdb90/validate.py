"""Validation: predict battles (optionally K-fold cross-validated) and score them.

With ``folds=K`` the battles are split into K folds by group (a battle and its phases,
``parent_isqno``, stay together); each fold is predicted by a model calibrated on the
other K-1 folds, and the two baselines are fitted on the same K-1 folds.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from stavka.atomic import atomic_write
from stavka.cdb90.battles import Battles, Outcomes, subset, subset_outcomes
from stavka.cdb90.calibrate import calibrate, literature_params
from stavka.cdb90.metrics import cas_spearman, win_metrics
from stavka.cdb90.predict import Prediction, simulate
from stavka.cdb90.setup import build
from stavka.combat.params import CombatParams

FOLD_SEED = 20240601


def subsets(b: Battles) -> dict[str, np.ndarray]:
    """Named boolean masks of the reported subsets."""
    war = [w.upper() for w in b.war]
    sovjap = np.array(["MANCHURIAN" in w or "CHANGKUFENG" in w or "NOMONHAN" in w for w in war])
    east = np.array(
        [t == "Eastern Front" or "EASTERN FRONT" in w for t, w in zip(b.theater, war, strict=True)]
    )
    return {
        "all": np.ones(len(b), dtype=bool),
        "1900+": b.year >= 1900,
        "pre-1900": b.year < 1900,
        "1939-45": (b.year >= 1939) & (b.year <= 1945),
        "Soviet-Japanese + Eastern Front": sovjap | east,
    }


def assign_folds(group: np.ndarray, k: int, seed: int = FOLD_SEED) -> np.ndarray:
    """Fold number 0..k-1 per battle; battles sharing a group share a fold."""
    groups = np.unique(group)
    perm = np.random.default_rng(seed).permutation(groups)
    fold_of = {int(g): i % k for i, g in enumerate(perm)}
    return np.array([fold_of[int(g)] for g in group], dtype=np.int64)


def _logistic_fit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    X = np.c_[np.ones(len(x)), x]

    def nll(beta: np.ndarray) -> tuple[float, np.ndarray]:
        z = X @ beta
        p = 1.0 / (1.0 + np.exp(-z))
        return float(np.sum(np.logaddexp(0.0, z) - y * z)), X.T @ (p - y)

    return minimize(nll, np.zeros(2), jac=True, method="BFGS").x


@dataclass
class Baselines:
    """Always-attacker-wins (training base rate) and logistic on log force ratio."""

    p_const: np.ndarray
    p_logit: np.ndarray
    a_cas_power: np.ndarray  # power law of casualty fraction in force ratio
    d_cas_power: np.ndarray


def fit_baselines(b: Battles, o: Outcomes, train: np.ndarray, test: np.ndarray) -> Baselines:
    """Fit both baselines on positions ``train``, predict positions ``test``."""
    y = o.attacker_won
    lfr = np.log(b.a_men / b.d_men)
    tr = train[~np.isnan(y[train])]
    rate = float(np.mean(y[tr])) if tr.size else 0.5
    beta = _logistic_fit(lfr[tr], y[tr])
    cas = []
    for act in (o.a_cas_frac, o.d_cas_frac):
        t = train[act[train] > 0]
        A = np.c_[np.ones(t.size), lfr[t]]
        coef = np.linalg.lstsq(A, np.log(act[t]), rcond=None)[0]
        cas.append(np.exp(coef[0] + coef[1] * lfr[test]))
    return Baselines(
        p_const=np.full(test.size, rate),
        p_logit=1.0 / (1.0 + np.exp(-(beta[0] + beta[1] * lfr[test]))),
        a_cas_power=cas[0],
        d_cas_power=cas[1],
    )


@dataclass
class Validation:
    """Predictions for every battle and, if outcomes are known, the score tables."""

    battles: Battles
    outcomes: Outcomes | None
    pred: Prediction
    fold: np.ndarray  # -1 when not cross-validated
    folds: int
    baselines: Baselines | None
    tables: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    fold_params: list[CombatParams] = field(default_factory=list)
    version: str = "v1"


def _concat(parts: list[tuple[np.ndarray, Prediction]], n: int, runs: int) -> Prediction:
    names = [f for f in Prediction.__dataclass_fields__ if f != "runs"]
    arrays = {k: np.full(n, math.nan) for k in names}
    for idx, pr in parts:
        for k in names:
            arrays[k][idx] = getattr(pr, k)
    return Prediction(**arrays, runs=runs)


def model_label(v: Validation) -> str:
    """The model's row label in the score tables, e.g. ``stavka combat v2``."""
    return f"stavka combat {v.version}"


def score(v: Validation) -> dict[str, dict[str, dict[str, float]]]:
    """Metric tables: subset -> predictor -> metric -> value."""
    assert v.outcomes is not None and v.baselines is not None
    o = v.outcomes
    y = o.attacker_won
    out: dict[str, dict[str, dict[str, float]]] = {}
    for name, m in subsets(v.battles).items():
        rows: dict[str, dict[str, float]] = {}
        for label, p, ca, cd in (
            (model_label(v), v.pred.p_attacker_win, v.pred.a_cas_frac, v.pred.d_cas_frac),
            ("always attacker wins", v.baselines.p_const, None, None),
            (
                "logistic log force ratio",
                v.baselines.p_logit,
                v.baselines.a_cas_power,
                v.baselines.d_cas_power,
            ),
        ):
            r = win_metrics(p[m], y[m])
            r["spearman_a_cas"] = (
                cas_spearman(ca[m], o.a_cas_frac[m]) if ca is not None else math.nan
            )
            r["spearman_d_cas"] = (
                cas_spearman(cd[m], o.d_cas_frac[m]) if cd is not None else math.nan
            )
            rows[label] = r
        out[name] = rows
    return out


def run(
    b: Battles,
    o: Outcomes | None,
    params: CombatParams,
    folds: int = 0,
    runs: int = 5000,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    maxiter: int = 400,
) -> Validation:
    """Predict every battle; with ``folds`` >= 2 and outcomes, cross-validate.

    Cross-validation refits the model version of ``params`` (``params.model_version``)
    from its literature starting point on each fold's training battles.
    """
    n = len(b)
    if folds >= 2 and o is not None:
        fold = assign_folds(b.group, folds)
        parts = []
        base_parts = []
        fold_params = []
        for k in range(folds):
            test = np.flatnonzero(fold == k)
            train = np.flatnonzero(fold != k)
            if progress:
                progress(f"fold {k + 1}/{folds}: calibrating on {train.size} battles")
            pk = calibrate(
                subset(b, train),
                subset_outcomes(o, train),
                literature_params(params.model_version),
                maxiter=maxiter,
            )
            fold_params.append(pk)
            pr = simulate(build(subset(b, test), pk), pk, runs=runs, seed=seed + k)
            parts.append((test, pr))
            base_parts.append((test, fit_baselines(b, o, train, test)))
        pred = _concat(parts, n, runs)
        bl = {f: np.full(n, math.nan) for f in ("p_const", "p_logit", "a_cas_power", "d_cas_power")}
        for test, bp in base_parts:
            for f in bl:
                bl[f][test] = getattr(bp, f)
        v = Validation(
            b,
            o,
            pred,
            fold,
            folds,
            Baselines(**bl),
            fold_params=fold_params,
            version=params.model_version,
        )
    else:
        pred = simulate(build(b, params), params, runs=runs, seed=seed)
        allidx = np.arange(n)
        bls = fit_baselines(b, o, allidx, allidx) if o is not None else None
        v = Validation(b, o, pred, np.full(n, -1), 0, bls, version=params.model_version)
    if o is not None:
        v.tables = score(v)
    return v


def write_predictions(v: Validation, path: Path) -> None:
    """One row per battle: isqno, p_attacker_win, a_cas_pred, d_cas_pred, ... (atomic)."""
    b, p = v.battles, v.pred
    header = [
        "isqno",
        "p_attacker_win",
        "a_cas_pred",
        "d_cas_pred",
        "a_cas_lo",
        "a_cas_hi",
        "d_cas_lo",
        "d_cas_hi",
        "a_cas_frac_pred",
        "d_cas_frac_pred",
        "p_attacker_halts",
        "fold",
        "name",
    ]
    if v.outcomes is not None:
        header += ["wina", "a_cas_frac", "d_cas_frac", "p_baseline_logistic"]
    rows = []
    for i in range(len(b)):
        a, d = b.a_men[i], b.d_men[i]
        r = [
            int(b.isqno[i]),
            f"{p.p_attacker_win[i]:.4f}",
            f"{p.a_cas_frac[i] * a:.0f}",
            f"{p.d_cas_frac[i] * d:.0f}",
            f"{p.a_cas_lo[i] * a:.0f}",
            f"{p.a_cas_hi[i] * a:.0f}",
            f"{p.d_cas_lo[i] * d:.0f}",
            f"{p.d_cas_hi[i] * d:.0f}",
            f"{p.a_cas_frac[i]:.5f}",
            f"{p.d_cas_frac[i]:.5f}",
            f"{p.p_attacker_halts[i]:.4f}",
            int(v.fold[i]),
            b.name[i],
        ]
        if v.outcomes is not None and v.baselines is not None:
            o = v.outcomes
            r += [
                "" if math.isnan(o.wina[i]) else int(o.wina[i]),
                "" if math.isnan(o.a_cas_frac[i]) else f"{o.a_cas_frac[i]:.5f}",
                "" if math.isnan(o.d_cas_frac[i]) else f"{o.d_cas_frac[i]:.5f}",
                f"{v.baselines.p_logit[i]:.4f}",
            ]
        rows.append(r)
    atomic_write_text(path, _csv_text(header, rows))


def _csv_text(header: list[str], rows: list[list]) -> str:
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (see :func:`stavka.atomic.atomic_write`)."""
    atomic_write(path, text)
