"""The command line: exit codes and one-line errors, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stavka.cli import main

DATA = Path(__file__).resolve().parents[1] / "data"
MINI = str(DATA / "mini.yaml")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def test_run_prints_summary_with_digest(capsys):
    code, out, err = run(capsys, "run", MINI, "--seed", "7", "--quiet")
    assert code == 0, err
    assert "digest" in out and "result:" in out


def test_same_seed_same_digest_different_seed_differs(capsys):
    digests = []
    for seed in ("7", "7", "8"):
        code, out, _ = run(capsys, "run", MINI, "--seed", seed, "--quiet")
        assert code == 0
        digests.append(out.split("digest")[1].split()[0])
    assert digests[0] == digests[1]
    assert digests[0] != digests[2]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["run", "no-such-scenario"], "unknown scenario 'no-such-scenario'"),
        (["run", MINI, "--set", "tranfer_divisions=1"], "did you mean 'transfer_divisions'"),
        (["run", MINI, "--set", "transfer_divisions=9"], "must be <= 2 (got 9)"),
        (["run", MINI, "--set", "transfer_divisions=two"], "must be a whole number (got 'two')"),
        (["run", MINI, "--set", "nonsense"], "--set expects NAME=VALUE"),
        (["run", MINI, "--seed", "-3"], "--seed must be >= 0 (got -3)"),
        (["run", MINI, "--seed", "abc"], "--seed"),
        (["run", MINI, "--days", "0"], "--days must be >= 1"),
        (["run", MINI, "--bogus"], "No such option"),
        (["run", "missing-file.yaml"], "missing-file.yaml: file not found"),
        (["run", MINI, "--days", "2", "--quiet", "--report", "/proc/no-such/dir"],
         "--report /proc/no-such/dir: cannot write there"),
    ],
)
def test_bad_cli_values_give_one_line_and_exit_2(capsys, args, needle):
    code, out, err = run(capsys, *args)
    assert code == 2
    assert needle in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


BAD = """\
id: bad
name: Bad
start: 1941-10-01
end: 1941-13-30
climate: {west: {periods: []}}
sides:
  soviet: {name: S, alliance: allies}
nodes:
  - {id: moscow, name: Moscow, lat: 55.7, lon: 37.6, zone: west, owner: soviet}
  - {id: tula, name: Tula, lat: 54.2, lon: 37.6, zone: west, owner: soviet}
edges:
  - {a: moscow, b: tula, kind: rail, km: 194}
  - {a: moscow, b: tulla, kind: road, km: 190}
formation_types:
  rifle: {men: 10000}
formations:
  - {id: a, name: A, side: soviet, type: rifle, location: moscow, men: -5}
