"""``stavka validate campaign``: run N campaigns, measure every checkpoint, compare with history.

:func:`validate` runs the campaigns through :func:`stavka.sweep.sweep` with the daily
history recorded (vectorised batches on every core), builds one
:class:`~stavka.validation.history.History`, evaluates each checkpoint's metric per
run and summarises: the model's median and 10-90 % range (sample quantiles, inverted
CDF: always values some run produced; "never" sorts after every date), the fraction of
runs inside the checkpoint's band, and whether history lies inside the 10-90 % range.

A metric may be undefined in a run (NaN: ``strength_ratio`` over a strength of zero on
``from``): such runs are left out of the checkpoint's summary and counted
(``undefined``); a checkpoint undefined in every run is "not measured", with the reason.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from stavka.errors import InputError
from stavka.validation.checkpoints import Checkpoint, CheckpointSet, default_path
from stavka.validation.checkpoints import load as load_checkpoints
from stavka.validation.history import History, Meta
from stavka.validation.metrics import REGISTRY, NotMeasured


@dataclass
class Outcome:
    """One checkpoint measured over the runs (dates as days since the start)."""

    cp: Checkpoint
    kind: str
    history: float
    low: float
    high: float
    values: np.ndarray = field(repr=False)
    measured: bool = True
    reason: str = ""
    #: runs in which the metric is undefined (NaN), left out of ``values``
    undefined: int = 0

    def _q(self, q: float) -> float:
        if not self.values.size:
            return math.nan
        return float(np.quantile(self.values, q, method="inverted_cdf"))

    @property
    def median(self) -> float:
        return self._q(0.5)

    @property
    def p10(self) -> float:
        return self._q(0.1)

    @property
    def p90(self) -> float:
        return self._q(0.9)

    @property
    def blind(self) -> bool:
        """A prediction with no history to compare with (the outcome is kept back)."""
        return self.cp.history is None

    @property
    def in_band(self) -> float:
        """Fraction of runs whose value lies in [low, high] (NaN for a blind prediction)."""
        if not self.values.size or self.blind:
            return math.nan
        return float(np.mean((self.values >= self.low) & (self.values <= self.high)))

    @property
    def history_in_range(self) -> bool:
        """History inside the model's 10-90 % range (for a flag: the model gives it >= 10 %)."""
        if not self.measured or not self.values.size or self.blind:
            return False
        if self.kind == "flag":
            p = float(np.mean(self.values == self.history))
            return p >= 0.1
        return self.p10 <= self.history <= self.p90

    @property
    def median_in_band(self) -> bool:
        return self.measured and not self.blind and self.low <= self.median <= self.high


@dataclass
class Report:
    """Everything ``validate campaign`` found."""

    scenario: str
    runs: int
    seed: int
    meta: Meta
    outcomes: list[Outcome]
    timing: dict[str, Any] = field(default_factory=dict)
    checkpoints_file: str = ""


def _num(v: Any, kind: str, meta: Meta) -> float:
    if v is None:  # a blind prediction
        return math.nan
    if kind == "date":
        return float(meta.day(v))
    if kind == "flag":
        return 1.0 if v else 0.0
    return float(v)


def evaluate(cps: CheckpointSet, h: History) -> list[Outcome]:
    """Every checkpoint's metric over the runs of ``h``."""
    out = []
    for cp, args in zip(cps.spec.checkpoints, cps.args, strict=True):
        m = REGISTRY[cp.metric]
        hist = _num(cp.history, m.kind, h.meta)
        lo, hi = _num(cp.low, m.kind, h.meta), _num(cp.high, m.kind, h.meta)
        try:
            vals = np.asarray(m.fn(h, args), dtype=float)
        except NotMeasured as exc:
            out.append(Outcome(cp, m.kind, hist, lo, hi, np.zeros(0), False, str(exc)))
            continue
        if cp.resolution is not None:  # the record's precision (whole km, say)
            vals = np.round(vals / cp.resolution) * cp.resolution
        nan = np.isnan(vals)
        if nan.all() and vals.size:
            out.append(Outcome(cp, m.kind, hist, lo, hi, np.zeros(0), False,
                               f"{cp.metric} is undefined in every run (e.g. a ratio over "
                               f"zero)", undefined=int(vals.size)))
            continue
        out.append(Outcome(cp, m.kind, hist, lo, hi, vals[~nan], undefined=int(nan.sum())))
    return out


