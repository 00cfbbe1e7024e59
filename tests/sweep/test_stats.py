"""Sweep statistics: Wilson intervals, seeded bootstrap, sensitivity."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps

from stavka.sweep import stats as stats_mod
from stavka.sweep.grid import Grid
from stavka.sweep.stats import (
    _BOOT_SALT,
    N_BOOT,
    bootstrap_mean_ci,
    marginal_means,
    num,
    src,
    wilson,
)
from stavka.sweep.summary import sensitivity


@pytest.mark.parametrize(("k", "n"), [(0, 10), (3, 10), (10, 10), (512, 1000), (1, 20000)])
def test_wilson_matches_scipy(k, n):
    lo, hi = wilson(np.array(k), n)
    ref = sps.binomtest(k, n).proportion_ci(0.95, method="wilson")
    assert lo == pytest.approx(ref.low, abs=1e-9)
    assert hi == pytest.approx(ref.high, abs=1e-9)


def test_wilson_vectorised():
    k = np.array([[0, 5], [10, 7]])
    lo, hi = wilson(k, 10)
    assert lo.shape == hi.shape == (2, 2)
    assert (lo <= k / 10).all() and (k / 10 <= hi).all()
    assert lo[0, 0] == 0.0 and hi[1, 0] == 1.0


@pytest.mark.parametrize(("k", "n", "lo", "hi"), [
    # Newcombe (1998), Statistics in Medicine 17:857-872, Table II, method 3 (score)
    (81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718),
])
def test_wilson_textbook_values(k, n, lo, hi):
    got_lo, got_hi = wilson(np.array(k), n)
    assert round(float(got_lo), 4) == lo and round(float(got_hi), 4) == hi


def test_wilson_takes_counts_as_floats_and_broadcasts_n():
    lo, hi = wilson(np.array([81.0, 15.0]), np.array([263, 148]))
    lo1, hi1 = wilson(np.array(81), 263)
    assert lo[0] == lo1 and hi[0] == hi1 and lo.shape == (2,)


def test_bootstrap_is_seeded_and_covers_the_normal_interval():
    rng = np.random.default_rng(1)
    x = rng.normal(10.0, 2.0, size=(2000, 2))
    x[:, 1] *= 0  # a constant column has a zero-width interval
    lo, hi = bootstrap_mean_ci(x, seed=5)
    lo2, hi2 = bootstrap_mean_ci(x, seed=5)
    assert np.array_equal(lo, lo2) and np.array_equal(hi, hi2)
    lo3, _ = bootstrap_mean_ci(x, seed=6)
    assert lo3[0] != lo[0]
    half = 1.96 * x[:, 0].std(ddof=1) / np.sqrt(len(x))
    m = x[:, 0].mean()
    assert lo[0] < m < hi[0]
    assert (hi[0] - lo[0]) / 2 == pytest.approx(half, rel=0.12)
    assert lo[1] == hi[1] == 0.0


def test_bootstrap_per_combination_matches_one_at_a_time():
    rng = np.random.default_rng(2)
    x = rng.exponential(size=(3, 50, 4))
    lo, hi = bootstrap_mean_ci(x, seed=1)
    assert lo.shape == (3, 4)
    for c in range(3):  # the same resamples for every combination
        lo1, hi1 = bootstrap_mean_ci(x[c], seed=1)
        assert np.allclose(lo1, lo[c]) and np.allclose(hi1, hi[c])


def test_bootstrap_is_scipys_with_a_seeded_generator():
    rng = np.random.default_rng(7)
    x = rng.gamma(2.0, size=(40, 1))
    lo, hi = bootstrap_mean_ci(x, seed=11)
    ref = sps.bootstrap((x[:, 0],), np.mean, n_resamples=N_BOOT, method="percentile",
                        rng=np.random.default_rng([11, _BOOT_SALT]))
    assert lo[0] == ref.confidence_interval.low and hi[0] == ref.confidence_interval.high


def test_bootstrap_equals_the_hand_written_one_it_replaced():
    # stavka's own bootstrap before scipy: the same generator and draws (chunks of 100
    # resamples of n run indices), means from resample counts, np.percentile (linear)
    x = np.random.default_rng(9).lognormal(size=(2, 300, 3))
    gen = np.random.default_rng([4, _BOOT_SALT])
    idx = np.concatenate([gen.integers(0, 300, size=(100, 300)) for _ in range(10)])
    counts = np.stack([np.bincount(row, minlength=300) for row in idx]).astype(float)
    means = np.einsum("bn,cnm->bcm", counts, x) / 300
    ref_lo, ref_hi = np.percentile(means, [2.5, 97.5], axis=0)
    lo, hi = bootstrap_mean_ci(x, seed=4)
    assert np.allclose(lo, ref_lo, rtol=1e-12) and np.allclose(hi, ref_hi, rtol=1e-12)


def test_bootstrap_of_a_proportion_gives_the_binomial_quantiles():
    # Textbook: resampling n runs of which k are 1 makes the resampled mean
    # Binomial(n, k/n) / n, so the percentile interval is its 2.5 % and 97.5 %
    # quantiles: 21 and 39 of 100 for k = 30.
    x = np.r_[np.ones(30), np.zeros(70)][:, None]
    assert sps.binom.ppf([0.025, 0.975], 100, 0.3).tolist() == [21, 39]
    lo, hi = bootstrap_mean_ci(x, seed=3, n_boot=20000)
    assert (lo[0], hi[0]) == (pytest.approx(0.21), pytest.approx(0.39))


def test_bootstrap_does_not_depend_on_its_memory_budget(monkeypatch):
    x = np.random.default_rng(8).normal(size=(3, 60, 5))
    lo, hi = bootstrap_mean_ci(x, seed=2)
    monkeypatch.setattr(stats_mod, "_MAX_RESAMPLED", 1000)  # one resample per batch
    lo2, hi2 = bootstrap_mean_ci(x, seed=2)
    assert np.array_equal(lo, lo2) and np.array_equal(hi, hi2)


def test_bootstrap_of_one_run_is_that_run():
    x = np.array([[[1.0, 2.0]], [[3.0, 4.0]]])  # [C=2, n=1, m=2]
    lo, hi = bootstrap_mean_ci(x, seed=1)
    assert lo.tolist() == hi.tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_marginal_means_average_other_parameters():
    # 2 x 3 grid, outcome = 10*a + b
    a, b = np.meshgrid([0, 1], [0, 1, 2], indexing="ij")
    means = (10 * a + b).reshape(6, 1).astype(float)
    assert marginal_means(means, [2, 3], 0)[:, 0].tolist() == [1.0, 11.0]
    assert marginal_means(means, [2, 3], 1)[:, 0].tolist() == [5.0, 6.0, 7.0]
    assert marginal_means(means, [6], 0)[:, 0].tolist() == means[:, 0].tolist()


def test_src_is_the_correlation():
    rng = np.random.default_rng(3)
    x = rng.normal(size=500)
    y = np.stack([2 * x + rng.normal(size=500), np.ones(500), -x], axis=1)
    s = src(x, y)
    assert s[0] == pytest.approx(np.corrcoef(x, y[:, 0])[0, 1])
    assert np.isnan(s[1])
    assert s[2] == pytest.approx(-1.0)


def test_sensitivity_finds_the_parameter_that_matters():
    grid = Grid(("a", "b"), ((0, 5, 10), (1, 2)))
    C, N = grid.size, 400
    combo = np.repeat(np.arange(C), N)
    ia, ib = np.unravel_index(combo, [3, 2])
    rng = np.random.default_rng(4)
    a = np.array(grid.values[0])[ia]
    y_flag = rng.random(C * N) < 0.1 + 0.06 * a  # driven by a only
    y_num = 100.0 * np.array(grid.values[1])[ib] + rng.normal(size=C * N)  # by b only
    Y = np.stack([y_flag, y_num], axis=1).astype(float)
    means = Y.reshape(C, N, 2).mean(axis=1)
    out = sensitivity(grid, combo, means, Y, [("flag", "probability"), ("x", "mean")])
    assert out["flag"]["most"] == "a" and out["x"]["most"] == "b"
    assert out["flag"]["parameters"]["a"]["range"] == pytest.approx(0.6, abs=0.1)
    assert out["flag"]["parameters"]["a"]["highest_at"] == 10
    assert out["x"]["parameters"]["b"]["range"] == pytest.approx(100, abs=1)
    assert out["x"]["parameters"]["b"]["src"] > 0.99
    assert abs(out["x"]["parameters"]["a"]["src"]) < 0.05
    assert [v for v, _ in out["x"]["parameters"]["a"]["marginal"]] == [0, 5, 10]


def test_num():
    assert num(float("nan")) is None and num(None) is None
    assert num(1 / 3) == 0.3333333333
    assert num(np.float64(2.0)) == 2.0


def test_a_flat_outcome_has_no_lowest_or_highest_value():
    grid = Grid(("a",), ((1, 2),))
    combo = np.repeat(np.arange(2), 10)
    Y = np.stack([np.ones(20), np.arange(20.0) % 10], axis=1)  # flat; same in both
    means = Y.reshape(2, 10, 2).mean(axis=1)
    out = sensitivity(grid, combo, means, Y, [("flat", "probability"), ("same", "mean")])
    for o in ("flat", "same"):
        p = out[o]["parameters"]["a"]
        assert out[o]["most"] is None and p["range"] == 0.0
        assert p["lowest_at"] is None and p["highest_at"] is None
    assert out["flat"]["parameters"]["a"]["src"] is None  # no spread in the outcome
    assert out["same"]["parameters"]["a"]["src"] == 0.0  # exactly uncorrelated, not 1e-17


def test_bootstrap_leaves_out_whole_number_constants_and_nothing_else_moves():
    # columns 1 (zeros) and 3 (31 in every run) resample to themselves and are left out;
    # column 5 (0.1 everywhere: its mean of n copies need not be exactly 0.1) is resampled
    # like the rest; every resampled column is bit for bit scipy's on the whole matrix
    x = np.random.default_rng(5).normal(size=(2, 200, 6)) * 100
    x[:, :, 1], x[:, :, 3], x[:, :, 5] = 0.0, 31.0, 0.1
    lo, hi = bootstrap_mean_ci(x, seed=6)
    assert lo[:, 1].tolist() == hi[:, 1].tolist() == [0.0, 0.0]
    assert lo[:, 3].tolist() == hi[:, 3].tolist() == [31.0, 31.0]
    ref = sps.bootstrap((x,), np.mean, n_resamples=N_BOOT, vectorized=True, axis=1,
                        method="percentile", rng=np.random.default_rng([6, _BOOT_SALT]))
    keep = [0, 2, 4, 5]
    assert np.array_equal(lo[:, keep], ref.confidence_interval.low[:, keep])
    assert np.array_equal(hi[:, keep], ref.confidence_interval.high[:, keep])
