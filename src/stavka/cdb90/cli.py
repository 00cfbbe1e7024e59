"""CLI hooks: ``stavka calibrate cdb90`` and ``stavka validate cdb90``.

Plain functions with typer-annotated parameters; the stavka CLI registers them, and
``python -m stavka.cdb90`` runs them directly. Bad input raises InputError.
"""

from __future__ import annotations

import shlex
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from stavka.atomic import is_one_of, read_regular, text_marker
from stavka.combat.params import (
    MAX_PARAMS_BYTES,
    MODEL_VERSION,
    VERSIONS,
    load_params,
    read_params,
    write_params,
)
from stavka.errors import InputError

DATASETS = ("cdb90",)


def _check_dataset(dataset: str) -> None:
    if dataset not in DATASETS:
        from stavka.errors import did_you_mean

        raise InputError(
            f"unknown dataset '{dataset}' (expected: {', '.join(DATASETS)})"
            + did_you_mean(dataset, DATASETS)
        )


def _read(battles: Path, console: Console):
    from stavka.cdb90.battles import read_battles

    b, o = read_battles(battles)
    if b.skipped:
        reasons: dict[str, int] = {}
        for _, r in b.skipped:
            reasons[r] = reasons.get(r, 0) + 1
        why = "; ".join(f"{c} x {r}" for r, c in reasons.items())
        console.print(f"skipped {len(b.skipped)} row(s) that cannot be set up: {why}")
    if len(b) == 0:
        raise InputError(f"{battles}: no battle can be set up")
    return b, o


def _check_model(model: str) -> None:
    if model not in VERSIONS:
        from stavka.errors import did_you_mean

        raise InputError(
            f"unknown combat model '{model}' (expected: {', '.join(VERSIONS)})"
            + did_you_mean(model, VERSIONS)
        )


#: The first bytes of what ``validate cdb90`` writes: its predictions.csv header and its
#: report's title (stavka.cdb90.validate.write_predictions, stavka.cdb90.report).
PREDICTIONS_HEADER = "isqno,p_attacker_win,"
REPORT_TITLE = "# Combat model "
#: The files ``validate cdb90 --report`` writes (stavka.cdb90.report.write_report).
REPORT_FILES = ("validation.md", "reliability.png", "casualties.png")


def _is_params(path: Path) -> bool:
    """Whether ``path`` reads as a combat parameters file (what calibrate cdb90 writes)."""
    from ruamel.yaml import YAML

    try:
        params = read_params(path)
        data = YAML(typ="safe").load(read_regular(path, MAX_PARAMS_BYTES).decode("utf-8"))
    except Exception:  # noqa: BLE001 - unreadable or not YAML: not a parameters file
        return False
    # write_params writes every field: an empty mapping (which reads as the defaults) or
    # another application's YAML with a field or two of ours is not one
    return isinstance(data, dict) and set(params.to_dict()) <= set(data)


def _check_file_out(flag: str, path: Path, ours: Callable[[Path], bool], what: str) -> None:
    """Refuse now (one line) an output file that could not be written after the work, or
    an existing file that stavka did not write (it would be lost)."""
    from stavka.atomic import check_output_file, check_owned_file

    try:
        check_output_file(path)
        check_owned_file(path, ours, what)
    except OSError as exc:
        raise InputError(f"{flag} {path}: cannot write there ({exc.strerror or exc})") from None
    except ValueError as exc:  # a NUL byte in the path
        raise InputError(f"{flag} {path}: not a usable path ({exc})") from None


def _check_dir_out(flag: str, path: Path, markers: dict[str, Callable[[Path], bool]]) -> None:
    """As :func:`_check_file_out` for an output folder: empty, or one this command wrote."""
    from stavka.atomic import check_output_dir, check_output_files, check_owned_dir

    try:
        check_output_dir(path)
        check_owned_dir(path, markers)
        check_output_files(path, REPORT_FILES)  # a folder or a link where a file goes
    except OSError as exc:
        raise InputError(f"{flag} {path}: cannot write there ({exc.strerror or exc})") from None
    except ValueError as exc:
        raise InputError(f"{flag} {path}: not a usable path ({exc})") from None


