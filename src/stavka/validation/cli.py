"""``stavka validate campaign``: the command line over :func:`stavka.validation.campaign.validate`."""

from __future__ import annotations

import errno
import json
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from stavka.atomic import json_marker
from stavka.consoles import err
from stavka.engine.rng import check_seed
from stavka.errors import InputError

HELP = "Score a campaign against its historical checkpoints (N runs, daily history)."


def campaign_cmd(
    subject: Annotated[str, typer.Argument(help="what to validate: campaign")],
    scenario: Annotated[str, typer.Argument(help="scenario id or path")],
    runs: Annotated[int, typer.Option(help="campaigns to run")] = 200,
    seed: Annotated[int, typer.Option(help="master seed (>= 0)")] = 0,
    out: Annotated[Path | None, typer.Option(
        help="write report.md, report.json, plots/ and the sweep (resumable) here")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of the table")
                       ] = False,
    checkpoints: Annotated[Path | None, typer.Option(
        help="checkpoints file (default: the scenario's checkpoints.yaml)")] = None,
    workers: Annotated[int | None, typer.Option(help="worker processes (default: CPU count)")
                       ] = None,
    quiet: Annotated[bool, typer.Option(help="no progress bar")] = False,
    set_: Annotated[list[str] | None, typer.Option(
        "--set", help="parameter or rule NAME=VALUE for every run (rules.supply_tons=1)")
                    ] = None,
) -> None:
    """Score a campaign against its historical checkpoints (N runs, daily history)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from stavka.sweep.grid import parse_sets
    from stavka.validation.campaign import as_json as report_json
    from stavka.validation.campaign import markdown, prepare, validate

    if subject != "campaign":
        raise InputError(f"unknown subject {subject!r}: stavka validate campaign SCENARIO or "
                         "stavka validate cdb90 --battles FILE")
    if runs < 1:
        raise InputError(f"--runs must be >= 1 (got {runs})")
    check_seed(seed)  # before anything runs or is written
    loaded, cps = prepare(scenario, checkpoints)  # every problem before anything runs
    params = parse_sets(set_ or [])
    if params:  # a bad name or value: one line, exit 2, before anything runs
        from stavka.world.static import resolve_params

        resolve_params(loaded.spec, params)
    if out is not None:
        _check_out(out, files=("report.md", "report.json"), folders=("plots", "sweep"),
                   markers={"report.json": json_marker(_is_report),
                            "sweep/sweep.json": json_marker(_is_sweep)})
    with Progress(TextColumn("[bold]campaigns"), BarColumn(), MofNCompleteColumn(),
                  console=err, disable=quiet or as_json, transient=True) as bar:
        task = bar.add_task("runs", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        with warnings.catch_warnings(record=True) as caught:  # e.g. a plot not drawn
            warnings.simplefilter("always")
            rep = validate(loaded, runs, seed=seed, out=out, checkpoints=cps.path,
                           workers=workers, progress=progress, params=params or None)
    for w in caught:  # numpy's floating-point RuntimeWarnings from drawing are not news
        if not issubclass(w.category, RuntimeWarning):
            err.print(f"warning: {w.message}", markup=False, highlight=False)
    if as_json:
        sys.stdout.write(json.dumps(report_json(rep), indent=1, allow_nan=False) + "\n")
    else:
        sys.stdout.write(markdown(rep))
        if out is not None:
            sys.stdout.write(f"written to {out}/ (report.md, report.json, plots/, sweep/)\n")


def calibrate_cmd(
    subject: Annotated[str, typer.Argument(help="what to calibrate: campaign")],
    scenario: Annotated[str, typer.Argument(help="scenario id or path")],
    grid: Annotated[list[str], typer.Option(
        help="rules.NAME=V1,V2,... values tried for a rule in the first round (repeat)")],
    runs: Annotated[int, typer.Option(help="campaigns per evaluation")] = 48,
    seed: Annotated[int, typer.Option(help="master seed (>= 0); every evaluation runs "
                                           "the same replicas")] = 1,
    rounds: Annotated[int, typer.Option(help="rounds of coordinate descent")] = 2,
    out: Annotated[Path | None, typer.Option(help="write calibration.json here")] = None,
    checkpoints: Annotated[Path | None, typer.Option(
        help="checkpoints file (default: the scenario's checkpoints.yaml)")] = None,
    workers: Annotated[int | None, typer.Option(help="worker processes (default: CPU count)")
                       ] = None,
    holdout: Annotated[list[int] | None, typer.Option(
        help="a master seed on which to check the result afterwards: start, best and each "
             "moved rule put back (repeat)")] = None,
) -> None:
    """Calibrate campaign rules on a scenario's checkpoints (coordinate descent)."""
    from stavka.validation.calibrate import calibrate, check_holdout, check_work, parse_grid

    if subject != "campaign":
        raise InputError(f"unknown subject {subject!r}: stavka calibrate campaign SCENARIO "
                         "--grid rules.NAME=V1,V2 or stavka calibrate cdb90")
    if runs < 1 or rounds < 1:
        raise InputError(f"--runs and --rounds must be >= 1 (got {runs}, {rounds})")
    check_seed(seed)  # before anything runs or is written
    seeds = check_holdout(holdout or [], seed)
    grids = parse_grid(grid)
    check_work(grids, runs, rounds, len(seeds))
    if out is not None:
        _check_out(out, files=("calibration.json",),
                   markers={"calibration.json": json_marker(_is_calibration)})
    tr = calibrate(scenario, grids, runs=runs, seed=seed, rounds=rounds, out=out,
                   checkpoints=checkpoints, workers=workers, holdout=seeds,
                   log=lambda s: err.print(s, markup=False, highlight=False))
    doc: dict[str, Any] = {"best": tr.best, "score": tr.as_json()["best_score"],
                           "evaluations": len(tr.evals)}
    if tr.holdout is not None:  # "evaluations" counts the descent's
        doc["holdout_evaluations"] = tr.holdout["evaluations"]
        doc["holdout"] = tr.holdout
    sys.stdout.write(json.dumps(doc, indent=1, allow_nan=False) + "\n")


