"""The ``stavka`` command line (typer + rich).

Every user error becomes one clear line on stderr and exit code 2 (a scenario
with problems prints one line per problem); never a traceback.

Importing this module loads typer and rich only: each command imports what it needs
(the engine, NumPy, SciPy, matplotlib, dask) when it runs, and the commands defined in
heavy modules (calibrate, validate, sweep) are imported only when invoked, so
``stavka --help`` stays fast.
"""

from __future__ import annotations

import functools
import importlib
import json
import re
import sys
import time
from pathlib import Path
from typing import Annotated, Any, NamedTuple

import typer
from rich.markup import escape
from rich.table import Table
from typer.core import TyperGroup
from typer.exceptions import Abort, Exit, TyperException

from stavka.consoles import err, guard_stdout, out
from stavka.errors import InputError, ScenarioError, StavkaError, shown_text
from stavka.malloc import keep_freed_memory


class _Lazy(NamedTuple):
    """A command defined in a module too heavy to import for ``stavka --help``."""

    module: str
    function: str
    #: what ``stavka --help`` lists, and the command's own help text unless ``docstring``
    help: str
    #: the command's help is its function's docstring (a test checks it equals ``help``)
    docstring: bool = False


#: name -> where the command lives; registered below in this order
LAZY_COMMANDS = {
    "calibrate": _Lazy("stavka.cdb90.cli", "calibrate_cmd",
                       "Fit the combat model to historical battles (calibrate cdb90), "
                       "or campaign rules to a scenario's checkpoints (calibrate campaign)."),
    "validate": _Lazy("stavka.cdb90.cli", "validate_cmd",
                      "Score the combat model against historical battles (validate cdb90), "
                      "or a campaign against its checkpoints (validate campaign)."),
    "sweep": _Lazy("stavka.sweep.cli", "sweep_cmd", "Monte Carlo over whole campaigns: "
                   "probabilities with intervals, sensitivity, plots.", docstring=True),
    "serve": _Lazy("stavka.web.cli", "serve_cmd", "Serve the war room: a map to watch "
                   "campaigns and play a side, with saved games.", docstring=True),
}

#: (command, its first argument) -> the command that handles that subject instead:
#: ``stavka validate campaign SCENARIO`` is another command than ``validate cdb90``
LAZY_SUBJECTS = {
    ("validate", "campaign"): _Lazy("stavka.validation.cli", "campaign_cmd",
                                    "Score a campaign against its historical checkpoints "
                                    "(N runs, daily history).", docstring=True),
    ("calibrate", "campaign"): _Lazy("stavka.validation.cli", "calibrate_cmd",
                                     "Calibrate campaign rules on a scenario's checkpoints "
                                     "(coordinate descent).", docstring=True),
}


#: The subjects (first arguments) of the commands that take one.
SUBJECTS = {"validate": ("campaign", "cdb90"), "calibrate": ("campaign", "cdb90")}


# click types are Any here: recent typer vendors click (typer._click), older typer uses click
@functools.cache
def lazy_command(name: str, subject: str | None = None) -> Any:
    """The real click command of a lazy command (imports its module); with ``subject``,
    that of :data:`LAZY_SUBJECTS` for it."""
    spec = LAZY_SUBJECTS.get((name, subject or ""), LAZY_COMMANDS[name])
    one = typer.Typer(add_completion=False)
    one.command(name, help=None if spec.docstring else spec.help)(
        getattr(importlib.import_module(spec.module), spec.function))
    return typer.main.get_command(one)


class _LazyGroup(TyperGroup):
    """The app's group: a lazy command is listed by a stand-in with its name and help;
    the real command replaces it when it is the one being run."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        known = SUBJECTS.get(args[0]) if args else None
        if known and len(args) > 1 and not args[1].startswith("-") and args[1] not in known:
            raise InputError(f"unknown subject {shown_text(args[1], 40)!r}: stavka {args[0]} "
                             f"{' or '.join(known)}")
        if args and args[0] in LAZY_COMMANDS:
            subject = args[1] if len(args) > 1 and (args[0], args[1]) in LAZY_SUBJECTS else None
            self.commands[args[0]] = lazy_command(args[0], subject)
        return super().resolve_command(ctx, args)


app = typer.Typer(add_completion=False, no_args_is_help=True, cls=_LazyGroup,
                  help="stavka: campaign simulator for the Soviet Union's two-front war, 1941-45.")


def one_line(text: str) -> str:
    """``text`` with every control or invisible character escaped (``\\n``, ``\\x1b``,
    ``\\u202e``): one line, and nothing a terminal would act on."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in text)


