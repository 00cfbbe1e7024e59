"""A sweep's output directory: the manifest (``sweep.json``) and the finished batches.

``sweep.json`` is written before any batch and holds the sweep's fingerprint:
everything that decides its results (scenario content, code, days, seed, grid,
metric columns) and nothing that does not (batch size, backend, workers). The
number of runs is recorded but is not part of the sweep's identity: replica
``i`` is the same run whatever ``runs`` is (its key is child ``i`` of the master
seed), so a re-run with more runs extends the sweep and one with fewer reuses
its first runs.
Each finished batch is one ``batches/c<combo>-r<first>-n<count>.npz``, written
atomically, so an interrupted sweep resumes from exactly the batches it finished.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

import stavka
from stavka.atomic import MARKER_LIMIT, atomic_write, check_output_file, is_bare, read_regular
from stavka.errors import InputError

MANIFEST = "sweep.json"
BATCHES = "batches"
FORMAT = 1
_NAME = re.compile(r"^c(\d+)-r(\d+)-n(\d+)\.npz$")
# Modules that only present results; editing them cannot change a run's numbers.
_PRESENTATION = ("cli.py", "replay.py", "consoles.py", "chronicle", "cdb90", "sweep",
                 "scenarios", "validation")  # scenario content has its own hash (Loaded.hash)
# ... except the modules that run inside a batch: the replicas and their daily record
_IN_BATCH = ("sweep/batch.py", "validation/history.py")
DAILY = "daily"
DAILY_INDEX = "index.csv"
#: ``daily/unused/``: the daily files of batches a smaller sweep in the same folder does
#: not use (kept, and moved back when a sweep needs them again)
UNUSED = "unused"
_DAILY_FILE = re.compile(r"^c\d+-r\d+-n\d+\.(owners|fronts|wars)\.csv\.gz$")


def code_version() -> str:
    """Package version plus a hash of the source that can change results.

    Hashes every ``.py``/``.yaml`` file of the installed package except
    presentation modules (CLI, chronicle, cdb90 tooling, the sweep driver, campaign
    validation — but including ``sweep/batch.py``, which runs the replicas, and
    ``validation/history.py``, which records their daily history).
    """
    root = Path(stavka.__file__).resolve().parent
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.suffix not in (".py", ".yaml") or not p.is_file():
            continue
        if rel.split("/")[0] in _PRESENTATION and rel not in _IN_BATCH:
            continue
        h.update(rel.encode() + b"\0" + p.read_bytes() + b"\0")
    return f"{stavka.__version__}+{h.hexdigest()[:16]}"


def identity(fingerprint: dict[str, Any]) -> dict[str, Any]:
    """What makes two sweeps the same sweep: the fingerprint without ``runs``."""
    return {k: v for k, v in fingerprint.items() if k != "runs"}


def digest(fingerprint: dict[str, Any]) -> str:
    """A short stable hash of a fingerprint's identity (canonical JSON)."""
    raw = json.dumps(identity(fingerprint), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class BatchKey:
    """Replicas ``first .. first+count-1`` of combination ``combo``."""

    combo: int
    first: int
    count: int

    @property
    def filename(self) -> str:
        return f"c{self.combo:05d}-r{self.first:08d}-n{self.count}.npz"

    def __str__(self) -> str:
        last = self.first + self.count - 1
        return f"combination {self.combo}, replicas {self.first}..{last}"


def check_out_dir(out: Path, fingerprint: dict[str, Any]) -> bool:
    """Refuse an output directory that holds anything but this sweep; True if it holds this one.

    A missing or empty directory is fine; one holding this sweep with another
    number of runs holds this sweep. One holding another sweep (different
    fingerprint) or files that are not a sweep's is refused with one line that
    says how to proceed; nothing in it is touched.
    """
    try:
        out.exists()
    except (OSError, ValueError) as exc:  # a name too long, a NUL byte: the OS cannot look
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputError(f"--out {str(out)[:80]!r}: not a usable folder name ({why})") from None
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out}: exists and is not a directory")
    man = out / MANIFEST
    if not os.path.lexists(man):
        if out.exists() and not is_bare(out):  # hidden files and empty folders are no one's
            raise InputError(f"--out {out}: not empty and holds no {MANIFEST}; "
                             "choose another --out or empty it")
        _check_outputs(out)
        return False
    try:
        # a FIFO or a device would block or never end; a link may be another sweep's
        if man.is_symlink() or not man.is_file():
            raise ValueError("not a regular file")
        old = json.loads(read_regular(man, MARKER_LIMIT))["fingerprint"]
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        raise InputError(f"--out {out}: unreadable {MANIFEST}; "
                         "choose another --out or delete the directory") from None
    old, new = identity(old), identity(fingerprint)
    if old != new:
        keys = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
        raise InputError(f"--out {out} holds results of a different sweep (differs in: "
                         f"{', '.join(keys)}); use another --out, or delete {out} to start over")
    _check_outputs(out)
    return True