def _is_report(doc: Any) -> bool:
    """A ``validate campaign`` report.json (stavka.validation.campaign.as_json)."""
    return isinstance(doc, dict) and {"checkpoints", "totals"} <= doc.keys()


def _is_sweep(doc: Any) -> bool:
    """A sweep's manifest (stavka.sweep.store): an interrupted validation's sweep."""
    return isinstance(doc, dict) and "fingerprint" in doc


def _is_calibration(doc: Any) -> bool:
    """A ``calibrate campaign`` calibration.json."""
    return isinstance(doc, dict) and {"best", "best_score", "evals"} <= doc.keys()


def _check_out(out: Path, files: tuple[str, ...] = (), folders: tuple[str, ...] = (),
               markers: dict[str, Callable[[Path], bool]] | None = None) -> None:
    """Refuse now an ``--out`` that could not take its ``files`` and ``folders`` after the
    runs (a file, a device, a folder where a report goes, no permission), or whose files
    are not this command's: a non-empty folder must hold one of ``markers`` (a file name
    and a test of its JSON), so a user's own report.md or calibration.json is never
    replaced."""
    from stavka.atomic import check_output_dir, check_output_file, check_owned_dir

    shown = str(out).encode("unicode_escape", "backslashreplace").decode("ascii")[:200]
    where = ""
    try:
        check_output_dir(out)
        for name in files:
            where = f" ({name})"
            check_output_file(out / name)
        for name in folders:  # a file where a folder goes, named before anything is made
            where = f" ({name}/)"
            if (out / name).exists() and not (out / name).is_dir():
                raise OSError(errno.ENOTDIR, "exists and is not a directory")
        where = ""
        if markers:  # a user's folder is refused before a sub-folder is made in it
            check_owned_dir(out, markers)
        for name in folders:
            where = f" ({name}/)"
            check_output_dir(out / name)
    except OSError as exc:
        raise InputError(f"--out {shown}: cannot write there{where}: "
                         f"{exc.strerror or exc}") from None
    except ValueError as exc:  # a NUL byte in the path
        raise InputError(f"--out {shown}: not a usable path ({exc})") from None
