"""Combat phase: posture, break -> capture and retreat, surrender, loss booking."""

from __future__ import annotations

import numpy as np
import pytest

from stavka import combat as cm
from stavka.engine.phases.combat import posture_code
from stavka.enums import ACTIVE, C_ATTRITION, C_CAPTURED, C_WOUNDED, GONE
from stavka.rules import load as load_rules

from .helpers import campaign, of_kind

HASTY, PREPARED, FORTIFIED = (cm.POSTURES.index(p) for p in ("hasty", "prepared", "fortified"))


def test_posture_code_table():
    # fort 3 -> fortified; fort 2 or >= 7 days dug in -> prepared; else hasty.
    fort = np.array([0, 0, 0, 1, 2, 2, 3, 3])
    dug = np.array([0, 6, 7, 6, 0, 30, 0, 30])
    assert posture_code(fort, dug).tolist() == [
        HASTY, HASTY, PREPARED, HASTY, PREPARED, PREPARED, FORTIFIED, FORTIFIED]
    assert (HASTY, PREPARED, FORTIFIED) == (1, 2, 3)


def _fight(target: str, seed: int, days: int = 10):
    """ger_army (200,000 men) attacks ``target`` (500 men) until the region falls."""
    c = campaign("t_combat", seed=seed)
    evs = c.step([f"ger_army attack {target}"])
    for _ in range(days - 1):
        if of_kind(evs, "capture"):
            break
        evs += c.step()
    return c, evs


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_defender_breaks_region_taken_and_defender_retreats_to_best_supplied(seed):
    # x's friendly neighbours: y_poor (lower index, road only, level 1 - 300/400 = 0.25)
    # and y_rich (a supply source, level 1): the broken division retreats to y_rich.
    # Retreating costs rules.rout_loss = 5 % of the men left after the battle, and morale x 0.8.
    c, evs = _fight("x", seed)
    st, s = c.static, c.world.state
    sov, ger = st.side("soviet"), st.side("germany")
    west, rear = st.front_ids.index("west"), st.front_ids.index("rear")
    fx, fa = st.formation("sov_x"), st.formation("ger_army")
    cap = of_kind(evs, "capture")
    assert len(cap) == 1
    assert (cap[0].place, cap[0].side, cap[0].subjects) == ("x", "germany", ("ger_army",))
    assert cap[0].values == {"previous": "soviet", "defended": True}
    ret = of_kind(evs, "retreat")
    assert [(r.day, r.place, r.subjects, r.values["to"]) for r in ret] == [
        (cap[0].day, "x", ("sov_x",), "y_rich")]
    end = [e for e in of_kind(evs, "battle") if e.values["phase"] == "end"][-1]
    assert end.values["outcome"] == "taken"
    # men after = (500 - men lost in the battle) x (1 - 0.05), each loss kept on the
    # count grid (stavka.world.counts: 1/1024 of a man per rounding)
    left = (500.0 - end.values["defender_lost"]) * (1 - load_rules("v1").rout_loss)
    assert s.strength[0, fx, 0] == pytest.approx(left, abs=3 / 1024)
    assert ret[0].values["men"] == pytest.approx(left, abs=3 / 1024)
    assert s.owner[0, st.node("x")] == ger
    assert st.node_ids[s.loc[0, fx]] == "y_rich" and s.status[0, fx] == ACTIVE
    assert st.node_ids[s.loc[0, fa]] == "x"
    if cap[0].day == 0:  # broke on the first day: morale 1.0 x 0.8
        assert s.morale[0, fx] == pytest.approx(0.8)
    # losses booked by side and front equal the strength lost (all at x, front west)
    lost_sov = np.array([500.0, 2.0, 5.0, 0.0]) - s.strength[0, fx]
    np.testing.assert_allclose(s.losses[0, sov, west].sum(axis=-1), lost_sov)
    np.testing.assert_allclose(s.losses[0, sov, rear], 0.0)
    lost_ger = np.array([200000.0, 2000.0, 4000.0, 0.0]) - s.strength[0, fa]
    np.testing.assert_allclose(s.losses[0, ger, west].sum(axis=-1), lost_ger)
    assert s.losses[0, ger, west, 0, 0] == pytest.approx(end.values["attacker_lost"])
    # the retreat left rules.rout_loss of the men behind as prisoners; nobody starved
    captured = s.losses[0, sov, west, 0, C_CAPTURED]
    assert captured == pytest.approx((500.0 - end.values["defender_lost"])
                                     * load_rules("v1").rout_loss, abs=3 / 1024)
    assert s.losses[0, :, :, :, C_ATTRITION].sum() == 0.0
    assert s.losses[0, :, :, :, C_WOUNDED].sum() == 0.0  # v1: battle losses not split


