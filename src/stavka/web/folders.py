"""Folders on the server that the war room may open: ``stavka run --report`` folders
(watched as finished games) and ``stavka sweep --out`` folders (browsed in Explore).

Only folders inside the roots given to ``stavka serve --open`` are read. A path from a
request is resolved (symbolic links and ``..`` followed) before it is checked, so no
spelling of a path leads outside the roots; what is refused is a 4xx with one line.
Nothing here writes.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from stavka.atomic import read_regular
from stavka.web.service import MAX_SUMMARY_BYTES, WebError

#: most entries a listing shows, and largest summary.json / runs.csv read, bytes
MAX_ENTRIES = 500
MAX_SUMMARY = MAX_SUMMARY_BYTES
MAX_RUNS_CSV = 64 * 2**20
#: most per-run values sent for one outcome of one setting (a histogram needs no more)
MAX_VALUES = 20_000
#: Explore's distributions (the per-run columns of runs.csv it draws)
METRICS = ("vp_soviet", "loss_soviet_men", "loss_germany_men", "captured_soviet_men", "days")


class Folders:
    """The roots a server may read from (``stavka serve --open DIR``, resolved)."""

    def __init__(self, roots: Sequence[str | Path] | None = None):
        self.roots = [Path(os.path.realpath(r)) for r in roots or []]

    def resolve(self, path: Any) -> Path:
        """The real path of ``path`` (absolute, or relative to the first root) if it lies
        inside a root: 400 for a string that names no path, 403 outside the roots (also
        when there are none), 404 for nothing there."""
        if not isinstance(path, str) or not path.strip():
            raise WebError(400, "path: a folder's path is needed")
        if "\x00" in path or len(path) > 1000 or any(not c.isprintable() for c in path):
            raise WebError(400, "path: not a usable path (control characters or too long)")
        if not self.roots:
            raise WebError(403, "this server opens no folders (start it with "
                                "stavka serve --open DIR)")
        p = Path(path)
        real = Path(os.path.realpath(p if p.is_absolute() else self.roots[0] / p))
        if not self.inside(real):
            raise WebError(403, f"path {path[:100]!r} is outside the folders this server may "
                                "open (stavka serve --open DIR)")
        if not real.is_dir():
            raise WebError(404, f"path {path[:100]!r}: no such folder")
        return real

    def inside(self, real: Path) -> bool:
        """Whether the resolved path ``real`` is a root or inside one."""
        return any(real == r or r in real.parents for r in self.roots)

    def listing(self) -> dict[str, Any]:
        """The roots, and the run reports and sweeps found in them (a root itself and the
        folders directly inside it), newest first, at most :data:`MAX_ENTRIES`."""
        found: list[dict[str, Any]] = []
        for root in self.roots:
            cands = [root]
            with contextlib.suppress(OSError):
                cands += sorted((d for d in root.iterdir() if d.is_dir()), key=lambda d: d.name)
            for d in cands:
                if not self.inside(Path(os.path.realpath(d))):  # a link out of the roots
                    continue
                entry = describe(d)
                if entry is not None:
                    found.append(entry)
                if len(found) >= MAX_ENTRIES:
                    break
        found.sort(key=lambda e: -e["modified"])
        return {"roots": [str(r) for r in self.roots], "entries": found}

    def sweep(self, path: Any) -> dict[str, Any]:
        """A ``stavka sweep --out`` folder as Explore shows a sweep (see :func:`read_sweep`)."""
        return read_sweep(self.resolve(path))

    def report(self, path: Any) -> dict[str, Any]:
        """A ``stavka run --report`` folder's summary (checked to be one)."""
        d = self.resolve(path)
        summ = _json(d / "summary.json")
        if summ is None or kind_of(summ) != "report":
            raise WebError(404, f"path {str(path)[:100]!r}: not a stavka run --report folder "
                                "(no summary.json of a run)")
        return summ


def _json(p: Path) -> dict[str, Any] | None:
    try:  # a regular file of bounded size: a FIFO would hang the request
        data = json.loads(read_regular(p, MAX_SUMMARY))
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def kind_of(summ: dict[str, Any]) -> str | None:
    """``report`` for a run's summary, ``sweep`` for a sweep's, else None."""
    if isinstance(summ.get("results"), list) and isinstance(summ.get("flags"), list):
        return "sweep"
    if {"scenario", "seed", "days", "digest"} <= set(summ):
        return "report"
    return None


def describe(d: Path) -> dict[str, Any] | None:
    """One listing entry for folder ``d``, or None if it holds neither a report nor a sweep."""
    summ = _json(d / "summary.json")
    kind = kind_of(summ) if summ is not None else None
    if kind is None or summ is None:
        return None
    try:
        modified = (d / "summary.json").stat().st_mtime
    except OSError:
        return None
    out: dict[str, Any] = {"path": str(d), "name": d.name, "kind": kind,
                           "scenario": str(summ.get("scenario"))[:100], "modified": modified}
    if kind == "sweep":
        out.update(runs=summ.get("runs"), settings=len(summ["results"]),
                   vary=summ.get("vary"))
    else:
        out.update(seed=summ.get("seed"), days=summ.get("days"))
    return out


def read_sweep(d: Path) -> dict[str, Any]:
    """A sweep folder's ``summary.json`` and ``runs.csv`` in the shape of an Explore result:
    P(each outcome flag) with its interval per setting, the mean and interval of each
    numeric outcome, and per-run values of :data:`METRICS` (at most :data:`MAX_VALUES`
    per setting). 404 if the folder holds no sweep, 422 if its files are not one's."""
    summ = _json(d / "summary.json")
    if summ is None or kind_of(summ) != "sweep":
        raise WebError(404, f"{d.name}: not a stavka sweep --out folder (no summary.json "
                            "of a sweep)")
    try:
        settings = [{"params": r["params"], "n": r["n"], "flags": r["flags"],
                     "metrics": r["metrics"]} for r in summ["results"]]
        combos = {int(r["combo"]): i for i, r in enumerate(summ["results"])}
    except (KeyError, TypeError, ValueError) as exc:
        raise WebError(422, f"{d.name}/summary.json: not a sweep summary "
                            f"({type(exc).__name__}: {str(exc)[:60]})") from None
    values: dict[str, list[list[float]]] = {}
    runs = d / "runs.csv"
    try:
        # a regular file of bounded size (a FIFO would hang the request)
        text = read_regular(runs, MAX_RUNS_CSV).decode("utf-8")
        if text:
            with io.StringIO(text, newline="") as fh:
                rows = csv.DictReader(fh)
                cols = [m for m in METRICS if m in (rows.fieldnames or [])]
                values = {m: [[] for _ in settings] for m in cols}
                for row in rows:
                    i = combos.get(int(row["combo"]))
                    if i is None:
                        continue
                    for m in cols:
                        if len(values[m][i]) < MAX_VALUES:
                            values[m][i].append(round(float(row[m]), 3))
    except (OSError, KeyError, ValueError, TypeError, UnicodeDecodeError, csv.Error):
        values = {}  # the table still shows; the distributions need a readable runs.csv
    return {
        "scenario": summ.get("scenario"), "runs": summ.get("runs"), "seed": summ.get("seed"),
        "days": summ.get("days"), "flags": summ["flags"], "numeric": summ.get("numeric", []),
        "settings": settings, "values": values, "paired": True, "folder": str(d),
    }
