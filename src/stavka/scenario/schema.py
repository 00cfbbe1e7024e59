"""The scenario specification: frozen, validated, documented field by field.

A scenario is YAML (see ``scenarios/two-fronts-1941``). These models are what
it becomes after loading: templates resolved, parameters declared, every field
checked. Units are in the field descriptions (men, km, trains/day, t, days).
Run-time state never lives here; it lives in the engine's arrays.
"""

from __future__ import annotations

import datetime as dt
import re
import typing
from collections.abc import Callable, Iterator
from typing import Annotated, Any, Literal, NotRequired

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from typing_extensions import TypedDict, is_typeddict  # pydantic needs it on Python < 3.12

from stavka.combat.params import MODEL_VERSION
from stavka.combat.params import VERSIONS as COMBAT_VERSIONS

# the enumerations come from their one source, stavka.enums
from stavka.enums import (
    NEEDS_TARGET,
    NO_TARGET,
    Action,
    EdgeKind,
    FormationKind,
    Ground,
    Stance,
    Terrain,
)
from stavka.errors import InputError, escape

# -- fields accepted but not yet used ------------------------------------------------
# A field that a later issue will give a rule is kept in the format, marked with
# ``json_schema_extra=not_yet_used(...)``: `stavka check` warns where a scenario sets it,
# and the generated reference says so. Remove the marker when a rule reads the field.
_SUPPLY_T = ("central stockpiles; supply in tons, rules.supply_tons, reads only the "
             "factories' supply_per_day")
#: trucks set a mobile formation's road speed and its alliance's supply reach (rules
#: unmotorised_speed, truck_reach_exp; stavka.engine.phases.movement/supply)
_TRUCKS_USED: dict[str, Any] = {}


def not_yet_used(planned: str) -> dict[str, Any]:
    """The ``json_schema_extra`` of a field the engine does not read yet: what will use it."""
    return {"not_yet_used": planned}


_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: The pattern of every id (nodes, formations, sides, fleets...).
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
#: A parameter reference: ``"$name"`` in a field that accepts one.
ParamRef = Annotated[str, Field(pattern=r"^\$[A-Za-z_][A-Za-z0-9_]*$")]

# -- limits -------------------------------------------------------------------
# Every number in a scenario is finite, and every quantity has a ceiling far above
# anything historical (the reason is given beside each) so that the engine's
# float64 arithmetic stays exact where it must and its arrays stay small.

#: Longest campaign, days: 20 years of daily steps (the whole war, 1 Sep 1939 -
#: 2 Sep 1945, is 2,194 days); calendar tables are [days, zones].
MAX_DAYS = 7_306
#: Men in one formation: 10 million, above the whole Red Army of June 1941 (5.4 M)
#: and any WWII front or army group (about 1.5 M).
MAX_MEN = 10_000_000
#: Tanks, guns, aircraft or trucks of one formation or one delivery: 1 million, above
#: the whole wartime tank output of every nation together (about 300,000).
MAX_ITEMS = 1_000_000
#: Men a side can mobilise: 1 billion (world population 1941: 2.3 bn; USSR 196 M).
MAX_MANPOWER = 1_000_000_000
#: Gold, t: 200,000 t is all the gold ever mined (the US held ~20,000 t in 1941).
MAX_GOLD_T = 200_000.0
#: Supply, t (stocks and deliveries): 1e9 t, above the world's annual steel output.
MAX_SUPPLY_T = 1e9
#: Production per factory per day (tanks, guns, aircraft, trucks): 10,000 a day,
#: 100x the peak of the largest wartime plants.
MAX_PER_DAY = 10_000.0
#: Supply produced per factory per day, t.
MAX_SUPPLY_PER_DAY = 1e7
#: Men called up per side per day: 1 million (the USSR mobilised ~5 M in 8 weeks of 1941).
MAX_MEN_PER_DAY = 1_000_000.0
#: Formations one side may raise by mobilisation (each is a slot in every state array).
MAX_NEW_FORMATIONS = 1_000
#: Formations one transfer may move.
MAX_TRANSFER = 100_000
#: Length of one link, km: Earth's circumference (40,075 km); shortest-path sums of
#: whole metres stay below 2**53 and therefore exact.
MAX_KM = 40_075.0
#: Shortest link, km: one metre. Distances are kept in whole metres
#: (stavka.world.static.metres); a shorter link would round to 0 m, which is no link.
MIN_KM = 0.001
#: Rail capacity, military trains per day each direction: 1,000 (a busy double-track
#: line of 1941 ran 50-100).
MAX_TRAINS_PER_DAY = 1_000.0
#: Trains to move one formation by rail.
MAX_TRAINS = 10_000.0
#: Road march, km/day: 1,000 (mechanised march records are ~100 km/day).
MAX_SPEED_KM_DAY = 1_000.0
#: Troop-train speed, km/day: 2,000 (83 km/h around the clock; 1941 echelons made 600-1,000).
MAX_RAIL_SPEED_KM_DAY = 2_000.0
#: Days of supply a formation carries: one year.
MAX_SUPPLY_DAYS = 365.0
#: Victory points of one region and industry of one region (arbitrary units).
MAX_VP = 1_000_000
MAX_INDUSTRY = 1e6
#: Air temperature, deg C: the records of the 1941-45 theatres lie well inside -60..50.
MIN_TEMP_C, MAX_TEMP_C = -60.0, 50.0
#: A strength ratio ("below this fraction of the enemy"): 1,000.
MAX_FRACTION = 1_000.0
#: Magnitude of a parameter's value, default, min or max: 1e15, below 2**53 so that
#: an int parameter is exact in the engine's float64 arithmetic.
MAX_PARAM = 1e15
#: Sizes of a scenario. The engine's all-pairs tables are [nodes, nodes] and its rail
#: tables [alliances, nodes, nodes, ...]; state arrays are [replicas, formations, ...].
MAX_NODES = 2_000
MAX_RAIL_TABLE = 8_000_000  # alliances x nodes**2: 64 MB per float64 rail table
MAX_EDGES = 20_000
MAX_SIDES = 32
MAX_ZONES = 256
MAX_RIVERS = 256
MAX_FORMATIONS = 50_000
MAX_TYPES = 1_000

#: Fields that take a number or a ``$param``: (model, field) -> (kind, lowest, highest).
#: Their bounds live here (a bound on the union would also apply to the ``$name`` text);
#: the loader checks a parameter referenced from one of them against the same table,
#: and so does :func:`stavka.world.static.resolve_params` for values given with --set.
PARAM_SLOTS: dict[tuple[str, str], tuple[str, float | None, float | None]] = {
    ("Order", "date"): ("date", None, None),
    ("Trigger", "date"): ("date", None, None),
    ("StrengthCondition", "fraction"): ("float", 0.0, MAX_FRACTION),
    ("Transfer", "count"): ("int", 0, MAX_TRANSFER),
    ("Transfer", "every_days"): ("int", 0, MAX_DAYS),
    ("Delivery", "after_days"): ("int", 0, MAX_DAYS),
    ("Delivery", "gold_t"): ("float", 0.0, MAX_GOLD_T),
    ("Request", "probability"): ("float", 0.0, 1.0),
    ("Trigger", "chance"): ("float", 0.0, 1.0),
    ("MoraleChange", "delta"): ("float", -1.0, 1.0),
    ("Landing", "date"): ("date", None, None),
    ("FleetMove", "date"): ("date", None, None),
}
#: Bounds the base validator applies to number-or-something-else fields.
_UNION_BOUNDS: dict[tuple[str, str], tuple[float | None, float | None]] = {
    **{k: (lo, hi) for k, (kind, lo, hi) in PARAM_SLOTS.items() if kind != "date"},
    ("ParamCondition", "value"): (-MAX_PARAM, MAX_PARAM),
}


def _leaves(ann: Any) -> set[Any]:
    """The plain types an annotation admits (through unions, Optional and Annotated)."""
    origin = typing.get_origin(ann)
    if origin in (Annotated, NotRequired, typing.Required):
        return _leaves(typing.get_args(ann)[0])
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        out: set[Any] = set()
        for a in typing.get_args(ann):
            out |= _leaves(a)
        return out
    return {origin or ann}


_FIELD_LEAVES: dict[tuple[type, str], frozenset[Any]] = {}


def _field_leaves(cls: type[BaseModel], name: str) -> frozenset[Any]:
    """:func:`_leaves` of a model's field, once per (model, field)."""
    key = (cls, name)
    if key not in _FIELD_LEAVES:
        _FIELD_LEAVES[key] = frozenset(_leaves(cls.model_fields[name].annotation))
    return _FIELD_LEAVES[key]


def _numeric_only(cls: type[BaseModel], name: str) -> bool:
    """Does the field take numbers but not true/false?"""
    leaves = _field_leaves(cls, name)
    return bool(leaves & {int, float}) and bool not in leaves


def _bool_only(cls: type[BaseModel], name: str) -> bool:
    """Does the field take true/false (or nothing) and no other value?"""
    leaves = _field_leaves(cls, name)
    return bool in leaves and leaves <= {bool, type(None)}


