"""Every count the public API takes (days, runs, a seed, a batch size, workers, rounds)
is a whole number: an int, not a bool, a float, NaN or a string, else one clear
:class:`InputError` (issue: ``Campaign.run(days=1.5)`` raised TypeError, ``"2"`` and
``True`` ran)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from stavka.api import Campaign, simulate
from stavka.errors import InputError, check_count
from stavka.scenario.loader import load_file
from stavka.sweep.core import sweep
from stavka.validation.calibrate import check_work

DATA = Path(__file__).resolve().parent / "data"
NOT_INTS = [1.5, float("nan"), float("inf"), 2.0, "2", True, False, None, [1], np.float64(3)]


def _mini() -> Campaign:
    return Campaign(load_file(DATA / "mini.yaml"), seed=0)


@pytest.mark.parametrize("bad", NOT_INTS)
def test_check_count_takes_only_ints(bad: object) -> None:
    with pytest.raises(InputError, match=r"^n must be an integer \(got "):
        check_count("n", bad)


def test_check_count_range() -> None:
    assert check_count("n", 0) == 0 and check_count("n", np.int64(7)) == 7
    with pytest.raises(InputError, match=re.escape("n must be >= 0 (got -1)")):
        check_count("n", -1)
    with pytest.raises(InputError, match=re.escape("n must be <= 10 (got 11)")):
        check_count("n", 11, 0, 10)
    with pytest.raises(InputError, match="n must be <= 10 .got an integer of"):
        check_count("n", 10**5000, 0, 10)


@pytest.mark.parametrize("bad", [b for b in NOT_INTS if b is not None] + [-1])
def test_campaign_run_days(bad: object) -> None:
    c = _mini()
    with pytest.raises(InputError, match=r"^days must be (an integer|>= 0)"):
        c.run(days=bad)  # type: ignore[arg-type]
    assert c.day == 0  # nothing ran
    with pytest.raises(InputError, match=r"^days must be"):
        simulate(load_file(DATA / "mini.yaml"), days=bad)  # type: ignore[arg-type]


def test_campaign_run_good_days_and_progress() -> None:
    c = _mini()
    assert c.run(days=0).day == 0 and c.run(days=np.int32(2)).day == 2
    with pytest.raises(InputError, match="progress must be a function"):
        c.run(1, progress=5)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [1.5, "3", True, -1, float("nan")])
def test_campaign_seed(bad: object) -> None:
    with pytest.raises(InputError, match=r"^seed must be"):
        Campaign(load_file(DATA / "mini.yaml"), seed=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(("kw", "what"), [
    ({"runs": 1.5}, "--runs must be an integer"), ({"runs": True}, "--runs must be an integer"),
    ({"runs": "2"}, "--runs must be an integer"), ({"runs": 0}, "--runs must be >= 1"),
    ({"days": 2.5}, "--days must be an integer"), ({"seed": float("nan")}, "--seed must be an"),
    ({"batch_size": 1.0}, "--batch-size must be an integer"),
    ({"workers": "2"}, "--workers must be an integer"),
])
def test_sweep_counts(kw: dict[str, object], what: str) -> None:
    args = {"runs": 1, **kw}
    runs = args.pop("runs")
    with pytest.raises(InputError, match=re.escape(what)):
        sweep(load_file(DATA / "mini.yaml"), runs, backend="serial", **args)  # type: ignore


@pytest.mark.parametrize(("runs", "rounds", "what"), [
    (1.5, 2, "--runs must be an integer"), (4, 2.0, "--rounds must be an integer"),
    (4, 0, "--rounds must be >= 1"), (True, 2, "--runs must be an integer")])
def test_calibration_counts(runs: object, rounds: object, what: str) -> None:
    with pytest.raises(InputError, match=re.escape(what)):
        check_work({"rules.truck_range_km": [100.0]}, runs, rounds)  # type: ignore[arg-type]
