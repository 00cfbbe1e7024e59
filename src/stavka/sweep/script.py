"""The command line every scenario's sweep script shares (``scenarios/*/holdtime.py``):
``--runs``, ``--seed``, ``--out`` and ``--plot``, checked before anything runs."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from stavka.atomic import check_output_dir, check_output_file
from stavka.errors import InputError, check_count

#: most runs per combination (every replica of a combination is one batch in memory)
MAX_RUNS = 100_000


def _count(lo: int, hi: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number within ``lo..hi`` (:func:`stavka.errors.check_count`),
    else argparse's one-line usage error (exit 2)."""
    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be an integer (got {text[:40]!r})") from None
        try:
            return check_count("value", value, lo, hi)
        except InputError as exc:
            raise argparse.ArgumentTypeError(str(exc).removeprefix("value ")) from None
    parse.__name__ = "count"
    return parse


def script_args(argv: list[str] | None, description: str, runs: int) -> argparse.Namespace:
    """Parse a sweep script's arguments: ``runs`` (per combination, 1..MAX_RUNS, default
    ``runs``), ``seed`` (the master seed, >= 0), ``out`` (the output folder) and ``plot`` (a
    file the plot is also copied to, or None). A bad count or an output path that cannot be
    written is argparse's one-line usage error, exit 2 (SystemExit), before anything runs."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--runs", type=_count(1, MAX_RUNS), default=runs,
                    help=f"runs per combination (1..{MAX_RUNS:,})")
    ap.add_argument("--seed", type=_count(0), default=0, help="master seed (>= 0)")
    ap.add_argument("--out", type=Path, required=True, help="output folder")
    ap.add_argument("--plot", type=Path, default=None, help="also copy the plot here")
    a = ap.parse_args(argv)
    try:
        check_output_dir(a.out)
    except OSError as exc:
        ap.error(f"--out {a.out}: {exc.strerror or exc}")
    if a.plot is not None:
        try:
            check_output_file(a.plot)
        except OSError as exc:
            ap.error(f"--plot {a.plot}: {exc.strerror or exc}")
    return a