def _bool_in_numbers(ann: Any, v: Any, depth: int = 0) -> str | None:
    """Where ``v`` holds true/false in a number's place of annotation ``ann``, below the
    field itself: the keys and indexes to it (``"contact_chance"``, ``"soviet.japan"``,
    ``"[2]"``), or None. Looks into mappings, lists and TypedDicts (a model checks its own
    fields); YAML's ``true`` is not 1 in a container either."""
    if depth > 8:
        return None
    origin = typing.get_origin(ann)
    if origin in (Annotated, NotRequired, typing.Required):
        return _bool_in_numbers(typing.get_args(ann)[0], v, depth)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        for a in typing.get_args(ann):
            inner = typing.get_args(a)[0] if typing.get_origin(a) is Annotated else a
            if ((isinstance(v, dict) and (typing.get_origin(inner) is dict
                                          or is_typeddict(inner)))
                    or (isinstance(v, list) and typing.get_origin(inner) is list)):
                where = _bool_in_numbers(inner, v, depth)
                if where is not None:
                    return where
        return None
    if isinstance(v, dict):
        if origin is dict:
            vals = {k: typing.get_args(ann)[1] for k in v}
        elif is_typeddict(ann):
            hints = typing.get_type_hints(ann, include_extras=True)
            vals = {k: hints[k] for k in v if k in hints}
        else:
            return None
        for k, a in vals.items():
            x = v[k]
            if isinstance(x, bool):
                leaves = _leaves(a)
                if leaves & {int, float} and bool not in leaves:
                    return str(k)[:40]
            else:
                below = _bool_in_numbers(a, x, depth + 1)
                if below is not None:
                    return f"{str(k)[:40]}{'' if below.startswith('[') else '.'}{below}"
        return None
    if isinstance(v, list) and origin is list:
        a = typing.get_args(ann)[0]
        leaves = _leaves(a)
        for i, x in enumerate(v):
            if isinstance(x, bool):
                if leaves & {int, float} and bool not in leaves:
                    return f"[{i}]"
            else:
                below = _bool_in_numbers(a, x, depth + 1)
                if below is not None:
                    return f"[{i}]{'' if below.startswith('[') else '.'}{below}"
    return None


def _in_bounds(v: Any, lo: float | None, hi: float | None) -> None:
    if lo is not None and v < lo:
        raise ValueError(f"input should be greater than or equal to {lo:g}")
    if hi is not None and v > hi:
        raise ValueError(f"input should be less than or equal to {hi:g}")


class Spec(BaseModel):
    """Base of all spec models: frozen, unknown fields rejected, numbers finite.

    A number field refuses true/false (YAML's ``true`` is not 1), a true/false field
    refuses anything else (``1``, ``"yes"``, ``"on"`` are not true: YAML 1.2 reads
    ``yes`` as text), and a field that takes a number or a ``$param`` is bounded by
    :data:`PARAM_SLOTS`.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_bool_numbers(cls, v: Any, info: ValidationInfo) -> Any:
        if isinstance(v, bool) and info.field_name and _numeric_only(cls, info.field_name):
            raise ValueError("input should be a number, not true/false")
        if (v is not None and not isinstance(v, bool) and info.field_name
                and _bool_only(cls, info.field_name)):
            raise ValueError("input should be a valid boolean: true or false")
        if isinstance(v, dict | list) and v and info.field_name:
            where = _bool_in_numbers(cls.model_fields[info.field_name].annotation, v)
            if where is not None:
                raise ValueError(f"{escape(where)}: input should be a number, not true/false")
        return v

    @field_validator("*", mode="after")
    @classmethod
    def _slot_bounds(cls, v: Any, info: ValidationInfo) -> Any:
        bounds = _UNION_BOUNDS.get((cls.__name__, info.field_name or ""))
        if bounds is not None and isinstance(v, int | float) and not isinstance(v, bool):
            _in_bounds(v, *bounds)
        return v


class Parameter(Spec):
    """A named lever of the scenario, overridable with ``--set name=value``."""

    type: Literal["int", "float", "bool", "date"] = Field(description="value type")
    default: int | float | bool | dt.date | None = Field(
        description="value used when not overridden; null only for date (never)"
    )
    min: float | None = Field(None, ge=-MAX_PARAM, le=MAX_PARAM,
                              description="lowest allowed value (int/float only; -1e15..1e15)")
    max: float | None = Field(None, ge=-MAX_PARAM, le=MAX_PARAM,
                              description="highest allowed value (int/float only; -1e15..1e15)")
    earliest: dt.date | None = Field(
        None, description="date only: the earliest value allowed when that is before the "
                          "campaign's start (absent: the start); a date before the start "
                          "stands for the first day (a trigger so dated holds, an order, "
                          "fleet move or landing so dated is made, on the first day)")
    description: str = Field("", description="what the lever means, for `stavka info`")

    @field_validator("default")
    @classmethod
    def _default_fits_type(cls, v: Any, info: ValidationInfo) -> Any:
        t = info.data.get("type")
        if t == "int":
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            if isinstance(v, bool) or not isinstance(v, int):
                raise ValueError("an int parameter needs a whole number")
        elif t == "float":
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise ValueError("a float parameter needs a number")
        elif t == "bool":
            if not isinstance(v, bool):
                raise ValueError("a bool parameter needs true or false")
        elif t == "date" and v is not None and not isinstance(v, dt.date):
            raise ValueError("a date parameter needs a date or null")
        if t in ("int", "float") and abs(v) > MAX_PARAM:
            raise ValueError(f"input should be between {-MAX_PARAM:g} and {MAX_PARAM:g}")
        return v

    @model_validator(mode="after")
    def _check(self) -> Parameter:
        if self.type not in ("int", "float") and (self.min is not None or self.max is not None):
            raise ValueError(f"min and max apply to int and float parameters only "
                             f"(this one is a {self.type})")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min must be <= max (got {self.min} > {self.max})")
        if self.type != "date" and self.earliest is not None:
            raise ValueError(f"earliest applies to date parameters only "
                             f"(this one is {'an' if self.type == 'int' else 'a'} {self.type})")
        return self


class Node(Spec):
    """A region centred on a place."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="stable id")
    name: str = Field(description="display name (1941 name)")
    lat: float = Field(ge=-90, le=90, description="latitude, degrees")
    lon: float = Field(ge=-180, le=180, description="longitude, degrees")
    terrain: Terrain = Field("open", description="dominant terrain")
    zone: str = Field(description="climate zone id (key of `climate`)")
    owner: str = Field(description="side id holding the region at start")
    home: str | None = Field(None, description="side whose home territory the region is: "
                             "only that side's partisans may be raised here (default: the "
                             "owner at start; set it for a region occupied at the start)")
    front: str = Field("rear", description="theatre label used for reports, e.g. west / east")
    vp: int = Field(0, ge=0, le=MAX_VP, description="victory points (<= 1,000,000)")
    industry: float = Field(0.0, ge=0, le=MAX_INDUSTRY,
                            description="industry level (arbitrary units, <= 1e6)",
                            json_schema_extra=not_yet_used("industry and production by region; "
                                                           "production is the factories'"))
    fort: int = Field(0, ge=0, le=3, description="fortification level 0-3")
    port: bool = Field(False, description="has a port (a landing may go in here; with a "
                                          "`sea:` block it must lie on a sea zone's coast)")
    port_tons_per_day: float = Field(
        0.0, ge=0, le=MAX_SUPPLY_PER_DAY,
        description="port capacity, t of supply a day unloaded for whoever holds the port "
                    "while it is free of ice and no enemy controls its sea zone (<= 1e7; "
                    "stavka.engine.phases.naval)")
    beach: bool = Field(False, description="has beaches a landing can use (no port needed)")
    supply_source: bool = Field(False, description="the owner draws supply from here")
    source: str = Field("", description="citation of the coordinates / facts")


class Edge(Spec):
    """A link between two nodes."""

    a: str = Field(description="node id")
    b: str = Field(description="node id")
    kind: EdgeKind = Field(description="rail, road, sea or river link")
    km: float = Field(ge=MIN_KM, le=MAX_KM,
                      description="length, km (1 m to 40,075 km, the Earth's circumference)")
    capacity: float | None = Field(
        None, ge=1, le=MAX_TRAINS_PER_DAY,
        description="rail only: military trains per day each direction (1 to 1,000: a "
                    "formation entrains by whole trains, so a line of less than one a day "
                    "would never move it)"
    )
    river: str | None = Field(None, description="river id crossed (see climate.rivers)")
    highway: bool = Field(False, description="rail or road only: a paved highway runs along "
                                             "the link, so marching on it the mud and snow "
                                             "slow a column less (rules.highway_ground_speed)")
    zone: str | None = Field(None, description="sea edges: the sea zone the lane crosses "
                                               "(sea block); while ice closes the zone or "
                                               "another alliance controls it, the lane "
                                               "carries no supply")
    source: str = Field("", description="citation")

    @model_validator(mode="after")
    def _rail_capacity(self) -> Edge:
        if self.kind == "rail" and self.capacity is None:
            raise ValueError("rail edge needs 'capacity' (trains/day)")
        if self.highway and self.kind not in ("rail", "road"):
            raise ValueError(f"highway: a {self.kind} link cannot run along a highway "
                             f"(rail or road only)")
        return self


class WeatherPeriod(Spec):
    """Ground state and temperature between two dates (inclusive)."""

    start: dt.date = Field(alias="from", description="first day")
    end: dt.date | None = Field(None, alias="to", description="last day (open if absent)")
    ground: Ground = Field(description="ground state")
    temp_c: float = Field(10.0, ge=MIN_TEMP_C, le=MAX_TEMP_C,
                          description="typical air temperature, deg C (-60..50)")
    source: str = ""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True,
                              allow_inf_nan=False)


class River(Spec):
    """A river whose crossings freeze (the Amur at Khabarovsk in late November)."""

    freeze: dt.date = Field(description="date the river freezes over")
    thaw: dt.date | None = Field(None, description="date the ice breaks up (after freeze)")
    source: str = ""

    @model_validator(mode="after")
    def _thaw_after_freeze(self) -> River:
        if self.thaw is not None and self.thaw <= self.freeze:
            raise ValueError(f"thaw {self.thaw} must be after freeze {self.freeze}")
        return self