def needed_days(cps: CheckpointSet, meta: Meta) -> int:
    """Days to simulate: through the latest date any checkpoint names (a blind prediction
    that names none: the whole scenario)."""
    last = 0
    for cp in cps.spec.checkpoints:
        if cp.history is None and not any(isinstance(v, dt.date) for v in cp.args.values()):
            return meta.days
        vals: list[Any] = [cp.history, cp.low, cp.high, *cp.args.values()]
        for v in vals:
            if isinstance(v, dt.date):
                last = max(last, meta.day(v))
    return min(meta.days, last + 1)


def prepare(scenario: Any, checkpoints: Path | None = None) -> tuple[Any, CheckpointSet]:
    """The scenario (an id, a path or a ``Loaded``) and its checked checkpoints
    (``checkpoints``, else the scenario's own). Raises :class:`InputError` for a scenario
    without a checkpoints file when none is given, :class:`CheckpointError` for a file
    with problems."""
    from stavka.api import load
    from stavka.engine.core import compile_world
    from stavka.scenario.loader import Loaded

    loaded = scenario if isinstance(scenario, Loaded) else load(scenario)
    meta = Meta.of(compile_world(loaded.spec, None, replicas=1).static)
    if checkpoints is None:
        path = default_path(loaded.files)
        if not path.exists():
            raise InputError(f"scenario '{loaded.spec.id}' has no checkpoints file (no "
                             f"{path}); give one with --checkpoints FILE")
        _inside_its_folder(path)
    else:
        path = checkpoints
    return loaded, load_checkpoints(path, meta, loaded.spec.id)


def _inside_its_folder(path: Path) -> None:
    """The checkpoints file found beside a scenario is read only if it is in the
    scenario's folder, as its includes must be (:mod:`stavka.scenario.loader`): a link
    out of it would put another file's lines into the error messages. Raises
    :class:`InputError` (one line) otherwise; ``--checkpoints FILE`` names any file."""
    from stavka.scenario.loader import within_folder

    try:
        target = path.resolve()
    except (OSError, RuntimeError) as exc:  # a loop of links
        raise InputError(f"cannot use the checkpoints file {path} ({exc})") from None
    if not within_folder(path, path.parent, target):
        raise InputError(f"the checkpoints file {path} is a link out of the scenario's "
                         f"folder (to {target}); give the file with --checkpoints FILE if "
                         f"you mean it")


def validate(scenario: Any, runs: int, seed: int = 0, out: Path | None = None,
             checkpoints: Path | None = None, workers: int | None = None,
             backend: str = "process", progress: Any = None,
             batch_size: int | None = None, params: dict[str, Any] | None = None) -> Report:
    """Run ``runs`` campaigns of ``scenario`` and score them on its checkpoints.

    The checkpoints file is checked before anything runs. With ``out`` the sweep
    (with its daily history) is kept in ``out/sweep/`` and re-running resumes it.
    ``params`` sets scenario parameters and rules (``rules.NAME``) for every run.
    """
    from stavka.engine.core import compile_world
    from stavka.sweep.core import DEFAULT_BATCH, sweep

    loaded, cps = prepare(scenario, checkpoints)
    world = compile_world(loaded.spec, None, replicas=1)
    path = cps.path
    days = needed_days(cps, Meta.of(world.static))
    res = sweep(loaded, runs, days=days, seed=seed, out=out / "sweep" if out else None,
                vary={k: [v] for k, v in (params or {}).items()} or None,
                record="daily", keep_daily=True, plots=False, workers=workers,
                backend=backend, progress=progress,
                batch_size=batch_size if batch_size is not None else DEFAULT_BATCH)
    meta = Meta.of(world.static, days)
    s0 = world.state
    h = History.from_batches(meta, res.daily[0], s0.owner[0], s0.at_war[0])
    rep = Report(loaded.spec.id, runs, seed, meta, evaluate(cps, h), res.timing, str(path))
    if out is not None:
        write(rep, out)
    return rep


