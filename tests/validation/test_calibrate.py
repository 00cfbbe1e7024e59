"""The campaign calibration's objective and optimiser (stavka.validation.calibrate),
on outcomes built by hand, and the command's bad input."""

from __future__ import annotations

from pathlib import Path
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


def _nan_outcome() -> Outcome:
    return _num([np.nan, np.nan])


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


def test_a_number_above_a_million_is_not_capped() -> None:
    """A strength of 1.25 M men inside its band, history inside the range, costs nothing
    (the date's "never" cap at 1e6 once read it as 1 M: a miss of half a unit)."""
    assert term(_num([1_252_591.0] * 3, lo=1_125_000, hi=1_375_000, hist=1_252_591)) == 0.0
    o = _num([3e6] * 3, lo=1e6, hi=2e6, hist=1.5e6)
    assert term(o) == pytest.approx(1.0 + 0.5 * 1.5 ** 2)  # the band's width is the unit


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
    (["--grid", "rules.nope=1,2"], "--grid 'rules.nope=1,2': parameter 'rules.nope': unknown rule 'nope'"),
    (["--grid", "rules.massing_exp=1,x"], "must be a number (got 'x')"),
    (["--grid", "rules.massing_exp=9"], "must be <= 3"),
    # read like sweep --vary: no NaN, no infinity, no empty item, nothing given twice,
    # no table rule; the work bounded before anything runs
    (["--grid", "rules.massing_exp=nan"], "must be a number (got 'nan')"),
    (["--grid", "rules.massing_exp=1e400"], "must be a number"),
    (["--grid", "rules.massing_exp="], "malformed value list"),
    (["--grid", "rules.massing_exp=1,,2"], "no empty items"),
    (["--grid", "rules.massing_exp=1,1.0"], "value 1 given twice"),
    (["--grid", "rules.massing_exp=1", "--grid", "rules.massing_exp=2"],
     "--grid rules.massing_exp given twice"),
    (["--grid", "rules.ground_speed=1"], "is a table; set one entry of it"),
    (["--grid", "rules.ground_speed.mudd=1"], "has no entry 'mudd'"),
    (["--grid", "rules.massing_exp=1", "--rounds", "100000000"], "at most 10,000,000"),
    (["--grid", "rules.massing_exp=1", "--runs", "-1"], "must be >= 1"),
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


