"""Checkpoint metrics: name -> function over the daily history of many runs.

Each metric declares its arguments (a frozen pydantic model: checked, with located
errors, when a checkpoints file is loaded), its kind and a function that returns
one value per run (``float[R]``):

* ``flag``: 1.0 or 0.0 (a checkpoint's ``history`` is ``true``/``false``);
* ``date``: the simulated day (0 = the scenario's start), ``inf`` = never in the
  recorded days (``history`` and ``band`` are dates);
* ``number``: men, tanks, km... (``history`` and ``band`` are numbers).

Dates are inclusive and name the *end* of that day: ``on: 1941-10-07`` is the state
after the 7th October has been simulated. A run that ended early (sudden death)
keeps its last day's state for later dates. Losses are whole units; a loss window
``from``..``to`` counts what was lost on those days, both included.

Distance is great-circle (haversine, mean Earth radius 6,371 km) between region
centres (their ``lat``/``lon``): the km from a place to the nearest region held by
a side. It is a lower bound on any road distance and is measured between the
model's regions, so it cannot be finer than the map (two-fronts-1941's nearest region
to Moscow is Krasnaya Polyana, 30 km from its centre).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from stavka.enums import CATS
from stavka.validation.history import History

Kind = Literal["flag", "date", "number"]
EARTH_KM = 6371.0
#: Every loss cause a checkpoint may name: the engine's CAUSES and those announced for
#: it. A cause the running engine does not record makes the checkpoint "not measured",
#: not an error.
KNOWN_CAUSES = ("battle", "captured", "attrition", "wounded", "sick")
#: Sanitary losses: men out of action who may return (battle wounded; sick and frostbitten).
SANITARY = ("wounded", "sick")
#: Named groups of causes.
CAUSE_GROUPS = {
    "all": None,  # every cause the engine records
    "irrecoverable": "not_wounded",  # killed, missing, captured, attrition
    "sanitary": SANITARY,  # wounded, sick
}


class NotMeasured(Exception):
    """This engine cannot measure the checkpoint (e.g. a loss cause it does not record)."""


class Args(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OwnerArgs(Args):
    region: str = Field(description="region id")
    side: str = Field(description="side id")
    on: dt.date = Field(description="date")


class HeldArgs(Args):
    region: str = Field(description="region id")
    side: str = Field(description="side id")
    start: dt.date = Field(alias="from", description="first date")
    end: dt.date = Field(alias="to", description="last date")


class CaptureArgs(Args):
    region: str = Field(description="region id")
    by: str | None = Field(None, description="captor side id (default: any side not "
                                              "allied to the region's starting owner)")


class LossArgs(Args):
    side: str
    front: str | list[str] | None = Field(None, description="front id(s); all if absent")
    category: str = Field("men", description="men, tanks, guns or aircraft")
    causes: str | list[str] = Field("all", description="cause(s) or a group: all, "
                                                        "irrecoverable, sanitary")
    start: dt.date | None = Field(None, alias="from", description="first date (default: start)")
    end: dt.date = Field(alias="to", description="last date")


class PrisonerArgs(Args):
    side: str = Field(description="the side whose men were captured")
    front: str | list[str] | None = None
    start: dt.date | None = Field(None, alias="from")
    by: dt.date


class DistanceArgs(Args):
    place: str = Field(description="region id measured from")
    side: str = Field(description="side whose nearest held region counts")
    on: dt.date


class MinDistanceArgs(Args):
    place: str
    side: str
    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to")


class StrengthArgs(Args):
    side: str
    front: str | list[str] | None = None
    category: str = "men"
    on: dt.date


class OrderOfBattleArgs(Args):
    side: str
    tags: list[str] = Field(min_length=1, description="formations carrying any of these tags")
    category: str = "men"


class StrengthRatioArgs(Args):
    side: str
    front: str | list[str] | None = None
    category: str = "men"
    base: dt.date = Field(alias="from")
    on: dt.date


class WarArgs(Args):
    a: str
    b: str
    on: dt.date


@dataclass(frozen=True)
class Metric:
    """One registered metric."""

    name: str
    args: type[Args]
    kind: Kind
    fn: Callable[[History, Any], np.ndarray]
    doc: str


REGISTRY: dict[str, Metric] = {}


def metric(name: str, args: type[Args], kind: Kind, doc: str
           ) -> Callable[[Callable[[History, Any], np.ndarray]],
                         Callable[[History, Any], np.ndarray]]:
    """Register ``fn(history, args) -> float[R]`` as metric ``name``."""
    def deco(fn: Callable[[History, Any], np.ndarray]) -> Callable[[History, Any], np.ndarray]:
        REGISTRY[name] = Metric(name, args, kind, fn, doc)
        return fn
    return deco


# -- helpers ---------------------------------------------------------------------------


def _side(h: History, sid: str) -> int:
    return h.meta.side_ids.index(sid)


def _node(h: History, nid: str) -> int:
    return h.meta.node_ids.index(nid)


def _day(h: History, d: dt.date) -> int:
    return h.meta.day(d)


def _fronts(h: History, front: str | list[str] | None) -> list[int] | None:
    if front is None:
        return None
    names = [front] if isinstance(front, str) else front
    return [h.meta.front_ids.index(f) for f in names]


def resolve_causes(causes: str | list[str], engine: tuple[str, ...]) -> list[str]:
    """The engine's causes a checkpoint's ``causes`` means; :class:`NotMeasured` if it
    names one this engine does not record."""
    names = [causes] if isinstance(causes, str) else list(causes)
    out: list[str] = []
    for c in names:
        grp = CAUSE_GROUPS.get(c, ())
        if c == "all":
            out += list(engine)
        elif grp == "not_wounded":
            out += [x for x in engine if x not in SANITARY]
        elif isinstance(grp, tuple) and grp:
            out += list(grp)
        else:
            out.append(c)
    missing = [c for c in out if c not in engine]
    if missing:
        raise NotMeasured(f"this engine records no {', '.join(repr(m) for m in missing)} "
                          f"losses (causes: {', '.join(engine)})")
    return list(dict.fromkeys(out))


def _at(series: np.ndarray, day: int) -> np.ndarray:
    """``series[run, day]`` with days before 0 reading as 0 (nothing before the start)."""
    if day < 0:
        return np.zeros(series.shape[0])
    return series[:, day].astype(float)


def haversine_km(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> np.ndarray:
    """Great-circle distance, km (mean Earth radius 6,371 km), element-wise."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return np.asarray(2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0))))


