"""Markdown validation report with a reliability diagram and casualty plots."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from stavka.atomic import atomic_write
from stavka.cdb90.validate import Validation, atomic_write_text

METRICS = (
    ("n", "n", "{:.0f}"),
    ("accuracy", "accuracy", "{:.3f}"),
    ("balanced_acc", "bal. acc.", "{:.3f}"),
    ("brier", "Brier", "{:.3f}"),
    ("log_loss", "log-loss", "{:.3f}"),
    ("auc", "AUC", "{:.3f}"),
    ("spearman_a_cas", "rho att. cas.", "{:.3f}"),
    ("spearman_d_cas", "rho def. cas.", "{:.3f}"),
)


def fmt(key: str, val: float) -> str:
    for k, _, f in METRICS:
        if k == key:
            return "-" if val is None or math.isnan(val) else f.format(val)
    return str(val)


def markdown_tables(v: Validation) -> str:
    """The metric tables as Markdown, one per subset."""
    lines = []
    for subset, rows in v.tables.items():
        lines.append(f"**{subset}**\n")
        lines.append("| predictor | " + " | ".join(h for _, h, _ in METRICS) + " |")
        lines.append("|---" * (len(METRICS) + 1) + "|")
        for label, r in rows.items():
            cells = " | ".join(fmt(k, r[k]) for k, _, _ in METRICS)
            lines.append(f"| {label} | {cells} |")
        lines.append("")
    return "\n".join(lines)


def _savefig(fig, path: Path) -> None:
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    atomic_write(path, buf.getvalue())


def plots(v: Validation, out_dir: Path) -> list[str]:
    """Write reliability.png and casualties.png into ``out_dir``; return their names."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    assert v.outcomes is not None
    y = v.outcomes.attacker_won
    p = v.pred.p_attacker_win
    ok = ~np.isnan(y)
    edges = np.linspace(0, 1, 11)
    which = np.clip(np.digitize(p[ok], edges) - 1, 0, 9)
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=1)
    xs, ys, ns = [], [], []
    for k in range(10):
        m = which == k
        if m.any():
            xs.append(p[ok][m].mean())
            ys.append(y[ok][m].mean())
            ns.append(int(m.sum()))
    ax.scatter(xs, ys, s=[12 + 3 * n for n in ns], color="tab:blue")
    for x_, y_, n_ in zip(xs, ys, ns, strict=True):
        ax.annotate(str(n_), (x_, y_), textcoords="offset points", xytext=(5, -10), fontsize=7)
    ax.set_xlabel("predicted P(attacker wins)")
    ax.set_ylabel("observed attacker win rate")
    ax.set_title("Reliability (bins of 0.1, n per bin)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    _savefig(fig, out_dir / "reliability.png")
    plt.close(fig)

    fig, axes = plt.subplots(1, 2, figsize=(9, 4.2))
    o = v.outcomes
    for ax, pred, act, title in (
        (axes[0], v.pred.a_cas_frac, o.a_cas_frac, "attacker"),
        (axes[1], v.pred.d_cas_frac, o.d_cas_frac, "defender"),
    ):
        m = (act > 0) & (pred > 0)
        modern = v.battles.year >= 1900
        ax.scatter(pred[m & ~modern], act[m & ~modern], s=8, alpha=0.6, label="pre-1900")
        ax.scatter(pred[m & modern], act[m & modern], s=8, alpha=0.6, label="1900+")
        lo = min(pred[m].min(), act[m].min())
        hi = max(pred[m].max(), act[m].max())
        ax.plot([lo, hi], [lo, hi], ls="--", color="grey", lw=1)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("predicted casualty fraction")
        ax.set_ylabel("actual casualty fraction")
        ax.set_title(f"{title} casualties")
        ax.legend(fontsize=7)
    _savefig(fig, out_dir / "casualties.png")
    plt.close(fig)
    return ["reliability.png", "casualties.png"]


def write_report(v: Validation, out_dir: Path, command: str, runtime_s: float) -> Path:
    """Write ``out_dir/validation.md`` (+ plots) and return its path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    b = v.battles
    mode = (
        f"{v.folds}-fold cross-validation grouped by parent battle (each fold predicted by a "
        f"model calibrated on the other folds; baselines fitted on the same folds)"
        if v.folds
        else "in-sample: predicted with the given (shipped) parameters; baselines fitted "
        "on this file -- not an honest out-of-sample score"
    )
    parts = [
        f"# Combat model {v.version}: CDB90 validation\n",
        f"Command: `{command}`  \nBattles scored: {len(b)}; skipped: {len(b.skipped)}; "
        f"Monte Carlo runs per battle: {v.pred.runs}; runtime {runtime_s:.0f} s.  \n"
        f"Mode: {mode}.\n",
    ]
    if b.skipped:
        parts.append("Skipped rows: " + "; ".join(f"isqno {k} ({r})" for k, r in b.skipped) + "\n")
    if v.outcomes is not None:
        parts.append("## Scores (attacker wins; draws count as not winning)\n")
        parts.append(markdown_tables(v))
        names = plots(v, out_dir)
        parts.append("## Reliability diagram\n")
        parts.append(f"![reliability]({names[0]})\n")
        parts.append("## Predicted vs actual casualty fractions\n")
        parts.append(f"![casualties]({names[1]})\n")
    path = out_dir / "validation.md"
    atomic_write_text(path, "\n".join(parts))
    return path
