"""Hand-checked behaviour of the combat model's resolve() (versions v1 and v2)."""

from __future__ import annotations

import dataclasses
import os

import numpy as np
import pytest

import stavka.combat as combat
from stavka.combat import (
    GROUNDS,
    MODEL_VERSION,
    POSTURES,
    TERRAINS,
    VERSIONS,
    CombatParams,
    Conditions,
    Force,
    load_params,
    resolve,
)
from stavka.errors import InputError


def force(n: int, men: float | np.ndarray = 10_000.0, **kw: float) -> Force:
    o = np.ones(n)
    vals = dict(
        tanks=0.0, guns=0.0, aircraft=0.0, cev=1.0, morale=1.0, supply=1.0, cum_loss=0.0
    )
    vals.update(kw)
    return Force(men=np.asarray(men, float) * o, **{k: v * o for k, v in vals.items()})


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
    assert MODEL_VERSION == "v4" and VERSIONS == ("v1", "v2", "v3", "v4")
    assert TERRAINS[4] == "urban" and len(TERRAINS) == 8
    assert POSTURES[1:] == ("hasty", "prepared", "fortified", "delay", "withdraw")
    assert GROUNDS == ("dry", "wet", "mud", "frozen", "snow")


def test_posture_multiplier_raises_defender_power_by_the_factor():
    p = CombatParams()
    r = resolve(force(4), force(4), cond(4, posture=[0, 1, 2, 3]), p, np.random.default_rng(1))
    assert r.power_ratio[0] == pytest.approx(1.0)
    assert r.power_ratio[1:] == pytest.approx([1 / 1.3, 1 / 1.5, 1 / 1.6])


def test_urban_terrain_and_weapons_weights():
    p = CombatParams()
    r = resolve(
        force(2, tanks=10.0),
        force(2),
        cond(2, terrain=[0, TERRAINS.index("urban")]),
        p,
        np.random.default_rng(0),
    )
    pa = 10_000 + 10 * p.w_tank
    assert r.power_ratio == pytest.approx([pa / 10_000, pa / 10_000 / 1.4])


def test_loss_fractions_by_hand_and_monotone_in_force_ratio():
    p = dataclasses.replace(CombatParams(), loss_sigma=0.0, break_rate=1e-9, break_loss=0.0)
    men = np.array([5_000.0, 10_000.0, 20_000.0, 40_000.0])
    r = resolve(force(4, men), force(4), cond(4, hours=[12.0] * 4), p, np.random.default_rng(0))
    ratio = men / 10_000
    expect_def = p.loss_def * ratio**p.ratio_exp * 0.5
    expect_att = p.loss_att * ratio**-p.ratio_exp * ratio**-p.size_exp * 0.5
    assert r.def_loss == pytest.approx(expect_def)
    assert r.att_loss == pytest.approx(expect_att)
    assert np.all(np.diff(r.def_loss) > 0) and np.all(np.diff(r.att_loss) < 0)
    assert r.def_equip_loss == pytest.approx(expect_def * p.equip_loss_ratio)


def test_n_zero():
    r = resolve(force(0), force(0), cond(0), load_params(), np.random.default_rng(0))
    assert r.att_loss.shape == (0,) and r.def_breaks.shape == (0,)


def test_deterministic_and_fixed_draw_count():
    p = load_params()
    a, d, c = force(50, 12_000.0, guns=40.0), force(50), cond(50, posture=[2] * 50)
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
    strong = resolve(force(n, 40_000.0), force(n), cond(n), p, rng)
    weak = resolve(force(n, 2_500.0), force(n), cond(n), p, rng)
    assert not np.any(strong.def_breaks & strong.att_halts)
    assert strong.def_breaks.mean() > weak.def_breaks.mean()
    assert weak.att_halts.mean() > strong.att_halts.mean()


def test_morale_supply_and_surprise_effects():
    p = CombatParams()
    r = resolve(
        force(3, morale=np.array([1.0, 0.0, 1.0]), supply=np.array([1.0, 1.0, 0.0])),
        force(3),
        cond(3),
        p,
        np.random.default_rng(0),
    )
    assert r.power_ratio == pytest.approx([1.0, p.morale_floor, p.supply_floor])
    r = resolve(force(1), force(1), cond(1, surprise=[1.0]), p, np.random.default_rng(0))
    assert r.power_ratio[0] == pytest.approx(np.exp(p.surprise))


def test_bad_codes_raise():
    with pytest.raises(InputError, match="posture"):
        resolve(force(1), force(1), cond(1, posture=[9]), CombatParams(), np.random.default_rng(0))


@pytest.mark.parametrize("version", ["v1", "v2", "v3", "v4"])
def test_params_round_trip_and_shipped_values(tmp_path, version):
    p = load_params(version)
    assert p.model_version == version
    assert "fitted" in p.source
    q = CombatParams.from_dict(p.to_dict())
    assert q == p
    combat.write_params(p, tmp_path / "p.yaml")
    assert combat.read_params(tmp_path / "p.yaml") == p
    assert load_params() == load_params(MODEL_VERSION)
    with pytest.raises(InputError, match="unknown parameter"):
        CombatParams.from_dict({"posturr": [1.0]})
    with pytest.raises(InputError, match="unknown combat model version"):
        load_params("v0")


