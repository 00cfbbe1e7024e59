"""An event's ``hold`` effect (stavka.engine.phases.events): formations of a selector are
given a scripted hold - they stop where they are, dig in and wait for their next order -
on tests/data/t_air.yaml.

The German reserve division stands at depot, 150 km behind gsrc, and marches on x: by
its doctrine (Germany attacks on the west front) or by a scripted attack. An event holds
it on 24 Jun (day 2), on the march; a later scripted order sends it on again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from stavka.api import Campaign
from stavka.chronicle import markdown
from stavka.chronicle.visitor import as_parts, walk
from stavka.enums import A_ATTACK, A_HOLD, ACTIONS
from stavka.errors import ScenarioError
from stavka.scenario.loader import load_file

from .helpers import edited, of_kind

HOLD_DAY = 2  # 1941-06-24


def _scenario(tmp: Path, trigger: dict[str, Any] | None = None,
              select: dict[str, Any] | None = None, resume: bool = False,
              soviet_at: str = "x") -> Path:
    def edit(d: dict[str, Any]) -> None:
        d["formations"][3]["location"] = soviet_at  # sov_div
        d["sides"]["germany"]["doctrine"] = {"west": "attack"}
        d["events"] = [{"id": "stand", "trigger": trigger or {"date": "1941-06-24"},
                        "effects": [{"hold": {"ids": ["ger_reserve"]} if select is None else select}]}]
        if resume:
            d["orders"] = [{"date": "1941-06-27", "formations": ["ger_reserve"],
                            "action": "attack", "target": "x"}]
    return edited(tmp, "t_air.yaml", edit)


def _track(c: Campaign, days: int) -> tuple[list[tuple[int, int, float]], list[Any]]:
    """[(action, location, march progress)] of the reserve after each day, and the events."""
    f = c.static.formation("ger_reserve")
    s = c.world.state
    seen, evs = [], []
    for _ in range(days):
        evs += c.step()
        seen.append((int(s.action[0, f]), int(s.loc[0, f]), float(s.progress[0, f])))
    return seen, evs


def test_a_held_formation_stops_on_the_march_and_stays(tmp_path: Path) -> None:
    c = Campaign(load_file(_scenario(tmp_path)), seed=2)
    f = c.static.formation("ger_reserve")
    depot = c.static.node("depot")
    seen, evs = _track(c, 6)
    # by its doctrine it marched on x on days 0 and 1 (150 km at 20 km a day: still at depot)
    assert seen[0][0] == A_ATTACK and 0.0 < seen[0][2] < seen[1][2]
    # held from day 2: no march, no progress, at depot for the rest of the run
    for action, loc, progress in seen[HOLD_DAY:]:
        assert (action, loc, progress) == (A_HOLD, depot, 0.0)
    assert bool(c.world.state.scripted[0, f])  # the doctrine does not send it on again
    (ev,) = of_kind(evs, "hold_ordered")
    assert ev.subjects == ("ger_reserve",) and ev.day == HOLD_DAY
    (doc,) = walk(c.events, markdown.MarkdownVisitor(), parts=as_parts(c))
    assert "ordered to halt and hold where it stands" in doc


def test_without_the_hold_it_marches_on(tmp_path: Path) -> None:
    """The control: the same scenario with the event holding another formation."""
    c = Campaign(load_file(_scenario(tmp_path, select={"ids": ["ger_div"]})), seed=2)
    seen, _ = _track(c, 6)
    assert all(a == A_ATTACK for a, _, _ in seen[:5])
    assert seen[4][2] > seen[1][2] or seen[4][1] != seen[1][1]


def test_a_later_order_sends_it_on(tmp_path: Path) -> None:
    c = Campaign(load_file(_scenario(tmp_path, resume=True)), seed=2)
    seen, _ = _track(c, 7)
    assert seen[4][0] == A_HOLD  # 26 Jun
    assert seen[5][0] == A_ATTACK and seen[5][2] > 0.0  # 27 Jun: the order, and a day's march


def test_a_hold_on_a_capture_trigger(tmp_path: Path) -> None:
    """The flagship's use: a group halts once a city has fallen. Here x is left empty (the
    Soviet division stands at base), the German division takes it on the march, and the
    hold comes the day after the capture: triggers are checked at the start of a step."""
    c = Campaign(load_file(_scenario(tmp_path, trigger={"captured": "x"}, soviet_at="base")),
                 seed=2)
    seen, evs = _track(c, 8)
    (cap,) = [e for e in of_kind(evs, "capture") if e.place == "x"]
    (hold,) = of_kind(evs, "hold_ordered")
    assert hold.day == cap.day + 1
    assert seen[cap.day][0] == A_ATTACK and seen[hold.day][0] == A_HOLD


@pytest.mark.parametrize("select, word", [({"tag": "panzr"}, "panzr"), ({}, "hold"),
                                          ({"ids": ["nobody"]}, "nobody")])
def test_a_bad_hold_selector_is_a_located_error(tmp_path: Path, select: dict[str, Any],
                                                 word: str) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_file(_scenario(tmp_path, select=select))
    lines = [str(p) for p in exc.value.problems]
    assert len(lines) == 1 and word in lines[0] and "hold" in lines[0], lines


def test_a_players_order_the_same_day_wins_and_is_reported(tmp_path: Path) -> None:
    """The hold comes on 24 Jun; the player orders the same formation to attack that day:
    the player's order stands, and an order_overridden event says the event's hold was
    overruled (nothing replaced silently)."""
    c = Campaign(load_file(_scenario(tmp_path)), seed=2)
    f = c.static.formation("ger_reserve")
    c.step()
    c.step()
    evs = c.step(["ger_reserve attack x"])
    assert int(c.world.state.action[0, f]) == A_ATTACK
    (ov,) = of_kind(evs, "order_overridden")
    assert ov.subjects == ("ger_reserve",) and ov.values["by"] == "event"
    assert ov.values["action"] == "hold"


def test_the_scripts_order_the_same_day_wins_and_is_reported(tmp_path: Path) -> None:
    def edit_orders(d: dict[str, Any]) -> None:
        d["orders"] = [{"date": "1941-06-24", "formations": ["ger_reserve"],
                        "action": "attack", "target": "x"}]
    path = _scenario(tmp_path)
    c = Campaign(load_file(edited(tmp_path, _load_yaml(path), edit_orders, "scn2.yaml")),
                 seed=2)
    evs = []
    for _ in range(3):
        evs += c.step()
    f = c.static.formation("ger_reserve")
    assert int(c.world.state.action[0, f]) == A_ATTACK
    (ov,) = of_kind(evs, "order_overridden")
    assert ov.values["by"] == "event" and "script" in ov.values["reason"]


def test_a_hold_keeps_a_booked_rail_move(tmp_path: Path) -> None:
    """As halt does: a formation booked on a later rail departure (a transfer sending
    one formation every 5 days) keeps its booking; the hold takes the others."""
    def edit(d: dict[str, Any]) -> None:
        d["edges"][1] = {"a": "depot", "b": "gsrc", "kind": "rail", "km": 150, "capacity": 30}
        d["formations"][0]["location"] = "depot"  # ger_div beside ger_reserve
        d["events"].append({"id": "entrain", "trigger": {"date": "1941-06-23"}, "effects": [
            {"transfer": {"select": {"ids": ["ger_div", "ger_reserve"]}, "count": 2,
                          "to": "gsrc", "every_days": 5}}]})
    path = _scenario(tmp_path, select={"side": "germany"})
    c = Campaign(load_file(edited(tmp_path, _load_yaml(path), edit, "scn2.yaml")), seed=2)
    f = c.static.formation("ger_reserve")
    evs = []
    for _ in range(3):
        evs += c.step()
    (ev,) = of_kind(evs, "hold_ordered")
    assert "ger_reserve" not in ev.subjects and "ger_air" in ev.subjects
    s = c.world.state
    assert ACTIONS[int(s.action[0, f])] == "rail" and int(s.rail_depart[0, f]) > c.day


def _load_yaml(path: Path) -> dict[str, Any]:
    from ruamel.yaml import YAML

    return dict(YAML(typ="safe", pure=True).load(path.read_text()))


def test_a_refused_order_leaves_the_campaign_as_it_was(tmp_path: Path) -> None:
    """Campaign.step checks the day's orders again after the day's events: an order for a
    formation an event withdrew that day is refused, and the campaign is left as it was
    (digest, fired events, its event log), so the same day can be stepped again."""
    from stavka.errors import IllegalOrderError

    def edit(d: dict[str, Any]) -> None:
        d["events"] = [{"id": "away", "trigger": {"date": "1941-06-24"},
                        "effects": [{"withdraw": {"ids": ["ger_reserve"]}}]}]
    path = edited(tmp_path, "t_air.yaml", edit)
    c, clean = Campaign(load_file(path), seed=2), Campaign(load_file(path), seed=2)
    for x in (c, clean):
        x.step()
        x.step()
    before = c.digest()
    with pytest.raises(IllegalOrderError, match="withdrawn"):
        c.step(["ger_reserve attack x"])
    assert c.digest() == before and c.day == 2 and len(c.events) == len(clean.events)
    evs, evs_clean = c.step(), clean.step()
    assert c.digest() == clean.digest()
    assert [e.kind for e in evs] == [e.kind for e in evs_clean]
    assert of_kind(evs, "withdrawn")


def test_a_rail_line_of_less_than_a_train_a_day_is_refused(tmp_path: Path) -> None:
    """A formation entrains by whole trains: under one a day it would never leave."""
    def edit(d: dict[str, Any]) -> None:
        d["edges"][1] = {"a": "depot", "b": "gsrc", "kind": "rail", "km": 150, "capacity": 0.5}
    with pytest.raises(ScenarioError) as exc:
        load_file(edited(tmp_path, "t_air.yaml", edit))
    (line,) = [str(p) for p in exc.value.problems]
    assert "edges[1].capacity" in line and "1" in line