@pytest.mark.parametrize("kind", ["file", "device", "folder named calibration.json"])
def test_calibrate_out_that_cannot_be_written_is_refused_before_any_run(
        kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    import stavka.validation.calibrate as cal

    def no_run(*a: object, **k: object) -> None:
        raise AssertionError("ran campaigns before checking --out")

    monkeypatch.setattr(cal, "calibrate", no_run)
    if kind == "file":
        out = tmp_path / "f"
        out.write_text("keep")
    elif kind == "device":
        out = Path("/dev/null")
    else:
        out = tmp_path / "o"
        (out / "calibration.json").mkdir(parents=True)
    rc = main(["calibrate", "campaign", "two-fronts-1941", "--grid", "rules.massing_exp=1",
               "--out", str(out)])
    err = capsys.readouterr().err
    assert rc == 2 and "cannot write there" in err and "Traceback" not in err, err
    if kind == "file":
        assert out.read_text() == "keep"


def test_a_score_that_is_not_a_number_is_never_best_and_json_stays_valid() -> None:
    """An objective that is NaN (a metric undefined in every run, say) must not leave the
    descent without a best point (it used to end in a KeyError) nor put NaN in JSON."""
    import json

    def evaluate(p: dict[str, float]) -> list[Outcome]:
        return [_nan_outcome()]

    tr = coordinate_descent(evaluate, {"rules.massing_exp": 1.0},
                            {"rules.massing_exp": [0.5, 2.0]}, rounds=3)
    assert tr.best == {"rules.massing_exp": 1.0}
    json.dumps(tr.as_json(), allow_nan=False)
    assert tr.as_json()["best_score"] is None


def test_the_descent_stops_when_a_round_finds_no_new_point() -> None:
    seen: list[float] = []

    def evaluate(p: dict[str, float]) -> list[Outcome]:
        seen.append(p["rules.massing_exp"])
        return []

    tr = coordinate_descent(evaluate, {"rules.massing_exp": 0.0},
                            {"rules.massing_exp": [0.0]}, rounds=1_000_000)
    assert tr.best == {"rules.massing_exp": 0.0} and seen == [0.0]


def test_an_unmeasured_checkpoint_costs_the_cap_and_a_blind_one_nothing() -> None:
    # a rule value that makes a metric undefined in every run must not score as a hit
    o = _num([])
    o.measured = False
    assert term(o) == 150.0
    blind = Outcome(SimpleNamespace(id="b", history=None), "number", 0.0, 0.0, 0.0,  # type: ignore[arg-type]
                    np.asarray([1.0, 2.0]))
    assert term(blind) == 0.0


def test_a_band_as_wide_as_the_floats_still_counts_a_miss() -> None:
    # history 1e308, runs at 0: the band's width overflows to inf unless halved first
    o = _num([0.0] * 5, lo=-1.7e308, hi=1.7e308, hist=1e308)
    assert np.isfinite(scale(o))
    assert 0.0 < term(o) < 150.0


def test_calibrate_refuses_a_checkpoints_file_of_blind_predictions_only(tmp_path, capsys) -> None:
    # nothing to fit: every checkpoint is a prediction without history (exit 2, no runs)
    data = Path(__file__).resolve().parents[1] / "data"
    p = tmp_path / "blind.yaml"
    p.write_text("scenario: t-history\ncheckpoints:\n  - id: town_taken\n"
                 "    description: town taken (a prediction)\n    metric: capture_date\n"
                 "    args: {region: town}\n    source: kept back\n", encoding="utf-8")
    rc = main(["calibrate", "campaign", str(data / "t_history.yaml"), "--checkpoints", str(p),
               "--grid", "rules.sick_per_day=0.001", "--runs", "2", "--workers", "1"])
    err = capsys.readouterr().err
    assert rc == 2
    assert f"{p}: nothing to calibrate on: every checkpoint is a blind prediction" in err


def test_calibrate_varies_one_entry_of_a_table_rule(tmp_path, capsys) -> None:
    """``--grid rules.ground_speed.mud=...`` starts from the table's own mud value and
    records the entry by its name."""
    from stavka import rules
    from stavka.validation.calibrate import calibrate

    hist = Path(__file__).resolve().parents[1] / "data" / "t_history.yaml"
    tr = calibrate(str(hist), {"rules.ground_speed.mud": [0.3, 0.6]}, runs=2, rounds=1,
                   out=tmp_path, workers=1)
    start = tr.evals[0]["params"]["rules.ground_speed.mud"]
    assert start == rules.load("v1").value("ground_speed.mud")  # t_history pins v1
    assert sorted(e["params"]["rules.ground_speed.mud"] for e in tr.evals) == sorted(
        {0.3, 0.6, start})


def test_holdout_check_by_hand() -> None:
    """Two rules moved by the descent: putting ``massing_exp`` back is worse on both held-out
    seeds (it holds); putting ``rout_loss`` back is better on seed 2 (it does not)."""
    from stavka.validation.calibrate import holdout_check

    start = {"rules.massing_exp": 1.0, "rules.rout_loss": 0.03}
    best = {"rules.massing_exp": 2.0, "rules.rout_loss": 0.05}

    def evaluate(seed: int, p: dict[str, float]) -> list[Outcome]:
        # a checkpoint met at massing_exp 2; rout_loss 0.05 helps on seed 0 only
        miss = abs(p["rules.massing_exp"] - 2.0) * 20
        miss += (0.0 if p["rules.rout_loss"] == 0.05 else 10.0) if seed == 0 else \
            (5.0 if p["rules.rout_loss"] == 0.05 else 0.0)
        return [_num([100 + miss]), _num([100], cid="y")]

    logs: list[str] = []
    res = holdout_check(evaluate, start, best, [0, 2], log=logs.append)
    assert res["seeds"] == [0, 2]
    assert set(res["revert"]) == {"rules.massing_exp", "rules.rout_loss"}
    assert res["revert"]["rules.massing_exp"]["holds"] is True
    assert res["revert"]["rules.rout_loss"]["holds"] is False
    assert res["revert"]["rules.rout_loss"]["value"] == 0.03
    # by hand: the best point misses by 5 on seed 2 (band 90-110: inside), by 0 on seed 0
    assert res["best"]["0"] == {"score": 0.0, "medians_in_band": 2, "history_in_range": 2,
                                "measured": 2}
    # the start misses by 20 + 10 = 30 on seed 0: 20 beyond the band's edge, in units of
    # the band's width (20): 1 unit, squared; the history (100) is outside the one-value
    # range (130): 30 / 20 = 1.5 units, half squared
    assert res["start"]["0"]["score"] == pytest.approx(1.0 + 0.5 * 1.5 ** 2)
    assert res["start"]["0"]["medians_in_band"] == 1
    assert any("rules.rout_loss put back to 0.03" in line and "does not hold" in line
               for line in logs)


def test_holdout_check_with_nothing_moved_only_scores_the_two_points() -> None:
    from stavka.validation.calibrate import holdout_check

    calls = []

    def evaluate(seed: int, p: dict[str, float]) -> list[Outcome]:
        calls.append(seed)
        return [_num([100])]

    res = holdout_check(evaluate, {"rules.massing_exp": 1.0}, {"rules.massing_exp": 1.0}, [3])
    assert res["revert"] == {} and calls == [3]  # the best is the start: one run


def test_holdout_check_runs_each_point_once() -> None:
    """With one rule moved, putting it back is the start: scored once per seed, reused."""
    from stavka.validation.calibrate import holdout_check

    calls = []

    def evaluate(seed: int, p: dict[str, float]) -> list[Outcome]:
        calls.append((seed, p["rules.massing_exp"]))
        return [_num([100 + 10 * p["rules.massing_exp"]])]

    res = holdout_check(evaluate, {"rules.massing_exp": 2.0}, {"rules.massing_exp": 1.0}, [3, 4])
    assert sorted(calls) == [(3, 1.0), (3, 2.0), (4, 1.0), (4, 2.0)]
    assert res["revert"]["rules.massing_exp"]["tally"] == res["start"]
    assert res["revert"]["rules.massing_exp"]["holds"] is True


@pytest.mark.parametrize("args, message", [
    (["--holdout", "1"], "--holdout 1 is the calibration's own --seed"),
    (["--seed", "4", "--holdout", "4"], "--holdout 4 is the calibration's own --seed"),
    (["--holdout", "0", "--holdout", "0"], "--holdout 0 given twice"),
    (["--holdout", "-1"], "--holdout must be"),
    (["--runs", "800000", "--holdout", "0", "--holdout", "2"],  # 8 evaluations fit; 14 do not
     "--grid, --rounds, --holdout and --runs: up to"),
    ([a for i in range(2, 103) for a in ("--holdout", str(i))], "--holdout given 101 times; at most 100"),
    (["--holdout", "1_000"], "--holdout: '1_000' is not a number as written"),
    (["--holdout=0_1"], "--holdout: '0_1' is not a number as written"),
])
def test_calibrate_bad_holdout_is_one_line_and_exit_2(args: list[str], message: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["calibrate", "campaign", "two-fronts-1941", "--grid", "rules.massing_exp=1,2",
               *args])
    err = capsys.readouterr().err
    assert rc == 2, err
    assert message in err, err
    assert "Traceback" not in err


def test_calibrate_with_holdout_on_a_tiny_scenario_writes_it(tmp_path, capsys) -> None:
    """End to end on t_history: the held-out check runs on the named seed and lands in
    calibration.json and on stdout."""
    import json

    hist = Path(__file__).resolve().parents[1] / "data" / "t_history.yaml"
    rc = main(["calibrate", "campaign", str(hist), "--grid", "rules.ground_speed.mud=0.3,0.6",
               "--runs", "2", "--rounds", "1", "--workers", "1", "--holdout", "5",
               "--out", str(tmp_path)])
    out, err = capsys.readouterr()
    assert rc == 0, err
    doc = json.loads((tmp_path / "calibration.json").read_text())
    printed = json.loads(out)
    assert doc["holdout"] == printed["holdout"]
    h = doc["holdout"]
    assert h["seeds"] == [5] and set(h["start"]) == set(h["best"]) == {"5"}
    moved = {k for k, v in doc["best"].items() if v != doc["evals"][0]["params"][k]}
    assert set(h["revert"]) == moved
    assert "held-out seed 5: start" in err
    # start and best (one point if nothing moved), plus each put-back point that is
    # neither, on the one held-out seed
    assert printed["holdout_evaluations"] == (1 if not moved else 2)


def test_check_holdout_takes_one_seed_or_many() -> None:
    from stavka.errors import InputError
    from stavka.validation.calibrate import check_holdout

    assert check_holdout(5, 1) == [5]
    with pytest.raises(InputError, match=r"--holdout must be an integer \(got '12'\)"):
        check_holdout("12", 1)  # one seed, not the characters of a string
    assert check_holdout([0, 2], 1) == [0, 2]
    assert check_holdout((), 1) == []


def test_the_descent_is_written_before_the_held_out_check(tmp_path, monkeypatch) -> None:
    """A held-out check cut short (Ctrl-C) leaves the descent's result on disk."""
    import json

    import stavka.validation.calibrate as cal

    def interrupted(*a: object, **k: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cal, "holdout_check", interrupted)
    hist = Path(__file__).resolve().parents[1] / "data" / "t_history.yaml"
    with pytest.raises(KeyboardInterrupt):
        cal.calibrate(str(hist), {"rules.ground_speed.mud": [0.3, 0.6]}, runs=2, rounds=1,
                      out=tmp_path, workers=1, holdout=[5])
    doc = json.loads((tmp_path / "calibration.json").read_text())
    assert doc["best"] and "holdout" not in doc and len(doc["evals"]) >= 2


def test_a_result_that_cannot_be_written_goes_to_the_log_first(tmp_path, monkeypatch) -> None:
    import stavka.atomic as atomic
    from stavka.errors import InputError
    from stavka.validation.calibrate import calibrate

    def fail(*a: object, **k: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic, "atomic_write", fail)
    logs: list[str] = []
    hist = Path(__file__).resolve().parents[1] / "data" / "t_history.yaml"
    with pytest.raises(InputError, match="cannot write there"):
        calibrate(str(hist), {"rules.ground_speed.mud": [0.3, 0.6]}, runs=2, rounds=1,
                  out=tmp_path, workers=1, log=logs.append)
    assert any(line.startswith("the descent's best, not written: {\"best\"") for line in logs)


def test_an_interrupted_descent_keeps_every_evaluation_done(tmp_path, monkeypatch) -> None:
    """Ctrl-C in the middle of the descent (a hostile trial: calibrate left OUT empty):
    calibration.json holds every evaluation finished so far, marked as a descent."""
    import json

    import stavka.validation.campaign as campaign

    real = campaign.validate
    calls = []

    def validate(*a: object, **k: object):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*a, **k)

    monkeypatch.setattr(campaign, "validate", validate)
    from stavka.validation.calibrate import calibrate

    hist = Path(__file__).resolve().parents[1] / "data" / "t_history.yaml"
    with pytest.raises(KeyboardInterrupt):
        calibrate(str(hist), {"rules.ground_speed.mud": [0.3, 0.6]}, runs=2, rounds=1,
                  out=tmp_path, workers=1)
    doc = json.loads((tmp_path / "calibration.json").read_text())
    assert doc["stage"] == "descent" and len(doc["evals"]) == 2 and doc["best"]
    # run to the end, the same file says so
    monkeypatch.setattr(campaign, "validate", real)
    calibrate(str(hist), {"rules.ground_speed.mud": [0.3, 0.6]}, runs=2, rounds=1,
              out=tmp_path, workers=1)
    doc = json.loads((tmp_path / "calibration.json").read_text())
    assert doc["stage"] == "done" and len(doc["evals"]) == 3
