"""Phase 2, diplomacy: requests, answers, agreements, trade deliveries, neutrals.

Reads and writes what :mod:`stavka.engine.diplomacy` says (the ``dip_*`` arrays, gold,
the sides' pools, and the effects of outcomes). A scenario without a ``diplomacy:``
block does nothing here. Runs after events (which may send requests and sign
agreements) and before orders (so that transfers an answer books move the same day).
"""

from __future__ import annotations

from stavka.engine import diplomacy
from stavka.engine.context import Ctx


def run(ctx: Ctx) -> None:
    """The day's diplomacy (:func:`stavka.engine.diplomacy.run`)."""
    diplomacy.run(ctx)