class Climate(Spec):
    """A climate zone's calendar."""

    name: str = ""
    default_temp_c: float = Field(10.0, ge=MIN_TEMP_C, le=MAX_TEMP_C,
                                  description="temperature outside listed periods, deg C "
                                              "(-60..50)")
    periods: list[WeatherPeriod] = Field(default_factory=list, max_length=MAX_DAYS)


class Factory(Spec):
    """Production at a node; its owner gets the output (lost if captured)."""

    node: str
    side: str = Field(description="side that owns the plant at start")
    tanks_per_day: float = Field(0, ge=0, le=MAX_PER_DAY, description="<= 10,000")
    guns_per_day: float = Field(0, ge=0, le=MAX_PER_DAY, description="<= 10,000")
    aircraft_per_day: float = Field(0, ge=0, le=MAX_PER_DAY, description="<= 10,000")
    trucks_per_day: float = Field(0, ge=0, le=MAX_PER_DAY, description="<= 10,000",
                                  json_schema_extra=_TRUCKS_USED)
    supply_per_day: float = Field(0, ge=0, le=MAX_SUPPLY_PER_DAY,
                                  description="t of supply a day (<= 1e7); the source's "
                                              "output, read by supply in tons "
                                              "(rules.supply_tons = 1, on from rules v12; "
                                              "stavka.engine.tonnage). 0, the default, "
                                              "declares no output: a supply_source region "
                                              "with no factory output stays a depot fed "
                                              "from off the map, unlimited")
    resources: list[str] = Field(
        default_factory=list, max_length=100,
        description="regions whose mines feed it (node ids): each one its side's alliance "
                    "has lost for rules.resource_delay_days cuts its output by its share")
    evacuate_from: dt.date | None = Field(
        None, description="date evacuation starts (output falls to 0, resumes in the east)"
    )
    source: str = ""


class Mobilisation(Spec):
    """Manpower into new formations after training."""

    men_per_day: float = Field(0, ge=0, le=MAX_MEN_PER_DAY,
                               description="men called up per day (<= 1,000,000)")
    template: str | None = Field(None, description="formation type raised")
    at: str | None = Field(None, description="node where new formations appear")
    training_days: int = Field(30, ge=1, le=MAX_DAYS,
                               description="days from call-up to combat (1 to 7,306: the "
                                           "economy phase raises a division after the day's "
                                           "moves, so it is ready the next day at the "
                                           "earliest)")
    max_new: int = Field(0, ge=0, le=MAX_NEW_FORMATIONS,
                         description="at most this many formations raised (<= 1,000; each "
                                     "is a slot in every state array)")
    industry_cost: float = Field(0.0, ge=0, le=1, description="production lost per raised unit",
                                 json_schema_extra=not_yet_used(
                                     "a cost per raised unit; the mobilise effect's cut "
                                     "is rules.mobilise_output_cut"))


class Side(Spec):
    """A nation or coalition member."""

    name: str
    alliance: str = Field(description="alliance id; sides of one alliance never fight")
    colour: str = Field("#888888", pattern=r"^#[0-9a-fA-F]{6}$")
    manpower: int = Field(0, ge=0, le=MAX_MANPOWER,
                          description="men available for mobilisation (<= 1e9)")
    gold_t: float = Field(0, ge=0, le=MAX_GOLD_T,
                          description="gold reserve, t (<= 200,000: all gold ever mined)")
    supply_stock: float = Field(0, ge=0, le=MAX_SUPPLY_T,
                                description="central stockpile of supply, t (<= 1e9)",
                                json_schema_extra=not_yet_used(_SUPPLY_T))
    mobilisation: Mobilisation = Field(default_factory=Mobilisation)
    tank_loss_factor: float = Field(
        1.0, ge=0.0, le=20.0, description="multiplies the side's tank losses in battle "
        "(times rules.tank_loss_ratio): worn-out tank parks, missing spare parts and "
        "recovery, crews' training (0..20)")
    winter_equipment: bool = Field(
        True, description="the side's army has winter clothing and equipment; without it "
        "its men are lost to the cold below rules.frost_threshold_c and it fights worse "
        "there (rules.cold_cev_per_deg)")
    state_of_siege: bool = Field(
        False, description="a state of siege is declared from the start: desertion slowed "
        "(rules.siege_desert_factor) at a cost in men and a morale ceiling (rules.siege_*; "
        "stavka.engine.morale). An event's `siege` effect declares or lifts it later")
    doctrine: dict[str, Stance] = Field(
        default_factory=dict, description="default AI stance per front (front label -> stance)"
    )
    partisan_detachments: int = Field(
        0, ge=0, le=100_000, description="partisan detachments the side may raise by player "
        "order (`SIDE raise_partisans REGION N`) over the campaign, in all (0..100,000; 0: "
        "none). Where: its home territory, not on steppe or desert (docs/naval.md)")
    source: str = ""


class FormationType(Spec):
    """A template for formations; fields are the full-strength establishment."""

    inherits: str | None = None
    abstract: bool = Field(False, description="template only; no formation may use it directly")
    kind: FormationKind = "infantry"
    men: int = Field(0, ge=0, le=MAX_MEN, description="<= 10,000,000")
    tanks: int = Field(0, ge=0, le=MAX_ITEMS, description="<= 1,000,000")
    guns: int = Field(0, ge=0, le=MAX_ITEMS, description="guns and mortars (<= 1,000,000)")
    aircraft: int = Field(0, ge=0, le=MAX_ITEMS, description="<= 1,000,000")
    trucks: int = Field(0, ge=0, le=MAX_ITEMS, description="<= 1,000,000",
                        json_schema_extra=_TRUCKS_USED)
    rail_trains: float = Field(30, gt=0, le=MAX_TRAINS,
                               description="trains to move the full formation by rail (<= 10,000)")
    speed_km_day: float = Field(20, gt=0, le=MAX_SPEED_KM_DAY,
                                description="road march on dry open ground, km/day (<= 1,000)")
    quality: float = Field(1.0, gt=0, le=3, description="combat effectiveness multiplier")
    supply_days: float = Field(10, ge=0, le=MAX_SUPPLY_DAYS,
                               description="days of supply carried (<= 365)")
    source: str = ""


class Formation(Spec):
    """A division, brigade, corps or army at its starting state."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    side: str
    type: str
    location: str
    men: int = Field(ge=0, le=MAX_MEN, description="men (<= 10,000,000)")
    tanks: int = Field(0, ge=0, le=MAX_ITEMS, description="<= 1,000,000")
    guns: int = Field(0, ge=0, le=MAX_ITEMS, description="<= 1,000,000")
    aircraft: int = Field(0, ge=0, le=MAX_ITEMS, description="<= 1,000,000")
    trucks: int = Field(0, ge=0, le=MAX_ITEMS, description="<= 1,000,000",
                        json_schema_extra=_TRUCKS_USED)
    quality: float = Field(1.0, gt=0, le=3)
    morale: float = Field(1.0, ge=0, le=1)
    supply: float = Field(1.0, ge=0, le=1, description="fraction of supply_days on hand")
    fort_days: int = Field(0, ge=0, le=MAX_DAYS,
                           description="days already dug in (posture; <= 7,306)")
    arrives: dt.date | None = Field(None, description="enters play on this date")
    reserve: bool = Field(False, description="inactive until an event releases it")
    elite: bool = Field(False, description="an elite formation (guards, NKVD): it never "
                        "deserts, dissolves or catches panic from its neighbours "
                        "(stavka.engine.morale); it fights to the last")
    tags: list[str] = Field(default_factory=list)
    source: str = ""


class Selector(Spec):
    """Picks formations: explicit ids, or by side/front/type/tag (all given must match)."""

    ids: list[str] = Field(default_factory=list)
    side: str | None = None
    front: str | None = None
    type: list[str] = Field(default_factory=list)
    tag: str | None = None


class Order(Spec):
    """A scheduled order; the default script of a scenario is a list of these."""

    date: dt.date | ParamRef
    formations: list[str] = Field(default_factory=list, description="formation ids")
    select: Selector | None = None
    action: Action
    target: str | None = Field(None, description="node id (attack/move/rail; withdraw: "
                                                 "where to fall back to, optional; not "
                                                 "hold/defend, which stay where they are)")
    note: str = ""

    @model_validator(mode="after")
    def _check(self) -> Order:
        if not self.formations and self.select is None:
            raise ValueError("order needs a non-empty 'formations' list or a 'select'")
        if self.action in NEEDS_TARGET and self.target is None:
            raise ValueError(f"action '{self.action}' needs a 'target' node")
        if self.action in NO_TARGET and self.target is not None:
            raise ValueError(f"action '{self.action}' takes no 'target' (the formations stay "
                             f"where they are; got {self.target!r})")
        return self


class Trigger(Spec):
    """When an event fires. All given conditions must hold (``any`` is an OR-list).

    Triggers are checked at the start of each step, before that day's movement and
    combat: ``held_by``, ``captured`` and ``strength_below`` read the state at the end of
    the day before (a region held on the morning of ``date`` may still fall that day).
    """

    date: dt.date | ParamRef | None = Field(None, description="on or after this date")
    after: dt.date | None = Field(None, description="not before this date")
    before: dt.date | None = Field(None, description="not after this date")
    captured: str | None = Field(None, description="node id taken by an enemy of its start owner")
    held_by: dict[str, str] | None = Field(None, description="{node: side} currently holds")
    strength_below: StrengthCondition | None = None
    param: ParamCondition | None = None
    event: str | None = Field(None, description="another event has fired")
    chance: float | ParamRef | None = Field(
        None, description="and then only with this probability each day (0..1; drawn per "
                          "replica from the seeded streams): a daily hazard")
    any: list[Trigger] = Field(default_factory=list)
    request: RequestCondition | None = Field(
        None, description="a diplomatic request has this answer (diplomacy block)")
    agreement: AgreementCondition | None = Field(
        None, description="an agreement is in this state (diplomacy block)")


class StrengthCondition(Spec):
    """A side's men on a front fall below a fraction of another side's (or its own start)."""

    side: str
    front: str
    fraction: float | ParamRef = Field(description="threshold fraction (0..1,000)")
    of: Literal["start", "enemy"] = Field(
        "start", description="compare with own start strength or the enemy's current"
    )
    enemy: str | None = None


class RequestCondition(Spec):
    """Holds while request ``id`` (of the ``diplomacy`` block) stands at ``answer``
    (``sent``: sent at least once; the others: its latest answer)."""

    id: str
    answer: Literal["sent", "accepted", "refused", "countered"] = "accepted"


class AgreementCondition(Spec):
    """Holds while agreement ``id`` is ``signed`` (in force, kept so far), ``honoured``
    (a clause complied with) or ``broken``."""

    id: str
    state: Literal["signed", "honoured", "broken"] = "signed"


class ParamCondition(Spec):
    """A parameter compared with a value."""

    name: str
    op: Literal["==", "!=", ">", ">=", "<", "<=", "set", "unset"] = "set"
    value: float | bool | None = Field(None, description="compared value (-1e15..1e15)")


class StanceChange(TypedDict):
    """``{side, front?, stance}``: a side's AI stance on a front (all fronts if none)."""

    __pydantic_config__ = ConfigDict(extra="forbid", allow_inf_nan=False)  # type: ignore[misc]
    side: str
    front: NotRequired[str | None]
    stance: Stance