"""


@pytest.mark.parametrize("command", ["check", "run"])
def test_scenario_with_errors_lists_every_problem(tmp_path, capsys, command):
    p = tmp_path / "bad.yaml"
    p.write_text(BAD)
    code, out, err = run(capsys, command, str(p))
    assert code == 2
    assert "Traceback" not in err
    assert f"{p}:4: end:" in err  # bad date
    assert f"{p}:12: edges[0]: rail edge needs 'capacity'" in err
    assert f"{p}:13: edges[1].b: unknown node 'tulla' (did you mean 'tula'?)" in err
    assert f"{p}:17: formations[0].men: input should be greater than or equal to 0 (got -5)" in err
    assert "4 problem(s)" in err


def test_check_ok(capsys):
    code, out, _ = run(capsys, "check", MINI)
    assert code == 0 and out.startswith("ok: mini")


def test_info_json(capsys):
    code, out, _ = run(capsys, "info", MINI, "--json")
    assert code == 0
    data = json.loads(out)
    assert {"nodes", "edges", "formations", "sides", "start", "end", "parameters"} <= set(data)
    assert data["parameters"]["transfer_divisions"]["default"] == 1
    assert len(data["formations"]) == 7


def test_info_names_the_rules_version(capsys):
    # a new-user trial: nothing said which campaign rules a scenario runs on (the
    # default, or the version it pins)
    from stavka.rules import RULES_VERSION

    code, out, _ = run(capsys, "info", "two-fronts-1941", "--json")
    assert code == 0 and json.loads(out)["rules_version"] == RULES_VERSION
    code, out, _ = run(capsys, "info", "two-fronts-1941")
    assert f"campaign rules {RULES_VERSION} (the default)" in out.splitlines()[1]
    code, out, _ = run(capsys, "info", "moscow-last-stand")
    assert "campaign rules v3" in out and "(the default)" not in out.splitlines()[1]


def test_no_args_prints_help(capsys):
    code, out, _ = run(capsys)
    assert code == 0 and "run" in out


def test_days_beyond_the_campaign_say_so(capsys):
    code, out, err = run(capsys, "run", MINI, "--days", "100000", "--quiet")
    assert code == 0
    assert err.startswith("note: ") and "--days 100000 runs all of them" in err
    code, out, err = run(capsys, "run", MINI, "--days", "2", "--quiet")
    assert code == 0 and err == ""


@pytest.mark.parametrize("command", ["validate", "calibrate"])
def test_the_cdb90_forms_help_points_to_the_campaign_form(capsys, command):
    # `stavka validate --help` shows the cdb90 form's options; a reader looking for the
    # campaign form (the README's first example) is told where it is
    code, out, _ = run(capsys, command, "--help")
    assert code == 0 and "--battles" in out
    assert f"stavka {command} campaign --help" in " ".join(
        x.strip(" │") for x in out.splitlines())


def test_ctrl_c_during_run_exits_130(capsys, monkeypatch):
    # typer returns (does not raise) the code of a KeyboardInterrupt without
    # standalone mode: main must pass it on, not exit 0
    import stavka.api

    def interrupted(self, *a, **k):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(stavka.api.Campaign, "run", interrupted)
    monkeypatch.setattr(stavka.api.Campaign, "step", interrupted)
    assert main(["run", "two-fronts-1941", "--days", "3", "--quiet"]) == 130
    assert "interrupted" in capsys.readouterr().err


def test_line_100_is_not_an_emoji(tmp_path, capsys):
    # rich turned "file.yaml:100: ..." into "file.yaml💯 ..." (":100:" is an emoji name)
    lines = Path(MINI).read_text().replace("location: vyazma}", "location: nowhere}", 1)
    lines = lines.splitlines()
    pad = 100 - next(i for i, ln in enumerate(lines, 1) if "nowhere" in ln)
    bad = tmp_path / "s.yaml"
    bad.write_text("\n".join(["#"] * pad + lines) + "\n")
    code, _, err = run(capsys, "check", str(bad))
    assert code == 2 and "s.yaml:100: formations[0].location: unknown node" in err, err
    assert "\U0001f4af" not in err


@pytest.mark.parametrize("name", ["[/]", "[/x]", "[bold]r", ":100:", "a\x1bb"])
def test_output_paths_are_printed_as_given(tmp_path, capsys, monkeypatch, name):
    # a path with rich markup in it was a MarkupError traceback after the campaign ran
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "run", MINI, "--days", "2", "--quiet", "--save-replay", name)
    assert code == 0, err
    shown = name.replace("\x1b", "\\x1b")
    assert f"replay written to {shown} " in out and "Traceback" not in err


def test_info_shows_the_step_and_the_commanders(capsys, tmp_path):
    """``info`` (text and --json) gives the step length and the commanders; a step shorter
    than a day is said wherever the campaign's length in days is (info, the run header,
    ``scenarios``)."""
    code, out, _ = run(capsys, "info", "moscow-last-stand", "--json")
    data = json.loads(out)
    assert code == 0 and data["step_hours"] == 1 and data["days"] == 28
    assert [c["id"] for c in data["commanders"]] == ["frunze"]
    assert data["commanders"][0]["formation"] == "sov_gds1"
    code, out, _ = run(capsys, "info", "moscow-last-stand")
    assert "1941-09-04, 28 days in 1-hour steps" in out.splitlines()[0]
    assert "commanders: 1" in out and "Frunze (frunze)" in out and "sov_gds1" in out
    code, out, _ = run(capsys, "info", MINI, "--json")
    assert json.loads(out)["step_hours"] == 24 and json.loads(out)["commanders"] == []
    code, out, _ = run(capsys, "info", MINI)
    assert out.splitlines()[0].endswith(", 30 days") and "commanders" not in out
    code, out, _ = run(capsys, "run", "moscow-last-stand", "--days", "1", "--quiet")
    assert "(1 day in 1-hour steps)" in out.splitlines()[0]
    code, out, _ = run(capsys, "run", MINI, "--days", "2", "--quiet")
    assert "(2 days)" in out.splitlines()[0]
    code, out, _ = run(capsys, "scenarios")
    rows = {ln.split("│")[1].strip(): [c.strip() for c in ln.split("│")[1:-1]]
            for ln in out.splitlines() if ln.startswith("│") and ln.split("│")[1].strip()}
    assert rows["moscow-last-stand"][4] == "1 h" and rows["two-fronts-1941"][4] == "day"


def test_messages_name_a_folder_once_and_bounds_as_written(capsys, tmp_path):
    """`--report out/` reads 'report written to out/' (it read 'out//'), and the info table's
    whole-number bounds read 0..18, not 0.0..18.0 (the new-user trial)."""
    assert main(["run", "two-fronts-1941", "--days", "1", "--report", f"{tmp_path}/rep/"]) == 0
    out = capsys.readouterr().out
    assert f"report written to {tmp_path}/rep/ (" in out and "//" not in out
    assert main(["info", "two-fronts-1941"]) == 0
    out = capsys.readouterr().out
    assert "0..18" in out and "0.0..18.0" not in out


@pytest.mark.parametrize("cmd", [
    ["run", "two-fronts-1941", "--days", "1"],
    ["validate", "campaign", "two-fronts-1941", "--runs", "1"],
])
def test_a_set_name_given_twice_is_refused(capsys, cmd):
    """The last value silently won; --vary and --grid already refused a repeated name."""
    assert main([*cmd, "--set", "rules.move_retarget=1", "--set", "rules.move_retarget=0"]) == 2
    assert "--set rules.move_retarget given twice" in capsys.readouterr().err


@pytest.mark.parametrize("args", [
    ["sweep", MINI, "--runs", "2", "--out", ""],
    ["validate", "campaign", MINI, "--out="],
    ["run", MINI, "--report", " "],
    ["run", MINI, "--save-replay", ""],
])
def test_an_empty_path_is_no_folder_and_nothing_is_written_here(capsys, tmp_path, monkeypatch,
                                                                 args):
    # a Path option reads '' as the current folder: sweep --out '' wrote its files there
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, *args)
    assert code == 2
    assert err.startswith("error: --") and "not a file or folder name" in err
    assert list(tmp_path.iterdir()) == []


def test_a_link_shorter_than_a_metre_is_a_located_error(capsys, tmp_path):
    # it rounded to 0 m, which is no link: an attack across it found "no land route"
    text = Path(MINI).read_text().replace("kind: rail, km: 176,", "kind: rail, km: 0.0004,")
    bad = tmp_path / "short.yaml"
    bad.write_text(text)
    code, _, err = run(capsys, "check", str(bad))
    assert code == 2
    assert "edges[0].km" in err and "0.001" in err, err


def test_a_run_cut_short_says_its_flags_are_not_all_decided(capsys):
    code, out, _ = run(capsys, "run", MINI, "--days", "2", "--quiet")
    assert code == 0 and "outcome (after 2 days, before the campaign's end: a flag decided " \
                         "later reads no):" in " ".join(out.split())
    code, out, _ = run(capsys, "run", MINI, "--quiet")
    assert code == 0 and "\noutcome: " in out and "before the campaign's end" not in out
