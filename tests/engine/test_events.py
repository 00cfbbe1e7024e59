"""Events phase: date triggers with parameters, strength triggers, war, requests."""

from __future__ import annotations

import pytest

from stavka.api import Campaign, load

from .helpers import DATA, campaign, mini_without_germans, of_kind


def _run(c, days: int):
    evs = []
    for _ in range(days):
        evs += c.step()
    return evs


def _war(c, a: str, b: str) -> tuple[bool, bool]:
    st, s = c.static, c.world.state
    ia, ib = st.side(a), st.side(b)
    return bool(s.at_war[0, ia, ib]), bool(s.at_war[0, ib, ia])


def test_date_trigger_from_parameter_declares_war_both_ways():
    # japan_attack_date = 1941-10-03 = day 2 (mini starts 1941-10-01).
    c = mini_without_germans(transfer_divisions=0, japan_attack_date="1941-10-03")
    st, s = c.static, c.world.state
    evs = _run(c, 2)  # days 0, 1
    assert of_kind(evs, "war") == []
    assert _war(c, "japan", "soviet") == (False, False)
    evs = c.step()  # day 2
    war = of_kind(evs, "war")
    assert [(e.day, e.side, e.subjects, e.values["event"]) for e in war] == [
        (2, "japan", ("soviet",), "japan_attacks")]
    assert _war(c, "japan", "soviet") == (True, True)
    assert s.war_day[0, st.side("japan"), st.side("soviet")] == 2
    assert s.war_day[0, st.side("soviet"), st.side("japan")] == 2
    # the stance effect of the same event: Japan attacks in the east
    assert s.stance[0, st.side("japan"), st.front_ids.index("east")] == 0  # STANCES[0] = attack
    assert c.summary()["victory"]["flags"]["japan_attacks"] is True


def test_date_parameter_unset_never_fires():
    c = mini_without_germans(transfer_divisions=0)  # japan_attack_date defaults to null
    evs = _run(c, 29)
    assert of_kind(evs, "war") == []
    assert c.summary()["victory"]["flags"]["japan_attacks"] is False


def test_strength_below_fires_when_far_east_divisions_leave():
    # Soviet east men at start: 2 x 14483 = 28966; threshold 0.5 x 28966 = 14483.
    # transfer_divisions=2: both divisions entrain on day 4 (status RAIL, no longer on
    # the front) -> 0 < 14483 at the events phase of day 5 -> war on day 5.
    c = mini_without_germans(transfer_divisions=2)
    evs = _run(c, 6)
    war = of_kind(evs, "war")
    assert [(e.day, e.side, e.subjects) for e in war] == [(5, "japan", ("soviet",))]
    assert _war(c, "soviet", "japan") == (True, True)


def test_strength_below_is_strict_at_exactly_half():
    # transfer_divisions=1: 14483 left = exactly 0.5 x 28966, not below -> no war.
    c = mini_without_germans(transfer_divisions=1)
    evs = _run(c, 29)
    assert len(of_kind(evs, "rail_depart")) == 1
    assert of_kind(evs, "war") == []


@pytest.mark.parametrize("p,expect", [(0.0, False), (1.0, True)])
def test_request_with_probability_zero_never_one_always(p, expect):
    # ask_help fires on 1941-07-03 = day 2 and asks Germany; if granted, the manual
    # event help_arrives fires (a chronicle dispatch). Same for every seed.
    for seed in range(5):
        c = campaign("t_econ", seed=seed, help_p=p)
        evs = _run(c, 6)
        req = of_kind(evs, "request")
        assert [(e.day, e.side, e.values["accepted"]) for e in req] == [(2, "germany", expect)]
        help_ = [e for e in of_kind(evs, "dispatch") if e.values["event"] == "help_arrives"]
        assert len(help_) == (1 if expect else 0)
        ei = [e.id for e in c.static.spec.events].index("help_arrives")
        assert bool(c.world.state.fired[0, ei]) is expect


def test_granted_request_fires_then_event_next_day_whatever_the_order(tmp_path):
    # help_arrives is listed after ask_help in t_econ.yaml; moving it first must not
    # change anything: the answer comes the day after the request (day 2 -> day 3).
    days = []
    text = (DATA / "t_econ.yaml").read_text()
    head, events = text.split("events:\n")
    blocks = events.split("  - id: ")
    reordered = head + "events:\n" + "  - id: ".join(
        [blocks[0], blocks[1], blocks[3], blocks[2].rstrip("\n") + "\n"])
    for name, body in (("as_is", text), ("reordered", reordered)):
        p = tmp_path / f"t_econ_{name}.yaml"
        p.write_text(body)
        c = Campaign(load(p), params={"help_p": 1.0})
        evs = _run(c, 5)
        days.append([e.day for e in of_kind(evs, "dispatch")
                     if e.values["event"] == "help_arrives"])
    assert days == [[3], [3]]