class MoraleChange(TypedDict):
    """``{side, front?, delta}``: morale of a side's formations (on a front) moves by delta."""

    __pydantic_config__ = ConfigDict(extra="forbid", allow_inf_nan=False)  # type: ignore[misc]
    side: str
    front: NotRequired[str | None]
    delta: NotRequired[Annotated[float, Field(ge=-1, le=1)] | ParamRef]


class SiegeChange(TypedDict):
    """``{side, on?}``: a side declares (``on: true``, the default) or lifts a state of
    siege (stavka.engine.morale)."""

    __pydantic_config__ = ConfigDict(extra="forbid", allow_inf_nan=False)  # type: ignore[misc]
    side: str
    on: NotRequired[bool]


class Effect(Spec):
    """What an event does; exactly one key."""

    declare_war: list[str] | None = Field(None, min_length=2, max_length=2,
                                          description="[side, on_side]")
    stance: StanceChange | None = Field(None, description="{side, front, stance}")
    morale: MoraleChange | None = Field(
        None, description="{side, front?, delta} (delta -1..1 or a $param)")
    release: Selector | None = Field(None, description="reserve formations enter play")
    transfer: Transfer | None = None
    deliver: Delivery | None = None
    chronicle: str | None = Field(None, description="a dispatch for the chronicle")
    request: Request | None = None
    attack: AttackOrder | None = Field(
        None, description="formations of a selector attack a region (a scripted order: it "
                          "goes in whatever the odds)")
    halt: Selector | None = Field(
        None, description="formations of a selector drop their scripted orders (and "
                          "return to their side's doctrine)")
    hold: Selector | None = Field(
        None, description="formations of a selector (those in play) hold where they are: "
                          "a scripted order, as an order's `action: hold` - they stop, dig "
                          "in and wait for their next order")
    withdraw: Selector | None = Field(
        None, description="formations of a selector are withdrawn from the theatre (sent "
                          "to another war): they leave play with what they have, which is "
                          "not booked as lost")
    send: str | None = Field(None, description="send a request of the diplomacy block")
    sign: str | None = Field(None, description="sign an agreement or contract of the "
                                               "diplomacy block")
    siege: SiegeChange | None = Field(
        None, description="{side, on?}: a side declares (on: true, the default) or lifts a "
                          "state of siege")
    land: str | None = Field(None, description="make a landing of the sea block (its id) "
                                               "today, with its checks (control, lift, coast)")
    partisans: PartisanRaise | None = Field(
        None, description="{side, region, detachments}: raise partisan detachments of a side "
                          "in a region (stavka.engine.interdiction)")
    strike: Strike | None = Field(
        None, description="{a, b, damage} a rail edge's capacity, or {region, fort} a "
                          "region's fortification, knocked out (stavka.engine.interdiction)")
    mobilise: MobilisePolicy | None = Field(
        None, description="{side, level}: a total-mobilisation policy trading production "
                          "for men (stavka.engine.interdiction)")

    @model_validator(mode="after")
    def _one(self) -> Effect:
        n = sum(v is not None for v in self.__dict__.values())
        if n != 1:
            raise ValueError(f"an effect has exactly one kind (got {n})")
        return self


#: Most partisan detachments one effect raises.
MAX_DETACHMENTS = 100_000


class PartisanRaise(Spec):
    """Partisan detachments raised by ``side`` in ``region`` (own or enemy-held; only in
    the side's home territory, not on steppe or desert: a located error otherwise,
    :func:`stavka.scenario.interdiction.partisan_problem`): they need
    no supply, cut the rail capacity of edges at the region and the supply level there
    while the region is held by an enemy of ``side``, and are hunted by its troops
    (:mod:`stavka.engine.interdiction`)."""

    side: str = Field(description="side the partisans fight for")
    region: str = Field(description="region (node id) they are raised in")
    detachments: int | ParamRef = Field(
        description="detachments raised (0..100,000, or a $param)")


class Strike(Spec):
    """A strike (a scenario's precision strike, ``damage`` or ``fort``, and the air
    formations of ``select``, by their aircraft): the rail edge ``a``-``b`` or the
    ``port`` loses that share of its capacity (trains, tons unloaded a day), or ``region``
    that many fortification levels; all are repaired over days
    (``rules.strike_repair_per_day``, ``rules.fort_repair_per_day``). ``fort`` is a
    region's only, ``damage`` an edge's or a port's; a strike with neither and no air
    formations is an error (it would do nothing)."""

    a: str | None = Field(None, description="one end of the rail edge struck (node id)")
    b: str | None = Field(None, description="the other end (node id)")
    damage: float | ParamRef = Field(0.0, description="fraction of the edge's trains/day "
                                                      "knocked out (0..1, or a $param)")
    region: str | None = Field(None, description="region whose fortifications are struck")
    port: str | None = Field(None, description="port (node id with port_tons_per_day) whose "
                                               "unloading capacity loses ``damage``")
    fort: float | ParamRef = Field(0.0, description="fortification levels knocked out "
                                                   "(0..3, or a $param)")
    select: Selector | None = Field(
        None, description="air formations that fly the strike: their aircraft in play add "
                          "aircraft x rules.strike_damage_per_aircraft to the damage, or x "
                          "rules.strike_fort_per_aircraft to the levels")

    @model_validator(mode="after")
    def _target(self) -> Strike:
        edge = self.a is not None or self.b is not None
        targets = int(edge) + int(self.region is not None) + int(self.port is not None)
        if targets != 1 or (edge and (self.a is None or self.b is None)):
            raise ValueError("a strike targets one of a rail edge ('a' and 'b'), a 'region' "
                             "(its fortifications) or a 'port'")
        # a value the target does not read would be dropped without a word
        if self.region is not None and self.damage:
            raise ValueError(f"damage: a strike on a region knocks out 'fort' levels; "
                             f"'damage' is for a rail edge or a port (got {self.damage:g})")
        if self.region is None and self.fort:
            raise ValueError(f"fort: only a strike on a 'region' knocks out fortification "
                             f"levels; a rail edge or a port loses 'damage' (got {self.fort:g})")
        if not (self.damage or self.fort or self.select is not None):
            raise ValueError("a strike with no " + ("fort" if self.region is not None
                                                     else "damage")
                             + " and no air formations ('select') does nothing")
        return self


class MobilisePolicy(Spec):
    """A side's total mobilisation ("every man off the farms") at ``level`` 0..1 (0 lifts
    it): ``level x rules.mobilise_men_per_day`` men a day join its replacement pool and its
    factories' output is multiplied by ``1 - level x rules.mobilise_output_cut``."""

    side: str = Field(description="side id")
    level: float | ParamRef = Field(1.0, description="policy level (0..1, or a $param)")


#: Bounds of the interdiction effects' number-or-``$param`` fields (see PARAM_SLOTS).
_INTERDICTION_SLOTS: dict[tuple[str, str], tuple[str, float | None, float | None]] = {
    ("PartisanRaise", "detachments"): ("int", 0, MAX_DETACHMENTS),
    ("Strike", "damage"): ("float", 0.0, 1.0),
    ("Strike", "fort"): ("float", 0.0, 3.0),
    ("MobilisePolicy", "level"): ("float", 0.0, 1.0),
}
PARAM_SLOTS.update(_INTERDICTION_SLOTS)
_UNION_BOUNDS.update({k: (lo, hi) for k, (_, lo, hi) in _INTERDICTION_SLOTS.items()})


class AttackOrder(Spec):
    """Formations matching ``select`` (those in play and able to) attack ``target``."""

    select: Selector
    target: str = Field(description="region attacked")


class Transfer(Spec):
    """Entrain formations matching a selector and send them by rail to a node."""

    select: Selector
    count: int | ParamRef = Field(description="how many formations (ids order; 0..100,000)")
    to: str = Field(description="destination node")
    every_days: int | ParamRef = Field(
        0, description="days between successive departures (0..7,306)")


