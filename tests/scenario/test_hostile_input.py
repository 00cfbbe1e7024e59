"""Hostile scenario files, by kind: `stavka check` and `stavka run` give one located line
per problem (FILE:LINE: field: message) and exit 2, never a traceback, hang or blow-up.

Each test writes its file(s) to tmp_path, mostly as tests/data/mini.yaml with one
mistake put in, and runs the CLI in-process.
"""

from __future__ import annotations

import os
import re
import resource
import time
from pathlib import Path

import pytest

from stavka.cli import main
from stavka.engine.records import Order
from stavka.errors import IllegalOrderError, InputError, ScenarioError
from stavka.scenario import loader
from stavka.scenario.loader import load_file
from stavka.world.static import coerce_param

DATA = Path(__file__).resolve().parents[1] / "data"
MINI = (DATA / "mini.yaml").read_text()
COMMANDS = [("check",), ("run", "--days", "3", "--quiet")]


def mini(old: str = "", new: str = "", extra: str = "") -> str:
    """mini.yaml with ``old`` replaced by ``new`` (once; it must be there) and ``extra``
    appended."""
    if old:
        assert old in MINI, old
    return (MINI.replace(old, new, 1) if old else MINI) + extra


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def problem_lines(capsys: pytest.CaptureFixture[str], path: Path, command: tuple[str, ...],
                  n: int | None = None) -> list[str]:
    """Run ``stavka <command> path``; check exit 2, no traceback, one line per problem
    (each FILE:LINE: ...), the count line; return the problem lines."""
    code, out, err = cli(capsys, command[0], str(path), *command[1:])
    assert code == 2, (out, err)
    assert "Traceback" not in err and "Traceback" not in out
    lines = err.rstrip("\n").split("\n")
    assert lines[-1].startswith("error: "), lines
    probs = lines[:-1]
    assert lines[-1] == f"error: {len(probs)} problem(s) in scenario", lines
    for ln in probs:
        assert re.match(r"^.+:\d+: ", ln), f"not located: {ln!r}"
        assert all(ch.isprintable() for ch in ln), f"unescaped text: {ln!r}"
    if n is not None:
        assert len(probs) == n, probs
    return probs


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_no(path: Path, needle: str) -> int:
    hits = [i for i, ln in enumerate(path.read_text().splitlines(), 1) if needle in ln]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


# -- 1. nesting depth, include depth and count -------------------------------------

@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("extra", [
    "x: " + "[" * 250 + "]" * 250 + "\n",
    "x:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(300)) + "  " * 301 + "v: 1\n",
    # aliases nest too: each level wraps the one before (composed depth 2, expanded 200)
    "y:\n  a0: &a0 [1]\n" + "".join(f"  a{i}: &a{i} [*a{i - 1}]\n" for i in range(1, 200)),
    # an alias to the collection it is in would expand for ever
    "z: &r [1, *r]\n",
], ids=["flow-250", "block-300", "alias-chain-200", "self-alias"])
def test_deep_nesting_is_one_located_problem(tmp_path, capsys, command, extra):
    path = write(tmp_path, mini(extra=extra))
    (ln,) = problem_lines(capsys, path, command, n=1)
    assert ln.startswith(f"{path}:")
    assert "nested deeper than 64 levels" in ln or "refers to a collection that contains it" in ln


def test_include_chain_1500_deep(tmp_path, capsys):
    n = 1500
    for i in range(1, n):
        write(tmp_path, f"include: [c{i + 1}.yaml]\n" if i < n - 1 else "{}\n", f"c{i}.yaml")
    path = write(tmp_path, mini("id: mini\n", "id: mini\ninclude: [c1.yaml]\n"))
    (ln,) = problem_lines(capsys, path, ("check",), n=1)
    assert ln.startswith(f"{tmp_path / 'c32.yaml'}:1: include[0]: includes nested deeper than 32")


def test_more_than_256_included_files_is_one_problem(tmp_path, capsys):
    for i in range(300):
        write(tmp_path, "{}\n", f"p{i}.yaml")
    names = ", ".join(f"p{i}.yaml" for i in range(300))
    path = write(tmp_path, mini("id: mini\n", f"id: mini\ninclude: [{names}]\n"))
    (ln,) = problem_lines(capsys, path, ("check",), n=1)
    assert f"{path}:4: include[255]: more than 256 files" in ln


