"""A scenario's checkpoints file: historical values the campaign is scored against.

``checkpoints.yaml`` (beside a scenario folder's ``scenario.yaml``; for a one-file
scenario ``X.yaml``, ``X.checkpoints.yaml``)::

    scenario: two-fronts-1941
    checkpoints:
      - id: kalinin_falls
        description: Kalinin falls
        metric: capture_date            # a name of stavka.validation.metrics.REGISTRY
        args: {region: kalinin, by: germany}
        history: 1941-10-14             # the historical value (date, number or true/false)
        band: [1941-10-13, 1941-10-16]  # covers the sources' disagreement (default: history)
        source: "..."
        confidence: B                   # A = read in a source, B = secondary or recalled

Loading reads the file with the scenario loader's YAML machinery (every key keeps
its line) and reports *every* problem at once as ``FILE:LINE: field: message``
(:class:`CheckpointError`, exit 2): schema, an unknown metric, region, side, front,
category or cause, a date outside the scenario, a value of the wrong kind.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, TypeGuard, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from stavka.errors import Problem, ScenarioError, did_you_mean, without_branches
from stavka.scenario.loader import _Budget, _fmt_path, _parse, _read_text, shown
from stavka.validation.history import Meta
from stavka.validation.metrics import CATEGORIES, CAUSE_GROUPS, KNOWN_CAUSES, REGISTRY, Args

PathT = tuple[Any, ...]
FILE_NAME = "checkpoints.yaml"
#: most checkpoints in one file (each is measured over every run and plotted: a larger
#: file would run for minutes before its first line of output)
MAX_CHECKPOINTS = 500


class CheckpointError(ScenarioError):
    """A checkpoints file with problems; carries all of them (``file:line: path: msg``)."""

    what = "checkpoints file"


class Checkpoint(BaseModel):
    """One historical checkpoint and how the model measures it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="stable id")
    description: str = Field(description="what happened")
    metric: str = Field(description="metric name (stavka.validation.metrics.REGISTRY)")
    args: dict[str, Any] = Field(default_factory=dict, description="the metric's arguments")
    history: bool | dt.date | float | None = Field(
        None, description="historical value; absent: a blind prediction (the outcome is "
        "kept back and scored outside the project), reported without band or score")
    band: tuple[bool | dt.date | float, bool | dt.date | float] | None = Field(
        None, description="[low, high] covering the sources; default [history, history]")
    source: str = Field(description="citation")
    confidence: Literal["A", "B"] | None = Field(
        None, description="A = read in a source; B = secondary (needed with a history)")
    resolution: float | None = Field(
        None, ge=1e-6, strict=True, allow_inf_nan=False,
        description="the record's precision, for a number metric (e.g. 1 for a distance "
        "the sources give in whole km): each run's value is rounded to a multiple of it "
        "before it is compared with the history and the band")
    note: str = Field("", description="how the value or band was chosen")

    @property
    def low(self) -> Any:
        return self.band[0] if self.band is not None else self.history

    @property
    def high(self) -> Any:
        return self.band[1] if self.band is not None else self.history


class CheckpointFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    scenario: str = Field(description="scenario id these checkpoints are for")
    checkpoints: list[Checkpoint] = Field(min_length=1, max_length=MAX_CHECKPOINTS)


class CheckpointSet(BaseModel):
    """A checked checkpoints file: its checkpoints with their parsed metric arguments."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    path: Path
    spec: CheckpointFile
    args: tuple[Args, ...]


def default_path(scenario_files: list[Path]) -> Path:
    """Where a scenario's checkpoints live (see the module docstring)."""
    root = Path(scenario_files[0])
    if root.name == "scenario.yaml":
        return root.parent / FILE_NAME
    return root.with_name(root.stem + "." + FILE_NAME)


class _Problems:
    def __init__(self, file: str, loc: dict[PathT, tuple[str, int | None]]):
        self.file, self.loc = file, loc
        self.items: list[Problem] = []

    def add(self, path: PathT, msg: str) -> None:
        p = tuple(path)
        line = None
        while True:
            if p in self.loc:
                line = self.loc[p][1]
                break
            if not p:
                break
            p = p[:-1]
        self.items.append(Problem(self.file, line, _fmt_path(path), msg))