class Delivery(Spec):
    """Materiel arriving at a node after a delay (trade, Lend-Lease, gold for trucks)."""

    side: str
    at: str
    after_days: int | ParamRef = Field(0, description="delay, days (0..7,306)")
    tanks: float = Field(0, ge=0, le=MAX_ITEMS, description="<= 1,000,000")
    guns: float = Field(0, ge=0, le=MAX_ITEMS, description="<= 1,000,000")
    aircraft: float = Field(0, ge=0, le=MAX_ITEMS, description="<= 1,000,000")
    trucks: float = Field(0, ge=0, le=MAX_ITEMS, description="<= 1,000,000",
                          json_schema_extra=_TRUCKS_USED)
    supply: float = Field(0, ge=0, le=MAX_SUPPLY_T, description="t (<= 1e9)",
                          json_schema_extra=not_yet_used(_SUPPLY_T))
    men: float = Field(0, ge=0, le=MAX_MEN,
                       description="men into the side's replacement pool (<= 10,000,000)")
    gold_t: float | ParamRef = Field(0, description="gold paid, t (0..200,000)")


class Request(Spec):
    """Ask another side for help; accepted with a probability (seeded)."""

    to: str
    probability: float | ParamRef = Field(description="chance of acceptance (0..1)")
    then: str = Field(description="event id fired if accepted")
    text: str = ""


class Event(Spec):
    """A trigger and its effects; fires once unless ``repeat``."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    trigger: Trigger
    effects: list[Effect]
    repeat: bool = False
    manual: bool = Field(False, description="fires only when another event or request fires it")


class VictoryCondition(Spec):
    """An outcome flag reported in the summary."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str = ""
    hold: str | None = Field(None, description="node the side still holds at the end")
    side: str | None = None
    event: str | None = Field(None, description="an event has fired")


class Victory(Spec):
    """Victory conditions: outcome flags and the points that decide the result."""

    conditions: list[VictoryCondition] = Field(default_factory=list)
    sudden_death: dict[str, str] = Field(
        default_factory=dict, description="{node: side} taking it ends the game for that side"
    )


#: At most this many commanders (a state array column each).
MAX_COMMANDERS = 1_000


class Commander(Spec):
    """A commander of a formation or a front (stavka.engine.commanders): bonuses, may fall."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="stable id")
    name: str = Field(description="name as the chronicle gives it")
    side: str = Field(description="side id")
    formation: str | None = Field(None, description="formation id he commands (or front)")
    front: str | None = Field(None, description="front label he commands: every formation "
                                                "of his side on that front (or formation)")
    morale_bonus: float = Field(
        0.0, ge=-1.0, le=1.0, description="added to his formations' morale in battle and "
        "against desertion and dissolution (-1..1; effective morale is clipped to 0..1)")
    cev_bonus: float = Field(
        0.0, ge=-0.9, le=2.0, description="his formations' combat effectiveness (CEV) is "
        "multiplied by 1 + cev_bonus (-0.9..2)")
    exposure: float = Field(
        0.0, ge=0.0, le=1.0, description="probability per day of battle of his formations "
        "that he is killed or captured (0..1; scaled by the step length)")
    source: str = ""

    @model_validator(mode="after")
    def _attached(self) -> Commander:
        if (self.formation is None) == (self.front is None):
            raise ValueError("a commander is attached to exactly one of 'formation' or "
                             "'front'")
        return self


class Scenario(Spec):
    """A whole scenario, loaded and checked."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="stable id (folder name)")
    name: str = Field(description="display name")
    description: str = Field("", description="what the scenario is about")
    combat_model: Literal[COMBAT_VERSIONS] = Field(  # type: ignore[valid-type]
        MODEL_VERSION, description=f"combat model version (src/stavka/combat; the current one, "
                                   f"{MODEL_VERSION}, by default; older ones behave as shipped)")
    start: dt.date = Field(description="first simulated day")
    end: dt.date = Field(description="last simulated day")
    sources: dict[str, str] = Field(default_factory=dict, description="citation keys")
    parameters: dict[str, Parameter] = Field(default_factory=dict, description="levers (--set)")
    climate: dict[str, Climate] = Field(max_length=MAX_ZONES,
                                        description="climate zones and their calendars (<= 256)")
    rivers: dict[str, River] = Field(default_factory=dict, max_length=MAX_RIVERS,
                                     description="freezing rivers (<= 256)")
    sides: dict[str, Side] = Field(max_length=MAX_SIDES, description="sides by id (<= 32)")
    wars: list[list[str]] = Field(default_factory=list, description="pairs at war at start")
    nodes: list[Node] = Field(max_length=MAX_NODES,
                              description="regions (<= 2,000: the engine keeps [nodes, nodes] "
                                          "tables)")
    edges: list[Edge] = Field(max_length=MAX_EDGES,
                              description="rail, road, sea and river links (<= 20,000)")
    formation_types: dict[str, FormationType] = Field(max_length=MAX_TYPES,
                                                      description="templates by id (<= 1,000)")
    formations: list[Formation] = Field(max_length=MAX_FORMATIONS,
                                        description="the order of battle at start (<= 50,000)")
    factories: list[Factory] = Field(default_factory=list, description="production")
    orders: list[Order] = Field(default_factory=list, description="the default script")
    events: list[Event] = Field(default_factory=list, description="triggers and effects")
    victory: Victory = Field(default_factory=Victory, description="outcome flags")
    rules_version: str | None = Field(
        None,
        description="campaign rules version (stavka/rules/rules_<version>.yaml; none: the "
                    "current one)")
    rules: dict[str, float] = Field(
        default_factory=dict, max_length=200,
        description="this scenario's values of campaign rules (name: value, within the "
                    "rule's bounds; src/stavka/rules/rules_<version>.yaml lists them)")
    rail_speed_km_day: float = Field(600, gt=0, le=MAX_RAIL_SPEED_KM_DAY,
                                     description="troop train speed, km/day (<= 2,000)")
    diplomacy: Diplomacy | None = Field(
        None, description="requests, agreements, trade contracts and neutral powers "
                          "(stavka.scenario.diplomacy; absent: none of it runs)")
    sea: Sea | None = Field(
        None, description="sea zones, fleets and landings (stavka.scenario.naval; absent: "
                          "the naval phase does nothing)")
    refit_every_days: int = Field(
        1, ge=1, le=30,
        description="days between refits of formations from their side's pool of new "
                    "equipment (1 = daily; 7 = weekly replacement batches)")
    step_hours: int = Field(
        24, ge=1, le=24,
        description="length of one step in hours: a positive whole number of hours that "
                    "divides 24 (1, 2, 3, 4, 6, 8, 12 or 24; default 24, one step a day). "
                    "Every rate is per day and scales with the step (dt = step_hours/24); "
                    "dates and day counts stay in days")
    commanders: list[Commander] = Field(
        default_factory=list, max_length=MAX_COMMANDERS,
        description="commanders attached to formations or fronts (<= 1,000; "
                    "stavka.engine.commanders)")

    @field_validator("step_hours", mode="before")
    @classmethod
    def _step_hours(cls, v: Any) -> Any:
        if isinstance(v, bool) or not isinstance(v, int):
            raise ValueError("a step is a whole number of hours (1, 2, 3, 4, 6, 8, 12 or 24)")
        if not 1 <= v <= 24 or 24 % v != 0:
            raise ValueError("a step is a positive whole number of hours dividing 24 "
                             "(1, 2, 3, 4, 6, 8, 12 or 24)")
        return v

    @field_validator("rules_version")
    @classmethod
    def _rules_version(cls, v: str | None) -> str | None:
        from stavka import rules

        if v is not None and v not in rules.versions():
            raise ValueError(f"unknown rules version (shipped: {', '.join(rules.versions())})")
        return v

    @field_validator("rules", mode="before")
    @classmethod
    def _rules_numbers(cls, v: Any) -> Any:
        # a rule's value is a number as written: not true/false, not a quoted string
        if isinstance(v, dict):
            for name, value in v.items():
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise ValueError(f"rule {str(name)[:60]!r} must be a number "
                                     f"(got {str(value)[:40]!r})")
        return v

    @field_validator("rules")
    @classmethod
    def _rules(cls, v: dict[str, float]) -> dict[str, float]:
        from stavka import rules

        for name, value in v.items():
            try:
                rules.check(name, value)
            except InputError as exc:  # one line: the closest rule, a table, the range
                raise ValueError(str(exc)) from None
        return v

    @model_validator(mode="after")
    def _dates(self) -> Scenario:
        if self.end <= self.start:
            raise ValueError(f"'end' must be after 'start' (got {self.end} <= {self.start})")
        return self

    @field_validator("sides")
    @classmethod
    def _side_ids(cls, v: dict[str, Side]) -> dict[str, Side]:
        # a side's id is a word like every other id: a player types it in orders
        # ('SIDE raise_partisans ...'), the war room puts it in links and pages
        for sid in v:
            if not _ID.match(sid):
                raise ValueError(f"a side's id is lower-case letters, digits and _, starting "
                                 f"with a letter (got {escape(sid[:40])!r})")
        return v

    @field_validator("parameters")
    @classmethod
    def _parameter_names(cls, v: dict[str, Parameter]) -> dict[str, Parameter]:
        for name in v:
            if not _IDENT.match(name):
                raise ValueError(f"a parameter name is letters, digits and _, not starting "
                                 f"with a digit (got {name[:40]!r}); $name refers to it")
        return v

    @field_validator("end")
    @classmethod
    def _length(cls, v: dt.date, info: ValidationInfo) -> dt.date:
        start = info.data.get("start")
        if isinstance(start, dt.date) and (v - start).days + 1 > MAX_DAYS:
            raise ValueError(f"a campaign lasts at most {MAX_DAYS:,} days (20 years; "
                             f"got {(v - start).days + 1:,})")
        return v

    @field_validator("nodes")
    @classmethod
    def _rail_tables(cls, v: list[Node], info: ValidationInfo) -> list[Node]:
        sides = info.data.get("sides") or {}
        alliances = max(1, len({s.alliance for s in sides.values()}))
        if alliances * len(v) ** 2 > MAX_RAIL_TABLE:
            raise ValueError(
                f"{len(v):,} nodes in {alliances} alliances make rail tables of "
                f"{alliances * len(v) ** 2:,} entries (at most {MAX_RAIL_TABLE:,})")
        return v

    @property
    def days(self) -> int:
        """Campaign length in days (start and end inclusive)."""
        return (self.end - self.start).days + 1


