"""The daily history of campaigns: recorded from the state arrays, written, read back.

:class:`DailyRecorder` watches one batch of replicas (``stavka sweep --record
daily``): after every simulated day it reads the :class:`~stavka.world.state.State`
arrays (never changes them) and keeps

* every change of a region's owner: (replica, day, region, from side, to side);
* every change of war between two sides: (replica, day, side a, side b, at war);
* per day, side and front: men, tanks, guns and aircraft of the side's *active*
  formations on the front (a formation's front is its region's ``front``), the men
  of those that are encircled, and the side's cumulative losses on the front by
  category and cause (``lost_<category>_<cause>`` for every category of
  :data:`~stavka.enums.CATS` and cause of :data:`~stavka.enums.CAUSES`).

Counts are whole units (the state's fixed-point counts rounded). ``day`` is the
simulated day (0 = the scenario's start date); a value recorded for day ``d`` is the
state at the end of that date. :class:`History` holds many runs of one parameter
combination and answers the questions the checkpoint metrics ask (owners on a date,
series of a side and front).

The files (one set per sweep batch, gzip-compressed CSV) are described in the README,
section "Daily history".
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from stavka.enums import ACTIVE, CATS, CAUSES
from stavka.world.state import State
from stavka.world.static import Static

#: Per side and front, before the loss columns.
FRONT_STATS = ("men", "tanks", "guns", "aircraft", "encircled_men")
#: Prefix of the in-memory arrays a batch returns beside its outcome columns.
PREFIX = "daily."
OWNER_COLUMNS = ("combo", "replica", "day", "date", "region", "from_side", "to_side")
WAR_COLUMNS = ("combo", "replica", "day", "date", "side_a", "side_b", "at_war")
FRONT_KEYS = ("combo", "replica", "day", "date", "side", "front")
KINDS = ("owners", "fronts", "wars")


def loss_columns(causes: Sequence[str] = CAUSES) -> tuple[str, ...]:
    """``lost_<category>_<cause>`` for every category and cause, category-major."""
    return tuple(f"lost_{cat}_{cause}" for cat in CATS for cause in causes)


def front_columns(causes: Sequence[str] = CAUSES) -> tuple[str, ...]:
    """The value columns of the per side and front series, in order."""
    return FRONT_STATS + loss_columns(causes)


class DailyRecorder:
    """Record a batch's daily history; :meth:`record` after every :func:`step`.

    ``first`` is the batch's first replica number (rows of the batch are replicas
    ``first + row``); ``days`` how many days the batch runs at most.
    """

    def __init__(self, st: Static, s0: State, first: int, days: int):
        R, S, Fr = s0.R, st.S, len(st.front_ids)
        self.st, self.first, self.days = st, first, days
        self.K = len(front_columns())
        # whole units in int32 (half the memory of int64): a side's men, equipment and
        # cumulative losses on one front stay far below 2**31
        self.data = np.zeros((R, days, S, Fr, self.K), dtype=np.int32)
        self.last = np.full(R, -1, dtype=np.int64)
        self.prev_owner = s0.owner.copy()
        self.prev_war = s0.at_war.copy()
        self.owner0 = s0.owner[0].astype(np.int64)
        self.war0 = s0.at_war[0].copy()
        self._owners: list[np.ndarray] = []
        self._wars: list[np.ndarray] = []
        self._upper = np.triu(np.ones((S, S), dtype=bool), 1)

    def record(self, s: State, rows: np.ndarray) -> None:
        """Record the day just simulated for the live replicas ``rows`` (their batch rows)."""
        st = self.st
        # the day of the step just simulated (steps shorter than a day: record() may run
        # mid-day, when a replica ends)
        d = s.day - 1 if st.step_hours == 24 else (s.step - 1) * st.step_hours // 24
        R, S, Fr = s.R, st.S, len(st.front_ids)
        prev = self.prev_owner[rows]
        r, n = np.nonzero(s.owner != prev)
        if r.size:
            self._owners.append(np.stack([rows[r] + self.first, np.full(r.size, d), n,
                                          prev[r, n], s.owner[r, n]], axis=1).astype(np.int64))
            self.prev_owner[rows] = s.owner
        pw = self.prev_war[rows]
        r, a, b = np.nonzero((s.at_war != pw) & self._upper)
        if r.size:
            self._wars.append(np.stack([rows[r] + self.first, np.full(r.size, d), a, b,
                                        s.at_war[r, a, b]], axis=1).astype(np.int64))
            self.prev_war[rows] = s.at_war
        act = s.status == ACTIVE
        key = ((np.arange(R)[:, None] * S + st.fside[None, :]) * Fr
               + st.front[s.loc].astype(np.int64))
        k_act, n_cells = key[act], R * S * Fr
        out = np.empty((R, S, Fr, self.K))
        for c in range(len(CATS)):
            out[..., c] = np.bincount(k_act, weights=s.strength[..., c][act],
                                      minlength=n_cells).reshape(R, S, Fr)
        enc = act & s.encircled
        out[..., len(CATS)] = np.bincount(key[enc], weights=s.strength[..., 0][enc],
                                          minlength=n_cells).reshape(R, S, Fr)
        out[..., len(FRONT_STATS):] = s.losses.reshape(R, S, Fr, -1)
        whole = np.round(out)
        if whole.size and whole.max() >= 2**31:
            raise OverflowError(f"a daily count reached {whole.max():.0f} (int32 holds < 2**31)")
        self.data[rows, d] = whole.astype(np.int32)
        self.last[rows] = d

    def result(self) -> dict[str, np.ndarray]:
        """The batch's history as arrays (``daily.*``), series carried past a replica's end."""
        for r in np.nonzero(self.last < self.days - 1)[0]:
            if self.last[r] >= 0:
                self.data[r, self.last[r] + 1:] = self.data[r, self.last[r]]
        empty = np.zeros((0, 5), dtype=np.int64)
        return {
            PREFIX + "fronts": self.data,
            PREFIX + "last_day": self.last.copy(),
            PREFIX + "owners": np.concatenate(self._owners) if self._owners else empty,
            PREFIX + "wars": np.concatenate(self._wars) if self._wars else empty,
            PREFIX + "owner0": self.owner0,
            PREFIX + "war0": self.war0,
        }


def split_daily(cols: dict[str, np.ndarray]) -> dict[str, np.ndarray] | None:
    """Remove and return a batch's ``daily.*`` arrays (``None`` if it has none)."""
    keys = [k for k in cols if k.startswith(PREFIX)]
    if not keys:
        return None
    return {k[len(PREFIX):]: cols.pop(k) for k in keys}


