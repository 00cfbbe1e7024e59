"""The per-day context shared by the phases: the world, today's weather, the event sink."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from stavka.engine.records import Event
from stavka.engine.rng import Streams
from stavka.world.state import ACTIVE, State
from stavka.world.static import Static


@dataclass
class World:
    """A compiled scenario (static tables) and the state of its replicas."""

    static: Static
    state: State

    def copy(self) -> World:
        return World(self.static, self.state.copy())


#: Cache keys derived from formation positions and strengths.
_POSITIONAL = ("enemy_men",)


@dataclass
class Ctx:
    """What one day's phases share. ``record`` turns event records on (off in sweeps)."""

    st: Static
    s: State
    rng: Streams
    record: bool
    events: list[Event] = field(default_factory=list)
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def day(self) -> int:
        return self.s.day

    @property
    def R(self) -> int:
        return self.s.R

    def emit(self, kind: str, replica: int | np.integer, place: int | np.integer | None = None,
             side: int | np.integer | None = None,
             subjects: tuple[str, ...] = (), **values: Any) -> None:
        """Record an event (no-op when not recording)."""
        if not self.record:
            return
        st = self.st
        self.events.append(Event(
            kind=kind, day=self.day, date=st.date(self.day), replica=int(replica),
            place=st.node_ids[place] if place is not None and place >= 0 else None,
            side=st.side_ids[side] if side is not None and side >= 0 else None,
            subjects=subjects,
            values={k: (v.item() if isinstance(v, np.generic) else v) for k, v in values.items()},
        ))

    # ---- derived views ---------------------------------------------------
    def ground(self) -> np.ndarray:
        """Ground state code per node today [N]."""
        d = min(self.day, self.st.days - 1)
        return self.st.ground[d, self.st.zone]

    def temp(self) -> np.ndarray:
        d = min(self.day, self.st.days - 1)
        return self.st.temp[d, self.st.zone]

    def frozen(self) -> np.ndarray:
        """bool per river today."""
        d = min(self.day, self.st.days - 1)
        return self.st.frozen[d] if self.st.frozen.size else np.zeros(0, dtype=bool)

    def active(self) -> np.ndarray:
        return self.s.status == ACTIVE

    def node_base(self, name: str, group: np.ndarray, groups: int) -> np.ndarray:
        """``(r * groups + group[f]) * N`` per (replica, formation) [R, F]: add ``loc`` for
        the flat index of a formation's node in an [R, groups, N] table. Cached on the
        static tables for the current batch size."""
        key = f"node_base_{name}"
        base = self.st.extra.get(key)
        if base is None or base.shape[0] != self.R:
            base = self.st.extra[key] = (np.arange(self.R)[:, None] * groups
                                         + group[None, :]) * self.st.N
        return base  # type: ignore[no-any-return]

    def men_at(self) -> np.ndarray:
        """Men of active formations per (replica, side, node) [R, S, N]."""
        st, s = self.st, self.s
        R, S, N = self.R, st.S, st.N
        idx = self.node_base("side", st.fside, S) + s.loc
        w = (s.status == ACTIVE) * s.strength[..., 0]  # (faster than np.where here)
        return np.bincount(idx.ravel(), weights=w.ravel(), minlength=R * S * N).reshape(R, S, N)

    def enemy_men_at(self) -> np.ndarray:
        """Men at each node at war with each side [R, S, N] (cached for the phase)."""
        if "enemy_men" not in self.cache:
            m = self.men_at()
            # sum over enemy sides b in index order (a fixed reduction order: no einsum,
            # whose SIMD accumulation order depends on the CPU)
            war = self.s.at_war
            acc = np.zeros_like(m)
            for b in range(m.shape[1]):
                acc += np.where(war[:, :, b, None], m[:, b, None, :], 0.0)
            self.cache["enemy_men"] = acc
        return self.cache["enemy_men"]

    def invalidate(self) -> None:
        """Forget what is derived from positions and strengths (call after they change).

        Only position-derived views are dropped; a phase's products for the day
        (today's ``supply_level``) stay. Dropping them too would make a replica's
        day depend on whether *another* replica of the batch changed something.
        """
        for k in _POSITIONAL:
            self.cache.pop(k, None)

