"""Ice dates in order: a river's and a sea zone's thaw must come after their freeze,
whether the dates are written plain (1942-08-25) or quoted ('1942-08-25'), which the
schema takes as the same date. Before: a quoted sea-zone pair skipped the check, and a
river's pair had none."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from stavka.errors import ScenarioError
from stavka.scenario.loader import load_file

from .helpers import edited


@pytest.mark.parametrize("quoted", [False, True])
def test_a_sea_zone_thawing_before_it_freezes_is_a_located_error(tmp_path: Path,
                                                                   quoted: bool) -> None:
    def edit(d: dict[str, Any]) -> None:
        z = next(z for z in d["sea"]["zones"] if z["id"] == "tatar")
        z["freeze"], z["thaw"] = ("1942-08-25", "1942-08-22") if quoted else (
            dt.date(1942, 8, 25), dt.date(1942, 8, 22))
    with pytest.raises(ScenarioError) as exc:
        load_file(edited(tmp_path, "t_naval.yaml", edit))
    lines = [str(p) for p in exc.value.problems]
    assert len(lines) == 1 and "thaw" in lines[0] and "after freeze" in lines[0], lines


@pytest.mark.parametrize("thaw", ["1941-10-20", "1941-10-25"])
def test_a_river_thawing_before_it_freezes_is_a_located_error(tmp_path: Path,
                                                               thaw: str) -> None:
    def edit(d: dict[str, Any]) -> None:
        d["rivers"]["amur"]["thaw"] = thaw
    with pytest.raises(ScenarioError) as exc:
        load_file(edited(tmp_path, "mini.yaml", edit))
    lines = [str(p) for p in exc.value.problems]
    assert len(lines) == 1 and "rivers.amur" in lines[0] and "after freeze" in lines[0], lines


def test_a_river_thawing_after_it_freezes_loads(tmp_path: Path) -> None:
    def edit(d: dict[str, Any]) -> None:
        d["rivers"]["amur"]["thaw"] = "1942-04-20"
    load_file(edited(tmp_path, "mini.yaml", edit))
