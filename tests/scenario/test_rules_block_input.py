"""A scenario's ``rules:`` block and the sides' new fields (tank_loss_factor,
winter_equipment) under hostile values: every bad entry is its own located line
(FILE:LINE: field: message), all at once, exit 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from stavka.cli import main
from stavka.errors import ScenarioError
from stavka.scenario.loader import load_file

DATA = Path(__file__).resolve().parents[1] / "data"
MINI = (DATA / "mini.yaml").read_text(encoding="utf-8")

RULES = """rules:
  tank_loss_ratio: .nan
  sick_per_day: "x"
  frost_threshold_c: true
  orders_persist: 2
  nope: 1
  ground_speed: 1
  defend_stack_men: 1e400
  culmination_morale: 0.5
  frost_sick_per_degday: -1
  massing_exp: [1]
"""


def _problems(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as exc:
        load_file(path)
    return [str(p) for p in exc.value.problems]


def test_every_bad_rule_is_its_own_located_line(tmp_path, capsys):
    path = tmp_path / "s.yaml"
    path.write_text(MINI + RULES, encoding="utf-8")
    lines = {ln: i for i, ln in enumerate(path.read_text().splitlines(), 1)}

    def at(key: str) -> str:
        (n,) = [i for ln, i in lines.items() if ln.startswith(f"  {key}:")]
        return f"{path}:{n}: rules.{key}: "

    got = _problems(path)
    want = [
        at("tank_loss_ratio") + "rule 'tank_loss_ratio' = nan is outside its range 0..20 (1)",
        at("sick_per_day") + "must be a number (got 'x')",
        at("frost_threshold_c") + "must be a number (got True)",
        at("orders_persist") + "rule 'orders_persist' is a switch: 0 (off) or 1 (on), not 2",
        at("nope") + "unknown rule 'nope'",
        at("ground_speed") + ("rule 'ground_speed' is a table; set one entry of it, "
                                  "'ground_speed.dry' (dry, wet, mud, frozen, snow)"),
        at("defend_stack_men") + "rule 'defend_stack_men' = inf is outside its range "
                                 "1000..1e+09 (men)",
        at("frost_sick_per_degday") + "rule 'frost_sick_per_degday' = -1 is outside its "
                                      "range 0..0.01 (1/(day*degC))",
        at("massing_exp") + "must be a number (got [1])",
    ]
    assert got == want
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.rstrip().endswith("error: 9 problem(s) in scenario")


def test_good_rules_still_load(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(MINI + "rules: {culmination_morale: 0.5, orders_persist: 0, "
                    "sick_per_day: 0, frost_threshold_c: -60, defend_stack_men: 1e9}\n",
                    encoding="utf-8")
    assert load_file(path).spec.rules["defend_stack_men"] == 1e9


@pytest.mark.parametrize("field, value, message", [
    ("tank_loss_factor", ".nan", "input should be a finite number"),
    ("tank_loss_factor", "-1", "greater than or equal to 0"),
    ("tank_loss_factor", "1e308", "less than or equal to 20"),
    ("tank_loss_factor", "true", "not true/false"),
    ("tank_loss_factor", "$transfer_divisions", "valid number"),
    ("winter_equipment", ".nan", "valid boolean"),
    ("winter_equipment", "null", "valid boolean"),
    ("winter_equipment", "[true]", "valid boolean"),
])
def test_side_fields_are_located(tmp_path, field, value, message):
    old = "soviet: {name: Soviet Union,"
    path = tmp_path / "s.yaml"
    path.write_text(MINI.replace(old, f"soviet: {{{field}: {value}, name: Soviet Union,", 1),
                    encoding="utf-8")
    (line,) = _problems(path)
    n = next(i for i, ln in enumerate(path.read_text().splitlines(), 1) if field in ln)
    assert line.startswith(f"{path}:{n}: sides.soviet.{field}: ") and message in line, line


@pytest.mark.parametrize("rule, value, shown", [
    ("counterattack_ratio", 100.0000001, "= 100.0000001 is outside its range 0.5..100"),
    ("cold_cev_per_deg", 0.2000001, "= 0.2000001 is outside its range 0..0.2"),
    ("active_defence", 1.0000001, "is a switch: 0 (off) or 1 (on), not 1.0000001"),
    ("tank_loss_ratio", 21.0, "= 21 is outside its range 0..20"),
])
def test_a_refused_value_is_named_as_given_not_rounded(rule: str, value: float,
                                                       shown: str) -> None:
    """The error names the value that was refused: with ``:g`` 100.0000001 read as "100 is
    outside its range 0.5..100", which contradicts itself."""
    from stavka import rules
    from stavka.errors import InputError

    with pytest.raises(InputError) as e:
        rules.check(rule, value)
    assert shown in str(e.value)
