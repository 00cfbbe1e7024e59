"""Calibrate campaign rules on a scenario's checkpoints: a written objective and a
coordinate-descent optimiser over ``rules.*`` parameters.

The objective (:func:`objective`) is a sum over the measured checkpoints of

* the squared distance of the model's median outside the checkpoint's band, in units of
  the checkpoint's *scale* (:func:`scale`), and
* half the squared distance of the historical value outside the model's 10-90 % range,
  in the same units;

for a yes/no checkpoint, the shortfall of P(history) below 0.5 in units of 0.25, plus
half its shortfall below 0.1. Each distance is capped at 10 units, and a checkpoint with a
history that no run measured (its metric undefined in every run) costs that cap, 150: a
rule value that makes a metric unmeasurable must not look like one that meets it. Zero
means every median is in its band and history is inside every 10-90 % range; the terms
are comparable across checkpoints because each is measured in its own scale.

The optimiser (:func:`coordinate_descent`) tries, for one rule at a time, every value
of its grid with the other rules fixed, keeps the best, and after each round narrows
every grid to (0.8, 1, 1.25) x the current value (clipped to the rule's bounds). Every
evaluation runs the same replicas (common random numbers: the same master seed), so
differences between candidates are not noise between dice. A round that evaluates no
new point ends the descent (every later round would repeat it).

A descent on one seed can fit that seed's dice. The held-out check
(:func:`holdout_check`, ``--holdout SEED``) re-scores the start and the best point on
other master seeds (other replicas), and, for every rule the descent moved, the best point
with that rule put back to its start value (leave one out): a move *holds* when putting it
back is worse on every held-out seed.

``--grid`` is read like ``sweep --vary`` (:func:`parse_grid`: ``V1,V2,...`` or
``LO..HI[:STEP]``, each value checked against the rule's bounds, a rule or a value
given twice refused), and the work is bounded before anything runs (:func:`check_work`).
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from stavka.errors import InputError, StavkaError, check_count
from stavka.rules import PREFIX, field_spec, is_switch
from stavka.validation.campaign import Outcome

#: Scale of a date checkpoint's miss, days (judgement: a week late is one unit).
DATE_SCALE_DAYS = 7.0
#: Least scale of a number checkpoint, as a fraction of its historical value (judgement:
#: a narrow band still tolerates a 20 % miss as one unit).
MIN_REL_SCALE = 0.2


def parse_grid(items: Sequence[str]) -> dict[str, list[float]]:
    """``["rules.a=1,2", "rules.b=0..4:2"]`` -> ``{"rules.a": [1.0, 2.0], ...}``, read and
    checked as ``sweep --vary`` reads a rule (:func:`stavka.sweep.grid.expand_values`,
    :func:`stavka.world.static.coerce_rule`). Raises :class:`InputError` naming the
    ``--grid`` item for anything else: not ``rules.NAME=...``, an unknown or table rule, a
    value that is not a finite number within the rule's bounds, an empty item, a rule or a
    value given twice."""
    from stavka.sweep.grid import expand_values
    from stavka.world.static import coerce_rule

    grids: dict[str, list[float]] = {}
    for g in items:
        name, sep, vals = g.partition("=")
        name = name.strip()
        shown = repr(g[:80] + ("..." if len(g) > 80 else ""))
        if not sep or not name.startswith(PREFIX):
            raise InputError(f"--grid {shown}: expected rules.NAME=V1,V2,...")
        if name in grids:
            raise InputError(f"--grid {name[:80]} given twice (give all its values in one "
                             f"--grid)")
        try:
            values = [coerce_rule(name, v) for v in expand_values(vals)]
        except StavkaError as exc:
            raise InputError(f"--grid {shown}: {exc}") from None
        if len(set(values)) != len(values):
            dup = next(v for v in values if values.count(v) > 1)
            raise InputError(f"--grid {shown}: value {dup:g} given twice")
        grids[name] = values
    return grids


def max_evaluations(grids: Mapping[str, Sequence[float]], rounds: int,
                    holdout: int = 0) -> int:
    """The most evaluations :func:`coordinate_descent` can make: the start, then each
    grid (and the current value) in the first round, three values (and the current one)
    per rule in every later round; then, on each of ``holdout`` held-out seeds, the start,
    the best point and one leave-one-out point per rule (:func:`holdout_check`)."""
    first = sum(len(v) + 1 for v in grids.values())
    return 1 + first + (rounds - 1) * 4 * len(grids) + holdout * (2 + len(grids))


def check_work(grids: Mapping[str, Sequence[float]], runs: int, rounds: int,
               holdout: int = 0) -> None:
    """Raise :class:`InputError` if the calibration could run more campaigns than a sweep
    may (:data:`stavka.sweep.core.MAX_TOTAL_RUNS`), or if ``runs`` or ``rounds`` is not
    an int >= 1."""
    from stavka.sweep.core import MAX_TOTAL_RUNS

    check_count("--runs", runs, 1)
    check_count("--rounds", rounds, 1)
    n = max_evaluations(grids, rounds, holdout)
    if n * runs > MAX_TOTAL_RUNS:
        what = "--grid, --rounds, --holdout and --runs" if holdout else \
            "--grid, --rounds and --runs"
        raise InputError(f"{what}: up to {n:,} evaluations of {runs:,} "
                         f"campaigns each ({n * runs:,}); at most {MAX_TOTAL_RUNS:,} campaigns")


#: The most held-out seeds one calibration takes (judgement: each costs 2 + rules
#: evaluations; a hundred seeds is already far more dice than the descent's own).
MAX_HOLDOUT = 100


def check_holdout(holdout: object, seed: int) -> list[int]:
    """The held-out seeds as ints (``holdout``: a sequence of seeds, or one seed); raises
    :class:`InputError` naming ``--holdout`` for a seed that is not a whole number 0 ..
    MAX_SEED, one given twice, the calibration's own ``seed`` (its replicas are the ones
    fitted, so they are not held out), or more than :data:`MAX_HOLDOUT` of them."""
    from stavka.engine.rng import check_seed

    items = [holdout] if isinstance(holdout, str | bytes | int) or not isinstance(
        holdout, Iterable) else list(holdout)
    if len(items) > MAX_HOLDOUT:
        raise InputError(f"--holdout given {len(items):,} times; at most {MAX_HOLDOUT}")
    seeds: list[int] = []
    seen: set[int] = set()
    for h in items:
        v = check_seed(h, "--holdout")
        if v == seed:
            raise InputError(f"--holdout {v} is the calibration's own --seed: a held-out "
                             f"check needs other replicas (another seed)")
        if v in seen:
            raise InputError(f"--holdout {v} given twice")
        seen.add(v)
        seeds.append(v)
    return seeds


#: A checkpoint's term when no run measures it (both distances at their cap of 10 units).
UNMEASURED_TERM = 10.0**2 + 0.5 * 10.0**2


def scale(o: Outcome) -> float:
    """The unit in which a checkpoint's misses are measured: a week for dates; for
    numbers the larger of the band's width and :data:`MIN_REL_SCALE` of the history
    (each at most the largest float: a band from -1.7e308 to 1.7e308 is that wide, not
    infinite, so a miss inside it still counts)."""
    if o.kind == "date":
        return DATE_SCALE_DAYS
    big = float(np.finfo(float).max)
    width = min(o.high / 2 - o.low / 2, big / 2) * 2  # halves first: no overflow to inf
    return max(width, min(MIN_REL_SCALE * abs(o.history), big), 1.0)


def term(o: Outcome) -> float:
    """One checkpoint's contribution to :func:`objective` (0 when it is met; a blind one
    costs nothing, one that no run measured :data:`UNMEASURED_TERM`); NaN-free."""
    if o.blind:
        return 0.0
    if not o.measured or not o.values.size:
        return UNMEASURED_TERM
    if o.kind == "flag":
        p = float(np.mean(o.values == o.history))
        return (max(0.5 - p, 0.0) / 0.25) ** 2 + 0.5 * (max(0.1 - p, 0.0) / 0.25) ** 2
    u = scale(o)
    # "never" (inf) sorts after every date: cap its distance. Dates only: a number may be
    # above a million (men), and capping it there read 1.25 M men as 1 M
    big = 1e6 if o.kind == "date" else float(np.finfo(float).max)
    med = min(o.median, big)
    miss = max(o.low - med, med - o.high, 0.0) / u
    p10, p90 = min(o.p10, big), min(o.p90, big)
    cover = 0.0 if p10 <= o.history <= p90 else min(abs(o.history - p10),
                                                     abs(o.history - p90)) / u
    return min(miss, 10.0) ** 2 + 0.5 * min(cover, 10.0) ** 2


def objective(outcomes: Sequence[Outcome]) -> tuple[float, dict[str, float]]:
    """The calibration objective (module docstring) and each checkpoint's term."""
    terms = {o.cp.id: term(o) for o in outcomes}
    return math.fsum(terms.values()), terms