# -- the scenario facts a history needs ----------------------------------------------


@dataclass(frozen=True)
class Meta:
    """What reading and measuring a history needs from the scenario (no engine state)."""

    start: dt.date
    days: int
    side_ids: tuple[str, ...]
    front_ids: tuple[str, ...]
    node_ids: tuple[str, ...]
    lat: np.ndarray
    lon: np.ndarray
    alliance: np.ndarray
    causes: tuple[str, ...] = CAUSES
    #: the order of battle in play at the start (reserves and later arrivals left out):
    #: per formation its side index, its tags and its men, tanks, guns, aircraft
    oob: tuple[tuple[int, frozenset[str], tuple[float, float, float, float]], ...] = ()

    @classmethod
    def of(cls, st: Static, days: int | None = None) -> Meta:
        oob = tuple((st.fside[i], st.ftags[i], (f.men, f.tanks, f.guns, f.aircraft))
                    for i, f in enumerate(st.spec.formations)
                    if not f.reserve and (f.arrives is None or f.arrives <= st.spec.start))
        return cls(st.start, st.days if days is None else days, st.side_ids, st.front_ids,
                   st.node_ids, np.asarray(st.lat, float), np.asarray(st.lon, float),
                   np.asarray(st.alliance), CAUSES, oob)

    @property
    def columns(self) -> tuple[str, ...]:
        return front_columns(self.causes)

    def date(self, day: int) -> dt.date:
        return self.start + dt.timedelta(days=int(day))

    def day(self, date: dt.date) -> int:
        return (date - self.start).days


# -- files -----------------------------------------------------------------------------


def file_names(stem: str) -> dict[str, str]:
    """The daily files of the batch whose outcome file is ``<stem>.npz``."""
    return {k: f"{stem}.{k}.csv.gz" for k in KINDS}


def _gz(text: str) -> bytes:
    buf = io.BytesIO()
    # level 1: a third of the time of the default, files about 5 % larger
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=1, mtime=0) as fh:
        fh.write(text.encode())
    return buf.getvalue()


