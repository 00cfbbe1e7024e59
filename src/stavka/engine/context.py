"""The day context: what one day's phases share.

A phase is ``run(ctx)``. It reads the static tables (``ctx.st``), the state
(``ctx.s``), the seeded random streams (``ctx.rng``), the orders given for the day
(``ctx.orders``) and the products of earlier phases of the same day, which are typed
fields here that raise :class:`PhaseOrderError` if read before the phase that makes
them has run. Tables derived once from the static tables come from ``ctx.derived``
(:class:`stavka.world.world.Derived`); views derived from positions and strengths
within the day (:meth:`Ctx.enemy_men_at`) are kept until a phase moves or hurts
someone and calls :meth:`Ctx.invalidate`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from stavka.engine import kernels
from stavka.engine.records import Event, Order
from stavka.engine.rng import Streams
from stavka.enums import ACTIVE
from stavka.world.state import State
from stavka.world.static import Static
from stavka.world.world import Derived, World

__all__ = ["Ctx", "PhaseOrderError", "World"]


class PhaseOrderError(RuntimeError):
    """A phase read a product of the day before the phase that makes it had run: the
    phase order (:data:`stavka.engine.core.PHASES`) and the phases' contracts disagree."""


@dataclass
class Ctx:
    """What one day's phases share. ``record`` turns event records on (off in sweeps).

    Day products (each raises :class:`PhaseOrderError` if read before it is made):

    * :attr:`supply_level` [R, A, N] float 0..1 -- made by the supply phase, read by
      combat (a broken defender retreats to the best-supplied friendly region).
    * :attr:`rail_used` [R, E, 2] float or None -- troop trains dispatched today per rail
      edge and direction (0: a->b, 1: b->a), made by movement when ``rules.supply_tons``
      is 1 and some formation entrains (None: none today), read by supply in tons.
    * :attr:`port_supply_t` [R, N] float t/day -- made by the naval phase (scenarios with
      a ``sea`` block only), read by supply (an open port is a source of its holder).
    """

    st: Static
    s: State
    rng: Streams
    record: bool
    derived: Derived
    #: the day's player orders (checked before the day starts; applied by the orders phase)
    orders: Sequence[Order] = ()
    events: list[Event] = field(default_factory=list)
    _supply_level: np.ndarray | None = None
    #: troop trains dispatched today [R, E, 2] (movement, with rules.supply_tons; None: none)
    rail_used: np.ndarray | None = None
    #: [R, F] bool or None: formations given an order by an event today (its ``hold`` and
    #: ``attack`` effects, events phase); a player's or the script's order for them the
    #: same day wins, and the orders phase reports it (``order_overridden``)
    event_ordered: np.ndarray | None = None
    _port_supply_t: np.ndarray | None = None
    _views: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def of(cls, world: World, rng: Streams, record: bool = False,
           orders: Sequence[Order] = ()) -> Ctx:
        """The context of ``world``'s next day."""
        return cls(world.static, world.state, rng, record, world.derived, orders)

    @property
    def day(self) -> int:
        """Today's day number (0 = the scenario's start date)."""
        return self.s.day

    @property
    def step(self) -> int:
        """Today's step number (0 = the start; equal to :attr:`day` at 24-hour steps).
        Random draws of a step are keyed by it."""
        return self.s.step

    @property
    def dt(self) -> float:
        """This step's length in days (``step_hours / 24``; 1.0 at 24-hour steps)."""
        return self.st.dt

    @property
    def day_start(self) -> bool:
        """Whether this step is the first of its day (always, at 24-hour steps)."""
        return self.st.step_hours == 24 or self.s.step % self.st.steps_per_day == 0

    @property
    def hour(self) -> int:
        """Hour of the day at which this step begins (0 at 24-hour steps)."""
        return (self.s.step * self.st.step_hours) % 24

    @property
    def R(self) -> int:
        """Number of replicas."""
        return self.s.R

    # ---- products of the day's phases --------------------------------------
    @property
    def supply_level(self) -> np.ndarray:
        """[R, A, N] float 0..1: today's supply level per alliance and region (supply phase)."""
        if self._supply_level is None:
            raise PhaseOrderError("supply_level read before the supply phase made it")
        return self._supply_level

    @supply_level.setter
    def supply_level(self, value: np.ndarray) -> None:
        self._supply_level = value

    @property
    def port_supply_t(self) -> np.ndarray:
        """[R, N] float: t/day each open port unloads for its holder today (naval phase)."""
        if self._port_supply_t is None:
            raise PhaseOrderError("port_supply_t read before the naval phase made it")
        return self._port_supply_t

    @port_supply_t.setter
    def port_supply_t(self, value: np.ndarray) -> None:
        self._port_supply_t = value

    # ---- events --------------------------------------------------------------
    def emit(self, kind: str, replica: int | np.integer, place: int | np.integer | None = None,
             side: int | np.integer | None = None,
             subjects: tuple[str, ...] = (), **values: Any) -> None:
        """Record an event (no-op when not recording). ``place``/``side`` are indices
        (-1 or None: none); ``subjects`` are formation ids. With steps shorter than a day
        the values carry ``hour``, the hour of the day the step begins."""
        if not self.record:
            return
        st = self.st
        if st.step_hours != 24:  # steps shorter than a day: the hour the step begins
            values.setdefault("hour", self.hour)
        self.events.append(Event(
            kind=kind, day=self.day, date=st.date(self.day), replica=int(replica),
            place=st.node_ids[place] if place is not None and place >= 0 else None,
            side=st.side_ids[side] if side is not None and side >= 0 else None,
            subjects=subjects,
            values={k: (v.item() if isinstance(v, np.generic) else v) for k, v in values.items()},
        ))

    # ---- derived views ---------------------------------------------------
    def ground(self) -> np.ndarray:
        """[N] int: ground state code (:data:`stavka.enums.GROUNDS`) per region today."""
        d = min(self.day, self.st.days - 1)
        return self.st.ground[d, self.st.zone]

    def temp(self) -> np.ndarray:
        """[N] float: air temperature per region today, deg C."""
        d = min(self.day, self.st.days - 1)
        return self.st.temp[d, self.st.zone]

    def frozen(self) -> np.ndarray:
        """[Rv] bool: whether each river is frozen today."""
        d = min(self.day, self.st.days - 1)
        return self.st.frozen[d] if self.st.frozen.size else np.zeros(0, dtype=bool)

    def active(self) -> np.ndarray:
        """[R, F] bool: formations in play."""
        return self.s.status == ACTIVE

    def node_base(self, name: str, group: np.ndarray, groups: int) -> np.ndarray:
        """[R, F] int: :meth:`stavka.world.world.Derived.node_base` for this batch size."""
        return self.derived.node_base(name, group, groups, self.R)

    def men_at(self) -> np.ndarray:
        """[R, S, N] float: men of active formations per (replica, side, region) (kept
        until :meth:`invalidate`; read-only)."""
        if "men" not in self._views:
            st, s = self.st, self.s
            # summed in formation order, as np.bincount would (stavka.engine.kernels)
            men = kernels.men_by_region(s.strength, s.status, ACTIVE, st.fside, s.loc, st.S, st.N)
            men.flags.writeable = False  # shared by every reader until invalidate
            self._views["men"] = men
        return self._views["men"]

    def enemy_men_at(self) -> np.ndarray:
        """[R, S, N] float: men at each region at war with each side (kept until
        :meth:`invalidate`)."""
        if "enemy_men" not in self._views:
            # summed over enemy sides b in index order (a fixed reduction order: no einsum,
            # whose SIMD accumulation order depends on the CPU; stavka.engine.kernels)
            acc = kernels.enemy_men(self.men_at(), self.s.at_war)
            acc.flags.writeable = False
            self._views["enemy_men"] = acc
        return self._views["enemy_men"]

    def invalidate(self) -> None:
        """Forget the views derived from positions and strengths (call after they change).

        Only those views are dropped; the day's products (:attr:`supply_level`) stay.
        Dropping them too would make a replica's day depend on whether *another*
        replica of the batch changed something.
        """
        self._views.clear()
