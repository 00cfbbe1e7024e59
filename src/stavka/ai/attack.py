"""The AI's attack decision and the rest after an attack: when an attack goes in, and
how long an attacker stays out of the fight.

* **Attack odds.** The AI attacks only where the combat model rates its power at least
  ``params.ai_attack_odds`` times the defender's (posture, terrain and weather
  included); scripted and player attacks go in whatever the odds. The threshold is on
  the combat model's own scale, so it is a parameter of each model version
  (``stavka/combat/params_v*.yaml``). The combat phase resolves the day's engagements
  and asks :func:`calls_off` which ones the AI abandons.
* **Rest.** An attacker whose attack is called off or halted rests
  ``rules.rest_days`` days before it may attack again (:func:`rest`). A resting formation
  is marked by a negative ``State.dug`` (days left to rest, counted back up to 0 by
  the movement phase's days-in-place count, :mod:`stavka.engine.phases.movement`);
  :func:`resting` tells which.
"""

from __future__ import annotations

import numpy as np

from stavka.combat import CombatParams
from stavka.world.state import State


def calls_off(power_ratio: np.ndarray, ordered: np.ndarray, params: CombatParams) -> np.ndarray:
    """[n] bool: engagements the AI abandons -- those no scripted or player order
    (``ordered`` [n] bool) sends in, at a power ratio (``power_ratio`` [n], attacker /
    defender) below the model version's ``ai_attack_odds``."""
    return ~ordered & (power_ratio < params.ai_attack_odds)


def rest(s: State, r: np.ndarray, f: np.ndarray, days: float) -> None:
    """Formations ``(r[k], f[k])`` start ``days`` days of rest (``rules.rest_days``)."""
    s.dug[r, f] = -days


def resting(s: State) -> np.ndarray:
    """[R, F] bool: formations resting after an attack (they may not attack)."""
    return s.dug < 0
