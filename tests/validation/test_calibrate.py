"""The campaign calibration's objective and optimiser (stavka.validation.calibrate),
on outcomes built by hand, and the command's bad input."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from stavka.cli import main
from stavka.validation.calibrate import coordinate_descent, objective, scale, term
from stavka.validation.campaign import Outcome


def _num(values: list[float], lo: float = 90, hi: float = 110, hist: float = 100,
         cid: str = "x", kind: str = "number") -> Outcome:
    return Outcome(SimpleNamespace(id=cid, history=hist), kind, hist, lo, hi,  # type: ignore[arg-type]
                   np.asarray(values, dtype=float))


def test_a_met_checkpoint_costs_nothing() -> None:
    assert term(_num([95, 100, 105])) == 0.0


def test_a_number_miss_by_hand() -> None:
    o = _num([130, 130, 130])
    assert scale(o) == 20.0  # the band's width (20) = 20 % of 100
    # median 20 above the band: 1 unit; history 30 below p10: 1.5 units, half weight
    assert term(o) == pytest.approx(1.0 + 0.5 * 1.5 ** 2)


def test_a_date_miss_is_measured_in_weeks_and_never_is_capped() -> None:
    o = _num([14.0] * 5, lo=5, hi=7, hist=6, kind="date")
    assert scale(o) == 7.0
    assert term(o) == pytest.approx(1.0 + 0.5 * (8 / 7) ** 2)
    never = _num([np.inf] * 5, lo=5, hi=7, hist=6, kind="date")
    assert term(never) == pytest.approx(100.0 + 50.0)  # each distance capped at 10 units


def test_a_flag_by_hand() -> None:
    o = _num([1, 0, 0, 0], lo=1, hi=1, hist=1, kind="flag")  # history in 25 % of runs
    assert term(o) == pytest.approx(1.0)
    assert term(_num([0] * 4, lo=1, hi=1, hist=1, kind="flag")) == pytest.approx(4.0 + 0.5 * 0.16)


def test_objective_sums_the_terms() -> None:
    score, terms = objective([_num([100], cid="a"), _num([130] * 3, cid="b")])
    assert terms == {"a": 0.0, "b": pytest.approx(2.125)}
    assert score == pytest.approx(2.125)


def test_coordinate_descent_finds_the_minimum_of_a_known_function() -> None:
    """One rule; the objective is smallest where the rule equals 3."""
    seen = []

    def evaluate(p: dict[str, float]) -> list[Outcome]:
        seen.append(p["rules.massing_exp"])
        return [_num([p["rules.massing_exp"]], lo=3, hi=3, hist=3)]

    tr = coordinate_descent(evaluate, {"rules.massing_exp": 1.0},
                            {"rules.massing_exp": [1.0, 2.0, 2.9]}, rounds=2)
    assert tr.best == {"rules.massing_exp": 3.0}  # round 2 narrows the grid: 2.9 x (0.8, 1, 1.25), clipped
    assert tr.best_score == 0.0
    assert len(seen) == len(set(seen))  # each point evaluated once
    assert max(seen) <= 3.0  # clipped to the rule's upper bound


@pytest.mark.parametrize("args, message", [
    (["--grid", "rules.nope=1,2"], "--grid 'rules.nope=1,2': unknown rule 'nope'"),
    (["--grid", "rules.massing_exp=1,x"], "must be numbers"),
    (["--grid", "rules.massing_exp=9"], "outside its range"),
    (["--grid", "massing_exp=1"], "expected rules.NAME"),
    (["--grid", "rules.massing_exp=1", "--runs", "0"], "must be >= 1"),
])
def test_calibrate_bad_input_is_one_line_and_exit_2(args: list[str], message: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["calibrate", "campaign", "two-fronts-1941", *args])
    err = capsys.readouterr().err
    assert rc == 2
    assert message in err
    assert "Traceback" not in err
