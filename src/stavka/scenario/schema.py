"""The scenario specification: frozen, validated, documented field by field.

A scenario is YAML (see ``scenarios/two-fronts-1941``). These models are what
it becomes after loading: templates resolved, parameters declared, every field
checked. Units are in the field descriptions (men, km, trains/day, t, days).
Run-time state never lives here; it lives in the engine's arrays.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Terrain = Literal["open", "forest", "marsh", "mountain", "urban", "steppe", "taiga", "desert"]
Ground = Literal["dry", "wet", "mud", "frozen", "snow"]
EdgeKind = Literal["rail", "road", "sea", "river"]
Action = Literal["attack", "move", "rail", "defend", "hold", "withdraw"]
Stance = Literal["attack", "defend", "hold", "passive"]

#: A parameter reference: ``"$name"`` in a field that accepts one.
ParamRef = Annotated[str, Field(pattern=r"^\$[A-Za-z_][A-Za-z0-9_]*$")]


class Spec(BaseModel):
    """Base of all spec models: frozen, unknown fields rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Parameter(Spec):
    """A named lever of the scenario, overridable with ``--set name=value``."""

    type: Literal["int", "float", "bool", "date"] = Field(description="value type")
    default: int | float | bool | dt.date | None = Field(
        description="value used when not overridden; null only for date (never)"
    )
    min: float | None = Field(None, description="lowest allowed value (int/float)")
    max: float | None = Field(None, description="highest allowed value (int/float)")
    description: str = Field("", description="what the lever means, for `stavka info`")

    @model_validator(mode="after")
    def _check(self) -> Parameter:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min must be <= max (got {self.min} > {self.max})")
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
    front: str = Field("rear", description="theatre label used for reports, e.g. west / east")
    vp: int = Field(0, ge=0, description="victory points")
    industry: float = Field(0.0, ge=0, description="industry level (arbitrary units)")
    fort: int = Field(0, ge=0, le=3, description="fortification level 0-3")
    port: bool = Field(False, description="has a port")
    supply_source: bool = Field(False, description="the owner draws supply from here")
    source: str = Field("", description="citation of the coordinates / facts")


class Edge(Spec):
    """A link between two nodes."""

    a: str = Field(description="node id")
    b: str = Field(description="node id")
    kind: EdgeKind = Field(description="rail, road, sea or river link")
    km: float = Field(gt=0, description="length, km")
    capacity: float | None = Field(
        None, gt=0, description="rail only: military trains per day each direction"
    )
    river: str | None = Field(None, description="river id crossed (see climate.rivers)")
    source: str = Field("", description="citation")

    @model_validator(mode="after")
    def _rail_capacity(self) -> Edge:
        if self.kind == "rail" and self.capacity is None:
            raise ValueError("rail edge needs 'capacity' (trains/day)")
        return self


class WeatherPeriod(Spec):
    """Ground state and temperature between two dates (inclusive)."""

    start: dt.date = Field(alias="from", description="first day")
    end: dt.date | None = Field(None, alias="to", description="last day (open if absent)")
    ground: Ground = Field(description="ground state")
    temp_c: float = Field(10.0, ge=-60, le=50, description="typical air temperature, deg C")
    source: str = ""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class River(Spec):
    """A river whose crossings freeze (the Amur at Khabarovsk in late November)."""

    freeze: dt.date = Field(description="date the river freezes over")
    thaw: dt.date | None = Field(None, description="date the ice breaks up")
    source: str = ""


class Climate(Spec):
    """A climate zone's calendar."""

    name: str = ""
    default_temp_c: float = Field(10.0, description="temperature outside listed periods")
    periods: list[WeatherPeriod] = Field(default_factory=list)


class Factory(Spec):
    """Production at a node; its owner gets the output (lost if captured)."""

    node: str
    side: str = Field(description="side that owns the plant at start")
    tanks_per_day: float = Field(0, ge=0)
    guns_per_day: float = Field(0, ge=0)
    aircraft_per_day: float = Field(0, ge=0)
    trucks_per_day: float = Field(0, ge=0)
    supply_per_day: float = Field(0, ge=0, description="t of supply")
    evacuate_from: dt.date | None = Field(
        None, description="date evacuation starts (output falls to 0, resumes in the east)"
    )
    source: str = ""


