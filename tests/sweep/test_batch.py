"""A sweep's unit of work: a batch of replicas gives the same rows whatever the batch."""

from __future__ import annotations

import numpy as np
import pytest

import stavka
from stavka.sweep.batch import flag_names, metric_names, run_batch


@pytest.fixture(scope="module")
def flagship():
    return stavka.load("two-fronts-1941")


@pytest.fixture(scope="module")
def whole(flagship):
    return run_batch(flagship, None, seed=2, first=0, count=12)


def test_rows_do_not_depend_on_the_batch(flagship, whole):
    # Whole campaigns, so replicas end by sudden death on different days and
    # some surrender while their batch-mates do not: none of it may leak.
    assert len(set(whole["days"].tolist())) > 1, "want replicas ending on different days"
    for first, count in ((0, 1), (1, 4), (5, 7)):
        part = run_batch(flagship, None, seed=2, first=first, count=count)
        for k, v in part.items():
            assert np.array_equal(v, whole[k][first:first + count]), k


def test_columns(flagship, whole):
    assert list(whole)[:2] == ["replica", "key"]
    assert list(whole)[2:] == metric_names(flagship)
    for f in flag_names(flagship):
        assert whole[f].dtype == bool
    # a replica that fell to sudden death ended that day and lost Moscow
    sd = whole["sudden_death"]
    assert (whole["days"][sd] < 100).all()
    assert not whole["moscow_holds"][sd].any()
    assert (whole["winner"][sd] == "germany").all()
    assert (whole["winner"][~sd] == "").all()


def test_seed_and_params_matter(flagship, whole):
    other = run_batch(flagship, None, seed=3, first=0, count=12)
    assert not np.array_equal(other["key"], whole["key"])
    short = run_batch(flagship, {"transfer_divisions": 0}, seed=2, first=0, count=2, days=20)
    assert (short["days"] == 20).all()


def test_bad_count(flagship):
    with pytest.raises(ValueError, match="count"):
        run_batch(flagship, None, seed=2, first=0, count=0)
