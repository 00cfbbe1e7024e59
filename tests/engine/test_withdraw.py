"""An event's ``withdraw`` effect (stavka.engine.phases.events.withdraw): formations sent
to another war leave play with what they have, on tests/data/t_air.yaml (one even battle
at x; each side's air formation of 100 aircraft flies over it, and loses aircraft there
under rules.air_loss_ratio).

The German air corps is withdrawn on 24 Jun (day 2): its aircraft left that day are
neither lost nor counted any more, and the Soviet air group no longer meets it over the
battle. A commander attached to it leaves with it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from stavka.api import Campaign
from stavka.chronicle import markdown
from stavka.chronicle.visitor import as_parts, walk
from stavka.engine import commanders
from stavka.enums import ACTIVE, C_BATTLE, GONE
from stavka.errors import ScenarioError
from stavka.scenario.loader import load_file

from .helpers import edited, of_kind

WITHDRAW_DAY = 2  # 1941-06-24


def _scenario(tmp: Path, select: dict[str, Any] | None = None) -> Path:
    def edit(d: dict[str, Any]) -> None:
        d["rules"] = {"air_loss_ratio": 1.0}
        d["commanders"] = [{"id": "gen_air", "name": "General Luft", "side": "germany",
                            "formation": "ger_air", "morale_bonus": 0.1, "exposure": 0.0}]
        d["events"] = [{"id": "to_the_south", "trigger": {"date": "1941-06-24"},
                        "effects": [{"withdraw": {"ids": ["ger_air"]} if select is None else select}]}]
    return edited(tmp, "t_air.yaml", edit)


def _run(path: Path, days: int) -> tuple[Campaign, list[np.ndarray], list[Any]]:
    c = Campaign(load_file(path), seed=2)
    f = c.static.formation("ger_air")
    seen, evs = [], []
    for day in range(days):
        evs += c.step(["ger_div attack x"] if day == 0 else [])
        seen.append(c.world.state.strength[0, f].copy())
    return c, seen, evs


def test_withdrawn_formation_leaves_play_with_what_it_has(tmp_path: Path) -> None:
    c, seen, evs = _run(_scenario(tmp_path), 5)
    st, s = c.static, c.world.state
    f, g = st.formation("ger_air"), st.side("germany")
    # it flew over the battle before: it lost aircraft on days 0 and 1
    assert seen[1][3] < 100.0
    assert s.status[0, f] == GONE
    # what it had when it left is kept (not zeroed, not lost) and frozen from then on
    assert seen[WITHDRAW_DAY][3] == seen[WITHDRAW_DAY - 1][3]
    assert all((x == seen[WITHDRAW_DAY]).all() for x in seen[WITHDRAW_DAY:])
    # the ledger books only the aircraft lost in battle, none for the withdrawal
    lost = s.losses[0, g, :, 3, :].sum()
    assert lost == pytest.approx(100.0 - seen[WITHDRAW_DAY][3], abs=1e-9)
    assert s.losses[0, g, :, 3, C_BATTLE].sum() == lost
    # nobody counts it any more: the German side's active aircraft are gone
    act = s.status[0] == ACTIVE
    assert s.strength[0, act & (st.fside == g), 3].sum() == 0.0
    (ev,) = of_kind(evs, "withdrawn")
    assert ev.day == WITHDRAW_DAY and ev.subjects == ("ger_air",)
    assert ev.values["aircraft"] == seen[WITHDRAW_DAY - 1][3]
    assert ev.values["event"] == "to_the_south"


def test_the_other_side_flies_alone_after_the_withdrawal(tmp_path: Path) -> None:
    """With the German air corps gone, the Soviet air group's losses over the battle
    change from the day after: air superiority is the air balance of that day's battle."""
    c0, _, _ = _run(edited(tmp_path, "t_air.yaml", lambda d: d.update(
        rules={"air_loss_ratio": 1.0})), 5)
    c1, _, _ = _run(_scenario(tmp_path), 5)
    so = c0.static.formation("sov_air")
    a0 = c0.world.state.strength[0, so, 3]
    a1 = c1.world.state.strength[0, so, 3]
    assert a0 != a1


def test_an_attached_commander_leaves_with_the_formation(tmp_path: Path) -> None:
    c, _, evs = _run(_scenario(tmp_path), 4)
    assert c.world.state.cmd_state[0, 0] == commanders.WITHDRAWN
    assert of_kind(evs, "commander_lost") == []  # neither killed nor captured


def test_the_chronicle_says_who_left(tmp_path: Path) -> None:
    c, _, _ = _run(_scenario(tmp_path), 4)
    (doc,) = walk(c.events, markdown.MarkdownVisitor(), parts=as_parts(c))
    line = next(x for x in doc.splitlines() if "another theatre" in x)
    assert "German air corps" in line and "aircraft" in line


def test_withdraw_by_side_leaves_the_other_side_in_play(tmp_path: Path) -> None:
    c, _, _ = _run(_scenario(tmp_path, {"side": "germany"}), 3)
    st, s = c.static, c.world.state
    gone = {st.form_ids[f] for f in np.nonzero(s.status[0] == GONE)[0]}
    assert gone == {"ger_div", "ger_air", "ger_reserve"}


def test_an_unknown_formation_is_a_located_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_file(_scenario(tmp_path, {"ids": ["ger_nobody"]}))
    lines = [str(p) for p in exc.value.problems]
    assert len(lines) == 1 and "withdraw" in lines[0] and "ger_nobody" in lines[0]