def test_params_old_cev_key_still_read(tmp_path):
    """Files written before the rename give ``nation_quality``; it is read as ``nation_cev``."""
    p = load_params("v2")
    old = p.to_dict()
    old["nation_quality"] = old.pop("nation_cev")
    assert CombatParams.from_dict(old) == p
    f = tmp_path / "old.yaml"
    combat.write_params(p, f)
    f.write_text(f.read_text().replace("nation_cev:", "nation_quality:"))
    assert combat.read_params(f) == p
    both = p.to_dict() | {"nation_quality": {"Germany": 1.2}}
    with pytest.raises(InputError, match="both 'nation_quality' and 'nation_cev'"):
        CombatParams.from_dict(both)


def _same(r1, r2) -> None:
    for f in dataclasses.fields(r1):
        a, b = getattr(r1, f.name), getattr(r2, f.name)
        assert np.array_equal(a, b), f.name


def test_v1_ignores_the_v2_terms():
    """v1 files do not set the v2 terms; manoeuvre and battle size change nothing."""
    p = load_params("v1")
    assert (p.force_exp, p.maneuver, p.break_size_exp, p.end_rule) == (1.0, 0.0, 0.0, "standoff")
    n = 50
    men = np.linspace(1e3, 3e5, n)
    c0 = cond(n, posture=np.ones(n, int), hours=np.full(n, 12.0))
    c1 = dataclasses.replace(c0, maneuver=np.ones(n))
    r0 = resolve(force(n, men), force(n), c0, p, np.random.default_rng(5))
    r1 = resolve(force(n, men), force(n), c1, p, np.random.default_rng(5))
    _same(r0, r1)


def test_v2_force_exponent_and_maneuver():
    p = dataclasses.replace(CombatParams(), force_exp=0.5, maneuver=0.3)
    c = cond(2, maneuver=[0.0, 1.0])
    r = resolve(force(2, 40_000.0), force(2, 10_000.0), c, p, np.random.default_rng(1))
    assert r.power_ratio == pytest.approx([2.0, 2.0 * np.exp(0.3)])  # 4:1 men -> 2:1 power
    # CEV is not subject to the force exponent
    r = resolve(force(1, cev=2.0), force(1), cond(1), p, np.random.default_rng(1))
    assert r.power_ratio == pytest.approx([2.0])


def test_v2_breakpoint_race_share_and_size():
    p = load_params("v2")
    n = 4
    men = np.array([5e3, 5e4, 5e5, 5e5])
    lam_a, lam_d = combat.model.break_hazards(
        np.array([0.0, 0.0, 0.0, 1.0]), np.zeros(n), np.zeros(n), np.ones(n), np.ones(n), p, 2 * men
    )
    total = lam_a + lam_d
    assert total[0] > total[1] > total[2]  # big battles take longer to decide
    assert total[1] / total[2] == pytest.approx(10**p.break_size_exp)
    assert lam_d[3] / total[3] > lam_d[2] / total[2]  # the stronger attacker more likely wins
    r = resolve(force(n, men), force(n, men), cond(n), p, np.random.default_rng(0))
    assert r.def_share is not None
    assert np.all((r.def_share > 0) & (r.def_share < 1))


def test_v2_campaign_scale_battles_last_days():
    """Army-scale engagements (12 active hours a day) last days, not one day, and the
    attacker loses about 0.5-3 % of its men a day."""
    p = load_params("v2")
    n = 20_000
    A = force(n, 200_000.0, tanks=300.0, guns=1500.0)
    D = force(n, 120_000.0, tanks=100.0, guns=900.0)
    c = cond(n, posture=np.full(n, POSTURES.index("prepared")), hours=np.full(n, 12.0))
    r = resolve(A, D, c, p, np.random.default_rng(3))
    decided = np.mean(r.def_breaks | r.att_halts)
    assert 0.02 < decided < 0.4
    assert 0.005 < float(np.mean(r.att_loss)) < 0.03


def test_v3_is_v2_with_a_cooler_race_and_v2_is_frozen():
    from stavka.combat.params import load_params

    v2, v3 = load_params("v2"), load_params("v3")
    assert v2.model_version == "v2" and v2.break_ratio_exp == 1.0
    assert v3.model_version == "v3" and v3.break_ratio_exp == 0.8
    assert v3.end_rule == v2.end_rule == "race"


@pytest.mark.parametrize("kind,why", [
    ("fifo", "not a regular file"), ("binary", "not UTF-8 text"),
    ("yaml", "p.yaml:2: cannot read parameters"), ("missing", "No such file"),
])
def test_read_params_refuses_what_it_cannot_read_in_one_line(tmp_path, kind, why):
    # a FIFO in the file's place is refused at once (reading it would wait for a writer)
    f = tmp_path / "p.yaml"
    if kind == "fifo":
        os.mkfifo(f)
    elif kind == "binary":
        f.write_bytes(b"\xff\xfe\x00\x01")
    elif kind == "yaml":
        f.write_text("a: [1, 2\nb: }\n")
    with pytest.raises(InputError) as exc:
        combat.read_params(f)
    assert why in str(exc.value) and "\n" not in str(exc.value)