def _u(value: Any) -> str:
    """User or scenario text for a console print with markup: one line, markup inert."""
    return escape(one_line(str(value)))


def _folder(path: Any) -> str:
    """A folder's path for a message, ending in one '/' (``out/`` given as ``out/``)."""
    text = str(Path(path))
    return _u(text if text.endswith("/") else text + "/")


def _bound(v: Any) -> str:
    """A parameter's bound as the user wrote it: 18, not 18.0; nothing when unset."""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _span(days: int, step_hours: int) -> str:
    """A campaign's length for a person: ``"28 days"``, ``"1 day"``, and the step where
    it is not a day (``"28 days in 1-hour steps"``)."""
    text = f"{days} day{'s' if days != 1 else ''}"
    if step_hours != 24:
        text += f" in {step_hours}-hour steps"
    return text


@app.command()
def scenarios() -> None:
    """List the shipped scenarios (a step shorter than a day is shown)."""
    from stavka.api import list_scenarios, load

    t = Table("id", "name", "start", "end", "step", "nodes", "formations")
    for sid in list_scenarios():
        s = load(sid).spec
        t.add_row(_u(sid), _u(s.name), str(s.start), str(s.end),
                  "day" if s.step_hours == 24 else f"{s.step_hours} h", str(len(s.nodes)),
                  str(len(s.formations)))
    out.print(t)


@app.command()
def info(scenario: Annotated[str, typer.Argument(help="scenario id or path")],
         as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False
         ) -> None:
    """Describe a scenario: nodes, edges, formations, sides, dates, parameters."""
    from stavka.api import load
    from stavka.rules import RULES_VERSION

    s = load(scenario).spec
    rules_version = s.rules_version or RULES_VERSION  # the scenario's pin, else the default
    data: dict[str, Any] = {
        "id": s.id, "name": s.name, "description": s.description,
        "start": s.start.isoformat(), "end": s.end.isoformat(), "days": s.days,
        "step_hours": s.step_hours, "combat_model": s.combat_model,
        "rules_version": rules_version,
        "sides": {k: {"name": v.name, "alliance": v.alliance} for k, v in s.sides.items()},
        "parameters": {k: p.model_dump(mode="json") for k, p in s.parameters.items()},
        "nodes": [n.model_dump(mode="json") for n in s.nodes],
        "edges": [e.model_dump(mode="json") for e in s.edges],
        "formations": [f.model_dump(mode="json") for f in s.formations],
        "commanders": [c.model_dump(mode="json") for c in s.commanders],
    }
    if s.sea is not None:  # only with a sea block: other scenarios' output is unchanged
        data["sea"] = s.sea.model_dump(mode="json")
    if as_json:
        sys.stdout.write(json.dumps(data, indent=1) + "\n")
        return
    out.print(f"[bold]{_u(s.name)}[/bold] ({_u(s.id)}) {s.start} .. {s.end}, "
              f"{_span(s.days, s.step_hours)}")
    out.print(f"combat model {_u(s.combat_model)}, campaign rules {_u(rules_version)}"
              f"{'' if s.rules_version else ' (the default)'}")
    out.print(f"{len(s.nodes)} nodes, {len(s.edges)} edges, {len(s.formations)} formations, "
              f"sides: {_u(', '.join(s.sides))}")
    if s.commanders:
        out.print(f"commanders: {len(s.commanders)}")
        ct = Table("commander", "side", "commands", "morale bonus", "CEV bonus", "exposure/day")
        for c in s.commanders:
            where = f"formation {c.formation}" if c.formation is not None else f"front {c.front}"
            ct.add_row(_u(f"{c.name} ({c.id})"), _u(c.side), _u(where), f"{c.morale_bonus:+g}",
                       f"{c.cev_bonus:+g}", f"{c.exposure:g}")
        out.print(ct)
    if s.sea is not None:
        ships = sum(sum(f.ships.values()) for f in s.sea.fleets)
        out.print(f"sea: {len(s.sea.zones)} zones, {len(s.sea.fleets)} fleets ({ships:,} ships), "
                  f"{len(s.sea.landings)} landings, {len(s.sea.moves)} fleet moves")
    t = Table("parameter", "type", "default", "range", "description")
    for k, p in s.parameters.items():
        rng = "" if p.min is None and p.max is None else f"{_bound(p.min)}..{_bound(p.max)}"
        if p.earliest is not None:  # a date that may go back before the start
            rng = f"{p.earliest}.."
        t.add_row(_u(k), p.type, _u(p.default), rng, _u(p.description))
    out.print(t)


