"""A trigger's daily chance: a seeded hazard, its parameters checked like every $param;
and the other inputs found by the hostile-input pass on the new surfaces."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import stavka
from stavka.cli import main

MINI = Path(__file__).resolve().parents[1] / "data" / "mini.yaml"


def _with_chance(tmp_path: Path, chance: str, extra_params: str = "") -> Path:
    lines = MINI.read_text().splitlines()
    i = lines.index("    trigger: {date: 1941-10-05}")
    lines[i] = f"    trigger: {{date: 1941-10-05, chance: {chance}}}"
    if extra_params:
        j = lines.index("parameters:")
        lines.insert(j + 1, extra_params)
    p = tmp_path / "s.yaml"
    p.write_text("\n".join(lines) + "\n")
    return p


@pytest.mark.parametrize(("chance", "extra", "message"), [
    ("$nope", "", "events[0].trigger.chance: unknown parameter 'nope'"),
    ("$japan_attack_date", "", "is a date; this field needs a float parameter"),
    ("$transfer_divisions", "", "has max 2, outside 0..1 allowed here"),
    ("1.5", "", "events[0].trigger.chance: input should be less than or equal to 1"),
])
def test_a_bad_chance_is_one_located_line(tmp_path, capsys, chance, extra, message):
    assert main(["check", str(_with_chance(tmp_path, chance, extra))]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_chance_parameter_set_out_of_range_is_refused(tmp_path):
    p = _with_chance(tmp_path, "$p", "  p: {type: float, default: 0.5, description: chance}")
    with pytest.raises(stavka.StavkaError, match="outside 0..1"):
        stavka.Campaign(stavka.load(p), params={"p": 3})


def test_the_chance_is_a_seeded_daily_hazard(tmp_path):
    """With chance 0.5 the transfer fires on some day in most replicas, on different days
    in different replicas, and the same days again for the same seed."""
    p = _with_chance(tmp_path, "0.5")
    days = []
    for _ in range(2):
        fired = []
        for seed in range(12):
            c = stavka.Campaign(stavka.load(p), seed=seed)
            for d in range(12):
                if any(e.kind == "event" or e.values.get("event") == "transfer_west"
                       for e in c.step()) or c.world.state.fired[0, 0]:
                    fired.append(d)
                    break
            else:
                fired.append(-1)
        days.append(fired)
    assert days[0] == days[1]  # reproducible
    assert len(set(days[0])) > 2  # not one step at a threshold
    assert np.mean([d >= 0 for d in days[0]]) > 0.5


def test_a_sweep_out_name_the_system_cannot_hold_is_one_line(capsys):
    assert main(["sweep", "two-fronts-1941", "--runs", "2", "--days", "2",
                 "--out", "a" * 300]) == 2
    err = capsys.readouterr().err
    assert "not a usable folder name" in err and "Traceback" not in err


def test_a_truck_range_of_zero_is_outside_the_rule():
    with pytest.raises(stavka.StavkaError, match="must be >= 1"):
        stavka.Campaign("two-fronts-1941", params={"rules.truck_range_km": 0})


@pytest.mark.parametrize(("cond", "message"), [
    # was a TypeError at the first day (every comparison evaluated, '>' with none among them)
    ('{name: transfer_divisions, op: "==", value: ~}',
     "events[0].trigger.param.value: '==' needs a value"),
    ('{name: transfer_divisions, op: "!="}', "events[0].trigger.param.value: '!=' needs a value"),
    # a date parameter is compared with a number by no operator (was always false)
    ('{name: japan_attack_date, op: "==", value: 1}',
     "events[0].trigger.param.op: '==' cannot compare date parameter 'japan_attack_date'"),
])
def test_a_parameter_condition_that_compares_nothing_is_one_located_line(
        tmp_path, capsys, cond, message):
    lines = MINI.read_text().splitlines()
    i = lines.index("    trigger: {date: 1941-10-05}")
    lines[i] = f"    trigger: {{param: {cond}}}"
    p = tmp_path / "s.yaml"
    p.write_text("\n".join(lines) + "\n")
    assert main(["check", str(p)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
