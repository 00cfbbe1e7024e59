"""Outputs never replace what stavka did not write, seeds have one range everywhere, and
numbers are read as a person types them (the hostile trial of 2026-12-01, fixed by kind).

* an existing file is replaced by ``run --save-replay`` only if it is a replay, never the
  scenario being run or one of the same run's ``--report`` files;
* a non-empty ``--report`` / ``--out`` folder is written only if it holds that command's
  own marker (summary.json, report.json or an interrupted validation's sweep,
  calibration.json);
* a seed above 2**63 - 1 is one line and exit 2 on every command, before anything is
  written (the sweep records seeds in a signed 64-bit column);
* ``1_0`` and full-width digits are not numbers;
* an unknown subject of validate or calibrate names the subjects there are.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import stavka
from stavka.cli import main
from stavka.errors import InputError

DATA = Path(__file__).resolve().parents[1] / "data"
MINI = str(DATA / "mini.yaml")
HISTORY = DATA / "t_history.yaml"
BIG_SEED = str(2**63)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def one_error(capsys, *args: str) -> str:
    code, _, err = run(capsys, *args)
    assert code == 2, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err


def test_save_replay_never_replaces_the_scenario_or_another_file(capsys, tmp_path):
    scen = tmp_path / "victim.yaml"
    scen.write_text((DATA / "mini.yaml").read_text())
    before = scen.read_bytes()
    err = one_error(capsys, "run", str(scen), "--days", "2", "--quiet",
                    "--save-replay", str(scen))
    assert "exists and is not a stavka replay file" in err
    assert scen.read_bytes() == before
    notes = tmp_path / "notes.json"
    notes.write_text('{"mine": true}\n')
    assert "not a stavka replay file" in one_error(
        capsys, "run", MINI, "--days", "2", "--quiet", "--save-replay", str(notes))
    assert notes.read_text() == '{"mine": true}\n'


def test_save_replay_replaces_a_replay_it_wrote(capsys, tmp_path):
    rep = tmp_path / "r.json"
    for seed in ("1", "2"):
        code, _, err = run(capsys, "run", MINI, "--days", "2", "--quiet", "--seed", seed,
                           "--save-replay", str(rep))
        assert code == 0, err
    assert json.loads(rep.read_text())["seed"] == 2


@pytest.mark.parametrize("name", ["summary.json", "events.jsonl", "chronicle.md"])
def test_save_replay_on_one_of_the_reports_files_is_refused(capsys, tmp_path, name):
    out = tmp_path / "o"
    err = one_error(capsys, "run", MINI, "--days", "2", "--quiet", "--report", str(out),
                    "--save-replay", str(out / name))
    assert "is one of --report's own files" in err
    assert not (out / name).exists()


def test_report_folder_must_be_empty_or_a_report(capsys, tmp_path):
    mine = tmp_path / "mydocs"
    mine.mkdir()
    (mine / "chronicle.md").write_text("my diary\n")
    err = one_error(capsys, "run", MINI, "--days", "2", "--quiet", "--report", str(mine))
    assert ("not empty and holds no summary.json or chronicle.md or events.jsonl written "
            "by stavka") in err
    assert (mine / "chronicle.md").read_text() == "my diary\n"
    out = tmp_path / "o"
    for _ in range(2):  # a report folder is written again
        code, _, err = run(capsys, "run", MINI, "--days", "2", "--quiet", "--report", str(out))
        assert code == 0, err
    # cut short (Ctrl-C, a full disk) after its first files and before summary.json,
    # written last: the folder is still stavka's, and the run writes it again
    for keep in (("chronicle.md",), ("chronicle.md", "events.jsonl"), ("events.jsonl",)):
        for f in out.iterdir():
            if f.name not in keep:
                f.unlink()
        code, _, err = run(capsys, "run", MINI, "--days", "2", "--quiet", "--report", str(out))
        assert code == 0, (keep, err)
        assert (out / "summary.json").is_file()
    # a user's events.jsonl is not one
    (mine / "chronicle.md").unlink()
    (mine / "events.jsonl").write_text('{"my": "log"}\n')
    err = one_error(capsys, "run", MINI, "--days", "2", "--quiet", "--report", str(mine))
    assert "not empty" in err and (mine / "events.jsonl").read_text() == '{"my": "log"}\n'


def test_validate_out_must_be_empty_or_its_own(capsys, tmp_path):
    mine = tmp_path / "mydocs"
    mine.mkdir()
    (mine / "report.md").write_text("my notes\n")
    err = one_error(capsys, "validate", "campaign", str(HISTORY), "--runs", "2", "--quiet",
                    "--out", str(mine))
    assert "not empty and holds no report.json or sweep/sweep.json" in err
    assert (mine / "report.md").read_text() == "my notes\n"
    assert sorted(p.name for p in mine.iterdir()) == ["report.md"]
    out = tmp_path / "v"
    for _ in range(2):
        code, _, err = run(capsys, "validate", "campaign", str(HISTORY), "--runs", "2",
                           "--quiet", "--out", str(out))
        assert code == 0, err


def test_validate_out_written_again_holds_only_this_reports_plots(capsys, tmp_path):
    out = tmp_path / "v"
    code, _, err = run(capsys, "validate", "campaign", str(HISTORY), "--runs", "2",
                       "--quiet", "--out", str(out))
    assert code == 0, err
    assert len(list((out / "plots").glob("*.png"))) >= 2
    (out / "plots" / "mine.txt").write_text("kept\n")
    # the same folder with a checkpoints file of one checkpoint
    text = (DATA / "t_history.checkpoints.yaml").read_text()
    one = tmp_path / "one.checkpoints.yaml"
    # the header and the last checkpoint (its date sets the sweep's days, which stay)
    one.write_text(text[:text.index("  - id: town_falls")] + text[text.index("  - id: prisoners"):
                                                                   text.index("  - id: wounded")])
    code, _, err = run(capsys, "validate", "campaign", str(HISTORY), "--runs", "2",
                       "--quiet", "--out", str(out), "--checkpoints", str(one))
    assert code == 0, err
    assert sorted(p.name for p in (out / "plots").iterdir()) == ["mine.txt", "prisoners.png"]
    assert [c["id"] for c in json.loads((out / "report.json").read_text())["checkpoints"]
            ] == ["prisoners"]


def test_calibrate_out_keeps_a_foreign_calibration_json(capsys, tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    (d / "calibration.json").write_text('{"mine": 1}')
    err = one_error(capsys, "calibrate", "campaign", str(HISTORY), "--grid",
                    "rules.massing_exp=1,1.1", "--runs", "2", "--out", str(d))
    assert "holds no calibration.json written by stavka" in err
    assert (d / "calibration.json").read_text() == '{"mine": 1}'


@pytest.mark.parametrize("args", [
    ["run", MINI, "--days", "1", "--quiet"],
    ["sweep", str(HISTORY), "--runs", "2", "--workers", "1", "--quiet"],
    ["validate", "campaign", str(HISTORY), "--runs", "2", "--quiet"],
    ["calibrate", "campaign", str(HISTORY), "--grid", "rules.massing_exp=1,1.1", "--runs", "2"],
])
def test_a_seed_above_the_int64_range_is_one_line_before_anything_is_written(
        capsys, tmp_path, args):
    out = tmp_path / "out"
    extra = [] if args[0] == "run" else ["--out", str(out)]
    err = one_error(capsys, *args, *extra, "--seed", BIG_SEED)
    assert "--seed must be <= 9,223,372,036,854,775,807" in err
    assert not out.exists()


def test_the_largest_seed_runs_and_the_api_refuses_one_more():
    assert stavka.Campaign(MINI, seed=2**63 - 1).run(1).day == 1
    with pytest.raises(InputError, match="seed must be <= "):
        stavka.Campaign(MINI, seed=2**63)
    from stavka.sweep import sweep

    with pytest.raises(InputError, match="--seed must be <= "):
        sweep(str(HISTORY), runs=2, seed=2**63)


@pytest.mark.parametrize("value", ["1_0", "\uff11", "\u0661", "0x1", " 1 0 "])
def test_numbers_are_ascii_digits(capsys, value):
    err = one_error(capsys, "run", MINI, "--days", "1", "--quiet", "--set",
                    f"rules.massing_exp={value}")
    assert "must be a number" in err
    err = one_error(capsys, "run", MINI, "--days", "1", "--quiet", "--set",
                    f"transfer_divisions={value}")
    assert "must be a whole number" in err


def test_a_range_of_unicode_digits_is_malformed(capsys, tmp_path):
    err = one_error(capsys, "sweep", MINI, "--runs", "1", "--vary",
                    "transfer_divisions=\uff10..\uff12", "--out", str(tmp_path / "s"))
    assert "malformed" in err


@pytest.mark.parametrize("cmd", ["validate", "calibrate"])
def test_an_unknown_subject_names_the_subjects(capsys, cmd):
    err = one_error(capsys, cmd, "foo", "x")
    assert f"unknown subject 'foo': stavka {cmd} campaign or cdb90" in err


def test_replay_report_folder_must_be_empty_or_a_sync_report(capsys, tmp_path):
    rep = tmp_path / "r.json"
    code, _, err = run(capsys, "run", MINI, "--days", "2", "--quiet", "--save-replay", str(rep))
    assert code == 0, err
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "sync.txt").write_text("my own sync notes\n")
    err = one_error(capsys, "replay", str(rep), "--quiet", "--report", str(mine))
    assert "holds no sync.txt written by stavka" in err
    assert (mine / "sync.txt").read_text() == "my own sync notes\n"
    out = tmp_path / "sync"
    for _ in range(2):  # its own folder is written again
        code, _, err = run(capsys, "replay", str(rep), "--quiet", "--report", str(out))
        assert code == 0, err
    assert (out / "sync.txt").read_text().startswith("replay ")


@pytest.mark.parametrize(("arg", "hint"), [
    ("rules.ground_speed.MUD=0.6", "did you mean 'mud'"),
    ("rules.Truck_Range_KM=300", "did you mean 'truck_range_km'"),
])
def test_a_name_in_the_wrong_case_is_suggested(capsys, arg, hint):
    assert hint in one_error(capsys, "run", MINI, "--days", "1", "--quiet", "--set", arg)


@pytest.mark.parametrize("args", [
    ["run", MINI, "--seed", "1_0", "--days", "1"],
    ["run", MINI, "--days=1_0"],
    ["run", MINI, "--seed", "\uff17", "--days", "1"],
])
def test_integer_options_are_plain_digits(capsys, args):
    assert "is not a number as written" in one_error(capsys, *args, "--quiet")


def test_a_bare_folder_is_taken_and_a_linked_marker_is_not(capsys, tmp_path):
    """Hidden files and empty folders (an interrupted run's plots/ and sweep/) hold
    nothing of a user's; a summary.json that is a link to another report does not make a
    folder of the user's a report."""
    bare = tmp_path / "bare"
    (bare / "plots").mkdir(parents=True)
    (bare / "sweep").mkdir()
    (bare / ".DS_Store").write_bytes(b"\0")
    code, _, err = run(capsys, "validate", "campaign", str(HISTORY), "--runs", "2",
                       "--quiet", "--out", str(bare))
    assert code == 0, err
    assert (bare / ".DS_Store").read_bytes() == b"\0"
    real = tmp_path / "real"
    code, _, err = run(capsys, "run", MINI, "--days", "2", "--quiet", "--report", str(real))
    assert code == 0, err
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    (mixed / "report.html").write_text("mine\n")
    (mixed / "summary.json").symlink_to(real / "summary.json")
    err = one_error(capsys, "run", MINI, "--days", "2", "--quiet", "--report", str(mixed))
    assert "holds no summary.json or chronicle.md or events.jsonl written by stavka" in err
    assert (mixed / "report.html").read_text() == "mine\n"


def test_a_folder_where_a_report_file_goes_is_refused_before_the_run(capsys, tmp_path,
                                                                     monkeypatch):
    out = tmp_path / "o"
    code, _, err = run(capsys, "run", MINI, "--days", "2", "--quiet", "--report", str(out))
    assert code == 0, err
    before = (out / "summary.json").read_bytes()
    (out / "report.html").unlink()
    (out / "report.html").mkdir()
    import stavka.api

    def no_run(*a, **k):
        raise AssertionError("ran the campaign before checking --report")

    monkeypatch.setattr(stavka.api.Campaign, "run", no_run)
    err = one_error(capsys, "run", MINI, "--days", "2", "--quiet", "--report", str(out))
    assert "report.html" in err
    assert (out / "summary.json").read_bytes() == before


def test_the_api_save_replay_replaces_only_a_replay(tmp_path):
    keep = tmp_path / "keep.txt"
    keep.write_text("my notes\n")
    c = stavka.Campaign(MINI, seed=1, trace=True).run(1)
    with pytest.raises(InputError, match="not a stavka replay file"):
        c.save_replay(keep)
    assert keep.read_text() == "my notes\n"
    c.save_replay(tmp_path / "r.json")
    c.save_replay(tmp_path / "r.json")  # its own replay is replaced


def test_a_folder_where_a_plot_goes_is_one_line_naming_it(capsys, tmp_path):
    out = tmp_path / "v"
    code, _, err = run(capsys, "validate", "campaign", str(HISTORY), "--runs", "2", "--quiet",
                       "--out", str(out))
    assert code == 0, err
    plot = sorted((out / "plots").iterdir())[0]
    plot.unlink()
    plot.mkdir()
    err = one_error(capsys, "validate", "campaign", str(HISTORY), "--runs", "2", "--quiet",
                    "--out", str(out))
    assert f"cannot write {plot} (exists and is a directory)" in err
    assert (out / "sweep" / "sweep.json").is_file()


@pytest.mark.parametrize("exc, rc, line", [
    (EOFError("Compressed file ended before the end-of-stream marker was reached"), 2,
     "error: a file ended before its data did (Compressed file ended before the "
     "end-of-stream marker was reached)"),
    (KeyboardInterrupt(), 130, "interrupted"),
])
def test_what_click_calls_an_abort_is_told_apart(capsys, monkeypatch, exc, rc, line):
    # click turns both an EOFError (a truncated file read deep inside a command) and a
    # Ctrl-C into Abort; the first printed "aborted" and exit 130, as if interrupted
    import stavka.api

    def load(*a, **k):
        raise exc

    monkeypatch.setattr(stavka.api, "load", load)
    assert main(["check", "two-fronts-1941"]) == rc
    assert capsys.readouterr().err.strip().splitlines()[-1] == line