# -- 2. alias expansion and document size ------------------------------------------

def _laughs(levels: int) -> str:
    out = '  a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    for i in range(1, levels):
        out += f"  a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n"
    return "laughs:\n" + out


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("levels", [7, 9])
def test_billion_laughs_refused_quickly_and_small(tmp_path, capsys, command, levels):
    path = write(tmp_path, mini(extra=_laughs(levels)))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.process_time()
    (ln,) = problem_lines(capsys, path, command, n=1)
    assert time.process_time() - t0 < 10
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024  # KiB
    assert "more than 200,000 YAML nodes in this scenario (aliases expanded)" in ln
    # located at the alias that crosses the limit, within the laughs
    assert int(ln.split(":")[1]) > line_no(path, "laughs:")


def test_aliases_within_the_budget_still_work(tmp_path):
    text = mini("  west: {periods:", "  west: &w {periods:").replace(
        "  east: {periods: []}", "  east: *w")
    spec = load_file(write(tmp_path, text)).spec
    assert spec.climate["east"] == spec.climate["west"]


def test_file_over_8_mib_is_not_parsed(tmp_path, capsys):
    path = write(tmp_path, mini(extra="# " + "x" * (8 * 2**20) + "\n"))
    t0 = time.process_time()
    (ln,) = problem_lines(capsys, path, ("check",), n=1)
    assert time.process_time() - t0 < 5
    assert ln == f"{path}:1: cannot read file (file too large (more than 8 MiB))"