@app.command()
def check(path: Annotated[str, typer.Argument(help="scenario file, folder or id")]) -> None:
    """Check a scenario; list every problem as FILE:LINE: field: message.

    Fields the scenario sets that the engine accepts but does not read yet are warnings
    (one line per file and field, on stderr); they do not change the exit status."""
    from stavka.api import load

    loaded = load(path)
    for w in loaded.warnings:
        err.print(one_line(str(w)), markup=False, highlight=False, soft_wrap=True)
    s = loaded.spec
    out.print(f"ok: {_u(s.id)}: {len(s.nodes)} nodes, {len(s.edges)} edges, "
              f"{len(s.formations)} formations, {len(s.events)} events")


@app.command()
def run(
    scenario: Annotated[str, typer.Argument(help="scenario id or path")],
    seed: Annotated[int, typer.Option(help="master seed (>= 0)")] = 0,
    days: Annotated[int | None, typer.Option(help="stop after this many days")] = None,
    set_: Annotated[list[str] | None, typer.Option("--set", help="parameter NAME=VALUE")] = None,
    report: Annotated[str | None, typer.Option(help="write summary, chronicle, events, report here")] = None,
    quiet: Annotated[bool, typer.Option(help="no progress bar")] = False,
    save_replay: Annotated[str | None, typer.Option(
        "--save-replay", help="write a replay file (inputs, per-day and per-phase digests)")
    ] = None,
) -> None:
    """Run one campaign and print its summary."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from stavka.api import Campaign, load
    from stavka.engine.rng import check_seed

    check_seed(seed)
    if days is not None and days < 1:
        raise InputError(f"--days must be >= 1 (got {days})")
    from stavka.sweep.grid import parse_sets

    params = parse_sets(set_ or [])
    _check_outputs(report, save_replay)  # before the campaign runs, not after
    camp = Campaign(load(scenario), seed=seed, params=params, trace=save_replay is not None)
    camp.source = scenario
    total = camp.static.days if days is None else min(days, camp.static.days)
    if days is not None and days > camp.static.days:
        err.print(f"note: {camp.static.spec.id} lasts {camp.static.days} days; "
                  f"--days {days} runs all of them", markup=False, highlight=False)
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total} days"), TimeElapsedColumn(),
                  console=err, disable=quiet, transient=True) as bar:
        task = bar.add_task(camp.static.spec.id, total=total)
        slow = _CompileNote(bar.console, quiet)

        def progress(d: int) -> None:
            slow.day()
            bar.update(task, completed=d, description=str(camp.date))

        camp.run(total, progress=progress)
    summ = camp.summary()
    _print_summary(summ, camp.static.spec.step_hours,
                   cut_short=camp.day < camp.static.days and not camp.done)
    if report is not None:
        from stavka.chronicle import write_outputs

        try:
            write_outputs(camp, Path(report))
        except OSError as exc:
            raise InputError(f"--report {report}: cannot write there "
                             f"({exc.strerror or exc})") from None
        out.print(f"report written to {_folder(report)} (summary.json, chronicle.md, events.jsonl, report.html)")
    if save_replay is not None:
        camp.save_replay(save_replay)
        out.print(f"replay written to {_u(save_replay)} ({camp.day} days; check it with "
                  f"`stavka replay {_u(save_replay)}`)")


@app.command("replay")
def replay_cmd(
    file: Annotated[Path, typer.Argument(help="replay file written by run --save-replay")],
    report: Annotated[str | None, typer.Option(
        help="write the sync report (sync.txt) and, on a divergence, this run's arrays of "
             "that day (day<D>.npz) here")] = None,
    scenario: Annotated[str | None, typer.Option(
        help="scenario id or path to use instead of the recorded one (same content)")] = None,
    any_version: Annotated[bool, typer.Option(
        "--any-version", help="replay even if recorded by another stavka code version")] = False,
    quiet: Annotated[bool, typer.Option(help="no progress bar")] = False,
) -> None:
    """Re-run a replay and check every day's digest: exit 0 identical, 1 diverged."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from stavka.replay import prepare, run_prepared

    if report is not None and not report.strip():
        raise InputError("--report '': not a folder name")
    prep = prepare(file, scenario=scenario, any_version=any_version, report_dir=report)
    unit = "days" if prep.campaign.static.step_hours == 24 else "steps"
    with Progress(TextColumn("[bold]replay"), BarColumn(),
                  TextColumn("{task.completed}/{task.total} " + unit), TimeElapsedColumn(),
                  console=err, disable=quiet, transient=True) as bar:
        task = bar.add_task("replay", total=prep.file.days)
        res = run_prepared(prep, on_day=lambda d: bar.update(task, completed=d))
    sys.stdout.write(res.report())
    if report is not None:
        out.print(f"sync report written to {_folder(report)}")
    if not res.ok:
        raise Exit(1)


