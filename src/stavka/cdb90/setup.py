"""Engagement set-up: a CDB90 battle record -> the combat model's Force/Conditions.

Defaults for missing fields (documented in docs/validation.md):

* tanks: 0 before 1939 and when both sides' counts are missing before 1939;
  from 1939 a missing count is the era's median tanks per 1000 men x strength.
* artillery: the era's median tubes per 1000 men (from battles.csv) x strength.
* air sorties: 0 (none recorded). Sorties over the battle are spread evenly over its
  calendar days and enter as ``aircraft`` (sorties per day).
* posture: hasty defence (HD); terrain: open (rolling/mixed); weather: dry, 15 C;
  surprise and air superiority: 0 (none).
* duration: ``days`` = calendar span (default: ceil(hours / 24), else 1), active
  hours default 12 per day; the battle is run as ``days`` steps of
  ``hours / days`` active hours each.
* cev: national combat-effectiveness values (CEV) of the actors (geometric
  mean over a coalition): model v2 looks up the nation in the battle's period
  (``Germany@1919-1945``), v1 the nation alone; 1.0 for nations without a fitted
  value; the defender is also multiplied by the era's defence factor (reference era
  1939-45 = 1).
* manoeuvre (model v2): 1 when the attacker's scheme (a_scheme) is an envelopment or
  a flank/rear attack (EE, DE, LF, RF, LR, RR), else 0 (also when a_scheme is empty).
* morale and supply: 1 (fresh, supplied) -- CDB90 codes neither before the battle.
* front width is read and checked but does not enter model v1.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from stavka.cdb90.battles import Battles
from stavka.combat.model import Conditions, Force
from stavka.combat.params import ERAS, CombatParams, cev_key
from stavka.enums import GROUNDS, POSTURES, TERRAINS

# medians per 1000 men in battles.csv (both sides), by era
GUNS_PER_1000 = dict(zip(ERAS, (1.5, 2.9, 6.6, 4.6, 8.0, 4.5), strict=True))
TANKS_PER_1000 = dict(zip(ERAS, (0.0, 0.0, 0.0, 0.0, 5.7, 12.4), strict=True))
POSTURE_CODE = {"HD": 1, "PD": 2, "FD": 3, "DL": 4, "WD": 5, "": 1}
TEMP_C = {"H": 30.0, "T": 15.0, "C": -5.0, "": 15.0}
DEFAULT_HOURS_PER_DAY = 12.0


@dataclass(frozen=True)
class Engagements:
    """The battles as combat-model inputs: day-1 forces, conditions, and schedule."""

    att: Force
    dfn: Force
    cond: Conditions  # ``hours`` = active hours of each step
    steps: np.ndarray  # int, number of steps (days) to run
    lethality: np.ndarray  # era loss-rate factor per battle
    era_index: np.ndarray  # int, ERAS index
    defaults: dict[str, int]  # how many battles used each default

    def __len__(self) -> int:
        return int(self.steps.shape[0])


def terrain_code(hill: str, cover: str, special: str) -> int:
    """CDB90 terrain letters -> TERRAINS index (special > rugged > wooded > desert > flat)."""
    if special == "U":
        return TERRAINS.index("urban")
    if special == "M":
        return TERRAINS.index("marsh")
    if special == "D" or cover == "D":
        return TERRAINS.index("desert")
    if hill == "G":
        return TERRAINS.index("mountain")
    if cover == "W":
        return TERRAINS.index("forest")
    if hill == "F" and cover == "B":
        return TERRAINS.index("steppe")
    return TERRAINS.index("open")


def ground_code(moisture: str, precip: str, temp: str, season: str) -> int:
    """CDB90 weather letters -> GROUND index."""
    if temp == "C" and season == "winter":
        return GROUNDS.index("snow") if moisture == "W" else GROUNDS.index("frozen")
    if moisture == "W":
        return GROUNDS.index("mud") if precip == "H" else GROUNDS.index("wet")
    return GROUNDS.index("dry")


def nation_log_cev(actors: list[str], params: CombatParams, era: str | None = None) -> float:
    """log of the geometric-mean CEV of a coalition (1.0 for unknown nations).

    With ``era``, a nation's CEV in that period (``nation@period``, model v2) is
    preferred over its all-period value (model v1).
    """
    if not actors:
        return 0.0
    q = params.nation_cev
    vals = [q.get(cev_key(a, era), q.get(a, 1.0)) if era else q.get(a, 1.0) for a in actors]
    return float(np.mean(np.log(vals)))


def build(b: Battles, params: CombatParams) -> Engagements:
    """Set up every battle in ``b`` as an engagement for :func:`stavka.combat.resolve`."""
    n = len(b)
    defaults: dict[str, int] = {}

    def note(key: str, mask: np.ndarray) -> None:
        c = int(np.count_nonzero(mask))
        if c:
            defaults[key] = defaults.get(key, 0) + c

    era_idx = np.array([ERAS.index(e) for e in b.era], dtype=np.int64)
    modern = b.year >= 1939
    guns_rate = np.array([GUNS_PER_1000[e] for e in b.era]) / 1000.0
    tank_rate = np.array([TANKS_PER_1000[e] for e in b.era]) / 1000.0

    def fill(vals: np.ndarray, men: np.ndarray, rate: np.ndarray, key: str) -> np.ndarray:
        miss = np.isnan(vals)
        note(key, miss)
        return np.where(miss, rate * men, vals)

    a_tank = fill(b.a_tank, b.a_men, np.where(modern, tank_rate, 0.0), "tanks (era median)")
    d_tank = fill(b.d_tank, b.d_men, np.where(modern, tank_rate, 0.0), "tanks (era median)")
    a_guns = fill(b.a_arty, b.a_men, guns_rate, "artillery (era median)")
    d_guns = fill(b.d_arty, b.d_men, guns_rate, "artillery (era median)")
    note("air sorties (0)", np.isnan(b.a_fly) | np.isnan(b.d_fly))

    hours = b.hours.copy()
    days = b.days.copy()
    note("duration days (from hours)", np.isnan(days) & ~np.isnan(hours))
    days = np.where(np.isnan(days) & ~np.isnan(hours), np.ceil(hours / 24.0), days)
    note("duration (1 day)", np.isnan(days))
    days = np.where(np.isnan(days), 1.0, np.maximum(np.round(days), 1.0))
    note("active hours (12 per day)", np.isnan(hours))
    hours = np.where(np.isnan(hours), DEFAULT_HOURS_PER_DAY * days, hours)
    hours_per_step = np.clip(hours / days, 0.1, 24.0)

    a_fly = np.nan_to_num(b.a_fly) / days
    d_fly = np.nan_to_num(b.d_fly) / days

    posture = np.array([POSTURE_CODE[p] for p in b.post1], dtype=np.int64)
    note("posture (HD)", np.array([p == "" for p in b.post1]))
    terrain = np.array(
        [
            terrain_code(h, c, s)
            for h, c, s in zip(b.terrain_hill, b.terrain_cover, b.terrain_special, strict=True)
        ],
        dtype=np.int64,
    )
    note(
        "terrain (open)",
        np.array(
            [h == "" and c == "" for h, c in zip(b.terrain_hill, b.terrain_cover, strict=True)]
        ),
    )
    ground = np.array(
        [
            ground_code(m, p, t, s)
            for m, p, t, s in zip(b.wx_moisture, b.wx_precip, b.wx_temp, b.wx_season, strict=True)
        ],
        dtype=np.int64,
    )
    temp = np.array(
        [
            TEMP_C[t] - (5.0 if t == "C" and s == "winter" else 0.0)
            for t, s in zip(b.wx_temp, b.wx_season, strict=True)
        ]
    )
    note("surprise (0)", np.isnan(b.surpa))
    note("air superiority (0)", np.isnan(b.aeroa))
    surprise = np.nan_to_num(b.surpa) / 3.0
    air = np.nan_to_num(b.aeroa)

    qa = np.array(
        [nation_log_cev(a, params, e) for a, e in zip(b.att_actors, b.era, strict=True)]
    )
    qd = np.array(
        [nation_log_cev(a, params, e) for a, e in zip(b.def_actors, b.era, strict=True)]
    )
    era_def = np.log(np.array([params.era_defence.get(e, 1.0) for e in b.era]))
    leth = np.array([params.era_lethality.get(e, 1.0) for e in b.era])

    ones = np.ones(n)
    zeros = np.zeros(n)
    att = Force(
        men=b.a_men.astype(np.float64),
        tanks=a_tank,
        guns=a_guns,
        aircraft=a_fly,
        cev=np.exp(qa),
        morale=ones.copy(),
        supply=ones.copy(),
        cum_loss=zeros.copy(),
    )
    dfn = Force(
        men=b.d_men.astype(np.float64),
        tanks=d_tank,
        guns=d_guns,
        aircraft=d_fly,
        cev=np.exp(qd + era_def),
        morale=ones.copy(),
        supply=ones.copy(),
        cum_loss=zeros.copy(),
    )
    cond = Conditions(
        posture=posture,
        terrain=terrain,
        ground=ground,
        temp_c=temp,
        surprise=surprise,
        air=air,
        river=b.river.astype(bool),
        hours=hours_per_step,
        maneuver=b.maneuver.astype(np.float64),
    )
    assert posture.max(initial=1) < len(POSTURES)
    return Engagements(
        att=att,
        dfn=dfn,
        cond=cond,
        steps=days.astype(np.int64),
        lethality=leth,
        era_index=era_idx,
        defaults=defaults,
    )


def take(e: Engagements, idx: np.ndarray) -> Engagements:
    """Engagements at integer positions ``idx`` (e.g. np.repeat for MC replicas)."""

    def sub(obj):
        return dataclasses.replace(
            obj,
            **{
                f.name: getattr(obj, f.name)[idx]
                for f in dataclasses.fields(obj)
                if getattr(obj, f.name) is not None
            },
        )

    return Engagements(
        att=sub(e.att),
        dfn=sub(e.dfn),
        cond=sub(e.cond),
        steps=e.steps[idx],
        lethality=e.lethality[idx],
        era_index=e.era_index[idx],
        defaults=e.defaults,
    )
