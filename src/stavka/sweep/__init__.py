"""Monte Carlo sweeps over whole campaigns.

    from stavka.sweep import sweep
    res = sweep("two-fronts-1941", runs=200, vary={"transfer_divisions": "0..18:6"})
    res.summary["results"][0]["flags"]["moscow_holds"]   # {'p', 'lo', 'hi', 'count'}
    res.runs["moscow_holds"]                             # one entry per run

See :func:`stavka.sweep.core.sweep`. The names below are imported on first use
(PEP 562), so a light submodule (``stavka.sweep.grid``, ``.stats``...) does not load
the engine.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stavka.sweep.core import SweepResult, sweep
    from stavka.sweep.grid import Grid, expand_values, make_grid
    from stavka.sweep.runner import SweepError

__all__ = ["Grid", "SweepError", "SweepResult", "expand_values", "make_grid", "sweep"]

#: public name -> the module that defines it, imported on first access
_LAZY = {
    "SweepResult": "stavka.sweep.core",
    "sweep": "stavka.sweep.core",
    "Grid": "stavka.sweep.grid",
    "expand_values": "stavka.sweep.grid",
    "make_grid": "stavka.sweep.grid",
    "SweepError": "stavka.sweep.runner",
}


if not TYPE_CHECKING:  # hidden from mypy, which would otherwise accept any attribute

    def __getattr__(name: str) -> Any:
        """Import a public name's module on first access (PEP 562); cache the name here."""
        module = _LAZY.get(name)
        if module is None:  # how ``from stavka.sweep import core`` finds the submodule
            raise AttributeError(f"module 'stavka.sweep' has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
