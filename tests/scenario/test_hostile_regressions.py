"""Three kinds of input a hostile-input session found wrong, each fixed as a kind:

* a formation that attacks and is attacked on one day lost the sum of two loss fractions,
  which could pass 1 (negative men and trucks): each fraction is now capped at all it has;
* ``training_days: 0`` raised divisions after the day's moves had run, so they never
  arrived (and their men were gone): refused, one located line;
* a war of a side against itself in an event's ``declare_war``, or of two sides of one
  alliance (in ``wars`` or ``declare_war``), did silently nothing: refused, one located
  line each.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from stavka.api import Campaign, load
from stavka.cli import main
from stavka.enums import C_BATTLE, C_WOUNDED

BASE = """id: hostile
name: hostile
start: 1941-10-01
end: 1941-10-06
climate: {z: {periods: [{from: 1941-10-01, to: 1941-10-06, ground: dry, temp_c: 5}]}}
sides:
  soviet: {name: S, alliance: allies, doctrine: {west: attack}MOB}
  germany: {name: G, alliance: GALLY, doctrine: {west: attack}}
wars: [[germany, soviet]]
nodes:
  - {id: a, name: A, lat: 54.5, lon: 30.0, zone: z, owner: soviet, front: west, supply_source: true}
  - {id: b, name: B, lat: 54.6, lon: 30.5, zone: z, owner: germany, front: west, supply_source: true}
edges:
  - {a: a, b: b, kind: road, km: 30}
formation_types:
  division: {men: 10000, tanks: 100, guns: 100, speed_km_day: 20, trucks: 10}
formations:
  - {id: s1, name: S1, side: soviet, type: division, location: a, men: 10000, tanks: 100, guns: 100, trucks: 10}
  - {id: g1, name: G1, side: germany, type: division, location: b, men: 10000, tanks: 100, guns: 100, trucks: 10}
orders:
  - {date: 1941-10-01, formations: [g1], action: attack, target: a}
  - {date: 1941-10-01, formations: [s1], action: attack, target: b}
"""


def _write(tmp_path, text: str, mob: str = "", ally: str = "axis") -> str:
    p = tmp_path / "hostile.yaml"
    p.write_text(BASE.replace("MOB", mob).replace("GALLY", ally) + text)
    return str(p)


@pytest.mark.parametrize("mult", ["1", "30", "100"])
def test_attacking_and_attacked_loses_at_most_all_it_has(tmp_path, mult: str) -> None:
    camp = Campaign(load(_write(tmp_path, "")), seed=0, params={"rules.combat_loss_mult": mult})
    lowest = np.inf
    for _ in range(camp.static.days):
        camp.run(1)
        s = camp.world.state
        lowest = min(lowest, float(s.strength.min()), float(s.trucks.min()))
    assert lowest >= 0.0
    if mult == "100":  # each division loses what it has left in battle (a few men were
        # lost to sickness first), not more: before the cap, 18,990 of its 10,000
        led = camp.world.state.losses[0, :, :, 0, :].sum(axis=1)  # [S, cause]
        battle = led[:, C_BATTLE] + led[:, C_WOUNDED]
        assert ((battle > 9_900) & (battle <= 10_000)).all(), battle


def test_training_days_zero_is_refused(tmp_path, capsys) -> None:
    mob = (", manpower: 1000000, mobilisation: {men_per_day: 100000, template: division, "
           "max_new: 2, training_days: 0, at: a}")
    path = _write(tmp_path, "", mob=mob)
    assert main(["check", path]) == 2
    err = capsys.readouterr().err
    assert re.search(r"hostile\.yaml:\d+: sides\.soviet\.mobilisation\.training_days: "
                     r"input should be greater than or equal to 1", err), err


@pytest.mark.parametrize(("extra", "ally", "where", "says"), [
    ("events:\n  - {id: e, trigger: {date: 1941-10-02}, effects: [{declare_war: [soviet, soviet]}]}\n",
     "axis", r"events\[0\]\.effects\[0\]\.declare_war\[1\]", "cannot be at war with itself"),
    ("", "allies", r"wars\[0\]\[1\]", "both of alliance 'allies'"),
    ("events:\n  - {id: e, trigger: {date: 1941-10-02}, effects: [{declare_war: [germany, soviet]}]}\n",
     "allies", r"events\[0\]\.effects\[0\]\.declare_war\[1\]", "both of alliance 'allies'"),
])
def test_a_war_that_cannot_be_fought_is_refused(tmp_path, capsys, extra, ally, where,
                                                says) -> None:
    path = _write(tmp_path, extra, ally=ally)
    assert main(["check", path]) == 2
    err = capsys.readouterr().err
    assert re.search(rf"hostile\.yaml:\d+: {where}: .*{re.escape(says)}", err), err
    assert "Traceback" not in err
