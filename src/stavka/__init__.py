"""stavka: a campaign simulator for the Soviet Union's two-front war of 1941-45.

Importing ``stavka`` (or any light module such as :mod:`stavka.errors`) does not load
the engine, NumPy or SciPy: the public names below come from their modules on first
use (PEP 562), so ``stavka.Campaign`` and ``from stavka import load`` work as before.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from stavka.errors import IllegalOrderError, ScenarioError, StavkaError, UnknownIdError

if TYPE_CHECKING:
    from stavka.api import Campaign, list_scenarios, load, simulate
    from stavka.engine.records import Event, Order

__version__ = "0.1.0"
__all__ = ["Campaign", "Event", "IllegalOrderError", "Order", "ScenarioError", "StavkaError",
           "UnknownIdError", "list_scenarios", "load", "simulate"]

#: public name -> the module that defines it, imported on first access
_LAZY = {
    "Campaign": "stavka.api",
    "list_scenarios": "stavka.api",
    "load": "stavka.api",
    "simulate": "stavka.api",
    "Event": "stavka.engine.records",
    "Order": "stavka.engine.records",
}


if not TYPE_CHECKING:  # hidden from mypy, which would otherwise accept any stavka.<name>

    def __getattr__(name: str) -> Any:
        """Import a public name's module on first access (PEP 562); cache the name here."""
        module = _LAZY.get(name)
        if module is None:  # how ``from stavka import detmath`` falls back to the submodule
            raise AttributeError(f"module 'stavka' has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
