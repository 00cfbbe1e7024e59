"""manchuria-1945 (the blind second campaign): loads, matches its data file's order of
battle, starts every formation on its own side's ground, supplies every region from its
owner's sources, and runs deterministically."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

import stavka

SCN = "manchuria-1945"
HERE = Path(stavka.__file__).parent / "scenarios" / SCN


def _oob():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("m45_oob_totals", HERE / "oob_totals.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def oob():  # type: ignore[no-untyped-def]
    return _oob()


@pytest.fixture(scope="module")
def loaded() -> stavka.api.Loaded:
    return stavka.load(SCN)


def test_shipped_loads_and_cites(loaded):
    assert SCN in stavka.list_scenarios()
    spec = loaded.spec
    assert spec.combat_model == "v4"  # the current model, as the flagship
    assert all(n.source for n in spec.nodes)
    assert all(e.source for e in spec.edges)
    assert all(f.source for f in spec.formations)
    assert all(t.source for t in spec.formation_types.values())
    ids = {n.id for n in spec.nodes}
    # the regions the operation needs
    assert {"hailar", "qiqihar", "solun", "khingan_pass", "halung_arshaan", "mudanjiang", "jilin",
            "hsinking", "harbin", "mukden", "port_arthur", "dairen", "chongjin", "rason",
            "vladivostok", "khabarovsk", "blagoveshchensk", "chita"} <= ids


# Tolerances: a front's men, tanks, guns and aircraft are the data's figures exactly (the
# split is ours, the sum is not); ranges in the data are ranges here.
@pytest.mark.parametrize("tag", ["tbf", "fef1", "fef2", "rba2", "mpra", "pacific_fleet",
                                 "kwantung", "korea", "mengjiang"])
def test_order_of_battle_matches_the_data(loaded, oob, tag):
    got = oob.totals(loaded.spec, tag)
    for cat, want in oob.DATA[tag].items():
        assert got[cat] == want, f"{tag} {cat}: {got[cat]:,} in the scenario, {want:,} in the data"


def test_japanese_ranges(loaded, oob):
    spec = loaded.spec
    lo, hi = oob.DATA["manchukuo"]["men"]
    assert lo <= oob.totals(spec, "manchukuo")["men"] <= hi
    lo, hi = oob.DATA["japan_guns"]["guns"]
    assert lo <= oob.totals(spec, side="japan")["guns"] <= hi
    # the Soviet side: three fronts + Mongolians + Pacific Fleet air (14,590 men, C)
    sov = oob.totals(spec, side="soviet")
    assert sov["men"] == 638_300 + 586_500 + 334_700 + 16_000 + 14_590
    assert sov["tanks"] == 5_556 and sov["guns"] == 27_086  # = WP_SIM totals (A)


def test_every_formation_starts_on_its_own_sides_ground(loaded, oob):
    assert oob.misplaced(loaded.spec) == []
    owner = {n.id: n.owner for n in loaded.spec.nodes}
    assert all(owner[f.location] == f.side for f in loaded.spec.formations)


def test_every_region_is_reachable_from_its_owners_supply(loaded, oob):
    assert oob.unsupplied(loaded.spec) == []


def test_scripted_orders_are_legal_on_day_one(loaded):
    c = stavka.Campaign(loaded, seed=1)
    evs = c.step()
    assert not [e for e in evs if e.kind == "order_rejected"]
    assert any(e.kind == "war" for e in evs)


def test_ten_days_are_deterministic(loaded):
    a = stavka.Campaign(loaded, seed=11).run(days=10)
    b = stavka.Campaign(loaded, seed=11).run(days=10)
    assert a.digest() == b.digest()
    assert a.history.digests == b.history.digests
