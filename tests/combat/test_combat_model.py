"""Hand-checked behaviour of combat model v1's resolve()."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import stavka.combat as combat
from stavka.combat import (
    GROUND,
    MODEL_VERSION,
    POSTURES,
    TERRAINS,
    CombatParams,
    Conditions,
    Side,
    load_params,
    resolve,
)
from stavka.errors import InputError


def side(n: int, men: float | np.ndarray = 10_000.0, **kw: float) -> Side:
    o = np.ones(n)
    vals = dict(
        tanks=0.0, guns=0.0, aircraft=0.0, quality=1.0, morale=1.0, supply=1.0, cum_loss=0.0
    )
    vals.update(kw)
    return Side(men=np.asarray(men, float) * o, **{k: v * o for k, v in vals.items()})


def cond(n: int, **kw) -> Conditions:
    base = dict(
        posture=np.zeros(n, int),
        terrain=np.zeros(n, int),
        ground=np.zeros(n, int),
        temp_c=np.full(n, 15.0),
        surprise=np.zeros(n),
        air=np.zeros(n),
        river=np.zeros(n, bool),
        hours=np.full(n, 24.0),
    )
    base.update({k: np.asarray(v) for k, v in kw.items()})
    return Conditions(**base)


def test_contract_constants():
    assert MODEL_VERSION == "v1"
    assert TERRAINS[4] == "urban" and len(TERRAINS) == 8
    assert POSTURES[1:] == ("hasty", "prepared", "fortified", "delay", "withdraw")
    assert GROUND == ("dry", "wet", "mud", "frozen", "snow")


def test_posture_multiplier_raises_defender_power_by_the_factor():
    p = CombatParams()
    r = resolve(side(4), side(4), cond(4, posture=[0, 1, 2, 3]), p, np.random.default_rng(1))
    assert r.power_ratio[0] == pytest.approx(1.0)
    assert r.power_ratio[1:] == pytest.approx([1 / 1.3, 1 / 1.5, 1 / 1.6])


def test_urban_terrain_and_weapons_weights():
    p = CombatParams()
    r = resolve(
        side(2, tanks=10.0),
        side(2),
        cond(2, terrain=[0, TERRAINS.index("urban")]),
        p,
        np.random.default_rng(0),
    )
    pa = 10_000 + 10 * p.w_tank
    assert r.power_ratio == pytest.approx([pa / 10_000, pa / 10_000 / 1.4])


def test_loss_fractions_by_hand_and_monotone_in_force_ratio():
    p = dataclasses.replace(CombatParams(), loss_sigma=0.0, break_rate=1e-9, break_loss=0.0)
    men = np.array([5_000.0, 10_000.0, 20_000.0, 40_000.0])
    r = resolve(side(4, men), side(4), cond(4, hours=[12.0] * 4), p, np.random.default_rng(0))
    ratio = men / 10_000
    expect_def = p.loss_def * ratio**p.ratio_exp * 0.5
    expect_att = p.loss_att * ratio**-p.ratio_exp * ratio**-p.size_exp * 0.5
    assert r.def_loss == pytest.approx(expect_def)
    assert r.att_loss == pytest.approx(expect_att)
    assert np.all(np.diff(r.def_loss) > 0) and np.all(np.diff(r.att_loss) < 0)
    assert r.def_equip_loss == pytest.approx(expect_def * p.equip_loss_ratio)


def test_n_zero():
    r = resolve(side(0), side(0), cond(0), load_params(), np.random.default_rng(0))
    assert r.att_loss.shape == (0,) and r.def_breaks.shape == (0,)


def test_deterministic_and_fixed_draw_count():
    p = load_params()
    a, d, c = side(50, 12_000.0, guns=40.0), side(50), cond(50, posture=[2] * 50)
    g1, g2 = np.random.default_rng(7), np.random.default_rng(7)
    r1, r2 = resolve(a, d, c, p, g1), resolve(a, d, c, p, g2)
    for f in dataclasses.fields(r1):
        assert np.array_equal(getattr(r1, f.name), getattr(r2, f.name))
    ref = np.random.default_rng(7)
    ref.standard_normal((2, 50))
    ref.random((2, 50))
    assert g1.bit_generator.state == ref.bit_generator.state


def test_breakpoint_events_exclusive_and_follow_the_ratio():
    p = load_params()
    n = 4000
    rng = np.random.default_rng(3)
    strong = resolve(side(n, 40_000.0), side(n), cond(n), p, rng)
    weak = resolve(side(n, 2_500.0), side(n), cond(n), p, rng)
    assert not np.any(strong.def_breaks & strong.att_halts)
    assert strong.def_breaks.mean() > weak.def_breaks.mean()
    assert weak.att_halts.mean() > strong.att_halts.mean()


def test_morale_supply_and_surprise_effects():
    p = CombatParams()
    r = resolve(
        side(3, morale=np.array([1.0, 0.0, 1.0]), supply=np.array([1.0, 1.0, 0.0])),
        side(3),
        cond(3),
        p,
        np.random.default_rng(0),
    )
    assert r.power_ratio == pytest.approx([1.0, p.morale_floor, p.supply_floor])
    r = resolve(side(1), side(1), cond(1, surprise=[1.0]), p, np.random.default_rng(0))
    assert r.power_ratio[0] == pytest.approx(np.exp(p.surprise))


def test_bad_codes_raise():
    with pytest.raises(InputError, match="posture"):
        resolve(side(1), side(1), cond(1, posture=[9]), CombatParams(), np.random.default_rng(0))


def test_params_round_trip_and_shipped_values(tmp_path):
    p = load_params("v1")
    assert "fitted" in p.source
    q = CombatParams.from_dict(p.to_dict())
    assert q == p
    combat.write_params(p, tmp_path / "p.yaml")
    assert combat.read_params(tmp_path / "p.yaml") == p
    with pytest.raises(InputError, match="unknown parameter"):
        CombatParams.from_dict({"posturr": [1.0]})
    with pytest.raises(InputError, match="unknown combat model version"):
        load_params("v0")