@pytest.mark.parametrize("seed", [0, 1])
def test_broken_defender_with_no_friendly_neighbour_surrenders(seed):
    # island is a Soviet supply source (so not encircled) whose only neighbour is German.
    c, evs = _fight("island", seed)
    st, s = c.static, c.world.state
    sov, west = st.side("soviet"), st.front_ids.index("west")
    f = st.formation("sov_island")
    sur = of_kind(evs, "surrender")
    assert len(sur) == 1 and sur[0].subjects == ("sov_island",)
    assert sur[0].values["reason"] == "broken at Island"  # the region's display name
    assert of_kind(evs, "retreat") == []
    assert s.status[0, f] == GONE and s.strength[0, f].sum() == 0.0
    assert s.owner[0, st.node("island")] == st.side("germany")
    # what was left when it broke is captured; the rest fell in battle
    assert s.losses[0, sov, west, 0, 1] == pytest.approx(sur[0].values["men"])
    assert s.losses[0, sov, west, 0, 0] == pytest.approx(500.0 - sur[0].values["men"])
    assert s.losses[0, sov, west, 1].sum() == pytest.approx(2.0)  # every tank, one way or other


def test_men_lost_equal_losses_booked_over_a_whole_mini_campaign():
    # Conservation: for every side, men at start - men now (all formations, any status)
    # = losses booked (battle + captured + attrition). mini has no mobilisation.
    c = campaign("mini", seed=3)
    st, s = c.static, c.world.state
    men0 = np.bincount(st.fside, weights=s.strength[0, :, 0], minlength=st.S)
    c.run()
    men1 = np.bincount(st.fside, weights=s.strength[0, :, 0], minlength=st.S)
    booked = s.losses[0, :, :, 0, :].sum(axis=(1, 2))
    assert booked.sum() > 0
    np.testing.assert_allclose(men0 - men1, booked, rtol=1e-9)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_two_regions_falling_the_same_day_do_not_swap_their_defenders(seed):
    # t_swap: a and b are each other's best-supplied friendly neighbour, c the worse
    # one; both break on the same day: a neighbour falling too is a last resort, so both
    # fall back on c (before, A's defenders went to B and B's to A, into enemy hands)
    c = campaign("t_swap", seed=seed)
    evs = c.step(["ger_north attack a", "ger_south attack b"])
    for _ in range(5):
        if len(of_kind(evs, "capture")) == 2:
            break
        evs += c.step()
    caps = of_kind(evs, "capture")
    assert sorted(e.place for e in caps) == ["a", "b"] and caps[0].day == caps[1].day
    ret = of_kind(evs, "retreat")
    assert sorted((r.place, r.values["to"]) for r in ret) == [("a", "c"), ("b", "c")]
    st, s = c.static, c.world.state
    for f in ("sov_a", "sov_b"):
        assert st.node_ids[s.loc[0, st.formation(f)]] == "c"
        assert not s.encircled[0, st.formation(f)]


@pytest.mark.parametrize("seed", [0, 1])
def test_retreat_off_axis_keeps_a_broken_defender_off_the_spearheads_road(seed):
    """ger_army attacks y_rich through x. Broken at x, sov_x falls back on y_rich, the
    best-supplied neighbour, as before; with ``rules.retreat_off_axis`` y_rich is the
    attackers' next region (their road from x to their objective), so sov_x goes to
    y_poor, the other friendly neighbour."""
    got = {}
    for on in (0, 1):
        c = campaign("t_combat", seed=seed, **{"rules.retreat_off_axis": on})
        evs = c.step(["ger_army attack y_rich"])
        for _ in range(9):
            if of_kind(evs, "retreat"):
                break
            evs += c.step()
        (ret,) = of_kind(evs, "retreat")
        assert (ret.place, ret.subjects) == ("x", ("sov_x",))
        got[on] = ret.values["to"]
    assert got == {0: "y_rich", 1: "y_poor"}
