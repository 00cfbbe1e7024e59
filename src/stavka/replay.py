"""Replays: a campaign saved as its inputs and its per-day digests, re-run and checked.

A replay file (JSON, :data:`REPLAY_VERSION` 1) holds what determines a campaign —
the scenario (id, where it was loaded from, its content hash), the seed, the parameter
overrides, every player order with its day — and what the campaign came to: the
state digest after every day (:mod:`stavka.world.digest`), and, when recorded with a
trace, the field digests after every phase of every day. :func:`replay` re-runs it
and compares day by day; at the first divergence it names the day, the first phase
and the arrays that differ (the *sync report*), and can write this machine's arrays
of that day, phase by phase, for :func:`diff_dumps` against another machine's.

Every problem with a replay file is an :class:`~stavka.errors.InputError` whose one
line names the file (and the field); a replay from another digest version, code
version or scenario content is refused, never silently re-run.
"""

from __future__ import annotations

import json
import platform
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from stavka.atomic import (
    atomic_write,
    check_output_dir,
    check_owned_dir,
    check_owned_file,
    check_regular,
    json_marker,
    read_regular,
    text_marker,
)
from stavka.errors import IllegalOrderError, InputError, StavkaError
from stavka.world.digest import DIGEST_VERSION, digested

if TYPE_CHECKING:
    from stavka.api import Campaign
    from stavka.scenario.loader import Loaded

REPLAY_FORMAT = "stavka-replay"
REPLAY_VERSION = 1
#: A replay larger than this is refused before it is read (a 100-day traced replay
#: is about 0.3 MB).
MAX_REPLAY_BYTES = 16 * 2**20
#: At most this many orders (a player giving 100 orders a day for a year: 36,500).
MAX_ORDERS = 100_000
#: No string in a replay is longer than this (a trace row is 320 characters).
MAX_STRING = 10_000
#: A state dump (``day<D>.npz``) may expand to at most this many bytes.
MAX_DUMP_BYTES = 512 * 2**20
#: Hex digits kept per field digest in a trace (32 bits: a chance collision per
#: compared field of 2**-32).
TRACE_HEX = 8

_Hex16 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{16}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ScenarioRef(_Strict):
    id: str
    source: str = Field(description="shipped scenario id, or the path it was loaded from")
    hash: str


class OrderRecord(_Strict):
    day: int = Field(ge=0, description="step the order was given at (0 = start; the "
                     "campaign day at 24-hour steps)")
    order: str = Field(max_length=1000)


class Trace(_Strict):
    phases: list[str]
    fields: list[str]
    days: list[list[str]] = Field(description="[step][phase]: the fields' digests, "
                                  f"{TRACE_HEX} hex digits each, concatenated")


class ReplayFile(_Strict):
    """The replay file's content (the JSON document, validated)."""

    format: Literal["stavka-replay"]
    replay_version: int
    digest_version: int
    code: str
    scenario: ScenarioRef
    seed: int = Field(ge=0)
    parameters: dict[str, str | int | float | bool | None]
    days: int = Field(ge=0)
    orders: list[OrderRecord]
    digests: list[_Hex16]
    trace: Trace | None = None
    recorded_on: dict[str, str] = Field(default_factory=dict)


def machine() -> dict[str, str]:
    """What this run was computed on (for the sync report; not compared)."""
    import numba
    import scipy

    return {"machine": platform.machine(), "processor": platform.processor() or "?",
            "python": platform.python_version(), "numpy": np.__version__,
            "scipy": scipy.__version__, "numba": numba.__version__,
            "cpu_features": _cpu_features()}


def _cpu_features() -> str:
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as feats
    except ImportError:  # pragma: no cover - numpy < 2
        return "?"
    on = [k for k, v in feats.items() if v and k.startswith(("AVX", "FMA", "ASIMD", "SVE"))]
    return " ".join(sorted(on)) or "baseline"