#: The files a sweep writes at its end (stavka.sweep.output.write_outputs) and its folders.
OUTPUT_FILES = ("runs.csv", "sensitivity.csv", "report.md", "timing.json", "summary.json")
OUTPUT_FOLDERS = ("plots", "batches", "daily")


def _check_outputs(out: Path) -> None:
    """A folder or a link where a result file goes, or a file where a folder goes, is
    refused now (one line naming it), not after the sweep has run."""
    for name in OUTPUT_FILES:
        try:
            if out.exists():
                check_output_file(out / name)
        except OSError as exc:
            raise InputError(f"--out {out}: cannot write {name} ({exc.strerror})") from None
    for name in OUTPUT_FOLDERS:
        if (out / name).exists() and not (out / name).is_dir():
            raise InputError(f"--out {out}: {name} exists and is not a directory")


def write_manifest(out: Path, fingerprint: dict[str, Any]) -> None:
    """Write ``sweep.json`` (before any batch)."""
    doc = {"format": FORMAT, "digest": digest(fingerprint), "fingerprint": fingerprint}
    atomic_write(out / MANIFEST, json.dumps(doc, indent=1, sort_keys=True) + "\n")


def save_batch(out: Path, key: BatchKey, fp_digest: str, cols: dict[str, np.ndarray]) -> None:
    """Store a finished batch atomically (numpy ``.npz``, no pickles)."""
    buf = io.BytesIO()
    arrays: dict[str, Any] = {k: (v.astype(str) if v.dtype == object else v)
                              for k, v in cols.items()}
    arrays["__fingerprint__"] = np.array(fp_digest)
    # the batch's own identity, checked against its file name when it is read back
    arrays["__key__"] = np.array([key.combo, key.first, key.count], dtype=np.int64)
    np.savez(buf, **arrays)
    atomic_write(out / BATCHES / key.filename, buf.getvalue())


def clean_temporaries(out: Path) -> int:
    """Remove the temp files an interrupted atomic write left in ``out`` and its batch
    and daily folders (``.<name>.<random>.tmp``); returns how many. Only that pattern is touched."""
    n = 0
    for d in (out, out / BATCHES, out / DAILY):
        if not d.is_dir():
            continue
        for p in d.glob(".*.tmp"):
            if p.is_file() and not p.is_symlink():
                with contextlib.suppress(OSError):
                    p.unlink()
                    n += 1
    return n


def load_batches(out: Path, fp_digest: str, columns: list[str],
                 on_discard: Callable[[str], None] | None = None
                 ) -> list[tuple[BatchKey, dict[str, np.ndarray]]]:
    """Every stored batch of this sweep, sorted by key.

    A file that cannot be read (or lacks a column) is skipped, so its replicas
    run again; a readable batch of another sweep is refused. A batch whose own
    identity (``__key__``, its replicas) does not match its file name — a file
    copied over another — or that is not a regular file (a FIFO would block the
    read) is renamed ``<name>.discarded`` (kept, never deleted), reported through
    ``on_discard``, and its replicas run again.
    """
    d = out / BATCHES
    found: list[tuple[BatchKey, dict[str, np.ndarray]]] = []
    if not d.is_dir():
        return found
    for p in sorted(d.iterdir()):
        m = _NAME.match(p.name)
        if m is None:
            continue
        key = BatchKey(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if not p.is_file():  # a FIFO or device would block the read, a folder the write
            _discard(p, "it is not a regular file", on_discard)
            continue
        cols = _read(p, columns)
        if cols is None:
            continue
        if str(cols.pop("__fingerprint__")) != fp_digest:
            raise InputError(f"{p} belongs to another sweep; delete it and re-run")
        own = cols.pop("__key__", None)
        why = None
        if own is None or own.shape != (3,) or tuple(int(x) for x in own) != (
                key.combo, key.first, key.count):
            why = "it holds another batch than its name says"
        elif any(len(v) != key.count for v in cols.values()):
            why = "it holds another number of runs than its name says"
        elif "replica" in cols and not np.array_equal(
                cols["replica"], np.arange(key.first, key.first + key.count)):
            why = "its replicas are not the ones its name says"
        elif any(v.dtype.kind == "f" and not np.isfinite(v).all() for v in cols.values()):
            # a run's outcomes are always finite (counts, days, points); a NaN or an
            # infinity was put there by hand, and would reach runs.csv and the statistics
            why = "it holds a number that is not finite (NaN or infinite)"
        if why is not None:
            _discard(p, why, on_discard)
            continue
        found.append((key, cols))
    found.sort(key=lambda kc: (kc[0].combo, kc[0].first, kc[0].count))
    return found


def _discard(p: Path, why: str, on_discard: Callable[[str], None] | None) -> None:
    """Rename a stored batch ``<name>.discarded`` (kept, never deleted) and say why."""
    with contextlib.suppress(OSError):
        p.rename(p.with_name(p.name + ".discarded"))
    if on_discard is not None:
        on_discard(f"{p}: {why}; kept as {p.name}.discarded, its runs run again")


def _read(p: Path, columns: list[str]) -> dict[str, np.ndarray] | None:
    try:
        if not p.is_file():  # a FIFO or a device in its place: reading would block
            return None
        with np.load(p, allow_pickle=False) as z:
            if not set(columns) | {"__fingerprint__"} <= set(z.files):
                return None
            extra = ["__key__"] if "__key__" in z.files else []
            return {k: z[k] for k in ["__fingerprint__", *extra, *columns]}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):
        return None


