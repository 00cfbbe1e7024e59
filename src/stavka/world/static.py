"""Static tables compiled from a scenario: nodes, edges, paths, types, calendar.

Everything here is read-only during a run and shared by all replicas. Indices
follow the scenario's order (nodes, edges, formations), so ids sort stably.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import shortest_path

from stavka import rules as rules_mod
from stavka.enums import EDGE_KINDS, GROUNDS, KINDS, TERRAINS
from stavka.errors import InputError, UnknownIdError, did_you_mean
from stavka.rules import Rules
from stavka.scenario.loader import escape
from stavka.scenario.schema import MAX_PARAM, Parameter, Scenario, param_uses
from stavka.world.naval import NavalStatic, compile_naval

INF = np.inf


@dataclass(frozen=True)
class Static:
    """Read-only tables of one compiled scenario (with its parameter values)."""

    spec: Scenario
    params: dict[str, Any]
    #: the campaign rules with this run's ``rules.*`` overrides (:mod:`stavka.rules`)
    rules: Rules
    #: road-march speed factor by ground state [5] (``rules.ground_speed``)
    ground_speed: np.ndarray
    #: road-march speed factor by terrain of the region entered [8] (``rules.terrain_speed``)
    terrain_speed: np.ndarray
    start: dt.date
    days: int
    # sides
    side_ids: tuple[str, ...]
    alliance: np.ndarray  # [S] alliance index
    tank_loss_factor: np.ndarray  # [S] Side.tank_loss_factor
    winter_kit: np.ndarray  # [S] bool: Side.winter_equipment
    # fronts
    front_ids: tuple[str, ...]
    # nodes [N]
    node_ids: tuple[str, ...]
    node_index: dict[str, int]
    lat: np.ndarray
    lon: np.ndarray
    terrain: np.ndarray
    zone: np.ndarray
    front: np.ndarray
    vp: np.ndarray
    fort: np.ndarray
    source_node: np.ndarray  # bool
    owner0: np.ndarray
    # edges [E]
    ea: np.ndarray
    eb: np.ndarray
    ekind: np.ndarray
    ekm: np.ndarray
    ecap: np.ndarray  # trains/day (0 for non-rail)
    eriver: np.ndarray  # river index or -1
    edge_of: np.ndarray  # [N, N] edge index between neighbours (land preferred), -1 none
    ehighway: np.ndarray  # [E] bool: a paved highway runs along the (land) link
    # paths
    land_dist: np.ndarray  # [N, N] km over land edges
    land_next: np.ndarray  # [N, N] next hop over land edges, -1 none
    rail_next: np.ndarray  # [A, N, N] next hop over rail through alliance-a territory
    rail_dist: np.ndarray  # [A, N, N]
    rail_path: np.ndarray  # [A, N, N, L] edge indices along the rail path, -1 padded
    rail_dir: np.ndarray  # [A, N, N, L] 0 if the path runs the edge a->b, 1 if b->a
    # formations [F] (scenario formations first, then mobilisation slots)
    form_ids: tuple[str, ...]
    form_names: tuple[str, ...]
    form_index: dict[str, int]
    fside: np.ndarray
    ftype: np.ndarray
    fkind: np.ndarray
    est: np.ndarray  # [F, 4] establishment men, tanks, guns, aircraft
    est_trucks: np.ndarray  # [F] establishment trucks
    rail_trains: np.ndarray
    speed: np.ndarray
    fcev: np.ndarray  # [F] combat-effectiveness value (CEV; scenario field `quality`)
    supply_days: np.ndarray
    ftags: tuple[frozenset[str], ...]
    type_ids: tuple[str, ...]
    mob_slots: np.ndarray  # [F] side index for mobilisation slots, -1 for scenario formations
    capital: np.ndarray  # [S] node with the most victory points each side holds at start
    # calendar [D, Z]
    ground: np.ndarray
    temp: np.ndarray
    river_ids: tuple[str, ...]
    frozen: np.ndarray  # [D, Rv] bool
    extra: dict[str, Any] = field(default_factory=dict)
    #: the sea block's tables (:mod:`stavka.world.naval`); None without a ``sea`` block
    naval: NavalStatic | None = None

    @property
    def N(self) -> int:
        """Number of regions (map nodes)."""
        return len(self.node_ids)

    @property
    def F(self) -> int:
        """Number of formations: the scenario's, then the mobilisation slots."""
        return len(self.form_ids)

    @property
    def S(self) -> int:
        """Number of sides (nations)."""
        return len(self.side_ids)

    def date(self, day: int) -> dt.date:
        """Calendar date of simulation day ``day`` (0 = scenario start)."""
        return self.start + dt.timedelta(days=day)

    @property
    def step_hours(self) -> int:
        """Hours one step lasts (``Scenario.step_hours``; 24 by default)."""
        return self.spec.step_hours

    @property
    def dt(self) -> float:
        """One step's length in days (``step_hours / 24``; exactly 1.0 at 24 hours). Every
        per-day rate of a step is multiplied by it where it is not 1."""
        return self.spec.step_hours / 24.0

    @property
    def steps_per_day(self) -> int:
        """Steps in one day (``24 // step_hours``)."""
        return 24 // self.spec.step_hours

    def node(self, node_id: str) -> int:
        """Index of a node id; :class:`UnknownIdError` with a suggestion if unknown."""
        try:
            return self.node_index[node_id]
        except KeyError:
            raise UnknownIdError(
                f"unknown node '{node_id}'{did_you_mean(node_id, self.node_ids)}") from None

    def formation(self, fid: str) -> int:
        """Index of a formation id; :class:`UnknownIdError` with a suggestion if unknown."""
        try:
            return self.form_index[fid]
        except KeyError:
            raise UnknownIdError(
                f"unknown formation '{fid}'{did_you_mean(fid, self.form_ids)}") from None

    def side(self, sid: str) -> int:
        """Index of a side id; :class:`UnknownIdError` with a suggestion if unknown."""
        try:
            return self.side_ids.index(sid)
        except ValueError:
            raise UnknownIdError(f"unknown side '{sid}'{did_you_mean(sid, self.side_ids)}") from None