def _distances(h: History, place: str) -> np.ndarray:
    i = _node(h, place)
    return haversine_km(h.meta.lat[i], h.meta.lon[i], h.meta.lat, h.meta.lon)


def _nearest(own: np.ndarray, side: int, km: np.ndarray) -> np.ndarray:
    d = np.where(own == side, km[None, :], np.inf)
    return d.min(axis=1)


# -- the metrics -----------------------------------------------------------------------


@metric("owner", OwnerArgs, "flag", "1 if `side` holds `region` at the end of `on`, else 0")
def _owner(h: History, a: OwnerArgs) -> np.ndarray:
    own = h.owner_on(_day(h, a.on))
    return (own[:, _node(h, a.region)] == _side(h, a.side)).astype(float)


@metric("held_throughout", HeldArgs, "flag",
        "1 if `side` holds `region` at the end of every day `from`..`to`, else 0")
def _held(h: History, a: HeldArgs) -> np.ndarray:
    n, s = _node(h, a.region), _side(h, a.side)
    ok = np.ones(h.R, dtype=bool)
    for _, own in h.owners_by_day(_day(h, a.start), _day(h, a.end)):
        ok &= own[:, n] == s
    return ok.astype(float)


@metric("capture_date", CaptureArgs, "date",
        "first day `region` passes to `by` (default: to a side not allied to its starting "
        "owner); never = inf")
def _capture(h: History, a: CaptureArgs) -> np.ndarray:
    n = _node(h, a.region)
    out = np.full(h.R, np.inf)
    ev = h.owners[h.owners[:, 2] == n]
    if a.by is not None:
        hit = ev[:, 4] == _side(h, a.by)
    else:
        al = h.meta.alliance
        hit = al[ev[:, 4]] != al[h.owner0[n]]
    for r, d in ev[hit][:, :2].tolist():  # in day order: the first one per run wins
        if np.isinf(out[r]):
            out[r] = d
    return out