Trigger.model_rebuild()
Effect.model_rebuild()


# -- diplomacy and trade ----------------------------------------------------------------
# The ``diplomacy`` block (stavka.engine.diplomacy runs it; its cross references are
# checked by stavka.scenario.diplomacy). Units: gold in t, goods in pieces (fuel and food
# in t), durations in days, probabilities and trust 0..1.

#: At most this many requests, agreements, contracts or neutrals (state array columns).
MAX_ITEMS_DIP = 1_000
#: Lots of one contract.
MAX_LOTS = 365
#: Times one request may be sent.
MAX_SENDS = 100

#: Bounds of this block's number-or-``$param`` fields (see schema.PARAM_SLOTS): a
#: probability or a risk 0..1, an offer's worth 0..10 offer units, a weight -20..20
#: logit units (beyond that the logistic is 0 or 1 to 9 digits).
_W = ("float", -20.0, 20.0)
SLOTS: dict[tuple[str, str], tuple[str, float | None, float | None]] = {
    ("Offer", "value"): ("float", 0.0, 10.0),
    ("Offer", "value_step"): ("float", 0.0, 10.0),
    ("Diplomacy", "trust"): ("float", 0.0, 1.0),
    ("DipRequest", "risk"): ("float", 0.0, 1.0),
    ("DipRequest", "probability"): ("float", -1.0, 1.0),
    ("DipRequest", "counter_probability"): ("float", 0.0, 1.0),
    ("Counter", "risk"): ("float", 0.0, 1.0),
    ("Clause", "risk"): ("float", 0.0, 1.0),
    ("Clause", "value"): ("float", 0.0, 10.0),
    ("Clause", "comply_probability"): ("float", -1.0, 1.0),
    ("Limit", "max_men"): ("float", 0.0, float(MAX_MEN)),
    ("Contract", "price_gold_t"): ("float", 0.0, MAX_GOLD_T),
    ("Route", "interdiction_chance"): ("float", 0.0, 1.0),
    **{("Weights", k): _W for k in ("bias", "offer", "risk", "losses", "threat", "trust")},
    **{("EntryModel", k): _W for k in ("bias", "balance", "weakness", "capital", "trust",
                                       "treaty")},
    ("EntryModel", "max_daily"): ("float", 0.0, 1.0),
}
PARAM_SLOTS.update(SLOTS)
_UNION_BOUNDS.update({k: (lo, hi) for k, (_, lo, hi) in SLOTS.items()})

#: Effects a diplomatic outcome may not use: ``deliver`` (use a contract, whose
#: deliveries travel a route) and the old single-draw ``request`` (use a request here).
FORBIDDEN_EFFECTS = ("deliver", "request")



class Goods(Spec):
    """Goods offered or sold. Pieces, except fuel and food in tons.

    Trucks, tanks, guns and aircraft land in the receiving side's pool of new equipment
    (refit hands them to its formations); motorcycles count as trucks at the rule
    ``motorcycle_truck_equivalent`` (:mod:`stavka.diplomacy.params_v1.yaml`); fuel and
    food are counted and reported (``contract_<id>_fuel_t``), not yet consumed by the
    supply rule."""

    trucks: float = Field(0, ge=0, le=MAX_ITEMS, description="pieces (<= 1,000,000)")
    motorcycles: float = Field(0, ge=0, le=MAX_ITEMS, description="pieces (<= 1,000,000)")
    tanks: float = Field(0, ge=0, le=MAX_ITEMS, description="pieces (<= 1,000,000)")
    guns: float = Field(0, ge=0, le=MAX_ITEMS, description="pieces (<= 1,000,000)")
    aircraft: float = Field(0, ge=0, le=MAX_ITEMS, description="pieces (<= 1,000,000)")
    fuel_t: float = Field(0, ge=0, le=MAX_SUPPLY_T, description="t (<= 1e9)")
    food_t: float = Field(0, ge=0, le=MAX_SUPPLY_T, description="t (<= 1e9)")

    def any(self) -> bool:
        """Whether any good is given."""
        return any(v > 0 for v in self.__dict__.values())


class Offer(Spec):
    """What the requester offers for what it asks: gold (paid on acceptance, from its
    gold), goods (handed over on acceptance) and ``value``, the worth of anything else
    (a promise, prestige) on the decision model's offer scale (an estimate; say so)."""

    gold_t: float = Field(0, ge=0, le=MAX_GOLD_T, description="t of gold (0..200,000)")
    goods: Goods = Field(default_factory=Goods)
    value: float | ParamRef = Field(0, description="other worth, offer units (0..10)")
    value_step: float | ParamRef = Field(0, description="added to value at each repeat of "
                                                        "the request (offer units, 0..10)")


class Weights(Spec):
    """The decision model's weights (logistic; :mod:`stavka.diplomacy.model`). Any weight
    not given takes the value of ``src/stavka/diplomacy/params_v1.yaml``."""

    bias: float | ParamRef | None = Field(None, description="intercept, logit units (-20..20)")
    offer: float | ParamRef | None = Field(None, description="per offer unit (-20..20)")
    risk: float | ParamRef | None = Field(None, description="per unit of risk (-20..20)")
    losses: float | ParamRef | None = Field(None, description="per unit of own losses "
                                                             "fraction (-20..20)")
    threat: float | ParamRef | None = Field(None, description="per unit of threat (-20..20)")
    trust: float | ParamRef | None = Field(None, description="per unit of trust above 0.5 "
                                                            "(-20..20)")


class Counter(Spec):
    """A counter-offer the decider may make instead: a smaller ask (its own ``risk``),
    accepted by the requester; ``effects`` are what it does."""

    risk: float | ParamRef = Field(description="the decider's risk in the counter (0..1)")
    text: str = Field("", description="the answer in the chronicle")
    effects: list[Effect] = Field(default_factory=list)


class DipRequest(Spec):
    """One side asks another for something (a telegram, a note, a mission).

    Sent when ``trigger`` holds (or by a ``send`` effect); answered ``deadline_days``
    later by the decider's model, a scenario ``probability`` (if given and not null),
    or earlier by a player's answer (``REQUEST accept|refuse|counter``). Refused, it is
    sent again every ``repeat_every_days`` up to ``times`` sends in all."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    by: str = Field(alias="from", description="requesting side")
    to: str = Field(description="deciding side")
    trigger: Trigger | None = Field(None, description="sent the first day this holds")
    texts: list[str] = Field(default_factory=list, max_length=MAX_SENDS,
                             description="the request's text at each send (the last "
                                         "repeats)")
    risk: float | ParamRef = Field(description="the decider's risk in doing what is "
                                               "asked: share of its strength (0..1)")
    threat_from: str | None = Field(None, description="side whose men near the decider "
                                    "count as its threat (default: its enemies at war)")
    offer: Offer = Field(default_factory=Offer)
    deadline_days: int = Field(14, ge=0, le=MAX_DAYS, description="days to the answer")
    probability: float | ParamRef | None = Field(
        None, description="scenario probability of acceptance (0..1); null, or a value "
                          "below 0 (a $param set to -1): the decision model answers")
    counter_probability: float | ParamRef | None = Field(
        None, description="with probability: chance of a counter-offer instead (0..1)")
    model: Weights = Field(default_factory=Weights)
    counter: Counter | None = None
    repeat_every_days: int = Field(0, ge=0, le=MAX_DAYS,
                                   description="days from a refusal to the next send")
    times: int = Field(1, ge=1, le=MAX_SENDS, description="sends in all (<= 100)")
    on_accept: list[Effect] = Field(default_factory=list)
    on_refuse: list[Effect] = Field(default_factory=list)
    accept_text: str = ""
    refuse_text: str = ""


class Limit(Spec):
    """A standing obligation: ``side`` keeps at most ``max_men`` men in ``regions``."""

    side: str
    regions: list[str] = Field(min_length=1, max_length=2_000)
    max_men: float | ParamRef = Field(description="men (0..10,000,000)")


class Clause(Spec):
    """One obligation of an agreement: when ``trigger`` holds (absent: when the
    agreement is signed), the ``side`` complies (``effects``) or not, by the model or
    ``comply_probability``; a ``limit`` is then watched daily from ``grace_days`` on."""

    side: str = Field(description="the obliged side")
    trigger: Trigger | None = None
    risk: float | ParamRef = Field(0, description="the obliged side's risk (0..1)")
    value: float | ParamRef = Field(0, description="what keeping faith is worth to it "
                                                   "(offer units, 0..10)")
    comply_probability: float | ParamRef | None = Field(
        None, description="scenario probability of compliance (0..1); null or below 0: "
                          "the decision model")
    effects: list[Effect] = Field(default_factory=list)
    limit: Limit | None = None
    grace_days: int = Field(14, ge=0, le=MAX_DAYS)
    text: str = Field("", description="the obligation, in the chronicle")


class Agreement(Spec):
    """An agreement between two sides: clauses (obligations) and what breaking it does."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    parties: list[str] = Field(min_length=2, max_length=2)
    name: str = ""
    signed: bool = Field(False, description="in force from the start")
    trigger: Trigger | None = Field(None, description="signed the first day this holds")
    clauses: list[Clause] = Field(min_length=1, max_length=MAX_ITEMS_DIP)
    model: Weights = Field(default_factory=Weights)
    on_break: list[Effect] = Field(default_factory=list)
    break_text: str = ""