@pytest.mark.parametrize("select", [{}, {"ids": []}, {"type": []}])
def test_an_empty_withdrawal_is_refused(tmp_path: Path, select: dict[str, Any]) -> None:
    """A selector naming nothing matches every formation: as a withdrawal it would empty
    the map, so it is one located error."""
    with pytest.raises(ScenarioError) as exc:
        load_file(_scenario(tmp_path, select))
    lines = [str(p) for p in exc.value.problems]
    assert len(lines) == 1 and "withdraw" in lines[0] and "names no formations" in lines[0]


def test_a_selector_tag_no_formation_carries_is_a_located_error(tmp_path: Path) -> None:
    """Any selector (here a withdrawal's and an order's): a tag no formation carries
    selects nothing, so it is a typo; the error names the field and suggests the tag."""
    def edit(d: dict[str, Any]) -> None:
        d["formations"][0]["tags"] = ["panzer"]
        d["events"] = [{"id": "away", "trigger": {"date": "1941-06-24"},
                        "effects": [{"withdraw": {"tag": "panzr"}}]}]
        d["orders"] = [{"date": "1941-06-22", "select": {"tag": "infantry"},
                        "action": "hold"}]
    with pytest.raises(ScenarioError) as exc:
        load_file(edited(tmp_path, "t_air.yaml", edit))
    lines = [str(p) for p in exc.value.problems]
    assert len(lines) == 2
    assert any("withdraw" in x and "panzr" in x and "panzer" in x for x in lines)
    assert any("orders" in x and "infantry" in x for x in lines)


@pytest.mark.parametrize("select, word", [({"tag": ""}, "tag"), ({"side": ""}, "side"),
                                          ({"bogus": 1}, "bogus")])
def test_a_bad_withdrawal_selector_is_one_line(tmp_path: Path, select: dict[str, Any],
                                                word: str) -> None:
    """A selector with a bad value is reported for that value alone, not also as naming
    no formations."""
    with pytest.raises(ScenarioError) as exc:
        load_file(_scenario(tmp_path, select))
    lines = [str(p) for p in exc.value.problems]
    assert len(lines) == 1 and word in lines[0]


@pytest.mark.parametrize("tags", ["panzer", {"panzer": None}, [1]])
def test_a_broken_formation_tags_field_is_reported_once(tmp_path: Path, tags: Any) -> None:
    """A formation whose tags did not parse is the one error: the selectors naming its tag
    are not each reported as naming an unknown tag."""
    def edit(d: dict[str, Any]) -> None:
        d["formations"][0]["tags"] = tags
        d["events"] = [{"id": "away", "trigger": {"date": "1941-06-24"},
                        "effects": [{"withdraw": {"tag": "panzer"}}, {"halt": {"tag": "panzer"}}]}]
    with pytest.raises(ScenarioError) as exc:
        load_file(edited(tmp_path, "t_air.yaml", edit))
    lines = [str(p) for p in exc.value.problems]
    assert len(lines) == 1 and "formations[0].tags" in lines[0]


def test_an_order_for_a_withdrawn_formation_says_withdrawn(tmp_path: Path) -> None:
    """A refused order names what became of the formation: withdrawn, not destroyed."""
    from stavka.errors import IllegalOrderError

    c, _, _ = _run(_scenario(tmp_path), 3)
    with pytest.raises(IllegalOrderError) as exc:
        c.step(["ger_air move gsrc"])
    assert "withdrawn from the theatre" in str(exc.value) and "destroyed" not in str(exc.value)


def test_a_reserve_withdrawn_before_it_enters_play(tmp_path: Path) -> None:
    """A reserve (inactive until released) withdrawn is never brought back by a release,
    and the chronicle says it left before reaching the front."""
    def edit(d: dict[str, Any]) -> None:
        d["formations"][2]["reserve"] = True  # ger_reserve
        d["events"] = [
            {"id": "away", "trigger": {"date": "1941-06-23"},
             "effects": [{"withdraw": {"ids": ["ger_reserve"]}}]},
            {"id": "back", "trigger": {"date": "1941-06-24"},
             "effects": [{"release": {"ids": ["ger_reserve"]}}]}]
    c = Campaign(load_file(edited(tmp_path, "t_air.yaml", edit)), seed=2)
    evs = []
    for _ in range(4):
        evs += c.step()
    f = c.static.formation("ger_reserve")
    assert c.world.state.status[0, f] == GONE
    (ev,) = of_kind(evs, "withdrawn")
    assert ev.values["in_play"] is False
    (doc,) = walk(c.events, markdown.MarkdownVisitor(), parts=as_parts(c))
    assert any("not yet at the front" in x for x in doc.splitlines())


def test_an_abstract_type_in_a_selector_is_a_located_error(tmp_path: Path) -> None:
    """No formation is of an abstract type, so a selector naming one selects nothing."""
    def edit(d: dict[str, Any]) -> None:
        d["formation_types"]["base"] = {"abstract": True, "men": 1000}
        d["formation_types"]["div"]["inherits"] = "base"
        d["events"] = [{"id": "away", "trigger": {"date": "1941-06-24"},
                        "effects": [{"withdraw": {"type": ["base"]}}]}]
    with pytest.raises(ScenarioError) as exc:
        load_file(edited(tmp_path, "t_air.yaml", edit))
    lines = [str(p) for p in exc.value.problems]
    assert len(lines) == 1 and "withdraw.type[0]" in lines[0] and "abstract" in lines[0]
