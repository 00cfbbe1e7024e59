"""The Python API: Order parsing, Campaign.step with player orders, input checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stavka.api import Campaign, load, simulate
from stavka.engine.records import NEEDS_TARGET, ORDER_ACTIONS, Order
from stavka.errors import IllegalOrderError, InputError, StavkaError, UnknownIdError

MINI = Path(__file__).resolve().parent / "data" / "mini.yaml"
_ids = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True)


@pytest.fixture(scope="module")
def mini():
    return load(MINI)


@pytest.mark.parametrize("text,expected", [
    ("sov_16a attack vyazma", Order("sov_16a", "attack", "vyazma")),
    ("sov_16a hold", Order("sov_16a", "hold")),
    ("  ger_pz_3   rail\tmoscow ", Order("ger_pz_3", "rail", "moscow")),
])
def test_order_parse(text, expected):
    o = Order.parse(text)
    assert o == expected
    assert eval(repr(o), {"Order": Order}) == o
    assert repr(o) == f"Order.parse({o.text()!r})"


@given(f=_ids, action=st.sampled_from(ORDER_ACTIONS), target=_ids)
def test_order_repr_round_trips(f, action, target):
    o = Order(f, action, target if action in NEEDS_TARGET else None)
    assert eval(repr(o), {"Order": Order}) == o
    assert Order.parse(o.text()) == o


@pytest.mark.parametrize("text,match", [
    ("", "0 words"),
    ("sov_16a", "1 words"),
    ("sov_16a attack vyazma now", "4 words"),
    ("sov_16a fly moscow", "unknown action 'fly'"),
    ("sov_16a attack", "needs a target"),
    ("sov_16a rail", "needs a target"),
])
def test_order_bad_syntax(text, match):
    with pytest.raises(IllegalOrderError, match=match):
        Order.parse(text)


def test_step_unknown_formation_suggests(mini):
    c = Campaign(mini)
    d0 = c.digest()
    with pytest.raises(UnknownIdError, match=r"unknown formation 'sov_16x'.*did you mean 'sov_16a'"):
        c.step(["sov_16x attack smolensk"])
    with pytest.raises(UnknownIdError, match=r"did you mean 'smolensk'"):
        c.step(["sov_16a attack smolenks"])
    assert c.digest() == d0 and c.day == 0


def test_illegal_order_raises_before_anything_changes(mini):
    # The first order is legal, the second is not (already at vyazma): neither is applied,
    # the day does not advance, nothing is logged or recorded.
    c = Campaign(mini, seed=1)
    d0 = c.digest()
    with pytest.raises(IllegalOrderError, match="already there"):
        c.step(["sov_moscow move vyazma", "sov_16a rail vyazma"])
    assert c.digest() == d0
    assert c.day == 0 and c.events == [] and c.orders_log == []
    assert c.history.digests == [d0]
    # ... and the campaign goes on exactly as one that never saw the bad order
    c.step()
    assert c.digest() == Campaign(mini, seed=1).run(days=1).digest()


def test_attack_needs_a_war(mini):
    # Japan is at war with no one at the start of mini.
    c = Campaign(mini)
    with pytest.raises(IllegalOrderError, match="at war with no one"):
        c.step(["jap_1 attack khabarovsk"])


def test_order_for_formation_in_rail_transit_is_illegal(mini):
    c = Campaign(mini)
    c.step(["sov_moscow rail chita"])
    with pytest.raises(IllegalOrderError, match="in rail transit"):
        c.step(["sov_moscow hold"])


def test_player_order_is_logged_and_applied(mini):
    c = Campaign(mini)
    c.step(["sov_moscow move vyazma"])
    assert c.summary()["orders"] == ["0: sov_moscow move vyazma"]
    st, s = c.static, c.world.state
    f = st.formation("sov_moscow")
    assert st.node_ids[s.target[0, f]] == "vyazma"


def test_campaign_input_checks(mini):
    for bad in (-1, 1.5, True, "7"):
        with pytest.raises(InputError, match="seed"):
            Campaign(mini, seed=bad)
    with pytest.raises(InputError, match="days"):
        Campaign(mini).run(days=-1)
    with pytest.raises(UnknownIdError, match="did you mean 'transfer_divisions'"):
        Campaign(mini, params={"transfer_division": 1})
    with pytest.raises(InputError, match="must be <= 2"):
        Campaign(mini, params={"transfer_divisions": 3})
    with pytest.raises(StavkaError):
        load("no-such-scenario")


def test_campaign_stops_at_the_end(mini):
    c = Campaign(mini, seed=3).run()
    assert c.done
    assert len(c.history.digests) == c.day + 1
    with pytest.raises(InputError, match="campaign is over"):
        c.step()


def test_simulate_matches_campaign(mini):
    assert simulate(mini, seed=4, days=5)["digest"] == Campaign(mini, seed=4).run(days=5).digest()