def test_total_size_of_all_files_is_bounded(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(loader, "MAX_TOTAL_BYTES", len(MINI.encode()) + 100)
    write(tmp_path, "# " + "y" * 200 + "\n", "big.yaml")
    path = write(tmp_path, mini("id: mini\n", "id: mini\ninclude: [big.yaml]\n"))
    (ln,) = problem_lines(capsys, path, ("check",), n=1)
    assert ln.startswith(f"{path}:4: include[0]: cannot read file (the scenario's files are too "
                         f"large together")


def test_comments_are_linear(tmp_path, capsys):
    # the round-trip scanner took 319 s for one 4 MB comment (and quadratic time for many
    # comment lines); the loader's scanner ignores comments
    path = write(tmp_path, mini(extra="#" + "c" * 2_000_000 + "\n" + "#\n" * 200_000))
    t0 = time.process_time()
    code, out, err = cli(capsys, "check", str(path))
    assert code == 0, err
    assert time.process_time() - t0 < 10


# -- 3. number length --------------------------------------------------------------

@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("number", ["9" * 4301, "9" * 4000, "1." + "5" * 400, "0x" + "f" * 200,
                                    "-" + "1" * 150])
def test_overlong_number_is_one_located_problem(tmp_path, capsys, command, number):
    path = write(tmp_path, mini("vp: 50", f"vp: {number}"))
    (ln,) = problem_lines(capsys, path, command, n=1)
    assert ln.startswith(f"{path}:{line_no(path, 'id: moscow, name')}: nodes[2].vp: number too "
                         f"long (")
    assert len(ln) < 300


# -- 4. every container's type checked before it is walked ---------------------------

SECOND = ("lat: 55.21", "lat: north")  # an independent mistake that must still be reported


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(("old", "new", "field", "needle"), [
    ("type: rifle_division, location: vyazma", "type: [rifle_division], location: vyazma",
     "formations[0].type", "input should be a valid string"),
    ("rifle_division: {inherits: division", "rifle_division: {inherits: [division]",
     "formation_types.rifle_division.inherits", "input should be a valid string"),
    ("  rifle_division: {inherits", "  12: {men: 5}\n  rifle_division: {inherits",
     "formation_types", "a key must be text (got '12'; quote it)"),
    ("    effects:\n      - transfer: {select: {tag: far_east}, count: $transfer_divisions, "
     "to: moscow}\n      - chronicle: \"Stavka orders Far Eastern divisions west.\"\n",
     "    effects: 1.5\n", "events[0].effects", "input should be a valid list (got 1.5)"),
    ("formations: [ger_pz_3, ger_inf_7], action", "select: {type: 5}, action",
     "orders[0].select.type", "input should be a valid list (got 5)"),
    ("trigger: {date: 1941-10-05}", "trigger: {held_by: 5}",
     "events[0].trigger.held_by", "input should be a valid dictionary (got 5)"),
    ("sudden_death: {moscow: germany}", "sudden_death: [moscow]",
     "victory.sudden_death", "input should be a valid dictionary"),
    ("wars: [[germany, soviet]]", "wars: [germany]",
     "wars[0]", "input should be a valid list (got 'germany')"),
], ids=["formation-type-list", "inherits-list", "type-key-int", "effects-float",
        "select-type-int", "held-by-int", "sudden-death-list", "wars-flat"])
def test_wrong_container_type_is_one_problem_and_others_still_reported(
        tmp_path, capsys, command, old, new, field, needle):
    path = write(tmp_path, mini(old, new).replace(*SECOND))
    probs = problem_lines(capsys, path, command)
    assert len(probs) == 2, probs
    ours = [p for p in probs if f": {field}: " in p]
    assert len(ours) == 1 and needle in ours[0], probs
    assert any(f"{path}:{line_no(path, 'lat: north')}: nodes[1].lat: " in p for p in probs)


@pytest.mark.parametrize("command", COMMANDS)
def test_string_where_a_list_belongs_is_one_problem(tmp_path, capsys, command):
    path = write(tmp_path, mini("formations: [ger_pz_3, ger_inf_7]", "formations: ger_pz_3"))
    (ln,) = problem_lines(capsys, path, command, n=1)
    assert ln == (f"{path}:{line_no(path, 'formations: ger_pz_3')}: orders[0].formations: "
                  f"input should be a valid list (got 'ger_pz_3')")


# -- 6. includes -------------------------------------------------------------------

@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(("inc", "needle"), [
    ('"a\\0b"', "must not contain control characters (got 'a\\x00b')"),
    ("a" * 300, "file name too long (a part of 300 bytes; at most 255)"),
    ("/etc/passwd", "must be a path relative to the scenario's folder (got '/etc/passwd')"),
    ("../../../../etc/passwd", "outside the scenario's folder"),
    ("sub/../../s.yaml", "outside the scenario's folder"),
    ("5", "must be a file name (got int 5)"),
    ("[a.yaml]", "must be a file name (got list"),
    ('""', "must be a file name (got an empty one)"),
], ids=["nul", "300-chars", "absolute", "dotdot", "dotdot-inside", "int", "list", "empty"])
def test_bad_include_is_one_located_problem(tmp_path, capsys, command, inc, needle):
    scen = tmp_path / "scen"
    scen.mkdir()
    path = write(scen, mini("id: mini\n", f"id: mini\ninclude: [{inc}]\n"))
    (ln,) = problem_lines(capsys, path, command, n=1)
    assert ln.startswith(f"{path}:4: include[0]: ")
    assert needle in ln


def test_include_through_a_link_out_of_the_folder_is_refused(tmp_path, capsys):
    scen = tmp_path / "scen"
    scen.mkdir()
    write(tmp_path, "nodes: []\n", "outside.yaml")
    os.symlink(tmp_path / "outside.yaml", scen / "part.yaml")
    path = write(scen, mini("id: mini\n", "id: mini\ninclude: [part.yaml]\n"))
    (ln,) = problem_lines(capsys, path, ("check",), n=1)
    assert ln.startswith(f"{path}:4: include[0]: outside the scenario's folder")


def test_include_of_a_fifo_or_folder_is_not_opened(tmp_path, capsys):
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "dir.yaml").mkdir()
    path = write(tmp_path, mini("id: mini\n", "id: mini\ninclude: [pipe.yaml, dir.yaml]\n"))
    probs = problem_lines(capsys, path, ("check",), n=2)
    assert all("not a regular file" in p for p in probs)


def test_includes_inside_the_folder_still_work(tmp_path):
    sub = tmp_path / "parts"
    sub.mkdir()
    write(sub, "rivers:\n  ussuri: {freeze: 1941-10-28}\n", "rivers.yaml")
    path = write(tmp_path, mini("id: mini\n", "id: mini\ninclude: [parts/rivers.yaml]\n"))
    assert set(load_file(path).spec.rivers) == {"amur", "ussuri"}


# -- 7. numbers: finite, bounded, integral ------------------------------------------

