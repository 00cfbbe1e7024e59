"""A list or mapping section left empty (``formations:`` with nothing after it, YAML null)
or given a scalar is one located line, never also "field required" nor the cross
references into it (issue: ``formations:`` null gave "field required" and "must be a
list (got NoneType)"). Every section of :data:`LIST_KEYS` and :data:`MAP_KEYS`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stavka.cli import main
from stavka.errors import ScenarioError
from stavka.scenario.loader import LIST_KEYS, MAP_KEYS, load_file

DATA = Path(__file__).resolve().parents[1] / "data"
MINI = (DATA / "mini.yaml").read_text(encoding="utf-8")


def _with(key: str, value: str) -> tuple[str, int]:
    """mini.yaml with section ``key`` replaced by (or, absent, given as) ``key: value``;
    and the line it is on."""
    out, skip = [], False
    for ln in MINI.splitlines():
        if re.match(r"^[a-z_]+:", ln):
            skip = ln.startswith(f"{key}:")
            if skip:
                out.append(f"{key}:{value}")
                continue
        if not skip:
            out.append(ln)
    if not any(ln.startswith(f"{key}:") for ln in out):
        out.append(f"{key}:{value}")
    return "\n".join(out) + "\n", next(i for i, ln in enumerate(out, 1) if ln.startswith(f"{key}:"))


@pytest.mark.parametrize("key", LIST_KEYS + MAP_KEYS)
@pytest.mark.parametrize("value", ["", " null", " 3"])
def test_a_null_or_scalar_section_is_one_line(tmp_path: Path, key: str, value: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    text, line = _with(key, value)
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_file(path)
    kind = "a list" if key in LIST_KEYS else "a mapping"
    want = (f"must be {kind}, not empty (nothing follows '{key}:')" if value != " 3"
            else f"must be {kind} (got int)")
    assert [str(p) for p in exc.value.problems] == [f"{path}:{line}: {key}: {want}"]
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "Traceback" not in "".join(err), err


@pytest.mark.parametrize("key", LIST_KEYS + MAP_KEYS)
def test_a_section_the_parser_refuses_is_one_line(tmp_path: Path, key: str) -> None:
    """A section with a YAML tag the parser refuses (``!!omap``, ``!!set``) is reported by
    the parser alone, not also as "must be a list (got _Invalid)"."""
    text, line = _with(key, " !!omap []" if key in LIST_KEYS else " !!set {a: null}")
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_file(path)
    lines = [str(p) for p in exc.value.problems]
    assert len(lines) == 1 and "unsupported YAML tag" in lines[0] and "_Invalid" not in lines[0]


def test_a_rule_the_parser_refuses_is_one_line(tmp_path: Path) -> None:
    text, _ = _with("rules", " {defend_keep_ratio: !!binary aGk=}")
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_file(path)
    lines = [str(p) for p in exc.value.problems]
    assert len(lines) == 1 and "rules.defend_keep_ratio: unsupported YAML tag" in lines[0]