def resolve_params(spec: Scenario, overrides: dict[str, Any] | None) -> dict[str, Any]:
    """Parameter values: defaults, then ``overrides`` (checked for name, type and range).

    Every value is then checked where it is used: a date parameter lies within the
    campaign (or is none), and a number lies within the bounds of each field that
    refers to it (``count: $n`` needs 0 <= n <= 100,000; see ``schema.PARAM_SLOTS``).
    """
    out: dict[str, Any] = {k: p.default for k, p in spec.parameters.items()}
    if overrides is not None and not isinstance(overrides, Mapping):
        raise InputError(f"parameters must be a mapping of name to value "
                         f"(got {type(overrides).__name__})")
    for name, raw in (overrides or {}).items():
        if isinstance(name, str) and name.startswith(rules_mod.PREFIX):
            out[name] = coerce_rule(name, raw)
            continue
        if not isinstance(name, str) or name not in spec.parameters:
            shown = _shown(name, 60)
            raise UnknownIdError(
                f"unknown parameter {shown}{escape(did_you_mean(str(name), list(spec.parameters)))}"
                f"; scenario '{spec.id}' has: {', '.join(spec.parameters) or 'none'}")
        out[name] = coerce_param(name, spec.parameters[name], raw)
    for name, p in spec.parameters.items():
        v = out[name]
        first = date_floor(spec, p)
        if p.type == "date" and v is not None and not first <= v <= spec.end:
            early = (f"; the campaign starts {spec.start}, and a date from {first} before "
                     f"that means its first day") if first < spec.start else ""
            raise InputError(f"parameter '{name}' must lie within the campaign "
                             f"{first}..{spec.end}, or be none (got {v}{early})")
    for path, name, kind, lo, hi in param_uses(spec):
        v = out.get(name)
        if kind == "date" or isinstance(v, bool) or not isinstance(v, int | float):
            continue
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            raise InputError(f"parameter '{name}' = {v:g} is outside {lo:g}..{hi:g}, the range "
                             f"of {_fmt_path(path)} which uses it")
    return out


def date_floor(spec: Scenario, p: Parameter) -> dt.date:
    """The earliest value a date parameter may take: the campaign's start, or the
    parameter's ``earliest`` if that is before it (such a date stands for the first day)."""
    return min(spec.start, p.earliest) if p.earliest is not None else spec.start


