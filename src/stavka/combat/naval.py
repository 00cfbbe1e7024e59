"""The naval combat model: Hughes' salvo model for the gun, torpedo and air-strike era.

Hughes (1995), "A Salvo Model of Warships in Missile Combat Used to Evaluate Their
Staying Power", *Naval Research Logistics* 42: 267-289. Two forces A and B of A and B
ships fire one simultaneous salvo each; B loses

    dB = (alpha * A - b3 * B) / b1      (clipped to 0..B)

ships, where ``alpha`` is the hits one A ship lands per salvo (offence), ``b3`` the hits
one B ship stops (defence) and ``b1`` the hits that put one B ship out of action
(staying power); A loses ``dA = (beta * B - a3 * A) / a1`` the same way. Hughes' training
and readiness factor multiplies a force's offence and defence (here a fleet's
``quality``).

Adapted to 1941-45 (the version string :data:`MODEL_VERSION`, parameters in
``naval_params_v1.yaml`` beside this module, each sourced or marked as an estimate):

* **one salvo = one day's pulse** of gunfire, torpedoes and air strikes between hostile
  fleets in contact in one sea zone; hits are *standard hits* (one torpedo or one
  1,000-lb bomb);
* **mixed forces**: a side's offence, defence and staying power are the sums over its
  ship classes (:data:`stavka.enums.SHIP_CLASSES`) and land-based naval air groups; the
  net hits on a side (its incoming hits less its defence, never below 0) are spread
  over its ships in proportion to their staying power, so every class loses the same
  fraction ``min(1, net hits / staying power)``: with one class this is Hughes'
  equation exactly;
* **more than two sides**: a side splits its fire over the hostile sides present in
  proportion to their staying power.

Only IEEE-exact operations (``+ - * /``, min, max) in a fixed order: the same bits on
every machine. No randomness: whether fleets meet on a day is the engine's draw
(:mod:`stavka.engine.phases.naval`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from importlib import resources
from typing import Any, Final

import numpy as np
from ruamel.yaml import YAML

from stavka.enums import SHIP_CLASSES
from stavka.errors import InputError

#: The naval model version: the shipped ``naval_params_<version>.yaml``.
MODEL_VERSION: Final = "v1"
K: Final = len(SHIP_CLASSES)
_CLASS_FIELDS = ("offence", "defence", "staying", "tons", "aircraft", "lift_men", "lift_tons")
_AIR_FIELDS = ("offence", "defence", "staying", "aircraft")


@dataclass(frozen=True)
class NavalParams:
    """Parameters of the salvo model, one value per ship class (tuples in the order of
    :data:`stavka.enums.SHIP_CLASSES`).

    offence: standard hits a ship lands in one day's action; defence: enemy standard hits
    a ship stops; staying: standard hits that put a ship out of action; tons: standard
    displacement (transports: GRT), t; aircraft: embarked; lift_men, lift_tons: men and
    cargo t one ship carries in a landing. ``air_*``: the same for one land-based naval
    air group. contact_chance: daily probability (0..1) that hostile fleets in one zone
    fight; control_ratio: surviving-offence ratio by which a side holds a contested
    zone; landing_cev, landing_days: combat-effectiveness multiplier of troops on their
    first ``landing_days`` days ashore; tons_per_man, tons_per_tank, tons_per_gun: what
    a formation needs lifted besides its men, t; battery_offence: standard hits a day per
    level of coastal fortification (``Node.fort``) on enemy ships in the zones the region
    borders; guns_per_hit: field-gun equivalents of one standard hit of naval gunfire
    supporting troops ashore. Sources: ``naval_params_v1.yaml``.
    """

    model_version: str
    offence: tuple[float, ...]
    defence: tuple[float, ...]
    staying: tuple[float, ...]
    tons: tuple[float, ...]
    aircraft: tuple[float, ...]
    lift_men: tuple[float, ...]
    lift_tons: tuple[float, ...]
    air_offence: float
    air_defence: float
    air_staying: float
    air_aircraft: float
    contact_chance: float
    control_ratio: float
    landing_cev: float
    landing_days: int
    tons_per_man: float
    tons_per_tank: float
    tons_per_gun: float
    battery_offence: float
    guns_per_hit: float
    source: str = ""

    def table(self, name: str) -> np.ndarray:
        """[K] float64: the per-class values of field ``name`` (e.g. ``"offence"``)."""
        return np.asarray(getattr(self, name), dtype=np.float64)

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str = "naval params") -> NavalParams:
        """Build from the mapping of a ``naval_params_v<N>.yaml`` file.

        Raises :class:`~stavka.errors.InputError` (message starting with ``where``) for a
        missing or unknown class or field, or a value that is not a finite number >= 0.
        """
        classes = data.get("classes")
        if not isinstance(classes, dict) or set(classes) != set(SHIP_CLASSES):
            raise InputError(f"{where}: 'classes' must give exactly {', '.join(SHIP_CLASSES)}")

        def num(v: Any, what: str) -> float:
            if isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v < float("inf"):
                raise InputError(f"{where}: {what} must be a number >= 0 (got {v!r})")
            return float(v)

        kw: dict[str, Any] = {}
        for f in _CLASS_FIELDS:
            vals = []
            for c in SHIP_CLASSES:
                row = classes[c]
                if not isinstance(row, dict) or set(row) != set(_CLASS_FIELDS):
                    raise InputError(f"{where}: classes.{c} must give {', '.join(_CLASS_FIELDS)}")
                vals.append(num(row[f], f"classes.{c}.{f}"))
            kw[f] = tuple(vals)
        air = data.get("air_group")
        if not isinstance(air, dict) or set(air) != set(_AIR_FIELDS):
            raise InputError(f"{where}: 'air_group' must give {', '.join(_AIR_FIELDS)}")
        for f in _AIR_FIELDS:
            kw[f"air_{f}"] = num(air[f], f"air_group.{f}")
        for f in ("contact_chance", "control_ratio", "landing_cev", "tons_per_man",
                  "tons_per_tank", "tons_per_gun", "battery_offence", "guns_per_hit"):
            kw[f] = num(data.get(f), f)
        if kw["contact_chance"] > 1.0:
            raise InputError(f"{where}: contact_chance must be <= 1 (got {kw['contact_chance']})")
        kw["landing_days"] = int(num(data.get("landing_days"), "landing_days"))
        kw["model_version"] = str(data.get("model_version", ""))
        kw["source"] = str(data.get("source", ""))
        known = {"classes", "air_group", "contact_chance", "control_ratio", "landing_cev",
                 "landing_days", "model_version", "source", "tons_per_man", "tons_per_tank",
                 "tons_per_gun", "battery_offence", "guns_per_hit"}
        extra = sorted(set(data) - known)
        if extra:
            raise InputError(f"{where}: unknown parameter '{extra[0]}'")
        return cls(**kw)

    def replace(self, **changes: Any) -> NavalParams:
        """A copy with some fields changed (tests, sweeps)."""
        return dataclasses.replace(self, **changes)


def load_params(version: str = MODEL_VERSION) -> NavalParams:
    """The shipped parameters of naval model ``version`` (``naval_params_<version>.yaml``).

    Raises :class:`~stavka.errors.InputError` for a version with no shipped file.
    """
    name = f"naval_params_{version}.yaml"
    try:
        text = resources.files("stavka.combat").joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"unknown naval model version '{version}' (no {name})") from None
    return NavalParams.from_dict(YAML(typ="safe").load(text) or {}, where=name)


def _weighted(ships: np.ndarray, per_class: np.ndarray) -> np.ndarray:
    """sum_k ships[..., k] * per_class[k], summed in class order (a fixed order, no BLAS)."""
    ships = np.asarray(ships, dtype=np.float64)
    acc = np.zeros(ships.shape[:-1])
    for k in range(ships.shape[-1]):
        acc = acc + ships[..., k] * per_class[k]
    return acc


def offence(ships: np.ndarray, air: np.ndarray, quality: np.ndarray,
            p: NavalParams) -> np.ndarray:
    """Standard hits fired in one salvo. ``ships`` [..., K] counts, ``air`` [...] air
    groups, ``quality`` [...] (Hughes' training factor, 1 = baseline); returns [...]."""
    return np.asarray(quality) * (_weighted(ships, p.table("offence"))
                                  + np.asarray(air, dtype=np.float64) * p.air_offence)


def defence(ships: np.ndarray, air: np.ndarray, quality: np.ndarray,
            p: NavalParams) -> np.ndarray:
    """Enemy standard hits stopped in one salvo; shapes as :func:`offence`."""
    return np.asarray(quality) * (_weighted(ships, p.table("defence"))
                                  + np.asarray(air, dtype=np.float64) * p.air_defence)


def staying(ships: np.ndarray, air: np.ndarray, p: NavalParams) -> np.ndarray:
    """Standard hits that put the whole force out of action; shapes as :func:`offence`."""
    return _weighted(ships, p.table("staying")) + np.asarray(air, dtype=np.float64) * p.air_staying


@dataclass(frozen=True)
class SalvoResult:
    """One salvo exchange of ``n`` engagements between ``S`` sides; arrays [n, S].

    hits: standard hits arriving at each side (before its defence); net: hits that got
    through (``max(0, hits - defence)``); loss: fraction of each side's ships and air
    groups put out of action (``min(1, net / staying)``; 0 for a side with nothing there).
    """

    hits: np.ndarray
    net: np.ndarray
    loss: np.ndarray


def salvo(off: np.ndarray, dfn: np.ndarray, stay: np.ndarray,
          hostile: np.ndarray) -> SalvoResult:
    """One simultaneous salvo between the sides of ``n`` engagements.

    ``off``, ``dfn``, ``stay``: [n, S] offence, defence, staying power of each side
    (:func:`offence`, :func:`defence`, :func:`staying`); ``hostile`` [n, S, S] bool:
    side s fires at side t. Side s splits its offence over the hostile sides present in
    proportion to their staying power (all of it on the one enemy of a two-sided fight).
    Sums run over the firing sides in index order. Returns a :class:`SalvoResult`.
    """
    off = np.asarray(off, dtype=np.float64)
    stay = np.asarray(stay, dtype=np.float64)
    dfn = np.asarray(dfn, dtype=np.float64)
    hostile = np.asarray(hostile, dtype=bool)
    n, S = off.shape
    targets = hostile & (stay[:, None, :] > 0.0)  # [n, s, t]
    pool = np.zeros((n, S))  # staying power of the targets of each firing side
    for t in range(S):
        pool = pool + np.where(targets[:, :, t], stay[:, t, None], 0.0)
    hits = np.zeros((n, S))
    for s in range(S):
        share = np.where(targets[:, s, :], stay, 0.0) / np.maximum(pool[:, s, None], 1e-300)
        hits = hits + off[:, s, None] * share
    net = np.maximum(hits - dfn, 0.0)
    loss = np.where(stay > 0.0, np.minimum(net / np.maximum(stay, 1e-300), 1.0), 0.0)
    return SalvoResult(hits=hits, net=net, loss=loss)


@dataclass(frozen=True)
class Fleet:
    """The force of one side in ``n`` engagements: ``ships`` [n, K] counts by class,
    ``air`` [n] land-based air groups, ``quality`` [n] (1 = baseline)."""

    ships: np.ndarray
    air: np.ndarray
    quality: np.ndarray


def exchange(a: Fleet, b: Fleet, p: NavalParams) -> tuple[np.ndarray, np.ndarray]:
    """Hughes' two-sided salvo: (A's loss fraction [n], B's loss fraction [n]).

    Multiply a fleet's ships and air groups by ``1 - loss`` for the survivors.
    """
    off = np.stack([offence(a.ships, a.air, a.quality, p), offence(b.ships, b.air, b.quality, p)], 1)
    dfn = np.stack([defence(a.ships, a.air, a.quality, p), defence(b.ships, b.air, b.quality, p)], 1)
    stay = np.stack([staying(a.ships, a.air, p), staying(b.ships, b.air, p)], 1)
    n = off.shape[0]
    hostile = np.broadcast_to(np.array([[False, True], [True, False]]), (n, 2, 2))
    r = salvo(off, dfn, stay, hostile)
    return r.loss[:, 0], r.loss[:, 1]
