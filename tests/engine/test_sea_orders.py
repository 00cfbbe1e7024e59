"""Player orders for the sea and for partisans (issue 12, "Bad input"): every refusal
with its reason, before anything changes, on hand-built variants of tests/data/t_naval.yaml
and t_partisans.yaml; an order that passes its checks but fails at the naval phase (what
changed since) is refused there with a ``landing_refused`` event, never dropped.

t_naval: IJN (2 cruisers, 8 destroyers, 20 transports: lift 20,000 men and 50,000 t) and
the Soviet Pacific Fleet in sea_of_japan (coast rashin, vlad, bay; control: no one); a
Soviet destroyer in tatar (coast sovgavan; ice 1942-12-15 to 1943-04-01). jap_div1
(15,000 men, 30 tanks, 100 guns: 8,250 t) at Rashin; landing land_bay on 1942-08-22.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from ruamel.yaml import YAML

import stavka
from stavka.engine.phases import naval
from stavka.errors import IllegalOrderError, ScenarioError, StavkaError, UnknownIdError
from stavka.scenario.loader import load_file

from .helpers import DATA, edited, of_kind


def _yaml(name: str) -> dict[str, Any]:
    return YAML(typ="safe", pure=True).load((DATA / name).read_text())  # type: ignore[no-any-return]


NAVAL = _yaml("t_naval.yaml")
PARTISANS = _yaml("t_partisans.yaml")


def build(tmp_path: Path, base: dict[str, Any], edit: Any = None,
          player: str | None = None) -> stavka.Campaign:
    return stavka.Campaign(stavka.load(edited(tmp_path, base, edit)), player=player)


def sea(d: dict[str, Any]) -> dict[str, Any]:
    return d["sea"]  # type: ignore[no-any-return]


def japan_alone(d: dict[str, Any]) -> None:
    """No Soviet Pacific Fleet: Japan controls sea_of_japan from the start (an order is
    checked against control as it stands when given: before the day's naval phase)."""
    sea(d)["fleets"] = [f for f in sea(d)["fleets"] if f["id"] != "sov_pac"]
    sea(d)["zones"][0]["control"] = "japan"
    sea(d)["landings"][0]["date"] = "1942-09-30"  # not today: the orders make it


def ijn(d: dict[str, Any]) -> dict[str, Any]:
    return next(f for f in sea(d)["fleets"] if f["id"] == "ijn")  # type: ignore[no-any-return]


def form(d: dict[str, Any], fid: str) -> dict[str, Any]:
    return next(f for f in d["formations"] if f["id"] == fid)  # type: ignore[no-any-return]


def node(d: dict[str, Any], nid: str) -> dict[str, Any]:
    return next(n for n in d["nodes"] if n["id"] == nid)  # type: ignore[no-any-return]


def refused(c: stavka.Campaign, order: str, kind: type[StavkaError] = IllegalOrderError) -> str:
    """The reason ``order`` is refused; nothing changes (digest and day)."""
    before = (c.digest(), c.day)
    with pytest.raises(kind) as ei:
        c.step([order])
    assert (c.digest(), c.day) == before
    msg = str(ei.value)
    assert "\n" not in msg
    return msg


# ---- fleet_move -------------------------------------------------------------------------

def test_a_fleet_sails_by_order(tmp_path: Path) -> None:
    c = build(tmp_path, NAVAL, japan_alone, player="japan")
    c.step(["ijn fleet_move tatar"])
    nav = c.static.naval
    assert nav is not None
    assert c.world.state.fleet_zone[0, nav.fleet_ids.index("ijn")] == nav.zone_ids.index("tatar")
    (mv,) = of_kind(c.events, "fleet_move")
    assert (mv.subjects, mv.values["zone"], mv.values["previous"], mv.values["by"]) == (
        ("ijn",), "tatar", "sea_of_japan", "player")
    assert c.summary()["orders"] == ["0: ijn fleet_move tatar"]


def _okhotsk(d: dict[str, Any]) -> None:
    """A third zone, the Sea of Okhotsk, adjacent to the Tatar Strait only."""
    d["nodes"].append({"id": "okha", "name": "Okha", "lat": 53.6, "lon": 142.9, "zone": "z",
                       "owner": "soviet", "front": "east"})
    d["edges"].append({"a": "okha", "b": "sovgavan", "kind": "road", "km": 700})
    sea(d)["zones"].append({"id": "okhotsk", "name": "Sea of Okhotsk", "lat": 55.0,
                            "lon": 145.0, "coast": ["okha"], "adjacent": ["tatar"]})


@pytest.mark.parametrize(("edit", "order", "why"), [
    (None, "ijn fleet_move khab",
     "khab is a land region; a fleet sails only to a sea zone (adjacent to sea_of_japan: tatar)"),
    (_okhotsk, "ijn fleet_move okhotsk",
     "okhotsk is not adjacent to sea_of_japan (adjacent: tatar)"),
    # (the scenario's landing of 22 Aug would lie before the start: a located error since
    # quoted dates are checked like plain ones, so it goes, as in LANDING_CASES below)
    (lambda d: (d.update(start="1942-12-20"), sea(d).update(landings=[])),
     "ijn fleet_move tatar", "ice closes tatar"),
    (None, "sov_tatar fleet_move tatar", "fleet sov_tatar is already in tatar"),
], ids=["onto-land", "not-adjacent", "ice", "already-there"])
def test_a_fleet_move_refused_with_its_reason(tmp_path: Path, edit: Any, order: str,
                                              why: str) -> None:
    c = build(tmp_path, NAVAL, edit)
    assert refused(c, order).endswith(f": {why}")


def test_a_sunk_fleet_is_not_ordered(tmp_path: Path) -> None:
    c = build(tmp_path, NAVAL)
    nav = c.static.naval
    assert nav is not None
    f = nav.fleet_ids.index("sov_tatar")
    c.world.state.fleet_ships[0, f] = 0.0
    assert refused(c, "sov_tatar fleet_move sea_of_japan").endswith(
        ": fleet sov_tatar has no ships afloat")


def test_a_sunk_fleet_does_not_sail_by_the_script_either(tmp_path: Path) -> None:
    # one rule (naval.move_checks): the script's move of a sunk fleet sailed it (a
    # fleet_move event for no ships), where the player's order was refused
    def edit(d: dict[str, Any]) -> None:
        sea(d)["moves"] = [{"date": "1942-08-21", "fleet": "sov_tatar", "to": "sea_of_japan"}]

    c = build(tmp_path, NAVAL, edit)
    nav = c.static.naval
    assert nav is not None
    f = nav.fleet_ids.index("sov_tatar")
    c.world.state.fleet_ships[0, f] = 0.0
    c.run(days=2)
    assert not of_kind(c.events, "fleet_move")
    (no,) = of_kind(c.events, "fleet_move_refused")
    assert no.values["reason"] == "fleet sov_tatar has no ships afloat"
    assert c.world.state.fleet_zone[0, f] == nav.zone_ids.index("tatar")


def test_a_fleet_of_another_side_is_not_yours(tmp_path: Path) -> None:
    c = build(tmp_path, NAVAL, player="soviet")
    assert refused(c, "ijn fleet_move tatar").endswith(
        ": fleet ijn belongs to japan; you play soviet")


@pytest.mark.parametrize(("scenario", "order", "why"), [
    ("t_naval", "ijm fleet_move tatar", "unknown fleet 'ijm' (did you mean 'ijn'?)"),
    ("t_naval", "ijn fleet_move tatr", "unknown sea zone 'tatr' (did you mean 'tatar'?)"),
    ("mini", "fleet fleet_move sea", "unknown fleet 'fleet' (this scenario has no sea block)"),
    ("t_naval", "land_by land", "unknown landing 'land_by' (did you mean 'land_bay'?)"),
    ("t_naval", "ijn land",
     "unknown landing 'ijn' (a fleet lands with 'FLEET land TARGET FORMATION...')"),
    ("t_naval", "ijn land bayy jap_div1", "unknown region 'bayy' (did you mean 'bay'?)"),
    ("t_naval", "ijn land bay jap_div2", "unknown formation 'jap_div2' (did you mean 'jap_div1'?)"),
    ("t_naval", "sovet raise_partisans vlad 1", "unknown side 'sovet' (did you mean 'soviet'?)"),
    # a fleet, a landing or a side given a formation's order: which order it takes
    ("t_naval", "ijn move bay", "unknown formation 'ijn' (ijn is a fleet: 'ijn fleet_move "
                                "ZONE' or 'ijn land TARGET FORMATION...')"),
    ("t_naval", "land_bay hold", "unknown formation 'land_bay' (land_bay is a landing of the "
                                 "sea block: 'land_bay land')"),
    ("t_naval", "soviet hold", "unknown formation 'soviet' (soviet is a side: 'soviet "
                               "raise_partisans REGION DETACHMENTS')"),
    # a long id is cut inside its quotes (a cut repr lost the closing quote)
    ("t_naval", "ijn fleet_move " + "z" * 100, f"unknown sea zone '{'z' * 37}...'"),
    ("t_naval", "ijn fleet_move \u202e" * 1, "unknown sea zone '\\u202e'"),
])
def test_unknown_names_in_sea_orders(scenario: str, order: str, why: str) -> None:
    c = stavka.Campaign(stavka.load(DATA / f"{scenario}.yaml"))
    assert refused(c, order, UnknownIdError).endswith(f": {why}")


@pytest.mark.parametrize(("order", "why"), [
    ("ijn fleet_move", "expected 'FLEET fleet_move ZONE': a fleet sails to one sea zone"),
    ("ijn fleet_move tatar sea_of_japan", "a fleet sails to one sea zone"),
    ("ijn land bay", "an ad-hoc landing names the formations it carries"),
    ("soviet raise_partisans vlad", "expected 'SIDE raise_partisans REGION DETACHMENTS'"),
    ("soviet raise_partisans vlad 0", "detachments must be a whole number from 1 to 100,000"),
    ("soviet raise_partisans vlad -2", "(got '-2')"),
    ("soviet raise_partisans vlad ５", "(got '５')"),
    ("ijn fleet_mov tatar", "unknown action 'fleet_mov'"),
])
def test_malformed_sea_orders(order: str, why: str) -> None:
    c = stavka.Campaign(stavka.load(DATA / "t_naval.yaml"))
    assert why in refused(c, order)


def test_the_players_move_wins_over_the_scripts(tmp_path: Path) -> None:
    def edit(d: dict[str, Any]) -> None:
        _okhotsk(d)
        sea(d)["moves"] = [{"date": "1942-08-20", "fleet": "sov_tatar", "to": "sea_of_japan"}]

    c = build(tmp_path, NAVAL, edit)
    c.step(["sov_tatar fleet_move okhotsk"])
    (ov,) = of_kind(c.events, "order_overridden")
    assert (ov.subjects, ov.values["by"], ov.values["zone"]) == (
        ("sov_tatar",), "script", "sea_of_japan")
    (mv,) = of_kind(c.events, "fleet_move")
    assert mv.values["zone"] == "okhotsk"


def test_sea_orders_wait_for_a_days_first_step(tmp_path: Path) -> None:
    c = build(tmp_path, NAVAL, lambda d: d.update(step_hours=6))
    c.step()
    assert refused(c, "ijn fleet_move tatar").endswith(
        ": sea orders are given at a day's first step (the naval phase works once a day; "
        "this step begins at 06:00)")
    for _ in range(3):  # to the next day's first step (4 steps a day)
        c.step()
    assert c.world.state.step == 4
    c.step(["ijn fleet_move tatar"])
    assert of_kind(c.events, "fleet_move")


# ---- land -------------------------------------------------------------------------------

def test_a_landing_of_the_sea_block_is_made_by_order(tmp_path: Path) -> None:
    c = build(tmp_path, NAVAL, japan_alone, player="japan")
    c.step(["land_bay land"])  # dated 30 Sep: made today
    st, s = c.static, c.world.state
    assert s.loc[0, st.formation("jap_div1")] == st.node("bay")
    assert s.landing_state[0, 0] == naval.LANDED
    (ev,) = of_kind(c.events, "landing")
    assert (ev.values["landing"], ev.values["by"], ev.values["men"]) == ("land_bay", "player",
                                                                         15_000)
    assert refused(c, "land_bay land").endswith(": landing land_bay has already been made")


@pytest.fixture
def naval_alone(tmp_path: Path) -> stavka.Campaign:
    def edit(d: dict[str, Any]) -> None:
        japan_alone(d)
        sea(d)["landings"] = []

    return build(tmp_path, NAVAL, edit, player="japan")


def test_an_ad_hoc_landing_goes_in(naval_alone: stavka.Campaign) -> None:
    c = naval_alone
    c.step(["ijn land bay jap_div1"])
    st, s = c.static, c.world.state
    f = st.formation("jap_div1")
    assert s.loc[0, f] == st.node("bay") and s.landed_day[0, f] == 0
    assert s.owner[0, st.node("bay")] == st.side("japan")
    (ev,) = of_kind(c.events, "landing")
    assert (ev.values["landing"], ev.values["fleet"], ev.values["by"], ev.values["tons"]) == (
        "ijn-bay", "ijn", "player", 8_250)


def _second_division(d: dict[str, Any]) -> None:
    japan_alone(d)
    sea(d)["landings"] = []
    d["formations"].append({"id": "jap_div2", "name": "2nd Division", "side": "japan",
                            "type": "div", "location": "rashin"})


def _inland_division(d: dict[str, Any]) -> None:
    _second_division(d)
    node(d, "ussur")["owner"] = "japan"
    form(d, "jap_div2")["location"] = "ussur"
    form(d, "sov_div1")["location"] = "khab"


LANDING_CASES = [
    # (edit, order, reason) -- one per check of naval.landing_checks, in their order
    (None, "ijn land bay sov_div1", "formation sov_div1 belongs to soviet, fleet ijn to japan"),
    (None, "ijn land ussur jap_div1", "ussur has neither a port nor a beach to land on"),
    (japan_alone, "ijn land sovgavan jap_div1",
     "sovgavan is not on the coast of sea_of_japan (its coast: rashin, vlad, bay)"),
    (lambda d: (japan_alone(d), d.update(start="1942-12-20"), sea(d).update(landings=[]),
                ijn(d).update(zone="tatar"), node(d, "sovgavan").update(beach=True)),
     "ijn land sovgavan jap_div1", "ice closes tatar"),
    (None, "ijn land bay jap_div1", "no sea control of sea_of_japan (held by no one)"),
    (None, "land_bay land", "no sea control of sea_of_japan (held by no one)"),
    (_inland_division, "ijn land bay jap_div2",
     "formation jap_div2 is at ussur, not at a coastal region of sea_of_japan (embark where "
     "the fleet is)"),
    (lambda d: (_second_division(d), form(d, "jap_div2").update(arrives="1942-09-01")),
     "ijn land bay jap_div2", "formation jap_div2 is not in play yet"),
    (japan_alone, "ijn land rashin jap_div1", "formation jap_div1 is already at rashin"),
    (lambda d: (japan_alone(d), ijn(d)["ships"].update(transport=5)),
     "land_bay land", "lift short: 15,000 men and 8,250 t to carry, the transports take "
                      "5,000 men and 12,500 t"),
    (lambda d: (japan_alone(d), form(d, "sov_div1").update(location="bay")),
     "ijn land bay jap_div1", "bay is defended by 10,000 men"),
    (None, "ijn land tatar jap_div1",
     "tatar is a sea zone; a landing's target is a coastal region"),
    (japan_alone, "ijn land bay jap_div1 jap_div1", "formation jap_div1 is named twice"),
]


@pytest.mark.parametrize(("edit", "order", "why"), LANDING_CASES,
                         ids=[f"{i}-{c[2][:30]}" for i, c in enumerate(LANDING_CASES)])
def test_a_landing_order_refused_with_its_reason(tmp_path: Path, edit: Any, order: str,
                                                 why: str) -> None:
    c = build(tmp_path, NAVAL, edit)
    assert refused(c, order).endswith(f": {why}")


def test_a_formation_lands_once_a_day(tmp_path: Path) -> None:
    # two fleets with lift to spare: the division landed at bay by the first is refused
    # to the second the same day with the reason (was: carried on from bay to vlad, two
    # landings in one day)
    def edit(d: dict[str, Any]) -> None:
        japan_alone(d)
        sea(d)["landings"] = []
        sea(d)["fleets"].append({"id": "ijn2", "name": "Second", "side": "japan",
                                 "zone": "sea_of_japan", "ships": {"transport": 20}})
        form(d, "sov_vlad")["location"] = "ussur"

    c = build(tmp_path, NAVAL, edit, player="japan")
    c.step(["ijn land bay jap_div1", "ijn2 land vlad jap_div1"])
    assert [e.place for e in of_kind(c.events, "landing")] == ["bay"]
    (no,) = of_kind(c.events, "landing_refused")
    assert no.values["reason"] == ("formation jap_div1 came ashore today; it embarks again "
                                   "tomorrow at the earliest")
    c.step(["ijn2 land vlad jap_div1"])  # the next day it may
    assert [e.place for e in of_kind(c.events, "landing")][-1:] == ["vlad"]


def test_a_landing_with_troops_of_another_side_is_not_yours(tmp_path: Path) -> None:
    c = build(tmp_path, NAVAL, japan_alone, player="japan")
    assert refused(c, "ijn land bay sov_div1").endswith(
        ": sov_div1 belongs to soviet; you play japan")
    c2 = build(tmp_path, NAVAL, japan_alone, player="soviet")
    assert refused(c2, "land_bay land").endswith(
        ": landing land_bay (fleet ijn) belongs to japan; you play soviet")


def test_an_order_that_fails_at_the_naval_phase_is_refused_there_with_a_reason(
        tmp_path: Path) -> None:
    # two divisions, each landing alone within the lift (20,000 men): together 30,000 men.
    # The first goes in; the second, checked again at the phase, finds 5,000 men of lift
    # left and is refused with a landing_refused event (by the player), not dropped.
    c = build(tmp_path, NAVAL, _second_division, player="japan")
    c.step(["ijn land bay jap_div1", "ijn land bay jap_div2"])
    assert [e.subjects for e in of_kind(c.events, "landing")] == [("jap_div1",)]
    (no,) = of_kind(c.events, "landing_refused")
    assert (no.subjects, no.values["by"], no.values["reason"]) == (
        ("jap_div2",), "player", "lift short: 15,000 men and 8,250 t to carry, the transports "
                                 "take 5,000 men and 41,750 t")
    st, s = c.static, c.world.state
    assert s.loc[0, st.formation("jap_div2")] == st.node("rashin")


def test_a_refused_landing_of_the_sea_block_may_be_ordered_again(tmp_path: Path) -> None:
    def edit(d: dict[str, Any]) -> None:
        sea(d)["params"] = {"contact_chance": 0.0}  # contested: the dated landing is refused
        sea(d)["landings"][0]["date"] = d["start"]

    c = build(tmp_path, NAVAL, edit)
    c.step()
    assert of_kind(c.events, "landing_refused")
    assert c.world.state.landing_state[0, 0] == naval.REFUSED
    nav = c.static.naval
    assert nav is not None
    c.world.state.fleet_ships[0, nav.fleet_ids.index("sov_pac")] = 0.0  # the Soviets sunk
    c.world.state.sea_control[0, 0] = c.static.side("japan")
    c.step(["land_bay land"])
    assert c.world.state.landing_state[0, 0] == naval.LANDED
    assert of_kind(c.events, "landing")[0].values["by"] == "player"


def test_an_events_land_effect_tries_a_refused_landing_again_and_refuses_a_made_one(
        tmp_path: Path) -> None:
    # an event's `land` makes the landing "today, with its checks": it did nothing, without
    # a word, for a landing refused before (the player's order tries it again) or made
    def edit(d: dict[str, Any]) -> None:
        sea(d)["params"] = {"contact_chance": 0.0}  # contested: the dated landing is refused
        sea(d)["landings"][0]["date"] = d["start"]
        d["events"] = [{"id": "again", "trigger": {"date": "1942-08-21"},
                        "effects": [{"land": "land_bay"}]},
                       {"id": "once_more", "trigger": {"date": "1942-08-22"},
                        "effects": [{"land": "land_bay"}]}]

    c = build(tmp_path, NAVAL, edit)
    c.step()
    assert c.world.state.landing_state[0, 0] == naval.REFUSED
    nav = c.static.naval
    assert nav is not None
    c.world.state.fleet_ships[0, nav.fleet_ids.index("sov_pac")] = 0.0  # the Soviets sunk
    c.world.state.sea_control[0, 0] = c.static.side("japan")
    c.step()  # the event tries it again
    assert c.world.state.landing_state[0, 0] == naval.LANDED
    assert [e.date.isoformat() for e in of_kind(c.events, "landing")] == ["1942-08-21"]
    c.step()  # and refuses it the next day, with the reason
    last = of_kind(c.events, "landing_refused")[-1]
    assert (str(last.date), last.values["by"], last.values["reason"]) == (
        "1942-08-22", "event", "landing land_bay has already been made")


# ---- raise_partisans ----------------------------------------------------------------------

def _budget(k: int) -> Any:
    def edit(d: dict[str, Any]) -> None:
        d["sides"]["soviet"]["partisan_detachments"] = k
        d["events"] = [e for e in d["events"] if e["id"] != "raise"]
    return edit


def test_partisans_raised_by_order_out_of_the_sides_pool(tmp_path: Path) -> None:
    c = build(tmp_path, PARTISANS, _budget(10), player="soviet")
    st, s = c.static, c.world.state
    assert s.partisan_pool[0, st.side("soviet")] == 10.0
    assert s.partisan_pool[0, st.side("germany")] == 0.0
    c.step(["soviet raise_partisans p 4", "soviet raise_partisans q 2"])
    assert s.partisans[0, st.side("soviet"), st.node("p")] in (4.0, 3.0, 2.0)  # hunted a little
    assert s.partisan_pool[0, st.side("soviet")] == 4.0
    raised = of_kind(c.events, "partisans")
    assert [(e.place, e.values["detachments"], e.values["by"]) for e in raised] == [
        ("p", 4, "player"), ("q", 2, "player")]
    assert refused(c, "soviet raise_partisans p 5").endswith(
        ": soviet has 4 of its 10 partisan detachments left to raise (asked 5)")
    with pytest.raises(IllegalOrderError, match="raise 6 detachments; it has 4 left"):
        c.step(["soviet raise_partisans p 3", "soviet raise_partisans r 3"])


@pytest.mark.parametrize(("edit", "order", "why"), [
    (_budget(10), "soviet raise_partisans src 2",
     "'src' is not soviet's home territory (it is germany's): partisans are raised only among "
     "their own people, in a region whose home (default: its owner at start) is their side"),
    (lambda d: (_budget(10)(d), node(d, "p").update(terrain="steppe")),
     "soviet raise_partisans p 2",
     "'p' is open steppe: partisans are raised only where they can hide (not on steppe or "
     "desert)"),
    (_budget(0), "soviet raise_partisans p 2",
     "soviet raises no partisans by order in this scenario (sides.soviet.partisan_detachments "
     "is 0)"),
    (_budget(10), "soviet raise_partisans p 11",
     "soviet has 10 of its 10 partisan detachments left to raise (asked 11)"),
], ids=["not-home", "steppe", "no-budget", "over-budget"])
def test_partisans_refused_where_the_rule_forbids(tmp_path: Path, edit: Any, order: str,
                                                  why: str) -> None:
    c = build(tmp_path, PARTISANS, edit)
    assert refused(c, order).endswith(f": {why}")


def test_partisans_of_another_side_are_not_yours(tmp_path: Path) -> None:
    c = build(tmp_path, PARTISANS, _budget(10), player="germany")
    assert refused(c, "soviet raise_partisans p 1").endswith(
        ": the partisan movement of soviet belongs to soviet; you play germany")


BAD_RAISE = {
    "steppe": (lambda d: node(d, "p").update(terrain="steppe"),
               "'p' is open steppe: partisans are raised only where they can hide"),
    "desert": (lambda d: node(d, "p").update(terrain="desert"), "'p' is open desert"),
    "not-home": (lambda d: node(d, "p").pop("home"),
                 "'p' is not soviet's home territory (it is germany's)"),
}


@pytest.mark.parametrize("case", list(BAD_RAISE))
def test_an_event_raising_partisans_where_the_rule_forbids_is_a_located_error(
        tmp_path: Path, case: str) -> None:
    edit, why = BAD_RAISE[case]
    p = edited(tmp_path, PARTISANS, edit, file="bad.yaml")
    with pytest.raises(ScenarioError) as ei:
        load_file(p)
    (line,) = [ln for ln in str(ei.value).splitlines()[1:]]
    assert line.startswith(f"{p}:")
    assert ": events[0].effects[0].partisans.region: " + why in line, line


def test_home_names_a_side(tmp_path: Path) -> None:
    text = (DATA / "t_partisans.yaml").read_text().replace("home: soviet", "home: sovet", 1)
    line = text[:text.index("home: sovet")].count("\n") + 1
    p = tmp_path / "bad.yaml"
    p.write_text(text)
    with pytest.raises(ScenarioError) as ei:
        load_file(p)
    assert str(ei.value).splitlines()[1:] == [
        f"{p}:{line}: nodes[1].home: unknown side 'sovet' (did you mean 'soviet'?)"]


def test_the_detachments_bound_is_the_effects() -> None:
    from stavka.engine.records import MAX_ORDER_DETACHMENTS
    from stavka.scenario.schema import MAX_DETACHMENTS

    assert MAX_ORDER_DETACHMENTS == MAX_DETACHMENTS


def test_no_budget_no_pool_in_the_state() -> None:
    from stavka.world.digest import digested

    c = stavka.Campaign(stavka.load(DATA / "t_partisans.yaml"))
    assert c.world.state.partisan_pool.size == 0
    assert "partisan_pool" not in digested(c.world.state)
    assert np.array_equal(c.world.state.partisans[0].sum(), 0.0)