def _fmt_path(path: tuple[Any, ...]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def _shown(raw: Any, limit: int) -> str:
    """``repr`` of a user value for a message: escaped, cut, and never failing (a
    5,000-digit integer has no repr under Python's digit limit)."""
    if isinstance(raw, int) and not isinstance(raw, bool) and raw.bit_length() > 300:
        return f"an integer of about {int(raw.bit_length() * 0.30103)} digits"
    try:
        text = escape(repr(raw))
    except Exception:  # noqa: BLE001 - a hostile object must not break the message
        text = f"<{type(raw).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _RuleParam:
    """A rule seen as a float parameter with the rule's bounds (for :func:`coerce_param`)."""

    type = "float"

    def __init__(self, lo: float, hi: float):
        self.min, self.max = lo, hi


def coerce_rule(name: str, raw: Any) -> float:
    """A ``rules.<name>`` override (possibly a CLI string) as a float within the rule's
    bounds (0 or 1 for a switch, :func:`stavka.rules.check`). Raises :class:`InputError`
    for an unknown rule, a table rule or a bad value."""
    rule = name[len(rules_mod.PREFIX):]
    try:
        spec = rules_mod.field_spec(rule)
    except InputError as exc:
        raise UnknownIdError(f"parameter '{escape(name[:80])}': {exc}") from None
    try:
        rules_mod.require_one_value(rule)
    except InputError as exc:  # names the table's entries
        raise InputError(f"parameter '{escape(name)}': {exc}") from None
    if spec.metadata.get("switch"):  # 0 or 1, whatever else is given
        try:
            value = float(_number_text(raw, _FLOAT_TEXT) if isinstance(raw, str) else raw)
        except (TypeError, ValueError, OverflowError):
            value = float("nan")
        if isinstance(raw, bool) or value not in (0.0, 1.0):
            raise InputError(f"parameter '{escape(name)}': rule '{rule}' is a switch: 0 (off) "
                             f"or 1 (on) (got {_shown(raw, 60)})")
        return value
    return float(coerce_param(name, _RuleParam(spec.metadata["lo"], spec.metadata["hi"]), raw))


#: A number as a person types it: ASCII digits, an optional sign, point and exponent (no
#: "1_0", which Python reads as 10, and no full-width or other Unicode digits).
_INT_TEXT = re.compile(r"[+-]?[0-9]+")
_FLOAT_TEXT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


def _number_text(raw: str, pattern: re.Pattern[str]) -> str:
    """``raw`` stripped, if it is a number written as :data:`_FLOAT_TEXT` or
    :data:`_INT_TEXT` says; raises ValueError otherwise."""
    text = raw.strip()
    if not pattern.fullmatch(text):
        raise ValueError(text)
    return text


def coerce_param(name: str, p: Any, raw: Any) -> Any:
    """Convert a parameter value (possibly a CLI string) to its declared type and check range.

    An int or float is finite and at most 1e15 in size (``schema.MAX_PARAM``); true/false
    is not a number; a date is a calendar date (a timestamp only at midnight).
    """
    name = escape(str(name))
    try:
        if p.type == "int":
            if isinstance(raw, str):
                raw = raw.strip()
                val: Any = int(_number_text(raw, _INT_TEXT))
            elif isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
                raise ValueError
            else:
                val = int(raw)
        elif p.type == "float":
            if isinstance(raw, bool):
                raise ValueError
            val = float(_number_text(raw, _FLOAT_TEXT) if isinstance(raw, str) else raw)
            if not np.isfinite(val):
                raise ValueError
        elif p.type == "bool":
            if isinstance(raw, bool):
                val = raw
            elif str(raw).lower() in ("1", "true", "yes", "on"):
                val = True
            elif str(raw).lower() in ("0", "false", "no", "off"):
                val = False
            else:
                raise ValueError
        else:  # date
            if raw is None or (isinstance(raw, str) and raw.lower() in ("", "none", "null")):
                val = None
            elif isinstance(raw, dt.datetime):
                if raw.time() != dt.time() or raw.tzinfo is not None:
                    raise ValueError
                val = raw.date()
            elif isinstance(raw, dt.date):
                val = raw
            else:
                val = dt.date.fromisoformat(str(raw).strip())
    except (TypeError, ValueError, OverflowError):
        kind = {"int": "a whole number", "float": "a number", "bool": "true or false",
                "date": "a date (YYYY-MM-DD)"}.get(p.type, f"a {p.type}")
        raise InputError(f"parameter '{name}' must be {kind} (got {_shown(raw, 60)})") from None
    if p.type in ("int", "float"):
        # the parameter's own bounds first: they are what its user needs to know
        if p.min is not None and val < p.min:
            raise InputError(f"parameter '{name}' must be >= {p.min:g} (got {_shown(val, 60)})")
        if p.max is not None and val > p.max:
            raise InputError(f"parameter '{name}' must be <= {p.max:g} (got {_shown(val, 60)})")
        if abs(val) > MAX_PARAM:
            raise InputError(f"parameter '{name}' must be between {-MAX_PARAM:g} and "
                             f"{MAX_PARAM:g} (got {_shown(val, 60)})")
    return val


def metres(km: np.ndarray) -> np.ndarray:
    """Edge lengths in whole metres (float64 holding integers) [E].

    Shortest-path sums of whole metres are exact in float64 (below 2**53 m), so a
    distance does not depend on which of two equal routes a library's heap visits
    first, nor on the order of its additions: every machine and SciPy version agree.
    """
    return np.rint(np.asarray(km, dtype=np.float64) * 1000.0)


def _paths(n: int, a: np.ndarray, b: np.ndarray, w: np.ndarray, allowed: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray]:
    """All-pairs shortest paths restricted to ``allowed`` nodes: (dist km [n, n], next hop).

    Distances are computed in whole metres (:func:`metres`, exact) and returned in km.
    The next hop from i toward j is the lowest-index neighbour k of i on a shortest
    path (``w(i, k) + dist(k, j) == dist(i, j)``, exact in metres): a canonical choice
    among equal routes, independent of the shortest-path library's tie-breaking.
    """
    keep = allowed[a] & allowed[b]
    a, b, w = a[keep], b[keep], metres(w[keep])
    if a.size == 0:
        dist = np.full((n, n), INF)
        np.fill_diagonal(dist, 0.0)
        return dist, np.full((n, n), -1, dtype=np.int32)
    # the shortest of parallel edges; 0 = no edge for csgraph
    mat = np.full((n, n), INF)
    np.minimum.at(mat, (np.concatenate([a, b]), np.concatenate([b, a])), np.concatenate([w, w]))
    dense = np.where(np.isfinite(mat), mat, 0.0)
    dist_m = shortest_path(csr_matrix(dense), method="D", directed=True)
    return dist_m / 1000.0, next_hops(mat, dist_m)


def next_hops(w: np.ndarray, dist: np.ndarray) -> np.ndarray:
    """First hop from i toward j [N, N] (-1: none, and i itself for j == i).

    ``w[i, k]`` is the length of the edge i-k (inf: none), ``dist`` the all-pairs
    shortest distances, both in whole metres so that sums are exact. The hop is the
    lowest-index k with ``w[i, k] + dist[k, j] == dist[i, j]`` (a canonical tie-break).
    """
    n = w.shape[0]
    nxt = np.full((n, n), -1, dtype=np.int32)
    todo = np.isfinite(dist)
    np.fill_diagonal(todo, False)
    for k in range(n):  # ascending k: the first match is the lowest index
        on_path = todo & (w[:, k, None] + dist[None, k, :] == dist)
        nxt[on_path] = k
        todo &= ~on_path
    return nxt


def _rail_paths(rail_next: np.ndarray, rail_edge: np.ndarray, ea: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """Edge sequence (and direction: 0 = a->b) of every rail path [A, N, N, L], -1 padded."""
    A, N, _ = rail_next.shape
    cols = np.arange(N)[None, None, :]
    steps_e: list[np.ndarray] = []
    steps_d: list[np.ndarray] = []
    cur = np.broadcast_to(np.arange(N)[None, :, None], (A, N, N)).copy()  # [al, i, j]
    al = np.arange(A)[:, None, None]
    while True:
        nk = rail_next[al, cur, cols]
        live = (cur != cols) & (nk >= 0)
        if not live.any():
            break
        e = np.where(live, rail_edge[cur, np.maximum(nk, 0)], -1)
        steps_e.append(e)
        steps_d.append(np.where(live & (ea[np.maximum(e, 0)] != cur), 1, 0).astype(np.int8))
        cur = np.where(live, nk, cur)
    if not steps_e:
        return np.full((A, N, N, 1), -1, dtype=np.int32), np.zeros((A, N, N, 1), dtype=np.int8)
    return np.stack(steps_e, axis=-1).astype(np.int32), np.stack(steps_d, axis=-1)


def compile_static(spec: Scenario, overrides: dict[str, Any] | None = None) -> Static:
    """Compile a checked scenario (and parameter overrides) into static tables."""
    params = resolve_params(spec, overrides)
    # the rules: the scenario's version and values, then this run's rules.* overrides
    rules = rules_mod.load(spec.rules_version or rules_mod.RULES_VERSION)
    for name, value in spec.rules.items():
        rules = rules.override(name, value)
    rules = rules_mod.with_overrides(rules, params)
    side_ids = tuple(spec.sides)
    alliances = sorted({s.alliance for s in spec.sides.values()})
    alliance = np.array([alliances.index(spec.sides[s].alliance) for s in side_ids])
    node_ids = tuple(n.id for n in spec.nodes)
    nidx = {k: i for i, k in enumerate(node_ids)}
    front_ids = tuple(sorted({n.front for n in spec.nodes}))
    zones = tuple(spec.climate)
    N = len(node_ids)
    owner0 = np.array([side_ids.index(n.owner) for n in spec.nodes], dtype=np.int16)

    ea = np.array([nidx[e.a] for e in spec.edges], dtype=np.int32)
    eb = np.array([nidx[e.b] for e in spec.edges], dtype=np.int32)
    ekind = np.array([EDGE_KINDS.index(e.kind) for e in spec.edges], dtype=np.int8)
    ekm = np.array([e.km for e in spec.edges], dtype=float)
    ecap = np.array([e.capacity or 0.0 for e in spec.edges], dtype=float)
    river_ids = tuple(spec.rivers)
    eriver = np.array([river_ids.index(e.river) if e.river else -1 for e in spec.edges],
                      dtype=np.int16)
    land = (ekind == 0) | (ekind == 1)
    edge_of = np.full((N, N), -1, dtype=np.int32)
    # land edges take precedence over sea edges; among land, the shorter one
    order = sorted(range(len(ea)), key=lambda i: (not land[i], ekm[i]), reverse=True)
    for i in order:
        edge_of[ea[i], eb[i]] = edge_of[eb[i], ea[i]] = i

    allnodes = np.ones(N, dtype=bool)
    land_dist, land_next = _paths(N, ea[land], eb[land], ekm[land], allnodes)
    A = len(alliances)
    rail = ekind == 0
    rail_next = np.full((A, N, N), -1, dtype=np.int32)
    rail_dist = np.full((A, N, N), INF)
    # the rail edge between two nodes (the shortest of parallel ones)
    rail_edge = np.full((N, N), -1, dtype=np.int32)
    for i in sorted(np.nonzero(rail)[0].tolist(), key=lambda x: (ekm[x], x), reverse=True):
        rail_edge[ea[i], eb[i]] = rail_edge[eb[i], ea[i]] = i
    for al in range(A):
        allowed = alliance[owner0] == al
        d, nx = _paths(N, ea[rail], eb[rail], ekm[rail], allowed)
        rail_next[al], rail_dist[al] = nx, d
    rail_path, rail_dir = _rail_paths(rail_next, rail_edge, ea)

    # each side's capital: the region it holds at start with the most victory points
    capital = np.array([
        max((i for i in range(N) if owner0[i] == si), key=lambda i: (spec.nodes[i].vp, -i),
            default=-1) for si in range(len(side_ids))], dtype=np.int32)
    type_ids = tuple(spec.formation_types)
    fids: list[str] = [f.id for f in spec.formations]
    fnames: list[str] = [f.name for f in spec.formations]
    fside = [side_ids.index(f.side) for f in spec.formations]
    ftype = [type_ids.index(f.type) for f in spec.formations]
    tags = [frozenset(f.tags) for f in spec.formations]
    mob = [-1] * len(fids)
    for si, sid in enumerate(side_ids):
        m = spec.sides[sid].mobilisation
        if m.template and m.max_new > 0 and m.men_per_day > 0:
            for k in range(m.max_new):
                fids.append(f"{sid}_new_{k + 1}")
                fnames.append(f"Levy {k + 1} ({spec.sides[sid].name})")
                fside.append(si)
                ftype.append(type_ids.index(m.template))
                tags.append(frozenset({"mobilised"}))
                mob.append(si)
    types = [spec.formation_types[type_ids[t]] for t in ftype]
    est = np.array([[t.men, t.tanks, t.guns, t.aircraft] for t in types], dtype=float)
    # A formation's establishment is its type's, but never below its own start strength.
    est_trucks = np.array([t.trucks for t in types], dtype=float)
    for i, f in enumerate(spec.formations):
        est[i] = np.maximum(est[i], [f.men, f.tanks, f.guns, f.aircraft])
        est_trucks[i] = max(est_trucks[i], f.trucks)
    # The scenario format still calls a formation's (or its type's) CEV ``quality``.
    fcev = np.array([spec.formations[i].quality if i < len(spec.formations) else t.quality
                     for i, t in enumerate(types)], dtype=float)

    D = spec.days
    Z = len(zones)
    ground = np.zeros((D, Z), dtype=np.int8)
    temp = np.zeros((D, Z))
    for z, zid in enumerate(zones):
        c = spec.climate[zid]
        temp[:, z] = c.default_temp_c
        for period in c.periods:
            s = max(0, (period.start - spec.start).days)
            e = D if period.end is None else min(D, (period.end - spec.start).days + 1)
            if e > s:
                ground[s:e, z] = GROUNDS.index(period.ground)
                temp[s:e, z] = period.temp_c
    frozen = np.zeros((D, len(river_ids)), dtype=bool)
    for r, rid in enumerate(river_ids):
        rv = spec.rivers[rid]
        f0 = (rv.freeze - spec.start).days
        t0 = D if rv.thaw is None else (rv.thaw - spec.start).days
        frozen[max(0, f0):max(0, min(D, t0)), r] = True

    return Static(
        spec=spec, params=params, rules=rules, start=spec.start, days=D,
        ground_speed=np.array(rules.ground_speed), terrain_speed=np.array(rules.terrain_speed),
        side_ids=side_ids, alliance=alliance, front_ids=front_ids,
        tank_loss_factor=np.array([spec.sides[s].tank_loss_factor for s in side_ids]),
        winter_kit=np.array([spec.sides[s].winter_equipment for s in side_ids]),
        node_ids=node_ids, node_index=nidx,
        lat=np.array([n.lat for n in spec.nodes]), lon=np.array([n.lon for n in spec.nodes]),
        terrain=np.array([TERRAINS.index(n.terrain) for n in spec.nodes], dtype=np.int8),
        zone=np.array([zones.index(n.zone) for n in spec.nodes], dtype=np.int16),
        front=np.array([front_ids.index(n.front) for n in spec.nodes], dtype=np.int16),
        vp=np.array([n.vp for n in spec.nodes], dtype=float),
        fort=np.array([n.fort for n in spec.nodes], dtype=np.int8),
        source_node=np.array([n.supply_source for n in spec.nodes]),
        owner0=owner0,
        ea=ea, eb=eb, ekind=ekind, ekm=ekm, ecap=ecap, eriver=eriver, edge_of=edge_of,
        ehighway=np.array([e.highway for e in spec.edges], dtype=bool),
        land_dist=land_dist, land_next=land_next, rail_next=rail_next, rail_dist=rail_dist,
        rail_path=rail_path, rail_dir=rail_dir,
        form_ids=tuple(fids), form_names=tuple(fnames), form_index={k: i for i, k in enumerate(fids)},
        fside=np.array(fside, dtype=np.int16), ftype=np.array(ftype, dtype=np.int16),
        fkind=np.array([KINDS.index(t.kind) for t in types], dtype=np.int8),
        est=est, est_trucks=est_trucks,
        rail_trains=np.array([t.rail_trains for t in types], dtype=float),
        speed=np.array([t.speed_km_day for t in types], dtype=float),
        fcev=fcev,
        supply_days=np.array([max(t.supply_days, 1.0) for t in types], dtype=float),
        ftags=tuple(tags), type_ids=type_ids, capital=capital, mob_slots=np.array(mob, dtype=np.int16),
        ground=ground, temp=temp, river_ids=river_ids, frozen=frozen,
        naval=compile_naval(spec, nidx, side_ids, {k: i for i, k in enumerate(fids)}, params),
    )
