"""``summary.json`` and the sensitivity table, computed from a sweep's per-run table.

Everything here is vectorised over runs: per-combination statistics come from
reshaping the run columns to ``[combinations, runs]``, which the table's order
(combination, then replica; equal runs per combination) allows.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from stavka.scenario.loader import Loaded
from stavka.sweep.batch import flag_names, metric_names
from stavka.sweep.grid import Grid, json_value
from stavka.sweep.stats import (
    N_BOOT,
    bootstrap_mean_ci,
    marginal_means,
    num,
    numeric_code,
    src,
    wilson,
)

METHODS = {
    "probability": "share of runs; 95 % Wilson score interval",
    "mean": f"mean over runs; 95 % percentile bootstrap interval ({N_BOOT} resamples, "
            "seeded from the sweep seed, the same resamples for every combination)",
    "sensitivity": "range: max - min over a parameter's values of the outcome's mean "
                   "(probability for flags), averaged over the other varied parameters; "
                   "src: standardised regression coefficient of the outcome on the "
                   "parameter over all runs (= Pearson correlation in a full factorial grid; "
                   "dates as day numbers, bools as 0/1); most: the parameter with the "
                   "largest range",
    "common_random_numbers": "replica i of every combination uses the same random key "
                             "(replica i of the master seed), so comparisons are paired",
    "paired_vs_combo0": "mean over runs of (outcome in this combination - outcome of the "
                        "same replica in combination 0); 95 % percentile bootstrap interval "
                        "over runs of those paired differences",
}


def numeric_metrics(loaded: Loaded) -> list[str]:
    """Numeric outcome columns: every metric but the flags and ``winner``."""
    flags = set(flag_names(loaded))
    return [m for m in metric_names(loaded) if m not in flags and m != "winner"]


def summarise(loaded: Loaded, grid: Grid, table: dict[str, np.ndarray], runs: int,
              days: int, seed: int, fingerprint: dict[str, Any]) -> dict[str, Any]:
    """The content of ``summary.json`` (deterministic: no times, no paths)."""
    C, N = grid.size, runs
    flags = flag_names(loaded)
    numeric = numeric_metrics(loaded)
    F = np.stack([table[f].reshape(C, N) for f in flags], axis=-1).astype(float)  # [C, N, f]
    X = np.stack([table[m].reshape(C, N).astype(float) for m in numeric], axis=-1)
    k = F.sum(axis=1)
    plo, phi = wilson(k, N)
    mean = X.mean(axis=1)
    sd = X.std(axis=1, ddof=1) if N > 1 else np.zeros_like(mean)
    blo, bhi = bootstrap_mean_ci(X, seed)
    winners = table["winner"].reshape(C, N)
    paired = _paired(F, X, seed, flags + numeric)
    results = []
    for c, params in enumerate(grid.combos()):
        wn, wc = np.unique(winners[c], return_counts=True)
        results.append({
            "combo": c,
            "params": {n: json_value(v) for n, v in params.items()},
            "n": N,
            "flags": {f: {"p": num(k[c, i] / N), "lo": num(plo[c, i]), "hi": num(phi[c, i]),
                          "count": int(k[c, i])} for i, f in enumerate(flags)},
            "winner": {(str(w) or "none"): int(n) for w, n in zip(wn, wc, strict=True)},
            "metrics": {m: {"mean": num(mean[c, i]), "lo": num(blo[c, i]),
                            "hi": num(bhi[c, i]), "sd": num(sd[c, i])}
                        for i, m in enumerate(numeric)},
            "paired_vs_combo0": paired[c],
        })
    outcome_means = np.concatenate([k / N, mean], axis=1)  # [C, outcomes]
    Y = np.concatenate([F.reshape(C * N, -1), X.reshape(C * N, -1)], axis=1)
    outcomes = [(f, "probability") for f in flags] + [(m, "mean") for m in numeric]
    return {
        "scenario": loaded.spec.id, "scenario_hash": loaded.hash,
        "code": fingerprint["code"], "seed": seed, "runs": N, "days": days,
        "vary": grid.as_json(), "combinations": C, "total_runs": C * N,
        "flags": flags, "numeric": numeric, "methods": METHODS,
        "results": results,
        "sensitivity": sensitivity(grid, table["combo"], outcome_means, Y, outcomes),
    }


def _paired(F: np.ndarray, X: np.ndarray, seed: int, names: list[str]
            ) -> list[dict[str, Any] | None]:
    """Per combination: each outcome's mean change against combination 0, run by run.

    Run *i* of every combination shares its random key (common random numbers),
    so the per-run difference removes most of the dice; the interval is a
    bootstrap over runs of those paired differences. ``None`` for combination 0.
    """
    Z = np.concatenate([F, X], axis=-1)  # [C, N, outcomes]
    if Z.shape[0] < 2:
        return [None]
    D = Z[1:] - Z[0]
    mean = D.mean(axis=1)
    lo, hi = bootstrap_mean_ci(D, seed)
    out: list[dict[str, Any] | None] = [None]
    for c in range(D.shape[0]):
        out.append({n: {"diff": num(mean[c, i]), "lo": num(lo[c, i]), "hi": num(hi[c, i])}
                    for i, n in enumerate(names)})
    return out


def sensitivity(grid: Grid, combo: np.ndarray, outcome_means: np.ndarray, Y: np.ndarray,
                outcomes: list[tuple[str, str]]) -> dict[str, Any]:
    """Per outcome: each varied parameter's range and SRC, and the one that moves it most."""
    sizes = [len(v) for v in grid.values]
    per_param = []
    for j, name in enumerate(grid.names):
        marg = marginal_means(outcome_means, sizes, j)  # [values, outcomes]
        code = numeric_code(grid.values[j])
        if code is not None and len(code) > 1:
            x = code[np.unravel_index(combo, sizes)[j]]
            s = src(x, Y)
        else:
            s = np.full(Y.shape[1], np.nan)
        per_param.append((name, marg, marg.max(axis=0) - marg.min(axis=0), s))
    out: dict[str, Any] = {}
    for i, (oname, kind) in enumerate(outcomes):
        params = {}
        for j, (name, marg, rng, s) in enumerate(per_param):
            vals = grid.values[j]
            moves = bool(rng[i] > 0)  # where a flat outcome is lowest or highest means nothing
            params[name] = {
                "range": num(rng[i]), "src": num(s[i], 6),
                "lowest_at": json_value(vals[int(np.argmin(marg[:, i]))]) if moves else None,
                "highest_at": json_value(vals[int(np.argmax(marg[:, i]))]) if moves else None,
                "marginal": [[json_value(v), num(marg[vi, i])] for vi, v in enumerate(vals)],
            }
        ranges = [p[2][i] for p in per_param]
        most = grid.names[int(np.argmax(ranges))] if ranges and max(ranges) > 0 else None
        out[oname] = {"kind": kind, "most": most, "parameters": params}
    return out


def sensitivity_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """``sensitivity.csv`` rows: one per (outcome, parameter), ranked by range within an outcome."""
    rows = []
    for oname, o in summary["sensitivity"].items():
        ranked = sorted(o["parameters"].items(), key=lambda kv: -(kv[1]["range"] or 0.0))
        for rank, (pname, p) in enumerate(ranked, start=1):
            rows.append({"outcome": oname, "kind": o["kind"], "parameter": pname, "rank": rank,
                         "range": p["range"], "src": p["src"], "lowest_at": p["lowest_at"],
                         "highest_at": p["highest_at"]})
    return rows
