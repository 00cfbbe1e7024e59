"""Three loss rules and a doctrine rule of rules v6, on tests/data/t_air.yaml (one even
battle at x, one air formation of 100 aircraft a side on that front):

* ``rules.air_loss_ratio``: air formations lose aircraft flying over their side's
  battles, the mean equipment loss fraction of those battles times the ratio;
* ``rules.attacker_gun_loss`` and ``rules.defender_gun_loss``: an attacker's and a
  defender's guns are lost at these multiples of their equipment loss fraction;
* ``rules.stance_recall``: the doctrine's own attacks end when the stance does.

The battle's own draw does not depend on the loss rules (they act after it), so each
expected value is a proportion of the same day's losses. All are off (0 or 1) in rules
v1-v5, which keeps every pinned digest.
"""

from __future__ import annotations

import pytest

from stavka import rules
from stavka.enums import A_ATTACK, C_BATTLE, STANCES

from .helpers import campaign

GRID = 1.0 / 1024  # counts are fixed-point on this grid (stavka.world.counts)


def _day(**params: float):  # type: ignore[no-untyped-def]
    c = campaign("t_air", seed=2, **params)  # seed 2: the battle goes on (no break, no halt)
    c.step(["ger_div attack x"])
    st, s = c.static, c.world.state
    return c, {f: s.strength[0, st.formation(f)].copy()
               for f in ("ger_div", "ger_air", "sov_div", "sov_air")}


@pytest.mark.parametrize("version", ["v1", "v2", "v3", "v4", "v5"])
def test_off_in_older_rules(version: str) -> None:
    r = rules.load(version)
    assert r.air_loss_ratio == 0.0 and r.attacker_gun_loss == 1.0
    assert r.defender_gun_loss == 1.0 and r.stance_recall == 0.0


def test_aircraft_are_lost_in_proportion_to_the_ratio() -> None:
    _, base = _day()
    assert base["ger_air"][3] == 100.0 and base["sov_air"][3] == 100.0  # v5: never lost
    _, one = _day(**{"rules.air_loss_ratio": 1.0})
    _, three = _day(**{"rules.air_loss_ratio": 3.0})
    lost1 = {f: 100.0 - one[f][3] for f in ("ger_air", "sov_air")}
    lost3 = {f: 100.0 - three[f][3] for f in ("ger_air", "sov_air")}
    for f in ("ger_air", "sov_air"):
        assert 0.0 < lost1[f] < 100.0
        assert lost3[f] == pytest.approx(3.0 * lost1[f], abs=3 * GRID)
    # the ground battle itself is the same draw: the divisions' men are unchanged
    for f in ("ger_div", "sov_div"):
        assert one[f][0] == base[f][0] and three[f][0] == base[f][0]


def test_air_losses_are_the_sides_equipment_loss() -> None:
    """With one battle on the front, an air formation's loss fraction is its side's
    equipment loss fraction in that battle (ratio 1): the Soviet division's guns and the
    Soviet air group lose the same fraction; the German division's guns (attacker_gun_loss
    1) and the German air corps too."""
    _, d = _day(**{"rules.air_loss_ratio": 1.0})
    for div, air in (("ger_div", "ger_air"), ("sov_div", "sov_air")):
        gun_frac = 1.0 - d[div][2] / 100.0
        air_frac = 1.0 - d[air][3] / 100.0
        assert gun_frac > 0.0
        assert air_frac == pytest.approx(gun_frac, abs=2 * GRID / 100.0 + 1e-12)


def test_air_losses_are_booked_as_battle_losses() -> None:
    c, d = _day(**{"rules.air_loss_ratio": 2.0})
    st, s = c.static, c.world.state
    for side, air in (("germany", "ger_air"), ("soviet", "sov_air")):
        booked = s.losses[0, st.side_ids.index(side), :, 3, C_BATTLE].sum()
        assert booked == 100.0 - d[air][3]


@pytest.mark.parametrize("ratio", [0.0, 0.5])
def test_an_attackers_guns(ratio: float) -> None:
    _, base = _day()
    _, d = _day(**{"rules.attacker_gun_loss": ratio})
    lost_base = 100.0 - base["ger_div"][2]
    lost = 100.0 - d["ger_div"][2]
    assert lost_base > 0.0
    assert lost == pytest.approx(ratio * lost_base, abs=GRID)
    # the defender's guns and everything else of the attacker: as before
    assert d["sov_div"][2] == base["sov_div"][2]
    assert d["ger_div"][1] == base["ger_div"][1] and d["ger_div"][0] == base["ger_div"][0]


@pytest.mark.parametrize("ratio", [1.0, 2.0])
def test_a_defenders_guns(ratio: float) -> None:
    """``rules.defender_gun_loss``: the defender's guns at this multiple of its equipment
    loss fraction; the attacker's and everything else as before."""
    _, base = _day()
    _, d = _day(**{"rules.defender_gun_loss": ratio})
    lost_base = 100.0 - base["sov_div"][2]
    assert lost_base > 0.0
    assert 100.0 - d["sov_div"][2] == pytest.approx(ratio * lost_base, abs=GRID)
    assert d["ger_div"][2] == base["ger_div"][2]
    assert d["sov_div"][1] == base["sov_div"][1] and d["sov_div"][0] == base["sov_div"][0]


@pytest.mark.parametrize("recall", [0.0, 1.0])
def test_a_stance_change_recalls_the_doctrines_attacks(recall: float) -> None:
    """``rules.stance_recall``: under the attack stance the doctrine sends ger_reserve on
    x (from depot: 150 km to gsrc, then x, a march of days); the stance then turns to
    defend. With the rule the attack ends; without it the attack goes on."""
    c = campaign("t_air", seed=2, **{"rules.stance_recall": recall})
    st, s = c.static, c.world.state
    f, g = st.formation("ger_reserve"), st.side_ids.index("germany")
    s.stance[0, g, :] = STANCES.index("attack")
    c.step()
    assert s.action[0, f] == A_ATTACK and s.target[0, f] == st.node("x")
    s.stance[0, g, :] = STANCES.index("defend")
    c.step()
    if recall:
        assert s.action[0, f] != A_ATTACK
    else:
        assert s.action[0, f] == A_ATTACK and s.target[0, f] == st.node("x")