@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(("old", "new", "field", "needle"), [
    ("east: {periods: []}", "east: {periods: [], default_temp_c: .nan}",
     "climate.east.default_temp_c", "finite number"),
    ("japan_attack_date: {type: date, default: null,", "ff: {type: float, default: .nan}\n"
     "  japan_attack_date: {type: date, default: null,", "parameters.ff.default", "finite number"),
    ("soviet: {name: Soviet Union,", "soviet: {gold_t: .nan, name: Soviet Union,",
     "sides.soviet.gold_t", "finite number"),
    ("capacity: 20}", "capacity: .inf}", "edges[0].capacity", "finite number"),
    ("location: vyazma}", "location: vyazma, men: 9223372036854775808}",
     "formations[0].men", "less than or equal to 10000000"),
    ("location: vyazma}", "location: vyazma, men: true}",
     "formations[0].men", "a number, not true/false"),
    ("count: $transfer_divisions", "count: -3",
     "events[0].effects[0].transfer.count", "greater than or equal to 0 (got -3)"),
    ("      - chronicle: \"Stavka", "      - deliver: {side: soviet, at: moscow, trucks: -1e308}"
     "\n      - chronicle: \"Stavka", "events[0].effects[1].deliver.trucks",
     "greater than or equal to 0 (got -1e+308)"),
    ("default: 1, min: 0", "default: 1.5, min: 0", "parameters.transfer_divisions.default",
     "an int parameter needs a whole number (got 1.5)"),
    ("stance: attack}", "stance: sleep}", "events[1].effects[1].stance.stance",
     "input should be 'attack', 'defend', 'hold' or 'passive' (got 'sleep')"),
    ("      - stance: {side: japan, front: east, stance: attack}",
     "      - morale: {side: japan, delta: .nan}", "events[1].effects[1].morale.delta",
     "finite number"),
    ("end: 1941-10-30", "end: 9999-10-30", "end", "a campaign lasts at most 7,306 days"),
    ("soviet: {name: Soviet Union,", "soviet: {mobilisation: {max_new: 1000000000}, name: Soviet "
     "Union,", "sides.soviet.mobilisation.max_new", "less than or equal to 1000"),
    ("count: $transfer_divisions", "count: $japan_attack_date",
     "events[0].effects[0].transfer.count",
     "parameter 'japan_attack_date' is a date; this field needs an int parameter"),
    ("default: 1, min: 0, max: 2,", "default: 1, min: -5, max: 2,",
     "events[0].effects[0].transfer.count",
     "parameter 'transfer_divisions' has min -5, outside 0..100000 allowed here"),
], ids=["temp-nan", "param-nan", "gold-nan", "capacity-inf", "men-2**63", "men-true",
        "count-negative", "trucks-negative", "int-param-1.5", "stance-unknown", "morale-nan",
        "campaign-8000-years", "max-new-1e9", "param-kind", "param-range"])
def test_number_out_of_bounds_is_one_located_problem(tmp_path, capsys, command, old, new, field,
                                                     needle):
    path = write(tmp_path, mini(old, new))
    (ln,) = problem_lines(capsys, path, command, n=1)
    assert f": {field}: " in ln and needle in ln, ln


def test_integral_float_for_an_int_parameter_is_an_int(tmp_path):
    spec = load_file(write(tmp_path, mini("default: 1, min: 0", "default: 1.0, min: 0"))).spec
    d = spec.parameters["transfer_divisions"].default
    assert d == 1 and type(d) is int


# -- 8. user text escaped in problem lines -------------------------------------------

@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(("old", "new", "shown"), [
    ("id: sov_16a,", 'id: "sov\\n16a",', "sov\\n16a"),
    ("location: vyazma}", 'location: "vya\\nzma\\r"}', "vya\\nzma\\r"),
    ("location: vyazma}", 'location: "vya\\e[31mzma"}', "vya\\x1b[31mzma"),
    ("location: vyazma}", "location: vya\u202ezma}", "vya\\u202ezma"),
    ("location: vyazma}", 'location: "vya\\ud800zma"}', "vya\\ud800zma"),
    ("soviet: {name: Soviet Union,", '"so\\nviet": {name: Soviet Union,', "so\\nviet"),
], ids=["id-newline", "ref-newline", "ansi", "bidi", "lone-surrogate", "key-newline"])
def test_user_text_is_escaped_in_problem_lines(tmp_path, capsys, command, old, new, shown):
    path = write(tmp_path, mini(old, new))
    probs = problem_lines(capsys, path, command)
    assert any(shown in p for p in probs), probs


