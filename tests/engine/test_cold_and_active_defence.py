"""Two rules of v13's search: ``rules.cold_cev_per_deg`` (a side without winter equipment
fights worse in the frost) and ``rules.active_defence`` (a defending front counterattacks
a halted, weaker enemy next to it).

Fixtures: t_halt (a German division attacks a Soviet army at x; 15 deg C all year unless
``rules.frost_threshold_c`` puts the frost above it) and t_salient (a Soviet division at s
next to German-held, occupied g1 and g2).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from stavka import rules
from stavka.api import Campaign
from stavka.enums import A_ATTACK, A_DEFEND, A_HOLD, C_BATTLE, C_WOUNDED
from stavka.scenario.loader import load_file

from .helpers import DATA, campaign


def _halt(tmp_path: Path, kitless: str | None, **params: object) -> Campaign:
    text = (DATA / "t_halt.yaml").read_text(encoding="utf-8")
    if kitless is not None:
        name = {"germany": "Germany", "soviet": "Soviet Union"}[kitless]
        text = text.replace(f"{{name: {name},", f"{{name: {name}, winter_equipment: false,")
        assert "winter_equipment: false" in text
    p = tmp_path / "t_halt_cold.yaml"
    p.write_text(text, encoding="utf-8")
    return Campaign(load_file(p), seed=2, params=params or None)


def _battle_losses(c: Campaign) -> dict[str, float]:
    lo = c.world.state.losses[0]
    return {sd: float(lo[c.static.side(sd), :, 0, [C_BATTLE, C_WOUNDED]].sum())
            for sd in ("germany", "soviet")}


def _fight(c: Campaign) -> dict[str, float]:
    c.step(["ger_div attack x"])
    return _battle_losses(c)


def test_the_frost_weakens_a_side_without_winter_equipment(tmp_path: Path) -> None:
    """The same battle, the same dice: Germany without winter equipment, 5 degrees below
    the frost threshold and 0.1 CEV lost per degree (factor 0.5) loses more men and the
    Soviet defender fewer than at cold_cev_per_deg 0."""
    frost = {"rules.frost_threshold_c": 20.0}  # the fixture's 15 deg C is 5 below it
    warm = _fight(_halt(tmp_path, "germany", **frost))
    cold = _fight(_halt(tmp_path, "germany", **frost, **{"rules.cold_cev_per_deg": 0.1}))
    assert warm["germany"] > 0 and warm["soviet"] > 0
    assert cold["germany"] > warm["germany"]
    assert cold["soviet"] < warm["soviet"]


@pytest.mark.parametrize("kitless, frost", [
    (None, 20.0),        # both sides have winter equipment
    ("germany", 10.0),   # 15 deg C is above a threshold of 10: no frost
])
def test_the_cold_rule_changes_nothing_with_kit_or_above_the_threshold(
        tmp_path: Path, kitless: str | None, frost: float) -> None:
    base = _fight(_halt(tmp_path, kitless, **{"rules.frost_threshold_c": frost}))
    cold = _fight(_halt(tmp_path, kitless, **{"rules.frost_threshold_c": frost,
                                              "rules.cold_cev_per_deg": 0.1}))
    assert cold == base


def test_the_cold_factor_has_a_floor(tmp_path: Path) -> None:
    """5 degrees of frost at 0.2 per degree would leave nothing; cold_cev_min 0.5 keeps
    half: the same as 0.1 per degree (factor exactly 0.5), and less than at a floor of
    0.8."""
    half = _fight(_halt(tmp_path, "germany", **{"rules.frost_threshold_c": 20.0,
                                                 "rules.cold_cev_per_deg": 0.1}))
    floor = _fight(_halt(tmp_path, "germany", **{"rules.frost_threshold_c": 20.0,
                                                  "rules.cold_cev_per_deg": 0.2,
                                                  "rules.cold_cev_min": 0.5}))
    high = _fight(_halt(tmp_path, "germany", **{"rules.frost_threshold_c": 20.0,
                                                 "rules.cold_cev_per_deg": 0.2,
                                                 "rules.cold_cev_min": 0.8}))
    assert floor == half
    assert high["germany"] < floor["germany"]


def test_cold_and_active_defence_are_off_in_every_shipped_version_before_v13() -> None:
    for v in rules.versions():
        if int(v[1:]) <= 12:
            r = rules.load(v)
            assert r.cold_cev_per_deg == 0.0 and r.active_defence == 0.0, v


def _salient(**params: object) -> Campaign:
    c = campaign("t_salient", **params)
    s, st = c.world.state, c.static
    for g in ("g1d", "g2d"):  # the German divisions hold, weakened to 2,000 and 3,000 men
        s.action[0, st.formation(g)] = A_HOLD
    s.strength[0, st.formation("g1d"), 0] = 2000.0
    s.strength[0, st.formation("g2d"), 0] = 3000.0
    s.action[0, st.formation("d1")] = A_DEFEND
    return c


@pytest.mark.parametrize("on", [0.0, 1.0])
def test_a_defender_counterattacks_the_weakest_halted_enemy(on: float) -> None:
    """d1 (10,000 men) at s, next to g1 (2,000) and g2 (3,000): at a ratio of 3 both
    qualify and the weaker, g1, is attacked; off, d1 stays dug in."""
    c = _salient(**{"rules.active_defence": on, "rules.counterattack_ratio": 3.0})
    s, st = c.world.state, c.static
    d1 = st.formation("d1")
    c.step()
    if on:
        assert s.target[0, d1] == st.node("g1")
    else:
        assert s.action[0, d1] != A_ATTACK


def test_no_counterattack_below_the_ratio() -> None:
    """At a ratio of 6, 10,000 men are short of 6 x 2,000: d1 does not attack."""
    c = _salient(**{"rules.active_defence": 1.0, "rules.counterattack_ratio": 6.0})
    c.step()
    assert c.world.state.action[0, c.static.formation("d1")] != A_ATTACK


def test_no_counterattack_on_an_enemy_that_is_attacking() -> None:
    """The weak German division at g1 is itself under an attack order (a spearhead on the
    move): d1 takes on g2 instead."""
    c = _salient(**{"rules.active_defence": 1.0, "rules.counterattack_ratio": 3.0})
    s, st = c.world.state, c.static
    g1d = st.formation("g1d")
    s.action[0, g1d] = A_ATTACK
    s.target[0, g1d] = st.node("r")
    c.step()
    assert s.target[0, st.formation("d1")] == st.node("g2")
    assert np.all(s.strength[0, :, 0] >= 0)
