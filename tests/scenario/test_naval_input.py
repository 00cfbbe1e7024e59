"""Bad input in the sea block: one located line each (FILE:LINE: field: message), all at
once, exit 2 from `stavka check`, never a traceback."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from stavka.errors import ScenarioError
from stavka.scenario.loader import load_file

FIX = Path(__file__).resolve().parents[1] / "data" / "t_naval.yaml"

CASES = [
    # (replace this, with this, expected field, expected message part)
    ("zone: sea_of_japan, ships: {cruiser: 2", "zone: sea_of_japn, ships: {cruiser: 2",
     "sea.fleets[0].zone", "unknown sea zone 'sea_of_japn' (did you mean 'sea_of_japan'?)"),
    ("zone: tatar, ships: {destroyer: 1}", "zone: khab, ships: {destroyer: 1}",
     "sea.fleets[2].zone", "'khab' is a land region; a fleet sits in a sea zone"),
    ("{destroyer: 2, submarine: 10}", "{destroyer: -2, submarine: 10}",
     "sea.fleets[1].ships.destroyer", "greater than or equal to 0 (got -2)"),
    ("{destroyer: 2, submarine: 10}", "{destroyer: 2, submarin: 10}",
     "sea.fleets[1].ships.submarin", "unknown ship class 'submarin' (did you mean 'submarine'?)"),
    ("air_groups: 1}", "air_groups: -1}", "sea.fleets[0].air_groups",
     "greater than or equal to 0"),
    ("target: bay}", "target: ussur}", "sea.landings[0].target",
     "'ussur' is not on the coast of sea zone 'sea_of_japan'"),
    ("target: bay}", "target: ussur}", "sea.landings[0].target",
     "a landing needs a port or a beach; 'ussur' has neither"),
    ("target: bay}", "target: vladd}", "sea.landings[0].target",
     "unknown node 'vladd' (did you mean 'vlad'?)"),
    ("fleet: ijn, formations", "fleet: ijm, formations", "sea.landings[0].fleet",
     "unknown fleet 'ijm' (did you mean 'ijn'?)"),
    ("formations: [jap_div1]", "formations: [sov_div1]", "sea.landings[0].formations[0]",
     "formation 'sov_div1' belongs to 'soviet', fleet 'ijn' to 'japan'"),
    ("front: rear, supply_source: true}", "front: rear, supply_source: true, port_tons_per_day: 100}",
     "nodes[4].port_tons_per_day", "'khab' is an inland region (no sea zone's coast lists it)"),
    ("coast: [sovgavan]", "coast: [sovgavn]", "sea.zones[1].coast[0]",
     "unknown node 'sovgavn' (did you mean 'sovgavan'?)"),
    ("coast: [sovgavan]", "coast: [sovgavan, sea_of_japan]", "sea.zones[1].coast[1]",
     "'sea_of_japan' is a sea zone; a coast lists land regions"),
    ("adjacent: [sea_of_japan], control", "adjacent: [tatar], control", "sea.zones[1].adjacent[0]",
     "sea zone 'tatar' borders itself"),
    ("control: soviet, freeze", "control: sovet, freeze", "sea.zones[1].control",
     "unknown side 'sovet' (did you mean 'soviet'?)"),
    ("thaw: 1943-04-01", "thaw: 1942-11-01", "sea.zones[1].thaw",
     "must be after freeze 1942-12-15 (got 1942-11-01)"),
    ("id: tatar, name", "id: khab, name", "sea.zones[1].id",
     "sea zone id 'khab' is also a node's id"),
    ("  landings:\n", "  params: {contact_chanse: 1}\n  landings:\n", "sea.params",
     "unknown naval parameter 'contact_chanse'"),
    ("  landings:\n", "  params: {contact_chance: 2}\n  landings:\n", "sea.params",
     "less than or equal to 1"),
    ("    - {id: sov_tatar,", "    - {id: ijn,", "sea.fleets[2].id",
     "duplicate id 'ijn' (first at sea.fleets[0])"),
    ("  landings:\n", "  moves:\n    - {date: 1942-08-25, fleet: ijn, to: khab}\n  landings:\n",
     "sea.moves[0].to", "'khab' is a land region; a fleet sails only to a sea zone"),
    ("  landings:\n", "  moves:\n    - {date: 1942-08-25, fleet: ijn, to: tatar}\n"
                       "    - {date: 1942-08-21, fleet: ijn, to: tatar}\n  landings:\n",
     "sea.moves[0].to", "'tatar' is not adjacent to 'tatar', where fleet 'ijn' is then "
                        "(adjacent: sea_of_japan)"),
    ("  landings:\n", "  moves:\n    - {date: 1942-08-21, fleet: ijn, to: tatar}\n  landings:\n",
     "sea.landings[0].target", "'bay' is not on the coast of sea zone 'tatar'"),
    ("  landings:\n", "  moves:\n    - {date: 1942-08-25, fleet: ijm, to: tatar}\n  landings:\n",
     "sea.moves[0].fleet", "unknown fleet 'ijm' (did you mean 'ijn'?)"),
    ("{id: land_bay, date: 1942-08-22,", "{id: land_bay, date: $landing_dat,",
     "sea.landings[0].date", "unknown parameter 'landing_dat'"),
    ("kind: sea, km: 1200, zone: tatar}", "kind: sea, km: 1200, zone: tatr}", "edges[5].zone",
     "unknown sea zone 'tatr' (did you mean 'tatar'?)"),
    ("kind: road, km: 500}", "kind: road, km: 500, zone: tatar}", "edges[4].zone",
     "only a sea edge crosses a sea zone (this one is 'road')"),
    ("sea:\n", "events:\n  - {id: go, trigger: {date: 1942-08-21}, effects: [{land: land_by}]}\nsea:\n",
     "events[0].effects[0].land", "unknown landing 'land_by' (did you mean 'land_bay'?)"),
    # a timestamp with a time of day is not a date (was a TypeError comparing it with one)
    ("freeze: 1942-12-15", "freeze: 1942-12-15T10:00:00", "sea.zones[1].freeze",
     "datetimes provided to dates should have zero time"),
    # true is not a number, in a mapping of numbers either (was read as 1)
    ("{destroyer: 2, submarine: 10}", "{destroyer: true, submarine: 10}", "sea.fleets[1].ships",
     "destroyer: input should be a number, not true/false"),
    ("  landings:\n", "  params: {contact_chance: true}\n  landings:\n", "sea.params",
     "contact_chance: input should be a number, not true/false"),
    ("sea:\n", "events:\n  - {id: go, trigger: {date: 1942-08-21}, effects: "
                "[{morale: {side: japan, delta: true}}]}\nsea:\n",
     "events[0].effects[0].morale", "delta: input should be a number, not true/false"),
    ("sea:\n", "diplomacy:\n  trust: {japan: {soviet: true}}\nsea:\n", "diplomacy.trust",
     "japan.soviet: input should be a number, not true/false"),
    # named twice (a landing's troops were counted twice against the lift)
    ("formations: [jap_div1]", "formations: [jap_div1, jap_div1]", "sea.landings[0].formations[1]",
     "formation 'jap_div1' is named twice (first at sea.landings[0].formations[0])"),
    ("coast: [sovgavan]", "coast: [sovgavan, sovgavan]", "sea.zones[1].coast[1]",
     "region 'sovgavan' is named twice (first at sea.zones[1].coast[0])"),
    ("adjacent: [tatar]}", "adjacent: [tatar, tatar]}", "sea.zones[0].adjacent[1]",
     "sea zone 'tatar' is named twice"),
    # a day outside the campaign never comes (the landing or move was never made, silently)
    ("{id: land_bay, date: 1942-08-22,", "{id: land_bay, date: 1941-08-22,",
     "sea.landings[0].date", "a landing's day must lie within the campaign 1942-08-20..1942-12-31 "
                             "(got 1941-08-22; it would never be made)"),
    ("  landings:\n", "  moves:\n    - {date: 1943-01-01, fleet: ijn, to: tatar}\n  landings:\n",
     "sea.moves[0].date", "a fleet move's day must lie within the campaign"),
]


#: cases that touch different lines: all of them in one file
ALL_AT_ONCE = tuple(CASES[i] for i in (0, 1, 2, 4, 9, 10, 11, 15))


@pytest.mark.parametrize(("old", "new", "field", "msg"), CASES,
                         ids=[f"{c[2]}-{i}" for i, c in enumerate(CASES)])
def test_located_error(tmp_path, old, new, field, msg):
    text = FIX.read_text()
    assert old in text
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace(old, new, 1))
    with pytest.raises(ScenarioError) as ei:
        load_file(bad)
    lines = str(ei.value).splitlines()
    hits = [ln for ln in lines if f": {field}: " in ln and msg in ln]
    assert hits, lines
    assert re.match(rf"^{re.escape(str(bad))}:\d+: {re.escape(field)}: ", hits[0]), hits[0]


def test_all_problems_at_once_exit_2_no_traceback(tmp_path):
    text = FIX.read_text()
    for old, new, *_ in ALL_AT_ONCE:
        text = text.replace(old, new, 1)
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    stavka = str(Path(sys.executable).parent / "stavka")
    r = subprocess.run([stavka, "check", str(bad)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    out = r.stderr + r.stdout
    assert "Traceback" not in out
    for _, _, field, msg in ALL_AT_ONCE:
        assert re.search(rf"bad\.yaml:\d+: {re.escape(field)}: .*{re.escape(msg)}", out), (field, out)


def test_a_land_scenario_may_keep_its_ports_without_a_sea_block(tmp_path):
    # without a sea block, a port on an inland region is not an error (old scenarios)
    text = FIX.read_text()
    text = text[:text.index("sea:\n")]
    p = tmp_path / "land.yaml"
    p.write_text(text.replace("front: rear, supply_source: true}",
                              "front: rear, supply_source: true, port: true}"))
    with pytest.raises(ScenarioError) as ei:  # but a lane needs the zone it crosses
        load_file(p)
    assert str(ei.value).splitlines()[1:] == [
        f"{p}:31: edges[5].zone: names a sea zone, but the scenario has no sea block"]
    p.write_text(p.read_text().replace(", zone: tatar}", "}"))
    assert load_file(p).spec.sea is None


def test_fuzz_the_naval_fixture(tmp_path):
    """Seeded mutations of t_naval.yaml (the loader fuzzer's mutators): a located error or
    a scenario that compiles and runs 5 days; never another exception."""
    import os

    from .test_loader_fuzz import fuzz_and_run

    n = int(os.environ.get("STAVKA_NAVAL_FUZZ_N", "60"))
    ran = fuzz_and_run(FIX, tmp_path, n, seed=1942)
    assert 0 < ran < n


def test_info_describes_the_sea(capsys):
    from stavka.cli import main

    assert main(["info", str(FIX)]) == 0
    assert "sea: 2 zones, 3 fleets (43 ships), 1 landings, 0 fleet moves" in capsys.readouterr().out


def test_a_param_dated_move_comes_before_an_undated_landing(tmp_path):
    # a fleet move dated by a $param is checked as if it came after every dated move and
    # landing: a landing with no date (made by an event's `land`) is checked on the coast
    # the move takes the fleet to, a dated one on the coast it sails from
    text = FIX.read_text().replace(
        "name: \"Test naval\"\n",
        "name: \"Test naval\"\nparameters:\n  sail: {type: date, default: null}\n")
    text = text.replace("  landings:\n", "  moves:\n    - {date: $sail, fleet: ijn, to: tatar}\n"
                                         "  landings:\n")
    ok = tmp_path / "ok.yaml"
    ok.write_text(text.replace("{id: land_bay, date: 1942-08-22,", "{id: land_bay,")
                  .replace("target: bay}", "target: sovgavan}"))
    assert load_file(ok).spec.sea.moves[0].date == "$sail"
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("target: bay}", "target: sovgavan}"))
    with pytest.raises(ScenarioError) as ei:
        load_file(bad)
    assert ("sea.landings[0].target: 'sovgavan' is not on the coast of sea zone "
            "'sea_of_japan'") in str(ei.value)


#: the first line of t_naval.yaml's sea block
SEA_LINE = FIX.read_text().split("\n").index("sea:") + 1


def _sea_line(i: int, line: str) -> bool:
    """The lines of t_naval.yaml the sea touches: its block, ports, beaches, lanes."""
    return i >= SEA_LINE or any(w in line for w in ("port", "beach", "zone: tatar}"))


def test_every_sea_value_of_another_kind(tmp_path):
    """Every field of the sea block (and of the ports, beaches and lanes it reads) given
    a list, a mapping, true, a timestamp with a time of day and null in turn: located
    errors or a scenario that runs, never another exception. The sea's cross-reference
    checks see raw values before the schema: a list where a fleet's id belongs was an
    unhashable key (TypeError), a timestamp compared with a date a TypeError."""
    from .test_loader_fuzz import each_value

    assert each_value(FIX, tmp_path, _sea_line) > 0
