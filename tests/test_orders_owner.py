"""Orders with an owner: who may order what, and one rule when player and script disagree."""

from __future__ import annotations

import pytest

import stavka
from stavka.enums import A_ATTACK, A_HOLD, A_RAIL
from stavka.errors import IllegalOrderError, InputError, UnknownIdError


@pytest.fixture(scope="module")
def flagship():
    return stavka.load("two-fronts-1941")


def test_an_order_for_another_sides_formation_is_refused(flagship):
    c = stavka.Campaign(flagship, seed=1, player="soviet")
    with pytest.raises(IllegalOrderError, match="belongs to germany; you play soviet"):
        c.step(["ger_pzgr2_id01 attack moscow"])
    assert c.day == 0  # nothing happened
    c.step(["ger_pzgr2_id01 hold"], side="germany")  # per call: the German player
    with pytest.raises(UnknownIdError, match="unknown side 'atlantis'"):
        stavka.Campaign(flagship, player="atlantis")


@pytest.mark.parametrize("orders, message", [
    ("sov_wf_22a_rd1 hold", "not str (did you mean"),
    (b"sov_wf_22a_rd1 hold", "not bytes"),
    ([None], "orders[0]: an order is an Order or a string"),
    ([123], "got int"),
    ([b"x hold"], "got bytes"),
    (["nobody hold"], "unknown formation 'nobody'"),
    (["sov_wf_22a_rd1 move atlantis"], "unknown region 'atlantis'"),
])
def test_bad_orders_are_typed_errors(flagship, orders, message):
    c = stavka.Campaign(flagship, seed=1)
    with pytest.raises(InputError if "unknown" not in message else UnknownIdError,
                       match=message.replace("(", r"\(").replace("[", r"\[")):
        c.step(orders)
    assert c.day == 0


def test_the_players_order_of_the_day_wins_over_the_script(flagship):
    # the script sends 2nd Panzer Group at Sevsk on day 0; the German player says hold
    c = stavka.Campaign(flagship, seed=1, player="germany")
    evs = c.step(["ger_pzgr2_id01 hold"])
    st, s = c.static, c.world.state
    f = st.formation("ger_pzgr2_id01")
    assert s.action[0, f] == A_HOLD
    over = [e for e in evs if e.kind == "order_overridden"]
    assert [(e.subjects, e.values["by"], e.values["action"]) for e in over] == [
        (("ger_pzgr2_id01",), "script", "attack")]
    # the rest of the group follows the script as before
    assert s.action[0, st.formation("ger_pzgr2_id02")] == A_ATTACK



def test_the_chronicle_tells_of_an_overruled_order(flagship, tmp_path):
    from stavka.chronicle import write_outputs

    c = stavka.Campaign(flagship, seed=1, player="germany")
    c.step(["ger_pzgr2_id01 hold"])
    write_outputs(c, tmp_path)
    text = (tmp_path / "chronicle.md").read_text()
    assert "Orders overruled" in text and "the player's order of the day stands" in text


def test_a_players_order_that_cancels_a_booked_transfer_says_so(flagship):
    c = stavka.Campaign(flagship, seed=1, player="soviet")
    c.run(13)
    st, s = c.static, c.world.state
    f = st.formation("sov_fe02_82mrd")
    assert s.action[0, f] == A_RAIL and s.rail_depart[0, f] >= 0  # booked by the transfer event
    evs = c.step(["sov_fe02_82mrd hold"])
    over = [e for e in evs if e.kind == "order_overridden"]
    assert [(e.subjects, e.values["by"]) for e in over] == [(("sov_fe02_82mrd",), "player")]
    assert "cancels its rail transfer" in over[0].values["reason"]
    assert s.action[0, f] == A_HOLD
