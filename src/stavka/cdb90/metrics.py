"""Scores of probabilistic predictions of "attacker wins" and of casualty fractions."""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import rankdata, spearmanr

_CLIP = 1e-3


def auc(p: np.ndarray, y: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney, ties count half); NaN if one class only."""
    pos = y == 1
    n1, n0 = int(pos.sum()), int((~pos).sum())
    if n1 == 0 or n0 == 0:
        return math.nan
    r = rankdata(p)
    return float((r[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def win_metrics(p: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Accuracy, balanced accuracy, Brier, log-loss, AUC for outcomes ``y`` (1 = win)."""
    ok = ~np.isnan(y)
    p, y = np.asarray(p, float)[ok], y[ok]
    if p.size == 0:
        return {k: math.nan for k in ("n", "accuracy", "balanced_acc", "brier", "log_loss", "auc")}
    hat = p > 0.5
    pos = y == 1
    tpr = float(hat[pos].mean()) if pos.any() else math.nan
    tnr = float((~hat[~pos]).mean()) if (~pos).any() else math.nan
    pc = np.clip(p, _CLIP, 1 - _CLIP)
    return {
        "n": float(p.size),
        "accuracy": float((hat == pos).mean()),
        "balanced_acc": float(np.nanmean([tpr, tnr])),
        "brier": float(np.mean((p - y) ** 2)),
        "log_loss": float(-np.mean(y * np.log(pc) + (1 - y) * np.log(1 - pc))),
        "auc": auc(p, y),
    }


def cas_spearman(pred: np.ndarray, actual: np.ndarray) -> float:
    """Spearman correlation over battles where both are known; NaN if fewer than 3."""
    ok = ~np.isnan(pred) & ~np.isnan(actual)
    if ok.sum() < 3:
        return math.nan
    return float(spearmanr(pred[ok], actual[ok])[0])
