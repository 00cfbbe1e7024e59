"""Commanders (stavka.engine.commanders), with hand-computed expectations.

Fixture ``t_commanders``: ``t_hours`` (a blue army attacks x; breaks made rare) with
three commanders; see the fixture's comment.
"""

from __future__ import annotations

import numpy as np
import pytest

from stavka.api import Campaign
from stavka.chronicle import markdown
from stavka.chronicle.visitor import as_parts, walk
from stavka.engine import commanders
from stavka.engine.context import Ctx

from .helpers import campaign, loaded, of_kind


def _ctx(c: Campaign) -> Ctx:
    return Ctx.of(c.world, c.rng)


def test_bonuses_while_present() -> None:
    c = campaign("t_commanders")
    st = c.static
    cev = commanders.cev_factor(_ctx(c))
    mor = commanders.morale_bonus(_ctx(c))
    assert cev is not None and mor is not None
    f = st.formation
    # blue_army: General Blau (x 1.5, +0.1); red_x on the city front: General Front
    # (x 1.25, +0.05); red_y (rear front): Colonel Ring (+0.2, x 1); blue_column: none
    assert cev[0, f("blue_army")] == 1.5 and mor[0, f("blue_army")] == pytest.approx(0.1)
    assert cev[0, f("red_x")] == 1.25 and mor[0, f("red_x")] == pytest.approx(0.05)
    assert cev[0, f("red_y")] == 1.0 and mor[0, f("red_y")] == pytest.approx(0.2)
    assert cev[0, f("blue_column")] == 1.0 and mor[0, f("blue_column")] == 0.0


def test_no_commanders_no_factors() -> None:
    c = campaign("t_hours")
    assert commanders.cev_factor(_ctx(c)) is None
    assert c.world.state.cmd_state.shape == (1, 0)


def test_commander_killed_and_his_formations_morale_falls() -> None:
    c = campaign("t_commanders", seed=1)
    st, s = c.static, c.world.state
    assert s.morale[0, st.formation("blue_army")] == 1.0
    c.step()
    # exposure 1 x dt 1 = probability 1: General Blau falls on the first day of battle;
    # his army loses rules.commander_loss_morale = 0.2 of morale: 1.0 -> 0.8
    k = commanders.table(st).ids.index("gen_blue")
    assert s.cmd_state[0, k] in (commanders.KILLED, commanders.CAPTURED)
    assert s.morale[0, st.formation("blue_army")] == pytest.approx(0.8)
    # Colonel Ring is as exposed but his division did not fight
    assert s.cmd_state[0, commanders.table(st).ids.index("gen_ring")] == commanders.PRESENT
    ev = of_kind(c.events, "commander_lost")
    assert len(ev) == 1
    assert ev[0].values["commander"] == "gen_blue" and ev[0].values["name"] == "General Blau"
    assert ev[0].subjects == ("blue_army",) and ev[0].place == "x"
    # gone: no bonus any more
    cev = commanders.cev_factor(_ctx(c))
    assert cev is not None and cev[0, st.formation("blue_army")] == 1.0
    # the chronicle names him
    (doc,) = walk(c.events, markdown.MarkdownVisitor(), parts=as_parts(c))
    assert ("General Blau is killed at Khimki; " in doc
            or "General Blau is taken prisoner at Khimki; " in doc), doc
    assert "Blue Army loses heart" in doc


def test_fate_is_seeded_and_independent_of_batch() -> None:
    """The fate draws come from the commander_loss stream: the same in a batch of 8
    replicas as alone, and a mix of killed and captured over replicas."""
    from stavka.engine.core import compile_world, step
    from stavka.engine.rng import Streams

    from .helpers import loaded

    spec = loaded("t_commanders").spec
    w = compile_world(spec, replicas=64)
    step(w, [], Streams.from_seed(5, 64), record=False)
    k = commanders.table(w.static).ids.index("gen_blue")
    fates = w.state.cmd_state[:, k]
    assert set(np.unique(fates)) == {commanders.KILLED, commanders.CAPTURED}
    one = compile_world(spec, replicas=1)
    step(one, [], Streams.from_seed(5, 1), record=False)
    assert one.state.cmd_state[0, k] == fates[0]


def test_commander_taken_with_his_dissolving_formation() -> None:
    """Colonel Ring's division dissolves (morale 0.1 + his 0.2 = 0.3 < 0.35): he is taken
    with it, and the chronicle says so."""
    c = Campaign(loaded("t_commanders"), seed=1, params={"rules.dissolve_morale": 0.35})
    st, s = c.static, c.world.state
    s.morale[0, st.formation("red_y")] = 0.1
    c.step()
    k = commanders.table(st).ids.index("gen_ring")
    assert s.cmd_state[0, k] == commanders.CAPTURED
    (ev,) = [e for e in of_kind(c.events, "commander_lost") if e.values["commander"] == "gen_ring"]
    assert ev.values["with_command"] is True and ev.subjects == ("red_y",)
    (doc,) = walk(c.events, markdown.MarkdownVisitor(), parts=as_parts(c))
    assert "Colonel Ring is taken prisoner with" in doc