# -- presentation ---------------------------------------------------------------------


def show(v: float, kind: str, meta: Meta) -> str:
    """A value as the report prints it."""
    if math.isnan(v):
        return "-"
    if kind == "date":
        return "never" if math.isinf(v) else meta.date(int(v)).strftime("%d %b").lstrip("0")
    if kind == "flag":
        return "yes" if v >= 0.5 else "no"
    if math.isinf(v):
        return "none"
    if abs(v) < 10 and v != round(v):
        return f"{v:.3f}"  # a ratio
    return f"{v:,.0f}"


def _band(o: Outcome, meta: Meta) -> str:
    lo, hi = show(o.low, o.kind, meta), show(o.high, o.kind, meta)
    return lo if lo == hi else f"{lo} – {hi}"


def rows(rep: Report) -> list[dict[str, Any]]:
    """One JSON-ready record per checkpoint."""
    meta, out = rep.meta, []
    for o in rep.outcomes:
        def iso(v: float, kind: str = o.kind) -> Any:
            if math.isnan(v):
                return None
            if kind == "date":
                return None if math.isinf(v) else meta.date(int(v)).isoformat()
            if math.isinf(v):
                return None
            return v
        r: dict[str, Any] = {
            "id": o.cp.id, "description": o.cp.description, "metric": o.cp.metric,
            "args": {k: (v.isoformat() if isinstance(v, dt.date) else v)
                     for k, v in o.cp.args.items()},
            "kind": o.kind, "history": iso(o.history),
            "band": None if o.blind else [iso(o.low), iso(o.high)], "blind": o.blind,
            "source": o.cp.source, "confidence": o.cp.confidence, "measured": o.measured,
        }
        if o.measured:
            r.update({
                "median": iso(o.median), "p10": iso(o.p10), "p90": iso(o.p90),
                "in_band": None if o.blind else o.in_band,
                "history_in_range": None if o.blind else o.history_in_range,
                "median_in_band": o.median_in_band, "runs": int(o.values.size),
            })
            if o.undefined:
                r["undefined_runs"] = o.undefined
            if o.kind == "date":
                r["never"] = float(np.mean(np.isinf(o.values)))
            if o.kind == "flag":
                r["p_true"] = float(np.mean(o.values))
        else:
            r["reason"] = o.reason
        out.append(r)
    return out


def as_json(rep: Report) -> dict[str, Any]:
    # the score ``stavka calibrate campaign`` minimises, here on these runs (a function
    # import: the calibration module reads this one's outcomes)
    from stavka.validation.calibrate import objective

    measured = [o for o in rep.outcomes if o.measured and not o.blind]
    return {
        "scenario": rep.scenario, "runs": rep.runs, "seed": rep.seed,
        "checkpoints_file": rep.checkpoints_file,
        "through": rep.meta.date(rep.meta.days - 1).isoformat(),
        "checkpoints": rows(rep),
        "totals": {
            "measured": len(measured),
            "not_measured": sum(not o.measured for o in rep.outcomes),
            "history_in_range": sum(o.history_in_range for o in measured),
            "median_in_band": sum(o.median_in_band for o in measured),
            "blind": sum(o.blind for o in rep.outcomes),
            "objective": round(objective(rep.outcomes)[0], 6),
        },
        "timing": rep.timing,
    }


