"""Degenerate scenarios (no rail, no edges at all, one region, no formations) run to the
end or fail with one located problem, never a traceback; and the kind of crash found
here (numpy's weighted ``bincount`` of an empty index is int64, so adding a count to it
in place fails) cannot come back: every weighted group sum of the state path goes
through :func:`stavka.world.counts.group_sum`."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from stavka.api import Campaign
from stavka.cli import main
from stavka.world.counts import group_sum

SRC = Path(__file__).resolve().parents[2] / "src" / "stavka"

BASE = """id: degenerate
name: degenerate
start: 1941-10-01
end: 1941-10-06
climate: {z: {periods: [{from: 1941-10-01, to: 1941-10-06, ground: snow, temp_c: -20}]}}
sides:
  soviet: {name: S, alliance: allies, winter_equipment: false, doctrine: {west: attack}}
  germany: {name: G, alliance: axis, doctrine: {west: attack}}
wars: [[germany, soviet]]
nodes:
  - {id: a, name: A, lat: 54.5, lon: 30.0, zone: z, owner: soviet, front: west, supply_source: true, vp: 1}
NODE_B
EDGES
formation_types:
  division: {men: 10000, speed_km_day: 20, trucks: 10}
FORMATIONS
"""
NODE_B = ("  - {id: b, name: B, lat: 54.6, lon: 30.0, zone: z, owner: germany, front: west, "
          "supply_source: true}\n")
FORMS = ("formations:\n"
         "  - {id: s, name: S1, side: soviet, type: division, location: a}\n"
         "  - {id: g, name: G1, side: germany, type: division, location: LOC}\n")


def scenario(two_regions: bool, edges: str, formations: bool) -> str:
    text = BASE.replace("NODE_B\n", NODE_B if two_regions else "")
    text = text.replace("EDGES", edges)
    forms = FORMS.replace("LOC", "b" if two_regions else "a")
    return text.replace("FORMATIONS\n", forms if formations else "formations: []\n")


CASES = {
    "road only": (True, "edges:\n  - {a: a, b: b, kind: road, km: 10}", True),
    "rail only": (True, "edges:\n  - {a: a, b: b, kind: rail, km: 10, capacity: 5}", True),
    "no edges": (True, "edges: []", True),
    "one region": (False, "edges: []", True),
    "no formations": (True, "edges:\n  - {a: a, b: b, kind: road, km: 10}", False),
    "one region, no formations": (False, "edges: []", False),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_degenerate_scenario_runs(tmp_path, capsys, case):
    path = tmp_path / "s.yaml"
    path.write_text(scenario(*CASES[case]), encoding="utf-8")
    c = Campaign(str(path))
    c.run()
    assert c.done
    assert main(["run", str(path), "--quiet"]) == 0
    assert "Traceback" not in capsys.readouterr().err


def test_group_sum_of_nothing_is_float():
    out = group_sum(np.zeros(0, dtype=np.intp), np.zeros(0), 3)
    assert out.dtype == np.float64 and out.tolist() == [0.0, 0.0, 0.0]
    out += 0.5  # what the supply phase does with it
    assert group_sum(np.array([2, 0, 2]), np.array([1.0, 2.0, 3.0]), 3).tolist() == [2, 0, 4]


def test_no_weighted_bincount_outside_group_sum():
    found = []
    for p in SRC.glob("**/*.py"):
        rel = p.relative_to(SRC).as_posix()
        if not rel.startswith(("engine/", "world/", "ai/", "combat/")):
            continue
        text = p.read_text(encoding="utf-8")
        for m in re.finditer(r"np\.bincount\(", text):
            call = text[m.start():m.start() + 300]
            depth, end = 0, 0
            for i, ch in enumerate(call):
                depth += ch == "("
                depth -= ch == ")"
                if depth == 0 and ch == ")":
                    end = i
                    break
            if "weights" in call[:end] and rel != "world/counts.py":
                found.append(f"{rel}:{text.count(chr(10), 0, m.start()) + 1}")
    assert not found, f"weighted np.bincount outside counts.group_sum: {found}"