def _dates(meta: Meta) -> list[str]:
    return [meta.date(d).isoformat() for d in range(meta.days)]


def render(combo: int, first: int, arrays: dict[str, np.ndarray], meta: Meta
           ) -> dict[str, bytes]:
    """A batch's three daily files (gzip-compressed CSV), by kind."""
    dates, sides, fronts, nodes = _dates(meta), meta.side_ids, meta.front_ids, meta.node_ids
    out: dict[str, bytes] = {}
    lines = [",".join(OWNER_COLUMNS)]
    for rep, d, n, a, b in arrays["owners"].tolist():
        lines.append(f"{combo},{rep},{d},{dates[d]},{nodes[n]},{sides[a]},{sides[b]}")
    out["owners"] = _gz("\n".join(lines) + "\n")
    lines = [",".join(WAR_COLUMNS)]
    for rep, d, a, b, w in arrays["wars"].tolist():
        lines.append(f"{combo},{rep},{d},{dates[d]},{sides[a]},{sides[b]},{w}")
    out["wars"] = _gz("\n".join(lines) + "\n")
    data, last = arrays["fronts"], arrays["last_day"]
    R, D, S, Fr, K = data.shape
    # (side, front) pairs with nothing in the whole batch are left out (zero throughout)
    used = np.asarray(data.reshape(R * D, S, Fr, K).any(axis=(0, 3)))
    pairs = [(s, f) for s in range(S) for f in range(Fr) if used[s, f]]
    lines = [",".join(FRONT_KEYS + meta.columns)]
    vals = ",".join(["%d"] * K)  # one %-format per row: the fastest pure-Python way here
    fmts = [f"{sides[s]},{fronts[f]},".replace("%", "%%") + vals for s, f in pairs]
    ps, pf = np.array([p[0] for p in pairs], dtype=np.intp), np.array([p[1] for p in pairs],
                                                                        dtype=np.intp)
    for r in range(R):
        n = int(last[r]) + 1
        block = data[r, :n][:, ps, pf].tolist()  # [day][pair][column]
        for d in range(n):
            head = f"{combo},{first + r},{d},{dates[d]},"
            lines.extend(head + fm % tuple(v) for fm, v in zip(fmts, block[d], strict=True))
    out["fronts"] = _gz("\n".join(lines) + "\n")
    return out


def read(paths: dict[str, Path], count: int, first: int, meta: Meta) -> dict[str, np.ndarray]:
    """A batch's arrays back from its daily files (the inverse of :func:`render`)."""
    sides = {s: i for i, s in enumerate(meta.side_ids)}
    fronts = {f: i for i, f in enumerate(meta.front_ids)}
    nodes = {n: i for i, n in enumerate(meta.node_ids)}
    K = len(meta.columns)

    def rows(kind: str) -> Iterator[list[str]]:
        with gzip.open(paths[kind], "rt") as fh:
            header = fh.readline().rstrip("\n").split(",")
            if kind == "fronts" and tuple(header) != FRONT_KEYS + meta.columns:
                raise ValueError(f"{paths[kind]}: unexpected columns")
            for line in fh:
                yield line.rstrip("\n").split(",")

    own = [[int(x[1]), int(x[2]), nodes[x[4]], sides[x[5]], sides[x[6]]] for x in rows("owners")]
    war = [[int(x[1]), int(x[2]), sides[x[4]], sides[x[5]], int(x[6])] for x in rows("wars")]
    data = np.zeros((count, meta.days, len(meta.side_ids), len(meta.front_ids), K), np.int32)
    last = np.full(count, -1, dtype=np.int64)
    for x in rows("fronts"):
        r, d = int(x[1]) - first, int(x[2])
        data[r, d, sides[x[4]], fronts[x[5]]] = [int(v) for v in x[6:]]
        last[r] = max(last[r], d)
    for r in range(count):
        if 0 <= last[r] < meta.days - 1:
            data[r, last[r] + 1:] = data[r, last[r]]
    empty = np.zeros((0, 5), dtype=np.int64)
    return {"fronts": data, "last_day": last,
            "owners": np.array(own, dtype=np.int64).reshape(-1, 5) if own else empty,
            "wars": np.array(war, dtype=np.int64).reshape(-1, 5) if war else empty}


# -- many runs of one combination ----------------------------------------------------


