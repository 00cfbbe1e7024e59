"""Parsing --vary VALUES into a checked parameter grid."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import stavka
from stavka.errors import InputError, UnknownIdError
from stavka.sweep.core import _missing
from stavka.sweep.grid import expand_values, make_grid, parse_vary, text_value

MINI = Path(__file__).resolve().parents[1] / "data" / "mini.yaml"


@pytest.fixture(scope="module")
def flagship():
    return stavka.load("two-fronts-1941")


@pytest.mark.parametrize(("text", "want"), [
    ("0..3", ["0", "1", "2", "3"]),
    ("0..18:6", ["0", "6", "12", "18"]),
    ("0..7:3", ["0", "3", "6"]),
    ("-2..-1", ["-2", "-1"]),
    ("4..4", ["4"]),
    ("0, 6,12", ["0", "6", "12"]),
    ("1941-10-01,none", ["1941-10-01", "none"]),
])
def test_expand_values(text, want):
    assert expand_values(text) == want


@pytest.mark.parametrize(("text", "needle"), [
    ("5..3", "empty"),
    ("0..6:0", "step"),
    ("a..b", "malformed range"),
    ("0..1.5", "malformed range"),
    ("0,,6", "malformed value list"),
    ("", "malformed value list"),
    ("0..10000000", "more than"),
])
def test_expand_values_rejects(text, needle):
    with pytest.raises(InputError, match=needle):
        expand_values(text)


def test_parse_vary():
    assert parse_vary(["a=0..3", " b = x,y"]) == {"a": "0..3", "b": " x,y"}
    for bad in ("a", "=1", "  =1"):
        with pytest.raises(InputError, match="NAME=VALUES"):
            parse_vary([bad])
    with pytest.raises(InputError, match="twice"):
        parse_vary(["a=1", "a=2"])


def test_grid_types_and_product_order(flagship):
    g = make_grid(flagship, {
        "transfer_divisions": "0..18:9",
        "japan_attack_date": "1941-10-15,none",
        "japan_threshold": "0.25,0.5",
    })
    assert g.names == ("transfer_divisions", "japan_attack_date", "japan_threshold")
    assert g.values[0] == (0, 9, 18)
    assert g.values[1] == (dt.date(1941, 10, 15), None)
    assert g.values[2] == (0.25, 0.5)
    assert g.size == 12
    combos = g.combos()
    assert combos[0] == {"transfer_divisions": 0, "japan_attack_date": dt.date(1941, 10, 15),
                         "japan_threshold": 0.25}
    assert combos[1]["japan_threshold"] == 0.5  # the last parameter varies fastest
    assert combos[-1] == {"transfer_divisions": 18, "japan_attack_date": None,
                          "japan_threshold": 0.5}
    assert g.as_json()[1] == ["japan_attack_date", ["1941-10-15", None]]
    # a float parameter takes an integer range, as floats
    assert make_grid(flagship, {"japan_threshold": "0..1"}).values[0] == (0.0, 1.0)
    assert make_grid(flagship, {}).size == 1


@pytest.mark.parametrize(("vary", "exc", "needle"), [
    ({"transfer_divisons": "0..3"}, UnknownIdError, "did you mean 'transfer_divisions'"),
    ({"transfer_divisions": "0..19"}, InputError, "must be <= 18"),
    ({"transfer_divisions": "-1,2"}, InputError, "must be >= 0"),
    ({"transfer_divisions": "1.5"}, InputError, "must be a whole number"),
    ({"japan_threshold": "0.5,x"}, InputError, "must be a number"),
    ({"japan_attack_date": "1941-13-01"}, InputError, "must be a date"),
    ({"japan_attack_date": "1941-10-01..1941-10-05"}, InputError, "malformed range"),
    ({"transfer_divisions": "3,3"}, InputError, "given twice"),
    ({"transfer_divisions": []}, InputError, "no values"),
])
def test_grid_rejects(flagship, vary, exc, needle):
    with pytest.raises(exc, match=needle):
        make_grid(flagship, vary)


def test_text_value():
    assert [text_value(v) for v in (None, True, 0.1, 3, dt.date(1941, 12, 5))] == \
        ["", "true", "0.1", "3", "1941-12-05"]


@pytest.mark.parametrize(("runs", "have", "want"), [
    (10, [], [(0, 10)]),
    (10, [(0, 10)], []),
    (10, [(0, 3), (6, 2)], [(3, 3), (8, 2)]),
    (10, [(2, 3), (3, 5)], [(0, 2), (8, 2)]),
    (10, [(0, 4), (4, 6)], []),
])
def test_missing_ranges(runs, have, want):
    from stavka.sweep.store import BatchKey

    assert _missing(runs, [BatchKey(0, f, c) for f, c in have]) == want