class Route(Spec):
    """The way a contract's lots travel: a path of regions, seller's end first, joined
    by edges of ``kind``. Rail lots wait while a region of the path is held by a side
    at war with the buyer or the seller and are lost after ``max_delay_days``; sea lots
    are each lost with ``interdiction_chance``."""

    kind: Literal["rail", "sea"]
    path: list[str] = Field(min_length=2, max_length=2_000)
    interdiction_chance: float | ParamRef = Field(0, description="sea: loss per lot (0..1)")
    max_delay_days: int = Field(60, ge=0, le=MAX_DAYS)


class Contract(Spec):
    """A trade contract: ``goods`` for ``price_gold_t`` in ``lots`` equal lots, paid lot
    by lot on dispatch, the first ``first_lot_days`` after signing, then every
    ``every_days``."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    seller: str
    buyer: str
    goods: Goods
    price_gold_t: float | ParamRef = Field(description="t of gold for all lots (0..200,000)")
    lots: int = Field(1, ge=1, le=MAX_LOTS)
    first_lot_days: int = Field(0, ge=0, le=MAX_DAYS)
    every_days: int = Field(7, ge=1, le=MAX_DAYS)
    route: Route
    signed: bool = False
    trigger: Trigger | None = None
    text: str = ""


class EntryModel(Spec):
    """Weights of the war-entry hazard (:func:`stavka.diplomacy.model.entry_hazard`);
    any not given takes ``params_v1.yaml``'s value."""

    bias: float | ParamRef | None = None
    balance: float | ParamRef | None = None
    weakness: float | ParamRef | None = None
    capital: float | ParamRef | None = None
    trust: float | ParamRef | None = None
    treaty: float | ParamRef | None = None
    max_daily: float | ParamRef | None = None


class Neutral(Spec):
    """A neutral that may enter the war against ``against``: each day the hazard of
    :func:`stavka.diplomacy.model.entry_hazard` is drawn; on entry ``effects`` apply."""

    side: str
    against: str
    front: str = Field(description="the border front whose balance it weighs")
    other_front: str | None = Field(None, description="the target's other front (its "
                                    "weakness there: 1 - men / men at start)")
    capital: str | None = Field(None, description="region whose fall weighs for entry")
    treaties: list[str] = Field(default_factory=list, description="agreements that "
                                "restrain it while in force")
    after: dt.date | None = Field(None, description="not before this date")
    model: EntryModel = Field(default_factory=EntryModel)
    effects: list[Effect] = Field(default_factory=list)
    text: str = ""


class Diplomacy(Spec):
    """A scenario's diplomacy and trade (absent: none of it runs)."""

    trust: dict[str, dict[str, float | ParamRef]] = Field(
        default_factory=dict, description="{side: {other: trust 0..1 or a $param}} at the "
                                          "start (default 0.5)")
    requests: list[DipRequest] = Field(default_factory=list, max_length=MAX_ITEMS_DIP)
    agreements: list[Agreement] = Field(default_factory=list, max_length=MAX_ITEMS_DIP)
    contracts: list[Contract] = Field(default_factory=list, max_length=MAX_ITEMS_DIP)
    neutrals: list[Neutral] = Field(default_factory=list, max_length=MAX_ITEMS_DIP)

    @model_validator(mode="after")
    def _trust(self) -> Diplomacy:
        for a, row in self.trust.items():
            for b, v in row.items():
                if not isinstance(v, str) and not 0.0 <= v <= 1.0:
                    raise ValueError(f"trust {a}->{b} must be within 0..1 (got {v:g})")
        return self

    def clauses(self) -> list[tuple[int, int, Clause]]:
        """Every clause as (agreement index, clause index in it, clause), in file order."""
        return [(g, c, cl) for g, ag in enumerate(self.agreements)
                for c, cl in enumerate(ag.clauses)]


# -- the sea: zones, fleets, landings -----------------------------------------------
# The ``sea`` block (stavka.engine.phases.naval runs it; stavka.scenario.naval checks its
# cross references). Sea zones are regions of their own kind: they are not nodes (no
# formation marches or is supplied through them), and they border coastal nodes.

#: Ships of one class in one fleet: 100,000, above the world's merchant fleet of 1939
#: (about 30,000 ships over 100 GRT).
MAX_SHIPS = 100_000
#: Sea zones, fleets or landings of a scenario (columns of state arrays).
MAX_SEA_ITEMS = 1_000


#: The naval model's scalar parameters a scenario may set (``sea.params``) and their bounds.
SEA_PARAMS: dict[str, tuple[float, float]] = {
    "contact_chance": (0.0, 1.0), "control_ratio": (1.0, 100.0), "landing_cev": (0.0, 1.0),
    "landing_days": (0.0, 365.0), "tons_per_man": (0.0, 100.0),
    "tons_per_tank": (0.0, 1000.0), "tons_per_gun": (0.0, 1000.0),
    "battery_offence": (0.0, 100.0), "guns_per_hit": (0.0, 10_000.0),
}


class SeaZone(Spec):
    """A sea zone (or river line): a region of water next to coastal regions."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="stable id (not a node's id)")
    name: str = Field(description="display name")
    lat: float = Field(ge=-90, le=90, description="latitude of its centre, degrees")
    lon: float = Field(ge=-180, le=180, description="longitude of its centre, degrees")
    coast: list[str] = Field(min_length=1, description="coastal regions it borders (node ids)")
    adjacent: list[str] = Field(default_factory=list, description="neighbouring sea zones")
    control: str | None = Field(None, description="side controlling the zone at start "
                                                  "(none: no one)")
    freeze: dt.date | None = Field(None, description="ice closes the zone and its ports from "
                                                     "this date")
    thaw: dt.date | None = Field(None, description="date the ice breaks up (open if absent)")
    source: str = ""


class Fleet(Spec):
    """A naval formation: ships by class (stavka.enums.SHIP_CLASSES) and land-based naval
    air groups, sitting in a sea zone."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    side: str
    zone: str = Field(description="sea zone id")
    ships: dict[str, Annotated[int, Field(ge=0, le=MAX_SHIPS)]] = Field(
        default_factory=dict,
        description="ships by class: battleship, carrier, cruiser, destroyer, submarine, "
                    "transport, monitor (each 0..100,000)")
    air_groups: int = Field(0, ge=0, le=MAX_SHIPS,
                            description="land-based naval air groups (~30 aircraft each)")
    quality: float = Field(1.0, gt=0, le=3,
                           description="training and readiness (Hughes' factor; 1 = baseline)")
    scale: float | ParamRef = Field(
        1.0, description="multiplies every ship count and air group at the start (0..100, or "
                         "a $param: a scenario's lever for the fleet's size); counts on the "
                         "fixed-point grid")
    source: str = ""

    @field_validator("ships")
    @classmethod
    def _classes(cls, v: dict[str, int]) -> dict[str, int]:
        from stavka.enums import SHIP_CLASSES

        for k in v:
            if k not in SHIP_CLASSES:
                raise ValueError(f"unknown ship class {k[:40]!r} (one of {', '.join(SHIP_CLASSES)})")
        return v


