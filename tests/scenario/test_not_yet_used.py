"""An honest scenario contract: fields the engine accepts but does not read yet.

Each such field carries ``not_yet_used(...)`` in the schema. The tests hold the marker
to the truth (setting every marked field changes nothing the engine decides), and check
that ``stavka check`` warns where a scenario sets one and that the reference says so.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import numpy as np
import pytest
from ruamel.yaml import YAML

import stavka
from stavka.cli import main
from stavka.combat.params import MODEL_VERSION
from stavka.scenario import schema as sc
from stavka.scenario.reference import MODELS, markdown
from stavka.world.digest import DIGEST_FIELDS

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "data" / "mini.yaml"

#: What the engine does not read yet (checked against the engine's behaviour below).
# (trucks and delivered men are used since issue 10's rules v2: truck fill sets the supply
# reach and a mobile formation's speed; delivered men refill formations; a port is a landing
# place since issue 12's sea block; a factory's supply_per_day is read by supply in tons,
# rules.supply_tons)
EXPECTED = {
    "Node.industry",
    "Mobilisation.industry_cost", "Side.supply_stock", "Delivery.supply",
}
WARNING = re.compile(r"^(?P<file>.+\.yaml):(?P<line>\d+): warning: field (?P<field>\S+) is "
                     r"accepted but not yet used by the engine \(planned: [^()]+\)"
                     r"(; set in [\d,]+ more places? in this file)?$")


def _marked() -> set[str]:
    return {f"{m.__name__}.{n}" for m in MODELS for n in m.model_fields
            if sc.planned_use(m, n) is not None}


def _yaml() -> YAML:
    y = YAML(typ="safe", pure=True)
    y.default_flow_style = False
    return y


def _mini() -> dict:
    return _yaml().load(MINI.read_text())


def _write(tmp: Path, name: str, data: dict) -> Path:
    p = tmp / name
    with p.open("w") as fh:
        _yaml().dump(data, fh)
    return p


def _with_everything_set(data: dict, on: bool) -> dict:
    """mini with every marked field at a non-default value (``on``) or at its default."""
    d = copy.deepcopy(data)
    k = 1 if on else 0
    for n in d["nodes"]:
        n["industry"] = 7.5 * k
    for s in d["sides"].values():
        s["supply_stock"] = 90_000 * k
        s["mobilisation"] = {"industry_cost": 0.3 * k}
    d["factories"] = [{"node": "moscow", "side": "soviet", "tanks_per_day": 2,
                       "supply_per_day": 800 * k}]
    d["events"].append({"id": "lend_lease", "trigger": {"date": "1941-10-03"},
                        "effects": [{"deliver": {"side": "soviet", "at": "moscow",
                                                 "after_days": 2, "tanks": 5,
                                                 "supply": 5_000 * k}}]})
    return d


def test_the_marked_fields_are_the_known_ones():
    assert _marked() == EXPECTED


@pytest.mark.parametrize("seed", [0, 3])
def test_setting_every_marked_field_changes_nothing_the_engine_decides(tmp_path, seed):
    # If this fails, a rule now reads one of these fields: remove its not_yet_used marker.
    base = _mini()
    runs = []
    for on in (False, True):
        loaded = stavka.load(_write(tmp_path, f"s{int(on)}.yaml", _with_everything_set(base, on)))
        c = stavka.Campaign(loaded, seed=seed)
        c.run(days=25)
        runs.append(c)
    a, b = (c.world.state for c in runs)
    for name in DIGEST_FIELDS:
        x, y = np.asarray(getattr(a, name)), np.asarray(getattr(b, name))
        assert np.array_equal(x, y), name
    assert runs[0].summary()["victory"] == runs[1].summary()["victory"]


def test_check_warns_once_per_file_and_field_where_it_is_set(tmp_path, capsys):
    data = _with_everything_set(_mini(), True)
    part = {"nodes": data.pop("nodes")}
    data["include"] = ["map.yaml"]
    main_file = _write(tmp_path, "scenario.yaml", data)
    _write(tmp_path, "map.yaml", part)
    assert main(["check", str(main_file)]) == 0
    cap = capsys.readouterr()
    assert cap.out.startswith("ok: mini:")
    lines = cap.err.splitlines()
    got = [WARNING.match(ln) for ln in lines]
    assert all(got), lines
    fields = {(Path(m["file"]).name,
               re.sub(r"sides\.\w+", "sides.*", re.sub(r"\[\d+\]", "[]", m["field"])))
              for m in got}
    assert fields == {
        ("map.yaml", "nodes[].industry"),
        ("scenario.yaml", "sides.*.supply_stock"),
        ("scenario.yaml", "sides.*.mobilisation.industry_cost"),
        ("scenario.yaml", "events[].effects[].deliver.supply"),
    }
    assert len(lines) == len(fields)  # one line per file and field
    industry = next(ln for ln in lines if ".industry " in ln)
    assert "warning: field nodes[0].industry" in industry
    assert "industry and production by region" in industry and "set in 5 more places in this file" in industry
    # every line points at the place that sets the field
    for m in got:
        text = (tmp_path / Path(m["file"]).name).read_text().splitlines()
        key = m["field"].rsplit(".", 1)[-1]
        assert text[int(m["line"]) - 1].strip().lstrip("- ").startswith(key + ":"), m[0]


def test_trucks_inherited_or_set_give_no_warning(tmp_path, capsys):
    """Trucks are used since the rules v2 (supply reach, speed): no warning, whether a type
    sets them and the others inherit them or not."""
    data = _mini()
    data["formation_types"]["division"]["trucks"] = 100  # inherited by every type, formation
    assert main(["check", str(_write(tmp_path, "s.yaml", data))]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert not [ln for ln in lines if ".trucks " in ln], lines


def test_defaults_give_no_warning(tmp_path, capsys):
    data = _with_everything_set(_mini(), False)
    path = _write(tmp_path, "s.yaml", data)  # explicit zeros everywhere (mini's 2,000
    assert main(["check", str(path)]) == 0    # panzer trucks and industry 10 too)
    assert capsys.readouterr().err == ""
    assert stavka.load(path).warnings == []


def test_flagship_check_warns_and_passes(capsys):
    assert main(["check", "two-fronts-1941"]) == 0
    cap = capsys.readouterr()
    assert cap.out.startswith("ok: two-fronts-1941")
    lines = cap.err.splitlines()
    assert lines and all(WARNING.match(ln) for ln in lines), lines
    assert any("nodes[0].industry" in ln for ln in lines)


def test_reference_says_not_yet_used_and_is_the_generated_one():
    text = markdown()
    for key in EXPECTED:
        model, name = key.split(".")
        row = next(ln for ln in text.split(f"## {model}\n", 1)[1].splitlines()
                   if ln.startswith(f"| `{name}` |"))
        assert "**not yet used** by the engine (planned: " in row, row
    assert text.count("**not yet used**") == len(EXPECTED) + 1  # + the preamble
    # docs/scenario-reference.md is `stavka docs`: regenerate it after a schema change
    assert (ROOT / "docs" / "scenario-reference.md").read_text() == text + "\n"


def test_combat_model_defaults_to_the_current_version():
    assert sc.Scenario.model_fields["combat_model"].default == MODEL_VERSION
    data = _mini()
    assert data.pop("combat_model") == "v1"  # mini's tests expect v1's numbers
    spec = sc.Scenario.model_validate({**data, "formation_types": {}, "formations": []})
    assert spec.combat_model == MODEL_VERSION
