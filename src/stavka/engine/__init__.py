"""The engine: one simulated day of every replica, phase by phase.

:func:`stavka.engine.core.step` runs the phases (:mod:`stavka.engine.phases`) in the
order of :data:`stavka.engine.core.PHASES` on a :class:`~stavka.engine.context.Ctx`
(the day context). Rules more than one phase causes (loss booking, surrender, capture,
end of battle) live in :mod:`stavka.engine.effects`, order legality in
:mod:`stavka.engine.legality`, the seeded random streams in :mod:`stavka.engine.rng`,
orders and events (the typed records in and out) in :mod:`stavka.engine.records`.
"""