def load(path: str | Path, meta: Meta, scenario_id: str | None = None) -> CheckpointSet:
    """Read and check a checkpoints file against a scenario (``meta``).

    Raises :class:`CheckpointError` with every problem, located.
    """
    p = Path(path)
    raw: list[Problem] = []
    try:
        _, text = _read_text(p, _Budget())
    except FileNotFoundError:
        raise CheckpointError([Problem(str(p), None, "", "file not found")]) from None
    except (OSError, ValueError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise CheckpointError([Problem(str(p), None, "", f"cannot read ({why})")]) from None
    parsed = _parse(p, text, _Budget(), raw)
    if raw or parsed is None:
        raise CheckpointError(raw or [Problem(str(p), 1, "", "empty file")])
    data, loc = parsed
    probs = _Problems(str(p), loc)
    if not isinstance(data, dict):
        probs.add((), "must be a mapping with 'scenario' and 'checkpoints'")
        raise CheckpointError(probs.items)
    schema: dict[PathT, list[str]] = {}  # the schema's problems by place, said below
    try:
        spec = CheckpointFile.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            msg = err["msg"]
            if err["type"] not in ("missing",) and not isinstance(err.get("input"), dict | list):
                msg += f" (got {shown(err.get('input'))})"
            schema.setdefault(without_branches(err["loc"]), []).append(msg[0].lower() + msg[1:])
        # the checks below still run on what is readable: all problems at once
        spec = None
    raw_cps = data.get("checkpoints")
    cps: list[Any] = raw_cps if isinstance(raw_cps, list) else []
    args: list[Args] = []
    named = data.get("scenario")  # read raw: another field's problem does not hide this one
    if isinstance(named, str) and scenario_id is not None and named != scenario_id:
        probs.add(("scenario",), f"checkpoints are for {shown(named)}, "
                                 f"not {shown(scenario_id)}")
    seen: dict[str, int] = {}
    for i, cp in enumerate(cps):
        if not isinstance(cp, dict):
            continue
        cid = cp.get("id")
        if isinstance(cid, str):
            if cid in seen:
                probs.add(("checkpoints", i, "id"), f"duplicate id {shown(cid)} "
                                                     f"(first at checkpoints[{seen[cid]}])")
            seen.setdefault(cid, i)
        a = _check_one(probs, ("checkpoints", i), cp, meta)
        if a is not None:
            args.append(a)
    # one line per place: a value that fits none of a union's kinds (history: a flag, a
    # date or a number) is one problem, and the metric's own check, where it made one
    # there, says it better ("must be a number for metric min_distance")
    said = {q.path for q in probs.items}
    for where, msgs in schema.items():
        if _fmt_path(where) in said:
            continue
        if len(msgs) == 1:
            probs.add(where, msgs[0])
        else:
            kinds = [m.removeprefix("input should be ").split(" (got ")[0] for m in msgs]
            got = msgs[0].split(" (got ", 1)[1] if " (got " in msgs[0] else ""
            probs.add(where, "must be " + " or ".join(kinds) + (f" (got {got}" if got else ""))
    if probs.items:
        items = sorted(set(probs.items), key=lambda q: (q.line or 0, q.path, q.message))
        raise CheckpointError(items)
    assert spec is not None
    return CheckpointSet(path=p, spec=spec, args=tuple(args))


def _check_one(probs: _Problems, at: PathT, cp: dict[str, Any], meta: Meta) -> Args | None:
    """The checkpoint's metric and arguments against the registry and the scenario."""
    name = cp.get("metric")
    if not isinstance(name, str):
        return None  # the schema reports it
    m = REGISTRY.get(name)
    if m is None:
        probs.add((*at, "metric"), f"unknown metric {shown(name)}"
                                   f"{did_you_mean(name, sorted(REGISTRY))}; known: "
                                   f"{', '.join(sorted(REGISTRY))}")
        return None
    raw = cp.get("args", {})
    if not isinstance(raw, dict):
        return None  # the schema reports it
    ok = True
    bad_dates = _check_arg_dates(probs, at, m.args, raw)
    ok = not bad_dates
    try:
        args = m.args.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            if err["loc"] and err["loc"][0] in bad_dates:
                continue  # said once, above
            msg = err["msg"]
            if err["type"] == "extra_forbidden":
                fields = [f.alias or k for k, f in m.args.model_fields.items()]
                msg = (f"metric {name} takes no argument {shown(err['loc'][-1])}; "
                       f"its arguments: {', '.join(fields)}")
            elif err["type"] != "missing":
                msg += f" (got {shown(err.get('input'))})"
            else:
                msg = f"metric {name} needs this argument"
            probs.add((*at, "args", *without_branches(err["loc"])), msg[0].lower() + msg[1:])
        args, ok = None, False  # type: ignore[assignment]
        raw_items = raw.items()
    else:
        raw_items = raw.items()
    for key, val in raw_items:
        if not _check_ref(probs, (*at, "args", key), key, val, meta):
            ok = False
    ok &= _check_tags(probs, (*at, "args", "tags"), raw.get("tags"), raw.get("side"), meta)
    # pairs of arguments that must make sense together: a period runs forward (``from``
    # is not after the date that ends it, whichever argument that is: to, on, by); a war
    # has two sides
    lo = raw.get("from")
    for end in ("to", "on", "by"):
        hi = raw.get(end)
        if _is_date(lo) and _is_date(hi) and lo > hi:
            probs.add((*at, "args"), f"the period runs backwards (from {lo.isoformat()} "
                                     f"to {hi.isoformat()}, its '{end}')")
            ok = False
    if isinstance(raw.get("a"), str) and raw.get("a") == raw.get("b"):
        probs.add((*at, "args", "b"), f"must be another side than a ({shown(raw['a'])})")
        ok = False
    ok &= _check_values(probs, at, cp, m.kind, meta)
    return args if ok else None


def _check_tags(probs: _Problems, path: PathT, tags: Any, side: Any, meta: Meta) -> bool:
    """Formation tags asked for: each carried by a formation of ``side`` in play at the
    start (else it could only ever count 0), none twice."""
    if not isinstance(tags, list) or not tags:
        return True  # absent, or the schema reports its type or that it is empty
    si = meta.side_ids.index(side) if isinstance(side, str) and side in meta.side_ids else None
    pool = sorted({t for s, ts, _ in meta.oob if si is None or s == si for t in ts})
    who = f"{side} " if si is not None else ""
    return _check_names(probs, path, tags, "tag", pool,
                        lambda t: f"no {who}formation in play at the start carries tag "
                                  f"{shown(t)}{did_you_mean(t, pool)}")


def _check_names(probs: _Problems, path: PathT, val: Any, what: str, pool: list[str],
                 unknown: Callable[[str], str]) -> bool:
    """Names ``val`` (one, or a list) of ``what``, each in ``pool`` (else ``unknown(name)``)
    and, in a list, none twice (it would be counted twice); a list that names nothing
    would count nothing. Each problem is one located line."""
    if isinstance(val, list) and not val:
        probs.add(path, f"names no {what}: give at least one")
        return False
    ok, seen = True, set()
    for j, v in enumerate(val if isinstance(val, list) else [val]):
        if not isinstance(v, str):
            continue  # the metric's schema reports the type
        where = (*path, j) if isinstance(val, list) else path
        if v in seen:
            probs.add(where, f"{what} {shown(v)} given twice")
            ok = False
        elif v not in pool:
            probs.add(where, unknown(v))
            ok = False
        seen.add(v)
    return ok


def _check_arg_dates(probs: _Problems, at: PathT, model: type[Args],
                     raw: dict[str, Any]) -> set[str]:
    """Arguments that take a date must be written as one (YAML ``1941-10-05``, unquoted):
    the schema alone would read a quoted date, a whole number (seconds since 1970) or a
    timestamp as a date, past the range and order checks. Returns the arguments refused
    (each one located line)."""
    takes: dict[str, bool] = {}  # argument -> whether it may also be a text id
    for name, f in model.model_fields.items():
        kinds = set(get_args(f.annotation)) or {f.annotation}
        if dt.date in kinds:
            takes[f.alias or name] = str in kinds
    bad: set[str] = set()
    for key, val in raw.items():
        if key not in takes or val is None or _is_date(val):
            continue
        if isinstance(val, str) and takes[key]:
            continue  # a side id where a side or a date belongs
        if isinstance(val, dt.datetime):
            msg = "must be a date without a time of day (YYYY-MM-DD)"
        elif isinstance(val, str | int | float | bool):
            msg = "must be a date, written YYYY-MM-DD without quotes"
        else:
            continue  # a list or a mapping: the schema says what it is
        probs.add((*at, "args", key), f"{msg} (got {shown(val)})")
        bad.add(key)
    return bad


def _is_date(v: Any) -> TypeGuard[dt.date]:
    """A calendar date; a timestamp with a time of day (YAML ``1941-10-05 12:00``, a
    ``datetime``) is not one, and comparing it with a date would raise: the schema
    reports it."""
    return isinstance(v, dt.date) and not isinstance(v, dt.datetime)


def _last_date(meta: Meta) -> dt.date:
    return meta.date(meta.days - 1)


def _check_date(probs: _Problems, path: PathT, val: Any, meta: Meta) -> bool:
    lo, hi = meta.start, _last_date(meta)
    if _is_date(val) and not lo <= val <= hi:
        probs.add(path, f"date {val.isoformat()} is outside the scenario "
                        f"({lo.isoformat()} .. {hi.isoformat()})")
        return False
    return True


def _check_ref(probs: _Problems, path: PathT, key: str, val: Any, meta: Meta) -> bool:
    if _is_date(val):
        return _check_date(probs, path, val, meta)
    pools: dict[str, tuple[str, list[str]]] = {
        "region": ("region", list(meta.node_ids)), "place": ("region", list(meta.node_ids)),
        "side": ("side", list(meta.side_ids)), "by": ("side", list(meta.side_ids)),
        "a": ("side", list(meta.side_ids)), "b": ("side", list(meta.side_ids)),
        "front": ("front", list(meta.front_ids)), "category": ("category", list(CATEGORIES)),
        "causes": ("cause", [*KNOWN_CAUSES, *CAUSE_GROUPS]),
    }
    if key not in pools:
        return True
    what, pool = pools[key]
    return _check_names(probs, path, val, what, pool,
                        lambda v: f"unknown {what} {shown(v)}{did_you_mean(v, pool)}")


def _check_values(probs: _Problems, at: PathT, cp: dict[str, Any], kind: str,
                  meta: Meta) -> bool:
    """``history`` and ``band`` of the metric's kind, dates inside the scenario, low <= high."""
    ok = True
    vals: list[tuple[PathT, Any]] = []
    if cp.get("resolution") is not None and kind != "number":
        probs.add((*at, "resolution"), f"only a number metric has a resolution; "
                                       f"{cp.get('metric')} gives {kind}s")
        ok = False
    if cp.get("history") is None:  # a blind prediction: nothing to compare with
        if cp.get("band") is not None:
            probs.add((*at, "band"), "a blind prediction (no history) has no band")
            ok = False
        return ok
    if cp.get("confidence") is None:
        probs.add((*at, "confidence"), "needed with a history: A (read in a source) or B")
        ok = False
    if "history" in cp:
        vals.append(((*at, "history"), cp["history"]))
    band = cp.get("band")
    if isinstance(band, list):
        vals += [((*at, "band", j), v) for j, v in enumerate(band)]
    want = {"flag": "true or false", "date": "a date", "number": "a number"}[kind]
    # the comparisons below need only the values to be of the metric's kind: another
    # field's problem (no confidence, say) does not hide theirs (all problems at once)
    typed = True
    for path, v in vals:
        good = (isinstance(v, bool) if kind == "flag" else
                _is_date(v) if kind == "date" else
                isinstance(v, int | float) and not isinstance(v, bool))
        if good and kind == "number" and not math.isfinite(v):
            probs.add(path, f"must be a finite number (got {shown(v)})")
            ok = typed = False
        elif not good:
            probs.add(path, f"must be {want} for metric {cp.get('metric')} (got {shown(v)})")
            ok = typed = False
        elif kind == "date" and not _check_date(probs, path, v, meta):
            ok = typed = False
    if typed and isinstance(band, list) and len(band) == 2 and band[0] > band[1]:
        probs.add((*at, "band"), f"low must not exceed high (got {shown(band)})")
        ok = False
    hist = cp.get("history")
    if (typed and kind != "flag" and isinstance(band, list) and len(band) == 2
            and band[0] <= band[1] and not band[0] <= hist <= band[1]):
        # the band is the range around the record a model is asked to hit; a record
        # outside it is a typing slip (a band in the wrong units, a date's month)
        probs.add((*at, "history"), f"{shown(hist)} is outside its own band {shown(band)}")
        ok = False
    res = cp.get("resolution")
    if typed and kind == "number" and isinstance(res, int | float) and not isinstance(res, bool) \
            and math.isfinite(res) and res >= 1e-6:
        # rounded to the resolution the model can only show its multiples: a history or a
        # band edge between two of them could never be met
        for path, v in vals:
            q = v / res
            if not math.isfinite(q) or abs(q) > 2.0 ** 53:  # no whole count of it is exact
                probs.add(path, f"{v:g} is too large for the resolution {res:g} (more than "
                                f"2**53 steps of it)")
                ok = False
                continue
            # relative to the value itself, so a resolution far above it (whose
            # nearest multiple is 0) is caught as well as one that does not divide it
            if abs(round(q) * res - v) > 1e-9 * abs(v):
                probs.add(path, f"{v:g} is not a whole multiple of the resolution "
                                f"{res:g}: the model's values, rounded to it, never equal it")
                ok = False
    return ok