@app.command("diff")
def diff_cmd(
    a: Annotated[Path, typer.Argument(help="day<D>.npz from one machine's replay --report")],
    b: Annotated[Path, typer.Argument(help="the same day's dump from another machine")],
) -> None:
    """Compare two state dumps element by element: exit 0 identical, 1 different."""
    from stavka.replay import diff_dumps

    text, same = diff_dumps(a, b)
    sys.stdout.write(text)
    if not same:
        raise Exit(1)


#: The files ``run --report`` writes (stavka.chronicle.write_outputs); summary.json, written
#: last, marks a folder as a run report.
REPORT_FILES = ("summary.json", "chronicle.md", "events.jsonl", "report.html")


def _is_summary(doc: Any) -> bool:
    return isinstance(doc, dict) and {"scenario", "seed", "digest"} <= doc.keys()


#: Bytes read to recognise a report file stavka wrote by its first lines.
_HEAD_BYTES = 64 * 1024


def _is_chronicle(path: Path) -> bool:
    """Whether ``path`` begins as a chronicle.md stavka wrote: its title line ends in
    ': chronicle' and its third line names the scenario (stavka.chronicle.markdown)."""
    from stavka.atomic import read_head

    try:
        head = read_head(path, _HEAD_BYTES).decode("utf-8", "replace").split("\n")
    except OSError:
        return False
    return (len(head) > 2 and head[0].startswith("# ") and head[0].endswith(": chronicle")
            and head[2].startswith("Scenario `"))


def _is_events(path: Path) -> bool:
    """Whether ``path`` begins as an events.jsonl stavka wrote: a first line that is an
    event record (stavka.chronicle.jsonl)."""
    from stavka.atomic import read_head

    try:
        rec = json.loads(read_head(path, _HEAD_BYTES).split(b"\n", 1)[0])
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(rec, dict) and {"kind", "day", "date", "replica"} <= rec.keys()


def _check_report_dir(value: str) -> None:
    """A --report folder: missing, bare, or written by stavka before - whole (its
    summary.json, written last) or cut short by Ctrl-C or a full disk (its chronicle.md
    or events.jsonl, written first), whose files are then replaced."""
    from stavka.atomic import check_output_dir, check_output_files, check_owned_dir, json_marker

    check_output_dir(value)
    check_owned_dir(value, {"summary.json": json_marker(_is_summary),
                            "chronicle.md": _is_chronicle, "events.jsonl": _is_events})
    check_output_files(value, REPORT_FILES)  # a folder or a link where a file goes


def _check_replay_file(value: str) -> None:
    from stavka.atomic import check_output_file, check_owned_file, json_marker
    from stavka.replay import is_replay_document

    check_output_file(value)
    check_owned_file(value, json_marker(is_replay_document), "a stavka replay file")


def _check_outputs(report: str | None, save_replay: str | None) -> None:
    """Refuse now an output that could not be written after a long run, or whose writing
    would lose a file stavka did not write (an existing file that is not a replay, a
    non-empty folder that is not a run report, the replay put on one of the report's own
    files)."""
    from stavka.atomic import is_one_of

    if (report is not None and save_replay is not None and save_replay.strip()
            and is_one_of(save_replay, report, REPORT_FILES)):
        raise InputError(f"--save-replay {_u(save_replay)[:200]}: is one of --report's own "
                         f"files ({', '.join(REPORT_FILES)}); choose another name")
    for flag, value, check in (("--report", report, _check_report_dir),
                               ("--save-replay", save_replay, _check_replay_file)):
        if value is None:
            continue
        shown = value.encode("unicode_escape", "backslashreplace").decode("ascii")[:200]
        try:
            check(value)
        except OSError as exc:
            raise InputError(f"{flag} {shown or repr(value)}: cannot write there "
                             f"({exc.strerror or exc})") from None
        except ValueError as exc:  # a NUL byte in the path
            raise InputError(f"{flag} {shown}: not a usable path ({exc})") from None