class Mobilisation(Spec):
    """Manpower into new formations after training."""

    men_per_day: float = Field(0, ge=0, description="men called up per day")
    template: str | None = Field(None, description="formation type raised")
    at: str | None = Field(None, description="node where new formations appear")
    training_days: int = Field(30, ge=0, description="days from call-up to combat")
    max_new: int = Field(0, ge=0, description="at most this many formations raised")
    industry_cost: float = Field(0.0, ge=0, le=1, description="production lost per raised unit")


class Side(Spec):
    """A nation or coalition member."""

    name: str
    alliance: str = Field(description="alliance id; sides of one alliance never fight")
    colour: str = Field("#888888", pattern=r"^#[0-9a-fA-F]{6}$")
    manpower: int = Field(0, ge=0, description="men available for mobilisation")
    gold_t: float = Field(0, ge=0, description="gold reserve, t")
    supply_stock: float = Field(0, ge=0, description="central stockpile of supply, t")
    mobilisation: Mobilisation = Field(default_factory=Mobilisation)
    doctrine: dict[str, Stance] = Field(
        default_factory=dict, description="default AI stance per front (front label -> stance)"
    )
    source: str = ""


class FormationType(Spec):
    """A template for formations; fields are the full-strength establishment."""

    inherits: str | None = None
    abstract: bool = Field(False, description="template only; no formation may use it directly")
    kind: Literal["infantry", "armour", "motorised", "cavalry", "fortified", "air", "hq"] = "infantry"
    men: int = Field(0, ge=0)
    tanks: int = Field(0, ge=0)
    guns: int = Field(0, ge=0, description="guns and mortars")
    aircraft: int = Field(0, ge=0)
    trucks: int = Field(0, ge=0)
    rail_trains: float = Field(30, gt=0, description="trains to move the full formation by rail")
    speed_km_day: float = Field(20, gt=0, description="road march on dry open ground, km/day")
    quality: float = Field(1.0, gt=0, le=3, description="combat effectiveness multiplier")
    supply_days: float = Field(10, ge=0, description="days of supply carried")
    source: str = ""