class Landing(Spec):
    """A scripted amphibious landing: on ``date`` the fleet carries the formations from
    the coast of its zone to ``target``, if its side controls the zone, its transports
    can lift them and the target has a port or a beach."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    date: dt.date | ParamRef | None = Field(
        None, description="day of the landing (or a date $param; null or absent: only when "
                          "an event's `land` effect or a player's `LANDING land` order makes it)")
    fleet: str = Field(description="fleet id (its zone is crossed; its transports lift)")
    formations: list[str] = Field(min_length=1, description="land formations embarked")
    target: str = Field(description="coastal region landed on (node id)")
    note: str = ""


#: A fleet's ``scale`` (number or ``$param``): 0..100 (see PARAM_SLOTS).
PARAM_SLOTS[("Fleet", "scale")] = ("float", 0.0, 100.0)
_UNION_BOUNDS[("Fleet", "scale")] = (0.0, 100.0)


class FleetMove(Spec):
    """A scripted fleet move: on ``date`` the fleet sails to ``to``, a sea zone adjacent to
    the one it is in (adjacency goes both ways); a zone closed by ice is not entered."""

    date: dt.date | ParamRef = Field(
        description="day of the move (or a date $param; null: it never happens)")
    fleet: str = Field(description="fleet id")
    to: str = Field(description="sea zone sailed to")
    note: str = ""


class Sea(Spec):
    """Sea zones, fleets and landings; naval combat by the salvo model (stavka.combat.naval)."""

    naval_model: Literal["v1"] = Field("v1", description="naval combat model version")
    zones: list[SeaZone] = Field(min_length=1, max_length=MAX_SEA_ITEMS,
                                 description="sea zones (<= 1,000)")
    fleets: list[Fleet] = Field(default_factory=list, max_length=MAX_SEA_ITEMS,
                                description="fleets at start (<= 1,000)")
    landings: list[Landing] = Field(default_factory=list, max_length=MAX_SEA_ITEMS,
                                    description="scripted landings (<= 1,000)")
    moves: list[FleetMove] = Field(default_factory=list, max_length=MAX_SEA_ITEMS,
                                   description="scripted fleet moves (<= 1,000), made at the "
                                               "start of their day, before battles and "
                                               "landings")
    params: dict[str, float] = Field(
        default_factory=dict,
        description="this scenario's values of the naval model's scalar parameters: "
                    + ", ".join(f"{k} ({lo:g}..{hi:g})" for k, (lo, hi) in SEA_PARAMS.items()))

    @field_validator("params")
    @classmethod
    def _params(cls, v: dict[str, float]) -> dict[str, float]:
        for k, x in v.items():
            if k not in SEA_PARAMS:
                raise ValueError(f"unknown naval parameter {k[:40]!r} (one of "
                                 f"{', '.join(SEA_PARAMS)})")
            _in_bounds(x, *SEA_PARAMS[k])
        return v


Scenario.model_rebuild()


def _use(path: tuple[Any, ...], value: Any, slot: tuple[str, str]
         ) -> Iterator[tuple[tuple[Any, ...], str, str, float | None, float | None]]:
    if isinstance(value, str) and value.startswith("$"):
        kind, lo, hi = PARAM_SLOTS[slot]
        yield path, value[1:], kind, lo, hi


def _trigger_uses(path: tuple[Any, ...], trig: Trigger
                  ) -> Iterator[tuple[tuple[Any, ...], str, str, float | None, float | None]]:
    yield from _use((*path, "date"), trig.date, ("Trigger", "date"))
    yield from _use((*path, "chance"), trig.chance, ("Trigger", "chance"))
    if trig.strength_below is not None:
        yield from _use((*path, "strength_below", "fraction"), trig.strength_below.fraction,
                        ("StrengthCondition", "fraction"))
    for j, sub in enumerate(trig.any):
        yield from _trigger_uses((*path, "any", j), sub)


def _effect_uses(p: tuple[Any, ...], eff: Effect
                 ) -> Iterator[tuple[tuple[Any, ...], str, str, float | None, float | None]]:
    if eff.transfer is not None:
        yield from _use((*p, "transfer", "count"), eff.transfer.count, ("Transfer", "count"))
        yield from _use((*p, "transfer", "every_days"), eff.transfer.every_days,
                        ("Transfer", "every_days"))
    if eff.deliver is not None:
        yield from _use((*p, "deliver", "after_days"), eff.deliver.after_days,
                        ("Delivery", "after_days"))
        yield from _use((*p, "deliver", "gold_t"), eff.deliver.gold_t, ("Delivery", "gold_t"))
    if eff.request is not None:
        yield from _use((*p, "request", "probability"), eff.request.probability,
                        ("Request", "probability"))
    if eff.morale is not None:
        yield from _use((*p, "morale", "delta"), eff.morale.get("delta"),
                        ("MoraleChange", "delta"))
    if eff.partisans is not None:
        yield from _use((*p, "partisans", "detachments"), eff.partisans.detachments,
                        ("PartisanRaise", "detachments"))
    if eff.strike is not None:
        yield from _use((*p, "strike", "damage"), eff.strike.damage, ("Strike", "damage"))
        yield from _use((*p, "strike", "fort"), eff.strike.fort, ("Strike", "fort"))
    if eff.mobilise is not None:
        yield from _use((*p, "mobilise", "level"), eff.mobilise.level, ("MobilisePolicy", "level"))


def param_uses(spec: Scenario
               ) -> Iterator[tuple[tuple[Any, ...], str, str, float | None, float | None]]:
    """Every ``$name`` of a scenario: (path, parameter name, kind, lowest, highest).

    ``kind`` is what the field needs (int, float or date) and lowest/highest its bounds
    (:data:`PARAM_SLOTS`); the path is the field's place in the scenario file.
    """
    for i, o in enumerate(spec.orders):
        yield from _use(("orders", i, "date"), o.date, ("Order", "date"))
    for i, ev in enumerate(spec.events):
        yield from _trigger_uses(("events", i, "trigger"), ev.trigger)
        for j, eff in enumerate(ev.effects):
            yield from _effect_uses(("events", i, "effects", j), eff)
    if spec.diplomacy is not None:
        yield from param_uses_dip(spec.diplomacy, _use, _trigger_uses, _effect_uses)
    if spec.sea is not None:
        for i, ld in enumerate(spec.sea.landings):
            yield from _use(("sea", "landings", i, "date"), ld.date, ("Landing", "date"))
        for i, mv in enumerate(spec.sea.moves):
            yield from _use(("sea", "moves", i, "date"), mv.date, ("FleetMove", "date"))
        for i, fl in enumerate(spec.sea.fleets):
            yield from _use(("sea", "fleets", i, "scale"), fl.scale, ("Fleet", "scale"))


_Use = Callable[..., Iterator[Any]]


def param_uses_dip(dip: Diplomacy, use: _Use, trigger_uses: _Use, effect_uses: _Use
                   ) -> Iterator[tuple[tuple[Any, ...], str, str, float | None, float | None]]:
    """Every ``$name`` of the diplomacy block, as :func:`stavka.scenario.schema.param_uses`
    yields them (``use``, ``trigger_uses`` and ``effect_uses`` are its helpers)."""
    def effs(path: tuple[Any, ...], effects: list[Effect]) -> Iterator[Any]:
        for j, eff in enumerate(effects):
            yield from effect_uses((*path, j), eff)

    def weights(path: tuple[Any, ...], w: Spec, model: str) -> Iterator[Any]:
        for k in type(w).model_fields:
            yield from use((*path, k), getattr(w, k), (model, k))

    for sa, row in dip.trust.items():
        for sb, v in row.items():
            yield from use(("diplomacy", "trust", sa, sb), v, ("Diplomacy", "trust"))
    for i, r in enumerate(dip.requests):
        p: tuple[Any, ...] = ("diplomacy", "requests", i)
        if r.trigger is not None:
            yield from trigger_uses((*p, "trigger"), r.trigger)
        for k in ("risk", "probability", "counter_probability"):
            yield from use((*p, k), getattr(r, k), ("DipRequest", k))
        yield from use((*p, "offer", "value"), r.offer.value, ("Offer", "value"))
        yield from use((*p, "offer", "value_step"), r.offer.value_step, ("Offer", "value_step"))
        yield from weights((*p, "model"), r.model, "Weights")
        yield from effs((*p, "on_accept"), r.on_accept)
        yield from effs((*p, "on_refuse"), r.on_refuse)
        if r.counter is not None:
            yield from use((*p, "counter", "risk"), r.counter.risk, ("Counter", "risk"))
            yield from effs((*p, "counter", "effects"), r.counter.effects)
    for i, ag in enumerate(dip.agreements):
        p = ("diplomacy", "agreements", i)
        if ag.trigger is not None:
            yield from trigger_uses((*p, "trigger"), ag.trigger)
        yield from weights((*p, "model"), ag.model, "Weights")
        yield from effs((*p, "on_break"), ag.on_break)
        for j, cl in enumerate(ag.clauses):
            q = (*p, "clauses", j)
            if cl.trigger is not None:
                yield from trigger_uses((*q, "trigger"), cl.trigger)
            for k in ("risk", "value", "comply_probability"):
                yield from use((*q, k), getattr(cl, k), ("Clause", k))
            if cl.limit is not None:
                yield from use((*q, "limit", "max_men"), cl.limit.max_men, ("Limit", "max_men"))
            yield from effs((*q, "effects"), cl.effects)
    for i, ct in enumerate(dip.contracts):
        p = ("diplomacy", "contracts", i)
        if ct.trigger is not None:
            yield from trigger_uses((*p, "trigger"), ct.trigger)
        yield from use((*p, "price_gold_t"), ct.price_gold_t, ("Contract", "price_gold_t"))
        yield from use((*p, "route", "interdiction_chance"), ct.route.interdiction_chance,
                       ("Route", "interdiction_chance"))
    for i, n in enumerate(dip.neutrals):
        p = ("diplomacy", "neutrals", i)
        yield from weights((*p, "model"), n.model, "EntryModel")
        yield from effs((*p, "effects"), n.effects)


def planned_use(model: type[BaseModel], name: str) -> str | None:
    """What will use field ``name`` of ``model`` if the engine does not read it yet, else None."""
    extra = model.model_fields[name].json_schema_extra
    return extra.get("not_yet_used") if isinstance(extra, dict) else None  # type: ignore[return-value]


def not_yet_used_settings(spec: Scenario) -> Iterator[tuple[tuple[Any, ...], str, str]]:
    """Every field of ``spec`` the engine does not read yet and that is not at its default.

    Yields (path in the scenario file, ``Model.field``, what will use it), in file order of
    the spec (lists by index, maps by key).
    """
    def walk(path: tuple[Any, ...], v: Any) -> Iterator[tuple[tuple[Any, ...], str, str]]:
        if isinstance(v, BaseModel):
            cls = type(v)
            for name, f in cls.model_fields.items():
                value = getattr(v, name)
                planned = planned_use(cls, name)
                if planned is not None and value != f.get_default(call_default_factory=True):
                    yield (*path, f.alias or name), f"{cls.__name__}.{name}", planned
                yield from walk((*path, f.alias or name), value)
        elif isinstance(v, list):
            for i, x in enumerate(v):
                yield from walk((*path, i), x)
        elif isinstance(v, dict):
            for k, x in v.items():
                yield from walk((*path, k), x)

    yield from walk((), spec)