class _CompileNote:
    """Says once why a day took seconds: the first run after an install (or after a change
    of ``stavka/engine/kernels.py``) compiles the engine's Numba kernels as it meets them,
    a few seconds in all; they are kept for the next runs. A day otherwise takes
    milliseconds."""

    SLOW_S = 2.0  # a day slower than this is compiling (a flagship day: about 30 ms)

    def __init__(self, console: Any, quiet: bool):
        self.console, self.quiet = console, quiet
        self.t, self.said = time.perf_counter(), False

    def day(self) -> None:
        now = time.perf_counter()
        if not self.said and not self.quiet and now - self.t > self.SLOW_S:
            self.console.print("note: the first run after an install compiles the engine's "
                               "kernels (a few seconds, once; kept for the next runs)",
                               markup=False, highlight=False)
            self.said = True
        self.t = now


def _print_summary(s: dict[str, Any], step_hours: int = 24, cut_short: bool = False) -> None:
    """The summary table. ``cut_short``: the run stopped (--days) before the campaign's
    end, so a flag decided later (held on a later date, at the end) reads no as yet."""
    out.print(f"[bold]{_u(s['scenario'])}[/bold] seed {s['seed']}: {s['start']} .. {s['end']} "
              f"({_span(s['days'], step_hours)})  digest [cyan]{s['digest']}[/cyan]")
    t = Table("side", "men lost", "captured", "tanks lost", "guns lost", "aircraft lost",
              "men left", "VP")
    for side, ls in s["losses"].items():
        t.add_row(_u(side), f"{ls['men']['total']:,}", f"{ls['men']['captured']:,}",
                  f"{ls['tanks']['total']:,}", f"{ls['guns']['total']:,}",
                  f"{ls['aircraft']['total']:,}", f"{s['strength'][side]['men']:,}",
                  f"{s['victory_points'][side]:g}")
    out.print(t)
    flags = ", ".join(f"{k}={'yes' if v else 'no'}" for k, v in s["victory"]["flags"].items())
    note = (f" (after {_span(s['days'], step_hours)}, before the campaign's end: a flag "
            "decided later reads no)") if cut_short else ""
    out.print(f"outcome{note}: {_u(flags)}")
    out.print(f"result: [bold]{_u(s['victory']['result'])}[/bold]")


@app.command()
def docs() -> None:
    """Print the scenario file reference (Markdown), generated from the schema."""
    from stavka.scenario.reference import markdown

    sys.stdout.write(markdown() + "\n")


def _register_lazy() -> None:
    """``stavka calibrate cdb90 ...`` and ``stavka validate cdb90 ...`` (the dataset is the
    commands' first argument, only ``cdb90`` for now) and ``stavka sweep SCENARIO --runs N
    --vary NAME=VALUES ... --out DIR``: stand-ins here, the real commands on use."""

    def stand_in() -> None:  # pragma: no cover - _LazyGroup runs the real command
        raise RuntimeError("a lazy command's stand-in was run")

    for name, spec in LAZY_COMMANDS.items():
        app.command(name, help=spec.help)(stand_in)


_register_lazy()


#: An argument that Python's ``int()`` reads as a whole number but a person would not write
#: as one: digit groups (``1_0`` is 10) or digits of another script (full-width ``１``).
_LOOSE_INT = re.compile(r"[+-]?[\d_]+")
_PLAIN_INT = re.compile(r"[+-]?[0-9]+")


def _check_numbers(args: list[str]) -> None:
    """Refuse an argument (or an ``--option=value``'s value) that is a number only to
    ``int()``: every count and seed is written in plain digits 0-9, as ``--set`` and
    ``--vary`` values are (:func:`stavka.world.static.coerce_param`)."""
    prev = ""
    for tok in args:
        if tok.startswith("--") and "=" in tok:
            name, value = tok.split("=", 1)
        else:  # the value of the option before it, or an argument of its own
            name = prev if prev.startswith("--") and "=" not in prev else ""
            value = tok
        prev = tok
        if _LOOSE_INT.fullmatch(value) and not _PLAIN_INT.fullmatch(value):
            what = f"{shown_text(name, 40)}: " if name else ""
            raise InputError(f"{what}{shown_text(value, 40)!r} is not a number as written: "
                             f"use the digits 0-9, with no '_'")