def calibrate_cmd(
    dataset: Annotated[str, typer.Argument(help="cdb90 (the options below); for a campaign: stavka calibrate campaign --help")],
    battles: Annotated[Path, typer.Option("--battles", help="CDB90 battles CSV")],
    out: Annotated[Path, typer.Option("--out", help="where to write the fitted PARAMS.yaml")],
    model: Annotated[
        str, typer.Option("--model", help=f"combat model version ({', '.join(VERSIONS)})")
    ] = MODEL_VERSION,
) -> None:
    """Fit the combat model's parameters on a battles file and write them as YAML."""
    _check_dataset(dataset)
    _check_model(model)
    _check_file_out("--out", out, _is_params, "a combat parameters file")
    console = Console()
    b, o = _read(battles, console)
    if o is None or int((~o.known).sum()) == len(b):
        raise InputError(f"{battles}: column 'wina': calibration needs battle outcomes")
    from stavka.cdb90.calibrate import calibrate, literature_params

    t0 = time.perf_counter()
    params = calibrate(b, o, literature_params(model), progress=console.print)
    write_params(params, out)
    console.print(f"wrote {out} ({time.perf_counter() - t0:.0f} s)")


def validate_cmd(
    dataset: Annotated[str, typer.Argument(help="cdb90 (the options below); for a campaign: stavka validate campaign --help")],
    battles: Annotated[Path, typer.Option("--battles", help="CDB90 battles CSV")],
    out: Annotated[Path | None, typer.Option("--out", help="write predictions.csv here")] = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="write a Markdown report into this dir")
    ] = None,
    folds: Annotated[int, typer.Option("--folds", help="K-fold cross-validation (0 = none)")] = 0,
    runs: Annotated[int, typer.Option("--runs", help="Monte Carlo runs per battle")] = 5000,
    params: Annotated[
        Path | None,
        typer.Option("--params", help="parameters YAML (default: the shipped --model version)"),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Monte Carlo seed")] = 0,
    model: Annotated[
        str, typer.Option("--model", help=f"combat model version ({', '.join(VERSIONS)})")
    ] = MODEL_VERSION,
) -> None:
    """Predict battles with the combat model; score them if outcomes are present.

    With --folds K the model version (--model, or that of --params) is recalibrated
    on K-1 folds from its literature priors and scored on the held-out fold.
    """
    _check_dataset(dataset)
    _check_model(model)
    if folds < 0 or folds == 1:
        raise InputError(f"--folds must be 0 or >= 2 (got {folds})")
    if runs < 1:
        raise InputError(f"--runs must be >= 1 (got {runs})")
    from stavka.engine.rng import check_seed

    check_seed(seed)
    if out is not None and report is not None and is_one_of(out, report, REPORT_FILES):
        raise InputError(f"--out {out}: is one of --report's own files "
                         f"({', '.join(REPORT_FILES)}); choose another name")
    if out is not None:
        _check_file_out("--out", out, text_marker(PREDICTIONS_HEADER), "a predictions file")
    if report is not None:
        _check_dir_out("--report", report, {"validation.md": text_marker(REPORT_TITLE)})
    console = Console(width=None if sys.stdout.isatty() else 200)
    b, o = _read(battles, console)
    if folds and o is None:
        raise InputError(f"{battles}: column 'wina': --folds needs battle outcomes")
    if folds > len(set(b.group.tolist())):
        raise InputError(f"--folds {folds} exceeds the number of battle groups")
    p = read_params(params) if params is not None else load_params(model)
    from stavka.cdb90 import validate as val

    t0 = time.perf_counter()
    v = val.run(b, o, p, folds=folds, runs=runs, seed=seed, progress=console.print)
    runtime = time.perf_counter() - t0
    if out is not None:
        val.write_predictions(v, out)
        console.print(f"wrote {out}")
    if v.tables:
        print_tables(v, console)
    else:
        console.print(f"predicted {len(b)} battles (no outcome column: nothing to score)")
    if report is not None:
        from stavka.cdb90.report import write_report

        cmd = "stavka " + " ".join(shlex.quote(a) for a in sys.argv[1:])
        path = write_report(v, report, cmd, runtime)
        console.print(f"wrote {path}")


def print_tables(v, console: Console) -> None:
    """Print the metric tables with rich."""
    from stavka.cdb90.report import METRICS, fmt

    mode = f"{v.folds}-fold CV" if v.folds else "in-sample"
    for subset, rows in v.tables.items():
        t = Table(title=f"{subset} ({mode})", title_justify="left")
        t.add_column("predictor")
        for _, h, _ in METRICS:
            t.add_column(h, justify="right")
        for label, r in rows.items():
            t.add_row(label, *(fmt(k, r[k]) for k, _, _ in METRICS))
        console.print(t)