def test_file_name_with_a_newline_is_escaped(tmp_path, capsys):
    path = write(tmp_path, mini("vp: 50", "vp: -1"), "odd\nname.yaml")
    (ln,) = problem_lines(capsys, path, ("check",), n=1)
    assert ln.startswith(f"{tmp_path}/odd\\nname.yaml:")


# -- 9. date parameters within the campaign ------------------------------------------

@pytest.mark.parametrize("value", ["1900-01-01", "1941-09-30", "1941-10-31", "2100-01-01"])
def test_date_parameter_outside_the_campaign_is_refused(capsys, value):
    code, out, err = cli(capsys, "run", str(DATA / "mini.yaml"), "--days", "3", "--quiet",
                         "--set", f"japan_attack_date={value}")
    assert code == 2 and "Traceback" not in err
    assert err.strip() == (f"error: parameter 'japan_attack_date' must lie within the campaign "
                           f"1941-10-01..1941-10-30, or be none (got {value})")


@pytest.mark.parametrize("value", ["1941-10-01", "1941-10-30", "none"])
def test_date_parameter_inside_the_campaign_or_none_runs(capsys, value):
    code, out, err = cli(capsys, "run", str(DATA / "mini.yaml"), "--days", "3", "--quiet",
                         "--set", f"japan_attack_date={value}")
    assert code == 0, err


@pytest.mark.parametrize("command", COMMANDS)
def test_date_parameter_default_outside_the_campaign_is_located(tmp_path, capsys, command):
    path = write(tmp_path, mini("japan_attack_date: {type: date, default: null",
                                "japan_attack_date: {type: date, default: 1900-01-01"))
    (ln,) = problem_lines(capsys, path, command, n=1)
    assert ln == (f"{path}:9: parameters.japan_attack_date.default: a date parameter must lie "
                  f"within the campaign 1941-10-01..1941-10-30 (or be null; got 1900-01-01)")


def test_a_date_parameter_with_earliest_may_go_before_the_start(tmp_path, capsys):
    # `earliest` lets a date parameter go back before the campaign's start: such a date
    # stands for the first day (the trigger holds on day 0, an order so dated is given
    # then); before `earliest` it is refused like any date outside the campaign
    import stavka

    path = write(tmp_path, mini(
        'japan_attack_date: {type: date, default: null, description',
        'japan_attack_date: {type: date, default: null, earliest: 1941-09-10, description',
    ).replace("orders:\n", "orders:\n  - {date: $japan_attack_date, formations: [jap_1], "
                            "action: hold}\n", 1))
    c = stavka.Campaign(stavka.load(path), params={"japan_attack_date": "1941-09-10"})
    evs = c.step()
    s, st = c.world.state, c.static
    assert [e.date.isoformat() for e in evs if e.kind == "war"] == ["1941-10-01"]
    assert s.at_war[0, st.side("japan"), st.side("soviet")]
    # held by the order of the first day, not sent against Khabarovsk by the attack stance
    assert s.scripted[0, st.formation("jap_1")] and s.target[0, st.formation("jap_1")] == -1
    assert not [e for e in evs if e.kind == "battle" and e.place == "khabarovsk"]
    code, out, err = cli(capsys, "run", str(path), "--days", "1", "--quiet",
                         "--set", "japan_attack_date=1941-09-09")
    assert code == 2 and err.strip() == (
        "error: parameter 'japan_attack_date' must lie within the campaign "
        "1941-09-10..1941-10-30, or be none (got 1941-09-09; the campaign starts 1941-10-01, "
        "and a date from 1941-09-10 before that means its first day)")


