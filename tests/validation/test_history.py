"""The daily history (``sweep --record daily``) on a tiny scenario known by hand.

tests/data/t_history.yaml: ``town`` is Soviet, German from day 3 (1941-10-04) and
Soviet again from day 9 (1941-10-10); 10,000 Soviet men in ``pocket`` are cut off from
day 0 and surrender. Regions lie 0.1 degree of latitude apart on one meridian.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import math
from pathlib import Path

import numpy as np
import pytest

from stavka.engine.core import compile_world, step
from stavka.engine.rng import Streams
from stavka.enums import CAUSES
from stavka.scenario.loader import load_file
from stavka.sweep import sweep
from stavka.sweep.batch import run_batch
from stavka.validation.history import DailyRecorder, History, Meta, front_columns, split_daily
from stavka.validation.metrics import REGISTRY

DATA = Path(__file__).resolve().parents[1] / "data"

SOV, GER = 0, 1
TOWN = 3
KM_PER_TENTH = 2 * math.pi * 6371.0 / 3600  # 0.1 degree of a great circle: 11.12 km


@pytest.fixture(scope="module")
def loaded():
    return load_file(DATA / "t_history.yaml")


@pytest.fixture(scope="module")
def batch(loaded):
    return run_batch(loaded, None, seed=0, first=5, count=3, record="daily")


@pytest.fixture(scope="module")
def hist(loaded, batch):
    w = compile_world(loaded.spec, None, replicas=1)
    daily = split_daily(dict(batch))
    assert daily is not None
    return History.from_batches(Meta.of(w.static), [(5, daily)], w.state.owner[0],
                                w.state.at_war[0])


def measure(h, name, **args):
    m = REGISTRY[name]
    return m.fn(h, m.args.model_validate(args))


def test_owner_changes_are_logged_with_their_day(batch):
    ev = batch["daily.owners"]
    want = [[r, 3, TOWN, SOV, GER] for r in (5, 6, 7)] + [[r, 9, TOWN, GER, SOV] for r in (5, 6, 7)]
    assert sorted(ev.tolist()) == sorted(want)
    assert batch["daily.wars"].shape == (0, 5)  # at war from the start, and stays so


def test_recording_changes_no_run(loaded, batch):
    plain = run_batch(loaded, None, seed=0, first=5, count=3)
    assert set(plain) == {k for k in batch if not k.startswith("daily.")}
    for k, v in plain.items():
        assert np.array_equal(v, batch[k]), k


def test_recording_leaves_the_state_alone(loaded):
    digests = []
    for rec in (False, True):
        w = compile_world(loaded.spec, None, replicas=2)
        rng = Streams.from_seed(3, 2)
        r = DailyRecorder(w.static, w.state, 0, 12) if rec else None
        for _ in range(12):
            step(w, (), rng, record=False)
            if r is not None:
                r.record(w.state, np.arange(2))
        digests.append([w.state.digest(i) for i in range(2)])
    assert digests[0] == digests[1]


def test_series_per_side_and_front(batch):
    f = batch["daily.fronts"]  # [run, day, side, front, column]
    cols = front_columns()
    assert f.shape == (3, 20, 2, 1, len(cols))
    c = {n: i for i, n in enumerate(cols)}
    assert (f[:, :, GER, 0, c["men"]] == 10_000).all()  # ger_a never fights
    sov = f[:, :, SOV, 0]
    lost = sum(sov[..., c[f"lost_men_{k}"]] for k in CAUSES)
    # nothing enters or leaves play: men on the front plus men lost is everyone
    assert (np.abs(sov[..., c["men"]] + lost - 20_000) <= 1).all()
    # day 0: the pocket is encircled; its men are all there but the first day's hunger
    assert sov[0, 0, c["encircled_men"]] + sov[0, 0, c["lost_men_attrition"]] == 10_000
    assert sov[0, 0, c["encircled_men"]] > 9_000
    assert (sov[:, -1, c["encircled_men"]] == 0).all()  # gone: surrendered


def test_pocket_surrenders_whole(hist):
    cap = hist.series(SOV, None, "lost_men_captured")
    att = hist.series(SOV, None, "lost_men_attrition")
    day = int(np.argmax(cap[0] > 0))  # the day the pocket gave up
    assert 0 < day < 19
    start = dt.date(1941, 10, 1)
    before = measure(hist, "prisoners", side="soviet", by=start + dt.timedelta(days=day - 1))
    on = measure(hist, "prisoners", side="soviet", by=start + dt.timedelta(days=day))
    assert before.tolist() == [0, 0, 0]
    # every man of the pocket is a prisoner or died of hunger first: 10,000 in all
    assert (np.abs(on + att[:, day] - 10_000) <= 1).all() and (on > 9_000).all()
    assert measure(hist, "prisoners", side="soviet", by=start + dt.timedelta(days=day),
                   **{"from": start + dt.timedelta(days=day)}).tolist() == on.tolist()
    total = measure(hist, "losses", side="soviet", category="men", to=dt.date(1941, 10, 20))
    assert (np.abs(total - 10_000) <= 1).all()
    assert measure(hist, "losses", side="germany", to=dt.date(1941, 10, 20)).tolist() == [0] * 3


def test_owner_and_capture_metrics(hist):
    d = dt.date
    assert measure(hist, "capture_date", region="town").tolist() == [3, 3, 3]
    assert measure(hist, "capture_date", region="town", by="germany").tolist() == [3, 3, 3]
    assert measure(hist, "capture_date", region="town", by="soviet").tolist() == [9, 9, 9]
    assert np.isinf(measure(hist, "capture_date", region="sbase")).all()
    for day, side in ((d(1941, 10, 3), "soviet"), (d(1941, 10, 4), "germany"),
                      (d(1941, 10, 9), "germany"), (d(1941, 10, 10), "soviet")):
        assert measure(hist, "owner", region="town", side=side, on=day).tolist() == [1, 1, 1]
    held = {"region": "town", "side": "soviet", "from": d(1941, 10, 1)}
    assert measure(hist, "held_throughout", **held, to=d(1941, 10, 3)).tolist() == [1] * 3
    assert measure(hist, "held_throughout", **held, to=d(1941, 10, 4)).tolist() == [0] * 3
    assert measure(hist, "at_war", a="germany", b="soviet", on=d(1941, 10, 20)).tolist() == [1] * 3


def test_distance_on_the_toy_map(hist):
    d = dt.date
    km = {on: measure(hist, "distance", place="sbase", side="germany", on=on)
          for on in (d(1941, 10, 3), d(1941, 10, 4), d(1941, 10, 9), d(1941, 10, 10))}
    # gbase is 0.2 degree from sbase; town, German on days 3-8, is 0.1
    assert km[d(1941, 10, 3)] == pytest.approx([2 * KM_PER_TENTH] * 3)
    assert km[d(1941, 10, 4)] == pytest.approx([KM_PER_TENTH] * 3)
    assert km[d(1941, 10, 9)] == pytest.approx([KM_PER_TENTH] * 3)
    assert km[d(1941, 10, 10)] == pytest.approx([2 * KM_PER_TENTH] * 3)
    period = {"place": "sbase", "side": "germany"}
    assert measure(hist, "min_distance", **period, **{"from": d(1941, 10, 1)},
                   to=d(1941, 10, 20)) == pytest.approx([KM_PER_TENTH] * 3)
    assert measure(hist, "min_distance", **period, **{"from": d(1941, 10, 10)},
                   to=d(1941, 10, 20)) == pytest.approx([2 * KM_PER_TENTH] * 3)
    # from a German region, the nearest Soviet one: pocket, 0.1 degree south of gring
    assert measure(hist, "distance", place="gring", side="soviet",
                   on=d(1941, 10, 1)) == pytest.approx([KM_PER_TENTH] * 3)


def test_strength_metric(hist):
    on = dt.date(1941, 10, 20)
    assert measure(hist, "strength", side="germany", on=on).tolist() == [10_000] * 3
    assert measure(hist, "strength", side="soviet", front="west", on=on).tolist() == [10_000] * 3


def test_strength_ratio_metric(hist):
    d0, d1 = dt.date(1941, 10, 1), dt.date(1941, 10, 20)
    for side in ("soviet", "germany"):
        a = measure(hist, "strength", side=side, on=d0)
        b = measure(hist, "strength", side=side, on=d1)
        got = measure(hist, "strength_ratio", side=side, on=d1, **{"from": d0})
        assert got.tolist() == (b / a).tolist()
    # by the end of 1 Oct the starving pocket is down to 9,950 (0.5 % a day); by 20 Oct
    # it has surrendered and the Soviet side has its other 10,000; Germany keeps all
    assert measure(hist, "strength_ratio", side="soviet", on=d1,
                   **{"from": d0}).tolist() == pytest.approx([10_000 / 19_950] * 3)
    assert measure(hist, "strength_ratio", side="germany", on=d1,
                   **{"from": d0}).tolist() == [1.0] * 3


def test_sweep_writes_the_daily_files(loaded, tmp_path):
    out = tmp_path / "sw"
    res = sweep(loaded, 4, seed=1, out=out, backend="serial", batch_size=3, plots=False,
                record="daily", keep_daily=True)
    files = sorted(p.name for p in (out / "daily").iterdir())
    assert files == ["c00000-r00000000-n3.fronts.csv.gz", "c00000-r00000000-n3.owners.csv.gz",
                     "c00000-r00000000-n3.wars.csv.gz", "c00000-r00000003-n1.fronts.csv.gz",
                     "c00000-r00000003-n1.owners.csv.gz", "c00000-r00000003-n1.wars.csv.gz",
                     "index.csv"]
    with gzip.open(out / "daily" / "c00000-r00000003-n1.owners.csv.gz", "rt") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["replica"], r["day"], r["date"], r["region"], r["from_side"], r["to_side"])
            for r in rows] == [("3", "3", "1941-10-04", "town", "soviet", "germany"),
                               ("3", "9", "1941-10-10", "town", "germany", "soviet")]
    with gzip.open(out / "daily" / "c00000-r00000000-n3.fronts.csv.gz", "rt") as fh:
        fr = list(csv.DictReader(fh))
    assert len(fr) == 3 * 20 * 2  # runs x days x (side, front) pairs in play
    assert fr[0]["date"] == "1941-10-01" and fr[0]["side"] == "soviet"
    assert set(fr[0]) >= {f"lost_{c}_{k}" for c in ("men", "tanks") for k in CAUSES}
    with open(out / "daily" / "index.csv") as fh:
        idx = list(csv.DictReader(fh))
    assert [(r["first_replica"], r["count"]) for r in idx] == [("0", "3"), ("3", "1")]
    # a second run resumes: the stored batches' history is read back, the same
    again = sweep(loaded, 4, seed=1, out=out, backend="serial", batch_size=3, plots=False,
                  record="daily", keep_daily=True)
    assert again.batches_run == 0
    for (f1, a1), (f2, a2) in zip(res.daily[0], again.daily[0], strict=True):
        assert f1 == f2
        for k in ("fronts", "last_day", "owners", "wars"):
            assert np.array_equal(a1[k], a2[k]), k
    # recording is part of the sweep's identity; without it, the runs are the same
    plain = sweep(loaded, 4, seed=1, backend="serial", plots=False)
    for k, v in plain.runs.items():
        assert np.array_equal(v, res.runs[k]), k
    assert "record" not in plain.summary.get("fingerprint", {})


def _daily_files(out):
    """{folder: sorted batch stems} of daily/ and daily/unused/."""
    got = {}
    for d in (out / "daily", out / "daily" / "unused"):
        got[d.name] = sorted({p.name.split(".")[0] for p in d.glob("c*.csv.gz")})
    return got


def _index(out):
    with open(out / "daily" / "index.csv") as fh:
        return [(r["first_replica"], r["count"]) for r in csv.DictReader(fh)]


def test_fewer_runs_leave_exactly_their_history_in_daily(loaded, tmp_path):
    # daily/ holds this sweep's runs and no others, as runs.csv does: a stored batch
    # reaching beyond --runs runs again short and its files are set aside, never deleted
    out = tmp_path / "sw"
    full = sweep(loaded, 4, seed=1, out=out, backend="serial", batch_size=4, plots=False,
                 record="daily", keep_daily=True)
    res = sweep(loaded, 3, seed=1, out=out, backend="serial", batch_size=4, plots=False,
                record="daily", keep_daily=True)
    assert (res.batches_run, res.batches_reused) == (1, 0)
    assert _daily_files(out) == {"daily": ["c00000-r00000000-n3"],
                                 "unused": ["c00000-r00000000-n4"]}
    assert _index(out) == [("0", "3")]
    [(first, a)] = res.daily[0]
    assert first == 0 and len(a["last_day"]) == 3 and a["fronts"].shape[0] == 3
    assert sorted(set(a["owners"][:, 0].tolist())) == [0, 1, 2]
    [(_, b)] = full.daily[0]
    assert np.array_equal(a["fronts"], b["fronts"][:3])  # the same runs, recomputed
    with gzip.open(out / "daily" / "c00000-r00000000-n3.owners.csv.gz", "rt") as fh:
        assert {r["replica"] for r in csv.DictReader(fh)} <= {"0", "1", "2"}
    # growing back takes the set-aside batch again (no run) and sets the short one aside
    again = sweep(loaded, 4, seed=1, out=out, backend="serial", batch_size=4, plots=False,
                  record="daily")
    assert (again.batches_run, again.batches_reused) == (0, 1)
    assert _daily_files(out) == {"daily": ["c00000-r00000000-n4"],
                                 "unused": ["c00000-r00000000-n3"]}
    assert _index(out) == [("0", "4")]
    for k, v in full.runs.items():
        assert np.array_equal(v, again.runs[k]), k


def test_overlapping_stored_batches_are_used_once(loaded, tmp_path):
    # folders resumed at other sizes hold overlapping batches: each replica's history
    # is listed once, from the longest batch at the lowest start
    out = tmp_path / "sw"
    sweep(loaded, 4, seed=1, out=out, backend="serial", batch_size=4, plots=False,
          record="daily")
    sweep(loaded, 2, seed=1, out=out, backend="serial", batch_size=1, plots=False,
          record="daily")
    assert _daily_files(out)["daily"] == ["c00000-r00000000-n1", "c00000-r00000001-n1"]
    res = sweep(loaded, 4, seed=1, out=out, backend="serial", batch_size=1, plots=False,
                record="daily")
    assert (res.batches_run, res.batches_reused) == (0, 1)
    assert _index(out) == [("0", "4")]
    assert _daily_files(out)["unused"] == ["c00000-r00000000-n1", "c00000-r00000001-n1"]


def test_fewer_runs_without_the_history_count_only_the_batches_used(loaded, tmp_path):
    out = tmp_path / "sw"
    sweep(loaded, 4, seed=1, out=out, backend="serial", batch_size=2, plots=False)
    res = sweep(loaded, 2, seed=1, out=out, backend="serial", plots=False)
    assert (res.batches_run, res.batches_reused) == (0, 1)
    assert len(res.runs["run_id"]) == 2


def test_recording_changes_no_flagship_run():
    import stavka

    flagship = stavka.load("two-fronts-1941")
    plain = run_batch(flagship, None, seed=4, first=2, count=3, days=15)
    rec = run_batch(flagship, None, seed=4, first=2, count=3, days=15, record="daily")
    for k, v in plain.items():
        assert np.array_equal(v, rec[k]), k
    assert rec["daily.fronts"].shape[:2] == (3, 15)


def test_a_damaged_daily_file_is_set_aside_and_its_batch_runs_again(loaded, tmp_path):
    # a hostile trial truncated a stored batch's fronts file: the sweep reused it (and
    # validate died on click's "aborted", exit 130). Now it is kept as .discarded, said,
    # and its runs run again, with the same history
    out = tmp_path / "sw"
    first = sweep(loaded, 4, seed=1, out=out, backend="serial", batch_size=2, plots=False,
                  record="daily", keep_daily=True)
    bad = out / "daily" / "c00000-r00000002-n2.fronts.csv.gz"
    good = bad.read_bytes()
    bad.write_bytes(good[:50])
    said: list[str] = []
    again = sweep(loaded, 4, seed=1, out=out, backend="serial", batch_size=2, plots=False,
                  record="daily", keep_daily=True, on_warning=said.append)
    assert (again.batches_run, again.batches_reused) == (1, 1)
    assert len(said) == 1 and "damaged" in said[0] and bad.name in said[0]
    assert (out / "daily" / (bad.name + ".discarded")).read_bytes() == good[:50]
    assert bad.read_bytes() == good  # written again, the same bytes
    for (f1, a1), (f2, a2) in zip(first.daily[0], again.daily[0], strict=True):
        assert f1 == f2 and np.array_equal(a1["fronts"], a2["fronts"])
