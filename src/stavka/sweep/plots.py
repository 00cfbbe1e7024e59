"""Sweep plots (matplotlib, Agg, no pyplot state), written atomically as PNG.

* ``p_vs_<param>.png`` per varied parameter: the probability of every flag
  against the parameter's values (other parameters pooled), with the Wilson
  95 % band; or ``flags.png`` (bars with Wilson intervals) when nothing varies.
* ``histograms.png``: distributions of key numeric outcomes (campaign length,
  men lost per side, victory points), one step histogram per combination
  when there are at most six, else all runs pooled.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from stavka.atomic import atomic_write
from stavka.sweep.grid import text_value
from stavka.sweep.stats import numeric_code, wilson

if TYPE_CHECKING:
    from stavka.sweep.core import SweepResult

MAX_OVERLAY = 6


def _save(fig: Figure, path: Path) -> None:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, metadata={"Software": None})
    atomic_write(path, buf.getvalue())


def _panels(n: int) -> tuple[int, int]:
    cols = min(n, 4)
    return (n + cols - 1) // cols, cols


def key_metrics(res: SweepResult) -> list[str]:
    """Numeric outcomes worth a histogram: days, men lost per side, VP; constant ones dropped."""
    want = [m for m in res.numeric
            if m == "days" or m.startswith("vp_") or (m.startswith("loss_") and m.endswith("_men"))]
    return [m for m in want if np.ptp(res.runs[m]) > 0]


def flag_vs_param(res: SweepResult, j: int, path: Path) -> None:
    """Probability of each flag against varied parameter ``j``, Wilson band, others pooled."""
    name, vals = res.grid.names[j], res.grid.values[j]
    sizes = [len(v) for v in res.grid.values]
    n_per = len(res.runs["run_id"]) // len(vals)
    idx = np.unravel_index(res.runs["combo"], sizes)[j]
    code = numeric_code(vals)
    # numbers on a numeric axis; dates (and none) as evenly spaced labelled ticks
    numeric = code is not None and not any(isinstance(v, dt.date) for v in vals)
    x = code if code is not None and numeric else np.arange(len(vals), dtype=float)
    rows, cols = _panels(len(res.flags))
    fig = Figure(figsize=(4 * cols, 3 * rows), layout="constrained")
    for i, f in enumerate(res.flags):
        ax = fig.add_subplot(rows, cols, i + 1)
        k = np.bincount(idx, weights=res.runs[f].astype(float), minlength=len(vals))
        lo, hi = wilson(k, n_per)
        ax.fill_between(x, lo, hi, alpha=0.25, step=None)
        ax.plot(x, k / n_per, marker="o")
        ax.set_ylim(-0.02, 1.02)
        ax.set_title(f, fontsize=10)
        ax.set_xlabel(name, fontsize=8)
        if numeric and all(isinstance(v, int) for v in vals):
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if not numeric:
            step = max(1, len(vals) // 8)
            ax.set_xticks(x[::step], [text_value(v) or "none" for v in vals[::step]],
                          fontsize=7, rotation=30)
    fig.suptitle(f"P(flag) against {name} (95 % Wilson band; n = {n_per} per value)")
    _save(fig, path)


def flags_bar(res: SweepResult, path: Path) -> None:
    """Probability of each flag with its Wilson interval (single combination)."""
    n = len(res.runs["run_id"])
    k = np.array([res.runs[f].sum() for f in res.flags], dtype=float)
    lo, hi = wilson(k, n)
    p = k / n
    fig = Figure(figsize=(8, 0.5 * len(res.flags) + 1.5), layout="constrained")
    ax = fig.add_subplot()
    y = np.arange(len(res.flags))
    ax.barh(y, p, xerr=np.vstack([p - lo, hi - p]), capsize=3)
    ax.set_yticks(y, res.flags)
    ax.set_xlim(0, 1)
    ax.set_title(f"P(flag), 95 % Wilson interval (n = {n})")
    _save(fig, path)


def histograms(res: SweepResult, metrics: list[str], path: Path) -> None:
    """Step histograms of ``metrics``, per combination when few, else pooled."""
    rows, cols = _panels(len(metrics))
    fig = Figure(figsize=(4 * cols, 3 * rows), layout="constrained")
    C = len(res.combos)
    for i, m in enumerate(metrics):
        ax = fig.add_subplot(rows, cols, i + 1)
        col = res.runs[m].astype(float)
        edges = np.histogram_bin_edges(col, bins=30).tolist()
        if 1 < C <= MAX_OVERLAY:
            for c, params in enumerate(res.combos):
                sel = col[res.runs["combo"] == c]
                ax.hist(sel, bins=edges, histtype="step", label=_label(params))
            if i == 0:
                ax.legend(fontsize=6)
        else:
            ax.hist(col, bins=edges)
        ax.set_title(m, fontsize=10)
    fig.suptitle("Distributions over runs" + (" (all combinations pooled)" if C > MAX_OVERLAY
                                             else ""))
    _save(fig, path)


def _label(params: dict[str, Any]) -> str:
    return ", ".join(f"{k}={text_value(v) or 'none'}" for k, v in params.items()) or "all"


def write_plots(res: SweepResult, folder: Path) -> list[str]:
    """Write every plot into ``folder``; return their paths relative to the sweep directory."""
    written: list[Path] = []
    if res.grid.names:
        for j, name in enumerate(res.grid.names):
            p = folder / f"p_vs_{name}.png"
            flag_vs_param(res, j, p)
            written.append(p)
    else:
        p = folder / "flags.png"
        flags_bar(res, p)
        written.append(p)
    metrics = key_metrics(res)
    if metrics:
        p = folder / "histograms.png"
        histograms(res, metrics, p)
        written.append(p)
    return [f"{folder.name}/{p.name}" for p in written]