#: Options whose value is a file or folder: an empty value is none (a Path option would
#: read '' as the current folder, and write there).
_PATH_OPTIONS = ("--out", "--report", "--save-replay", "--checkpoints", "--battles",
                 "--params", "--open")


def _check_paths(args: list[str]) -> None:
    """Refuse an empty (or all-blank) value of a path option, ``--out ''``."""
    for i, tok in enumerate(args):
        name, value = (tok.split("=", 1) if "=" in tok else
                       (tok, args[i + 1] if i + 1 < len(args) else None))
        if name in _PATH_OPTIONS and value is not None and not value.strip():
            raise InputError(f"{name} {value!r}: not a file or folder name")


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app, turning every user error into one line and exit 2."""
    args = list(sys.argv[1:] if argv is None else argv) or ["--help"]
    keep_freed_memory()  # the stavka command's own process (stavka.malloc)
    guard_stdout()  # a reader that stops early (| head) does not cut the command short
    try:
        _check_numbers(args)
        _check_paths(args)
        # without standalone mode click returns (not raises) the code of a Ctrl-C
        rc = app(args=args, standalone_mode=False, prog_name="stavka")
    except ScenarioError as exc:
        for p in exc.problems:
            err.print(one_line(str(p)), markup=False, highlight=False, soft_wrap=True)
        err.print(f"error: {len(exc.problems)} problem(s) in {exc.what}", markup=False)
        return 2
    except StavkaError as exc:
        err.print(f"error: {one_line(str(exc))}", markup=False, highlight=False, soft_wrap=True)
        return exc.exit_code
    except TyperException as exc:  # bad flag or value: click-style usage errors
        err.print(f"error: {one_line(exc.format_message())}", markup=False, highlight=False,
                  soft_wrap=True)
        return 2
    except Abort as exc:
        if isinstance(exc.__cause__, EOFError):  # click turns an EOFError into Abort
            err.print(f"error: a file ended before its data did ({one_line(str(exc.__cause__)) or 'EOFError'})",
                      markup=False, highlight=False, soft_wrap=True)
            return 2
        _say_interrupted(err, "interrupted" if isinstance(exc.__cause__, KeyboardInterrupt)
                         else "aborted")
        return 130
    except Exit as exc:
        return int(exc.exit_code or 0)
    except KeyboardInterrupt:
        _say_interrupted(err, "interrupted")
        return 130
    except Exception as exc:
        where = _damaged_kernel_cache(exc)
        if where is None:
            raise
        err.print(f"error: the cache of the engine's compiled kernels is damaged "
                  f"({type(exc).__name__}: {one_line(str(exc))}); delete the kernels.*.nbi and "
                  f"kernels.*.nbc files under {where} and run again (they are compiled anew)",
                  markup=False, highlight=False, soft_wrap=True)
        return 1
    if isinstance(rc, int) and not isinstance(rc, bool) and rc != 0:
        if rc == 130:
            err.print("interrupted", markup=False)
        return rc
    return 0


def _damaged_kernel_cache(exc: BaseException) -> str | None:
    """The folder of Numba's cache if ``exc`` was raised while Numba loaded a cached
    kernel (a truncated or damaged ``.nbc``/``.nbi`` file: a full disk, a killed
    compile), else None."""
    import os
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    if not any(f.filename.replace(os.sep, "/").endswith("numba/core/caching.py") for f in frames):
        return None
    from stavka.engine import kernels

    return os.environ.get("NUMBA_CACHE_DIR") or str(Path(kernels.__file__).parent / "__pycache__")


def _say_interrupted(err: Any, text: str) -> None:
    """Print ``text`` with a second Ctrl-C held off meanwhile (it printed a traceback from
    inside the print); the handler is put back after."""
    import signal

    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: nothing to hold off
        err.print(text, markup=False)
        return
    try:
        err.print(text, markup=False)
    finally:
        signal.signal(signal.SIGINT, previous)


def entry() -> None:  # pragma: no cover
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    entry()
