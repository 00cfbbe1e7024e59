"""Diplomacy: the decision model (accept, refuse, counter; comply or break) and the
war-entry model of neutral powers, with their versioned parameters.

A layer-1 package like :mod:`stavka.combat`: pure functions of arrays, used by the
engine's diplomacy phase (:mod:`stavka.engine.diplomacy`). See :mod:`stavka.diplomacy.model`.
"""

from stavka.diplomacy.model import DipParams, accept_probability, entry_hazard, params

__all__ = ["DipParams", "accept_probability", "entry_hazard", "params"]
