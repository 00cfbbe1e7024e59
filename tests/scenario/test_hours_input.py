"""Bad input for issue 14's engine parts (step length, commanders, morale rules, the
state of siege): every problem is its own located line (FILE:LINE: field: message), all
at once, exit 2 from ``stavka check``, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from stavka.cli import main
from stavka.errors import ScenarioError
from stavka.scenario.loader import load_file

DATA = Path(__file__).resolve().parents[1] / "data"
MINI = (DATA / "mini.yaml").read_text(encoding="utf-8")

BAD = """step_hours: 5
commanders:
  - {id: zhukov, name: G. K. Zhukov, side: soviet, formation: ger_pz_3, exposure: 0.1}
  - {id: ghost, name: Nobody, side: soviet, formation: sov_nowhere}
  - {id: lost, name: Lost, side: soviet, front: nowhere}
  - {id: both, name: Both, side: soviet, formation: sov_16a, front: west}
  - {id: bold, name: Bold, side: soviet, formation: sov_16a, exposure: 2, morale_bonus: -3}
  - {id: zhukov, name: Again, side: martians, front: west}
rules:
  desert_morale: 2
  panic_spread_per_day: -0.5
  siege_men_per_day: .nan
"""


def _problems(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as exc:
        load_file(path)
    return [str(p) for p in exc.value.problems]


def test_every_problem_is_its_own_located_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                               ) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(MINI + BAD, encoding="utf-8")
    text = path.read_text().splitlines()

    def line(start: str) -> int:
        (n,) = [i for i, ln in enumerate(text, 1) if ln.startswith(start)]
        return n

    def cmd(cid: str, nth: int = 0) -> int:
        return [i for i, ln in enumerate(text, 1) if ln.startswith(f"  - {{id: {cid},")][nth]

    got = _problems(path)
    want = [
        f"{path}:{line('step_hours:')}: step_hours: a step is a positive whole number of "
        "hours dividing 24 (1, 2, 3, 4, 6, 8, 12 or 24) (got 5)",
        f"{path}:{cmd('zhukov')}: commanders[0].formation: formation 'ger_pz_3' is of side "
        "'germany', not the commander's side 'soviet'",
        f"{path}:{cmd('ghost')}: commanders[1].formation: unknown formation 'sov_nowhere'",
        f"{path}:{cmd('lost')}: commanders[2].front: unknown front 'nowhere'",
        f"{path}:{cmd('both')}: commanders[3]: a commander is attached to exactly one of "
        "'formation' or 'front'",
        f"{path}:{cmd('bold')}: commanders[4].exposure: input should be less than or equal "
        "to 1 (got 2)",
        f"{path}:{cmd('bold')}: commanders[4].morale_bonus: input should be greater than or "
        "equal to -1 (got -3)",
        f"{path}:{cmd('zhukov', 1)}: commanders[5].id: duplicate commander id 'zhukov' "
        "(also commanders[0])",
        f"{path}:{cmd('zhukov', 1)}: commanders[5].side: unknown side 'martians'",
        f"{path}:{line('  desert_morale:')}: rules.desert_morale: rule 'desert_morale' = 2 is "
        "outside its range 0.01..1 (1)",
        f"{path}:{line('  panic_spread_per_day:')}: rules.panic_spread_per_day: rule "
        "'panic_spread_per_day' = -0.5 is outside its range 0..1 (1/day)",
        f"{path}:{line('  siege_men_per_day:')}: rules.siege_men_per_day: rule "
        "'siege_men_per_day' = nan is outside its range 0..0.1 (1/day)",
    ]
    assert got == want
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.rstrip().endswith(f"error: {len(want)} problem(s) in scenario")


@pytest.mark.parametrize("value", ["0", "-6", "48", "7", "6.0", "2.5", '"6"', "true", "null",
                                   ".nan", "1e9"])
def test_bad_step_lengths(tmp_path: Path, value: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(MINI + f"step_hours: {value}\n", encoding="utf-8")
    (p,) = _problems(path)
    n = MINI.count("\n") + 1
    assert p.startswith(f"{path}:{n}: step_hours: a step is a ")


@pytest.mark.parametrize("hours", [1, 2, 3, 4, 6, 8, 12, 24])
def test_good_step_lengths(tmp_path: Path, hours: int) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(MINI + f"step_hours: {hours}\n", encoding="utf-8")
    assert load_file(path).spec.step_hours == hours


def test_siege_effect_side_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(MINI.replace("events:", "events:\n  - {id: siege_x, trigger: {date: "
                                 "1941-10-20}, effects: [{siege: {side: sovjet}}]}", 1),
                    encoding="utf-8")
    (p,) = _problems(path)
    assert "events[0].effects[0].siege.side: unknown side 'sovjet'" in p
    assert "did you mean 'soviet'" in p
