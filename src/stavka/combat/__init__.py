"""The versioned combat model (``combat_model: v1`` / ``v2``) shared by the engine and validation.

The campaign engine calls :func:`resolve` once per simulated day with all engagements
flattened into arrays; ``stavka validate cdb90`` calls the very same function step by
step for each historical battle's duration.
"""

from __future__ import annotations

from stavka.combat.model import Conditions, DayResult, Force, resolve
from stavka.combat.params import (
    ERAS,
    MODEL_VERSION,
    REFERENCE_ERA,
    VERSIONS,
    CombatParams,
    load_params,
    read_params,
    write_params,
)
from stavka.enums import GROUNDS, POSTURES, TERRAINS

__all__ = [
    "ERAS",
    "GROUNDS",
    "MODEL_VERSION",
    "POSTURES",
    "REFERENCE_ERA",
    "TERRAINS",
    "VERSIONS",
    "CombatParams",
    "Conditions",
    "DayResult",
    "Force",
    "load_params",
    "read_params",
    "resolve",
    "write_params",
]
