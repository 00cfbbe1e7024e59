"""Compiled tables of a scenario's ``sea`` block and the start values of its state arrays.

:func:`compile_naval` turns the sea zones, fleets and landings into read-only arrays
(:class:`NavalStatic`, kept as :attr:`stavka.world.static.Static.naval`; ``None`` for a
scenario without a ``sea`` block). :func:`naval_arrays` gives the start values of the
state's naval arrays: empty (a zero-length axis) without a ``sea`` block, so the state
digest of a land-only scenario is unchanged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from stavka.combat import naval as nv
from stavka.enums import SHIP_CLASSES
from stavka.scenario.schema import Scenario
from stavka.world.counts import on_grid


@dataclass(frozen=True)
class NavalStatic:
    """Read-only naval tables. Z sea zones, Fl fleets, L landings, K ship classes, N
    regions, D days.

    params: the salvo model's parameters (:mod:`stavka.combat.naval`); zone_ids [Z];
    coast [Z, N] bool (zone z borders region n); iced [D, Z] bool (ice closes the zone);
    control0 [Z] side index at start (-1: no one); fleet_ids [Fl]; fleet_side [Fl];
    fleet_zone0 [Fl] zone at start; ships0 [Fl, K] ship counts; air0 [Fl] air groups;
    quality [Fl]; port_t [N] port capacity, t/day; landable [N] bool (port or beach);
    port_iced [D, N] bool (every zone a port borders is iced); landing_ids [L];
    landing_day [L] (day number); landing_fleet [L]; landing_target [L];
    landing_forms [L] formation indices embarked; adjacent [Z, Z] bool (both ways);
    move_day, move_fleet, move_to [M]: the scripted fleet moves in the order they are
    made (by day, then file order); edge_zone [E] the sea zone a sea edge's lane
    crosses (-1: none, never closed).
    """

    params: nv.NavalParams
    zone_ids: tuple[str, ...]
    coast: np.ndarray
    iced: np.ndarray
    control0: np.ndarray
    fleet_ids: tuple[str, ...]
    fleet_names: tuple[str, ...]
    fleet_side: np.ndarray
    fleet_zone0: np.ndarray
    ships0: np.ndarray
    air0: np.ndarray
    quality: np.ndarray
    port_t: np.ndarray
    landable: np.ndarray
    port_iced: np.ndarray
    landing_ids: tuple[str, ...]
    landing_day: np.ndarray
    landing_fleet: np.ndarray
    landing_target: np.ndarray
    landing_forms: tuple[np.ndarray, ...]
    adjacent: np.ndarray
    move_day: np.ndarray
    move_fleet: np.ndarray
    move_to: np.ndarray
    edge_zone: np.ndarray

    @property
    def Z(self) -> int:
        """Number of sea zones."""
        return len(self.zone_ids)

    @property
    def has_lanes(self) -> bool:
        """Does some sea edge cross a sea zone (and so close with it)?"""
        return bool((self.edge_zone >= 0).any())


def compile_naval(spec: Scenario, node_index: dict[str, int], side_ids: tuple[str, ...],
                  form_index: dict[str, int], params: dict[str, Any] | None = None
                  ) -> NavalStatic | None:
    """The naval tables of a checked scenario (``None`` without a ``sea`` block), with the
    run's parameter values ``params`` (for ``$param`` dates; a null date: day -1, never).

    Raises :class:`~stavka.errors.InputError` if the block names a naval model version
    with no shipped parameter file.
    """
    sea = spec.sea
    if sea is None:
        return None
    D, N = spec.days, len(spec.nodes)
    zone_ids = tuple(z.id for z in sea.zones)
    zidx = {z: i for i, z in enumerate(zone_ids)}
    Z = len(zone_ids)
    coast = np.zeros((Z, N), dtype=bool)
    iced = np.zeros((D, Z), dtype=bool)
    for i, z in enumerate(sea.zones):
        coast[i, [node_index[n] for n in z.coast]] = True
        if z.freeze is not None:
            f0 = (z.freeze - spec.start).days
            t0 = D if z.thaw is None else (z.thaw - spec.start).days
            iced[max(0, f0):max(0, min(D, t0)), i] = True
    control0 = np.array([side_ids.index(z.control) if z.control else -1 for z in sea.zones],
                        dtype=np.int16)
    K = len(SHIP_CLASSES)
    ships0 = np.zeros((len(sea.fleets), K))
    air0 = np.zeros(len(sea.fleets))
    for i, fl in enumerate(sea.fleets):
        # a fleet's scale (a number or a $param, checked by the loader) multiplies its
        # ships and air groups; the counts go on the fixed-point grid below
        scale = float((params or {}).get(fl.scale[1:], 1.0) if isinstance(fl.scale, str)
                      else fl.scale)
        for name, count in fl.ships.items():
            ships0[i, SHIP_CLASSES.index(name)] = count * scale
        air0[i] = fl.air_groups * scale
    port_t = np.array([n.port_tons_per_day for n in spec.nodes], dtype=float)
    landable = np.array([n.port or n.beach or n.port_tons_per_day > 0 for n in spec.nodes])
    borders = np.asarray(coast.any(axis=0), dtype=bool)  # [N]
    # a port is closed when every zone it borders is iced ([D, Z] x [Z, N] as a fixed loop)
    all_iced = np.broadcast_to(borders, (D, N)).copy()
    for zi in range(Z):
        all_iced &= ~coast[zi][None, :] | iced[:, zi, None]
    fleet_idx = {f.id: i for i, f in enumerate(sea.fleets)}
    adjacent = np.zeros((Z, Z), dtype=bool)
    for i, z in enumerate(sea.zones):
        for a in z.adjacent:
            adjacent[i, zidx[a]] = adjacent[zidx[a], i] = True
    def day(v: Any) -> int:
        if isinstance(v, str):  # a $param (checked by the loader); before the start
            v = (params or {}).get(v[1:])  # (a parameter with `earliest`): the first day
            return max(0, (v - spec.start).days) if isinstance(v, dt.date) else -1
        return (v - spec.start).days if isinstance(v, dt.date) else -1

    move_day = [day(m.date) for m in sea.moves]
    moves = sorted(range(len(sea.moves)), key=lambda i: (move_day[i], i))
    model = nv.load_params(sea.naval_model)
    if sea.params:  # the scenario's own values (landing_days is a whole number of days)
        model = model.replace(**{k: int(v) if k == "landing_days" else float(v)
                                 for k, v in sea.params.items()})
    return NavalStatic(
        params=model,
        zone_ids=zone_ids, coast=coast, iced=iced, control0=control0,
        fleet_ids=tuple(f.id for f in sea.fleets), fleet_names=tuple(f.name for f in sea.fleets),
        fleet_side=np.array([side_ids.index(f.side) for f in sea.fleets], dtype=np.int16),
        fleet_zone0=np.array([zidx[f.zone] for f in sea.fleets], dtype=np.int32),
        ships0=on_grid(ships0), air0=on_grid(air0),
        quality=np.array([f.quality for f in sea.fleets], dtype=float),
        port_t=port_t, landable=landable, port_iced=all_iced & borders[None, :],
        landing_ids=tuple(ld.id for ld in sea.landings),
        landing_day=np.array([day(ld.date) for ld in sea.landings], dtype=np.int32),
        landing_fleet=np.array([fleet_idx[ld.fleet] for ld in sea.landings], dtype=np.int32),
        landing_target=np.array([node_index[ld.target] for ld in sea.landings], dtype=np.int32),
        landing_forms=tuple(np.array([form_index[f] for f in ld.formations], dtype=np.intp)
                            for ld in sea.landings),
        adjacent=adjacent,
        move_day=np.array([move_day[i] for i in moves], dtype=np.int32),
        move_fleet=np.array([fleet_idx[sea.moves[i].fleet] for i in moves], dtype=np.int32),
        move_to=np.array([zidx[sea.moves[i].to] for i in moves], dtype=np.int32),
        edge_zone=np.array([zidx[e.zone] if e.zone else -1 for e in spec.edges], dtype=np.int32),
    )


def naval_arrays(nav: NavalStatic | None, R: int, F: int) -> dict[str, Any]:
    """Start values of the state's naval arrays for ``R`` replicas and ``F`` formations.

    ``sea_control`` [R, Z] side controlling each zone (-1 none); ``fleet_ships``
    [R, Fl, K] ship counts; ``fleet_air`` [R, Fl] air groups; ``fleet_zone`` [R, Fl];
    ``landing_state`` [R, L] (0 pending, 1 landed, 2 refused); ``landing_due`` [R, L]
    day a landing is to be made (its date; an event's ``land`` effect sets it; -1 none);
    ``landed_day`` [R, F]
    day a formation came ashore (-1: never). All empty without a ``sea`` block.
    """
    def rep(a: np.ndarray) -> np.ndarray:
        return np.repeat(a[None], R, axis=0)

    if nav is None:
        return dict(sea_control=np.zeros((R, 0), dtype=np.int16),
                    fleet_ships=np.zeros((R, 0, len(SHIP_CLASSES))),
                    fleet_air=np.zeros((R, 0)), fleet_zone=np.zeros((R, 0), dtype=np.int32),
                    landing_state=np.zeros((R, 0), dtype=np.int8),
                    landing_due=np.zeros((R, 0), dtype=np.int32),
                    landed_day=np.zeros((R, 0), dtype=np.int32))
    return dict(sea_control=rep(nav.control0), fleet_ships=rep(nav.ships0),
                fleet_air=rep(nav.air0), fleet_zone=rep(nav.fleet_zone0),
                landing_state=np.zeros((R, len(nav.landing_ids)), dtype=np.int8),
                landing_due=rep(nav.landing_day),
                landed_day=np.full((R, F), -1, dtype=np.int32))