class Formation(Spec):
    """A division, brigade, corps or army at its starting state."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    side: str
    type: str
    location: str
    men: int = Field(ge=0, description="men")
    tanks: int = Field(0, ge=0)
    guns: int = Field(0, ge=0)
    aircraft: int = Field(0, ge=0)
    trucks: int = Field(0, ge=0)
    quality: float = Field(1.0, gt=0, le=3)
    morale: float = Field(1.0, ge=0, le=1)
    supply: float = Field(1.0, ge=0, le=1, description="fraction of supply_days on hand")
    fort_days: int = Field(0, ge=0, description="days already dug in (posture)")
    arrives: dt.date | None = Field(None, description="enters play on this date")
    reserve: bool = Field(False, description="inactive until an event releases it")
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
    target: str | None = Field(None, description="node id (attack/move/rail)")
    note: str = ""

    @model_validator(mode="after")
    def _check(self) -> Order:
        if not self.formations and self.select is None:
            raise ValueError("order needs 'formations' or 'select'")
        if self.action in ("attack", "move", "rail") and self.target is None:
            raise ValueError(f"action '{self.action}' needs a 'target' node")
        return self


class Trigger(Spec):
    """When an event fires. All given conditions must hold (``any`` is an OR-list)."""

    date: dt.date | ParamRef | None = Field(None, description="on or after this date")
    after: dt.date | None = Field(None, description="not before this date")
    before: dt.date | None = Field(None, description="not after this date")
    captured: str | None = Field(None, description="node id taken by an enemy of its start owner")
    held_by: dict[str, str] | None = Field(None, description="{node: side} currently holds")
    strength_below: StrengthCondition | None = None
    param: ParamCondition | None = None
    event: str | None = Field(None, description="another event has fired")
    any: list[Trigger] = Field(default_factory=list)


class StrengthCondition(Spec):
    """A side's men on a front fall below a fraction of another side's (or its own start)."""

    side: str
    front: str
    fraction: float | ParamRef = Field(description="threshold fraction")
    of: Literal["start", "enemy"] = Field(
        "start", description="compare with own start strength or the enemy's current"
    )
    enemy: str | None = None


class ParamCondition(Spec):
    """A parameter compared with a value."""

    name: str
    op: Literal["==", "!=", ">", ">=", "<", "<=", "set", "unset"] = "set"
    value: float | bool | None = None


class Effect(Spec):
    """What an event does; exactly one key."""

    declare_war: list[str] | None = Field(None, description="[side, on_side]")
    stance: dict[str, Any] | None = Field(None, description="{side, front, stance}")
    morale: dict[str, Any] | None = Field(None, description="{side, front?, delta}")
    release: Selector | None = Field(None, description="reserve formations enter play")
    transfer: Transfer | None = None
    deliver: Delivery | None = None
    chronicle: str | None = Field(None, description="a dispatch for the chronicle")
    request: Request | None = None

    @model_validator(mode="after")
    def _one(self) -> Effect:
        n = sum(v is not None for v in self.__dict__.values())
        if n != 1:
            raise ValueError(f"an effect has exactly one kind (got {n})")
        return self


class Transfer(Spec):
    """Entrain formations matching a selector and send them by rail to a node."""

    select: Selector
    count: int | ParamRef = Field(description="how many formations (ids order)")
    to: str = Field(description="destination node")
    every_days: int | ParamRef = Field(0, description="days between successive departures")


class Delivery(Spec):
    """Materiel arriving at a node after a delay (trade, Lend-Lease, gold for trucks)."""

    side: str
    at: str
    after_days: int | ParamRef = 0
    tanks: float = 0
    guns: float = 0
    aircraft: float = 0
    trucks: float = 0
    supply: float = 0
    men: float = 0
    gold_t: float | ParamRef = Field(0, description="gold paid, t")


class Request(Spec):
    """Ask another side for help; accepted with a probability (seeded)."""

    to: str
    probability: float | ParamRef
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


class Scenario(Spec):
    """A whole scenario, loaded and checked."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="stable id (folder name)")
    name: str = Field(description="display name")
    description: str = Field("", description="what the scenario is about")
    combat_model: Literal["v1", "v2", "v3"] = Field(
        "v1", description="combat model version (src/stavka/combat; v1 kept for replays)")
    start: dt.date = Field(description="first simulated day")
    end: dt.date = Field(description="last simulated day")
    sources: dict[str, str] = Field(default_factory=dict, description="citation keys")
    parameters: dict[str, Parameter] = Field(default_factory=dict, description="levers (--set)")
    climate: dict[str, Climate] = Field(description="climate zones and their calendars")
    rivers: dict[str, River] = Field(default_factory=dict, description="freezing rivers")
    sides: dict[str, Side] = Field(description="sides by id")
    wars: list[list[str]] = Field(default_factory=list, description="pairs at war at start")
    nodes: list[Node] = Field(description="regions")
    edges: list[Edge] = Field(description="rail, road, sea and river links")
    formation_types: dict[str, FormationType] = Field(description="templates by id")
    formations: list[Formation] = Field(description="the order of battle at start")
    factories: list[Factory] = Field(default_factory=list, description="production")
    orders: list[Order] = Field(default_factory=list, description="the default script")
    events: list[Event] = Field(default_factory=list, description="triggers and effects")
    victory: Victory = Field(default_factory=Victory, description="outcome flags")
    rail_speed_km_day: float = Field(600, gt=0, description="troop train speed, km/day")
    refit_every_days: int = Field(
        1, ge=1, le=30,
        description="days between refits of formations from their side's pool of new "
                    "equipment (1 = daily; 7 = weekly replacement batches)")

    @model_validator(mode="after")
    def _dates(self) -> Scenario:
        if self.end <= self.start:
            raise ValueError(f"'end' must be after 'start' (got {self.end} <= {self.start})")
        return self

    @property
    def days(self) -> int:
        """Campaign length in days (start and end inclusive)."""
        return (self.end - self.start).days + 1


Trigger.model_rebuild()
Effect.model_rebuild()
