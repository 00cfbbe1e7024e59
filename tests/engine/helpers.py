"""Helpers for the engine tests: fixture scenarios and event filters."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from stavka.api import Campaign
from stavka.engine.records import Event
from stavka.enums import GONE
from stavka.scenario.loader import Loaded, load_file

DATA = Path(__file__).resolve().parents[1] / "data"
_CACHE: dict[str, Loaded] = {}


def loaded(name: str) -> Loaded:
    """A fixture scenario from tests/data (parsed once per session; specs are frozen)."""
    if name not in _CACHE:
        _CACHE[name] = load_file(DATA / f"{name}.yaml")
    return _CACHE[name]


def edited(tmp: Path, base: str | dict[str, Any],
           edit: Callable[[dict[str, Any]], object] | None = None, file: str = "scn.yaml") -> Path:
    """tests/data/``base`` (a file name) or a deep copy of the mapping ``base``, after
    ``edit(data)``, written as YAML to ``tmp/file``; returns its path."""
    yaml = YAML(typ="safe", pure=True)
    d = copy.deepcopy(base) if isinstance(base, dict) else yaml.load((DATA / base).read_text())
    if edit is not None:
        edit(d)
    path = tmp / file
    with path.open("w") as fh:
        yaml.dump(d, fh)
    return path


def campaign(name: str, seed: int = 0, **params: object) -> Campaign:
    return Campaign(loaded(name), seed=seed, params=params or None)


def mini_without_germans(seed: int = 0, **params: object) -> Campaign:
    """mini.yaml with the two German divisions taken out of play before day 0.

    Used where a test is about rail, triggers or events in the east and must not
    depend on how the (randomised, still being calibrated) battle for Moscow goes.
    """
    c = campaign("mini", seed, **params)
    st, s = c.static, c.world.state
    for fid in ("ger_pz_3", "ger_inf_7"):
        s.status[0, st.formation(fid)] = GONE
    return c


def of_kind(events: list[Event], kind: str) -> list[Event]:
    return [e for e in events if e.kind == kind]
