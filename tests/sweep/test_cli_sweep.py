"""``stavka sweep`` on the command line: outputs, and one clear line + exit 2 for bad input."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from stavka.cli import main
from stavka.sweep import runner as runner_mod

MINI = str(Path(__file__).resolve().parents[1] / "data" / "mini.yaml")
BASE = ["sweep", MINI, "--runs", "4", "--days", "5", "--backend", "serial", "--quiet"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def test_sweep_command_writes_everything(capsys, tmp_path):
    out = tmp_path / "sw"
    code, stdout, err = run(capsys, *BASE, "--vary", "transfer_divisions=0,2",
                            "--vary", "japan_attack_date=1941-10-03,none", "--out", str(out))
    assert code == 0, err
    assert "P(outcome)" in stdout and "japan attacks" in stdout and "16 runs" in stdout
    for name in ("sweep.json", "runs.csv", "summary.json", "sensitivity.csv", "report.md",
                 "timing.json", "plots/p_vs_transfer_divisions.png",
                 "plots/p_vs_japan_attack_date.png"):
        assert (out / name).exists(), name
    s = json.loads((out / "summary.json").read_text())
    assert [r["params"] for r in s["results"]] == [
        {"transfer_divisions": 0, "japan_attack_date": "1941-10-03"},
        {"transfer_divisions": 0, "japan_attack_date": None},
        {"transfer_divisions": 2, "japan_attack_date": "1941-10-03"},
        {"transfer_divisions": 2, "japan_attack_date": None},
    ]
    # a forced attack date brings Japan in whatever the transfers
    assert s["results"][0]["flags"]["japan_attacks"]["p"] == 1.0
    assert s["results"][1]["flags"]["japan_attacks"]["p"] == 0.0
    lines = (out / "runs.csv").read_text().splitlines()
    assert lines[0].startswith("run_id,combo,transfer_divisions,japan_attack_date,seed,replica,")
    assert lines[1].startswith("0,0,0,1941-10-03,0,0,") and lines[2].startswith("1,0,0,1941-10-03,")
    assert ",2,,0,0," in lines[13]  # combination 3: no forced date is an empty cell
    # the same command again: resumed from the stored batches, byte-identical results
    before = [(out / f).read_bytes() for f in ("runs.csv", "summary.json")]
    code, stdout, err = run(capsys, *BASE, "--vary", "transfer_divisions=0,2",
                            "--vary", "japan_attack_date=1941-10-03,none", "--out", str(out),
                            "--batch-size", "1")
    assert code == 0, err
    assert "4 batch(es) reused" in stdout
    assert [(out / f).read_bytes() for f in ("runs.csv", "summary.json")] == before


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(("args", "needle"), [
    (["--vary", "transfer_divisons=0..2"],
     "unknown parameter 'transfer_divisons' (did you mean 'transfer_divisions'?)"),
    (["--vary", "transfer_divisions=0..3"], "must be <= 2"),
    (["--vary", "transfer_divisions=5..3"], "is empty"),
    (["--vary", "transfer_divisions=0,,1"], "malformed value list"),
    (["--vary", "transfer_divisions=a..b"], "malformed range"),
    (["--vary", "transfer_divisions"], "--vary expects NAME=VALUES"),
    (["--vary", "japan_attack_date=1941-10-40"], "must be a date"),
    (["--runs", "0"], "--runs must be >= 1 (got 0)"),
    (["--batch-size", "0"], "--batch-size must be >= 1 (got 0)"),
    (["--days", "0"], "--days must be >= 1"),
    (["--seed", "-1"], "--seed must be >= 0"),
    (["--workers", "0", "--backend", "process"], "--workers must be >= 1"),
    (["--backend", "gpu"], "--backend must be one of serial, process, dask"),
    (["--cluster", "tcp://127.0.0.1:1"], "--cluster needs --backend dask"),
    # sizes are bounded before anything is allocated (was a MemoryError traceback)
    (["--runs", "99999999999999"], "--runs must be <= 10,000,000"),
    (["--runs", "5000000", "--vary", "transfer_divisions=0..2"],
     "--runs 5,000,000 x 3 combinations of --vary is 15,000,000 campaigns"),
    (["--batch-size", "100000000"], "--batch-size must be <= 100,000"),
    (["--workers", "100000", "--backend", "process"], "--workers must be <= 1,024"),
    (["--vary", "transfer_divisions=0..99999999"],
     "--vary transfer_divisions: range '0..99999999' has more than 100,000 values"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, tmp_path, args, needle):
    out = tmp_path / "sw"
    code, _, err = run(capsys, *BASE, *args, "--out", str(out))
    assert code == 2
    assert needle in err
    assert err.strip().count("\n") == 0 and "Traceback" not in err
    assert not out.exists()


def test_unreachable_cluster(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(runner_mod, "CONNECT_TIMEOUT_S", 1.0)
    out = tmp_path / "sw"
    addr = f"tcp://127.0.0.1:{_closed_port()}"
    code, _, err = run(capsys, "sweep", MINI, "--runs", "2", "--cluster", addr, "--quiet",
                       "--out", str(out))
    assert code == 2
    assert err.startswith(f"error: --cluster {addr}: cannot connect")
    assert err.strip().count("\n") == 0
    assert not out.exists()


def test_an_out_dir_of_another_sweep_is_refused(capsys, tmp_path):
    out = tmp_path / "sw"
    code, _, err = run(capsys, *BASE, "--out", str(out))
    assert code == 0, err
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    for other in (["--seed", "1"], ["--vary", "transfer_divisions=0"], ["--days", "6"]):
        code, _, err = run(capsys, *BASE, *other, "--out", str(out))
        assert code == 2
        assert "holds results of a different sweep" in err
        assert "use another --out, or delete" in err
        assert err.strip().count("\n") == 0
    # a different batch size or backend is the same sweep
    code, _, err = run(capsys, *BASE, "--batch-size", "1", "--out", str(out))
    assert code == 0, err
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    for p, data in before.items():
        if p.name != "timing.json":
            assert after[p] == data, p


def test_a_foreign_out_dir_is_refused(capsys, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    code, _, err = run(capsys, *BASE, "--out", str(tmp_path))
    assert code == 2 and "not empty and holds no sweep.json" in err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "sweep.json").write_text("{")
    code, _, err = run(capsys, *BASE, "--out", str(bad))
    assert code == 2 and "unreadable sweep.json" in err


def test_interrupt_exits_130_and_the_same_command_resumes(capsys, tmp_path, monkeypatch):
    import stavka.sweep.cli as sweep_cli

    real = sweep_cli.sweep
    out = tmp_path / "sw"
    args = [*BASE, "--vary", "transfer_divisions=0..2", "--batch-size", "2", "--out", str(out)]

    def interrupted(*a, **kw):
        inner = kw["progress"]
        calls = []

        def progress(done, total):
            inner(done, total)
            calls.append(done)
            if len(calls) == 3:
                raise KeyboardInterrupt

        kw["progress"] = progress
        return real(*a, **kw)

    monkeypatch.setattr(sweep_cli, "sweep", interrupted)
    code, _, err = run(capsys, *args)
    assert code == 130
    assert err.strip() == (f"error: interrupted with 4 of 12 runs finished and kept in {out}; "
                           "run the same command again to resume")
    assert len(list((out / "batches").iterdir())) == 2
    monkeypatch.setattr(sweep_cli, "sweep", real)
    code, stdout, err = run(capsys, *args)
    assert code == 0, err
    assert "2 batch(es) reused" in stdout
    fresh = tmp_path / "fresh"
    code, _, err = run(capsys, *args[:-1], str(fresh))
    assert code == 0, err
    assert (out / "runs.csv").read_bytes() == (fresh / "runs.csv").read_bytes()


def test_sigterm_becomes_an_interrupt():
    import os
    import signal

    from stavka.sweep.cli import _term_as_interrupt

    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt), _term_as_interrupt():
        os.kill(os.getpid(), signal.SIGTERM)
        signal.sigtimedwait([], 1.0)  # let the handler run
    assert signal.getsignal(signal.SIGTERM) == before


def test_a_combination_outside_the_campaign_is_refused_up_front(capsys, tmp_path):
    out = tmp_path / "o"
    assert main(["sweep", "two-fronts-1941", "--runs", "2", "--days", "2", "--quiet",
                 "--vary", "japan_attack_date=1941-10-15,1900-01-01", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "must lie within the campaign" in err, err
    assert not out.exists()
