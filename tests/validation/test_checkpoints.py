"""Checkpoints files: every problem located and reported at once; ``validate campaign``
end to end on the tiny scenario."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from stavka.cli import main
from stavka.engine.core import compile_world
from stavka.scenario.loader import load_file
from stavka.validation import checkpoints as C
from stavka.validation.campaign import as_json, markdown, validate
from stavka.validation.history import Meta

DATA = Path(__file__).resolve().parents[1] / "data"

SCN = DATA / "t_history.yaml"
BAD = DATA / "t_history_bad.checkpoints.yaml"


@pytest.fixture(scope="module")
def meta():
    return Meta.of(compile_world(load_file(SCN).spec, None, 1).static)


def _problems(meta, tmp_path, text):
    """Write ``text`` as a checkpoints file and load it: (its path, the problems' lines)."""
    p = tmp_path / "c.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(C.CheckpointError) as exc:
        C.load(p, meta, "t-history")
    return p, [str(x) for x in exc.value.problems]


def test_the_shipped_checkpoints_load():
    import stavka

    ld = stavka.load("two-fronts-1941")
    m = Meta.of(compile_world(ld.spec, None, 1).static)
    cps = C.load(C.default_path(ld.files), m, ld.spec.id)
    assert len(cps.args) == len(cps.spec.checkpoints) >= 20
    # nothing after 5 December 1941 (kept back to score the counteroffensive blind)
    assert max(C.Checkpoint.model_validate(c.model_dump()).high for c in cps.spec.checkpoints
               if hasattr(c.high, "isoformat")).isoformat() <= "1941-12-05"


def test_every_problem_located_at_once(meta):
    with pytest.raises(C.CheckpointError) as exc:
        C.load(BAD, meta, "t-history")
    lines = [str(p) for p in exc.value.problems]
    f = str(BAD)
    want = [
        rf"{f}:7: checkpoints\[0\]\.args\.region: unknown region 'twon' \(did you mean 'town'\?\)",
        rf"{f}:14: checkpoints\[1\]\.args\.side: unknown side 'finland'",
        rf"{f}:20: checkpoints\[2\]\.metric: unknown metric 'ownr' \(did you mean 'owner'\?\)",
        rf"{f}:29: checkpoints\[3\]\.history: date 1941-12-05 is outside the scenario "
        r"\(1941-10-01 \.\. 1941-10-20\)",
        rf"{f}:35: checkpoints\[4\]\.args\.by: date 1942-01-01 is outside the scenario",
        rf"{f}:35: checkpoints\[4\]\.args\.front\[1\]: unknown front 'east'",
        rf"{f}:35: checkpoints\[4\]\.args\.colour: metric prisoners takes no argument 'colour'",
        rf"{f}:36: checkpoints\[4\]\.history: must be a number for metric prisoners",
        rf"{f}:38: checkpoints\[4\]\.confidence: ",
    ]
    for w in want:
        assert any(re.match(w, line) for line in lines), (w, lines)
    assert len(lines) == len(want), lines


def test_cli_reports_them_exit_2(capsys):
    code = main(["validate", "campaign", str(SCN), "--runs", "2", "--checkpoints", str(BAD)])
    cap = capsys.readouterr()
    assert code == 2
    errs = cap.err.strip().splitlines()
    assert len(errs) == 10 and errs[-1] == "error: 9 problem(s) in checkpoints file"
    assert all(e.startswith(f"{BAD}:") for e in errs[:-1])
    assert "Traceback" not in cap.err


def test_wrong_scenario_and_missing_file(meta, tmp_path):
    with pytest.raises(C.CheckpointError, match=r"checkpoints are for 't-history', not 'x'"):
        C.load(DATA / "t_history.checkpoints.yaml", meta, "x")
    with pytest.raises(C.CheckpointError, match="file not found"):
        C.load(tmp_path / "none.yaml", meta)
    p = tmp_path / "c.yaml"
    p.write_text("scenario: t-history\ncheckpoints:\n  - {id: a, metric: owner}\n")
    with pytest.raises(C.CheckpointError) as exc:
        C.load(p, meta)
    text = "\n".join(str(q) for q in exc.value.problems)
    assert f"{p}:3: checkpoints[0].description: field required" in text.replace("Field", "field")
    assert f"{p}:3: checkpoints[0].args.region: metric owner needs this argument" in text


def test_validate_on_the_tiny_scenario(tmp_path):
    rep = validate(SCN, 3, seed=0, out=tmp_path / "v", backend="serial")
    by = {o.cp.id: o for o in rep.outcomes}
    assert by["town_falls"].median == 3 and by["town_falls"].in_band == 1.0
    assert by["town_falls"].history_in_range
    assert by["town_retaken"].in_band == 1.0
    assert by["closest"].median == pytest.approx(11.12, abs=0.01)
    assert 9_000 < by["prisoners"].median <= 10_000
    # the engine records wounded losses; the v1 rules of this scenario do not split them
    assert by["wounded"].measured and by["wounded"].median == 0
    md = markdown(rep)
    assert "| Town falls | 4 Oct | 3 Oct – 5 Oct | 4 Oct | 4 Oct – 4 Oct | 100.0 % | yes |" in md
    js = as_json(rep)
    # every run gives 11.12 km and 9,655 prisoners: history (11.1, 9,700) is in the band
    # but outside a 10-90 % range that narrow
    assert not by["closest"].history_in_range and not by["prisoners"].history_in_range
    # the calibration objective: every median in its band, so only the two histories
    # outside their (one-value) ranges count, half the square of the miss in the scale of
    # each (the larger of the band's width and a fifth of the history)
    km, pw = by["closest"].median, by["prisoners"].median
    want = 0.5 * ((km - 11.1) / (0.2 * 11.1)) ** 2 + 0.5 * ((9700 - pw) / (0.2 * 9700)) ** 2
    assert js["totals"].pop("objective") == pytest.approx(want, abs=1e-6) and want > 0
    assert js["totals"] == {"measured": 5, "not_measured": 0, "history_in_range": 3,
                            "median_in_band": 5, "blind": 0}
    assert "calibration objective (lower is better" in md
    files = {p.name for p in (tmp_path / "v").iterdir()}
    assert {"report.md", "report.json", "plots", "sweep"} <= files
    assert (tmp_path / "v" / "plots" / "town_falls.png").stat().st_size > 1000
    assert json.loads((tmp_path / "v" / "report.json").read_text())["runs"] == 3


def test_cli_json(capsys):
    code = main(["validate", "campaign", str(SCN), "--runs", "2", "--workers", "1", "--json"])
    cap = capsys.readouterr()
    assert code == 0, cap.err
    js = json.loads(cap.out)
    assert js["checkpoints"][0]["id"] == "town_falls"
    assert js["checkpoints"][0]["median"] == "1941-10-04"


def test_validate_subject_and_help():
    import inspect

    from stavka import cli
    from stavka.validation.cli import campaign_cmd

    spec = cli.LAZY_SUBJECTS[("validate", "campaign")]
    doc = inspect.getdoc(campaign_cmd) or ""
    assert " ".join(doc.split("\n\n")[0].split()) == spec.help
    assert cli.lazy_command("validate", "campaign").callback is not None
    assert main(["validate", "campaign"]) == 2


def test_arguments_and_values_that_make_no_sense_together(meta, tmp_path):
    """A period that runs backwards, a war of a side with itself, a band or history that
    is not a finite number: one located line each, all at once."""
    p = tmp_path / "c.yaml"
    p.write_text("""scenario: t-history
checkpoints:
  - id: backwards
    description: x
    metric: held_throughout
    args: {region: town, side: soviet, from: 1941-10-15, to: 1941-10-02}
    history: true
    source: x
    confidence: A
  - id: itself
    description: x
    metric: at_war
    args: {a: soviet, b: soviet, on: 1941-10-10}
    history: false
    source: x
    confidence: A
  - id: nan_band
    description: x
    metric: prisoners
    args: {side: soviet, by: 1941-10-10}
    history: .nan
    band: [0, .inf]
    source: x
    confidence: A
""")
    with pytest.raises(C.CheckpointError) as exc:
        C.load(p, meta, "t-history")
    lines = [str(x) for x in exc.value.problems]
    assert any(":6: checkpoints[0].args: the period runs backwards" in ln for ln in lines), lines
    assert any(":13: checkpoints[1].args.b: must be another side than a" in ln
               for ln in lines), lines
    assert any("checkpoints[2].history: must be a finite number" in ln for ln in lines), lines
    assert any("checkpoints[2].band[1]: must be a finite number" in ln for ln in lines), lines
    assert all("\n" not in ln for ln in lines)


BLIND = """scenario: t-history
checkpoints:
  - id: town_taken
    description: town taken (a prediction)
    metric: capture_date
    args: {region: town}
    source: kept back
  - id: with_band
    description: a prediction with a band
    metric: capture_date
    args: {region: town}
    band: [1941-10-02, 1941-10-05]
    source: kept back
  - id: no_confidence
    description: a history without a confidence
    metric: capture_date
    args: {region: town}
    history: 1941-10-04
    source: somewhere
"""


def test_blind_predictions_have_no_band_and_histories_a_confidence(meta, tmp_path):
    p, lines = _problems(meta, tmp_path, BLIND)
    assert lines == [
        f"{p}:12: checkpoints[1].band: a blind prediction (no history) has no band",
        f"{p}:14: checkpoints[2].confidence: needed with a history: A (read in a source) or B",
    ]


def test_a_blind_prediction_is_reported_without_a_score(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text(BLIND.split("  - id: with_band")[0], encoding="utf-8")
    rep = validate(SCN, 3, seed=0, checkpoints=p, backend="serial")
    (o,) = rep.outcomes
    assert o.blind and o.median == 3.0  # town falls on day 3 in every run
    md = markdown(rep)
    assert "| town taken (a prediction) | blind | – | 4 Oct | 4 Oct – 4 Oct | – | – |" in md
    assert "Blind predictions" in md and "History inside" not in md
    js = as_json(rep)
    assert js["totals"] == {"measured": 0, "not_measured": 0, "history_in_range": 0,
                            "median_in_band": 0, "blind": 1, "objective": 0.0}
    assert js["checkpoints"][0]["band"] is None and js["checkpoints"][0]["in_band"] is None
    json.dumps(js, allow_nan=False)  # a machine-readable report has no NaN


def test_manchuria_checkpoints_are_all_blind():
    import stavka

    ld = stavka.load("manchuria-1945")
    m = Meta.of(compile_world(ld.spec, None, 1).static)
    cps = C.load(C.default_path(ld.files), m, ld.spec.id)
    assert cps.spec.checkpoints and all(c.history is None for c in cps.spec.checkpoints)


RATIOS = """scenario: t-history
checkpoints:
  - id: no_tanks
    description: German tanks kept (there are none)
    metric: strength_ratio
    args: {side: germany, category: tanks, from: 1941-10-01, on: 1941-10-10}
    history: 0.5
    band: [0.4, 0.6]
    source: x
    confidence: A
  - id: no_tanks_blind
    description: German tanks kept, a prediction
    metric: strength_ratio
    args: {side: germany, category: tanks, from: 1941-10-01, on: 1941-10-10}
    source: kept back
  - id: sick
    description: Soviet sick and wounded
    metric: losses
    args: {side: soviet, causes: [sick, wounded], to: 1941-10-20}
    history: 0
    source: x
    confidence: B
"""


def test_a_metric_undefined_in_every_run_is_not_measured(tmp_path):
    """strength_ratio over a strength of zero on `from` is NaN in every run: the report
    (Markdown and JSON, blind or not) says so instead of a median of NaN, and the
    calibration objective stays a number: the cap for the one with a history (a rule
    value that makes a metric unmeasurable is not a hit), nothing for the blind one."""
    from stavka.validation.calibrate import objective

    p = tmp_path / "c.yaml"
    p.write_text(RATIOS, encoding="utf-8")
    rep = validate(SCN, 3, seed=0, checkpoints=p, backend="serial")
    a, b, sick = rep.outcomes
    for o in (a, b):
        assert not o.measured and "undefined in every run" in o.reason and o.undefined == 3
    assert sick.measured
    js = as_json(rep)
    json.dumps(js, allow_nan=False)
    assert js["totals"]["measured"] == 1 and js["totals"]["not_measured"] == 2
    md = markdown(rep)
    assert "| German tanks kept, a prediction | blind | – | not measured: " in md
    assert "nan" not in md.lower()
    score, terms = objective(rep.outcomes)
    blind = next(o.cp.id for o in (a, b) if o.blind)
    other = next(o.cp.id for o in (a, b) if not o.blind)
    assert score == score and terms[blind] == 0.0 and terms[other] == 150.0
    assert "not measured: 1" in md or "not measured: 2" in md


def test_runs_where_a_metric_is_undefined_are_left_out_and_counted(tmp_path, monkeypatch):
    import numpy as np

    from stavka.validation import metrics

    p = tmp_path / "c.yaml"
    p.write_text(RATIOS.split("  - id: no_tanks_blind")[0], encoding="utf-8")
    m = metrics.REGISTRY["strength_ratio"]
    monkeypatch.setitem(metrics.REGISTRY, "strength_ratio", metrics.Metric(
        m.name, m.args, m.kind, lambda h, a: np.array([np.nan, 0.5, 0.45]), m.doc))
    rep = validate(SCN, 3, seed=0, checkpoints=p, backend="serial")
    (o,) = rep.outcomes
    assert o.measured and o.undefined == 1 and o.values.tolist() == [0.5, 0.45]
    assert o.median == 0.45 and o.in_band == 1.0
    row = as_json(rep)["checkpoints"][0]
    assert row["runs"] == 2 and row["undefined_runs"] == 1
    assert "(undefined in 1 runs)" in markdown(rep)


@pytest.mark.parametrize("args, end", [
    ("{side: soviet, from: 1941-10-15, on: 1941-10-02}", "on"),
    ("{side: soviet, from: 1941-10-15, by: 1941-10-02}", "by"),
    ("{side: soviet, from: 1941-10-15, to: 1941-10-02}", "to"),
])
def test_a_period_that_runs_backwards_whatever_ends_it(meta, tmp_path, args, end):
    metric = {"on": "strength_ratio", "by": "prisoners", "to": "losses"}[end]
    p = tmp_path / "c.yaml"
    p.write_text(f"""scenario: t-history
checkpoints:
  - id: back
    description: x
    metric: {metric}
    args: {args}
    history: 1
    source: x
    confidence: A
""", encoding="utf-8")
    with pytest.raises(C.CheckpointError) as exc:
        C.load(p, meta, "t-history")
    assert [str(x) for x in exc.value.problems] == [
        f"{p}:6: checkpoints[0].args: the period runs backwards (from 1941-10-15 to "
        f"1941-10-02, its '{end}')"]


def test_a_timestamp_where_a_date_belongs_is_located_not_a_traceback(meta, tmp_path):
    """YAML reads `1941-10-05 12:00` as a datetime (a date with a time): comparing it with
    the scenario's dates raised TypeError; it is a located problem like any bad date."""
    p = tmp_path / "c.yaml"
    p.write_text("""scenario: t-history
checkpoints:
  - id: noon
    description: x
    metric: owner
    args: {region: town, side: soviet, on: 1941-10-05 12:00:00}
    history: true
    source: x
    confidence: A
  - id: noon_history
    description: x
    metric: capture_date
    args: {region: town}
    history: 1941-10-04 06:00:00
    band: [1941-10-03 01:00:00, 1941-10-05]
    source: x
    confidence: A
  - id: noon_period
    description: x
    metric: losses
    args: {side: soviet, from: 1941-10-09 23:00:00, to: 1941-10-02}
    history: 1
    source: x
    confidence: A
""", encoding="utf-8")
    with pytest.raises(C.CheckpointError) as exc:
        C.load(p, meta, "t-history")
    lines = [str(x) for x in exc.value.problems]
    assert any(":6: checkpoints[0].args.on: must be a date without a time of day" in ln
               for ln in lines), lines
    assert any(":14: checkpoints[1].history: must be a date" in ln for ln in lines), lines
    assert any(":15: checkpoints[1].band[0]: must be a date" in ln for ln in lines), lines
    assert any(":21: checkpoints[2].args.from:" in ln for ln in lines), lines


@pytest.mark.parametrize("blocker", ["report.json", "report.md", "plots", "sweep"])
def test_validate_out_that_cannot_take_the_report_is_refused_before_any_run(
        tmp_path, capsys, monkeypatch, blocker):
    import stavka.validation.campaign as camp

    def no_run(*a, **k):
        raise AssertionError("ran campaigns before checking --out")

    monkeypatch.setattr(camp, "validate", no_run)
    out = tmp_path / "out"
    out.mkdir()
    if blocker.startswith("report"):
        (out / blocker).mkdir()  # a folder where the report file goes
    else:
        (out / blocker).write_text("x")  # a file where a folder goes
    assert main(["validate", "campaign", str(SCN), "--runs", "2", "--quiet",
                 "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"cannot write there ({blocker}" in err and "Traceback" not in err, err


def test_cli_set_rules_for_every_run(capsys):
    # --set reaches every run (supply in tons on the tiny scenario) and a bad name or
    # value is one line, exit 2, before anything runs
    code = main(["validate", "campaign", str(SCN), "--runs", "2", "--workers", "1", "--json",
                 "--set", "rules.supply_tons=1"])
    cap = capsys.readouterr()
    assert code == 0, cap.err
    assert json.loads(cap.out)["runs"] == 2
    for bad, msg in (("rules.supply_tonz=1", "did you mean 'supply_tons'"),
                     ("rules.supply_tons=2", "is a switch: 0 (off) or 1 (on)"), ("nonsense", "NAME=VALUE")):
        assert main(["validate", "campaign", str(SCN), "--runs", "2", "--set", bad]) == 2
        err = capsys.readouterr().err
        assert msg in err and len(err.strip().splitlines()) == 1, err


@pytest.mark.parametrize("cmd", [["validate", "campaign"],
                                 ["calibrate", "campaign", "--grid", "rules.rest_days=1,2"]])
def test_a_scenario_without_checkpoints_says_so(cmd, tmp_path, capsys):
    """No checkpoints file beside the scenario and none given: one line that says so and
    names --checkpoints (not "file not found" and "N problem(s) in scenario")."""
    scn = tmp_path / "s.yaml"
    scn.write_text(SCN.read_text(encoding="utf-8"), encoding="utf-8")
    assert main([*cmd[:2], str(scn), *cmd[2:], "--runs", "2"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (f"error: scenario 't-history' has no checkpoints file (no "
                   f"{tmp_path / 's.checkpoints.yaml'}); give one with --checkpoints FILE")
    # a missing file given with --checkpoints is the file's problem, named as such
    assert main([*cmd[:2], str(scn), *cmd[2:], "--runs", "2", "--checkpoints",
                 str(tmp_path / "none.yaml")]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        f"{tmp_path / 'none.yaml'}: file not found", "error: 1 problem(s) in checkpoints file"]


RESOLUTION = """scenario: t-history
checkpoints:
  - id: closest
    description: closest German approach to the Soviet base (km)
    metric: min_distance
    args: {place: sbase, side: germany, from: 1941-10-01, to: 1941-10-08}
    history: 11
    band: [10, 12]
    source: x
    confidence: A
"""


@pytest.mark.parametrize("res, median, inside", [(None, 11.12, False), (1, 11.0, True),
                                                 (0.01, 11.12, False)])
def test_a_resolution_compares_at_the_records_precision(tmp_path, res, median, inside):
    """The town (0.1 degree of latitude, 11.12 km from the Soviet base) falls on day 3 in
    every run: the closest approach is 11.12 km, a record of '11 km' is inside a range of
    one value only at its precision (1 km); at 10 m the model reads 11.12 again."""
    p = tmp_path / "c.yaml"
    p.write_text(RESOLUTION + (f"    resolution: {res}\n" if res else ""), encoding="utf-8")
    (o,) = validate(SCN, 3, seed=0, checkpoints=p, backend="serial").outcomes
    assert o.median == pytest.approx(median, abs=0.01)
    assert o.history_in_range is inside


@pytest.mark.parametrize("res, msg", [
    ("0", "checkpoints[0].resolution: input should be greater than or equal to 0.000001"),
    ("-1", "checkpoints[0].resolution: input should be greater than or equal to 0.000001"),
    ("true", "checkpoints[0].resolution: input should be a valid number"),
    ("'1'", "checkpoints[0].resolution: input should be a valid number"),
    (".nan", "checkpoints[0].resolution: input should be a finite number"),
    ("km", "checkpoints[0].resolution: input should be a valid number"),
])
def test_a_resolution_that_is_not_a_positive_number_is_located(meta, tmp_path, res, msg):
    p, lines = _problems(meta, tmp_path, RESOLUTION + f"    resolution: {res}\n")
    assert any(f":11: {msg}" in ln for ln in lines), lines


def test_only_a_number_metric_has_a_resolution(meta, tmp_path):
    text = BLIND.split("  - id: with_band")[0].replace(
        "    source: kept back\n",
        "    history: 1941-10-04\n    resolution: 1\n    source: x\n    confidence: A\n")
    p, lines = _problems(meta, tmp_path, text)
    assert lines == [f"{p}:8: checkpoints[0].resolution: only a number metric has a "
                     f"resolution; capture_date gives dates"]


def test_the_plot_of_a_prediction_no_run_reached_warns_of_nothing(tmp_path):
    """sbase is never taken: a blind capture date with no finite run has nothing to put in
    a legend, and the report says so without a matplotlib warning on the user's screen."""
    import warnings

    from stavka.validation.campaign import plot

    p = tmp_path / "c.yaml"
    p.write_text("""scenario: t-history
checkpoints:
  - id: sbase_taken
    description: the Soviet base taken (a prediction)
    metric: capture_date
    args: {region: sbase}
    source: kept back
""", encoding="utf-8")
    rep = validate(SCN, 3, seed=0, checkpoints=p, backend="serial")
    assert not rep.outcomes[0].values[rep.outcomes[0].values < 1e9].size  # never taken
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        images = plot(rep, tmp_path)
    assert images["sbase_taken"]


OOB = """scenario: t-history
checkpoints:
  - id: oob
    description: Soviet men in play at the start, by tag
    metric: order_of_battle
    args: {side: soviet, tags: TAGS}
    history: 10000
    source: x
    confidence: A
"""


@pytest.mark.parametrize("tags, men", [("[front_a]", 10000.0), ("[front_b, pocket]", 10000.0),
                                       ("[front_a, pocket]", 20000.0)])
def test_order_of_battle_counts_tagged_formations_once(tmp_path, tags, men):
    """t_history: sov_a (10,000 men, front_a) and sov_p (10,000, front_b and pocket); a
    formation with two of the tags asked for counts once, and every run gives the same."""
    p = tmp_path / "c.yaml"
    p.write_text(OOB.replace("TAGS", tags), encoding="utf-8")
    (o,) = validate(SCN, 3, seed=0, checkpoints=p, backend="serial").outcomes
    assert o.values.tolist() == [men] * 3


@pytest.mark.parametrize("tags, msg", [
    ("[front_c]", ":6: checkpoints[0].args.tags[0]: no soviet formation in play at the "
                  "start carries tag 'front_c' (did you mean 'front_b'?)"),
    ("[front_a, front_a]", ":6: checkpoints[0].args.tags[1]: tag 'front_a' given twice"),
    ("[]", ":6: checkpoints[0].args.tags: list should have at least 1 item"),
])
def test_order_of_battle_with_a_tag_no_formation_has_is_located(meta, tmp_path, tags, msg):
    p, lines = _problems(meta, tmp_path, OOB.replace("TAGS", tags))
    assert any(msg in ln for ln in lines), lines


def test_a_resolution_the_history_or_band_is_no_multiple_of_is_located(meta, tmp_path):
    """Rounded to 5 km the model shows 10 or 15, never the record's 11: a checkpoint that
    can never be met is refused, not run (a resolution of 1,000 rounded every run to 0)."""
    p, lines = _problems(meta, tmp_path, RESOLUTION + "    resolution: 5\n")
    assert any(":7: checkpoints[0].history: 11 is not a whole multiple of the resolution 5"
               in ln for ln in lines), lines
    assert any(":8: checkpoints[0].band[1]: 12 is not a whole multiple" in ln
               for ln in lines), lines


@pytest.mark.parametrize("res", ["1e300", "1000", "25"])
def test_a_resolution_far_above_the_values_is_located(meta, tmp_path, res):
    """A resolution above a value rounds it to 0, which is a multiple of anything: the
    check is relative to the value, so 11 against a resolution of 1e300 is refused too."""
    p, lines = _problems(meta, tmp_path, RESOLUTION + f"    resolution: {res}\n")
    assert any(f":7: checkpoints[0].history: 11 is not a whole multiple of the resolution "
               f"{float(res):g}" in ln for ln in lines), lines


def test_another_sides_tag_is_located(meta, tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text(OOB.replace("soviet", "germany").replace("TAGS", "[front_a]"),
                 encoding="utf-8")
    with pytest.raises(C.CheckpointError) as exc:
        C.load(p, meta, "t-history")
    assert [str(x) for x in exc.value.problems] == [
        f"{p}:6: checkpoints[0].args.tags[0]: no germany formation in play at the start "
        f"carries tag 'front_a'"]


@pytest.mark.parametrize("on, msg", [
    ("'1941-10-05'", "must be a date, written YYYY-MM-DD without quotes (got '1941-10-05')"),
    ("0", "must be a date, written YYYY-MM-DD without quotes (got '0')"),
    ("1941-10-05T00:00:00Z", "must be a date without a time of day (YYYY-MM-DD) "
                             "(got '1941-10-05 00:00:00+00:00')"),
])
def test_a_date_argument_written_as_anything_but_a_date_is_located(meta, tmp_path, on, msg):
    """A quoted date, a whole number (read as seconds since 1970) or a timestamp with a time
    zone passed the schema as a date and skipped the range checks (the timestamp raised
    TypeError later): each is one located line."""
    p = tmp_path / "c.yaml"
    p.write_text(f"""scenario: t-history
checkpoints:
  - id: a
    description: x
    metric: owner
    args: {{region: town, side: germany, on: {on}}}
    history: true
    source: x
    confidence: A
""", encoding="utf-8")
    with pytest.raises(C.CheckpointError) as exc:
        C.load(p, meta, "t-history")
    assert [str(x) for x in exc.value.problems] == [f"{p}:6: checkpoints[0].args.on: {msg}"]


def test_a_band_matplotlib_cannot_draw_loses_no_report(tmp_path):
    """A band up to the largest double makes matplotlib's axis transform singular: that
    checkpoint gets no picture and one warning; the other plots and both reports are
    written (before, a LinAlgError traceback, exit 1, and no report)."""
    import warnings

    from stavka.validation.campaign import write

    p = tmp_path / "c.yaml"
    p.write_text(OOB.replace("TAGS", "[front_a]") + """  - id: huge
    description: the same, with a band no axis can hold
    metric: order_of_battle
    args: {side: soviet, tags: [front_a]}
    history: 10000
    band: [0, 1.7e308]
    source: x
    confidence: A
""", encoding="utf-8")
    rep = validate(SCN, 3, seed=0, checkpoints=p, backend="serial")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        write(rep, tmp_path / "out")
    told = [str(w.message) for w in caught if not issubclass(w.category, RuntimeWarning)]
    assert told == ["checkpoint huge: plot not drawn (LinAlgError: Singular matrix)"]
    assert (tmp_path / "out" / "plots" / "oob.png").is_file()
    assert not (tmp_path / "out" / "plots" / "huge.png").exists()
    assert "a band no axis can hold" in (tmp_path / "out" / "report.md").read_text()
    assert (tmp_path / "out" / "report.json").is_file()


FRONTS = """scenario: t-history
checkpoints:
  - id: men
    description: Soviet men
    metric: strength
    args: {side: soviet, front: FRONTS, category: men, on: 1941-10-03}
    history: 10000
    source: x
    confidence: A
"""


@pytest.mark.parametrize("fronts, msg", [
    ("[west, west]", ":6: checkpoints[0].args.front[1]: front 'west' given twice"),
    ("[]", ":6: checkpoints[0].args.front: names no front: give at least one"),
])
def test_a_list_argument_naming_something_twice_or_nothing_is_located(meta, tmp_path, fronts,
                                                                    msg):
    """A front named twice was counted twice (twice the men); an empty list counted
    nothing (0 men, or 'not measured' for a ratio): both are one located line now, as a
    tag given twice already was."""
    p, lines = _problems(meta, tmp_path, FRONTS.replace("FRONTS", fronts))
    assert any(msg in ln for ln in lines), lines


@pytest.mark.parametrize("cmd", [
    ["validate", "campaign", str(SCN), "--runs", "2", "--workers", "1"],
    ["calibrate", "campaign", str(SCN), "--runs", "2", "--workers", "1",
     "--grid", "rules.sick_per_day=0.001"],
])
def test_a_fifo_as_the_checkpoints_file_is_refused_at_once(tmp_path, capsys, cmd):
    # opening a FIFO for reading waits for a writer: the checkpoints file is opened
    # without blocking and refused as not a regular file (exit 2, one located line)
    import os
    import signal

    fifo = tmp_path / "cp.yaml"
    os.mkfifo(fifo)
    signal.alarm(60)  # a hang fails the test instead of stalling the suite
    try:
        code = main([*cmd, "--checkpoints", str(fifo)])
    finally:
        signal.alarm(0)
    err = capsys.readouterr().err
    assert code == 2
    assert f"{fifo}: cannot read (not a regular file)" in err


def test_a_band_of_dates_backwards_is_shown_as_written(meta, tmp_path):
    # the message shows the user's dates, not Python's datetime.date(...) reprs
    p, lines = _problems(meta, tmp_path, (
        "scenario: t-history\ncheckpoints:\n  - id: a\n    description: d\n"
        "    metric: capture_date\n    args: {region: town}\n    history: 1941-10-04\n"
        "    band: [1941-10-05, 1941-10-03]\n    source: s\n    confidence: A\n"))
    assert lines == [f"{p}:8: checkpoints[0].band: low must not exceed high "
                     f"(got '[1941-10-05, 1941-10-03]')"]


def test_a_history_outside_its_own_band_is_refused(meta, tmp_path):
    p, lines = _problems(meta, tmp_path, (
        "scenario: t-history\ncheckpoints:\n  - id: a\n    description: d\n"
        "    metric: prisoners\n    args: {side: soviet, front: west, from: 1941-10-01, "
        "by: 1941-10-10}\n    history: 5\n    band: [9000, 10000]\n    source: s\n"
        "    confidence: A\n"))
    assert lines == [f"{p}:7: checkpoints[0].history: '5' is outside its own band "
                     f"'[9000, 10000]'"]


def test_a_record_too_large_for_its_resolution_is_located(meta, tmp_path):
    # a hostile trial: history 1e303 at a resolution of 1e-6 overflowed round() into a
    # traceback; it is one located problem per value, like a record between multiples
    text = RESOLUTION.replace("    history: 11\n    band: [10, 12]\n",
                              "    history: 1.0e+303\n    band: [1.0e+303, 1.0e+304]\n")
    p, lines = _problems(meta, tmp_path, text + "    resolution: 0.000001\n")
    hist = [ln for ln in lines if "history:" in ln]
    assert len(hist) == 1 and "1e+303 is too large for the resolution 1e-06" in hist[0], lines
    assert any("band" in ln and "too large for the resolution" in ln for ln in lines), lines


def test_a_description_over_several_lines_stays_one_table_row(tmp_path):
    from stavka.validation.campaign import markdown

    p = tmp_path / "c.yaml"
    p.write_text(RESOLUTION.replace(
        "    description: closest German approach to the Soviet base (km)\n",
        "    description: \"closest German approach\\nto the | base\"\n"), encoding="utf-8")
    rep = validate(SCN, 2, seed=0, checkpoints=p, backend="serial")
    rows = [ln for ln in markdown(rep).splitlines() if "closest German approach" in ln]
    assert len(rows) == 1 and "closest German approach to the / base" in rows[0], rows


def test_a_checkpoints_file_linked_out_of_the_scenario_folder_is_refused(tmp_path, capsys):
    """The scenario's own checkpoints file is found beside it; a link out of its folder
    is refused in one line, as an include's is (a hostile trial linked it to
    /etc/shadow and saw its lines in the error messages). --checkpoints names any file."""
    folder = tmp_path / "scn"
    folder.mkdir()
    scn = folder / "s.yaml"
    scn.write_text(SCN.read_text(encoding="utf-8"), encoding="utf-8")
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text((DATA / "t_history.checkpoints.yaml").read_text(encoding="utf-8"),
                       encoding="utf-8")
    (folder / "s.checkpoints.yaml").symlink_to(outside)
    assert main(["validate", "campaign", str(scn), "--runs", "2", "--workers", "1"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "is a link out of the scenario's folder" in err
    assert "Traceback" not in err
    # named explicitly, the same file is the user's choice
    assert main(["validate", "campaign", str(scn), "--runs", "2", "--workers", "1", "--json",
                 "--checkpoints", str(outside)]) == 0
    capsys.readouterr()
    # a link that stays inside the folder is fine
    (folder / "s.checkpoints.yaml").unlink()
    inside = folder / "real.yaml"
    inside.write_text(outside.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "s.checkpoints.yaml").symlink_to(inside)
    assert main(["validate", "campaign", str(scn), "--runs", "2", "--workers", "1", "--json"]) == 0


def test_one_fields_problem_does_not_hide_anothers(meta, tmp_path):
    # a missing confidence hid the band's and the history's problems; a malformed list
    # of checkpoints hid that the file is for another scenario: all problems at once
    p, lines = _problems(meta, tmp_path, """scenario: t-history
checkpoints:
  - id: a
    description: A
    metric: min_distance
    args: {place: sbase, side: germany, from: 1941-10-01, to: 1941-10-20}
    history: 20
    band: [12, 11]
    source: s
  - id: b
    description: B
    metric: min_distance
    args: {place: sbase, side: germany, from: 1941-10-01, to: 1941-10-20}
    history: 20
    band: [11, 12]
    source: s
""")
    assert lines == [
        f"{p}:3: checkpoints[0].confidence: needed with a history: A (read in a source) or B",
        f"{p}:8: checkpoints[0].band: low must not exceed high (got '[12, 11]')",
        f"{p}:10: checkpoints[1].confidence: needed with a history: A (read in a source) or B",
        f"{p}:14: checkpoints[1].history: '20' is outside its own band '[11, 12]'",
    ]
    p.write_text("scenario: t-other\ncheckpoints: []\n")
    with pytest.raises(C.CheckpointError) as exc:
        C.load(p, meta, "t-history")
    text = "\n".join(str(q) for q in exc.value.problems)
    assert "checkpoints are for 't-other', not 't-history'" in text
    assert len(exc.value.problems) == 2, text  # and the empty list's own problem


def test_a_value_of_no_accepted_kind_is_one_line(meta, tmp_path):
    # history is a flag, a date or a number: a list fitted none and gave one line per kind
    # and one more from the metric's own check
    p, lines = _problems(meta, tmp_path, """scenario: t-history
checkpoints:
  - id: closest
    description: Closest
    metric: min_distance
    args: {place: sbase, side: germany, from: 1941-10-01, to: 1941-10-20}
    history: [11.1]
    band: [11, 12]
    source: s
    confidence: A
""")
    assert lines == [f"{p}:7: checkpoints[0].history: must be a number for metric "
                     "min_distance (got '[11.1]')"]
