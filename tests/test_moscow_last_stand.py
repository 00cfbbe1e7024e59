"""Scenario moscow-last-stand (seed 003, issue 14): listed, clean under `stavka check`,
a smoke run against its golden digest (seed 7), deterministic in a batch, its levers
reach the state, its README cites the data and answers from a sweep. Digests change
only deliberately, with the reason in the commit."""

from __future__ import annotations

import pytest

import stavka
from stavka.api import list_scenarios
from stavka.chronicle.markdown import render_markdown
from stavka.engine.core import compile_world, step
from stavka.engine.rng import Streams
from stavka.enums import ACTIVE

SID = "moscow-last-stand"
#: (days of the smoke run, its digest, days of the whole campaign, the final digest),
#: seed 7, default parameters, 1-hour steps (24 a day); combat model v4 and rules v3,
#: pinned in the scenario
GOLDEN = (1, "7d74542865a87268", 28, "7122a47f44646627")


def test_listed_and_clean():
    assert SID in list_scenarios()
    ld = stavka.load(SID)
    spec = ld.spec
    assert spec.start.isoformat() == "1941-08-08"  # the seed's date
    kinds = {n.id: n for n in spec.nodes}
    assert kinds["kremlin"].fort == 3 and kinds["kremlin"].terrain == "urban"
    # about twenty garrison divisions, two guards divisions, the Kremlin guard
    garrison = [f for f in spec.formations if "garrison" in f.tags]
    assert len(garrison) == 20 and all(f.morale <= 0.5 for f in garrison)
    # (sov_gds1 with the commander, or its twin sov_gds1_own without him: the lever)
    guards = {f.id: f for f in spec.formations if "guards" in f.tags}
    assert set(guards) == {"sov_gds1", "sov_gds1_own", "sov_gds2"}
    assert all(f.elite for f in guards.values())
    assert any(f.id == "sov_kremlin" and f.location == "kremlin" and f.elite
               for f in spec.formations)
    assert spec.step_hours == 1
    (frunze,) = spec.commanders
    assert (frunze.side, frunze.formation) == ("soviet", "sov_gds1")


def test_readme_cites_its_data_and_marks_estimates():
    readme = (list_scenarios()[SID] / "README.md").read_text()
    assert "## Sources" in readme and "estimate" in readme.lower()
    assert "/work/shared/data/moscow-city-1941.md" in readme
    assert "stavka sweep" in readme and "holdtime.py" in readme  # answered from a sweep
    assert "(holdtime.png)" in readme  # the sweep's plot, shipped beside it
    plot = list_scenarios()[SID] / "holdtime.png"
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and plot.stat().st_size < 200_000


def test_smoke_golden():
    days, d_smoke, end, d_end = GOLDEN
    c = stavka.Campaign(stavka.load(SID), seed=7)
    c.run(days=days)
    assert c.world.state.step == 24 * days
    assert c.digest() == d_smoke
    c.run()
    assert (c.day, c.digest()) == (end, d_end)


def test_smoke_runs_and_the_chronicle_speaks():
    c = stavka.Campaign(stavka.load(SID), seed=7)
    c.run(days=1)
    md = render_markdown(c)
    assert "thousands of cannons" in md
    assert "Stalin will not leave" in md  # evacuation 1: the decree as carried out


def test_batch_replicas_equal_single_runs():
    ld = stavka.load(SID)
    w = compile_world(ld.spec, None, replicas=3)
    rng = Streams.from_seed(11, 3)
    for _ in range(30):
        step(w, (), rng, record=False)
    w1 = compile_world(ld.spec, None, replicas=1)
    r1 = Streams.from_seed(11, 1, first=2)
    for _ in range(30):
        step(w1, (), r1, record=False)
    assert w1.state.digest(0) == w.state.digest(2)


@pytest.mark.parametrize("params, text", [
    ({"state_of_siege": True}, "state of siege"),
    ({"evacuation": 2}, "Stalin's train left"),
    ({"evacuation": 0}, "The government has not left"),
    ({"elite_reserves": 1}, "marches into the Kremlin"),
    ({"commander_present": False}, "Frunze stays at his headquarters"),
    ({"garrison_rally": 0.3}, "The garrison has steadied"),
])
def test_levers(params, text):
    c = stavka.Campaign(stavka.load(SID), seed=7, params=params)
    c.step()
    assert text in render_markdown(c)
    if "elite_reserves" in params:
        assert c.world.state.status[0, c.static.formation("sov_gds_res1")] == ACTIVE
        assert c.world.state.status[0, c.static.formation("sov_gds_res2")] != ACTIVE
    if "state_of_siege" in params:
        assert c.world.state.siege[0, c.static.side("soviet")]
    # the commander leads the 1st Guards, or the division fights without him
    with_him = params.get("commander_present", True)
    st = c.world.state.status[0]
    assert (st[c.static.formation("sov_gds1")] == ACTIVE) == with_him
    assert (st[c.static.formation("sov_gds1_own")] == ACTIVE) != with_him


def test_the_first_day_hour_by_hour():
    """Seed 7's first day: the commander falls at the second hour, as in the seed, and
    whole garrison divisions dissolve without a fight before midnight."""
    c = stavka.Campaign(stavka.load(SID), seed=7)
    c.run(days=1)
    (lost,) = [e for e in c.events if e.kind == "commander_lost"]
    assert (lost.values["name"], lost.values["fate"], lost.values["hour"]) == (
        "Frunze", "killed", 2)
    md = render_markdown(c)
    assert "02:00 Frunze is killed at Khimki" in md
    assert "dissolve without a fight" in md
    gone = [e for e in c.events if e.kind == "dissolved"]
    assert gone and all(e.side == "soviet" for e in gone)


def test_the_chronicle_reads_hour_by_hour():
    """At one-hour steps every line of a day carries its hour and the day's lines run in
    hour order (battles by the hour they end, dispatches by the hour they fire)."""
    c = stavka.Campaign(stavka.load(SID), seed=7)
    c.run(days=1)
    md = render_markdown(c)
    day = md.split("### ", 2)[1]  # the first day's section
    lines = [x[2:] for x in day.splitlines() if x.startswith("- ")]
    assert lines
    timed = [x for x in lines if x[:2].isdigit() and x[2:6] == ":00 "]
    hours = [int(x[:2]) for x in timed]
    assert hours == sorted(hours) and hours[0] == 0 and hours[-1] >= 20
    assert any(x[6:].startswith("Battle of") for x in timed)
    # only the battles still under way at the day's end have no hour
    assert all(x in timed or "still under way" in x for x in lines)
