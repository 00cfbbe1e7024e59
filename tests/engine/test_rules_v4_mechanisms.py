"""The mechanisms rules v4 adds: frontage (a region's battle takes at most
``rules.frontage_men`` of each side, cities ``rules.frontage_urban`` times as many), the
cover rule (a sector in contact keeps ``rules.cover_ratio`` men per enemy man next to it)
and the line-holding doctrine (``rules.rear_release``: a defender dug in behind the line
goes forward again). Expected values are by hand; each mechanism is off in rules v1-v3.
"""

from __future__ import annotations

import numpy as np
import pytest

from stavka import rules
from stavka.engine.phases.combat import _engaged
from stavka.enums import A_DEFEND, A_MOVE

from .helpers import campaign


def test_engaged_fraction_by_hand() -> None:
    men = np.array([50_000.0, 200_000.0, 0.0, 100_000.0])
    assert _engaged(men, 100_000.0).tolist() == [1.0, 0.5, 1.0, 1.0]
    # a per-battle frontage (a city's is wider)
    assert _engaged(men, np.array([1e5, 4e5, 1e5, 2.5e4])).tolist() == [1.0, 1.0, 1.0, 0.25]
    # no limit: exactly one, so a run without frontage keeps its bits
    assert _engaged(men, 1e9).tolist() == [1.0, 1.0, 1.0, 1.0]


@pytest.mark.parametrize("version", ["v1", "v2", "v3"])
def test_off_in_older_rules(version: str) -> None:
    r = rules.load(version)
    assert r.frontage_men == 1e9 and r.frontage_urban == 1.0
    assert r.cover_ratio == 0.0 and r.rear_release == 0.0


def test_a_battle_wider_than_its_frontage() -> None:
    """t_combat: a 200,000-man army attacks x. With a frontage of 50,000 the battle sees
    50,000 attackers (the battle's start event), and the army's loss is the line's loss
    spread over all 200,000 (so a quarter of the line's fraction)."""
    c = campaign("t_combat", seed=3, **{"rules.frontage_men": 50_000.0})
    evs = c.step(["ger_army attack x"])
    start = [e for e in evs if e.kind == "battle" and e.values.get("phase") == "start"]
    assert start and start[0].values["attacker_men"] == 50_000.0
    assert start[0].values["defender_men"] == 500.0  # under the frontage: all of them


@pytest.mark.parametrize("cover, moved", [(0.0, ["d2", "d3"]), (1.5, ["d2"]), (2.5, [])])
def test_a_sector_in_contact_is_not_uncovered(cover: float, moved: list[str]) -> None:
    """t_stack: x holds d1, d2, d3 (10,000 men each) next to g (10,000 Germans); with a
    stacking limit of 5,000, d2 and d3 are surplus. The cover rule keeps cover x 10,000 men
    at x: leaving in formation order, d2 leaves 20,000 behind and d3 10,000."""
    c = campaign("t_stack", **{"rules.defend_stack_men": 5000.0, "rules.cover_ratio": cover})
    c.step()
    s, st = c.world.state, c.static
    going = [f for f in ("d1", "d2", "d3")
             if s.action[0, st.formation(f)] == A_MOVE or s.loc[0, st.formation(f)] == st.node("y")]
    assert going == moved


@pytest.mark.parametrize("release, goes", [(0.0, False), (1.0, True)])
def test_a_defender_dug_in_behind_the_line_goes_forward(release: float, goes: bool) -> None:
    """t_rear: d_rear is dug in at r, which no enemy touches; x faces g."""
    c = campaign("t_rear", **{"rules.rear_release": release})
    s, st = c.world.state, c.static
    f = st.formation("d_rear")
    s.action[0, f] = A_DEFEND
    c.step()
    if goes:
        assert s.action[0, f] == A_MOVE or s.loc[0, f] == st.node("x")
        assert s.target[0, f] == st.node("x") or s.loc[0, f] == st.node("x")
    else:
        assert s.action[0, f] == A_DEFEND and s.loc[0, f] == st.node("r")