@dataclass
class History:
    """The daily history of ``R`` runs of one parameter combination.

    ``fronts[run, day, side, front, column]`` (whole units; a run that ended early
    keeps its last day's values), ``owners`` rows (run, day, region, from, to) and
    ``wars`` rows (run, day, side a, side b, at war), ``run`` being the row in
    ``replicas``; ``owner0[region]`` and ``war0[a, b]`` the state before day 0.
    """

    meta: Meta
    replicas: np.ndarray
    fronts: np.ndarray
    last_day: np.ndarray
    owners: np.ndarray
    wars: np.ndarray
    owner0: np.ndarray
    war0: np.ndarray

    @property
    def R(self) -> int:
        return len(self.replicas)

    @classmethod
    def from_batches(cls, meta: Meta, batches: list[tuple[int, dict[str, np.ndarray]]],
                     owner0: np.ndarray, war0: np.ndarray) -> History:
        """Join batches ``(first replica, arrays)`` of one combination, ordered by replica."""
        batches = sorted(batches, key=lambda b: b[0])
        reps = np.concatenate([np.arange(f, f + len(a["last_day"])) for f, a in batches])
        row_of = {int(r): i for i, r in enumerate(reps)}

        def remap(kind: str) -> np.ndarray:
            parts = [a[kind] for _, a in batches if len(a[kind])]
            if not parts:
                return np.zeros((0, 5), dtype=np.int64)
            ev = np.concatenate(parts).copy()
            ev[:, 0] = [row_of[int(r)] for r in ev[:, 0]]
            return ev[np.lexsort((ev[:, 0], ev[:, 1]))]  # by day, then run (stable)

        return cls(meta, reps, np.concatenate([a["fronts"] for _, a in batches]),
                   np.concatenate([a["last_day"] for _, a in batches]), remap("owners"),
                   remap("wars"), np.asarray(owner0, dtype=np.int64), np.asarray(war0, bool))

    def take(self, runs: np.ndarray) -> History:
        """The runs ``runs`` (row indices) only."""
        runs = np.asarray(runs)
        new = {int(r): i for i, r in enumerate(runs)}

        def sub(ev: np.ndarray) -> np.ndarray:
            keep = np.isin(ev[:, 0], runs)
            out = ev[keep].copy()
            out[:, 0] = [new[int(r)] for r in out[:, 0]]
            return out

        return History(self.meta, self.replicas[runs], self.fronts[runs], self.last_day[runs],
                       sub(self.owners), sub(self.wars), self.owner0, self.war0)

    # -- questions ---------------------------------------------------------------
    def owners_by_day(self, first: int, last: int) -> Iterator[tuple[int, np.ndarray]]:
        """``(day, owner[run, region])`` at the end of each day ``first..last``.

        Days before 0 give the starting owners; a run that ended keeps its last owners.
        """
        own = np.tile(self.owner0, (self.R, 1))
        ev = self.owners
        i = 0
        for d in range(min(first, 0), last + 1):
            while i < len(ev) and ev[i, 1] <= d:
                own[ev[i, 0], ev[i, 2]] = ev[i, 4]
                i += 1
            if d >= first:
                yield d, own

    def owner_on(self, day: int) -> np.ndarray:
        """``owner[run, region]`` at the end of ``day``."""
        for _, own in self.owners_by_day(day, day):
            return own.copy()
        raise AssertionError("unreachable")

    def at_war_on(self, day: int) -> np.ndarray:
        """``at_war[run, a, b]`` (symmetric) at the end of ``day``."""
        S = len(self.meta.side_ids)
        war = np.tile(self.war0, (self.R, 1, 1))
        for r, d, a, b, w in self.wars.tolist():
            if d <= day:
                war[r, a, b] = war[r, b, a] = bool(w)
        return war.reshape(self.R, S, S)

    def series(self, side: int, fronts: Sequence[int] | None, column: str) -> np.ndarray:
        """``[run, day]``: one column of a side, summed over ``fronts`` (all if None)."""
        k = self.meta.columns.index(column)
        sel = self.fronts[:, :, side, :, k]
        if fronts is not None:
            sel = sel[:, :, list(fronts)]
        return sel.sum(axis=2)

    def describe(self) -> dict[str, Any]:
        return {"runs": self.R, "days": self.meta.days, "owner_changes": len(self.owners)}
