"""The campaign's rules as one versioned, cited parameter set.

Every constant of a campaign rule (truck range, regauging, starvation, surrender,
garrisons, march speeds, the AI's choices) is a field of :class:`Rules`: its unit, its
physical bounds and its meaning are declared here, its value and the source of that
value in ``rules_<version>.yaml`` beside this module. The combat model's own parameters
are :class:`stavka.combat.CombatParams` (fitted on CDB90); these are the rest.

A scenario chooses a version (``rules_version``, default :data:`RULES_VERSION`); a
run may override any rule like a scenario parameter, by name ``rules.<name>``
(``stavka run --set rules.truck_range_km=300``, ``stavka sweep --vary
rules.regauge_days=10,20,30``, ``Campaign(params={"rules.surrender_morale": 0.2})``),
checked against the rule's bounds. Calibration and sensitivity analysis use the same
mechanism.

An on/off rule is a *switch* (declared with ``_switch``, unit ``0/1``): its value is 0
(off) or 1 (on), never a fraction, wherever it is set (:func:`check`, the rules files,
a scenario's ``rules:`` block, ``--set``, ``--vary``, ``--grid``, params), and the code
reads it only as :meth:`Rules.on`.

A *table* rule holds one value per ground or terrain (``ground_speed``,
``terrain_speed``). One entry of it is named ``<rule>.<key>`` and set like any rule
(``--set rules.ground_speed.mud=0.6``, ``--vary rules.terrain_speed.forest=0.6,0.8``, a
scenario's ``rules:`` block), checked against the table's bounds; the whole table is set
only in a rules file.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from ruamel.yaml import YAML

from stavka.enums import GROUNDS, TERRAINS
from stavka.errors import InputError

#: The rules version a scenario gets unless it names one.
RULES_VERSION = "v13"
#: Prefix of a rule's name among a run's parameters.
PREFIX = "rules."


def _rule(unit: str, lo: float, hi: float, doc: str) -> Any:
    return field(metadata={"unit": unit, "lo": lo, "hi": hi, "doc": doc})


def _table(keys: tuple[str, ...], unit: str, lo: float, hi: float, doc: str) -> Any:
    """A rule with one value per key (in ``keys``' order); an entry is set by name,
    ``<rule>.<key>`` (:func:`entry`)."""
    return field(metadata={"unit": unit, "lo": lo, "hi": hi, "doc": doc, "keys": keys})


def _switch(doc: str) -> Any:
    """A rule that is on or off: its value is exactly 0 (off) or 1 (on), nothing between
    (:func:`check`); the code reads it with :meth:`Rules.on`."""
    return field(metadata={"unit": "0/1", "lo": 0.0, "hi": 1.0, "doc": doc, "switch": True})


@dataclass(frozen=True)
class Rules:
    """The campaign rules' values (see ``rules_v*.yaml`` for each value's source)."""

    # --- supply (stavka.engine.phases.supply)
    truck_range_km: float = _rule(
        "km", 1.0, 2000.0, "road distance beyond the railhead at which truck-borne supply "
        "falls to zero (linearly), on dry ground")
    truck_reach_exp: float = _rule(
        "1", 0.0, 3.0, "motorisation sets the supply reach: the truck range is multiplied by "
        "the alliance's truck fill (trucks held / trucks its formations in play need, within "
        "truck_fill_min..truck_fill_max) to this power")
    truck_fill_min: float = _rule("1", 0.01, 1.0, "lower clip of the truck fill")
    truck_fill_max: float = _rule("1", 1.0, 10.0, "upper clip of the truck fill")
    regauge_days: float = _rule(
        "days", 0.0, 365.0, "days before a captured region's railway serves its captor "
        "(regauging, repair)")
    refill_rate: float = _rule(
        "1", 0.0, 10.0, "supply refilled per day at full supply level, in multiples of "
        "the daily consumption")
    starve_men_per_day: float = _rule(
        "1/day", 0.0, 0.5, "fraction of men lost per day by a formation with no supply "
        "on hand (sickness, desertion, frost)")
    starve_morale_per_day: float = _rule(
        "1/day", 0.0, 1.0, "morale lost per day with no supply on hand")
    encircled_morale_per_day: float = _rule(
        "1/day", 0.0, 1.0, "morale lost per day by an encircled formation")
    surrender_morale: float = _rule(
        "1", 0.0, 1.0, "an encircled formation out of supply surrenders below this morale")
    recover_morale_per_day: float = _rule(
        "1/day", 0.0, 1.0, "morale regained per day by a supplied formation not encircled")
    encircled_burn: float = _rule(
        "1", 0.0, 20.0, "an encircled formation uses supply this many times as fast "
        "(break-out attacks, dumps lost)")
    sick_per_day: float = _rule(
        "1/day", 0.0, 0.1, "fraction of a formation's men who fall sick each day in the "
        "field (sanitary, non-battle; they return like the wounded)")
    frost_sick_per_degday: float = _rule(
        "1/(day*degC)", 0.0, 0.01, "extra fraction of men lost to frostbite and cold each "
        "day per degree C below frost_threshold_c, for a side without winter equipment "
        "(Side.winter_equipment false); sanitary, they return like the wounded")
    frost_threshold_c: float = _rule(
        "degC", -60.0, 20.0, "temperature below which an army without winter equipment "
        "loses men to the cold")
    recover_min_supply: float = _rule(
        "1", 0.0, 1.0, "supply on hand above which morale recovers")
    # --- supply in tons (stavka.engine.tonnage; supply_tons = 1, on from rules v12)
    supply_tons: float = _switch(
        "1: supply is counted in tons (stavka.engine.tonnage): each "
        "formation demands tons a day, rail edges carry tons_per_train per free train (troop "
        "trains use their share), trucks beyond the railhead carry truck_tkm_per_day, "
        "factories' supply_per_day caps each source, captured railways are regauged at "
        "regauge_km_per_day from the railhead (regauge_days is not used); 0: the level is "
        "traced reachability and the truck falloff")
    supply_kg_per_man: float = _rule(
        "kg/(man*day)", 0.0, 100.0, "supply a formation needs a day per man (food, "
        "ammunition, fuel of its own vehicles; supply_tons only)")
    supply_t_per_tank: float = _rule(
        "t/(tank*day)", 0.0, 20.0, "extra supply a day per tank (fuel, ammunition, spares; "
        "supply_tons only)")
    supply_t_per_gun: float = _rule(
        "t/(gun*day)", 0.0, 20.0, "extra supply a day per gun or mortar (ammunition; "
        "supply_tons only)")
    tons_per_train: float = _rule(
        "t", 1.0, 5000.0, "net supply tons one train carries (a rail edge's capacity in "
        "trains/day times this; supply_tons only)")
    regauge_km_per_day: float = _rule(
        "km/day", 0.0, 1000.0, "km of captured railway a side's railway troops convert a "
        "day on each line leading on from its railhead (supply_tons only)")
    truck_tkm_per_day: float = _rule(
        "t*km/day", 0.0, 10000.0, "ton-km of supply one truck held by an alliance's "
        "formations on a front delivers a day from the railhead (averaged over all its trucks, "
        "most of them in tactical use; supply_tons only)")
    truck_base_km: float = _rule(
        "km", 0.0, 1000.0, "truck haul from a region's railhead station to the troops in it "
        "(added to the road km beyond the railhead; supply_tons only)")
    # --- combat (stavka.engine.phases.combat, stavka.ai.attack)
    hours_per_day: float = _rule(
        "h", 1.0, 24.0, "active combat hours per day at campaign scale")
    massing_exp: float = _rule(
        "1", 0.0, 3.0, "force concentration at campaign scale: the attacker's CEV is "
        "multiplied by (attacking men / defending men)^massing_exp")
    massing_cap: float = _rule(
        "1", 1.0, 100.0, "the men ratio of massing_exp is clipped to 1/cap..cap")
    massing_urban: float = _switch(
        "1: an attacker outnumbering a city's defenders masses on it as on open ground "
        "(massing_exp); 0: a city is defended block by block all round, there is no "
        "sector to mass on, so an attacker gains nothing from numbers there (an "
        "outnumbered one still meets its reserves)")
    combat_break_mult: float = _rule(
        "1", 0.01, 100.0, "the CDB90-fitted daily break hazard times this at campaign scale "
        "(a region's battle is many engagements in depth)")
    combat_loss_mult: float = _rule(
        "1", 0.01, 100.0, "the CDB90-fitted daily loss rates times this at campaign scale")
    frontage_men: float = _rule(
        "men", 1e3, 1e9, "most men of one side that fight in a region's battle on a day "
        "(the line a region's front can hold); the rest are in reserve, share the line's "
        "losses in proportion and add nothing to its force; 1e9 = no limit")
    frontage_urban: float = _rule(
        "1", 1.0, 100.0, "a city is defended in depth: its defenders' frontage_men is this "
        "many times as large")
    tank_loss_ratio: float = _rule(
        "1", 0.0, 20.0, "a formation's tank loss fraction in battle over its gun and "
        "aircraft loss fraction (armour is lost faster than other equipment)")
    attacker_gun_loss: float = _rule(
        "1", 0.0, 1.0, "an attacking formation's gun loss fraction in battle over its "
        "equipment loss fraction: an attacker's artillery fires from behind its own line and "
        "is overrun only where a defender's is (1: guns are lost like other equipment)")
    defender_gun_loss: float = _rule(
        "1", 0.0, 5.0, "a defending formation's gun loss fraction in battle over its "
        "equipment loss fraction (at most 1): a defender's guns stand in and just behind "
        "its line and are overrun with it (1: guns are lost like other equipment)")
    air_loss_ratio: float = _rule(
        "1", 0.0, 20.0, "an air formation's aircraft loss fraction on a day over the mean "
        "equipment loss fraction of the battles its side fights on its front that day, "
        "which its aircraft fly for (0: aircraft are never lost)")
    orders_persist: float = _switch(
        "1: a scripted or player attack that is halted resumes its order "
        "after the rest (an operation keeps its objective); 0: it is dropped and the "
        "doctrine decides")
    culmination_morale: float = _rule(
        "1", 0.0, 1.0, "a halted order is resumed (orders_persist) only by a formation whose "
        "morale is at least this; below it the offensive has culminated and the order "
        "lapses to the doctrine")
    halt_morale: float = _rule(
        "1", 0.0, 1.0, "morale an attacker loses when its attack is halted")
    min_attack_supply: float = _rule(
        "1", 0.0, 1.0, "supply on hand an attacker needs to attack")
    battle_supply_days: float = _rule(
        "days", 0.0, 30.0, "extra days of supply a formation burns in a day of battle")
    rout_loss: float = _rule(
        "1", 0.0, 1.0, "extra fraction of men and equipment a broken defender loses "
        "when it retreats")
    rout_morale: float = _rule(
        "1", 0.0, 1.0, "a retreating defender's morale is multiplied by this")
    prepared_after_days: float = _rule(
        "days", 0.0, 365.0, "days dug in after which a hasty defence counts as prepared")
    river_fraction: float = _rule(
        "1", 0.0, 1.0, "an attack is across a river when more than this fraction of its "
        "men cross one")
    rest_days: float = _rule(
        "days", 0.0, 60.0, "days an attacker rests after its attack is called off or halted")
    wounded_fraction: float = _rule(
        "1", 0.0, 1.0, "fraction of the men a formation loses in battle who are wounded "
        "(sanitary losses); the rest are killed or missing")
    wounded_return_fraction: float = _rule(
        "1", 0.0, 1.0, "fraction of the wounded who return to duty")
    wounded_return_days: float = _rule(
        "days", 1.0, 365.0, "mean days before a wounded man returns to duty (through the "
        "side's replacement pool)")
    # --- the AI (stavka.ai.doctrine)
    garrison_men_per_vp: float = _rule(
        "men", 0.0, 1e6, "men a side keeps in a victory region per victory point when its "
        "formations leave it")
    target_km_per_vp: float = _rule(
        "km", 0.0, 1e4, "an attacking AI prefers a target one victory point richer to one "
        "this much nearer")
    defend_men_per_km: float = _rule(
        "men", 1.0, 1e7, "a defending AI prefers a threatened region with this many fewer "
        "defenders to one a kilometre nearer")
    defend_stack_men: float = _rule(
        "men", 1e3, 1e9, "a defending AI keeps at most this many idle defenders in one "
        "threatened region (frontage: a region's front takes so many divisions) and sends "
        "the surplus to other threatened regions; 1e9 = no limit")
    defend_keep_ratio: float = _rule(
        "1", 0.0, 100.0, "a defending AI keeps in a threatened region at most this many "
        "idle or dug-in defenders per enemy man in the regions next to it, and sends the "
        "surplus to other threatened regions (forces follow the threat); 0 = no such "
        "limit (defend_stack_men alone)")
    cover_ratio: float = _rule(
        "1", 0.0, 10.0, "a region next to the enemy keeps at least this many men per enemy "
        "man in the regions next to it when its formations leave to attack or reinforce "
        "elsewhere (the sector is not uncovered); 0 = no such rule")
    rear_release: float = _switch(
        "1: a defender dug in where no enemy is next to it (a rear region "
        "after a retreat) is sent on to the threatened line like an idle one, the garrison "
        "rule permitting; 0: it stays dug in")
    move_retarget: float = _switch(
        "1: an AI move whose destination has fallen to an enemy that holds it with troops "
        "is ended and the formation chooses again; 0: it waits for the road to clear "
        "(rules v1-v4: retreating armies waited for weeks)")
    stance_recall: float = _switch(
        "1: when a front's stance is no longer attack, the AI's own attacks there end and "
        "its formations choose again under the new stance (scripted and player orders run "
        "on); 0: an attack the doctrine began goes on to its objective whatever the stance")
    reserve_dispatch: float = _switch(
        "1: the defending side's command sends reserves to its threatened cities - a "
        "victory region next to the enemy short of max(vp x garrison_men_per_vp, "
        "cover_ratio x the enemy men next to it), counting men on the way, gets idle "
        "formations from regions no enemy is next to, the nearest first (by rail where "
        "its own railway runs, else on foot), until the shortfall is met, each source "
        "keeping its own garrison; 0: reserves move only as the doctrine's idle "
        "defenders do")
    retreat_off_axis: float = _switch(
        "1: a broken defender does not retreat onto the attackers' axis - the neighbour "
        "their march takes next from the battle toward their objective - unless no other "
        "friendly neighbour is left (a spearhead drives down the road its enemy would "
        "fall back on, and cuts it off); 0: the retreat may go ahead of the spearhead")
    salient_withdraw: float = _switch(
        "1: defenders in a salient (one land neighbour still held by their alliance, two "
        "or more held by the enemy) fall back to that last exit before the pocket closes, "
        "leaving a city's garrison (garrison_men_per_vp); 0: they stay dug in")
    salient_cover: float = _switch(
        "1: a salient's defenders fall back only as far as the cover rule also allows "
        "(cover_ratio x the enemy men next to the salient stay; rules v1-v12, where the "
        "cover rule, added in v9, held most salients in place); 0: only the city's "
        "garrison stays, as salient_withdraw says (v13)")
    cold_cev_per_deg: float = _rule(
        "1/degC", 0.0, 0.2, "CEV lost per degree C below frost_threshold_c by the formations "
        "of a side without winter equipment (Side.winter_equipment false) in a battle: "
        "weapons, engines and men fail in the frost; 0 = none (rules v1-v12)")
    cold_cev_min: float = _rule(
        "1", 0.1, 1.0, "the least CEV factor cold_cev_per_deg leaves")
    active_defence: float = _switch(
        "1: defenders in contact counterattack the weakest enemy next to them when their "
        "men there are at least counterattack_ratio times the enemy's, the garrison and "
        "cover rules permitting, at the AI's attack odds (Soviet counterattacks of "
        "November 1941; v13); 0: a defending front never attacks (rules v1-v12)")
    counterattack_ratio: float = _rule(
        "1", 0.5, 100.0, "men of a defending group per enemy man in the neighbour it "
        "counterattacks under active_defence")
    # --- movement (stavka.engine.phases.movement)
    enemy_ground_speed: float = _rule(
        "1", 0.0, 1.0, "march speed factor into an enemy-held region (screens, "
        "demolitions, mines)")
    unsupplied_speed: float = _rule(
        "1", 0.0, 1.0, "march speed factor of a formation with no supply on hand (1 at "
        "full supply, linear between)")
    unmotorised_speed: float = _rule(
        "1", 0.0, 1.0, "speed factor of a motorised or armoured formation with no trucks "
        "(1 at its full establishment of trucks, linear between)")
    min_train_fraction: float = _rule(
        "1", 0.0, 1.0, "least fraction of its establishment's trains a depleted formation "
        "needs")
    ground_speed: tuple[float, ...] = _table(
        GROUNDS, "1", 0.0, 2.0, "road-march speed factor by ground (dry, wet, mud, frozen, snow); "
        "also scales the truck range")
    terrain_speed: tuple[float, ...] = _table(
        TERRAINS, "1", 0.0, 2.0, "road-march speed factor by terrain of the region entered (open, "
        "forest, marsh, mountain, urban, steppe, taiga, desert)")
    highway_ground_speed: float = _rule(
        "1", 0.0, 2.0, "on a link along a paved highway (Edge.highway) a march's ground "
        "factor is at least this: the mud and snow slow a column on a metalled road less "
        "than on a dirt one (0: highways are like any road)")
    # --- economy (stavka.engine.phases.economy)
    evacuation_days: float = _rule(
        "days", 0.0, 365.0, "days an evacuated factory produces nothing (plants on trains)")
    refit_min_supply: float = _rule(
        "1", 0.0, 1.0, "supply on hand above which a formation takes replacements")

    # --- morale collapse (stavka.engine.morale; every one off at its shipped value)
    desert_max_per_day: float = _rule(
        "1/day", 0.0, 0.5, "fraction of a formation's men who desert each day at morale 0; "
        "it grows linearly from 0 at rules.desert_morale (0: no desertion)")
    desert_morale: float = _rule(
        "1", 0.01, 1.0, "morale below which men begin to desert")
    dissolve_morale: float = _rule(
        "1", 0.0, 1.0, "a formation whose morale falls below this dissolves without "
        "fighting: its men desert, its equipment is abandoned (0: never)")
    panic_morale: float = _rule(
        "1", 0.0, 1.0, "a formation below this morale is broken: its panic spreads to "
        "formations of its side in its own and neighbouring regions")
    panic_spread_per_day: float = _rule(
        "1/day", 0.0, 1.0, "fraction of the gap to the lowest broken neighbour's morale a "
        "formation loses each day (0: morale does not spread)")
    siege_desert_factor: float = _rule(
        "1", 0.0, 1.0, "desertion is multiplied by this under a state of siege (tribunals, "
        "patrols; 1: no effect)")
    siege_men_per_day: float = _rule(
        "1/day", 0.0, 0.1, "fraction of men lost each day under a state of siege (tribunals, "
        "executions, men taken for patrols)")
    siege_morale_cap: float = _rule(
        "1", 0.0, 1.0, "morale ceiling under a state of siege (fear is not confidence)")
    blocking_desert_factor: float = _rule(
        "1", 0.0, 1.0, "desertion is multiplied by this in a region where the side has a "
        "blocking detachment (a formation tagged 'blocking'; 1: no effect)")
    blocking_morale_cap: float = _rule(
        "1", 0.0, 1.0, "morale ceiling of formations in a region with their side's blocking "
        "detachment")
    # --- commanders (stavka.engine.commanders; they act only where a scenario has some)
    commander_loss_morale: float = _rule(
        "1", 0.0, 1.0, "morale lost by a commander's formations when he is killed or "
        "captured")
    commander_capture_share: float = _rule(
        "1", 0.0, 1.0, "fraction of commanders lost in battle who are captured (the rest "
        "are killed)")

    # --- strikes, partisans, mobilisation, resources (stavka.engine.interdiction; they
    # act only in a scenario with strike, partisans or mobilise effects or factory resources)
    strike_repair_per_day: float = _rule(
        "1/day", 0.0, 1.0, "fraction of a struck rail edge's full train capacity repaired a "
        "day (0: never repaired)")
    strike_damage_per_aircraft: float = _rule(
        "1/aircraft", 0.0, 1.0, "fraction of a rail edge's train capacity one aircraft of a "
        "strike's air formations knocks out")
    strike_fort_per_aircraft: float = _rule(
        "levels/aircraft", 0.0, 3.0, "fortification levels one aircraft of a strike's air "
        "formations knocks out")
    fort_repair_per_day: float = _rule(
        "levels/day", 0.0, 3.0, "fortification levels of a struck region rebuilt a day")
    partisan_cut_per_detachment: float = _rule(
        "1/detachment", 0.0, 1.0, "fraction of the train capacity of each rail edge at a "
        "region, and of the supply level there, that one partisan detachment in the region "
        "cuts while an enemy of its side holds the region")
    partisan_cut_max: float = _rule(
        "1", 0.0, 1.0, "most of an edge's capacity (or a region's supply level) partisans cut")
    partisan_hunt_per_day: float = _rule(
        "1/day", 0.0, 1.0, "fraction of a region's partisan detachments destroyed a day per "
        "10,000 men of the enemy (security troops) in the region (at most all of them)")
    mobilise_men_per_day: float = _rule(
        "men/day", 0.0, 1e6, "men a day a side's total mobilisation at level 1 adds to its "
        "replacement pool")
    mobilise_output_cut: float = _rule(
        "1", 0.0, 1.0, "fraction of a side's factory output lost under total mobilisation at "
        "level 1 (the men taken off farms and benches)")
    resource_delay_days: float = _rule(
        "days", 0.0, 365.0, "days a factory works on stockpiled minerals after a region "
        "whose mines feed it is lost")

    def on(self, name: str) -> bool:
        """Whether switch ``name`` (a rule declared with ``_switch``: 0 or 1) is on: the one
        way the code reads a switch. Raises :class:`InputError` for a rule that is not a
        switch."""
        if not is_switch(name):
            raise InputError(f"rule '{name}' is not a switch")
        return bool(getattr(self, name) == 1.0)

    def value(self, name: str) -> float:
        """The value of one-value rule or table entry ``name`` (``ground_speed.mud``).
        Raises :class:`InputError` for an unknown name or a whole table."""
        require_one_value(name)
        rule, index = entry(name)
        got = getattr(self, rule)
        return float(got if index is None else got[index])

    def override(self, name: str, value: float) -> Rules:
        """A copy with rule ``name`` set to ``value``. Raises :class:`InputError` for an
        unknown rule or a value outside the rule's bounds (:func:`check`)."""
        value = check(name, value)
        rule, index = entry(name)
        if index is None:
            return dataclasses.replace(self, **{name: value})  # type: ignore[arg-type]
        table = list(getattr(self, rule))
        table[index] = value
        return dataclasses.replace(self, **{rule: tuple(table)})  # type: ignore[arg-type]