@pytest.mark.parametrize("terrain, factor", [("urban", 8.0), ("open", 1.0)])
def test_no_massing_on_a_city(tmp_path, terrain: str, factor: float) -> None:
    """t_combat with x made ``terrain``: 200,000 attack 500, a men ratio of 400, clipped to
    massing_cap 8; at massing_exp 1 massing multiplies the attacker's CEV by 8. With
    ``rules.massing_urban`` 0 a city gives no sector to mass on: the battle's power ratio
    (its start event) is 8 times smaller in a city, and the same on open ground."""
    from stavka.api import Campaign

    from .helpers import DATA
    text = (DATA / "t_combat.yaml").read_text().replace(
        "{id: x, name: X, lat: 52.0, lon: 25.0, zone: z,",
        f"{{id: x, name: X, lat: 52.0, lon: 25.0, zone: z, terrain: {terrain},")
    path = tmp_path / "t_city.yaml"
    path.write_text(text)
    ratio = {}
    for on in (1.0, 0.0):
        c = Campaign(path, seed=3, params={"rules.massing_exp": 1.0, "rules.massing_urban": on})
        evs = c.step(["ger_army attack x"])
        start = [e for e in evs if e.kind == "battle" and e.values.get("phase") == "start"]
        ratio[on] = start[0].values["ratio"]
    assert ratio[1.0] / ratio[0.0] == pytest.approx(factor, rel=1e-9)


@pytest.mark.parametrize("ratio, moved", [(0.0, []), (0.5, ["d2", "d3"]), (1.5, ["d3"]),
                                          (2.5, [])])
def test_a_threatened_region_keeps_what_its_threat_calls_for(ratio: float,
                                                             moved: list[str]) -> None:
    """rules.defend_keep_ratio (v8), on t_stack: x holds d1, d2, d3 (10,000 men each, all
    dug in) next to g (10,000 Germans). x keeps its first ratio x 10,000 men (in formation
    order: d1 has none before it, d2 10,000, d3 20,000) and sends the rest to y, which faces
    g too; 0 is no limit (and no stacking limit either: all stay). No cover rule, so the
    keep limit alone decides."""
    c = campaign("t_stack", **{"rules.defend_keep_ratio": ratio, "rules.cover_ratio": 0.0})
    s, st = c.world.state, c.static
    for f in ("d1", "d2", "d3"):
        s.action[0, st.formation(f)] = A_DEFEND
    c.step()
    going = [f for f in ("d1", "d2", "d3")
             if s.action[0, st.formation(f)] == A_MOVE or s.loc[0, st.formation(f)] == st.node("y")]
    assert going == moved
    for f in moved:
        assert s.target[0, st.formation(f)] == st.node("y") or s.loc[0, st.formation(f)] == st.node("y")


def test_the_keep_limit_follows_the_enemy_next_door(tmp_path) -> None:
    """The same ratio keeps more where more enemies stand next to the region: ratio 0.75
    keeps 7,500 men at x facing one German division (d2 and d3 leave) and 15,000 facing
    two (only d3 leaves)."""
    from stavka.api import Campaign
    from stavka.scenario.loader import load_file

    from .helpers import edited

    def edit(d):  # type: ignore[no-untyped-def]
        d["formations"].append({"id": "g2", "name": "German division 2", "side": "germany",
                                "type": "div", "location": "g"})
    for path, moved in ((edited(tmp_path, "t_stack.yaml", file="one.yaml"), ["d2", "d3"]),
                        (edited(tmp_path, "t_stack.yaml", edit, file="two.yaml"), ["d3"])):
        c = Campaign(load_file(path),
                     params={"rules.defend_keep_ratio": 0.75, "rules.cover_ratio": 0.0})
        s, st = c.world.state, c.static
        for f in ("d1", "d2", "d3"):
            s.action[0, st.formation(f)] = A_DEFEND
        c.step()
        going = [f for f in ("d1", "d2", "d3") if s.action[0, st.formation(f)] == A_MOVE
                 or s.loc[0, st.formation(f)] == st.node("y")]
        assert going == moved