@dataclasses.dataclass
class Trace:
    """Every evaluation of a calibration: parameters, score, terms."""

    evals: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    best: dict[str, float] = dataclasses.field(default_factory=dict)
    best_score: float = math.inf
    #: :func:`holdout_check`'s result (None: no held-out seeds)
    holdout: dict[str, Any] | None = None

    def as_json(self) -> dict[str, Any]:
        doc = {"best": self.best, "best_score": _finite(self.best_score),
               "evals": self.evals}
        if self.holdout is not None:
            doc["holdout"] = self.holdout
        return doc


def tally(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """The objective of ``outcomes`` and the two counts the issue's floors are written in:
    checkpoints whose median is in its band, and whose history is in the model's 10-90 %
    range (blind ones not counted); JSON-ready (None for a score that is not finite)."""
    score, _ = objective(outcomes)
    seen = [o for o in outcomes if not o.blind]
    return {"score": _finite(score),
            "medians_in_band": sum(bool(o.median_in_band) for o in seen),
            "history_in_range": sum(bool(o.history_in_range) for o in seen),
            "measured": len(seen)}


def holdout_check(evaluate: Callable[[int, dict[str, float]], Sequence[Outcome]],
                  start: Mapping[str, float], best: Mapping[str, float],
                  seeds: Sequence[int], log: Callable[[str], None] | None = None
                  ) -> dict[str, Any]:
    """Score ``start`` and ``best`` on each held-out seed, and ``best`` with each rule the
    descent moved put back to its start value (leave one out).

    ``evaluate(seed, params)`` runs the campaigns of master ``seed``. Returns
    ``{"seeds": [...], "start": {seed: tally}, "best": {seed: tally}, "revert": {rule:
    {"value": start value, "tally": {seed: tally}, "holds": bool}}, "evaluations": n}``
    (seeds as strings, for JSON; ``n`` the distinct (seed, point) runs); ``holds`` is True when putting the rule back scores worse (higher) than
    ``best`` on every held-out seed. :func:`tally` gives each tally.
    """
    def fmt(t: dict[str, Any]) -> str:
        sc = "n/a" if t["score"] is None else f"{t['score']:.2f}"
        return f"{sc} ({t['medians_in_band']} medians in band, {t['history_in_range']} " \
               f"histories in range)"

    seen: dict[tuple[int, tuple[tuple[str, float], ...]], dict[str, Any]] = {}

    def score(sd: int, p: Mapping[str, float]) -> dict[str, Any]:
        key = (sd, tuple(sorted(p.items())))  # one run per point: best may equal start
        if key not in seen:
            seen[key] = tally(evaluate(sd, dict(p)))
        return seen[key]

    res: dict[str, Any] = {"seeds": list(seeds), "start": {}, "best": {}, "revert": {}}
    for sd in seeds:
        res["start"][str(sd)] = score(sd, start)
        res["best"][str(sd)] = score(sd, best)
        if log:
            log(f"held-out seed {sd}: start {fmt(res['start'][str(sd)])}, best "
                f"{fmt(res['best'][str(sd)])}")
    moved = [k for k in best if best[k] != start.get(k, best[k])]
    for k in moved:
        p = {**best, k: start[k]}
        tallies = {str(sd): score(sd, p) for sd in seeds}

        n_worse = sum(_worse(tallies[str(sd)]["score"], res["best"][str(sd)]["score"])
                      for sd in seeds)
        holds = n_worse == len(seeds)
        res["revert"][k] = {"value": start[k], "tally": tallies, "holds": holds}
        if log:
            per = ", ".join(f"seed {sd} {fmt(tallies[str(sd)])}" for sd in seeds[:3])
            more = f" and {len(seeds) - 3} more" if len(seeds) > 3 else ""
            log(f"{k} put back to {start[k]:g}: worse than the best on {n_worse} of "
                f"{len(seeds)} held-out seeds ({per}{more}): "
                f"{'holds' if holds else 'does not hold'}")
    res["evaluations"] = len(seen)  # distinct (seed, point) runs
    return res


def _worse(score: float | None, best: float | None) -> bool:
    """Whether a held-out ``score`` is worse (higher) than ``best``'s; None (not finite)
    is worse than any number, and nothing is worse than a best that is None."""
    return best is not None and (score is None or score > best)


def _bounds(name: str) -> tuple[float, float]:
    f = field_spec(name.removeprefix(PREFIX))
    return float(f.metadata["lo"]), float(f.metadata["hi"])


def coordinate_descent(evaluate: Callable[[dict[str, float]], Sequence[Outcome]],
                       start: Mapping[str, float], grids: Mapping[str, Sequence[float]],
                       rounds: int = 2, log: Callable[[str], None] | None = None,
                       on_eval: Callable[[Trace], None] | None = None) -> Trace:
    """Minimise :func:`objective` over ``rules.*`` parameters by coordinate descent.

    ``evaluate(params)`` runs the campaigns and returns the checkpoints' outcomes;
    ``start`` is the starting point (every parameter in ``grids`` must be in it);
    ``grids`` the values tried for each parameter in the first round. Returns the
    trace; ``trace.best`` is the best point found. ``on_eval(trace)`` is called after
    every new evaluation (``calibrate`` writes the trace so far there).
    """
    tr = Trace()
    cache: dict[tuple[tuple[str, float], ...], float] = {}

    def f(p: dict[str, float]) -> float:
        key = tuple(sorted(p.items()))
        if key not in cache:
            score, terms = objective(evaluate(p))
            if math.isnan(score):  # never the best; the trace says so
                score = math.inf
            cache[key] = score
            tr.evals.append({"params": dict(p), "score": _finite(score),
                             "terms": {k: _finite(v) for k, v in terms.items()}})
            if not tr.best or score < tr.best_score:
                tr.best, tr.best_score = dict(p), score
            if log:
                moved = {k: v for k, v in p.items() if tr.evals[0]["params"].get(k) != v}
                what = ", ".join(f"{k}={v:g}" for k, v in moved.items()) or "the start"
                log(f"evaluation {len(tr.evals)} ({what}): score {score:.2f}, "
                    f"best {tr.best_score:.2f}")
            if on_eval:
                on_eval(tr)
        return cache[key]

    x = dict(start)
    f(x)
    grid = {k: list(v) for k, v in grids.items()}
    for rnd in range(rounds):
        before = len(tr.evals)
        for k, vals in grid.items():
            for v in sorted(set(vals) | {x[k]}):
                f({**x, k: v})
            x = dict(tr.best)
            if log:
                log(f"round {rnd + 1} of {rounds}: {k} = {x[k]:g} (best score "
                    f"{tr.best_score:.2f})")
        for k in grid:
            if is_switch(k.removeprefix(PREFIX)):  # a switch is 0 or 1, nothing between
                grid[k] = [0.0, 1.0]
                continue
            lo, hi = _bounds(k)
            v = x[k]
            grid[k] = sorted({min(max(round(v * m, 6), lo), hi) for m in (0.8, 1.0, 1.25)})
        if rnd > 0 and len(tr.evals) == before:
            if log:
                log(f"round {rnd + 1} of {rounds}: no new point; the descent has converged")
            break
    return tr


def _finite(v: float) -> float | None:
    """``v``, or None for NaN or infinity (JSON has neither)."""
    return v if math.isfinite(v) else None


def calibrate(scenario: Any, grids: Mapping[str, Sequence[float]], runs: int = 48,
              seed: int = 1, rounds: int = 2, start: Mapping[str, float] | None = None,
              out: Path | None = None, checkpoints: Path | None = None,
              workers: int | None = None, log: Callable[[str], None] | None = None,
              holdout: Sequence[int] = ()) -> Trace:
    """Calibrate ``scenario``'s ``rules.*`` parameters named in ``grids`` on its
    checkpoints: ``runs`` campaigns per evaluation (the same replicas, ``seed``).
    ``start`` defaults to the scenario's current rule values. ``holdout``: master seeds on
    which the result is checked afterwards (:func:`holdout_check`, ``trace.holdout``),
    ``runs`` campaigns each. With ``out``, the trace is written to
    ``out/calibration.json``."""
    from stavka.validation.campaign import prepare, validate

    seeds = check_holdout(holdout, seed)
    check_work(grids, runs, rounds, len(seeds))
    loaded, cps = prepare(scenario, checkpoints)
    if all(cp.history is None for cp in cps.spec.checkpoints):
        raise InputError(f"{cps.path}: nothing to calibrate on: every checkpoint is a blind "
                         f"prediction (no history)")
    from stavka.engine.core import compile_world

    rules = compile_world(loaded.spec, None, replicas=1).static.rules
    x0 = {k: rules.value(k.removeprefix(PREFIX)) for k in grids}
    x0.update(start or {})

    def on_seed(sd: int, p: dict[str, float]) -> Sequence[Outcome]:
        return validate(loaded, runs, seed=sd, checkpoints=cps.path, workers=workers,
                        params=p).outcomes

    def evaluate(p: dict[str, float]) -> Sequence[Outcome]:
        return on_seed(seed, p)

    def save(tr: Trace, stage: str) -> None:
        if out is None:
            return
        from stavka.atomic import atomic_write

        doc = {"scenario": loaded.spec.id, "runs": runs, "seed": seed, "rounds": rounds,
               "grids": {k: list(v) for k, v in grids.items()}, "stage": stage,
               **tr.as_json()}
        try:
            atomic_write(out / "calibration.json", json.dumps(doc, indent=1,
                                                              allow_nan=False))
        except OSError as exc:
            if log:  # the result is not lost with the file: it goes to the log first
                log("the descent's best, not written: " + json.dumps(
                    {"best": tr.best, "best_score": doc["best_score"]}, allow_nan=False))
            raise InputError(f"--out {out}: cannot write there ({exc.strerror or exc})"
                             ) from None

    # every evaluation is written as it finishes: an interrupted descent keeps its work
    tr = coordinate_descent(evaluate, x0, grids, rounds=rounds, log=log,
                            on_eval=lambda so_far: save(so_far, "descent"))
    if seeds:
        save(tr, "held-out check")  # the descent's result first: the check may be long
        if log:
            log(f"the descent's result written; checking it on {len(seeds)} held-out "
                f"seed(s)")
        tr.holdout = holdout_check(on_seed, x0, tr.best, seeds, log=log)
    save(tr, "done")
    return tr