def _exact(value: float) -> str:
    """``value`` as the shortest text that reads back as the same float (``100.0000001``,
    ``2``, ``nan``, ``inf``): an error names the value given, not one rounded until it
    looks valid, as ``:g`` would (``100``)."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def check(name: str, value: float) -> float:
    """``value`` as a float if rule ``name`` exists, takes one value and ``value`` lies
    within its bounds (NaN never does), and is 0 or 1 for a switch. Raises
    :class:`InputError` naming the closest rule, a table rule, a switch, or the rule's
    range and unit."""
    spec = field_spec(name)
    lo, hi = spec.metadata["lo"], spec.metadata["hi"]
    require_one_value(name)
    if spec.metadata.get("switch") and value not in (0, 1):
        raise InputError(f"rule '{name}' is a switch: 0 (off) or 1 (on), not {_exact(value)}")
    if not lo <= value <= hi:
        raise InputError(f"rule '{name}' = {_exact(value)} is outside its range {lo:g}..{hi:g} "
                         f"({spec.metadata['unit']})")
    return float(value)


@functools.cache
def is_switch(name: str) -> bool:
    """Whether rule ``name`` is a switch (0 off, 1 on). Raises :class:`InputError` for an
    unknown rule."""
    return bool(field_spec(name).metadata.get("switch"))


def switches() -> list[str]:
    """Every switch's name, in declaration order."""
    return [f.name for f in dataclasses.fields(Rules) if f.metadata.get("switch")]