# -- daily history (``--record daily``) ------------------------------------------------


def _stem(key: BatchKey) -> str:
    return key.filename[: -len(".npz")]


def daily_paths(out: Path, key: BatchKey) -> dict[str, Path]:
    """The daily files of batch ``key``, by kind (owners, fronts, wars)."""
    from stavka.validation.history import file_names

    return {k: out / DAILY / name for k, name in file_names(_stem(key)).items()}


def daily_files_ok(out: Path, key: BatchKey,
                   on_discard: Callable[[str], None] | None = None) -> bool:
    """Whether batch ``key``'s daily files are all there and whole (each gzip stream reads
    to its end). A damaged one (truncated, overwritten) is renamed ``<name>.discarded``
    (kept, never deleted) and reported through ``on_discard``; the batch then runs again."""
    import gzip
    import zlib

    paths = daily_paths(out, key)
    if not all(_plain(p) for p in paths.values()):
        return False
    for p in paths.values():
        try:
            with gzip.open(p, "rb") as fh:
                while fh.read(1 << 20):
                    pass
        except (OSError, EOFError, zlib.error) as exc:
            _discard(p, f"damaged ({type(exc).__name__})", on_discard)
            return False
    return True


def history_meta(loaded: Any, days: int) -> Any:
    """The scenario facts the daily files need (:class:`stavka.validation.history.Meta`)."""
    from stavka.validation.history import Meta
    from stavka.world.static import compile_static

    return Meta.of(compile_static(loaded.spec), days)


def save_daily(out: Path, key: BatchKey, arrays: dict[str, np.ndarray], meta: Any) -> None:
    """Write a batch's daily files atomically (the batch's ``.npz`` is written after them)."""
    from stavka.validation.history import render

    paths = daily_paths(out, key)
    for kind, data in render(key.combo, key.first, arrays, meta).items():
        atomic_write(paths[kind], data)


def read_daily(out: Path, key: BatchKey, meta: Any) -> dict[str, np.ndarray]:
    """A stored batch's daily history, read back from its files."""
    from stavka.validation.history import read

    return read(daily_paths(out, key), key.count, key.first, meta)


def _plain(p: Path) -> bool:
    return p.is_file() and not p.is_symlink()


def restore_daily(out: Path) -> None:
    """Move the daily files an earlier, smaller sweep set aside (``daily/unused/``) back
    into ``daily/``, where the check for a stored batch looks (one already there stays)."""
    src = out / DAILY / UNUSED
    if not src.is_dir() or src.is_symlink():
        return
    for p in sorted(src.iterdir()):
        dest = out / DAILY / p.name
        if _DAILY_FILE.match(p.name) and _plain(p) and not dest.exists():
            p.replace(dest)


def set_aside_daily(out: Path, keys: list[BatchKey]) -> int:
    """Move the daily files of every batch not in ``keys`` from ``daily/`` into
    ``daily/unused/``, so that ``daily/`` holds exactly this sweep's runs (a folder that
    held a larger sweep keeps the rest there, never deletes it). Returns how many."""
    keep = {p.name for k in keys for p in daily_paths(out, k).values()}
    d = out / DAILY
    moved = [p for p in sorted(d.iterdir())
             if _DAILY_FILE.match(p.name) and p.name not in keep and _plain(p)]
    if moved:
        (d / UNUSED).mkdir(exist_ok=True)
        for p in moved:
            p.replace(d / UNUSED / p.name)
    return len(moved)


def write_daily_index(out: Path, keys: list[BatchKey], grid: Any) -> None:
    """``daily/index.csv``: one row per batch: its combination, replicas, files and the
    combination's varied parameters."""
    import csv

    from stavka.sweep.grid import text_value

    combos = grid.combos()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["combo", "first_replica", "count", "owners", "fronts", "wars", *grid.names])
    for k in keys:
        names = {kind: p.name for kind, p in daily_paths(out, k).items()}
        w.writerow([k.combo, k.first, k.count, names["owners"], names["fronts"], names["wars"],
                    *(text_value(v) for v in combos[k.combo].values())])
    atomic_write(out / DAILY / DAILY_INDEX, buf.getvalue())
