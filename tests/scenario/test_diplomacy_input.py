"""Bad input in the diplomacy block: one located line each (FILE:LINE: field: message),
exit 2 from `stavka check`, never a traceback."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from stavka.errors import ScenarioError
from stavka.scenario.loader import load_file

FIX = Path(__file__).resolve().parents[1] / "data" / "t_diplo.yaml"

CASES = [
    # (replace this, with this, expected field, expected message part)
    ("      from: soviet\n      to: yanan\n      trigger: {date: 1941-07-02}\n      texts",
     "      from: soviet\n      to: yanann\n      trigger: {date: 1941-07-02}\n      texts",
     "diplomacy.requests[0].to", "unknown side 'yanann' (did you mean 'yanan'?)"),
    ("      offer: {gold_t: 100}", "      offer: {gold_t: 500}",
     "diplomacy.requests[1].offer.gold_t", "soviet offers 500 t of gold but has 100 t"),
    ("      offer: {gold_t: 100}", "      offer: {goods: {tanks: 10}}",
     "diplomacy.requests[1].offer.goods.tanks", "soviet offers tanks but has none"),
    ("route: {kind: rail, path: [sh, mid, vlad]", "route: {kind: rail, path: [sh, vlad]",
     "diplomacy.contracts[0].route.path[1]", "no rail edge joins 'sh' to 'vlad'"),
    ("route: {kind: rail, path: [sh, mid, vlad]", "route: {kind: rail, path: [sh, mid]",
     "diplomacy.contracts[0].route.path", "'mid' is held by 'japan', not by 'soviet'"),
    ("regions: [sh]", "regions: [shanghai]",
     "diplomacy.agreements[0].clauses[0].limit.regions[0]", "unknown region 'shanghai'"),
    ("      from: soviet\n      to: yanan\n      trigger: {date: 1941-07-02}\n      risk",
     "      from: soviet\n      to: soviet\n      trigger: {date: 1941-07-02}\n      risk",
     "diplomacy.requests[1].to", "a side cannot ask itself"),
    ("      risk: 0.3\n", "      risk: 1.3\n", "diplomacy.requests[0].risk",
     "less than or equal to 1"),
    ("on_accept: [{morale: {side: japan, delta: -0.1}}]",
     "on_accept: [{send: ask_nope}]", "diplomacy.requests[0].on_accept[0].send",
     "unknown request 'ask_nope'"),
    ("on_accept: [{morale: {side: japan, delta: -0.1}}]",
     "on_accept: [{deliver: {side: soviet, at: vlad, trucks: 5}}]",
     "diplomacy.requests[0].on_accept[0].deliver", "cannot use 'deliver'"),
    ("trigger: {request: {id: ask_prob, answer: accepted}}",
     "trigger: {request: {id: ask_prb, answer: accepted}}",
     "events[1].trigger.request.id", "unknown request 'ask_prb'"),
    ("      treaties: [pact]", "      treaties: [pakt]",
     "diplomacy.neutrals[0].treaties[0]", "unknown agreement 'pakt'"),
    ("model: {bias: $entry_bias, max_daily: 1.0}", "model: {bias: $entry_bais, max_daily: 1.0}",
     "diplomacy.neutrals[0].model.bias", "unknown parameter 'entry_bais'"),
    # a side paired with itself, whatever the relation (asking, selling: above)
    ("trust: {yanan: {soviet: 0.5}}", "trust: {yanan: {yanan: 0.5}}",
     "diplomacy.trust.yanan.yanan", "a side's trust is in another side, not itself"),
    ("      against: soviet", "      against: china", "diplomacy.neutrals[0].against",
     "a neutral cannot enter a war against itself ('china')"),
]


@pytest.mark.parametrize(("old", "new", "field", "msg"), CASES, ids=[c[2] for c in CASES])
def test_located_error(tmp_path, old, new, field, msg):
    text = FIX.read_text()
    assert old in text
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace(old, new, 1))
    with pytest.raises(ScenarioError) as ei:
        load_file(bad)
    lines = str(ei.value).splitlines()
    hits = [ln for ln in lines if f": {field}: " in ln]
    assert hits, lines
    assert re.match(rf"^{re.escape(str(bad))}:\d+: {re.escape(field)}: ", hits[0]), hits[0]
    assert msg in hits[0], hits[0]


def test_check_exit_2_no_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(FIX.read_text().replace("regions: [sh]", "regions: [shanghai]"))
    stavka = str(Path(sys.executable).parent / "stavka")
    r = subprocess.run([stavka, "check", str(bad)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr + r.stdout
    assert re.search(r"bad\.yaml:\d+: diplomacy\.agreements\[0\]\.clauses\[0\]\.limit\.regions\[0\]: "
                     r"unknown region 'shanghai'", r.stderr + r.stdout)


def test_shipped_include_names_a_shipped_scenario(tmp_path):
    main = tmp_path / "s.yaml"
    main.write_text(FIX.read_text().replace("id: t-diplo\n", "id: t-diplo\ninclude: ['@two-fronts-194/types.yaml']\n"))
    with pytest.raises(ScenarioError, match=r"unknown scenario 'two-fronts-194' \(did you mean "
                                            r"'two-fronts-1941'\?\)"):
        load_file(main)


def test_shipped_include_cannot_leave_the_shipped_folder(tmp_path):
    main = tmp_path / "s.yaml"
    main.write_text(FIX.read_text().replace(
        "id: t-diplo\n", "id: t-diplo\ninclude: ['@two-fronts-1941/../../../../etc/hosts']\n"))
    with pytest.raises(ScenarioError, match=r"outside the scenario's folder"):
        load_file(main)


def test_fuzz_the_diplomacy_fixture(tmp_path):
    """Seeded mutations of t_diplo.yaml (the loader fuzzer's mutators): a located error
    or a scenario that compiles and runs 5 days; never another exception."""
    import os

    from .test_loader_fuzz import fuzz_and_run

    n = int(os.environ.get("STAVKA_DIPLO_FUZZ_N", "80"))
    ran = fuzz_and_run(FIX, tmp_path, n, seed=1313)
    assert 0 < ran < n


def test_every_region_and_formation_value_of_another_kind(tmp_path):
    """Every field of the regions and formations (what diplomacy's cross-reference checks
    read raw: owners, sides, goods) given a list and a mapping in turn: located errors,
    never another exception. A list where a region's id or a formation's side belongs
    was an unhashable key (TypeError)."""
    from .test_loader_fuzz import each_value

    each_value(FIX, tmp_path, lambda i, line: line.startswith("  - {id:"), ["[x]", "{a: 1}"])
