"""The morale collapse (stavka.engine.morale), with hand-computed expectations.

Fixture ``t_morale``: red formations in regions a - b - c (a and c not adjacent), all
supplied, no battle; morale does not recover and nobody falls sick (its rules block),
so one day changes morale and men only by the rules under test.
"""

from __future__ import annotations

import pytest

from stavka.api import Campaign
from stavka.enums import C_ATTRITION, GONE
from stavka.scenario.loader import Loaded

from .helpers import loaded, of_kind


def _campaign(**rules: float) -> Campaign:
    return Campaign(loaded("t_morale"), seed=0,
                    params={f"rules.{k}": v for k, v in rules.items()})


def _set_morale(c: Campaign, **morale: float) -> None:
    for fid, m in morale.items():
        c.world.state.morale[0, c.static.formation(fid)] = m


def _men(c: Campaign, fid: str) -> float:
    return float(c.world.state.strength[0, c.static.formation(fid), 0])


def _morale(c: Campaign, fid: str) -> float:
    return float(c.world.state.morale[0, c.static.formation(fid)])


def test_off_by_default_nothing_changes() -> None:
    c = Campaign(loaded("t_morale"), seed=0)
    assert c.world.state.siege.shape == (1, 0)  # no morale state: the digest is as before
    c.run(1)
    assert _men(c, "broken_a") == 10000 and _morale(c, "broken_a") == 0.1


def test_desertion_at_a_given_morale() -> None:
    # rate = 0.04/day x (0.5 - 0.25) / 0.5 = 0.02/day: 10,000 men -> 200 desert in a day
    c = _campaign(desert_max_per_day=0.04, desert_morale=0.5)
    _set_morale(c, broken_a=0.25, shaken_a=0.6, steady_b=0.9, guards_b=0.0)
    c.step()
    assert _men(c, "broken_a") == 10000 - 200
    assert _men(c, "shaken_a") == 10000  # above desert_morale: nobody deserts
    assert _men(c, "guards_b") == 10000  # elite: never deserts, even at morale 0
    red = c.static.side("red")
    assert c.world.state.losses[0, red, :, 0, C_ATTRITION].sum() == 200
    ev = of_kind(c.events, "desertion")
    assert len(ev) == 1 and ev[0].values["men"] == 200 and ev[0].subjects == ("broken_a",)


def test_desertion_in_six_hour_steps_scales() -> None:
    # a 6-hour step deserts a quarter of the day's rate: 10,000 x 0.02 x 0.25 = 50
    spec = loaded("t_morale").spec.model_copy(update={"step_hours": 6})
    c = Campaign(Loaded(spec, [], []), seed=0, params={"rules.desert_max_per_day": 0.04})
    _set_morale(c, broken_a=0.25)
    c.step()
    assert _men(c, "broken_a") == 10000 - 50


def test_state_of_siege_slows_desertion_at_a_cost() -> None:
    # siege: desertion x 0.5 -> 100 men; then 0.001/day of the rest (9,900) -> 9.9 men;
    # morale capped at 0.8
    c = _campaign(desert_max_per_day=0.04, siege_desert_factor=0.5, siege_men_per_day=0.001,
                  siege_morale_cap=0.8)
    c.world.state.siege[0, c.static.side("red")] = True
    _set_morale(c, broken_a=0.25)
    c.step()
    assert _men(c, "broken_a") == pytest.approx(10000 - 100 - 9.9, abs=1 / 512)
    assert _morale(c, "steady_b") == 0.8  # the ceiling
    assert _men(c, "guards_b") == pytest.approx(10000 - 10.0, abs=1 / 512)  # pays the cost too


def test_morale_spreads_from_a_broken_neighbour() -> None:
    # broken_a (0.1 < panic_morale 0.3) is broken. spread 0.5/day closes half the gap:
    # shaken_a (same region) 0.6 -> 0.6 - 0.5 x 0.5 = 0.35; steady_b (next region)
    # 0.9 -> 0.9 - 0.5 x 0.8 = 0.5; steady_c (two regions away) and the guards keep 0.9
    c = _campaign(panic_spread_per_day=0.5, panic_morale=0.3)
    c.step()
    assert _morale(c, "broken_a") == pytest.approx(0.1)
    assert _morale(c, "shaken_a") == pytest.approx(0.35)
    assert _morale(c, "steady_b") == pytest.approx(0.5)
    assert _morale(c, "steady_c") == pytest.approx(0.9)
    assert _morale(c, "guards_b") == pytest.approx(0.9)
    # next day shaken_a (0.35) is not yet broken; steady_b still spreads from broken_a:
    # 0.5 - 0.5 x 0.4 = 0.3
    c.step()
    assert _morale(c, "steady_b") == pytest.approx(0.3)


