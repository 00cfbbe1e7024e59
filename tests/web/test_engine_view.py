"""The web layer's window on the engine: what it builds quickly must be what the engine
builds slowly (a game copied from a day-0 campaign, the map's pictures, the standing)."""

from __future__ import annotations

import stavka
from stavka.web import engine_view as ev

from .conftest import FLAGSHIP


def test_a_game_copied_from_a_template_plays_as_a_campaign_made_from_scratch():
    params = {"transfer_divisions": 6}
    for seed, humans, p in ((3, ["soviet"], {}), (4, ["soviet"], {}), (5, [], params),
                            (6, ["soviet", "germany"], params)):
        a = ev.new_campaign(FLAGSHIP, seed, p, humans)
        b = stavka.Campaign(stavka.load(FLAGSHIP), seed=seed, params=p or None,
                            player=tuple(humans) or None)
        assert ev.digest(a) == b.digest()
        for _ in range(12):
            ev.step(a, [], humans)
            b.step([], side=tuple(humans) or None)
            assert ev.digest(a) == b.digest() == a.digest()
        assert ev.standing(a)["victory_points"] == b.summary()["victory_points"]
    # copies share nothing that changes: the first game is untouched by the others
    x, y = (ev.new_campaign(FLAGSHIP, 9, {}, ["soviet"]) for _ in range(2))
    ev.step(x, [], ["soviet"])
    assert ev.day(y) == 0 and y.history.digests == [y.digest()]
    assert x.world.state is not y.world.state and x.world.static is y.world.static


def test_a_finished_campaigns_standing_is_its_summarys():
    c = ev.new_campaign(FLAGSHIP, 2, {}, [])
    while not ev.done(c):
        ev.step(c, [], [])
    s = c.summary()
    assert ev.standing(c) == {"victory_points": s["victory_points"],
                              "result": s["victory"]["result"]}
