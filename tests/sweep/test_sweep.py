"""Whole sweeps: identical results across backends and batch sizes, resume, retry, outputs."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

import stavka
from stavka.engine.rng import replica_keys
from stavka.sweep import SweepError, sweep
from stavka.sweep import runner as runner_mod
from stavka.sweep.batch import metric_names
from stavka.sweep.runner import CRASH_ONCE_ENV, FAIL_ONCE_ENV, HANG_ONCE_ENV, STOP_ONCE_ENV

MINI = Path(__file__).resolve().parents[1] / "data" / "mini.yaml"
VARY = {"transfer_divisions": "0..2"}
RUNS = 7
DAYS = 12


@pytest.fixture(scope="module")
def mini():
    return stavka.load(MINI)


def _run(mini, out, **kw):
    args = {"vary": VARY, "days": DAYS, "seed": 3, "backend": "serial", "out": out,
            "plots": False}
    args.update(kw)
    return sweep(mini, RUNS, **args)


def _files(out: Path) -> tuple[bytes, bytes]:
    return (out / "runs.csv").read_bytes(), (out / "summary.json").read_bytes()


@pytest.fixture(scope="module")
def reference(mini, tmp_path_factory):
    out = tmp_path_factory.mktemp("ref")
    res = _run(mini, out, batch_size=RUNS, plots=True)
    return res, _files(out)


def test_runs_table_and_common_random_numbers(mini, reference):
    res, (runs_csv, _) = reference
    t = res.runs
    n = 3 * RUNS
    assert list(t)[:6] == ["run_id", "combo", "transfer_divisions", "seed", "replica", "key"]
    assert list(t)[6:] == metric_names(mini)
    assert all(len(v) == n for v in t.values())
    assert t["run_id"].tolist() == list(range(n))
    assert t["transfer_divisions"].tolist() == [0] * RUNS + [1] * RUNS + [2] * RUNS
    # replica i uses the same key in every combination: replica i of the master seed
    assert np.array_equal(t["key"], np.tile(replica_keys(3, RUNS), 3))
    assert (t["days"] == DAYS).all()
    rows = list(csv.reader(io.StringIO(runs_csv.decode())))
    assert rows[0] == list(t)
    assert len(rows) == n + 1
    assert rows[1][list(t).index("moscow_holds")] in ("0", "1")
    # the lever works: Japan attacks only when both divisions leave
    assert t["japan_attacks"][t["transfer_divisions"] == 2].all()
    assert not t["japan_attacks"][t["transfer_divisions"] == 0].any()


def test_summary_and_side_files(reference, tmp_path):
    res, (_, summary_json) = reference
    out = res.out
    s = json.loads(summary_json)
    assert s == res.summary
    assert s["combinations"] == 3 and s["total_runs"] == 3 * RUNS
    r2 = s["results"][2]
    assert r2["params"] == {"transfer_divisions": 2}
    assert r2["flags"]["japan_attacks"] == {"p": 1.0, "lo": pytest.approx(0.6457, abs=1e-3),
                                            "hi": 1.0, "count": RUNS}
    m = r2["metrics"]["loss_soviet_men"]
    assert m["lo"] <= m["mean"] <= m["hi"]
    assert sum(r2["winner"].values()) == RUNS
    assert s["sensitivity"]["japan_attacks"]["most"] == "transfer_divisions"
    assert s["sensitivity"]["japan_attacks"]["parameters"]["transfer_divisions"]["range"] == 1.0
    sens = list(csv.DictReader((out / "sensitivity.csv").open()))
    row = next(r for r in sens if r["outcome"] == "japan_attacks")
    assert row["parameter"] == "transfer_divisions" and float(row["range"]) == 1.0
    report = (out / "report.md").read_text()
    assert "Common random numbers" in report and "plots/p_vs_transfer_divisions.png" in report
    for png in ("p_vs_transfer_divisions.png", "histograms.png"):
        assert (out / "plots" / png).read_bytes()[:4] == b"\x89PNG"
    assert json.loads((out / "timing.json").read_text())["batches_run"] == 3
    assert "wall" not in summary_json.decode()


@pytest.mark.parametrize("batch", [1, 3])
def test_same_results_whatever_the_batch_size(mini, reference, tmp_path, batch):
    res = _run(mini, tmp_path, batch_size=batch)
    assert res.batches_run == 3 * -(-RUNS // batch)
    assert _files(tmp_path) == reference[1]


def test_same_results_on_processes(mini, reference, tmp_path):
    _run(mini, tmp_path, backend="process", workers=2, batch_size=2)
    assert _files(tmp_path) == reference[1]


def test_same_results_on_dask(mini, reference, tmp_path):
    res = _run(mini, tmp_path, backend="dask", workers=2, batch_size=4)
    assert res.timing["backend"] == "dask"
    assert _files(tmp_path) == reference[1]


def test_dask_scheduler_address_with_a_failing_batch(mini, reference, tmp_path, monkeypatch):
    from distributed import LocalCluster

    marker = tmp_path / "failed-once"
    monkeypatch.setenv(FAIL_ONCE_ENV, str(marker))  # before the workers start: they inherit it
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster:
        res = _run(mini, tmp_path / "out", backend="dask", cluster=cluster.scheduler_address,
                   batch_size=3, workers=1)
        assert len(cluster.workers) == 2  # the sweep leaves a cluster it did not start alone
    assert res.timing["slots"] == 2  # the cluster's threads, not --workers
    assert marker.exists() and res.timing["retries"] == 1
    assert _files(tmp_path / "out") == reference[1]


def test_without_out_nothing_is_written(mini, reference, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = _run(mini, None, batch_size=5)
    assert list(tmp_path.iterdir()) == []
    assert res.summary == reference[0].summary
    for k, v in reference[0].runs.items():
        assert np.array_equal(res.runs[k], v), k


class Stop(KeyboardInterrupt):
    pass


def _stop_after(n_batches: int):
    calls = []

    def progress(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) > n_batches:  # the first call reports what was already done
            raise Stop

    return progress


def test_interrupted_sweep_resumes_with_another_batch_size(mini, reference, tmp_path):
    with pytest.raises(Stop):
        _run(mini, tmp_path, batch_size=3, progress=_stop_after(2))
    stored = sorted(p.name for p in (tmp_path / "batches").iterdir())
    assert stored == ["c00000-r00000000-n3.npz", "c00000-r00000003-n3.npz"]
    assert not (tmp_path / "runs.csv").exists()
    seen = []
    res = _run(mini, tmp_path, batch_size=5, progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (6, 3 * RUNS)  # resumed: the finished runs count from the start
    assert res.batches_reused == 2
    assert res.timing["runs_run"] == 3 * RUNS - 6
    assert _files(tmp_path) == reference[1]


def test_interrupt_on_processes_then_resume(mini, reference, tmp_path):
    with pytest.raises(Stop):
        _run(mini, tmp_path, backend="process", workers=2, batch_size=2,
             progress=_stop_after(1))
    assert len(list((tmp_path / "batches").iterdir())) >= 1
    res = _run(mini, tmp_path, backend="serial", batch_size=RUNS)
    assert res.batches_reused >= 1
    assert _files(tmp_path) == reference[1]


def test_deleted_and_corrupt_batches_are_rerun(mini, reference, tmp_path):
    _run(mini, tmp_path, batch_size=3)
    files = sorted((tmp_path / "batches").iterdir())
    assert len(files) == 9
    files[0].unlink()
    files[4].unlink()
    files[7].write_bytes(b"not a zip")
    (tmp_path / "runs.csv").unlink()
    res = _run(mini, tmp_path, batch_size=3)
    assert (res.batches_run, res.batches_reused) == (3, 6)
    assert _files(tmp_path) == reference[1]
    again = _run(mini, tmp_path, batch_size=3)  # complete: nothing runs, same files
    assert (again.batches_run, again.batches_reused) == (0, 9)
    assert _files(tmp_path) == reference[1]


def test_overlapping_batches_are_not_double_counted(mini, reference, tmp_path):
    _run(mini, tmp_path, batch_size=3)
    for p in (tmp_path / "batches").iterdir():  # keep combo 0 only as 0-2, 3-5, 6
        if not p.name.startswith("c00000"):
            p.unlink()
    _run(mini, tmp_path, batch_size=5)  # adds 0-4 and 5-6 for combos 1, 2
    # now stitch an overlapping batch into combo 0: replicas 2..6 again
    from stavka.sweep.store import BatchKey, save_batch
    from stavka.sweep.store import digest as fp_digest

    fp = json.loads((tmp_path / "sweep.json").read_text())["fingerprint"]
    cols = {k: reference[0].runs[k][2:7] for k in ["replica", "key", *metric_names(mini)]}
    save_batch(tmp_path, BatchKey(0, 2, 5), fp_digest(fp), cols)
    res = _run(mini, tmp_path, batch_size=5)
    assert res.batches_run == 0
    assert _files(tmp_path) == reference[1]


def test_a_failed_batch_is_retried_in_a_worker(mini, reference, tmp_path, monkeypatch):
    marker = tmp_path / "failed-once"
    monkeypatch.setenv(FAIL_ONCE_ENV, str(marker))
    out = tmp_path / "out"
    res = _run(mini, out, backend="process", workers=2, batch_size=4)
    assert marker.exists()  # one batch did fail...
    assert res.timing["retries"] == 1  # ...and was run again, once
    assert _files(out) == reference[1]


def test_a_dead_worker_process_is_replaced(mini, reference, tmp_path, monkeypatch):
    marker = tmp_path / "crashed-once"
    monkeypatch.setenv(CRASH_ONCE_ENV, str(marker))
    out = tmp_path / "out"
    res = _run(mini, out, backend="process", workers=2, batch_size=2)
    assert marker.exists()  # a worker died mid-batch: the pool was rebuilt, the batch rerun
    assert res.timing["retries"] >= 1
    assert _files(out) == reference[1]


def test_a_hung_worker_is_caught_by_the_watchdog(mini, reference, tmp_path, monkeypatch):
    # one worker sleeps for good in its first batch; the other finishes the rest, and
    # then nothing finishes for STALL_MIN_S: the pool is rebuilt and the batch run again
    marker = tmp_path / "hung-once"
    monkeypatch.setenv(HANG_ONCE_ENV, str(marker))
    # 10 s, not less: under load (a new-user trial ran the suite beside other work) a
    # healthy batch's new worker took over 3 s to start, three times, and the sweep failed
    monkeypatch.setattr(runner_mod, "STALL_MIN_S", 10.0)
    monkeypatch.setattr(runner_mod, "STALL_FACTOR", 0.0)
    out = tmp_path / "out"
    res = _run(mini, out, backend="process", workers=2, batch_size=2)
    assert marker.exists()  # a batch did hang...
    assert res.timing["retries"] >= 1  # ...and ran again
    assert _files(out) == reference[1]


def _retries_in_child(tmp_path, hook: str, marker: Path, knobs: str, sweep_args: str,
                      timeout: int = 120) -> int:
    """Run a sweep of mini.yaml in a child process with the test hook ``hook`` set to
    ``marker`` and the runner's ``knobs`` (an assignment statement) in force, with a
    deadline (a hang must not hang the test run); it must exit 0 with the hook fired.
    Returns the sweep's retries."""
    code = (
        "import sys; from pathlib import Path; import stavka; "
        "from stavka.sweep import runner, sweep; "
        f"{knobs}; "
        f"r = sweep(stavka.load({str(MINI)!r}), {sweep_args}, days={DAYS}, seed=3, "
        f"out=Path({str(tmp_path / 'out')!r}), plots=False); "
        "print('retries', r.timing['retries'])")
    proc = subprocess.run([sys.executable, "-c", code], env={**os.environ, hook: str(marker)},
                          capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert marker.exists()
    return int(proc.stdout.split()[-1])


def test_a_stopped_worker_is_killed_and_the_sweep_exits(tmp_path):
    # a worker stopped by SIGSTOP never acts on SIGTERM: the pool must SIGKILL it, or the
    # sweep prints its results and then never exits (the pool's manager waits on it).
    retries = _retries_in_child(
        tmp_path, STOP_ONCE_ENV, tmp_path / "stopped-once",
        "runner.STALL_MIN_S, runner.STALL_FACTOR = 10.0, 0.0",
        f"{RUNS}, vary={VARY!r}, backend='process', workers=2, batch_size=2")
    assert retries >= 1


def test_a_worker_hung_in_the_first_batch_is_caught_too(tmp_path):
    # one worker, one batch, and it sleeps for good: no batch ever finished to compare
    # with, so the first batch's own bound (FIRST_S_PER_STEP, at least STALL_MIN_S)
    # applies; the batch runs again on a new pool. In a child process with a deadline:
    # before the bound existed this sweep never ended.
    retries = _retries_in_child(
        tmp_path, HANG_ONCE_ENV, tmp_path / "hung-first",
        "runner.STALL_MIN_S, runner.FIRST_S_PER_STEP = 10.0, 0.0",
        "4, backend='process', workers=1, batch_size=4")
    assert retries >= 1  # (a new worker starting slower than 10 s is one more)


def test_a_hung_dask_worker_is_replaced(tmp_path):
    # on the local dask cluster a batch that sleeps for good holds its worker's thread:
    # the watchdog restarts the cluster's workers (their nannies kill the hung one), sends
    # the scenario again and runs the batch on the new ones. In a child process with a
    # deadline: before, the batch failed three times on the hung worker's thread.
    retries = _retries_in_child(
        tmp_path, HANG_ONCE_ENV, tmp_path / "hung-dask",
        "runner.STALL_MIN_S, runner.STALL_FACTOR, runner.FIRST_S_PER_STEP = 12.0, 0.0, 0.0",
        f"{RUNS}, vary={VARY!r}, backend='dask', workers=2, batch_size=2", timeout=240)
    assert retries >= 1


def test_a_stop_of_the_whole_sweep_does_not_count_against_the_pool(monkeypatch):
    # Ctrl-Z or a suspended machine stops the sweep and its workers alike: the time it
    # stood still is not the pool's, and the watchdog's deadline moves on by it
    clock = [0.0]
    slices = []

    def fake_wait(fs, timeout=None, return_when=None):
        slices.append(timeout)
        clock[0] += timeout + (1000.0 if len(slices) == 2 else 0.0)  # stopped 1,000 s
        return set(), set(fs)

    monkeypatch.setattr(runner_mod, "time", types.SimpleNamespace(monotonic=lambda: clock[0]))
    monkeypatch.setattr(runner_mod, "wait", fake_wait)
    done, last = runner_mod._wait_awake([], 0.0, 60.0)
    assert done == set()
    assert last == 1000.0  # the deadline moved by the stop...
    assert clock[0] == 1060.0  # ...so the pool had its full 60 s awake
    assert max(slices) <= runner_mod.WATCH_SLICE_S


def test_a_batch_that_never_finishes_stops_the_sweep(mini, tmp_path, monkeypatch):
    # a stall on every try ends the sweep with one line, not a hang
    monkeypatch.setattr(runner_mod, "STALL_MIN_S", 0.0)
    monkeypatch.setattr(runner_mod, "STALL_FACTOR", 0.0)
    calls = []
    real = runner_mod.wait

    def never_done(fs, timeout=None, return_when=None):
        calls.append(timeout)
        if len(calls) == 1:  # the first batch finishes: the watchdog is armed
            return real(fs, timeout=None, return_when=return_when)
        return set(), set(fs)

    monkeypatch.setattr(runner_mod, "wait", never_done)
    with pytest.raises(SweepError, match=r"failed 3 times; last error: SweepStalled: "
                                         r"no batch finished in 0 s \(watchdog\)"):
        _run(mini, tmp_path / "out", backend="process", workers=1, batch_size=4)


def test_a_batch_that_keeps_failing_stops_the_sweep(mini, tmp_path, monkeypatch):
    calls = []
    real = runner_mod.run_batch

    def flaky(loaded, params, seed, first, count, days=None):
        calls.append((params["transfer_divisions"], first))
        if params["transfer_divisions"] == 1:
            raise RuntimeError("engine fell over")
        return real(loaded, params, seed, first, count, days=days)

    monkeypatch.setattr(runner_mod, "run_batch", flaky)
    with pytest.raises(SweepError, match=r"combination 1, replicas 0\.\.6 failed 3 times.*"
                                         r"engine fell over"):
        _run(mini, tmp_path, batch_size=RUNS)
    assert calls.count((1, 0)) == 3
    # the batch that finished before the failure is kept for the next try
    assert [p.name for p in (tmp_path / "batches").iterdir()] == ["c00000-r00000000-n7.npz"]


def test_no_vary_and_flagship_short(tmp_path):
    res = sweep("two-fronts-1941", 3, days=2, seed=1, backend="serial", out=tmp_path)
    assert res.grid.size == 1 and len(res.runs["run_id"]) == 3
    assert (tmp_path / "plots" / "flags.png").exists()
    assert res.summary["sensitivity"]["moscow_holds"] == {"kind": "probability", "most": None,
                                                          "parameters": {}}
    header = (tmp_path / "sensitivity.csv").read_text().splitlines()
    assert header == ["outcome,kind,parameter,rank,range,src,lowest_at,highest_at"]


def test_paired_differences_against_combination_0(reference):
    res = reference[0]
    results = res.summary["results"]
    assert results[0]["paired_vs_combo0"] is None
    d = results[2]["paired_vs_combo0"]["japan_attacks"]
    assert d == {"diff": 1.0, "lo": 1.0, "hi": 1.0}
    t = res.runs
    for m in ("loss_soviet_men", "days", "moscow_holds"):
        a = t[m][t["combo"] == 1].astype(float)
        b = t[m][t["combo"] == 0].astype(float)
        p = results[1]["paired_vs_combo0"][m]
        assert p["diff"] == pytest.approx((a - b).mean())
        assert p["lo"] <= p["diff"] <= p["hi"]


def test_a_worker_with_other_code_is_refused(mini, tmp_path, monkeypatch):
    real = runner_mod.run_task

    def elsewhere(loaded, task):
        return {**real(loaded, task), runner_mod.CODE_KEY: np.array("0.0.0+elsewhere")}

    monkeypatch.setattr(runner_mod, "run_task", elsewhere)
    with pytest.raises(SweepError, match=r"other stavka code \(0\.0\.0\+elsewhere"):
        _run(mini, tmp_path, batch_size=RUNS)
    assert not (tmp_path / "batches").exists()


def test_more_runs_extend_a_sweep_and_fewer_reuse_it(mini, reference, tmp_path):
    """Replica i is the same run whatever --runs is: a larger sweep in the same
    directory runs only the new replicas, a smaller one runs nothing."""
    small = sweep(mini, 4, vary=VARY, days=DAYS, seed=3, backend="serial", out=tmp_path,
                  plots=False, batch_size=2)
    assert small.timing["runs_run"] == 3 * 4
    res = _run(mini, tmp_path, batch_size=2)
    assert res.timing["runs_run"] == 3 * (RUNS - 4)
    assert res.batches_reused == 6
    assert _files(tmp_path) == reference[1]
    assert json.loads((tmp_path / "sweep.json").read_text())["fingerprint"]["runs"] == RUNS
    again = sweep(mini, 4, vary=VARY, days=DAYS, seed=3, backend="serial", out=tmp_path,
                  plots=False)
    assert again.timing["runs_run"] == 0
    for k, v in again.runs.items():
        if k not in ("run_id",):
            want = small.runs[k]
            assert (np.array_equal(v, want) if v.dtype != object else list(v) == list(want)), k
    assert (tmp_path / "runs.csv").read_text().count("\n") == 3 * 4 + 1


def test_a_batch_copied_over_another_is_named_discarded_and_rerun(mini, reference, tmp_path):
    _run(mini, tmp_path, batch_size=3)
    files = sorted((tmp_path / "batches").iterdir())
    # c00001-... copied over c00000-...: a valid batch file under the wrong name
    files[0].write_bytes(files[3].read_bytes())
    (tmp_path / ".runs.csv.x1y2.tmp").write_text("left by a kill -9")
    (tmp_path / "batches" / f".{files[1].name}.abc.tmp").write_bytes(b"half")
    warnings: list[str] = []
    res = _run(mini, tmp_path, batch_size=3, on_warning=warnings.append)
    assert len(warnings) == 1 and files[0].name in warnings[0], warnings
    assert "another batch" in warnings[0]
    assert (res.batches_run, res.batches_reused) == (1, 8)
    assert _files(tmp_path) == reference[1]
    assert (tmp_path / "batches" / (files[0].name + ".discarded")).exists()
    assert not list(tmp_path.glob(".*.tmp")) and not list((tmp_path / "batches").glob(".*.tmp"))
    assert _run(mini, tmp_path, batch_size=3, on_warning=warnings.append).batches_run == 0
    assert len(warnings) == 1


def test_a_batch_with_a_number_that_is_not_finite_is_discarded_and_rerun(mini, reference,
                                                                         tmp_path):
    # an edited batch file: its NaN reached runs.csv and the statistics
    _run(mini, tmp_path, batch_size=3)
    victim = sorted((tmp_path / "batches").iterdir())[0]
    with np.load(victim, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    col = next(k for k, v in arrays.items() if v.dtype.kind == "f" and not k.startswith("__"))
    arrays[col] = arrays[col].copy()
    arrays[col][0] = np.nan
    with victim.open("wb") as fh:
        np.savez(fh, **arrays)
    warnings: list[str] = []
    res = _run(mini, tmp_path, batch_size=3, on_warning=warnings.append)
    assert len(warnings) == 1 and "not finite" in warnings[0], warnings
    assert res.batches_run == 1
    assert _files(tmp_path) == reference[1]


def _alarm(_signum, _frame):
    raise TimeoutError("blocked reading a FIFO")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_a_fifo_in_place_of_a_stored_file_is_not_read(mini, reference, tmp_path, monkeypatch):
    # opening a FIFO for reading blocks until a writer comes: never, here. A FIFO named
    # like a batch is discarded and its runs run again; one named sweep.json is refused.
    import signal

    monkeypatch.setattr(signal, "SIGALRM", signal.SIGALRM)
    old = signal.signal(signal.SIGALRM, _alarm)
    try:
        signal.alarm(60)
        _run(mini, tmp_path / "a", batch_size=3)
        victim = sorted((tmp_path / "a" / "batches").iterdir())[0]
        victim.unlink()
        os.mkfifo(victim)
        warnings: list[str] = []
        res = _run(mini, tmp_path / "a", batch_size=3, on_warning=warnings.append)
        assert res.batches_run == 1 and len(warnings) == 1, warnings
        assert _files(tmp_path / "a") == reference[1]
        (tmp_path / "b").mkdir()
        os.mkfifo(tmp_path / "b" / "sweep.json")
        with pytest.raises(stavka.errors.InputError, match="unreadable sweep.json"):
            _run(mini, tmp_path / "b", batch_size=3)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _sweep_with_a_pool(tmp_path, stderr, poll_s=0.2):  # type: ignore[no-untyped-def]
    """A long ``stavka sweep`` in a process group of its own, once both pool workers are
    up: ``(process, its workers)``. The caller kills the group in the end."""
    import subprocess
    import sys
    import time

    psutil = pytest.importorskip("psutil")
    cmd = [sys.executable, "-m", "stavka.cli", "sweep", str(MINI), "--runs", "4000",
           "--days", "60", "--workers", "2", "--batch-size", "50", "--quiet",
           "--out", str(tmp_path / "out")]
    # The sweep gets Ctrl-C's default disposition whatever this test runner inherited: a
    # runner started in the background by a non-interactive shell ignores SIGINT, a child
    # inherits that, and Python then never raises KeyboardInterrupt (a clean-clone CI run
    # so started saw both Ctrl-C tests' sweeps run to the end, exit 0)
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=stderr, text=True,
                         start_new_session=True,
                         preexec_fn=lambda: __import__("signal").signal(  # noqa: PLW1509
                             __import__("signal").SIGINT, __import__("signal").SIG_DFL))
    parent = psutil.Process(p.pid)
    kids: list = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(kids) < 2:
        time.sleep(poll_s)
        kids = [k for k in parent.children(recursive=True)
                if "spawn_main" in " ".join(k.cmdline())]
    if len(kids) < 2:
        __import__("os").killpg(p.pid, __import__("signal").SIGKILL)
        pytest.fail("the pool did not start")
    return p, kids


def test_workers_die_with_a_killed_sweep(tmp_path):
    import os
    import signal
    import subprocess

    psutil = pytest.importorskip("psutil")
    p, kids = _sweep_with_a_pool(tmp_path, subprocess.DEVNULL)
    try:
        os.kill(p.pid, signal.SIGKILL)  # early: workers still starting (the hard case)
        p.wait(timeout=10)
        gone, alive = psutil.wait_procs(kids, timeout=40)  # a loaded CI machine is slow
        assert not alive, [k.cmdline() for k in alive]
    finally:
        with __import__("contextlib").suppress(Exception):
            os.killpg(p.pid, signal.SIGKILL)


@pytest.mark.parametrize("blocker", ["runs.csv", "summary.json"])
def test_a_folder_where_a_result_goes_is_refused_before_the_sweep(mini, tmp_path, monkeypatch,
                                                                  blocker):
    out = tmp_path / "out"
    _run(mini, out, backend="serial")
    (out / blocker).unlink()
    (out / blocker).mkdir()
    import stavka.sweep.core as core

    def no_run(*a, **k):
        raise AssertionError("ran batches before checking --out")

    monkeypatch.setattr(core, "execute", no_run)
    with pytest.raises(stavka.errors.InputError,
                       match=f"cannot write {blocker} \\(exists and is a directory\\)"):
        _run(mini, out, backend="serial")


def test_a_folder_of_hidden_files_and_empty_folders_is_empty_to_a_sweep(mini, tmp_path):
    out = tmp_path / "out"
    (out / "plots").mkdir(parents=True)
    (out / ".DS_Store").write_bytes(b"\0")
    _run(mini, out, backend="serial")
    assert (out / "runs.csv").is_file() and (out / ".DS_Store").read_bytes() == b"\0"


def test_a_manifest_that_is_a_link_is_not_this_sweeps(mini, tmp_path):
    first = tmp_path / "first"
    _run(mini, first, backend="serial")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("x\n")
    (mine / "sweep.json").symlink_to(first / "sweep.json")
    with pytest.raises(stavka.errors.InputError, match="unreadable sweep.json"):
        _run(mini, mine, backend="serial")
    assert (mine / "notes.txt").read_text() == "x\n"


@pytest.mark.parametrize("when", ["starting", "running"])
def test_ctrl_c_ends_a_sweep_with_one_line_and_no_worker_left(tmp_path, when):
    """A terminal's Ctrl-C reaches the whole process group. The workers leave it to the
    parent (a hostile trial saw one KeyboardInterrupt traceback per worker): the sweep
    says so in one line (what it kept), exits 130, and no worker is left running."""
    import os
    import signal
    import subprocess
    import time

    psutil = pytest.importorskip("psutil")
    p, kids = _sweep_with_a_pool(tmp_path, subprocess.PIPE, poll_s=0.05)
    try:
        if when == "running":  # the workers past their start-up, computing batches
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not list((tmp_path / "out" / "batches")
                                                           .glob("*.npz")):
                time.sleep(0.1)
        os.killpg(p.pid, signal.SIGINT)
        _, err = p.communicate(timeout=60)
        assert p.returncode == 130, err
        lines = err.strip().splitlines()
        assert "Traceback" not in err and len(lines) == 1, err
        assert lines[0] == "interrupted" or lines[0].startswith("error: interrupted with "), err
        gone, alive = psutil.wait_procs(kids, timeout=40)
        assert not alive, [k.cmdline() for k in alive]
    finally:
        with __import__("contextlib").suppress(Exception):
            os.killpg(p.pid, signal.SIGKILL)
