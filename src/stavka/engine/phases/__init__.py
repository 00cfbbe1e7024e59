"""The phases of a day, each a module with ``run(ctx)`` (in order): events, orders,
movement, supply, combat, economy, weather, victory.

Each phase's module docstring states what it reads, what it writes and its rule;
:data:`stavka.engine.core.PHASES` is the order. A phase changes the state
(``ctx.s``, arrays [R, ...] over replicas) in place and appends events to ``ctx.events``.
"""
