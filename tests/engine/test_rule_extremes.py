"""Every campaign rule at either end of its declared range runs: the state stays finite
and the summary can be written (a hostile trial found ``rules.ground_speed.mud=0``, at
its documented lower bound, dividing 0 by 0 in the supply trace: NaN men in every output).
Each rule and each entry of a table rule, at its low and its high bound, on a small
scenario with a battle, supply beyond the railhead and a capture; and every switch on."""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

import numpy as np
import pytest

import stavka
from stavka import rules
from stavka.world.digest import DIGEST_FIELDS

DATA = Path(__file__).resolve().parents[1] / "data"


def _settings() -> list[tuple[str, float]]:
    out: list[tuple[str, float]] = []
    for f in dataclasses.fields(rules.Rules):
        lo, hi = f.metadata["lo"], f.metadata["hi"]
        keys = f.metadata.get("keys")
        names = [f"{f.name}.{k}" for k in keys] if keys else [f.name]
        for n in names:
            out += [(n, lo), (n, hi)]
    return out


@pytest.fixture(scope="module")
def scenario() -> stavka.api.Loaded:
    return stavka.load(DATA / "mini.yaml")


@pytest.mark.parametrize("name, value", _settings(), ids=lambda v: str(v))
def test_a_rule_at_its_bound_keeps_the_state_finite(scenario, name, value) -> None:
    c = stavka.Campaign(scenario, seed=3, params={f"rules.{name}": value}).run(20)
    s = c.world.state
    for field in DIGEST_FIELDS:
        a = np.asarray(getattr(s, field))
        if a.dtype.kind == "f":
            assert np.isfinite(a).all(), (name, value, field)
    summary = c.summary()  # every count converts to an integer
    assert summary["digest"] == c.digest()


def _just_above_zero() -> list[str]:
    switches = {f.name for f in dataclasses.fields(rules.Rules) if f.metadata.get("switch")}
    return [n for n, v in _settings()[::2] if v == 0.0 and n not in switches]


@pytest.mark.parametrize("name", _just_above_zero())
def test_a_rule_just_above_zero_runs_without_a_numpy_warning(scenario, name) -> None:
    # a hostile trial: rules.ground_speed.mud=1e-320 (in range) made the supply trace's
    # truck reach so small that km / reach overflowed, and numpy printed a RuntimeWarning
    # to stderr (and the server log). Here the smallest positive double for every rule
    # whose range starts at 0, with numpy's own settings (underflow is silent) and every
    # warning an error
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        c = stavka.Campaign(scenario, seed=3, params={f"rules.{name}": 5e-324}).run(20)
    assert c.summary()["digest"] == c.digest()
