"""Scenario loader: every problem of a bad file reported at once, located by file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from stavka.errors import Problem, ScenarioError
from stavka.scenario.loader import load_file

DATA = Path(__file__).resolve().parents[1] / "data"


def line_of(path: Path, needle: str) -> int:
    """1-based number of the only line of ``path`` containing ``needle``."""
    hits = [i for i, ln in enumerate(path.read_text().splitlines(), 1) if needle in ln]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


def problems(path: Path) -> list[Problem]:
    with pytest.raises(ScenarioError) as exc:
        load_file(path)
    return exc.value.problems


def find(probs: list[Problem], path: str) -> Problem:
    hit = [p for p in probs if p.path == path]
    assert len(hit) == 1, (path, [str(p) for p in probs])
    return hit[0]


BAD = DATA / "t_bad.yaml"


@pytest.mark.parametrize("path,needle,message", [
    ("end", "end: 1941-13-30", "month value is outside expected range of 1-12 (got '1941-13-30')"),
    ("nodes[2].id", "Moscow again", "duplicate id 'moscow' (first at nodes[1])"),
    ("nodes[3].lat", "lat: north", "input should be a valid number"),
    ("edges[0]", "kind: rail, km: 243", "rail edge needs 'capacity' (trains/day)"),
    ("formation_types.loop_b.inherits", "loop_b: {inherits",
     "inherits cycle: loop_a -> loop_b -> loop_a"),
    ("formations[0].men", "men: -5", "input should be greater than or equal to 0 (got -5)"),
    ("formations[1].location", "location: vyasma",
     "unknown node 'vyasma' (did you mean 'vyazma'?)"),
])
def test_bad_file_reports_each_problem_with_file_and_line(path, needle, message):
    p = find(problems(BAD), path)
    assert p.file == str(BAD)
    assert p.line == line_of(BAD, needle)
    assert message in p.message
    assert str(p) == f"{BAD}:{p.line}: {path}: {p.message}"


def test_bad_file_reports_all_problems_together():
    probs = problems(BAD)
    in_file = [p for p in probs if p.file == str(BAD)]
    assert len(in_file) == 8  # seven field problems + the missing include, all located here
    # stable order: by file, then line
    assert [p.line for p in in_file] == sorted(p.line for p in in_file)
    missing = [p for p in probs if "t_bad_missing_include.yaml" in str(p)]
    assert len(missing) == 1 and "file not found" in missing[0].message
    with pytest.raises(ScenarioError) as exc:
        load_file(BAD)
    text = str(exc.value)
    assert text.splitlines()[0] == f"{len(probs)} problems in scenario"
    assert all(str(p) in text for p in probs)


def test_missing_include_is_located_at_the_include_line():
    missing = [p for p in problems(BAD) if "t_bad_missing_include.yaml" in str(p)]
    assert len(missing) == 1
    assert missing[0].file == str(BAD)
    assert missing[0].line == line_of(BAD, "include: [t_bad_missing_include.yaml]")


def test_malformed_yaml():
    path = DATA / "t_bad_yaml.yaml"
    (p,) = problems(path)
    assert p.file == str(path)
    # the flow mapping opened on line 5 is found unterminated at 'end:' on line 6
    assert p.line in (line_of(path, "nodes: [{id: a"), line_of(path, "end: 1941-07-01"))
    assert p.message.startswith("invalid YAML:")
    assert str(p) == f"{path}:{p.line}: {p.message}"


def test_problems_in_an_included_file_point_into_that_file():
    main, part = DATA / "t_inc_main.yaml", DATA / "t_inc_part.yaml"
    probs = problems(main)
    owner = find(probs, "nodes[2].owner")  # third node overall, first of the included file
    assert (owner.file, owner.line) == (str(part), line_of(part, "owner: sovjet"))
    assert owner.message == "unknown side 'sovjet' (did you mean 'soviet'?)"
    typ = find(probs, "formations[1].type")
    assert (typ.file, typ.line) == (str(part), line_of(part, "type: rifels"))
    assert "did you mean 'rifles'" in typ.message
    mor = find(probs, "formations[2].morale")
    assert (mor.file, mor.line) == (str(part), line_of(part, "morale: 1.5"))
    assert all(p.file == str(part) for p in probs)


def test_a_mapping_id_given_again_in_an_included_file_is_located_there(tmp_path):
    """``formation_types.rifles`` in the main file and again in its include: the problem is
    at the include's own line and names the first one's place."""
    main, part = tmp_path / "main.yaml", tmp_path / "part.yaml"
    main.write_text((DATA / "t_inc_main.yaml").read_text().replace("t_inc_part.yaml",
                                                                   "part.yaml"))
    part.write_text("# part\nformation_types:\n  guards: {men: 9000}\n  rifles: {men: 8000}\n")
    probs = problems(main)
    (dup,) = [p for p in probs if "duplicate id" in p.message]
    assert (dup.file, dup.line, dup.path) == (str(part), 4, "formation_types.rifles")
    assert dup.message == (f"duplicate id 'rifles' (first at {main}:"
                           f"{line_of(main, 'rifles: {men: 10000}')})")


def test_include_cycle(tmp_path):
    (tmp_path / "a.yaml").write_text("include: [b.yaml]\n")
    (tmp_path / "b.yaml").write_text("include: [a.yaml]\n")
    probs = problems(tmp_path / "a.yaml")
    assert any(p.message == "include cycle" for p in probs)


def test_missing_scenario_file(tmp_path):
    (p,) = problems(tmp_path / "nope.yaml")
    assert p.message == "file not found" and p.line is None
    assert str(p) == f"{tmp_path / 'nope.yaml'}: file not found"


def test_fixing_the_problems_loads(tmp_path):
    # The good twin of t_bad.yaml loads: the errors above come from the marked lines only.
    text = BAD.read_text()
    for old, new in (("1941-13-30", "1941-07-30"), ("include: [t_bad_missing_include.yaml]\n", ""),
                     ("  - {id: moscow, name: Moscow again", "  - {id: moskva, name: Moscow again"),
                     ("lat: north", "lat: 52.9"), ("km: 243}", "km: 243, capacity: 10}"),
                     ("inherits: loop_b, ", ""), ("men: -5", "men: 5"),
                     ("location: vyasma", "location: vyazma")):
        assert old in text
        text = text.replace(old, new)
    good = tmp_path / "t_good.yaml"
    good.write_text(text)
    spec = load_file(good).spec
    assert [f.men for f in spec.formations] == [5, 10000]


def test_mini_copy_loads_and_hash_follows_content(tmp_path):
    a = tmp_path / "mini.yaml"
    shutil.copy(DATA / "mini.yaml", a)
    h1 = load_file(a).hash
    assert h1 == load_file(DATA / "mini.yaml").hash
    a.write_text(a.read_text().replace("vp: 50", "vp: 51"))
    assert load_file(a).hash != h1


@pytest.mark.parametrize("value,message", [
    ("0", "input should be greater than or equal to 1 (got 0)"),
    ("31", "input should be less than or equal to 30 (got 31)"),
    ("weekly", "input should be a valid integer"),
])
def test_refit_period_out_of_range_is_located(tmp_path, value, message):
    text = (DATA / "mini.yaml").read_text()
    path = tmp_path / "mini.yaml"
    path.write_text(text.replace("end: 1941-10-30\n",
                                 f"end: 1941-10-30\nrefit_every_days: {value}\n", 1))
    (p,) = problems(path)
    assert (p.path, p.line) == ("refit_every_days", line_of(path, "refit_every_days:"))
    assert message in p.message


@pytest.mark.parametrize("kind", ["sea", "river"])
def test_highway_on_a_water_link_is_located(tmp_path, kind):
    # Edge.highway: only a rail or road link can run along a paved highway
    text = (DATA / "t_line.yaml").read_text()
    old = "  - {a: src, b: wet_open, kind: road, km: 200}"
    assert old in text
    p = tmp_path / "t_highway.yaml"
    p.write_text(text.replace(old, f"  - {{a: src, b: wet_open, kind: {kind}, km: 200, "
                                   f"highway: true}}"))
    probs = problems(p)
    hit = [q for q in probs if "highway" in q.message]
    assert len(hit) == 1, [str(q) for q in probs]
    assert hit[0].line == line_of(p, "highway: true")
    assert f"a {kind} link cannot run along a highway" in hit[0].message


def test_a_file_included_twice_is_not_called_a_cycle(tmp_path):
    (tmp_path / "a.yaml").write_text("include: [b.yaml, b.yaml]\n")
    (tmp_path / "b.yaml").write_text("nodes: []\n")
    probs = problems(tmp_path / "a.yaml")
    twice = [p for p in probs if "included twice" in p.message]
    assert len(twice) == 1 and twice[0].path == "include[1]"
    assert not any(p.message == "include cycle" for p in probs)


@pytest.mark.parametrize("value,says", [("null", "not empty (nothing follows 'edges:')"),
                                        ("5", "(got int)"), ("{}", "(got dict)")])
def test_a_bad_section_of_an_included_file_is_located_there(tmp_path, value, says):
    # the first file has a good `edges:` section; the included one's bad section is
    # reported at the included file's own line, not at the first file's
    text = (DATA / "t_line.yaml").read_text()
    main = tmp_path / "main.yaml"
    main.write_text(text + "\ninclude: [extra.yaml]\n")
    extra = tmp_path / "extra.yaml"
    extra.write_text(f"# more links\nedges: {value}\n")
    hit = [p for p in problems(main) if p.path == "edges"]
    assert len(hit) == 1, [str(p) for p in problems(main)]
    assert (hit[0].file, hit[0].line) == (str(extra), 2) and says in hit[0].message


@pytest.mark.parametrize("value", ['"yes"', "yes", "1", "1.0", '"on"', '"true"', "0"])
def test_a_true_false_field_takes_only_true_or_false(tmp_path, value):
    # every bool field of the format, not only highway: YAML 1.2 reads yes as text, and
    # 1 is a number, so neither is quietly taken for true
    text = (DATA / "t_line.yaml").read_text()
    old = "  - {a: src, b: wet_open, kind: road, km: 200}"
    p = tmp_path / "t_bool.yaml"
    p.write_text(text.replace(old, f"  - {{a: src, b: wet_open, kind: road, km: 200, "
                                   f"highway: {value}}}"))
    hit = [q for q in problems(p) if q.path.endswith(".highway")]
    assert len(hit) == 1 and hit[0].line == line_of(p, "highway:")
    assert "input should be a valid boolean: true or false" in hit[0].message


@pytest.mark.parametrize("body", ["", "# only a comment\n"])
def test_an_empty_included_file_is_reported_at_its_include(tmp_path, body):
    text = (DATA / "t_line.yaml").read_text()
    main = tmp_path / "main.yaml"
    main.write_text(text + "\ninclude: [part.yaml]\n")
    (tmp_path / "part.yaml").write_text(body)
    hit = [p for p in problems(main) if "included file is empty" in p.message]
    assert len(hit) == 1 and (hit[0].file, hit[0].path) == (str(main), "include[0]")


def test_a_side_at_war_with_itself_is_located(tmp_path):
    text = (DATA / "mini.yaml").read_text()
    assert "wars: [[germany, soviet]]" in text
    p = tmp_path / "m.yaml"
    p.write_text(text.replace("wars: [[germany, soviet]]", "wars: [[germany, germany]]"))
    (prob,) = problems(p)
    assert (prob.line, prob.path) == (line_of(p, "wars:"), "wars[0][1]")
    assert prob.message == "a side cannot be at war with itself ('germany' twice)"


@pytest.mark.parametrize("value", ["1_000", "0x12C", "0o14", "0b11", "+0x1"])
def test_a_number_in_another_notation_is_located(tmp_path, value):
    # YAML reads these as numbers (1000, 300, 12, 3, 1); --set and --vary refuse them: one
    # way to write a number in every input (1:30 is text to this parser, refused as such)
    text = (DATA / "t_line.yaml").read_text()
    old = "  - {a: src, b: wet_open, kind: road, km: 200}"
    p = tmp_path / "t_notation.yaml"
    p.write_text(text.replace(old, f"  - {{a: src, b: wet_open, kind: road, km: {value}}}"))
    probs = problems(p)
    hit = [q for q in probs if q.path.endswith(".km")]
    assert len(hit) == 1, [str(q) for q in probs]
    assert hit[0].line == line_of(p, f"km: {value}")
    assert "not a number as written" in hit[0].message and value in hit[0].message


@pytest.mark.parametrize("value", ["200", "200.0", "2e2", "+200", "200.", ".5e3"])
def test_a_plain_decimal_number_is_taken(tmp_path, value):
    text = (DATA / "t_line.yaml").read_text()
    old = "  - {a: src, b: wet_open, kind: road, km: 200}"
    p = tmp_path / "t_plain.yaml"
    p.write_text(text.replace(old, f"  - {{a: src, b: wet_open, kind: road, km: {value}}}"))
    load_file(p)


@pytest.mark.parametrize("value", ['""', "v99", "V9", "9", "'v 9'", "x" * 300])
def test_an_unknown_rules_version_names_the_shipped_ones(tmp_path, value):
    # one message for every spelling, the empty one included (it was a regex pattern)
    text = (DATA / "t_line.yaml").read_text()
    assert "rules_version: v1" in text
    p = tmp_path / "t_rv.yaml"
    p.write_text(text.replace("rules_version: v1", f"rules_version: {value}"))
    (prob,) = problems(p)
    assert (prob.line, prob.path) == (line_of(p, "rules_version:"), "rules_version")
    if value == "9":  # a YAML integer, not a version name
        assert "string" in prob.message
        return
    assert prob.message.startswith("unknown rules version (shipped: v1, v2, ")
    assert "pattern" not in prob.message and len(str(prob)) < 300
