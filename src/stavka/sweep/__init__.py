"""Monte Carlo sweeps over whole campaigns.

    from stavka.sweep import sweep
    res = sweep("two-fronts-1941", runs=200, vary={"transfer_divisions": "0..18:6"})
    res.summary["results"][0]["flags"]["moscow_holds"]   # {'p', 'lo', 'hi', 'count'}
    res.runs["moscow_holds"]                             # one entry per run

See :func:`stavka.sweep.core.sweep`.
"""

from stavka.sweep.core import SweepResult, sweep
from stavka.sweep.grid import Grid, expand_values, make_grid
from stavka.sweep.runner import SweepError

__all__ = ["Grid", "SweepError", "SweepResult", "expand_values", "make_grid", "sweep"]