@pytest.mark.parametrize(("old", "new", "field", "msg"), [
    ("japan_attack_date: {type: date, default: null,",
     "japan_attack_date: {type: date, default: null, earliest: 1941-10-01,",
     "parameters.japan_attack_date.earliest",
     "must be before the campaign's start 1941-10-01 (got 1941-10-01; leave it out to allow "
     "dates from the start)"),
    ("transfer_divisions: {type: int, default: 1,",
     "transfer_divisions: {type: int, default: 1, earliest: 1941-09-01,",
     "parameters.transfer_divisions",
     "earliest applies to date parameters only (this one is an int)"),
    ("japan_attack_date: {type: date, default: null,",
     "japan_attack_date: {type: date, default: 1941-09-01, earliest: 1941-09-10,",
     "parameters.japan_attack_date.default",
     "a date parameter must lie within the campaign 1941-09-10..1941-10-30 (or be null; got "
     "1941-09-01)"),
])
def test_earliest_misused_is_located(tmp_path, capsys, old, new, field, msg):
    path = write(tmp_path, mini(old, new))
    (ln,) = problem_lines(capsys, path, ("check",), n=1)
    assert ln.startswith(f"{path}:") and f": {field}: " in ln and msg in ln, ln


# -- parameters given on the command line --------------------------------------------

@pytest.mark.parametrize(("value", "needle"), [
    ("true", "parameter 'help_p' must be a number (got 'true')"),
    ("1" * 400, "parameter 'help_p' must be a number (got '" + "1" * 56 + "...)"),
    ("nan", "must be a number (got 'nan')"),
])
def test_bad_float_parameter_on_the_command_line(capsys, value, needle):
    code, out, err = cli(capsys, "run", str(DATA / "t_econ.yaml"), "--days", "2", "--quiet",
                         "--set", f"help_p={value}")
    assert code == 2 and "Traceback" not in err
    assert needle in err and len(err.strip().splitlines()) == 1, err


def test_parameter_values_from_python_are_checked():
    p = load_file(DATA / "t_econ.yaml").spec.parameters["help_p"]
    for raw in (True, False, 10**400, 10**5000, float("inf")):
        with pytest.raises(InputError, match="parameter 'help_p' must be a number"):
            coerce_param("help_p", p, raw)
    q = load_file(DATA / "mini.yaml").spec.parameters["transfer_divisions"]
    with pytest.raises(InputError, match="must be between"):
        coerce_param("transfer_divisions", q.model_copy(update={"max": None}), 10**20)


def test_override_outside_the_range_of_the_field_that_uses_it(tmp_path, capsys):
    path = write(tmp_path, mini("default: 1, min: 0, max: 2,", "default: 1,"))
    code, out, err = cli(capsys, "run", str(path), "--days", "2", "--quiet",
                         "--set", "transfer_divisions=-4")
    assert code == 2
    assert err.strip() == ("error: parameter 'transfer_divisions' = -4 is outside 0..100000, the "
                           "range of events[0].effects[0].transfer.count which uses it")


def test_scenario_error_problems_all_located_for_a_whole_bad_file(tmp_path):
    # many kinds at once: every problem located, each reported once
    text = (mini("lat: 55.21", "lat: .nan").replace("vp: 50", "vp: " + "7" * 200)
            .replace("type: rifle_division, location: vyazma", "type: [x], location: vyazma")
            .replace("count: $transfer_divisions", "count: true"))
    with pytest.raises(ScenarioError) as exc:
        load_file(write(tmp_path, text))
    probs = exc.value.problems
    assert [p.path for p in probs] == ["nodes[1].lat", "nodes[2].vp", "formations[0].type",
                                       "events[0].effects[0].transfer.count"]
    assert all(p.line is not None and p.line > 0 for p in probs)


@pytest.mark.parametrize("trigger, field, words", [
    ("{date: 1941-11-05}", "date", "must not be after the campaign's end 1941-10-30"),
    ("{after: 1942-01-01}", "after", "must not be after the campaign's end 1941-10-30"),
    ("{before: 1941-09-01}", "before", "must not be before the campaign's start 1941-10-01"),
])
def test_an_event_whose_day_never_comes_is_a_located_error(tmp_path, capsys, trigger, field,
                                                           words):
    # the kind: a dated thing that can never happen is an error, not silently nothing
    # (sea moves and landings likewise: tests/scenario/test_naval_input.py)
    path = write(tmp_path, mini("trigger: {date: 1941-10-05}", f"trigger: {trigger}"))
    probs = problem_lines(capsys, path, ("check",), n=1)
    assert probs[0].startswith(f"{path}:{line_no(path, trigger)}: events[0].trigger.{field}: ")
    assert words in probs[0] and "would never fire" in probs[0]


