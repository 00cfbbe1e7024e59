"""Levers in the interdiction effects and a fleet's size: ``$param`` values for
``partisans.detachments``, ``strike.damage`` / ``strike.fort``, ``mobilise.level`` and
``Fleet.scale`` (issue 12, for red-alert-far-east). Every value is computed by hand on the
fixtures of tests/engine/test_interdiction.py and test_naval.py (their headers draw the
maps): a ``$param`` gives exactly what the same number written in the file gives.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from ruamel.yaml import YAML

from stavka.api import Campaign
from stavka.engine import interdiction
from stavka.engine.context import Ctx
from stavka.enums import SHIP_CLASSES
from stavka.errors import InputError, ScenarioError
from stavka.scenario.loader import load_file

from .helpers import DATA, of_kind

CLS = {c: i for i, c in enumerate(SHIP_CLASSES)}


def _load(tmp_path: Path, name: str, edit: Any) -> Any:
    yaml = YAML(typ="safe", pure=True)
    d = yaml.load((DATA / f"{name}.yaml").read_text())
    d = copy.deepcopy(d)
    edit(d)
    p = tmp_path / f"{name}_param.yaml"
    with p.open("w") as fh:
        yaml.dump(d, fh)
    return load_file(p)


def _strike_params(d: dict[str, Any]) -> None:
    """t_strike with its day-0 strike, fortification strike and mobilisation as levers."""
    d["parameters"].update({
        "damage": {"type": "float", "default": 0.5, "min": 0, "max": 1},
        "levels": {"type": "float", "default": 1.5, "min": 0, "max": 3},
        "level": {"type": "float", "default": 0.5, "min": 0, "max": 1}})
    ev = next(e for e in d["events"] if e["id"] == "strike")
    ev["effects"] = [{"strike": {"a": "p", "b": "src", "damage": "$damage"}},
                     {"strike": {"region": "p", "fort": "$levels"}}]
    next(e for e in d["events"] if e["id"] == "farms")["effects"] = [
        {"mobilise": {"side": "germany", "level": "$level"}}]


def _cap(c: Campaign) -> list[float]:
    """Trains a day of the edges src-p, p-q, q-r today (replica 0)."""
    return [float(x) for x in interdiction.capacity(Ctx.of(c.world, c.rng))[0, :3]]


def test_a_strike_by_parameter_is_the_strike_written_out(tmp_path: Path) -> None:
    # the defaults are the fixture's own values: 0.5 of src-p's 10 trains (5 get through on
    # day 0, 7.5 on day 1 after 0.25 a day of repair), p's fort 2 less 1.5
    ld = _load(tmp_path, "t_strike", _strike_params)
    c = Campaign(ld, seed=0)
    c.step()
    ev = of_kind(c.events, "strike")
    assert ev[0].values["trains"] == 5.0 and ev[1].values["fort"] == 1.5
    assert _cap(c) == [7.5, 10.0, 10.0]
    # damage 0.3: 10 x 0.7 = 7 trains on day 0, 10 x (1 - 0.05) = 9.5 on day 1; 1 level:
    # fort 2 - 1 = 1, rebuilt 0.5 a day (the fixture's rule) to 1.5 on day 1
    c = Campaign(ld, seed=0, params={"damage": 0.3, "levels": 1.0})
    c.step()
    assert of_kind(c.events, "strike")[0].values["trains"] == 7.0
    assert _cap(c) == [9.5, 10.0, 10.0]
    p = np.array([c.static.node("p")])
    assert float(interdiction.fort(Ctx.of(c.world, c.rng), np.array([0]), p)[0]) == 1.5


def test_mobilisation_by_parameter(tmp_path: Path) -> None:
    # level 0.25 from day 0: 0.25 x 3,000 = 750 men a day; 10 tanks x (1 - 0.25 x 0.3) =
    # 9.25
    ld = _load(tmp_path, "t_strike", _strike_params)
    c = Campaign(ld, seed=0, params={"mobilise": True, "level": 0.25})
    c.step()
    g = c.static.side("germany")
    assert c.world.state.pool[0, g, :2].tolist() == [750.0, 9.25]
    assert of_kind(c.events, "mobilisation")[0].values["level"] == 0.25


def _partisan_param(d: dict[str, Any]) -> None:
    d["parameters"] = {"k": {"type": "int", "default": 5, "min": 0, "max": 50}}
    next(e for e in d["events"] if e["id"] == "raise")["effects"] = [
        {"partisans": {"side": "soviet", "region": "p", "detachments": "$k"}}]


def test_partisans_by_parameter_and_none_raised_at_zero(tmp_path: Path) -> None:
    ld = _load(tmp_path, "t_partisans", _partisan_param)
    # 5 (the default): 5 x 2 % = 10 % of the edges at p, src-p and p-q
    c = Campaign(ld, seed=0)
    c.step()
    (ev,) = of_kind(c.events, "partisans")
    assert ev.values["detachments"] == 5
    # 30: 30 x 2 % = 60 %, capped at 50 % (partisan_cut_max): 5 trains on src-p and p-q
    c = Campaign(ld, seed=0, params={"k": 30})
    assert c.world.state.partisans.shape[2]
    c.world.state.partisans[0, c.static.side("soviet"), c.static.node("p")] = 30.0
    assert _cap(c) == [5.0, 5.0, 10.0]
    # 0: no detachment, no event, every edge whole
    c = Campaign(ld, seed=0, params={"k": 0})
    c.step()
    assert not of_kind(c.events, "partisans")
    assert not c.world.state.partisans.any()


def test_a_parameter_outside_the_fields_range_is_refused(tmp_path: Path) -> None:
    # a lever whose range goes past the field's (damage 0..1) is a located error; a value
    # given for a run is checked against the lever's own range
    def edit(d: dict[str, Any]) -> None:
        _strike_params(d)
        d["parameters"]["damage"]["max"] = 2
    with pytest.raises(ScenarioError, match=r"events\[0\]\.effects\[0\]\.strike\.damage: "
                                            r"parameter 'damage' has max 2, outside 0\.\.1 "
                                            r"allowed here"):
        _load(tmp_path, "t_strike", edit)
    ld = _load(tmp_path, "t_strike", _strike_params)
    with pytest.raises(InputError, match=r"damage"):
        Campaign(ld, seed=0, params={"damage": 1.5})


def test_an_unknown_parameter_in_an_effect_is_a_located_error(tmp_path: Path) -> None:
    def edit(d: dict[str, Any]) -> None:
        _strike_params(d)
        d["events"][0]["effects"][0]["strike"]["damage"] = "$damge"
    with pytest.raises(ScenarioError, match=r"events\[0\]\.effects\[0\]\.strike\.damage: unknown "
                                            r"parameter 'damge' \(did you mean 'damage'\?\)"):
        _load(tmp_path, "t_strike", edit)


def _scaled(d: dict[str, Any]) -> None:
    """t_naval with the IJN's size a lever, its landing on day 0 with no Soviet fleet."""
    d["parameters"] = {"navy": {"type": "float", "default": 1.0, "min": 0, "max": 3}}
    ijn = next(f for f in d["sea"]["fleets"] if f["id"] == "ijn")
    ijn["scale"] = "$navy"
    d["sea"]["fleets"] = [f for f in d["sea"]["fleets"] if f["id"] != "sov_pac"]
    d["sea"]["landings"][0]["date"] = d["start"]


