"""Scenario red-alert-far-east (seed 000, issue 12 part 7): listed, clean under `stavka
check`, a smoke run against its golden digests (seed 7, 30 days and the whole campaign),
deterministic in a batch, its levers reach the state, its chronicle tells the landings,
the ports falling, the partisans and the river freezing, and its README cites the data
and answers from a sweep. Digests change only deliberately, with the reason in the
commit."""

from __future__ import annotations

import datetime as dt

import pytest

import stavka
from stavka.api import list_scenarios
from stavka.chronicle.markdown import render_markdown
from stavka.engine.core import compile_world, step
from stavka.engine.rng import Streams
from stavka.enums import A_RAIL, ACTIVE, C_CAPTURED, KINDS, SHIP_CLASSES

SID = "red-alert-far-east"
#: (days of the smoke run, its digest, days of the whole campaign, the final digest),
#: seed 7, default parameters; combat model v4 and rules v4, pinned in the scenario
GOLDEN = (30, "53bd2f75e732c25b", 88, "2138d75bc8ef970b")


@pytest.fixture(scope="module")
def seed7() -> stavka.Campaign:
    """The whole default campaign, seed 7 (run once for the chronicle tests)."""
    return stavka.Campaign(stavka.load(SID), seed=7).run()


def test_listed_and_clean() -> None:
    assert SID in list_scenarios()
    ld = stavka.load(SID)
    spec = ld.spec
    assert (spec.start, spec.end) == (dt.date(1942, 8, 25), dt.date(1942, 11, 20))
    # the campaign runs to the freeze of the Amur (far-east-1942.md s6)
    assert spec.rivers["amur"].freeze == spec.end
    sea = spec.sea
    assert sea is not None
    zones = {z.id: z for z in sea.zones}
    assert set(zones) == {"approaches", "sea_of_japan", "tatar", "okhotsk", "amur", "ussuri"}
    assert zones["approaches"].name == "Peter the Great Gulf"
    assert zones["amur"].freeze == spec.end
    fleets = {f.id: f for f in sea.fleets}
    assert fleets["amur_flotilla"].zone == "amur" and fleets["amur_flotilla"].side == "soviet"
    assert all(f.scale == "$empire_navy" for f in sea.fleets if f.side == "empire")
    nodes = {n.id: n for n in spec.nodes}
    assert nodes["vladivostok"].port_tons_per_day > 0 and not nodes["vladivostok"].supply_source
    assert {"khabarovsk", "komsomolsk"} <= {r for f in spec.factories for r in f.resources}
    assert set(spec.parameters) == {
        "abandon_vladivostok", "partisans", "conscription", "siberia_divisions",
        "siberia_start", "empire_divisions", "empire_navy", "strike_capacity"}
    assert not ld.warnings  # stavka check: no field set that the engine does not read


def test_readme_cites_its_data_and_marks_estimates() -> None:
    readme = (list_scenarios()[SID] / "README.md").read_text()
    assert "## Sources" in readme and "estimate" in readme.lower()
    assert "/work/shared/data/far-east-1942.md" in readme
    assert "fiction built on real baselines" in readme.lower()
    assert "stavka sweep" in readme and "holdtime.py" in readme  # answered from a sweep
    assert "(holdtime.png)" in readme
    plot = list_scenarios()[SID] / "holdtime.png"
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and plot.stat().st_size < 200_000


def test_smoke_golden() -> None:
    days, d_smoke, end, d_end = GOLDEN
    c = stavka.Campaign(stavka.load(SID), seed=7)
    c.run(days=days)
    assert c.digest() == d_smoke
    c.run()
    assert (c.day, c.digest()) == (end, d_end)


def test_batch_replicas_equal_single_runs() -> None:
    ld = stavka.load(SID)
    w = compile_world(ld.spec, None, replicas=3)
    rng = Streams.from_seed(11, 3)
    for _ in range(25):
        step(w, (), rng, record=False)
    w1 = compile_world(ld.spec, None, replicas=1)
    r1 = Streams.from_seed(11, 1, first=2)
    for _ in range(25):
        step(w1, (), r1, record=False)
    assert w1.state.digest(0) == w.state.digest(2)