def test_an_event_dated_before_the_start_fires_on_the_first_day(tmp_path):
    # 'date' is on or after: before the start is the first day, not an error
    import stavka
    path = write(tmp_path, mini("trigger: {date: 1941-10-05}", "trigger: {date: 1941-09-01}"))
    c = stavka.Campaign(path, seed=1)
    assert "transfer_ordered" in [e.kind for e in c.step()]


# -- scripted orders that would do nothing, or something unintended (hostile trial, v11) --
ORDER = "{date: 1941-10-02, formations: [ger_pz_3, ger_inf_7], action: attack, target: vyazma}"


@pytest.mark.parametrize("date, words", [
    ("1941-09-30", "got 1941-09-30"),  # the day before the start
    ("1941-10-31", "got 1941-10-31"),  # the day after the end
    ("1943-09-01", "got 1943-09-01"),
])
def test_an_order_whose_day_never_comes_is_a_located_error(tmp_path, capsys, date, words):
    # the kind (with events and sea moves): a dated thing that can never happen is an
    # error; before, the order was accepted and never given, with nothing said
    order = ORDER.replace("1941-10-02", date)
    path = write(tmp_path, mini(ORDER, order))
    probs = problem_lines(capsys, path, ("check",), n=1)
    assert probs[0].startswith(f"{path}:{line_no(path, order)}: orders[0].date: ")
    assert "1941-10-01..1941-10-30" in probs[0] and words in probs[0]
    assert "would never be given" in probs[0]


def test_orders_on_the_first_and_last_day_are_accepted(tmp_path):
    for date in ("1941-10-01", "1941-10-30"):
        load_file(write(tmp_path, mini(ORDER, ORDER.replace("1941-10-02", date))))


@pytest.mark.parametrize("old, new, field", [
    (ORDER, "{date: 1941-10-02, select: {}, action: attack, target: vyazma}",
     "orders[0].select"),
    (ORDER, "{date: 1941-10-02, select: {ids: [], type: []}, action: attack, target: vyazma}",
     "orders[0].select"),
    ("select: {tag: far_east}", "select: {}", "events[0].effects[0].transfer.select"),
])
def test_an_empty_selector_is_a_located_error_wherever_it_is(tmp_path, capsys, old, new,
                                                              field):
    # an empty selector picks every formation of every side (before: accepted, and every
    # formation, Soviet and Japanese too, attacked Vyazma); one rule for every selector
    path = write(tmp_path, mini(old, new))
    probs = problem_lines(capsys, path, ("check",), n=1)
    assert f": {field}: names no formations" in probs[0]
    assert "every formation of every side" in probs[0]


@pytest.mark.parametrize("action", ["hold", "defend"])
def test_hold_or_defend_with_a_target_is_refused(tmp_path, capsys, action):
    # a target meant nothing (the formations stay put) but was stored in the state and
    # changed the digest
    order = f"{{date: 1941-10-02, formations: [ger_pz_3], action: {action}, target: vyazma}}"
    path = write(tmp_path, mini(ORDER, order))
    probs = problem_lines(capsys, path, ("check",), n=1)
    assert f"action '{action}' takes no 'target'" in probs[0]
    with pytest.raises(IllegalOrderError, match=f"'{action}' takes no target"):
        Order.parse(f"ger_pz_3 {action} vyazma")
    assert Order.parse(f"ger_pz_3 {action}").target is None


def test_a_formation_named_twice_in_one_order_is_a_located_error(tmp_path, capsys):
    order = ORDER.replace("[ger_pz_3, ger_inf_7]", "[ger_pz_3, ger_inf_7, ger_pz_3]")
    path = write(tmp_path, mini(ORDER, order))
    probs = problem_lines(capsys, path, ("check",), n=1)
    assert probs[0].startswith(f"{path}:{line_no(path, order)}: orders[0].formations[2]: ")
    assert "'ger_pz_3' is named twice in this order (first at formations[0])" in probs[0]


def test_an_empty_formations_list_says_what_is_missing(tmp_path, capsys):
    path = write(tmp_path, mini(ORDER, "{date: 1941-10-02, formations: [], action: hold}"))
    probs = problem_lines(capsys, path, ("check",), n=1)
    assert "needs a non-empty 'formations' list or a 'select'" in probs[0]