def test_a_fleets_scale_multiplies_its_ships_and_air_groups(tmp_path: Path) -> None:
    ld = _load(tmp_path, "t_naval", _scaled)
    st = Campaign(ld, seed=0).static
    f = st.naval.fleet_ids.index("ijn")
    # 1 (the default): the fixture's 2 cruisers, 8 destroyers, 20 transports, 1 air group
    c = Campaign(ld, seed=0)
    s = c.world.state
    assert [s.fleet_ships[0, f, CLS[k]] for k in ("cruiser", "destroyer", "transport")] == [
        2.0, 8.0, 20.0]
    assert s.fleet_air[0, f] == 1.0
    # 0.5: 1 cruiser, 4 destroyers, 10 transports, half an air group; 10 transports lift
    # 10,000 men, short of the division's 15,000: the landing is refused for lift
    c = Campaign(ld, seed=0, params={"navy": 0.5})
    s = c.world.state
    assert [s.fleet_ships[0, f, CLS[k]] for k in ("cruiser", "destroyer", "transport")] == [
        1.0, 4.0, 10.0]
    assert s.fleet_air[0, f] == 0.5
    c.step()
    (ev,) = of_kind(c.events, "landing_refused")
    assert ev.values["reason"] == ("lift short: 15,000 men and 8,250 t to carry, the "
                                   "transports take 10,000 men and 25,000 t")
    # 1.5: 30 transports lift it
    c = Campaign(ld, seed=0, params={"navy": 1.5})
    c.step()
    assert of_kind(c.events, "landing") and not of_kind(c.events, "landing_refused")


def test_a_written_scale_needs_no_parameter_and_is_bounded(tmp_path: Path) -> None:
    def edit(d: dict[str, Any]) -> None:
        next(f for f in d["sea"]["fleets"] if f["id"] == "ijn")["scale"] = 2
    c = Campaign(_load(tmp_path, "t_naval", edit), seed=0)
    f = c.static.naval.fleet_ids.index("ijn")
    assert c.world.state.fleet_ships[0, f, CLS["destroyer"]] == 16.0

    def bad(d: dict[str, Any]) -> None:
        next(f for f in d["sea"]["fleets"] if f["id"] == "ijn")["scale"] = -1
    with pytest.raises(ScenarioError, match=r"sea\.fleets\[0\]\.scale: input should be "
                                            r"greater than or equal to 0 \(got -1\)"):
        _load(tmp_path, "t_naval", bad)
