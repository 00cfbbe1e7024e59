"""``rules.reserve_dispatch`` on t_reserve: Stavka sends reserves to a threatened city,
by rail, the nearest first, until its shortfall is met, each source keeping its garrison.

c (vp 2) faces 30,000 Germans. With garrison_men_per_vp 2,000 and cover_ratio 0.5 its
shortfall is max(2 x 2,000, 0.5 x 30,000) = 15,000 men. m (vp 3) keeps 3 x 2,000 = 6,000
of its five 6,000-man divisions. Nearest first then in formation order, r1 (0 sent
before it), r2 (6,000) and r3 (12,000) go; r4 (18,000 >= 15,000) stays, and so does
r_far (farther). The next day the 18,000 on the way count, and nobody else goes.
"""

from __future__ import annotations

import pytest

from stavka.enums import A_DEFEND, A_MOVE, A_RAIL

from .helpers import campaign

RULES = {"rules.garrison_men_per_vp": 2000, "rules.cover_ratio": 0.5}


def _where(c, ids):
    st, s = c.static, c.world.state
    return {i: (st.node_ids[s.loc[0, st.formation(i)]], int(s.action[0, st.formation(i)]),
                int(s.target[0, st.formation(i)])) for i in ids}


@pytest.mark.parametrize("seed", [0, 3])
def test_reserves_go_by_rail_nearest_first_until_the_shortfall_is_met(seed):
    c = campaign("t_reserve", seed=seed, **RULES, **{"rules.reserve_dispatch": 1})
    c.step()
    st = c.static
    city = st.node("c")
    got = _where(c, ["r1", "r2", "r3", "r4", "r5", "r_far"])
    for i in ("r1", "r2", "r3"):
        assert got[i][1:] == (A_RAIL, city), (i, got)
    for i in ("r4", "r5", "r_far"):
        assert got[i][1] == A_DEFEND and got[i][0] in ("m", "far"), (i, got)
    for _ in range(8):
        c.step()
    got = _where(c, ["r1", "r2", "r3", "r4", "r5", "r_far"])
    assert [i for i, (at, _, _) in got.items() if at == "c"] == ["r1", "r2", "r3"]
    assert got["r4"][0] == got["r5"][0] == "m" and got["r_far"][0] == "far"


def test_without_the_rule_every_idle_reserve_marches_on_the_city():
    """The doctrine without the rule: idle defenders go to the nearest threatened region
    on foot, all that the garrison rule lets leave (r1-r4; r5 keeps m's 6,000)."""
    c = campaign("t_reserve", seed=0, **RULES)
    c.step()
    got = _where(c, ["r1", "r2", "r3", "r4", "r5", "r_far"])
    moving = sorted(i for i, (_, act, _) in got.items() if act == A_MOVE)
    assert moving == ["r1", "r2", "r3", "r4", "r_far"]
