"""The report's map at sea (stavka.chronicle.cartography): the data map.js draws from.

On a variant of tests/data/t_naval.yaml (sides coloured, contact certain, so the day-0
battle is not left to the dice): the geometry's sea zones and fleets; each snapshot's
control, zone states (held, contested, ice), fleets afloat (the sunk one left out) and
landings, following the campaign's state day by day. A land-only scenario's map data has
no sea in it at all. What the browser draws from this: tests/web/test_browser.py.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from ruamel.yaml import YAML

import stavka
from stavka.chronicle import cartography
from stavka.chronicle.report import render_report
from stavka.chronicle.visitor import as_parts

DATA = Path(__file__).resolve().parents[1] / "data"
COLOURS = {"soviet": "#c0392b", "japan": "#d4ac0d"}


def sea_variant(tmp: Path) -> Path:
    """t_naval.yaml with side colours and contact certain (``contact_chance: 1``)."""
    d: dict[str, Any] = copy.deepcopy(YAML(typ="safe", pure=True).load(
        (DATA / "t_naval.yaml").read_text()))
    for side, colour in COLOURS.items():
        d["sides"][side]["colour"] = colour
    d["sea"]["params"] = {"contact_chance": 1.0}
    p = tmp / "t_naval_map.yaml"
    with p.open("w") as fh:
        YAML(typ="safe", pure=True).dump(d, fh)
    return p


@pytest.fixture(scope="module")
def naval(tmp_path_factory: pytest.TempPathFactory) -> stavka.Campaign:
    return stavka.Campaign(stavka.load(sea_variant(tmp_path_factory.mktemp("sea"))), seed=1).run()


def index_of(c: stavka.Campaign, date: str) -> int:
    """History index of the state after ``date`` was fought."""
    return c.history.dates.index(dt.date.fromisoformat(date)) + 1


def test_geometry_holds_the_sea_zones_and_fleets(naval: stavka.Campaign) -> None:
    geo = cartography.geometry(naval.static.spec)
    zones = {z["id"]: z for z in geo["sea"]["zones"]}
    assert list(zones) == ["sea_of_japan", "tatar"]
    assert zones["sea_of_japan"] == {
        "id": "sea_of_japan", "name": "Sea of Japan", "lat": 41.0, "lon": 134.0,
        "coast": ["rashin", "vlad", "bay"], "adjacent": ["tatar"], "control": None,
        "freeze": None, "thaw": None}
    assert (zones["tatar"]["control"], zones["tatar"]["freeze"], zones["tatar"]["thaw"]) == \
        ("soviet", "1942-12-15", "1943-04-01")
    assert geo["sea"]["fleets"] == [
        {"id": "ijn", "name": "IJN Fifth Fleet", "side": "japan", "zone": "sea_of_japan"},
        {"id": "sov_pac", "name": "Pacific Fleet", "side": "soviet", "zone": "sea_of_japan"},
        {"id": "sov_tatar", "name": "Tatar detachment", "side": "soviet", "zone": "tatar"}]
    lane = next(e for e in geo["edges"] if e["kind"] == "sea")
    assert (lane["a"], lane["b"], lane["zone"]) == ("vlad", "sovgavan", "tatar")


def test_snapshots_follow_the_sea_day_by_day(naval: stavka.Campaign) -> None:
    parts = as_parts(naval)
    h, st = naval.history, naval.static
    snap = lambda i: cartography.snapshot(parts, i)["sea"]  # noqa: E731
    # the start: both fleets in the Sea of Japan, no one holds it: contested; the
    # Tatar Strait the Soviets'
    s0 = snap(0)
    assert s0["control"] == [None, "soviet"] and s0["state"] == ["contested", "held"]
    assert [(f["id"], f["zone"], f["ships"]) for f in s0["fleets"]] == [
        ("ijn", "sea_of_japan", 30), ("sov_pac", "sea_of_japan", 12), ("sov_tatar", "tatar", 1)]
    assert s0["fleets"][0]["classes"] == {"cruiser": 2, "destroyer": 8, "transport": 20}
    assert s0["fleets"][0]["air"] == 1.0 and s0["landings"] == []
    # day 0's battle sinks the Pacific Fleet (the salvo of tests/engine/test_naval.py):
    # it is off the map, and Japan holds the sea
    s1 = snap(1)
    assert s1["control"] == ["japan", "soviet"] and s1["state"] == ["held", "held"]
    assert [f["id"] for f in s1["fleets"]] == ["ijn", "sov_tatar"]
    assert s1["fleets"][0]["ships"] == round(float(h.fleet_ships[1][0].sum())) < 30
    # the landing on America Bay of 22 Aug: on the map from the end of that day
    i = index_of(naval, "1942-08-22")
    assert snap(i - 1)["landings"] == []
    ev = next(e for e in naval.events if e.kind == "landing")
    assert 14_000 < ev.values["men"] <= 15_000  # the 1st Division, less a few days' attrition
    assert snap(i)["landings"] == [{
        "id": "land_bay", "side": "japan", "fleet": "ijn", "zone": "sea_of_japan",
        "target": "bay", "date": "22 Aug", "day": "1942-08-22", "men": round(ev.values["men"])}]
    assert snap(len(h.dates) - 1)["landings"] == snap(i)["landings"]  # and stays there
    # the ice closes the Tatar Strait on 15 Dec: no one holds it
    j = index_of(naval, "1942-12-15")
    assert snap(j - 1)["state"][1] == "held" and snap(j - 1)["control"][1] == "soviet"
    assert snap(j)["state"][1] == "ice" and snap(j)["control"][1] is None
    # every day, the control drawn is the state's
    for k in range(len(h.dates)):
        assert snap(k)["control"] == [st.side_ids[c] if c >= 0 else None
                                      for c in h.sea_control[k]]


def test_the_map_shows_the_control_the_state_holds(naval: stavka.Campaign) -> None:
    """Whatever the state says (here: Japan in the Tatar Strait, no one in the Sea of
    Japan with warships of both alliances there), the snapshot says it."""
    parts = as_parts(naval)
    h = copy.copy(naval.history)
    h.sea_control = [np.array([-1, naval.static.side_ids.index("japan")])] * len(h.dates)
    h.fleet_zone = [np.array([0, 0, 0])] * len(h.dates)
    h.fleet_ships = [naval.history.fleet_ships[0]] * len(h.dates)
    parts.history = h
    s = cartography.snapshot(parts, 5)["sea"]
    assert s["control"] == [None, "japan"] and s["state"] == ["contested", "held"]
    assert {f["zone"] for f in s["fleets"]} == {"sea_of_japan"}


def test_the_first_landing_gets_a_map_and_the_report_says_what_the_sea_shows(
        naval: stavka.Campaign) -> None:
    text = render_report(as_parts(naval))
    assert "first landing: America Bay" in text
    assert "At sea: a disc per sea zone" in text
    assert '"sea":{"zones":[{"id":"sea_of_japan","name":"Sea of Japan"' in text
    assert text.count('"landings":[{"id":"land_bay"') >= 1


def test_a_land_only_map_has_no_sea(tmp_path: Path) -> None:
    c = stavka.Campaign(stavka.load(DATA / "mini.yaml"), seed=1).run(5)
    parts = as_parts(c)
    geo = cartography.geometry(c.static.spec)
    assert set(geo) == {"scenario", "nodes", "edges"}
    assert not (c.history.sea_control or c.history.fleet_zone or c.history.fleet_ships
                or c.history.fleet_air)
    for i in range(len(c.history.dates)):
        assert set(cartography.snapshot(parts, i)) == {"date", "owner", "formations"}
    text = render_report(parts)
    assert "At sea:" not in text and '"sea":' not in text
