"""On/off rules (issue: fractions read as on by one rule, off by another): every rule
whose meaning is "1: ...; 0: ..." is a declared switch, accepts 0 or 1 and nothing
between by every way a rule is set, and the code reads every switch one way
(``Rules.on``)."""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import pytest

from stavka import rules
from stavka.api import Campaign
from stavka.cli import main
from stavka.errors import InputError, ScenarioError
from stavka.scenario.loader import load_file

SRC = Path(rules.__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
MINI = (DATA / "mini.yaml").read_text(encoding="utf-8")
MSG = "is a switch: 0 (off) or 1 (on)"


def _onoff(doc: str) -> bool:
    return doc.startswith("1:") and "; 0:" in doc


def test_every_on_off_rule_is_a_declared_switch() -> None:
    fields = dataclasses.fields(rules.Rules)
    on_off = [f.name for f in fields if _onoff(f.metadata["doc"])]
    assert on_off == rules.switches() == [
        "supply_tons", "massing_urban", "orders_persist", "rear_release", "move_retarget",
        "stance_recall", "reserve_dispatch", "retreat_off_axis", "salient_withdraw",
        "salient_cover", "active_defence"]
    for name in rules.switches():
        spec = rules.field_spec(name)
        assert (spec.metadata["unit"], spec.metadata["lo"], spec.metadata["hi"]) == ("0/1", 0, 1)
    for v in rules.versions():  # every shipped value of a switch is 0 or 1
        assert all(getattr(rules.load(v), n) in (0.0, 1.0) for n in rules.switches())


@pytest.mark.parametrize("name", rules.switches())
@pytest.mark.parametrize("value", [0.5, 0.01, 0.99, float("nan"), 2, -1])
def test_check_takes_only_0_or_1(name: str, value: float) -> None:
    with pytest.raises(InputError, match=re.escape(f"rule '{name}' {MSG}")):
        rules.check(name, value)


@pytest.mark.parametrize("name", rules.switches())
def test_check_and_on(name: str) -> None:
    assert rules.check(name, 0) == 0.0 and rules.check(name, 1) == 1.0
    base = rules.load()
    assert base.override(name, 1).on(name) and not base.override(name, 0).on(name)
    with pytest.raises(InputError, match="not a switch"):
        base.on("truck_range_km")


def test_the_rules_file_loader_takes_only_0_or_1(monkeypatch: pytest.MonkeyPatch) -> None:
    table = dict(rules.sources("v4"))
    monkeypatch.setattr(rules, "sources", lambda version: {**table, "rear_release": (0.5, "x")})
    with pytest.raises(InputError, match=r"rules_v4\.yaml: rear_release = 0\.5 is a switch"):
        rules.load.__wrapped__("v4")
    monkeypatch.setattr(rules, "sources", lambda version: {**table, "supply_tons": ("on", "x")})
    with pytest.raises(InputError, match=r"rules_v4\.yaml: supply_tons = on must be a number"):
        rules.load.__wrapped__("v4")


@pytest.mark.parametrize("name", rules.switches())
def test_a_scenario_rules_block_takes_only_0_or_1(tmp_path: Path, name: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(MINI + f"rules:\n  {name}: 0.5\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_file(path)
    assert [str(p) for p in exc.value.problems] == [
        f"{path}:{len(MINI.splitlines()) + 2}: rules.{name}: rule '{name}' {MSG}, not 0.5"]
    path.write_text(MINI + f"rules:\n  {name}: 1\n", encoding="utf-8")
    load_file(path)


@pytest.mark.parametrize("name", rules.switches())
@pytest.mark.parametrize("raw", ["0.5", 0.01, "abc", True, float("nan"), "2"])
def test_params_take_only_0_or_1(name: str, raw: object) -> None:
    with pytest.raises(InputError, match=re.escape(f"parameter 'rules.{name}': rule '{name}' {MSG}")):
        Campaign(load_file(DATA / "mini.yaml"), params={f"rules.{name}": raw})


@pytest.mark.parametrize("argv", [
    ["run", "mini", "--set", "rules.supply_tons=0.5", "--days", "1"],
    ["sweep", "mini", "--vary", "rules.rear_release=0,0.01", "--runs", "1", "--out", "o"],
    ["calibrate", "campaign", "mini", "--grid", "rules.orders_persist=0,0.5", "--runs", "1"],
])
def test_the_command_line_takes_only_0_or_1(argv: list[str], capsys: pytest.CaptureFixture[str],
                                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    argv = [str(DATA / "mini.yaml") if a == "mini" else a for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert MSG in err and "Traceback" not in err and len(err.splitlines()) == 1, err


def test_the_code_reads_switches_one_way() -> None:
    """No code reads a switch as a number (``rules.supply_tons == 1.0``, ``> 0``): every
    attribute access to a switch is gone; each read is ``rules.on(name)``."""
    hits = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in rules.switches():
                hits.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert hits == []


def test_calibration_tries_a_switch_only_at_0_and_1(monkeypatch: pytest.MonkeyPatch) -> None:
    """The descent's later rounds refine a rule around its best value (x 0.8, x 1.25):
    a switch stays at 0 and 1."""
    from stavka.validation import calibrate

    monkeypatch.setattr(calibrate, "objective", lambda p: (-p["rules.orders_persist"], {}))
    tr = calibrate.coordinate_descent(lambda p: p, {"rules.orders_persist": 0.0},  # type: ignore
                                      {"rules.orders_persist": [0.0, 1.0]}, rounds=3)
    assert {e["params"]["rules.orders_persist"] for e in tr.evals} == {0.0, 1.0}
    assert tr.best == {"rules.orders_persist": 1.0}
