"""Write a finished sweep's files: ``runs.csv``, ``summary.json``, ``sensitivity.csv``,
plots, ``report.md`` and ``timing.json`` (the only file with wall-clock figures).

Every file goes through :func:`stavka.atomic.atomic_write`; ``summary.json`` is
written last, so its presence means the set is complete.
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

import numpy as np

from stavka.atomic import atomic_write
from stavka.errors import InputError
from stavka.sweep.grid import text_value
from stavka.sweep.summary import sensitivity_rows

if TYPE_CHECKING:
    from stavka.sweep.core import SweepResult

SENS_COLUMNS = ["outcome", "kind", "parameter", "rank", "range", "src", "lowest_at",
                "highest_at"]


def csv_column(col: np.ndarray) -> np.ndarray:
    """A column as CSV text: bools ``1``/``0``, whole-number floats as integers, other
    numbers in shortest round-trip form, parameter values via
    :func:`stavka.sweep.grid.text_value`."""
    if col.dtype == bool:
        return np.where(col, "1", "0")
    if col.dtype == object:
        return np.frompyfunc(text_value, 1, 1)(col)
    if col.dtype.kind == "f" and np.isfinite(col).all() and (col == np.round(col)).all() \
            and (np.abs(col) < 2.0**53).all():
        return col.astype(np.int64).astype(str)  # whole numbers (men, tanks, VP) without ".0"
    return col.astype(str)


def runs_csv(runs: dict[str, np.ndarray]) -> str:
    """The per-run table as CSV text (header, then one row per run)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(list(runs))
    w.writerows(zip(*(csv_column(c) for c in runs.values()), strict=True))
    return buf.getvalue()


def sensitivity_csv(summary: dict[str, Any]) -> str:
    """``sensitivity.csv`` text."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(SENS_COLUMNS)
    for r in sensitivity_rows(summary):
        row = {**r, "lowest_at": _at(r), "highest_at": _at(r, "highest_at")}
        w.writerow(["" if row[c] is None else row[c] for c in SENS_COLUMNS])
    return buf.getvalue()


def _at(row: dict[str, Any], key: str = "lowest_at") -> str:
    """A lowest/highest-at cell: empty when the outcome does not move, ``none`` for no value."""
    if not row["range"]:
        return ""
    return text_value(row[key]) or "none"


def write_outputs(res: SweepResult, plots: bool = True) -> None:
    """Write every output file of ``res`` into ``res.out``."""
    from stavka.sweep.report import report_md

    out = res.out
    assert out is not None
    try:
        atomic_write(out / "runs.csv", runs_csv(res.runs))
        atomic_write(out / "sensitivity.csv", sensitivity_csv(res.summary))
        images: list[str] = []
        if plots:
            from stavka.sweep.plots import write_plots

            images = write_plots(res, out / "plots")
        atomic_write(out / "report.md", report_md(res, images))
        atomic_write(out / "timing.json", json.dumps(res.timing, indent=1) + "\n")
        atomic_write(out / "summary.json", json.dumps(res.summary, indent=1, allow_nan=False)
                     + "\n")
    except OSError as exc:
        what = f"{exc.filename} " if exc.filename else ""
        raise InputError(f"--out {out}: cannot write {what}there ({exc.strerror or exc})"
                         ) from None

