"""``stavka sweep``: the command line over :func:`stavka.sweep.sweep`."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from stavka.consoles import err
from stavka.consoles import out as console
from stavka.errors import InputError, StavkaError
from stavka.sweep.core import DEFAULT_BATCH, SweepResult, sweep
from stavka.sweep.grid import parse_vary, text_value

MAX_SHOWN = 20


def _u(value: Any) -> str:
    """User text for a console print with markup: control characters escaped, markup inert."""
    text = str(value)
    if not text.isprintable():
        text = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                       for c in text)
    return escape(text)


class SweepInterrupted(StavkaError):
    """Ctrl-C or SIGTERM: finished batches are stored, the same command resumes."""

    exit_code = 130


@contextlib.contextmanager
def _term_as_interrupt() -> Iterator[None]:
    """``kill`` (SIGTERM) stops the sweep like Ctrl-C: workers shut down, batches kept."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def sweep_cmd(
    scenario: Annotated[str, typer.Argument(help="scenario id or path")],
    runs: Annotated[int, typer.Option(help="campaigns per combination")],
    out: Annotated[Path, typer.Option(help="output directory (resumes a sweep found there)")],
    vary: Annotated[list[str] | None, typer.Option(
        help="NAME=VALUES: a list (0,6,12 or dates) or a range LO..HI[:STEP]; repeat for a grid"
    )] = None,
    days: Annotated[int | None, typer.Option(help="stop every campaign after this many days")
                    ] = None,
    seed: Annotated[int, typer.Option(help="master seed (>= 0)")] = 0,
    batch_size: Annotated[int, typer.Option(help="replicas per vectorised batch, at most")
                          ] = DEFAULT_BATCH,
    backend: Annotated[str | None, typer.Option(
        help="serial | process | dask (default: process; dask with --cluster)")] = None,
    workers: Annotated[int | None, typer.Option(help="worker processes (default: CPU count)")
                       ] = None,
    cluster: Annotated[str | None, typer.Option(help="dask scheduler address, tcp://host:8786")
                       ] = None,
    quiet: Annotated[bool, typer.Option(help="no progress bar")] = False,
    record: Annotated[str | None, typer.Option(
        help="daily: also write every run's daily history to OUT/daily/ (README: Daily history)"
    )] = None,
) -> None:
    """Monte Carlo over whole campaigns: probabilities with intervals, sensitivity, plots."""
    be = backend if backend is not None else ("dask" if cluster else "process")
    varied = parse_vary(vary or [])
    with Progress(TextColumn("[bold]sweep"), BarColumn(),
                  MofNCompleteColumn(), TextColumn("runs"), TimeElapsedColumn(),
                  TimeRemainingColumn(), console=err, disable=quiet, transient=True) as bar:
        task = bar.add_task("sweep", total=None)
        state = [0, 0]

        def progress(done: int, total: int) -> None:
            state[:] = [done, total]
            bar.update(task, completed=done, total=total)

        try:
            with _term_as_interrupt():
                res = sweep(scenario, runs, vary=varied, days=days, seed=seed,
                            batch_size=batch_size, backend=be, workers=workers,
                            cluster=cluster, out=out, progress=progress,
                            record=_record(record))
        except KeyboardInterrupt:
            raise SweepInterrupted(
                f"interrupted with {state[0]:,} of {state[1]:,} runs finished and kept in "
                f"{out}; run the same command again to resume") from None
    console.print(_table(res))
    reused = f", {res.batches_reused} batch(es) reused" if res.batches_reused else ""
    daily = ", daily/" if record else ""
    console.print(f"{len(res.runs['run_id']):,} runs{reused}; written to {_u(out)}/ (runs.csv, "
                  f"summary.json, sensitivity.csv, report.md, plots/{daily})")


def _record(value: str | None) -> str:
    if value is None:
        return ""
    if value != "daily":
        raise InputError(f"--record must be daily (got {value!r})")
    return value


def _table(res: SweepResult) -> Table:
    # underscores as spaces so narrow terminals wrap the headers instead of cutting them
    t = Table(*res.grid.names, *(f.replace("_", " ") for f in res.flags), "n",
              title="P(outcome) per combination")
    for r in res.summary["results"][:MAX_SHOWN]:
        cells = [_u(text_value(v) or "none") for v in res.combos[r["combo"]].values()]
        cells += [f"{100 * r['flags'][f]['p']:.1f} %" for f in res.flags]
        t.add_row(*cells, str(r["n"]))
    if len(res.combos) > MAX_SHOWN:
        t.caption = f"first {MAX_SHOWN} of {len(res.combos)} combinations; all in summary.json"
    return t

