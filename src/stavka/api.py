"""The Python API: ``stavka.load``, :class:`Campaign`, :func:`simulate`.

>>> import stavka
>>> c = stavka.Campaign(stavka.load("two-fronts-1941"), seed=7)   # doctest: +SKIP
>>> c.run(days=10).summary()["digest"]                             # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from stavka.engine import outcomes
from stavka.engine.core import compile_world, step
from stavka.engine.records import Event, Order
from stavka.engine.rng import Streams, check_seed
from stavka.enums import ACTIVE, CATS, CAUSES
from stavka.errors import (
    IllegalOrderError,
    InputError,
    UnknownIdError,
    check_count,
    did_you_mean,
)
from stavka.scenario.loader import Loaded, load_file
from stavka.world.digest import field_digests
from stavka.world.world import World


def scenario_dirs() -> list[Path]:
    """Directories holding shipped scenarios (each a folder with scenario.yaml).

    The one shipped directory is the package data folder ``stavka/scenarios``, found
    with :func:`importlib.resources.files`, so an installed wheel has the same scenarios
    as a source checkout (where ``scenarios/`` at the repository root links to it). A
    scenario elsewhere is loaded by its path; ids stay the same on every machine, which
    is what lets a replay name a shipped scenario by its id.
    """
    shipped = resources.files("stavka") / "scenarios"
    # a package on the file system (a zipped one has no folders to load from)
    return [shipped] if isinstance(shipped, Path) and shipped.is_dir() else []


def list_scenarios() -> dict[str, Path]:
    """Shipped scenario ids and their folders (see :func:`scenario_dirs`)."""
    out: dict[str, Path] = {}
    for d in scenario_dirs():
        for sub in sorted(d.iterdir()):
            if (sub / "scenario.yaml").is_file():
                out[sub.name] = sub
    return out


def load(name_or_path: str | Path) -> Loaded:
    """Load a shipped scenario by id, or a scenario file/folder by path."""
    if not isinstance(name_or_path, str | Path):
        raise InputError(f"scenario must be an id or a path (got {type(name_or_path).__name__})")
    p = Path(name_or_path)
    shipped = list_scenarios()
    if str(name_or_path) in shipped:
        return load_file(shipped[str(name_or_path)])
    try:
        exists = p.exists()
    except (OSError, ValueError) as exc:  # a NUL byte, a name too long for the system
        raise InputError(f"{str(p)[:80]!r}: not a usable path ({type(exc).__name__})") from None
    if p.suffix in (".yaml", ".yml") or exists:
        if not exists:
            raise InputError(f"{p}: file not found")
        if not (p.is_dir() or p.is_file()):  # a FIFO or device would block or never end
            raise InputError(f"{p}: not a scenario file or folder")
        return load_file(p)
    raise UnknownIdError(
        f"unknown scenario '{name_or_path}'{did_you_mean(str(name_or_path), list(shipped))}"
        f"; shipped: {', '.join(shipped) or 'none'}")


@dataclass
class History:
    """Per-day series of one replica, for reports: strength, losses, control, positions
    and, with a ``sea`` block, sea control and fleets."""

    dates: list[dt.date] = field(default_factory=list)
    strength: list[np.ndarray] = field(default_factory=list)  # [S, Fr, 4]
    losses: list[np.ndarray] = field(default_factory=list)  # [S, Fr, 4] cumulative, all causes
    owner: list[np.ndarray] = field(default_factory=list)  # [N]
    loc: list[np.ndarray] = field(default_factory=list)  # [F]
    status: list[np.ndarray] = field(default_factory=list)  # [F]
    men: list[np.ndarray] = field(default_factory=list)  # [F]
    digests: list[str] = field(default_factory=list)
    # the sea (stavka.world.naval), recorded only for a scenario with a ``sea`` block
    # (empty lists otherwise): Z sea zones, Fl fleets
    sea_control: list[np.ndarray] = field(default_factory=list)  # [Z] side index, -1 none
    fleet_zone: list[np.ndarray] = field(default_factory=list)  # [Fl] zone index
    fleet_ships: list[np.ndarray] = field(default_factory=list)  # [Fl, K] ships afloat by class
    fleet_air: list[np.ndarray] = field(default_factory=list)  # [Fl] naval air groups


class Campaign:
    """One campaign (a single replica) for people: run it, step it, read what happened."""

    def __init__(self, scenario: Loaded | str | Path, seed: int = 0,
                 params: dict[str, Any] | None = None, trace: bool = False,
                 player: str | Sequence[str] | None = None):
        """``player``: the side (or sides) whose formations this caller may order
        (None: any side, as a referee). ``trace=True`` also records each phase's field
        digests every day (:attr:`trace`), which a saved replay carries for the sync
        report. Raises :class:`InputError` for a bad seed, flag or side."""
        check_seed(seed, "seed")
        if not isinstance(trace, bool):
            raise InputError(f"trace must be True or False (got {trace!r})")
        self.loaded = scenario if isinstance(scenario, Loaded) else load(scenario)
        self.player = self._sides(player, "player")
        self.source = scenario if isinstance(scenario, str | Path) else None
        self.seed = int(seed)
        self.params: dict[str, Any] = dict(params or {})
        self.world: World = compile_world(self.loaded.spec, params, replicas=1)
        self.rng = Streams.from_seed(self.seed, 1)
        self.events: list[Event] = []
        self.orders_log: list[tuple[int, Order]] = []
        self.history = History()
        #: with ``trace``: per day, per phase, the field digests after that phase
        self.trace: list[dict[str, dict[str, str]]] | None = [] if trace else None
        self._record()

    @property
    def static(self):  # type: ignore[no-untyped-def]
        return self.world.static

    @property
    def day(self) -> int:
        return self.world.state.day

    @property
    def date(self) -> dt.date:
        return self.static.date(self.day)

    @property
    def done(self) -> bool:
        return self.day >= self.static.days or bool(self.world.state.over[0])

    def digest(self) -> str:
        return self.world.state.digest(0)

    def _sides(self, sides: str | Sequence[str] | None, what: str) -> tuple[str, ...] | None:
        if sides is None:
            return None
        names = (sides,) if isinstance(sides, str) else sides
        if not isinstance(names, list | tuple) or not all(isinstance(x, str) for x in names):
            raise InputError(f"{what} must be a side id or a list of them (got {sides!r:.60})")
        known = list(self.loaded.spec.sides)
        for x in names:
            if x not in known:
                raise UnknownIdError(f"{what}: unknown side {x!r:.40}"
                                     f"{did_you_mean(x, known)}; sides: {', '.join(known)}")
        return tuple(names)

    def step(self, orders: Sequence[Order | str] = (), side: str | Sequence[str] | None = None
             ) -> list[Event]:
        """Advance one step (a day, or the scenario's ``step_hours``) with the given
        player orders; return the step's events.

        ``orders``: a list of :class:`Order` or ``"FORMATION ACTION [TARGET]"`` strings
        (or the orders to fleets, landings and partisans of
        :mod:`stavka.engine.special_orders`: ``"FLEET fleet_move ZONE"``, ...).
        ``side``: who gives them (default: the campaign's ``player``); an order for a
        formation of another side is refused. The player's order of the day wins over
        the script's for the same formation, with an ``order_overridden`` event
        (:mod:`stavka.engine.phases.orders`). Raises :class:`InputError` for orders that
        are not such a list, :class:`IllegalOrderError` for an order that cannot be
        carried out (nothing changes then).
        """
        from stavka.engine.legality import check_owner, unknown_ids

        if self.done:
            raise InputError(f"campaign is over ({self.date})")
        if isinstance(orders, str | bytes) or not isinstance(orders, list | tuple):
            raise InputError(f"orders must be a list of orders, not {type(orders).__name__}"
                             + (f" (did you mean [{orders!r:.60}]?)" if isinstance(orders, str)
                                else ""))
        for i, o in enumerate(orders):
            if not isinstance(o, Order | str):
                raise InputError(f"orders[{i}]: an order is an Order or a string "
                                 f"'FORMATION ACTION [TARGET]' (got {type(o).__name__})")
        parsed = [o if isinstance(o, Order) else Order.parse(o) for o in orders]
        sides = self._sides(side, "side") if side is not None else self.player
        st = self.static
        for o in parsed:
            why = unknown_ids(st, o)
            if why:
                raise UnknownIdError(f"order '{o.shown()}': {why}")
            check_owner(st, o, sides)
        hook = None
        if self.trace is not None:
            phases: dict[str, dict[str, str]] = {}
            hook = lambda name, state: phases.__setitem__(name, field_digests(state))  # noqa: E731
        # the orders are checked again against the day's state, after its events (an
        # event may withdraw a formation): a refusal there leaves the campaign as it was
        # (the random streams are counter-based: the state is all there is to restore)
        before = self.world.state.copy() if parsed else None
        try:
            _, evs = step(self.world, parsed, self.rng, after_phase=hook)
        except IllegalOrderError:
            if before is not None:
                self.world.state = before
            raise
        if self.trace is not None:
            self.trace.append(phases)
        # by step (the day at 24-hour steps): a replay gives them back at the same step
        self.orders_log.extend((self.world.state.step - 1, o) for o in parsed)
        self.events.extend(evs)
        self._record()
        return evs

    def run(self, days: int | None = None, progress: Callable[[int], None] | None = None
            ) -> Campaign:
        """Run ``days`` more days (default: to the end of the scenario): that many steps
        times the steps in a day (``24 // step_hours``). Raises :class:`InputError` unless
        ``days`` is None or a non-negative int (not a bool, a float or a string)."""
        spd = self.static.steps_per_day
        left = self.static.days * spd - self.world.state.step
        n = left if days is None else min(check_count("days", days) * spd, left)
        if progress is not None and not callable(progress):
            raise InputError(f"progress must be a function of the day (got "
                             f"{type(progress).__name__})")
        for _ in range(n):
            if self.done:
                break
            self.step()
            if progress:
                progress(self.day)
        return self

    def save_replay(self, path: str | Path) -> Path:
        """Write this campaign as a replay file (scenario hash, code and digest versions,
        seed, parameters, every order and every day's digest): :mod:`stavka.replay`."""
        from stavka.replay import save_replay

        return save_replay(self, path)

    def _record(self) -> None:
        st, s = self.static, self.world.state
        h = self.history
        Fr = len(st.front_ids)
        act = s.status[0] == ACTIVE
        tot = np.zeros((st.S, Fr, 4))
        fr = st.front[s.loc[0]]
        for c in range(4):
            np.add.at(tot[..., c], (st.fside[act], fr[act]), s.strength[0, act, c])
        h.dates.append(self.date)
        h.strength.append(tot)
        h.losses.append(s.losses[0].sum(axis=-1).copy())
        h.owner.append(s.owner[0].copy())
        h.loc.append(s.loc[0].copy())
        h.status.append(s.status[0].copy())
        h.men.append(s.strength[0, :, 0].copy())
        h.digests.append(self.digest())
        if st.naval is not None:
            h.sea_control.append(s.sea_control[0].copy())
            h.fleet_zone.append(s.fleet_zone[0].copy())
            h.fleet_ships.append(s.fleet_ships[0].copy())
            h.fleet_air.append(s.fleet_air[0].copy())

    def summary(self) -> dict[str, Any]:
        """What a run came to: digest, losses, control of victory regions, the result.

        Losses, strength, victory points and flags are :mod:`stavka.engine.outcomes`,
        the same metrics as a sweep's ``runs.csv``; losses are also split by cause and
        (men) by front."""
        st, s = self.static, self.world.state
        m = {k: v[0] for k, v in outcomes.evaluate(st, s).items()}
        losses: dict[str, Any] = {}
        for si, sid in enumerate(st.side_ids):
            losses[sid] = {
                cat: {cause: round(float(s.losses[0, si, :, c, k].sum()))
                      for k, cause in enumerate(CAUSES)} | {"total": int(m[f"loss_{sid}_{cat}"])}
                for c, cat in enumerate(CATS)}
            losses[sid]["by_front"] = {
                fr: round(float(s.losses[0, si, j, 0, :].sum())) for j, fr in enumerate(st.front_ids)}
        control = {st.node_ids[n]: st.side_ids[int(s.owner[0, n])]
                   for n in range(st.N) if st.vp[n] > 0}
        flags = {k: bool(m[k]) for k in outcomes.flag_names(st.spec)}
        vp = [float(m[f"vp_{sid}"]) for sid in st.side_ids]
        strength = {sid: {cat: int(m[f"strength_{sid}_{cat}"]) for cat in CATS}
                    for sid in st.side_ids}
        winner = int(s.winner[0])
        result = (f"{st.side_ids[winner]} sudden-death victory" if winner >= 0 else
                  max(zip(vp, st.side_ids, strict=True))[1] + " leads on victory points")
        return {
            "scenario": st.spec.id,
            "scenario_hash": self.loaded.hash,
            "seed": self.seed,
            "parameters": {k: (v.isoformat() if isinstance(v, dt.date) else v)
                           for k, v in st.params.items()},
            "start": st.start.isoformat(),
            "days": self.day,
            # a scenario in hours: the step length and the steps taken (the orders below
            # are keyed by step); a daily summary is as it was
            **({"step_hours": st.step_hours, "steps": s.step} if st.step_hours != 24 else {}),
            "end": self.static.date(max(self.day - 1, 0)).isoformat(),
            "digest": self.digest(),
            "losses": losses,
            "strength": strength,
            "control": control,
            "victory_points": dict(zip(st.side_ids, vp, strict=True)),
            "victory": {"flags": flags, "result": result},
            "orders": [f"{d}: {o.text()}" for d, o in self.orders_log],
        }


def simulate(scenario: Loaded | str | Path, seed: int = 0, params: dict[str, Any] | None = None,
             days: int | None = None) -> dict[str, Any]:
    """Run one campaign to the end (or ``days``) and return its summary."""
    return Campaign(scenario, seed=seed, params=params).run(days).summary()
