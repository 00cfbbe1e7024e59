"""Diplomacy and trade (stavka.engine.diplomacy) on tests/data/t_diplo.yaml, with
hand-computed expectations: a request accepted, refused (and sent again) and countered;
the decision model's probability; a player's answer; an agreement kept, broken and
violated; a contract lot delayed and lost on a cut rail route, lost at sea; a neutral
entering the war; the war-entry hazard against the border balance."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

import stavka
from stavka.diplomacy import model
from stavka.engine import diplomacy as D
from stavka.engine.records import Order
from stavka.errors import IllegalOrderError, UnknownIdError

from .helpers import campaign, loaded, of_kind


def _run_to(c, date: str) -> list:
    evs = []
    while c.date <= dt.date.fromisoformat(date):
        evs += c.step()
    return evs


def _answer(evs, request):
    return [e for e in evs if e.kind == "request_answered" and e.values["request"] == request]


def test_accepted_on_the_deadline_with_its_effects_and_trust():
    c = campaign("t_diplo", p_help=1.0)
    evs = _run_to(c, "1941-07-05")
    sent = [e for e in of_kind(evs, "request_sent") if e.values["request"] == "ask_prob"]
    assert [(e.date, e.values["text"]) for e in sent] == [(dt.date(1941, 7, 2), "First telegram.")]
    (a,) = _answer(evs, "ask_prob")
    assert a.date == dt.date(1941, 7, 5)  # sent 2 July + deadline 3 days
    assert (a.values["answer"], a.values["by"], a.values["text"]) == ("accepted", "probability",
                                                                      "Yan'an agrees.")
    st, s = c.static, c.world.state
    y, so = st.side("yanan"), st.side("soviet")
    assert s.dip_trust[0, y, so] == pytest.approx(0.6) and s.dip_trust[0, so, y] == pytest.approx(0.6)
    # on_accept: -0.1 (the day's recovery gives some back)
    assert s.morale[0, st.formation("j_div")] < 0.95
    assert s.dip_req[0, 0] == D.REQ_ACCEPTED
    # an event triggered by the answer fires (next phase order: the following day)
    evs = c.step()
    assert any(e.kind == "dispatch" and e.values["text"] == "Help given." for e in evs)


def test_refused_then_sent_again_then_closed():
    c = campaign("t_diplo", p_help=0.0)
    evs = _run_to(c, "1941-07-20")
    ans = _answer(evs, "ask_prob")
    assert [(e.date, e.values["answer"]) for e in ans] == [
        (dt.date(1941, 7, 5), "refused"), (dt.date(1941, 7, 18), "refused")]
    sent = [e for e in of_kind(evs, "request_sent") if e.values["request"] == "ask_prob"]
    # repeat 10 days after the refusal, with the second text
    assert [(e.date, e.values["text"]) for e in sent] == [
        (dt.date(1941, 7, 2), "First telegram."), (dt.date(1941, 7, 15), "Second telegram.")]
    st, s = c.static, c.world.state
    assert s.dip_req[0, 0] == D.REQ_CLOSED and s.dip_req_sends[0, 0] == 2
    # each refusal costs the requester's trust 0.05, an acceptance (of ask_model) adds 0.1
    so, y = st.side("soviet"), st.side("yanan")
    accepted_model = _answer(evs, "ask_model")[0].values["answer"] == "accepted"
    assert s.dip_trust[0, so, y] == pytest.approx(0.5 - 0.1 + (0.1 if accepted_model else -0.05))


def test_countered():
    c = campaign("t_diplo", p_help=0.0, p_counter=1.0)
    evs = _run_to(c, "1941-07-05")
    (a,) = _answer(evs, "ask_prob")
    assert (a.values["answer"], a.values["text"]) == ("countered", "We will deploy along the Wall.")
    assert any(e.kind == "dispatch" and e.values["text"] == "Deployed." for e in evs)
    st, s = c.static, c.world.state
    assert s.dip_trust[0, st.side("yanan"), st.side("soviet")] == pytest.approx(0.53)
    assert s.dip_req[0, 0] == D.REQ_COUNTERED


def test_decision_model_probability_by_hand():
    # ask_model, answered 7 July: offer 100 t of gold, but the Soviet side has 80 t left
    # (two contract lots paid), so the offer counts 0; risk 0.2, no losses, no threat
    # (not at war with anyone near Yan'an... Japan is at war with Yan'an: threat weight 0),
    # trust 0.5 (ask_prob refused: only the requester's trust falls).
    # z = 0 + 1.5*0 - 5*0.2 - 3*0 - 0 + 4*(0.5 - 0.5) = -1  ->  p = 1 / (1 + e)
    c = campaign("t_diplo", p_help=0.0)
    evs = _run_to(c, "1941-07-07")
    (a,) = _answer(evs, "ask_model")
    assert a.values["offer"] == 0.0 and a.values["trust"] == 0.5
    assert a.values["p_accept"] == pytest.approx(1.0 / (1.0 + math.e), abs=1e-12)
    assert a.values["by"] == "model" and a.values["reason"].startswith(
        "the risk to its own forces" if a.values["answer"] == "refused" else "")


def test_player_answer_wins_and_bad_answers_are_refused():
    c = campaign("t_diplo", p_help=1.0)
    with pytest.raises(IllegalOrderError, match="has not been sent"):
        c.step(["ask_prob refuse"])  # 1 July: not sent yet (and nothing changed)
    assert c.day == 0
    with pytest.raises(UnknownIdError, match="unknown request 'ask_pro'.*did you mean 'ask_prob'"):
        c.step(["ask_pro accept"])
    c.step()
    c.step()  # 2 July: sent
    c.player = ("soviet",)
    with pytest.raises(IllegalOrderError, match="addressed to yanan; you play soviet"):
        c.step(["ask_prob refuse"])
    c.player = ("yanan",)
    with pytest.raises(IllegalOrderError, match="no counter-offer"):
        c.step(["ask_model counter"])
    evs = c.step(["ask_prob refuse"])  # 3 July, before the deadline: the player's answer
    (a,) = _answer(evs, "ask_prob")
    assert (a.date, a.values["answer"], a.values["by"]) == (dt.date(1941, 7, 3), "refused",
                                                             "player")
    assert repr(Order.parse("ask_prob accept")) == "Order.parse('ask_prob accept')"


def test_agreement_kept_then_violated():
    c = campaign("t_diplo")
    evs = _run_to(c, "1941-07-16")
    kept = of_kind(evs, "agreement_kept")
    assert [e.date for e in kept] == [dt.date(1941, 7, 10)]
    broken = of_kind(evs, "agreement_broken")
    # 40,000 Chinese at Shanghai > 20,000 allowed, watched from 10 July + 5 days' grace
    assert [e.date for e in broken] == [dt.date(1941, 7, 15)]
    assert "more than 20,000 men in sh" in broken[0].values["reason"]
    st, s = c.static, c.world.state
    assert s.dip_agr[0, 0] == D.AGR_BROKEN and s.dip_clause[0, 0] == D.CL_VIOLATED
    # trust of the Soviet side in China: 0.5 + 0.2 (kept) - 0.4 (broken)
    assert s.dip_trust[0, st.side("soviet"), st.side("china")] == pytest.approx(0.3)
    # on_break: China's stance on the east front becomes attack
    from stavka.enums import STANCES
    assert STANCES[s.stance[0, st.side("china"), st.front_ids.index("east")]] == "attack"


def test_agreement_broken_when_the_clause_triggers():
    c = campaign("t_diplo", p_comply=0.0)
    evs = _run_to(c, "1941-07-10")
    assert [e.date for e in of_kind(evs, "agreement_broken")] == [dt.date(1941, 7, 10)]
    assert not of_kind(evs, "agreement_kept")
    assert c.world.state.dip_clause[0, 0] == D.CL_REFUSED


def test_trade_lot_delayed_by_a_cut_rail_route_then_lost():
    # rail_deal: 2 lots of 500 trucks + 1,000 motorcycles (1,900 t), 10 t of gold each,
    # sh - mid - vlad 2,100 km at 600 km/day = 4 days + 1 day loading (4 trains, 10/day).
    c = campaign("t_diplo", war_day="1941-07-13")
    evs = _run_to(c, "1941-08-12")
    disp = [e for e in of_kind(evs, "lot_dispatched") if e.values["contract"] == "rail_deal"]
    assert [e.date for e in disp] == [dt.date(1941, 7, 2), dt.date(1941, 7, 12)]
    dl = [e for e in of_kind(evs, "lot_delivered") if e.values["contract"] == "rail_deal"]
    assert [e.date for e in dl] == [dt.date(1941, 7, 7)]  # 2 July + 5 days
    # lot 2 (due 17 July): Japan at war with the buyer from 13 July holds Harbin on the
    # route: the lot waits, and after 30 days' delay (max_delay_days) it is given up
    (d,) = of_kind(evs, "lot_delayed")
    assert d.date == dt.date(1941, 7, 13)
    (lost,) = of_kind(evs, "lot_lost")
    assert lost.date == dt.date(1941, 8, 12) and lost.values["lot"] == 2
    st, s = c.static, c.world.state
    assert s.gold[0, st.side("soviet")] == pytest.approx(100 - 20 - 10)  # both lots paid, + sea
    assert s.gold[0, st.side("china")] == pytest.approx(30)


def test_trade_delivery_without_war_and_goods_in_the_pool():
    c = campaign("t_diplo")
    st = c.static
    so = st.side("soviet")
    _run_to(c, "1941-07-06")
    before = float(c.world.state.truck_pool[0, so]) + float(
        c.world.state.trucks[0, st.formation("s_div")])
    c.step()  # 7 July: lot 1 lands: 500 trucks + 1,000 motorcycles x 0.1
    after = float(c.world.state.truck_pool[0, so]) + float(
        c.world.state.trucks[0, st.formation("s_div")])
    assert after - before == pytest.approx(500 + 1000 * model.params().motorcycle_truck_equivalent)


def test_sea_lot_lost_to_interdiction():
    c = campaign("t_diplo", sea_loss=1.0)
    evs = _run_to(c, "1941-07-12")
    lost = [e for e in of_kind(evs, "lot_lost") if e.values["contract"] == "sea_deal"]
    assert [e.date for e in lost] == [dt.date(1941, 7, 5)]
    assert not [e for e in of_kind(evs, "lot_delivered") if e.values["contract"] == "sea_deal"]


def test_neutral_enters_and_trade_with_it_stops():
    c = campaign("t_diplo", entry_bias=20.0)
    evs = _run_to(c, "1941-07-03")
    (n,) = of_kind(evs, "neutral_enters")
    assert n.date == dt.date(1941, 7, 1) and n.values["hazard"] == pytest.approx(1.0)
    st, s = c.static, c.world.state
    assert s.at_war[0, st.side("china"), st.side("soviet")]
    assert s.dip_agr[0, 0] == D.AGR_BROKEN  # the pact is void
    assert (s.dip_lot[0, :2] == D.LOT_CANCELLED).all()  # rail_deal, never shipped


def test_entry_hazard_moves_with_the_border_balance():
    p = model.params()
    w = p.entry_weights()
    bal = np.array([0.25, 0.5, 1.0, 2.0, 4.0])
    h = model.entry_hazard(w, bal, 0.0, 0.0, 0.5, 0.0)
    assert np.all(np.diff(h) > 0)
    # by hand: z = -4 + 2 ln 2 at a 2:1 balance; h = 0.05 / (1 + e^-z)
    z = -4.0 + 2.0 * math.log(2.0)
    assert h[3] == pytest.approx(0.05 / (1.0 + math.exp(-z)), rel=1e-14)
    # a treaty in force and full trust hold it back
    assert model.entry_hazard(w, 2.0, 0.0, 0.0, 1.0, 1.0) < h[3] / 10


def test_kantokuen_hazard_equals_the_flagship_trigger():
    # the flagship's japan_attacks trigger, read from its spec: each chance sub-trigger
    # draws on its own, so P(fire) = 1 - prod(1 - p) over the sub-triggers that hold
    spec = stavka.load("two-fronts-1941").spec
    (ev,) = [e for e in spec.events if e.id == "japan_attacks"]
    params = {k: p.default for k, p in spec.parameters.items()}

    def num(v):
        return float(params[v[1:]]) if isinstance(v, str) else float(v)

    cases = [(f, cap) for f in (0.9, 0.74, 0.6, 0.49, 0.2) for cap in (False, True)]
    for f, cap in cases:
        q = 1.0
        for sub in ev.trigger.any:
            if sub.chance is None:
                continue  # the forced date (unset by default)
            holds = True
            if sub.strength_below is not None:
                holds &= f < num(sub.strength_below.fraction)
            if sub.captured is not None:
                holds &= cap and sub.captured == "moscow"
            if holds:
                q *= 1.0 - num(sub.chance)
        got = model.kantokuen_hazard(f, cap, num("$japan_threshold"), num("$japan_attack_chance"))
        assert float(got) == pytest.approx(1.0 - q, abs=1e-15), (f, cap)


def test_batch_replicas_match_single_runs():
    # replica i of a batch is the campaign of seed key i alone (counter-based draws)
    from stavka.engine.core import compile_world, step
    from stavka.engine.rng import Streams

    ld = loaded("t_diplo")
    w = compile_world(ld.spec, {"p_help": 0.5, "p_counter": 0.3}, replicas=6)
    rng = Streams.from_seed(3, 6)
    for _ in range(40):
        step(w, (), rng, record=False)
    for i in (0, 4):
        w1 = compile_world(ld.spec, {"p_help": 0.5, "p_counter": 0.3}, replicas=1)
        r1 = Streams.from_seed(3, 1, first=i)
        for _ in range(40):
            step(w1, (), r1, record=False)
        assert w1.state.digest(0) == w.state.digest(i)