def markdown(rep: Report, images: dict[str, str] | None = None) -> str:
    """The report as Markdown: one table row per checkpoint, then the totals."""
    meta = rep.meta
    lines = [f"# Campaign validation: {rep.scenario}", "",
             f"{rep.runs:,} runs, seed {rep.seed}, simulated {meta.start.isoformat()} .. "
             f"{meta.date(meta.days - 1).isoformat()}; checkpoints: `{rep.checkpoints_file}`.",
             "",
             "| checkpoint | history | band | model median | model 10–90 % | runs in band "
             "| history in 10–90 % |",
             "|---|---|---|---|---|---|---|"]
    for o in rep.outcomes:
        name = " ".join(o.cp.description.split()).replace("|", "/")  # one table row
        if images and o.cp.id in images:
            name += f" ([plot]({images[o.cp.id]}))"
        hist = "blind" if o.blind else show(o.history, o.kind, meta)
        if not o.measured:
            band = "–" if o.blind else _band(o, meta)
            lines.append(f"| {name} | {hist} | {band} | not measured: {o.reason} | | | |")
            continue
        if o.kind == "flag":
            p = float(np.mean(o.values))
            med, rng = f"yes in {100 * p:.1f} %", ""
        else:
            med = show(o.median, o.kind, meta)
            rng = f"{show(o.p10, o.kind, meta)} – {show(o.p90, o.kind, meta)}"
            if o.kind == "date" and np.isinf(o.values).any():
                never = 100 * float(np.mean(np.isinf(o.values)))
                med += f" (never in {never:.0f} %)" if never >= 0.5 else " (never in < 1 %)"
        if o.undefined:
            med += f" (undefined in {o.undefined:,} runs)"
        if o.blind:
            lines.append(f"| {name} | blind | – | {med} | {rng} | – | – |")
            continue
        ok = "yes" if o.history_in_range else "**no**"
        lines.append(f"| {name} | {hist} | {_band(o, meta)} | {med} | {rng} | "
                     f"{100 * o.in_band:.1f} % | {ok} |")
    t = as_json(rep)["totals"]
    if t["measured"] or t["not_measured"]:
        lines += ["", f"History inside the model's 10–90 % range: {t['history_in_range']} of "
                  f"{t['measured']} measured checkpoints; model median inside the band: "
                  f"{t['median_in_band']} of {t['measured']}"
                  + (f"; not measured: {t['not_measured']}" if t["not_measured"] else "")
                  + f"; calibration objective (lower is better, 0 when every median is in its "
                  f"band and every history in its range): {_objective(t['objective'])}."]
    if t["blind"]:
        lines += ["", f"Blind predictions (no history: the outcome is kept back and scored "
                  f"outside the project): {t['blind']}."]
    lines.append("")
    return "\n".join(lines)


def _objective(v: float) -> str:
    """The objective as shown: two decimals, or three significant digits below 1 (a
    small miss is not shown as 0.00)."""
    return "0" if v == 0 else f"{v:.2f}" if v >= 1 else f"{v:.3g}"


