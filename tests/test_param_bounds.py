"""An out-of-range value names the bounds of its own rule or parameter (issue:
``--set rules.frontage_men=1e16`` said "must be between -1e+15 and 1e+15", the generic
guard, while ``1e10`` said "<= 1e+09"): for every rule, by --set, --vary, Python params
and the web's params."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from stavka import rules
from stavka.cli import main
from stavka.errors import InputError
from stavka.scenario.loader import load_file
from stavka.sweep.grid import make_grid
from stavka.world.static import resolve_params

DATA = Path(__file__).resolve().parent / "data"
NUMBER_RULES = [f.name for f in dataclasses.fields(rules.Rules)
                if f.type in ("float", float) and not f.metadata.get("switch")]


def _bounds(name: str) -> tuple[float, float]:
    spec = rules.field_spec(name)
    return spec.metadata["lo"], spec.metadata["hi"]


@pytest.mark.parametrize("name", NUMBER_RULES)
def test_every_rule_names_its_own_bounds(name: str) -> None:
    lo, hi = _bounds(name)
    loaded = load_file(DATA / "mini.yaml")
    for value, want in ((1e16, f"must be <= {hi:g}"), (hi * 10 + 1, f"must be <= {hi:g}"),
                        (-1e16, f"must be >= {lo:g}"), (10**20, f"must be <= {hi:g}")):
        with pytest.raises(InputError, match=re.escape(f"parameter 'rules.{name}' {want} ")) as exc:
            resolve_params(loaded.spec, {f"rules.{name}": value})
        assert "1e+15" not in str(exc.value)
        with pytest.raises(InputError, match=re.escape(f"--vary rules.{name}: ") + ".*" + re.escape(f"{want} ")):
            make_grid(loaded, {f"rules.{name}": [lo, value]})


def test_a_declared_parameter_names_its_own_bounds() -> None:
    spec = load_file(DATA / "mini.yaml").spec
    p = spec.parameters["transfer_divisions"]
    with pytest.raises(InputError, match=re.escape(f"must be <= {p.max:g} ")):
        resolve_params(spec, {"transfer_divisions": 10**20})


def test_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "two-fronts-1941", "--set", "rules.frontage_men=1e16", "--days", "1",
                 "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "error: parameter 'rules.frontage_men' must be <= 1e+09 (got 1e+16)"


@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
def test_the_web(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from stavka.web.app import create_app
    from stavka.web.db import make_engine
    from stavka.web.service import WarRoom

    room = WarRoom(make_engine(f"sqlite:///{tmp_path / 'games.db'}"))
    with TestClient(create_app(room), raise_server_exceptions=False) as client:
        r = client.post("/api/games", json={"scenario": "moscow-last-stand", "seed": 1,
                                            "params": {"rules.frontage_men": 1e16}})
    room.engine.dispose()
    assert r.status_code // 100 == 4 and "must be <= 1e+09" in r.text, r.text