def test_dissolution_below_the_breaking_point() -> None:
    c = _campaign(dissolve_morale=0.2)
    _set_morale(c, guards_b=0.0)
    c.step()
    s, st = c.world.state, c.static
    assert s.status[0, st.formation("broken_a")] == GONE  # 0.1 < 0.2: dissolved
    assert s.status[0, st.formation("guards_b")] != GONE  # elite: fights to the last
    red = st.side("red")
    assert s.losses[0, red, :, 0, C_ATTRITION].sum() == 10000
    ev = of_kind(c.events, "dissolved")
    assert [e.subjects for e in ev] == [("broken_a",)] and ev[0].values["men"] == 10000


def test_siege_effect_and_lever() -> None:
    """A siege effect declares it; a scenario parameter can drive it through an event."""
    from stavka.scenario.loader import load_file

    c = Campaign(load_file(DATA_SIEGE), seed=0, params={"siege": True})
    c.step()
    assert bool(c.world.state.siege[0, c.static.side("red")])
    assert [e.kind for e in of_kind(c.events, "siege")] == ["siege"]
    c = Campaign(load_file(DATA_SIEGE), seed=0, params={"siege": False})
    c.step()
    assert not c.world.state.siege[0, c.static.side("red")]


from .helpers import DATA  # noqa: E402

DATA_SIEGE = DATA / "t_siege.yaml"


def test_blocking_detachment_slows_desertion_in_its_region() -> None:
    """A formation tagged ``blocking`` in region a: desertion there x 0.5 and morale
    capped at 0.7; region b is untouched."""
    from stavka.scenario.loader import load_file

    c = Campaign(load_file(DATA / "t_blocking.yaml"), seed=0,
                 params={"rules.desert_max_per_day": 0.04, "rules.blocking_desert_factor": 0.5,
                         "rules.blocking_morale_cap": 0.7})
    _set_morale(c, broken_a=0.25, shaken_a=0.9, steady_b=0.25)
    c.step()
    assert _men(c, "broken_a") == 10000 - 100  # 200 x 0.5
    assert _men(c, "steady_b") == 10000 - 200
    assert _morale(c, "shaken_a") == 0.7
    assert _morale(c, "guards_b") == 0.9


#: Every rule of the morale collapse, set on its own to a value that acts, with what it
#: needs to act (the rules it reads with, a state of siege, a blocking detachment):
#: (fixture, its params, the rule, the rule's value). Formations start at broken_a 0.1,
#: shaken_a 0.6, steady_b 0.9.
MORALE_RULES = {
    "desert_max_per_day": ("t_morale", {}, 0.04),
    "desert_morale": ("t_morale", {"desert_max_per_day": 0.04}, 0.9),
    "dissolve_morale": ("t_morale", {}, 0.2),
    "panic_morale": ("t_morale", {"panic_spread_per_day": 0.5}, 0.05),
    "panic_spread_per_day": ("t_morale", {}, 0.5),
    "siege_desert_factor": ("t_siege", {"siege": True, "rules.desert_max_per_day": 0.04}, 0.5),
    "siege_men_per_day": ("t_siege", {"siege": True}, 0.01),
    "siege_morale_cap": ("t_siege", {"siege": True}, 0.5),
    "blocking_desert_factor": ("t_blocking", {"desert_max_per_day": 0.04}, 0.5),
    "blocking_morale_cap": ("t_blocking", {}, 0.5),
}


def test_every_morale_rule_is_listed() -> None:
    from stavka import rules

    prefixes = ("desert_", "dissolve_", "panic_", "siege_", "blocking_")
    assert sorted(MORALE_RULES) == sorted(n for n in rules.names() if n.startswith(prefixes))


@pytest.mark.parametrize("rule", sorted(MORALE_RULES))
def test_every_morale_rule_that_is_set_takes_effect(rule: str) -> None:
    """The rule set alone (with what it needs) changes a day's morale or men; the same
    campaign without it does not (issue: ``blocking_morale_cap`` was ignored: the
    campaign carried no morale state for a blocking detachment)."""
    from stavka.scenario.loader import load_file

    fixture, needs, value = MORALE_RULES[rule]
    needs = {k if "." in k or k == "siege" else f"rules.{k}": v for k, v in needs.items()}

    def day(params: dict[str, float]) -> tuple[list[float], list[float]]:
        c = Campaign(load_file(DATA / f"{fixture}.yaml"), seed=0, params=params)
        c.step()
        ids = ("broken_a", "shaken_a", "steady_b")
        return [_men(c, f) for f in ids], [_morale(c, f) for f in ids]

    assert day({**needs, f"rules.{rule}": value}) != day(needs)


def test_a_blocking_detachment_caps_morale_without_desertion() -> None:
    from stavka.scenario.loader import load_file

    c = Campaign(load_file(DATA / "t_blocking.yaml"), seed=0,
                 params={"rules.blocking_morale_cap": 0.7})
    c.step()
    assert _morale(c, "shaken_a") == 0.6 and _morale(c, "steady_b") == 0.9  # b: no detachment
    _set_morale(c, shaken_a=0.95)
    c.step()
    assert _morale(c, "shaken_a") == 0.7
    # without the rule the campaign carries no morale state (its digest is as before)
    assert Campaign(load_file(DATA / "t_blocking.yaml"), seed=0).world.state.siege.shape == (1, 0)
