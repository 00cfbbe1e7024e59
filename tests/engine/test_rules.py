"""The campaign rules: one versioned, cited parameter set (stavka.rules)."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

import stavka
from stavka import rules
from stavka.errors import InputError, StavkaError

SRC = Path(__file__).resolve().parents[2] / "src" / "stavka"


def test_every_rule_has_a_value_within_bounds_and_a_source() -> None:
    assert rules.RULES_VERSION in rules.versions()
    for version in rules.versions():
        table = rules.sources(version)
        assert set(table) == set(rules.names())
        r = rules.load(version)
        for f in dataclasses.fields(rules.Rules):
            value, source = table[f.name]
            assert source.strip(), f.name
            assert f.metadata["unit"] and f.metadata["doc"], f.name
            vals = getattr(r, f.name)
            for v in vals if isinstance(vals, tuple) else (vals,):
                assert f.metadata["lo"] <= v <= f.metadata["hi"], f.name


def test_tables_have_one_value_per_enumeration() -> None:
    from stavka.enums import GROUNDS, TERRAINS

    r = rules.load()
    assert len(r.ground_speed) == len(GROUNDS) and len(r.terrain_speed) == len(TERRAINS)


def test_no_phase_keeps_a_rule_constant_of_its_own() -> None:
    """Numbers a rule depends on live in the rules, not as module constants of a phase or
    of the AI (upper-case names bound to a number)."""
    found = []
    for p in [*sorted((SRC / "engine" / "phases").glob("*.py")), *sorted((SRC / "ai").glob("*.py"))]:
        for node in ast.parse(p.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) \
                    and isinstance(node.value.value, int | float) \
                    and not isinstance(node.value.value, bool):
                for t in node.targets:
                    if isinstance(t, ast.Name) and t.id.isupper():
                        found.append(f"{p.name}:{node.lineno}: {t.id}")
    assert not found, found


def test_a_run_overrides_a_rule_by_name() -> None:
    c = stavka.Campaign("two-fronts-1941", params={"rules.truck_range_km": "250"})
    assert c.static.rules.truck_range_km == 250.0
    assert c.static.rules.regauge_days == rules.load().regauge_days
    base = stavka.Campaign("two-fronts-1941", seed=3).run(12).digest()
    short = stavka.Campaign("two-fronts-1941", seed=3, params={"rules.truck_range_km": 100}).run(12)
    assert short.digest() != base  # the rule is read by the engine


@pytest.mark.parametrize(("params", "message"), [
    ({"rules.truck_range_km": 1e9}, "must be <= 2000"),
    ({"rules.truck_range_km": "far"}, "must be a number"),
    ({"rules.truck_rang": 1}, "did you mean 'truck_range_km'"),
    ({"rules.ground_speed": 1}, "is a table; set one entry of it, 'ground_speed.dry'"),
    ({"rules.ground_speed.mudd": 1}, "no entry 'mudd' .*did you mean 'mud'"),
    ({"rules.ground_speed.mud": 2.5}, "must be <= 2"),
    ({"rules.truck_range_km.dry": 1}, "takes one value; it has no entry 'dry'"),
    ({"rules.regauge_days": float("nan")}, "must be a number"),
])
def test_a_bad_override_is_one_located_line(params: dict[str, object], message: str) -> None:
    with pytest.raises(StavkaError, match=message) as exc:
        stavka.Campaign("two-fronts-1941", params=params)
    assert "\n" not in str(exc.value) and "rules." in str(exc.value)


def test_unknown_version_names_the_shipped_ones() -> None:
    with pytest.raises(InputError, match="shipped: v1"):
        rules.load("v0")


def test_a_table_entry_is_set_by_name_and_read_by_the_engine() -> None:
    """``rules.ground_speed.mud`` sets that entry alone: the other grounds keep their
    values, the rules file's table is untouched, and the engine reads the new value (the
    flagship is in mud from 12 Oct, day 12)."""
    from stavka import rules
    from stavka.enums import GROUNDS

    base = rules.load()
    got = base.override("ground_speed.mud", 0.25)
    want = list(base.ground_speed)
    want[GROUNDS.index("mud")] = 0.25
    assert got.ground_speed == tuple(want) and got.terrain_speed == base.terrain_speed
    assert rules.load().ground_speed == base.ground_speed
    same = stavka.Campaign("two-fronts-1941", seed=3).run(20).digest()
    snow = stavka.Campaign("two-fronts-1941", seed=3,
                               params={"rules.ground_speed.snow": 0.2}).run(20).digest()
    mud = stavka.Campaign("two-fronts-1941", seed=3,
                          params={"rules.ground_speed.mud": 0.25}).run(20).digest()
    assert snow == same  # no snow before 20 Oct in the flagship's weather
    assert mud != same
