"""CDB90 reading, set-up, prediction through resolve(), bad input, and a small CV."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import stavka.combat as combat
from stavka.cdb90 import validate as val
from stavka.cdb90.battles import read_battles, subset, subset_outcomes
from stavka.cdb90.calibrate import Surrogate, static_log_ratio
from stavka.cdb90.cli import validate_cmd
from stavka.cdb90.predict import simulate
from stavka.cdb90.setup import build
from stavka.combat import load_params
from stavka.errors import InputError


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as fh:
        r = csv.DictReader(fh)
        return list(r.fieldnames or []), list(r)


def write_rows(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=header, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return path


POST_HOC = ("wina", "kmda", "a_cas", "d_cas", "a_finst", "d_finst", "a_ach", "d_reso", "ph_cea")


def test_reads_all_battles(battles_csv):
    b, o = read_battles(battles_csv)
    assert len(b) == 458 and b.skipped == []
    assert o is not None and int(np.isnan(o.wina).sum()) == 2
    e = build(b, load_params())
    assert e.steps.min() >= 1 and np.all(e.cond.hours <= 24)


def test_inputs_do_not_depend_on_outcome_columns(battles_csv, tmp_path):
    header, rows = read_rows(battles_csv)
    rows = rows[:40]
    scrambled = [dict(r) for r in rows]
    for r in scrambled:
        for c in header:
            if c in POST_HOC or c.startswith("ph_") or c.endswith("_cas_frac"):
                r[c] = ""
    b1, _ = read_battles(write_rows(tmp_path / "a.csv", header, rows))
    b2, _ = read_battles(write_rows(tmp_path / "b.csv", header, scrambled))
    p = load_params()
    p1 = simulate(build(b1, p), p, runs=20, seed=1)
    p2 = simulate(build(b2, p), p, runs=20, seed=1)
    assert np.array_equal(p1.p_attacker_win, p2.p_attacker_win)
    assert np.array_equal(p1.a_cas_frac, p2.a_cas_frac)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("a_strength", "lots", "isqno 1: column 'a_strength': not a number"),
        ("d_tank", "-3", "isqno 1: column 'd_tank': must be >= 0"),
        ("post1", "XX", "isqno 1: column 'post1': unknown code 'XX'"),
        ("surpa", "7", "isqno 1: column 'surpa': unknown code"),
        ("terrain_cover", "Q", "isqno 1: column 'terrain_cover'"),
    ],
)
def test_bad_values_name_row_and_column(battles_csv, tmp_path, column, value, message):
    header, rows = read_rows(battles_csv)
    rows = [dict(r) for r in rows[:5]]
    rows[0][column] = value
    with pytest.raises(InputError, match=message):
        read_battles(write_rows(tmp_path / "bad.csv", header, rows))


def test_missing_required_column(battles_csv, tmp_path):
    header, rows = read_rows(battles_csv)
    header = [h for h in header if h != "d_strength"]
    with pytest.raises(InputError, match="missing required column.*d_strength"):
        read_battles(write_rows(tmp_path / "bad.csv", header, rows[:3]))


def test_rows_without_strength_are_skipped_with_reason(battles_csv, tmp_path, capsys):
    header, rows = read_rows(battles_csv)
    rows = [dict(r) for r in rows[:6]]
    rows[2]["a_strength"] = ""
    b, _ = read_battles(write_rows(tmp_path / "s.csv", header, rows))
    assert len(b) == 5 and b.skipped == [(rows[2]["isqno"], b.skipped[0][1])]
    assert "attacker strength" in b.skipped[0][1]


def test_validate_goes_through_the_engines_resolve(battles_csv, monkeypatch):
    b, o = read_battles(battles_csv)
    b = subset(b, np.arange(10))
    calls = []
    real = combat.resolve

    def spy(att, dfn, cond, params, rng):
        calls.append(att.men.shape[0])
        return real(att, dfn, cond, params, rng)

    monkeypatch.setattr(combat, "resolve", spy)
    v = val.run(b, None, load_params(), runs=5)
    assert calls and calls[0] == 10 * 5
    assert v.pred.p_attacker_win.shape == (10,)


def test_surrogate_agrees_with_monte_carlo(battles_csv):
    b, _ = read_battles(battles_csv)
    b = subset(b, np.arange(0, 458, 4))
    p = load_params()
    e = build(b, p)
    pw, ea, ed = Surrogate(e).run(p, static_log_ratio(e, p), np.log(e.lethality))
    mc = simulate(e, p, runs=400, seed=3)
    assert np.mean(np.abs(pw - mc.p_attacker_win)) < 0.05
    assert np.corrcoef(np.log(ea), np.log(mc.a_cas_frac))[0, 1] > 0.95
    assert np.corrcoef(np.log(ed), np.log(mc.d_cas_frac))[0, 1] > 0.95


def test_predict_only_file_without_outcomes(battles_csv, tmp_path):
    header, rows = read_rows(battles_csv)
    keep = [h for h in header if h not in POST_HOC and not h.startswith("ph_")]
    src = write_rows(tmp_path / "blind.csv", keep, rows[:15])
    out = tmp_path / "pred.csv"
    validate_cmd("cdb90", src, out=out, report=None, folds=0, runs=10)
    lines = out.read_text().splitlines()
    assert lines[0].startswith("isqno,p_attacker_win,a_cas_pred,d_cas_pred")
    assert len(lines) == 16
    with pytest.raises(InputError, match="--folds needs battle outcomes"):
        validate_cmd("cdb90", src, out=None, report=None, folds=3, runs=10)
    with pytest.raises(InputError, match="unknown dataset"):
        validate_cmd("cdb91", src, out=None, report=None, folds=0, runs=10)


def test_cross_validation_beats_always_attacker(battles_csv):
    b, o = read_battles(battles_csv)
    pick = np.flatnonzero(b.year >= 1900)
    b, o = subset(b, pick), subset_outcomes(o, pick)
    v = val.run(b, o, load_params(), folds=3, runs=100, maxiter=50)
    assert set(v.fold.tolist()) == {0, 1, 2}
    for i in range(len(b)):  # related battles share a fold
        assert len(set(v.fold[b.group == b.group[i]].tolist())) == 1
    rows = v.tables["all"]
    ours, always = rows[f"stavka combat {load_params().model_version}"], rows["always attacker wins"]
    assert ours["brier"] < always["brier"]
    assert ours["auc"] > 0.55
    assert ours["spearman_a_cas"] > 0.2
    for k in ("accuracy", "balanced_acc", "brier", "auc", "spearman_d_cas"):
        assert np.isfinite(ours[k])


def test_module_cli_end_to_end(battles_csv, tmp_path):
    header, rows = read_rows(battles_csv)
    small = write_rows(tmp_path / "small.csv", header, rows[:12])
    cmd = [sys.executable, "-m", "stavka.cdb90", "validate", "cdb90", "--battles", str(small)]
    ok = subprocess.run(
        [*cmd, "--runs", "10", "--out", str(tmp_path / "p.csv"), "--report", str(tmp_path / "r")],
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0, ok.stderr
    assert "accuracy" in ok.stdout
    assert (tmp_path / "r" / "validation.md").exists()
    rows[3]["post1"] = "ZZ"
    bad = write_rows(tmp_path / "bad.csv", header, rows[:12])
    err = subprocess.run(
        [sys.executable, "-m", "stavka.cdb90", "validate", "cdb90", "--battles", str(bad)],
        capture_output=True,
        text=True,
    )
    assert err.returncode == 2
    assert err.stderr.strip().count("\n") == 0 and "column 'post1'" in err.stderr


def test_v2_setup_reads_maneuver_and_period_cevs(battles_csv):
    b, _ = read_battles(battles_csv)
    p = load_params("v2")
    e = build(b, p)
    assert e.cond.maneuver is not None and 100 < e.cond.maneuver.sum() < 200
    i = int(np.flatnonzero([a == ["Germany"] for a in b.att_actors] & (b.year == 1944))[0])
    want = np.log(p.nation_cev["Germany@1919-1945"])
    assert np.log(e.att.cev[i]) == pytest.approx(want)
    # v1 keeps its per-nation CEVs
    p1 = load_params("v1")
    assert build(b, p1).att.cev[i] == pytest.approx(p1.nation_cev["Germany"])


def test_v1_still_validates_and_unknown_model_is_an_error(battles_csv, tmp_path):
    header, rows = read_rows(battles_csv)
    src = write_rows(tmp_path / "s.csv", header, rows[:8])
    out = tmp_path / "p1.csv"
    validate_cmd("cdb90", src, out=out, report=None, folds=0, runs=5, model="v1")
    assert len(out.read_text().splitlines()) == 9
    with pytest.raises(InputError, match="unknown combat model 'v9'"):
        validate_cmd("cdb90", src, out=None, report=None, folds=0, runs=5, model="v9")


def test_stacked_gradient_matches_finite_differences(battles_csv):
    from stavka.cdb90.calibrate import literature_params, make_objective

    b, o = read_battles(battles_csv)
    pick = np.arange(0, 458, 3)
    obj = make_objective(subset(b, pick), subset_outcomes(o, pick), literature_params("v2"))
    x = obj.x0 + 0.05
    val0, grad = obj(x)
    for k in (0, 5, 12, len(obj.specs) - 1):
        xk = x.copy()
        xk[k] += 1e-4
        fd = (obj(xk)[0] - val0) / 1e-4
        assert grad[k] == pytest.approx(fd, rel=0.02, abs=0.05), obj.specs[k].name


def test_cdb90_outputs_never_replace_a_users_file(battles_csv, tmp_path, capsys):
    """calibrate --out, validate --out and --report take a new path or one they wrote
    before; a user's file of the same name is one line, exit 2, and is kept, before any
    fit or run."""
    from stavka.cli import main

    mine = tmp_path / "mine.yaml"
    mine.write_text("a: 1\n")
    notes = tmp_path / "p.csv"
    notes.write_text("my,numbers\n")
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "notes.md").write_text("x\n")
    for args, what in (
            (["calibrate", "cdb90", "--battles", str(battles_csv), "--out", str(mine)],
             "not a combat parameters file"),
            (["validate", "cdb90", "--battles", str(battles_csv), "--runs", "5", "--out",
              str(notes)], "not a predictions file"),
            (["validate", "cdb90", "--battles", str(battles_csv), "--runs", "5", "--report",
              str(folder)], "holds no validation.md written by stavka")):
        assert main(args) == 2
        err = capsys.readouterr().err
        assert what in err and len(err.strip().splitlines()) == 1, err
    assert mine.read_text() == "a: 1\n" and notes.read_text() == "my,numbers\n"
    assert sorted(p.name for p in folder.iterdir()) == ["notes.md"]
    out, rep = tmp_path / "pred.csv", tmp_path / "rep"
    for _ in range(2):  # its own outputs are written again
        assert main(["validate", "cdb90", "--battles", str(battles_csv), "--runs", "5",
                     "--out", str(out), "--report", str(rep)]) == 0
    capsys.readouterr()
