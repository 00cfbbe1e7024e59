"""Combat-model versions come from the shipped parameter files, in one place."""

from __future__ import annotations

from importlib import resources
from typing import get_args

from stavka.combat.params import MODEL_VERSION, NEWEST_VERSION, VERSIONS, load_params
from stavka.scenario.schema import Scenario


def test_versions_are_the_parameter_files() -> None:
    files = sorted(p.name for p in resources.files("stavka.combat").iterdir()
                   if p.name.startswith("params_v") and p.name.endswith(".yaml"))
    assert sorted(f"params_{v}.yaml" for v in VERSIONS) == files
    assert VERSIONS[-1] == NEWEST_VERSION
    for v in VERSIONS:  # every version loads, with its own AI attack odds
        assert load_params(v).ai_attack_odds > 0


def test_the_scenario_format_accepts_exactly_the_shipped_versions() -> None:
    assert get_args(Scenario.model_fields["combat_model"].annotation) == VERSIONS
    assert Scenario.model_fields["combat_model"].default == MODEL_VERSION


def test_the_default_is_pinned_not_the_newest_file() -> None:
    # v4 (posture in order) became the default on purpose, with the campaign
    # recalibrated on it (rules v3); a newer file would ship beside it, not replace it.
    assert MODEL_VERSION == "v4" and NEWEST_VERSION == "v4"
    assert MODEL_VERSION in VERSIONS
    assert load_params() == load_params("v4")