def names() -> list[str]:
    """Every rule's name, in declaration order."""
    return [f.name for f in dataclasses.fields(Rules)]


def entry(name: str) -> tuple[str, int | None]:
    """``(rule, index)`` of a table entry ``<rule>.<key>``, ``(name, None)`` for a whole
    rule. Raises :class:`InputError` for an unknown rule, an entry of a rule that is not a
    table, or a key the table does not have (naming its keys)."""
    if "." not in name:
        field_spec(name)
        return name, None
    rule, key = name.split(".", 1)
    keys = field_spec(rule).metadata.get("keys")
    if keys is None:
        raise InputError(f"rule '{rule}' takes one value; it has no entry {key[:40]!r}")
    if key not in keys:
        from stavka.errors import did_you_mean

        raise InputError(f"rule '{rule}' has no entry {key[:40]!r} (its entries: "
                         f"{', '.join(keys)}){did_you_mean(key, keys)}")
    return rule, keys.index(key)


def takes_one_value(name: str) -> bool:
    """Whether ``name`` (a rule or a table entry ``<rule>.<key>``) is set from one
    number: every rule but a whole table. Raises :class:`InputError` as :func:`entry`."""
    rule, index = entry(name)
    return index is not None or "keys" not in field_spec(rule).metadata


def require_one_value(name: str) -> None:
    """Raise :class:`InputError` naming the entries to set instead if ``name`` is a whole
    table rule (or as :func:`entry` for an unknown name)."""
    if not takes_one_value(name):
        keys = field_spec(name).metadata["keys"]
        raise InputError(f"rule '{name}' is a table; set one entry of it, "
                         f"'{name}.{keys[0]}' ({', '.join(keys)})")