def code_version() -> str:
    """The engine's code version: package version + hash of the result-changing source."""
    from stavka.sweep.store import code_version as cv

    return cv()


def _json_value(v: Any) -> str | int | float | bool | None:
    if hasattr(v, "isoformat"):
        return str(v.isoformat())
    if isinstance(v, np.generic):
        return v.item()  # type: ignore[no-any-return]
    if v is None or isinstance(v, str | int | float | bool):
        return v
    return str(v)


def _trace_rows(trace: list[dict[str, dict[str, str]]], fields: list[str]) -> list[list[str]]:
    """Per step, per phase: the ``fields``' digests (:data:`TRACE_HEX` hex digits each)."""
    return [["".join(fd[f][:TRACE_HEX] for f in fields) for fd in day.values()]
            for day in trace]


def traced_fields(c: Campaign) -> list[str]:
    """The arrays a trace of ``c`` covers: every array its digest covers
    (:func:`stavka.world.digest.digested`: the fixed fields, then those of the optional
    ones this scenario uses, such as ``siege``, ``cmd_state``, ``eng_day0``, ``gauge``
    or the naval arrays)."""
    return list(digested(c.world.state))


def to_document(c: Campaign) -> dict[str, Any]:
    """The replay document of a campaign (what :func:`save_replay` writes)."""
    from stavka.engine.core import PHASES

    src = c.source if c.source is not None else (c.loaded.files[0] if c.loaded.files else "")
    src_s = str(src)
    if src_s and not _shipped(src_s):
        src_s = _shipped_id(Path(src_s)) or str(Path(src_s).resolve())
    doc: dict[str, Any] = {
        "format": REPLAY_FORMAT, "replay_version": REPLAY_VERSION,
        "digest_version": DIGEST_VERSION, "code": code_version(),
        "scenario": {"id": c.static.spec.id, "source": src_s, "hash": c.loaded.hash},
        "seed": c.seed,
        "parameters": {k: _json_value(v) for k, v in sorted(c.params.items())},
        "days": c.world.state.step,  # steps: the days at 24-hour steps
        "orders": [{"day": d, "order": o.text()} for d, o in c.orders_log],
        "digests": list(c.history.digests),
        "recorded_on": machine(),
    }
    if c.trace is not None:
        fields = traced_fields(c)
        doc["trace"] = {"phases": [n for n, _ in PHASES], "fields": fields,
                        "days": _trace_rows(c.trace, fields)}
    return doc


def is_replay_document(doc: Any) -> bool:
    """Whether ``doc`` (parsed JSON) is a replay document (:func:`to_document`)."""
    return isinstance(doc, dict) and doc.get("format") == REPLAY_FORMAT


def save_replay(c: Campaign, path: str | Path) -> Path:
    """Write campaign ``c`` as a replay file at ``path`` (atomically). Raises
    :class:`InputError` if the path cannot be written, or holds a file that is not a
    replay (it would be lost: a replay replaces only a replay)."""
    text = json.dumps(to_document(c), indent=1) + "\n"
    try:
        check_owned_file(path, json_marker(is_replay_document), "a stavka replay file")
        return atomic_write(path, text)
    except OSError as exc:
        raise InputError(f"{path}: cannot write the replay ({exc.strerror or exc})") from None


def _shipped(name: str) -> bool:
    from stavka.api import list_scenarios

    return name in list_scenarios()


def _shipped_id(p: Path) -> str | None:
    """The shipped scenario id of a scenario file or folder path, if it is one (a replay
    then names the id, which loads on any machine, not this machine's path)."""
    from stavka.api import list_scenarios

    try:
        folder = (p if p.is_dir() else p.parent).resolve()
    except (OSError, ValueError):
        return None
    for sid, d in list_scenarios().items():
        if d.resolve() == folder:
            return sid
    return None


