"""Sea and partisan orders through the command line's orders file, the replay file
(``stavka run --save-replay`` writes it, ``stavka replay`` re-gives its orders): a
campaign with them replays identically; a malformed one is one line and exit 2 before
anything runs; one refused on its day is a divergence that says why (exit 1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import stavka
from stavka.cli import main

DATA = Path(__file__).resolve().parents[1] / "data"
SCN = DATA / "t_naval.yaml"
#: day -> orders: the IJN sails into the Tatar Strait and back (the Soviet destroyer there
#: cannot hurt it: 0.8 hits a day against its defence of 3.2)
ORDERS = {0: ["ijn fleet_move tatar"], 1: ["ijn fleet_move sea_of_japan"]}


@pytest.fixture(scope="module")
def recorded(tmp_path_factory) -> Path:
    c = stavka.Campaign(stavka.load(SCN), seed=2)
    c.source = str(SCN)
    for d in range(3):
        c.step(ORDERS.get(d, []))
    p = tmp_path_factory.mktemp("sea") / "r.json"
    c.save_replay(p)
    return p


def _edit(src: Path, dst: Path, order: str) -> Path:
    doc = json.loads(src.read_text())
    doc["orders"].append({"day": 2, "order": order})
    dst.write_text(json.dumps(doc))
    return dst


def test_sea_orders_replay_identically(recorded, capsys):
    doc = json.loads(recorded.read_text())
    assert [o["order"] for o in doc["orders"]] == ["ijn fleet_move tatar",
                                                   "ijn fleet_move sea_of_japan"]
    assert main(["replay", str(recorded), "--quiet"]) == 0
    assert "identical, 3 of 3 days" in capsys.readouterr().out


@pytest.mark.parametrize("order, message", [
    ("ijn fleet_move", "orders.2.order: order 'ijn fleet_move': expected 'FLEET fleet_move "
                       "ZONE': a fleet sails to one sea zone"),
    ("ijn land bay", "an ad-hoc landing names the formations it carries"),
    ("soviet raise_partisans vlad lots", "detachments must be a whole number"),
    ("ijn fleet_move tatr", "orders.2.order: unknown sea zone 'tatr' (did you mean 'tatar'?) "
                            "in scenario 't-naval'"),
    ("land_by land", "unknown landing 'land_by'"),
])
def test_a_malformed_sea_order_is_one_line_exit_2(recorded, tmp_path, capsys, order, message):
    bad = _edit(recorded, tmp_path / "bad.json", order)
    assert main(["replay", str(bad), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith(f"error: {bad}: ") and message in err, err


def test_a_sea_order_refused_on_its_day_is_a_divergence_with_the_reason(recorded, tmp_path,
                                                                         capsys):
    bad = _edit(recorded, tmp_path / "bad.json", "ijn fleet_move khab")
    assert main(["replay", str(bad), "--quiet"]) == 1
    out = capsys.readouterr().out
    assert ("an order was refused here: order 'ijn fleet_move khab' on 1942-08-22: khab is a "
            "land region; a fleet sails only to a sea zone") in out, out
