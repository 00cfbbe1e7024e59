"""Two doctrine rules measured for rules v5 (off in v1-v4): ``rules.salient_withdraw``
(defenders in a salient fall back through its last exit) and ``rules.move_retarget`` (an
AI move whose destination is held by enemy troops is ended and chosen again). Fixture
``t_salient``: s touches German-held g1 and g2 and Soviet e; e touches s and r."""

from __future__ import annotations

import pytest

from stavka import rules
from stavka.enums import A_DEFEND, A_MOVE

from .helpers import campaign


@pytest.mark.parametrize("version", rules.versions())
def test_off_in_shipped_versions_before_v5(version: str) -> None:
    r = rules.load(version)
    if version in ("v1", "v2", "v3", "v4"):
        assert r.salient_withdraw == 0.0 and r.move_retarget == 0.0


@pytest.mark.parametrize("on", [0.0, 1.0])
def test_a_salient_is_left_through_its_last_exit(on: float) -> None:
    c = campaign("t_salient", **{"rules.salient_withdraw": on})
    s, st = c.world.state, c.static
    d1 = st.formation("d1")
    s.action[0, d1] = A_DEFEND
    c.step()
    if on:  # one friendly neighbour (e), two enemy ones: back to e
        assert s.action[0, d1] == A_MOVE and s.target[0, d1] == st.node("e")
    else:
        assert s.action[0, d1] == A_DEFEND and s.loc[0, d1] == st.node("s")


def test_not_a_salient_with_two_exits() -> None:
    """The same division at e (neighbours s and r, both Soviet) stays dug in."""
    c = campaign("t_salient", **{"rules.salient_withdraw": 1.0})
    s, st = c.world.state, c.static
    d2 = st.formation("d2")
    s.action[0, d2] = A_DEFEND
    c.step()
    assert s.loc[0, d2] == st.node("e") and s.action[0, d2] != A_MOVE


@pytest.mark.parametrize("on", [0.0, 1.0])
def test_a_move_on_a_held_enemy_region_is_chosen_again(on: float) -> None:
    """d2 was sent (by the AI, not a script) to g2, which German troops hold: movement
    cannot enter it. Off, d2 keeps the order and stands at e; on, the order ends and the
    defend doctrine sends it to the threatened region with fewest men nearest it."""
    c = campaign("t_salient", **{"rules.move_retarget": on})
    s, st = c.world.state, c.static
    d2 = st.formation("d2")
    s.action[0, d2] = A_MOVE
    s.target[0, d2] = st.node("g2")
    c.step()
    if on:
        assert s.target[0, d2] != st.node("g2")
    else:
        assert s.action[0, d2] == A_MOVE and s.target[0, d2] == st.node("g2")
        assert s.loc[0, d2] == st.node("e")


@pytest.mark.parametrize("cover", [0.0, 1.0])
def test_the_cover_rule_holds_a_salient_only_under_salient_cover(cover: float) -> None:
    """rules.salient_cover: with a cover ratio of 1, the 20,000 German men next to s ask
    s to keep 20,000 of its 10,000 - nobody may leave under the cover rule. Under
    salient_cover 1 (v1-v12) d1 stays dug in; under 0 only the garrison rule applies (s
    has no victory points, so no garrison) and d1 falls back to e."""
    c = campaign("t_salient", **{"rules.salient_withdraw": 1.0, "rules.cover_ratio": 1.0,
                                 "rules.salient_cover": cover})
    s, st = c.world.state, c.static
    d1 = st.formation("d1")
    s.action[0, d1] = A_DEFEND
    c.step()
    if cover:
        assert s.action[0, d1] != A_MOVE and s.loc[0, d1] == st.node("s")
    else:
        assert s.action[0, d1] == A_MOVE and s.target[0, d1] == st.node("e")


def test_salient_cover_is_on_in_every_shipped_version_before_v13() -> None:
    for v in rules.versions():
        if int(v[1:]) <= 12:
            assert rules.load(v).salient_cover == 1.0, v
