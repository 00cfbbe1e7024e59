"""The engine: ``step(world, orders, rng) -> (world, events)``, phase by phase.

The phase order is data (:data:`PHASES`); each phase is a module with ``run(ctx)``
whose docstring says what it reads and writes. What a phase makes for a later one is a
typed field of the day context (:class:`stavka.engine.context.Ctx`). ``step`` advances
every replica of the world by one day.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from stavka.engine.context import Ctx
from stavka.engine.legality import check
from stavka.engine.phases import (
    combat,
    diplomacy,
    economy,
    events,
    movement,
    naval,
    orders,
    supply,
    victory,
    weather,
)
from stavka.engine.records import Event, Order
from stavka.engine.rng import Streams
from stavka.engine.special_orders import together_problem
from stavka.errors import IllegalOrderError
from stavka.scenario.schema import Scenario
from stavka.world.state import State, initial_state
from stavka.world.static import compile_static
from stavka.world.world import World

#: Phases that run once a day, at the first step of each day, when a step is shorter
#: than a day (``Scenario.step_hours``): their rules are daily (the diplomatic day,
#: production, deliveries, mobilisation and refits, the weather's calendar).
DAILY: frozenset[str] = frozenset({"diplomacy", "economy", "weather"})

#: The day, phase by phase (DESIGN.md section 2).
PHASES: tuple[tuple[str, Callable[[Ctx], None]], ...] = (
    ("events", events.run),
    ("diplomacy", diplomacy.run),
    ("orders", orders.run),
    ("naval", naval.run),
    ("movement", movement.run),
    ("supply", supply.run),
    ("combat", combat.run),
    ("economy", economy.run),
    ("weather", weather.run),
    ("victory", victory.run),
)


def compile_world(spec: Scenario, params: dict[str, Any] | None = None, replicas: int = 1) -> World:
    """Compile a scenario (with parameter overrides) into a world of ``replicas`` replicas."""
    st = compile_static(spec, params)
    return World(st, initial_state(st, replicas))


def step(world: World, orders_: Sequence[Order], rng: Streams, record: bool = True,
         after_phase: Callable[[str, State], None] | None = None
         ) -> tuple[World, list[Event]]:
    """Advance every replica one step (a day, or ``Scenario.step_hours`` hours: the
    phases of :data:`DAILY` then run only at a day's first step). Mutates and returns
    ``world``.

    ``orders_`` are player orders applied to every replica (checked first:
    an illegal one raises before anything changes). ``record=False`` skips
    building event records (sweeps). ``after_phase(name, state)``, if given, is
    called after each phase (the sync report's per-phase digests); it must not
    change the state.
    """
    if rng.replicas != world.state.R:
        raise ValueError(f"rng has {rng.replicas} replicas, world has {world.state.R}")
    ctx = Ctx.of(world, rng, record, tuple(orders_))
    for r in range(ctx.R):
        for o in ctx.orders:
            check(ctx, o, r)
        why = together_problem(ctx, ctx.orders, r)
        if why:
            raise IllegalOrderError(f"orders on {ctx.st.date(ctx.day)}: {why}")
    ctx.invalidate()  # views the checks made are rebuilt by the phases that need them
    s = world.state
    day_start = ctx.day_start
    for name, fn in PHASES:
        if day_start or name not in DAILY:
            fn(ctx)
        if after_phase is not None:
            after_phase(name, s)
    s.step += 1
    s.day = s.step if ctx.st.step_hours == 24 else s.step * ctx.st.step_hours // 24
    return world, ctx.events