def test_the_seeds_first_week(seed7: stavka.Campaign) -> None:
    """Seed 7's first week as the seed tells it: the fleet wins the gulf, a division lands
    behind Vladivostok, Ussuriysk falls, Vladivostok is surrounded and falls within the
    week, and most of the men lost are prisoners."""
    evs = [e for e in seed7.events if e.day < 7]
    assert any(e.kind == "landing" and e.place == "nakhodka" for e in evs)
    falls = {e.place: e.day for e in evs if e.kind == "capture" and e.side == "empire"}
    assert falls["ussuriysk"] <= 4 and falls["vladivostok"] <= 6
    captured = sum(e.values["men"] for e in evs if e.kind == "surrender" and e.side == "soviet")
    assert captured > 250_000


def test_the_chronicle_tells_it(seed7: stavka.Campaign) -> None:
    md = render_markdown(seed7)
    for text in (
        "The Red Alert Empire's Third Theater attacks the Soviet Far East at dawn",
        "Imperial Main Fleet sails from the Sea of Japan into the Peter the Great Gulf.",
        "Red Alert Empire wins control of the Peter the Great Gulf.",
        "lands at America Bay (Nakhodka) from the Peter the Great Gulf, carried by Imperial "
        "Main Fleet.",
        "Vladivostok is surrounded by land: the Empire holds the railway behind it at Ussuriysk.",
        "Vladivostok has fallen. The fortress's defences are destroyed and the port is taken",
        "Khrushchev, on the train from the Stalingrad front",
        "Soviet partisan detachments take to the forests around",
        "Soviet Union: every man off the farms: total mobilisation.",
        "entrains at Novosibirsk for Khabarovsk",
        "The Amur freezes over from 20 Nov.",
        "Ice closes the Amur.",
    ):
        assert text in md, text


@pytest.mark.parametrize("params", [
    {"abandon_vladivostok": "1942-08-25"}, {"partisans": 0}, {"conscription": 0.5},
    {"siberia_divisions": 3}, {"empire_navy": 2.0}, {"strike_capacity": 0.0},
    {"empire_divisions": 8}])
def test_levers_reach_the_state(params: dict) -> None:
    ld = stavka.load(SID)
    c = stavka.Campaign(ld, seed=7, params=params)
    st = c.static
    s = c.world.state
    if "empire_navy" in params:  # every Empire ship and air group doubled at the start
        f = st.naval.fleet_ids.index("empire_main_fleet")
        assert s.fleet_ships[0, f, SHIP_CLASSES.index("battleship")] == 6.0
        assert s.fleet_air[0, f] == 8.0
    c.step()
    s = c.world.state
    emp = [i for i, fid in enumerate(st.form_ids) if fid.startswith("emp_")
           and st.fkind[i] != KINDS.index("air")]
    if "empire_divisions" in params:
        active = [st.form_ids[i] for i in emp if s.status[0, i] == ACTIVE]
        assert len(active) == 8 and "emp_d01" in active and "emp_d10" not in active
    if "abandon_vladivostok" in params:  # the garrison entrains on the day
        vlad = [i for i, t in enumerate(st.ftags) if "vladivostok" in t]
        assert len(vlad) == 5 and all(s.action[0, i] == A_RAIL for i in vlad)
    if "strike_capacity" in params:
        assert not [e for e in c.events if e.kind == "strike"]
    c.run(days=3)  # to Khrushchev's orders (28 Aug)
    s = c.world.state
    sov = st.side("soviet")
    if "partisans" in params:
        assert not s.partisans.any()
    else:
        assert s.partisans[0, sov, st.node("iman")] >= 10
    if "conscription" in params:
        assert s.mob_level[0, sov] == 0.5
    if "siberia_divisions" in params:
        (ev,) = [e for e in c.events if e.kind == "transfer_ordered"
                 and "sov_sib01" in e.subjects]
        assert len(ev.subjects) == 3


def test_men_lost_are_counted_as_the_summary_counts_them(seed7: stavka.Campaign) -> None:
    summary = seed7.summary()
    s = seed7.world.state
    sov = seed7.static.side("soviet")
    assert summary["losses"]["soviet"]["men"]["captured"] == pytest.approx(
        float(s.losses[0, sov, :, 0, C_CAPTURED].sum()), abs=1)
