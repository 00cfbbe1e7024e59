"""Reading a CDB90 battles file and checking it, row by row.

Only pre-battle facts are read as model inputs. The outcome and post-hoc columns
(``wina``, ``kmda``, ``*_cas``, ``*_finst``, ``*_ach``, ``*_reso``, ``ph_*``) are read
into :class:`Outcomes` for scoring only, never into :class:`Battles` inputs.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from stavka.atomic import read_text_file
from stavka.combat.params import ERAS
from stavka.errors import InputError

#: Largest battles file read (bytes): CDB90 is about 0.5 MB; a file far beyond is no
#: battles file (and ``/dev/zero`` is never read at all: stavka.atomic.read_regular).
MAX_BATTLES_BYTES = 64 * 1024 * 1024
#: Largest value of a count or measure column (men, tanks, guns, aircraft, km, hours,
#: days): far above any battle (the largest CDB90 strength is below 2 million), low
#: enough that squares and sums of them stay finite in the fit.
MAX_COLUMN_VALUE = 1e9

REQUIRED_COLUMNS = ("isqno", "year", "a_strength", "d_strength", "post1")
NUMERIC_COLUMNS = (
    "year",
    "a_strength",
    "d_strength",
    "a_tank",
    "d_tank",
    "a_arty",
    "d_arty",
    "a_fly",
    "d_fly",
    "front_width_a_km",
    "front_width_d_km",
    "duration_active_hours",
    "duration_span_days",
)
SIGNED_COLUMNS = {"surpa": (-3, 3), "aeroa": (-1, 1)}
CODE_COLUMNS = {
    "post1": ("HD", "PD", "FD", "DL", "WD"),
    "post2": ("HD", "PD", "FD", "DL", "WD"),
    "terrain_hill": ("R", "G", "F"),
    "terrain_cover": ("B", "M", "D", "W"),
    "terrain_special": ("U", "M", "D"),
    "wx_moisture": ("W", "D"),
    "wx_precip": ("H", "L", "O", "S"),
    "wx_temp": ("H", "T", "C"),
    "wx_season": ("spring", "summer", "fall", "winter"),
    "wx_climate": ("E", "D", "T"),
    "era": ERAS,
}
_FLOAT_FIELDS = (
    "year",
    "a_men",
    "d_men",
    "a_tank",
    "d_tank",
    "a_arty",
    "d_arty",
    "a_fly",
    "d_fly",
    "surpa",
    "aeroa",
    "front_a_km",
    "front_d_km",
    "hours",
    "days",
)
#: Attacker tactical schemes (a_scheme) that count as manoeuvre: single/double
#: envelopment, left/right flank, left/right rear. The scheme is the attack's plan,
#: chosen before the battle (FF frontal, PP penetration, RC river crossing, FE feint
#: are not manoeuvre). The defender's scheme (d_scheme: DD defence, DO
#: defensive-offensive) is not used: whether a defender counter-attacks is largely a
#: reaction to how the attack goes, i.e. part of the outcome.
MANEUVER_SCHEMES = frozenset({"EE", "DE", "LF", "RF", "LR", "RR"})
OUTCOME_COLUMNS = ("wina", "a_cas", "d_cas", "a_cas_frac", "d_cas_frac")


@dataclass
class Battles:
    """Pre-battle facts of the battles that could be set up; arrays of shape [n]."""

    isqno: np.ndarray
    name: list[str]
    year: np.ndarray
    era: list[str]
    war: list[str]
    theater: list[str]
    group: np.ndarray  # parent_isqno if any, else isqno: related battles stay together
    a_men: np.ndarray
    d_men: np.ndarray
    a_tank: np.ndarray  # NaN = missing (defaults are applied in setup)
    d_tank: np.ndarray
    a_arty: np.ndarray
    d_arty: np.ndarray
    a_fly: np.ndarray
    d_fly: np.ndarray
    post1: list[str]
    terrain_hill: list[str]
    terrain_cover: list[str]
    terrain_special: list[str]
    wx_moisture: list[str]
    wx_precip: list[str]
    wx_temp: list[str]
    wx_season: list[str]
    surpa: np.ndarray  # NaN = missing
    aeroa: np.ndarray
    river: np.ndarray  # bool, attacker scheme includes a river crossing (RC)
    maneuver: np.ndarray  # bool, attacker scheme envelops or strikes a flank/rear
    front_a_km: np.ndarray
    front_d_km: np.ndarray
    hours: np.ndarray  # active combat hours, NaN = missing
    days: np.ndarray  # calendar span in days, NaN = missing
    att_actors: list[list[str]]
    def_actors: list[list[str]]
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (isqno, reason)

    def __len__(self) -> int:
        return len(self.isqno)


@dataclass
class Outcomes:
    """Historical results, for scoring only; NaN where unknown."""

    wina: np.ndarray
    a_cas_frac: np.ndarray
    d_cas_frac: np.ndarray

    @property
    def known(self) -> np.ndarray:
        return ~np.isnan(self.wina)

    @property
    def attacker_won(self) -> np.ndarray:
        """1.0 if the attacker won, 0.0 for a loss or draw, NaN if unknown."""
        return np.where(np.isnan(self.wina), np.nan, (self.wina == 1).astype(float))


def _num(row: dict[str, str], col: str, at: str, lo: float | None = 0.0) -> float:
    """Column ``col`` of ``row`` as a number (NaN when empty). ``at`` locates the row in
    messages (``FILE:LINE: isqno N``). Raises InputError: not a number, not finite,
    below ``lo`` (None: no floor) or above :data:`MAX_COLUMN_VALUE` in magnitude."""
    raw = (row.get(col) or "").strip()
    if raw == "":
        return math.nan
    try:
        val = float(raw)
    except ValueError:
        raise InputError(f"{at}: column '{col}': not a number (got {raw!r})") from None
    if not math.isfinite(val):
        raise InputError(f"{at}: column '{col}': not a finite number (got {raw!r})")
    if lo is not None and val < lo:
        raise InputError(f"{at}: column '{col}': must be >= {lo:g} (got {raw})")
    if abs(val) > MAX_COLUMN_VALUE:
        raise InputError(f"{at}: column '{col}': must be at most {MAX_COLUMN_VALUE:g} "
                         f"in size (got {raw})")
    return val


def _code(row: dict[str, str], col: str, at: str) -> str:
    raw = (row.get(col) or "").strip()
    allowed = CODE_COLUMNS[col]
    if raw and raw not in allowed:
        raise InputError(
            f"{at}: column '{col}': unknown code {raw!r} (expected one of "
            f"{', '.join(allowed)} or empty)"
        )
    return raw


def _era_of(year: float) -> str:
    bounds = ((1799, ERAS[0]), (1913, ERAS[1]), (1918, ERAS[2]), (1938, ERAS[3]), (1945, ERAS[4]))
    for last, era in bounds:
        if year <= last:
            return era
    return ERAS[5]


def read_battles(path: Path) -> tuple[Battles, Outcomes | None]:
    """Read and check a CDB90 battles CSV.

    Raises :class:`InputError` naming the row (isqno) and column for a missing
    required column, a non-numeric or negative number, or an unknown code. Rows that
    cannot be set up (no personnel strength for a side) are skipped and listed in
    ``Battles.skipped`` with the reason. Returns ``(battles, outcomes)``; outcomes is
    None when the file has no ``wina`` column.
    """
    path = Path(path)
    text = read_text_file(path, MAX_BATTLES_BYTES, "battles file")
    with io.StringIO(text, newline="") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise InputError(f"{path}: missing required column(s): {', '.join(missing)}")
        rows = list(reader)
    has_outcome = "wina" in header
    cols: dict[str, list] = {k: [] for k in Battles.__dataclass_fields__ if k != "skipped"}
    out: dict[str, list[float]] = {"wina": [], "a_cas_frac": [], "d_cas_frac": []}
    skipped: list[tuple[str, str]] = []
    seen: set[int] = set()
    for lineno, row in enumerate(rows, start=2):
        raw_key = (row.get("isqno") or "").strip()
        try:
            isq = int(float(raw_key))
        except ValueError:
            raise InputError(
                f"{path}:{lineno}: column 'isqno': not an integer (got {raw_key!r})"
            ) from None
        key = str(isq)
        at = f"{path}:{lineno}: isqno {key}"
        if isq in seen:
            raise InputError(f"{at}: column 'isqno': duplicate battle number")
        seen.add(isq)
        nums = {c: _num(row, c, at) for c in NUMERIC_COLUMNS}
        signed = {}
        for c, (lo, hi) in SIGNED_COLUMNS.items():
            v = _num(row, c, at, lo=None)
            if not math.isnan(v) and (v != int(v) or not lo <= v <= hi):
                raise InputError(
                    f"{at}: column '{c}': unknown code {row.get(c)!r} "
                    f"(expected an integer {lo}..{hi} or empty)"
                )
            signed[c] = v
        codes = {c: _code(row, c, at) for c in CODE_COLUMNS}
        wina = _num(row, "wina", at, lo=None) if has_outcome else math.nan
        if has_outcome and not math.isnan(wina) and wina not in (-1.0, 0.0, 1.0):
            raise InputError(f"{at}: column 'wina': unknown code {row.get('wina')!r}")
        if math.isnan(nums["year"]):
            raise InputError(f"{at}: column 'year': missing (required)")
        if math.isnan(nums["a_strength"]) or nums["a_strength"] <= 0:
            skipped.append((key, "no attacker strength (a_strength empty or 0)"))
            continue
        if math.isnan(nums["d_strength"]) or nums["d_strength"] <= 0:
            skipped.append((key, "no defender strength (d_strength empty or 0)"))
            continue
        parent = _num(row, "parent_isqno", at)
        cols["isqno"].append(isq)
        cols["name"].append((row.get("name") or "").strip())
        cols["year"].append(nums["year"])
        cols["era"].append(codes["era"] or _era_of(nums["year"]))
        cols["war"].append((row.get("war") or row.get("war_cow") or "").strip())
        cols["theater"].append((row.get("theater") or "").strip())
        cols["group"].append(isq if math.isnan(parent) else int(parent))
        cols["a_men"].append(nums["a_strength"])
        cols["d_men"].append(nums["d_strength"])
        for side in ("a", "d"):
            cols[f"{side}_tank"].append(nums[f"{side}_tank"])
            cols[f"{side}_arty"].append(nums[f"{side}_arty"])
            cols[f"{side}_fly"].append(nums[f"{side}_fly"])
        for c in (
            "post1",
            "terrain_hill",
            "terrain_cover",
            "terrain_special",
            "wx_moisture",
            "wx_precip",
            "wx_temp",
            "wx_season",
        ):
            cols[c].append(codes[c])
        cols["surpa"].append(signed["surpa"])
        cols["aeroa"].append(signed["aeroa"])
        cols["river"].append("RC" in (row.get("a_scheme") or "").split("+"))
        scheme = (row.get("a_scheme") or "").upper().split("+")
        cols["maneuver"].append(any(c.strip() in MANEUVER_SCHEMES for c in scheme))
        cols["front_a_km"].append(nums["front_width_a_km"])
        cols["front_d_km"].append(nums["front_width_d_km"])
        cols["hours"].append(nums["duration_active_hours"])
        cols["days"].append(nums["duration_span_days"])
        cols["att_actors"].append(_actors(row.get("attacker_actors")))
        cols["def_actors"].append(_actors(row.get("defender_actors")))
        out["wina"].append(wina)
        for side in ("a", "d"):
            frac = _num(row, f"{side}_cas_frac", at) if has_outcome else math.nan
            if math.isnan(frac) and has_outcome:
                cas = _num(row, f"{side}_cas", at)
                frac = cas / nums[f"{side}_strength"]
            out[f"{side}_cas_frac"].append(frac)
    arrays: dict[str, Any] = {}
    for k, vals in cols.items():
        if k in ("isqno", "group"):
            arrays[k] = np.asarray(vals, dtype=np.int64)
        elif k in ("river", "maneuver"):
            arrays[k] = np.asarray(vals, dtype=bool)
        elif k in _FLOAT_FIELDS:
            arrays[k] = np.asarray(vals, dtype=np.float64)
        else:
            arrays[k] = vals
    battles = Battles(**arrays, skipped=skipped)
    outcomes = (
        Outcomes(**{k: np.asarray(v, dtype=np.float64) for k, v in out.items()})
        if has_outcome
        else None
    )
    return battles, outcomes


def _actors(raw: str | None) -> list[str]:
    return [a.strip() for a in (raw or "").split("&") if a.strip()]


def subset(b: Battles, idx: np.ndarray) -> Battles:
    """The battles at integer positions ``idx`` (skipped list kept)."""
    kw = {}
    for k in Battles.__dataclass_fields__:
        v = getattr(b, k)
        if k == "skipped":
            kw[k] = v
        elif isinstance(v, np.ndarray):
            kw[k] = v[idx]
        else:
            kw[k] = [v[i] for i in idx]
    return Battles(**kw)


def subset_outcomes(o: Outcomes, idx: np.ndarray) -> Outcomes:
    return Outcomes(wina=o.wina[idx], a_cas_frac=o.a_cas_frac[idx], d_cas_frac=o.d_cas_frac[idx])
