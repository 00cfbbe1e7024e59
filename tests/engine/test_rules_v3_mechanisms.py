"""The mechanisms rules v3 switched on: sanitary losses out of battle (sickness, frost),
tank losses in battle (rules.tank_loss_ratio, Side.tank_loss_factor) and orders that
persist through a halt.

t_econ: nobody is at war, every formation stands still at 10 deg C all year, so the only
losses are the ones the rules under test cause; the expected values are by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from stavka.api import Campaign
from stavka.enums import C_SICK, CAUSES
from stavka.scenario.loader import load_file

from .helpers import DATA, campaign


def _men(c: Campaign, fid: str) -> float:
    return float(c.world.state.strength[0, c.static.formation(fid), 0])


def _sick(c: Campaign, side: str) -> float:
    return float(c.world.state.losses[0, c.static.side(side), :, 0, C_SICK].sum())


def test_sick_is_a_loss_cause() -> None:
    assert CAUSES[C_SICK] == "sick"


def test_sickness_takes_its_daily_fraction() -> None:
    c = campaign("t_econ", **{"rules.sick_per_day": 0.01})
    c.step()
    # 10,000 men, 1 % a day: 100 sick on day 1, 99 on day 2 (Germany has no
    # replacements to refit with)
    assert _men(c, "g_tanks") == 9900.0
    assert _sick(c, "soviet") == 100.0 and _sick(c, "germany") == 100.0
    c.step()
    assert _men(c, "g_tanks") == 9801.0
    assert _sick(c, "germany") == 199.0
    # nothing else lost: the sick are all the losses
    s = c.world.state
    assert float(s.losses[0].sum()) == _sick(c, "soviet") + _sick(c, "germany")


def test_some_of_the_sick_become_convalescents() -> None:
    c = campaign("t_econ", **{"rules.sick_per_day": 0.01, "rules.wounded_return_fraction": 0.5,
                              "rules.wounded_return_days": 365})
    before = c.world.state.convalescent[0].copy()
    c.step()
    got = c.world.state.convalescent[0] - before
    # 100 sick a side, half of them will return (less what returned on day 1: < 1)
    assert got[c.static.side("germany")] == pytest.approx(50.0, abs=1.0)


def test_off_by_default_in_old_rules() -> None:
    c = campaign("t_econ")
    c.run(5)
    assert _sick(c, "soviet") == 0.0 and _men(c, "s_tanks") == 10000.0


def _kitless(tmp_path: Path) -> Campaign:
    text = (DATA / "t_econ.yaml").read_text(encoding="utf-8").replace(
        "germany: {name: Germany, alliance: axis,",
        "germany: {name: Germany, alliance: axis, winter_equipment: false,")
    assert "winter_equipment: false" in text
    p = tmp_path / "t_econ_kitless.yaml"
    p.write_text(text, encoding="utf-8")
    return Campaign(load_file(p), params={"rules.frost_sick_per_degday": 0.001,
                                          "rules.frost_threshold_c": 15.0})


def test_frost_takes_men_only_from_a_side_without_winter_equipment(tmp_path: Path) -> None:
    c = _kitless(tmp_path)
    c.step()
    # 10 deg C, threshold 15: 5 degrees x 0.1 %/degree = 0.5 % of 10,000 = 50
    assert _men(c, "g_tanks") == 9950.0 and _sick(c, "germany") == 50.0
    assert _men(c, "s_tanks") == 10000.0 and _sick(c, "soviet") == 0.0


def test_no_frost_above_the_threshold(tmp_path: Path) -> None:
    c = _kitless(tmp_path)
    c2 = Campaign(c.loaded, params={"rules.frost_sick_per_degday": 0.001,
                                    "rules.frost_threshold_c": 10.0})
    c2.run(3)
    assert _sick(c2, "germany") == 0.0


@pytest.mark.parametrize("ratio", [1.0, 4.0])
def test_tank_loss_ratio_scales_only_tank_losses(ratio: float) -> None:
    """The same attack (same dice) with the attacker's tank losses 1x and 4x the loss
    fraction of its other equipment."""
    from stavka.enums import C_BATTLE

    runs = []
    for params in ({}, {"rules.tank_loss_ratio": ratio}):
        c = campaign("t_combat", seed=3, **params)
        c.step(["ger_army attack x"])
        runs.append(c.world.state.losses[0, c.static.side("germany"), :, :, C_BATTLE].sum(axis=0))
    base, scaled = runs
    assert base[1] > 0 and base[2] > 0
    assert scaled[0] == base[0] and scaled[2] == base[2]  # men and guns: unchanged
    assert scaled[1] == pytest.approx(base[1] * ratio, rel=0.01, abs=1.0)


@pytest.mark.parametrize("persist, culmination, kept", [
    (0.0, 0.0, False), (1.0, 0.0, True),
    (1.0, 1.0, False),  # a halt costs morale: below the culmination morale the order lapses
])
def test_a_halted_order_is_resumed_only_when_orders_persist(persist: float, culmination: float,
                                                            kept: bool) -> None:
    from stavka.enums import A_ATTACK, A_HOLD

    c = campaign("t_halt", seed=1, **{"rules.orders_persist": persist,
                                      "rules.culmination_morale": culmination})
    evs = c.step(["ger_div attack x"])
    for _ in range(20):
        if any(e.kind == "battle" and e.values.get("phase") == "end" for e in evs):
            break
        evs += c.step()
    halted = [e for e in evs if e.kind == "battle" and e.values.get("phase") == "end"]
    assert halted, "the attack was never halted"
    s, f = c.world.state, c.static.formation("ger_div")
    if kept:
        assert s.action[0, f] == A_ATTACK and s.scripted[0, f]
        assert s.target[0, f] == c.static.node("x")
    else:
        assert s.action[0, f] == A_HOLD and not s.scripted[0, f]


def test_a_sides_tank_loss_factor_multiplies_its_tank_losses(tmp_path: Path) -> None:
    from stavka.enums import C_BATTLE

    text = (DATA / "t_combat.yaml").read_text(encoding="utf-8")
    old = "germany: {name: Germany, alliance: axis,"
    assert old in text
    p = tmp_path / "t_combat_factor.yaml"
    p.write_text(text.replace(old, old + " tank_loss_factor: 3,"), encoding="utf-8")
    runs = []
    for loaded in (load_file(DATA / "t_combat.yaml"), load_file(p)):
        c = Campaign(loaded, seed=3)
        c.step(["ger_army attack x"])
        runs.append(c.world.state.losses[0, c.static.side("germany"), :, :, C_BATTLE].sum(axis=0))
    base, scaled = runs
    assert base[1] > 0 and scaled[2] == base[2] and scaled[0] == base[0]
    assert scaled[1] == pytest.approx(3 * base[1], rel=0.01, abs=1.0)


@pytest.mark.parametrize("cap, moved", [(1e9, []), (15000.0, ["d3"]), (5000.0, ["d2", "d3"])])
def test_a_threatened_region_sends_its_surplus_defenders_on(cap: float, moved: list[str]) -> None:
    """x keeps its first defenders up to rules.defend_stack_men (in formation order: d1
    has none before it, d2 10,000, d3 20,000) and sends the rest to y."""
    from stavka.enums import A_MOVE

    c = campaign("t_stack", **{"rules.defend_stack_men": cap})
    c.step()
    s, st = c.world.state, c.static
    going = [f for f in ("d1", "d2", "d3")
             if s.action[0, st.formation(f)] == A_MOVE or s.loc[0, st.formation(f)] == st.node("y")]
    assert going == moved
    for f in moved:
        assert s.target[0, st.formation(f)] == st.node("y") or s.loc[0, st.formation(f)] == st.node("y")