def field_spec(name: str) -> dataclasses.Field[Any]:
    """The declaration of rule ``name`` (unit, bounds, meaning in its metadata); for a
    table entry ``<rule>.<key>``, the table's. Raises :class:`InputError` naming the
    closest rule for an unknown name."""
    if "." in name:
        return field_spec(entry(name)[0])
    for f in dataclasses.fields(Rules):
        if f.name == name:
            return f
    from stavka.errors import did_you_mean

    raise InputError(f"unknown rule {name[:60]!r}{did_you_mean(name, names())}")


def versions() -> tuple[str, ...]:
    """The shipped rules versions (``rules_<version>.yaml`` beside this module)."""
    found = [p.name[len("rules_"):-len(".yaml")] for p in resources.files("stavka.rules").iterdir()
             if p.name.startswith("rules_") and p.name.endswith(".yaml")]
    return tuple(sorted(found, key=lambda v: (len(v), v)))


@functools.cache
def load(version: str = RULES_VERSION) -> Rules:
    """The rules of ``version``, read from ``rules_<version>.yaml`` (each entry ``NAME:
    {value: V, source: "..."}``). Raises :class:`InputError` for an unknown version, a
    missing or unknown rule, a value that is not a number (a list for a table rule), a
    value outside its bounds, or a switch that is not 0 or 1."""
    table = sources(version)
    missing = [n for n in names() if n not in table]
    if missing:
        raise InputError(f"rules_{version}.yaml: no value for {', '.join(missing)}")
    values: dict[str, Any] = {}
    for name, (value, _) in table.items():
        spec = field_spec(name)
        lo, hi = spec.metadata["lo"], spec.metadata["hi"]
        table_rule = spec.type not in ("float", float)
        items = value if isinstance(value, list) else [value]
        if table_rule != isinstance(value, list) or not all(
                isinstance(x, int | float) and not isinstance(x, bool) for x in items):
            raise InputError(f"rules_{version}.yaml: {name} = {str(value)[:40]} must be "
                             f"{'a list of numbers' if table_rule else 'a number'}")
        vals = tuple(float(x) for x in items)
        if spec.metadata.get("switch") and vals[0] not in (0.0, 1.0):
            raise InputError(f"rules_{version}.yaml: {name} = {value} is a switch: 0 (off) "
                             f"or 1 (on), nothing between")
        if not all(lo <= x <= hi for x in vals):
            raise InputError(f"rules_{version}.yaml: {name} = {value} is outside {lo:g}..{hi:g}")
        values[name] = vals if table_rule else vals[0]
    return Rules(**values)


@functools.cache
def sources(version: str = RULES_VERSION) -> dict[str, tuple[Any, str]]:
    """``{rule: (value as written, source)}`` of ``version``."""
    name = f"rules_{version}.yaml"
    try:
        text = resources.files("stavka.rules").joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"unknown rules version '{version}' (shipped: "
                         f"{', '.join(versions())})") from None
    data = YAML(typ="safe").load(text) or {}
    out: dict[str, tuple[Any, str]] = {}
    for key, entry in data.items():
        field_spec(str(key))
        if not isinstance(entry, dict) or "value" not in entry or "source" not in entry:
            raise InputError(f"{name}: {key}: expected {{value: ..., source: ...}}")
        out[str(key)] = (entry["value"], str(entry["source"]))
    return out


def with_overrides(base: Rules, overrides: dict[str, Any]) -> Rules:
    """``base`` with every ``rules.<name>`` entry of ``overrides`` applied (other keys are
    ignored). Values are already numbers (see :func:`stavka.world.static.resolve_params`)."""
    out = base
    for key, value in overrides.items():
        if isinstance(key, str) and key.startswith(PREFIX):
            out = out.override(key[len(PREFIX):], value)
    return out