@metric("losses", LossArgs, "number",
        "losses of `side` (on `front`) in `category` by `causes`, on days `from`..`to`")
def _losses(h: History, a: LossArgs) -> np.ndarray:
    s, fr = _side(h, a.side), _fronts(h, a.front)
    tot = np.zeros(h.R)
    d1 = _day(h, a.end)
    d0 = (_day(h, a.start) if a.start is not None else 0) - 1
    for c in resolve_causes(a.causes, h.meta.causes):
        ser = h.series(s, fr, f"lost_{a.category}_{c}")
        tot += _at(ser, d1) - _at(ser, d0)
    return tot


@metric("prisoners", PrisonerArgs, "number",
        "men of `side` captured (cause `captured`) on days `from`..`by`")
def _prisoners(h: History, a: PrisonerArgs) -> np.ndarray:
    ser = h.series(_side(h, a.side), _fronts(h, a.front), "lost_men_captured")
    d0 = (_day(h, a.start) if a.start is not None else 0) - 1
    return _at(ser, _day(h, a.by)) - _at(ser, d0)


@metric("distance", DistanceArgs, "number",
        "great-circle km from `place` to the nearest region `side` holds at the end of `on` "
        "(inf if it holds none)")
def _distance(h: History, a: DistanceArgs) -> np.ndarray:
    return _nearest(h.owner_on(_day(h, a.on)), _side(h, a.side), _distances(h, a.place))


@metric("min_distance", MinDistanceArgs, "number",
        "the smallest `distance` from `place` to a region `side` holds, over days `from`..`to`")
def _min_distance(h: History, a: MinDistanceArgs) -> np.ndarray:
    km, s = _distances(h, a.place), _side(h, a.side)
    best = np.full(h.R, np.inf)
    for _, own in h.owners_by_day(_day(h, a.start), _day(h, a.end)):
        np.minimum(best, _nearest(own, s, km), out=best)
    return best


@metric("strength", StrengthArgs, "number",
        "`category` of `side`'s active formations (on `front`) at the end of `on`")
def _strength(h: History, a: StrengthArgs) -> np.ndarray:
    ser = h.series(_side(h, a.side), _fronts(h, a.front), a.category)
    return _at(ser, _day(h, a.on))


@metric("order_of_battle", OrderOfBattleArgs, "number",
        "`category` of `side`'s formations carrying any of `tags` in play at the start "
        "(the scenario's order of battle before the first day; reserves and later "
        "arrivals left out): the same in every run, for a record that counts named "
        "formations rather than a front")
def _order_of_battle(h: History, a: OrderOfBattleArgs) -> np.ndarray:
    s, want, c = _side(h, a.side), set(a.tags), CATS.index(a.category)
    total = 0.0
    for side, tags, counts in h.meta.oob:  # in formation order: a fixed summation order
        if side == s and tags & want:
            total += counts[c]
    return np.full(h.R, total)


@metric("strength_ratio", StrengthRatioArgs, "number",
        "`category` of `side`'s active formations (on `front`) at the end of `on` over the "
        "same at the end of `from` (for figures that count more than the formations the "
        "scenario has, such as a whole army group's rear services)")
def _strength_ratio(h: History, a: StrengthRatioArgs) -> np.ndarray:
    ser = h.series(_side(h, a.side), _fronts(h, a.front), a.category)
    base = _at(ser, _day(h, a.base))
    return np.where(base > 0, _at(ser, _day(h, a.on)) / np.maximum(base, 1.0), np.nan)


@metric("at_war", WarArgs, "flag", "1 if sides `a` and `b` are at war at the end of `on`")
def _at_war(h: History, a: WarArgs) -> np.ndarray:
    war = h.at_war_on(_day(h, a.on))
    return war[:, _side(h, a.a), _side(h, a.b)].astype(float)


CATEGORIES = CATS