def read_replay(path: str | Path) -> ReplayFile:
    """Read and validate a replay file. Raises :class:`InputError` (one line naming the
    file, and the field where there is one) if it is missing, too large, not JSON,
    truncated, not a replay, or of another replay or digest version."""
    p = Path(path)
    try:
        raw = read_regular(p, MAX_REPLAY_BYTES)
    except (OSError, ValueError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputError(f"{show(p)}: cannot read ({_one_line(why)})") from None
    p = Path(show(p, 200))
    try:
        doc = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError(f"{p}: not a stavka replay (not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        what = "truncated" if not raw.rstrip().endswith(b"}") else "invalid JSON"
        raise InputError(f"{p}: not a stavka replay ({what} at line {exc.lineno}, "
                         f"column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise InputError(f"{p}: not a stavka replay (JSON nested too deeply)") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise InputError(f"{p}: not a stavka replay ({_one_line(str(exc))[:120]})") from None
    if not isinstance(doc, dict) or doc.get("format") != REPLAY_FORMAT:
        raise InputError(f"{p}: not a stavka replay (no \"format\": \"{REPLAY_FORMAT}\")")
    for key, want, what in (("replay_version", REPLAY_VERSION, "replay format"),
                            ("digest_version", DIGEST_VERSION, "digest")):
        got = doc.get(key)
        if got != want or type(got) is not int:
            raise InputError(f"{p}: {key}: {what} version {show(got)}; this stavka reads "
                             f"version {want}")
    if isinstance(doc.get("orders"), list) and len(doc["orders"]) > MAX_ORDERS:
        raise InputError(f"{p}: orders: {len(doc['orders']):,} orders; the limit is "
                         f"{MAX_ORDERS:,}")
    bad = _bad_string(doc)
    if bad is not None:
        raise InputError(f"{p}: {bad[0]}: {bad[1]}")
    try:
        rf = ReplayFile.model_validate(doc)
    except ValidationError as exc:
        e = exc.errors()[0]
        where = ".".join(show(x, 40).strip("'") for x in e["loc"]) or "(document)"
        more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
        raise InputError(f"{p}: {where}: {_one_line(e['msg'])}{more}") from None
    if len(rf.digests) != rf.days + 1:
        raise InputError(f"{p}: digests: {len(rf.digests)} digests for {show(rf.days)} days "
                         f"(expected {show(rf.days + 1)}: the start and every step; the "
                         "file's days are steps)")
    for i, o in enumerate(rf.orders):
        if o.day >= rf.days:
            raise InputError(f"{p}: orders.{i}.day: step {show(o.day)} is not before the "
                             f"replay's end (step {rf.days}; steps are days at 24-hour steps)")
        if i and o.day < rf.orders[i - 1].day:
            raise InputError(f"{p}: orders.{i}.day: orders are not in day order")
    if rf.trace is not None:
        t = rf.trace
        if len(t.days) != rf.days:
            raise InputError(f"{p}: trace.days: {len(t.days)} steps traced, the replay has "
                             f"{rf.days}")
        width = TRACE_HEX * len(t.fields)
        for d, row in enumerate(t.days):
            if len(row) != len(t.phases) or any(
                    len(x) != width or not re.fullmatch(r"[0-9a-f]*", x) for x in row):
                raise InputError(f"{p}: trace.days.{d}: expected {len(t.phases)} strings of "
                                 f"{width} hex digits")
    return rf


def _one_line(s: str) -> str:
    return " ".join(str(s).split())


def show(v: Any, limit: int = 60) -> str:
    """A user-given value as it may appear in a one-line message: ``repr``-escaped
    (no newline or control character survives) and cut to ``limit`` characters."""
    text = str(v) if isinstance(v, Path) else repr(v)
    text = text.encode("unicode_escape", "backslashreplace").decode("ascii")
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _bad_string(doc: Any) -> tuple[str, str] | None:
    """(where, why) of the first string (key or value) that is too long or holds a control
    character or a lone surrogate; None if all are fine. Iterative: no recursion limit."""
    stack: list[tuple[str, Any]] = [("", doc)]
    while stack:
        where, v = stack.pop()
        items: list[tuple[str, Any]] = []
        if isinstance(v, dict):
            for k, x in v.items():
                items.append((f"{where}.{k}" if where else str(k), k))
                items.append((f"{where}.{k}" if where else str(k), x))
        elif isinstance(v, list):
            items = [(f"{where}.{i}" if where else str(i), x) for i, x in enumerate(v)]
        elif isinstance(v, str):
            if len(v) > MAX_STRING:
                return show(where), f"a string of {len(v):,} characters (the limit is {MAX_STRING:,})"
            if any(ord(ch) < 32 or ord(ch) == 127 or 0xD800 <= ord(ch) <= 0xDFFF for ch in v):
                return show(where), f"control character or invalid text in {show(v)}"
            continue
        else:
            continue
        stack.extend(reversed(items))
    return None


@dataclass
class Divergence:
    """Where a re-run first parts from a replay."""

    day: int  # step (the day at 24-hour steps) when the digests parted (-1: the start)
    date: str
    expected: str  # recorded digest after that day
    got: str  # this run's digest
    phase: str | None = None  # first phase whose state differs (None: no trace)
    fields: list[str] = field(default_factory=list)  # digested arrays that differ after it
    previous_phase: str | None = None  # the last phase that still agrees that day
    note: str = ""


@dataclass
class ReplayResult:
    """The outcome of :func:`replay`: ``ok`` when every step's digest matched. ``days``
    and ``checked`` count steps: days at 24-hour steps (``step_hours``)."""

    path: str
    days: int
    checked: int
    divergence: Divergence | None = None
    recorded_on: dict[str, str] = field(default_factory=dict)
    here: dict[str, str] = field(default_factory=dict)
    step_hours: int = 24

    @property
    def ok(self) -> bool:
        return self.divergence is None

    def report(self) -> str:
        """The sync report: a few lines of text."""
        unit = "day" if self.step_hours == 24 else "step"
        if self.divergence is None:
            return (f"replay {self.path}: identical, {self.checked} of {self.days} {unit}s "
                    f"(every {unit}'s digest matches"
                    + ("" if self.step_hours == 24 else f"; {self.step_hours}-hour steps")
                    + ")\n")
        d = self.divergence
        when = ("the start state" if d.day < 0 else f"day {d.day} ({d.date})"
                if self.step_hours == 24 else
                f"step {d.day} ({d.date}, day {d.day * self.step_hours // 24}, "
                f"{self.step_hours}-hour steps)")
        lines = [f"replay {self.path}: diverges on {when}",
                 f"  recorded digest {d.expected}, this run {d.got}"]
        if d.phase is not None:
            agree = (f"the state after '{d.previous_phase}' still agrees" if d.previous_phase
                     else "the day's first phase")
            lines.append(f"  first phase that differs: {d.phase} ({agree})")
            lines.append(f"  arrays that differ after {d.phase}: {', '.join(d.fields)}")
        if d.note:
            lines.append(f"  {d.note}")
        lines.append("  recorded on: " + _machine_line(self.recorded_on))
        lines.append("  this run on: " + _machine_line(self.here))
        return "\n".join(lines) + "\n"


def _machine_line(m: dict[str, str]) -> str:
    if not m:
        return "(not recorded)"
    return (f"{m.get('machine', '?')} [{m.get('cpu_features', '?')}], Python "
            f"{m.get('python', '?')}, numpy {m.get('numpy', '?')}, scipy {m.get('scipy', '?')}"
            + (f", numba {m['numba']}" if "numba" in m else ""))


def load_scenario_of(rf: ReplayFile, path: str | Path, scenario: str | Path | None = None
                     ) -> Loaded:
    """The scenario a replay was recorded on (or ``scenario``), checked against its hash."""
    from stavka.api import load
    from stavka.errors import ScenarioError

    src = str(scenario) if scenario is not None else rf.scenario.source
    where = "--scenario" if scenario is not None else f"{path}: scenario.source"
    if not _shipped(src):
        try:
            sp = Path(src)
            if sp.exists() and not (sp.is_dir() or sp.is_file()):
                raise InputError(f"{where}: {show(src)} is not a scenario file or folder")
        except (OSError, ValueError):
            raise InputError(f"{where}: {show(src)} is not a usable path") from None
    try:
        loaded = load(src)
    except ScenarioError as exc:
        first = str(exc.problems[0]) if exc.problems else "problems in scenario"
        raise InputError(f"{where}: cannot load {show(src)} ({show(first, 160)[1:-1]})") from None
    except StavkaError as exc:
        raise InputError(f"{where}: cannot load {show(src)} "
                         f"({show(str(exc).splitlines()[0], 160)[1:-1]})") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"{where}: cannot load {show(src)} ({type(exc).__name__})") from None
    if loaded.spec.id != rf.scenario.id:
        raise InputError(f"{path}: scenario: recorded on {show(rf.scenario.id)}, {show(src)} is "
                         f"{show(loaded.spec.id)}")
    if loaded.hash != rf.scenario.hash:
        raise InputError(f"{path}: scenario: {show(rf.scenario.id)} is not the content the "
                         f"replay was recorded on (hash {show(rf.scenario.hash, 24)}, here "
                         f"{loaded.hash})")
    return loaded


@dataclass
class Prepared:
    """A checked replay, ready to run: the file, its scenario, a fresh campaign and the
    orders by day (:func:`prepare`)."""

    path: str
    file: ReplayFile
    loaded: Loaded
    campaign: Campaign
    by_day: dict[int, list[Any]]
    report_dir: Path | None


def prepare(path: str | Path, *, scenario: str | Path | None = None, any_version: bool = False,
            report_dir: str | Path | None = None) -> Prepared:
    """Read and check a replay file and everything it names, before anything runs.

    Raises :class:`InputError` for a bad file, another code version (unless
    ``any_version``), another scenario content, bad parameters, an order that names
    an unknown formation or region, or a ``report_dir`` that is a file.
    """
    from stavka.api import Campaign
    from stavka.engine.legality import unknown_ids
    from stavka.engine.records import Order
    from stavka.engine.rng import check_seed

    rf = read_replay(path)
    if rf.code != code_version() and not any_version:
        raise InputError(f"{path}: code: recorded with stavka {show(rf.code)}, this is "
                         f"{code_version()} (results may differ; --any-version replays anyway)")
    loaded = load_scenario_of(rf, path, scenario)
    try:
        check_seed(rf.seed, "seed")
    except StavkaError as exc:  # named as the file names it, not as a parameter
        raise InputError(f"{path}: {_one_line(str(exc))}") from None
    try:
        c = Campaign(loaded, seed=rf.seed, params=_params(rf), trace=rf.trace is not None)
    except StavkaError as exc:
        raise InputError(f"{path}: parameters: {_one_line(str(exc))}") from None
    st = c.static
    # a replay counts steps: days at 24-hour steps, hours in a scenario with step_hours
    if rf.days > st.days * st.steps_per_day:
        raise InputError(f"{path}: days: {rf.days} steps, but scenario '{st.spec.id}' lasts "
                         f"{st.days * st.steps_per_day}")
    by_day: dict[int, list[Any]] = {}
    for i, o in enumerate(rf.orders):
        try:
            od = Order.parse(o.order)
        except IllegalOrderError as exc:
            raise InputError(f"{path}: orders.{i}.order: {exc}") from None
        why = unknown_ids(st, od)
        if why:
            raise InputError(f"{path}: orders.{i}.order: {why} in scenario '{st.spec.id}'")
        by_day.setdefault(o.day, []).append(od)
    out = None
    if report_dir is not None:
        out = Path(report_dir)
        try:
            src = Path(path).resolve()
            if src.parent == out.resolve() and (
                    src.name == "sync.txt" or re.fullmatch(r"day\d+\.npz", src.name)):
                raise InputError(f"--report {show(report_dir)}: would overwrite the replay "
                                 "being read")
            check_output_dir(out)
            # a folder of the user's is not written into: empty, or a sync report's own
            check_owned_dir(out, {"sync.txt": text_marker("replay ")})
        except OSError as exc:
            raise InputError(f"--report {show(report_dir)}: cannot write there "
                             f"({exc.strerror or exc})") from None
    return Prepared(str(path), rf, loaded, c, by_day, out)


def _params(rf: ReplayFile) -> dict[str, Any]:
    return {k: ("none" if v is None else v) for k, v in rf.parameters.items()}


def run_prepared(p: Prepared, on_day: Callable[[int], None] | None = None) -> ReplayResult:
    """Run a prepared replay (see :func:`replay`)."""
    rf, c = p.file, p.campaign
    st = c.static
    res = ReplayResult(path=p.path, days=rf.days, checked=0, recorded_on=dict(rf.recorded_on),
                       here=machine(), step_hours=int(st.step_hours))
    unit = "day" if st.step_hours == 24 else "step"
    if c.digest() != rf.digests[0]:
        res.divergence = Divergence(day=-1, date=st.date(0).isoformat(), expected=rf.digests[0],
                                    got=c.digest(),
                                    note="the start state's digest differs: the compiled "
                                         "scenario differs, or the file's digest was edited")
    else:
        for d in range(rf.days):
            if c.done:
                res.divergence = Divergence(
                    day=d, date=_step_date(st, d), expected=rf.digests[d + 1], got="-",
                    note=f"this run's campaign ended after {unit} {d - 1}; the replay goes on "
                         f"to {unit} {rf.days - 1}")
                break
            try:
                c.step(p.by_day.get(d, []))
            except IllegalOrderError as exc:
                res.divergence = Divergence(
                    day=d, date=_step_date(st, d), expected=rf.digests[d + 1], got="-",
                    note=f"an order was refused here: {exc}")
                break
            res.checked = d + 1
            if on_day:
                on_day(d + 1)
            if c.digest() != rf.digests[d + 1]:
                res.divergence = _locate(rf, c, d)
                break
            if rf.trace is not None and c.trace is not None and (
                    not set(rf.trace.fields) <= set(traced_fields(c))
                    or _trace_rows([c.trace[d]], rf.trace.fields)[0] != rf.trace.days[d]):
                res.divergence = _locate(rf, c, d)
                res.divergence.note = (f"the {unit}'s digest matches but the recorded "
                                       "per-phase trace does not: the file's trace was edited "
                                       "or damaged")
                break
    if p.report_dir is not None:
        _write_report(res, rf, p.loaded, p.by_day, p.report_dir)
    return res


def replay(path: str | Path, *, scenario: str | Path | None = None, any_version: bool = False,
           report_dir: str | Path | None = None,
           on_day: Callable[[int], None] | None = None) -> ReplayResult:
    """Re-run a replay file and compare every day's digest with the recorded one.

    Returns a :class:`ReplayResult` (``.ok``; ``.divergence`` names the first day, phase
    and arrays that differ; ``.report()`` is the sync report). ``report_dir``: write
    ``sync.txt`` there and, on a divergence, ``day<D>.npz`` with this run's digested
    arrays after each phase of that day (keys ``<phase>/<field>``; compare two machines'
    with :func:`diff_dumps`). Raises :class:`InputError` as :func:`prepare` does.
    """
    return run_prepared(prepare(path, scenario=scenario, any_version=any_version,
                                report_dir=report_dir), on_day)


def _locate(rf: ReplayFile, c: Campaign, d: int) -> Divergence:
    div = Divergence(day=d, date=_step_date(c.static, d), expected=rf.digests[d + 1],
                     got=c.digest())
    if rf.trace is None or c.trace is None:
        div.note = ("the replay carries no per-phase trace: record it with `stavka run "
                    "--save-replay` (or Campaign(..., trace=True) before save_replay)")
        return div
    ours = traced_fields(c)
    if rf.trace.phases != list(c.trace[d]) or not set(rf.trace.fields) <= set(ours):
        div.note = "the replay's phases or fields are not this engine's: cannot name the phase"
        return div
    # the recorded trace's fields (a replay written before every digested array was
    # traced covers the fixed ones only)
    here = _trace_rows([c.trace[d]], rf.trace.fields)[0]
    there = rf.trace.days[d]
    prev = None
    for pi, (a, b) in enumerate(zip(there, here, strict=True)):
        if a != b:
            div.phase = rf.trace.phases[pi]
            div.previous_phase = prev
            k = TRACE_HEX
            div.fields = [f for j, f in enumerate(rf.trace.fields)
                          if a[j * k:(j + 1) * k] != b[j * k:(j + 1) * k]]
            return div
        prev = rf.trace.phases[pi]
    untraced = [f for f in ours if f not in rf.trace.fields]
    if untraced:
        div.note = ("every traced array agrees with the recorded trace, but not the recorded "
                    "digest; the trace does not cover " + ", ".join(untraced)
                    + " (recorded by an older stavka): the divergence may be there")
    else:
        div.note = ("every phase's arrays agree with the recorded trace, but not the recorded "
                    "digest: the file's digests were edited or damaged")
    return div


def _step_date(st: Any, step: int) -> str:
    """ISO date of step ``step`` (the day's date at 24-hour steps)."""
    return str(st.date(step * st.step_hours // 24).isoformat())


def _write_report(res: ReplayResult, rf: ReplayFile, loaded: Loaded,
                  by_day: dict[int, list[Any]], out: Path) -> None:
    try:
        files: dict[str, str | bytes] = {"sync.txt": res.report()}
        div = res.divergence
        if div is not None and div.day >= 0 and div.got != "-":
            files[f"day{div.day}.npz"] = _dump_day(rf, loaded, by_day, div.day)
        for name, data in files.items():
            atomic_write(out / name, data)
    except OSError as exc:
        raise InputError(f"--report {out}: cannot write there ({exc.strerror or exc})") from None


def _dump_day(rf: ReplayFile, loaded: Loaded, by_day: dict[int, list[Any]], day: int) -> bytes:
    """This run's digested arrays after each phase of ``day`` (an .npz, as bytes)."""
    import io

    from stavka.api import Campaign
    from stavka.engine.core import step

    c = Campaign(loaded, seed=rf.seed, params=_params(rf))
    for d in range(day):
        c.step(by_day.get(d, []))
    arrays: dict[str, np.ndarray] = {}

    def keep(name: str, state: Any) -> None:
        for f in digested(state):  # every array the digest covers for this scenario
            arrays[f"{name}/{f}"] = np.array(getattr(state, f)[0])

    step(c.world, by_day.get(day, []), c.rng, record=False, after_phase=keep)
    arrays["meta/day"] = np.array(day)
    arrays["meta/scenario_hash"] = np.array(rf.scenario.hash)
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)  # type: ignore[arg-type]
    return buf.getvalue()


@dataclass
class ArrayDiff:
    """One array that differs between two dumps: its key and the first elements."""

    key: str
    count: int  # elements that differ
    first: list[tuple[tuple[int, ...], Any, Any]]  # (index, value in a, value in b)


def diff_arrays(a: dict[str, np.ndarray], b: dict[str, np.ndarray], limit: int = 5
                ) -> list[ArrayDiff]:
    """Arrays of two same-keyed dumps that differ, in key order, with up to ``limit``
    differing elements each (bit for bit: -0.0 differs from 0.0, NaN equals NaN)."""
    out: list[ArrayDiff] = []
    for key in a:
        if key not in b:
            continue
        x, y = np.asarray(a[key]), np.asarray(b[key])
        if x.shape != y.shape or x.dtype != y.dtype:
            out.append(ArrayDiff(key, -1, [((), f"{x.dtype} {x.shape}", f"{y.dtype} {y.shape}")]))
            continue
        if np.issubdtype(x.dtype, np.floating):
            ne = x.astype("<f8").view("<u8") != y.astype("<f8").view("<u8")
            ne &= ~(np.isnan(x) & np.isnan(y))
        else:
            ne = x != y
        if ne.any():
            idx = np.argwhere(ne)[:limit]
            out.append(ArrayDiff(key, int(ne.sum()),
                                 [(tuple(int(i) for i in ix), x[tuple(ix)].item(),
                                   y[tuple(ix)].item()) for ix in idx]))
    return out


def _fmt(v: Any) -> str:
    return f"{v!r} ({float(v).hex()})" if isinstance(v, float) else repr(v)


def diff_dumps(a: str | Path, b: str | Path, limit: int = 5) -> tuple[str, bool]:
    """Compare two ``day<D>.npz`` dumps (from ``stavka replay --report`` on two machines):
    (the first phase and arrays that differ, with their first elements, as text;
    whether the dumps are identical). Raises :class:`InputError` if a file is not such
    a dump, or the two are of different days or scenarios."""
    da, db = _read_dump(a), _read_dump(b)
    if list(da) != list(db):
        raise InputError(f"{b}: not a dump of the same phases and arrays as {a}")
    for key, what in (("meta/day", "day"), ("meta/scenario_hash", "scenario")):
        if str(da[key]) != str(db[key]):
            raise InputError(f"{b}: a dump of {what} {db[key]}, {a} is of {what} {da[key]}: "
                             "compare the same day of the same replay")
    da = {k: v for k, v in da.items() if not k.startswith("meta/")}
    db = {k: v for k, v in db.items() if not k.startswith("meta/")}
    diffs = diff_arrays(da, db, limit)
    if not diffs:
        return f"{a} and {b}: identical ({len(da)} arrays)\n", True
    phase = diffs[0].key.split("/")[0]
    lines = [f"{a} vs {b}: first differing phase: {phase}"]
    for dd in diffs:
        if dd.key.split("/")[0] != phase:
            break
        lines.append(f"  {dd.key}: {dd.count} element(s) differ")
        for ix, x, y in dd.first:
            lines.append(f"    [{', '.join(map(str, ix))}]: {_fmt(x)} vs {_fmt(y)}")
    return "\n".join(lines) + "\n", False


def _read_dump(p: str | Path) -> dict[str, np.ndarray]:
    try:
        check_regular(p, MAX_DUMP_BYTES)
        with open(p, "rb") as fh:
            magic = fh.read(4)
    except (OSError, ValueError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputError(f"{show(p)}: cannot read ({_one_line(why)})") from None
    if magic != b"PK\x03\x04":
        raise InputError(f"{p}: not a stavka state dump (not an .npz archive)")
    try:
        import zipfile

        with zipfile.ZipFile(p) as zf:
            size = sum(i.file_size for i in zf.infolist())
        if size > MAX_DUMP_BYTES:
            raise InputError(f"{p}: not a stavka state dump (expands to {size:,} bytes; the "
                             f"limit is {MAX_DUMP_BYTES:,})")
        with np.load(p, allow_pickle=False) as z:
            out = {k: z[k] for k in z.files}
        if "meta/day" not in out:
            raise InputError(f"{p}: not a stavka state dump (no meta/day)")
        for k, v in out.items():
            if not k.startswith("meta/") and (v.dtype.kind not in "biuf" or v.dtype.itemsize > 8):
                raise InputError(f"{p}: not a stavka state dump ({show(k)} is {v.dtype})")
        return out
    except InputError:
        raise
    except (OSError, ValueError, EOFError) as exc:
        raise InputError(f"{p}: not a stavka state dump ({_one_line(str(exc))})") from None
    except Exception as exc:  # zipfile.BadZipFile and friends
        raise InputError(f"{p}: not a stavka state dump ({type(exc).__name__})") from None