def plot(rep: Report, out: Path) -> dict[str, str]:
    """One PNG per measured checkpoint in ``out``: the runs' values, the band, history.

    Returns checkpoint id -> the image's path relative to the report. A checkpoint whose
    values matplotlib cannot draw (a band or history near the largest double: its axis
    transform is singular) gets no picture and a warning; the rest, and the report, are
    written as usual."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from stavka.atomic import atomic_write

    images: dict[str, str] = {}
    for o in rep.outcomes:
        if not o.measured:
            continue
        fig, ax = plt.subplots(figsize=(6, 3.2))
        try:
            _draw(ax, o, rep.meta)
            fig.tight_layout()
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=90)
        except (ValueError, ArithmeticError, np.linalg.LinAlgError) as e:
            warnings.warn(f"checkpoint {o.cp.id}: plot not drawn ({type(e).__name__}: "
                          f"{str(e).splitlines()[0] if str(e) else 'values out of range'})",
                          stacklevel=2)
            continue
        finally:
            plt.close(fig)
        name = f"{o.cp.id}.png"
        atomic_write(out / name, buf.getvalue())
        images[o.cp.id] = f"plots/{name}"
    return images


def _draw(ax: Any, o: Outcome, meta: Meta) -> None:
    """One checkpoint's histogram (or yes/no bars), band and history on ``ax``."""
    v = o.values
    finite = v[np.isfinite(v)]
    if o.kind == "flag":
        p = float(np.mean(v))
        ax.bar(["no", "yes"], [1 - p, p], color=["#bbbbbb", "#4477aa"])
        ax.set_ylabel("fraction of runs")
        if not o.blind:
            ax.axvline(1 if o.history >= 0.5 else 0, color="#cc3311", ls="--",
                       label="history")
    else:
        lo_x, hi_x = (math.inf, -math.inf) if o.blind else (o.low, o.high)
        if finite.size:
            lo_x, hi_x = min(lo_x, finite.min()), max(hi_x, finite.max())
        if not math.isfinite(lo_x):
            lo_x, hi_x = 0.0, 1.0  # a blind prediction no run reached
        bins = max(5, min(40, int(hi_x - lo_x) + 1)) if o.kind == "date" else 30
        if finite.size:
            ax.hist(finite, bins=bins, range=(lo_x, hi_x + (1 if o.kind == "date" else 0)),
                    color="#4477aa", alpha=0.8, label="model runs")
        if not o.blind:
            ax.axvspan(o.low, o.high + (0.999 if o.kind == "date" else 0),
                       color="#ee7733", alpha=0.25, label="historical band")
            ax.axvline(o.history, color="#cc3311", ls="--", label="history")
        ax.set_ylabel("runs")
        if o.kind == "date":
            ticks = ax.get_xticks()
            ax.set_xticks(ticks)
            ax.set_xticklabels([meta.date(int(t)).strftime("%d %b") for t in ticks],
                               fontsize=8)
        never = int(np.sum(~np.isfinite(v)))
        if never:
            ax.text(0.99, 0.95, f"never/none: {never} runs", transform=ax.transAxes,
                    ha="right", va="top", fontsize=8)
        if ax.get_legend_handles_labels()[0]:  # a blind prediction no run reached has none
            ax.legend(fontsize=7, loc="upper left")
    ax.set_title(o.cp.description[:80], fontsize=9)


def write(rep: Report, out: Path) -> None:
    """``out/report.md``, ``out/report.json`` and ``out/plots/<checkpoint>.png``. Raises
    :class:`InputError` (one line, naming the file) if one cannot be written (a folder
    or a link where a file goes): the sweep's runs are kept in ``out/sweep/``."""
    from stavka.atomic import atomic_write

    try:
        # report.json marks a whole report: it goes first and comes back last, so a run cut
        # short (Ctrl-C, a full disk) leaves no report.json beside an old report.md
        with contextlib.suppress(FileNotFoundError):
            (out / "report.json").unlink()
        images = plot(rep, out / "plots")
        # the plots of checkpoints this report does not have (an earlier run's, with
        # another checkpoints file) would be taken for this one's
        drawn = {Path(v).name for v in images.values()}
        for old in sorted((out / "plots").glob("*.png")):
            if old.name not in drawn and old.is_file() and not old.is_symlink():
                old.unlink()
        atomic_write(out / "report.md", markdown(rep, images))
        atomic_write(out / "report.json", json.dumps(as_json(rep), indent=1, allow_nan=False)
                     + "\n")
    except OSError as exc:
        raise InputError(f"--out {out}: cannot write {exc.filename or 'the report'} "
                         f"({exc.strerror or exc}); the runs are kept in {out / 'sweep'}"
                         ) from None
