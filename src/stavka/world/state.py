"""Run-time state: NumPy arrays with a leading replica axis (struct of arrays).

A single campaign is one replica; a Monte Carlo batch is R replicas in the
same arrays. No per-formation Python objects: every phase is an array program.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from stavka.enums import ACTIVE, CAUSES, INACTIVE, STANCES
from stavka.scenario.schema import Effect
from stavka.world.counts import on_grid
from stavka.world.naval import naval_arrays
from stavka.world.static import Static


@dataclass
class State:
    """Mutable state of R replicas. Every array has the replica axis first."""

    day: int
    owner: np.ndarray  # [R, N] side index holding the node
    loc: np.ndarray  # [R, F] node index
    status: np.ndarray  # [R, F] INACTIVE/ACTIVE/RAIL/GONE
    action: np.ndarray  # [R, F] ACTIONS index
    target: np.ndarray  # [R, F] target node or -1
    scripted: np.ndarray  # [R, F] bool: order from a script/player (the AI leaves it alone)
    strength: np.ndarray  # [R, F, 4] men, tanks, guns, aircraft
    trucks: np.ndarray  # [R, F]
    supply: np.ndarray  # [R, F] 0..1 fraction of carried supply on hand
    morale: np.ndarray  # [R, F] 0..1
    dug: np.ndarray  # [R, F] days in place (defensive preparation)
    progress: np.ndarray  # [R, F] km marched toward the next hop
    encircled: np.ndarray  # [R, F] bool
    arrive_day: np.ndarray  # [R, F] day an inactive formation enters play (-1 = never)
    rail_depart: np.ndarray  # [R, F] day the formation may start entraining (-1 = none)
    rail_left: np.ndarray  # [R, F] trains still to dispatch
    rail_eta: np.ndarray  # [R, F] day of arrival at the rail destination (-1 = not set)
    rail_from: np.ndarray  # [R, F] node of departure
    stance: np.ndarray  # [R, S, Fr] STANCES index
    at_war: np.ndarray  # [R, S, S] bool
    war_day: np.ndarray  # [R, S, S] day war began (-1 = not at war)
    fired: np.ndarray  # [R, Ev] bool: event has fired
    pending_fire: np.ndarray  # [R, Ev] bool: fire tomorrow (requests accepted)
    due: np.ndarray  # [R, K] day a delivery arrives (-1 none)
    pool: np.ndarray  # [R, S, 4] materiel awaiting distribution (men, tanks, guns, aircraft)
    truck_pool: np.ndarray  # [R, S]
    convalescent: np.ndarray  # [R, S] wounded men who will return to duty, not yet back
    gold: np.ndarray  # [R, S] t
    manpower: np.ndarray  # [R, S] men left to call up
    mob_acc: np.ndarray  # [R, S] men called up, not yet formed
    mob_next: np.ndarray  # [R, S] next mobilisation slot (count raised)
    eng_att: np.ndarray  # [R, N] cumulative attacker loss fraction of the ongoing battle
    eng_def: np.ndarray  # [R, N]
    eng_days: np.ndarray  # [R, N] days the battle has lasted
    eng_side: np.ndarray  # [R, N] attacking side of the ongoing battle (-1 none)
    eng_men: np.ndarray  # [R, N, 2] men lost so far in the battle (attacker, defender)
    losses: np.ndarray  # [R, S, Fr, 4, C] by side, front, category, cause (enums.CAUSES)
    start_men: np.ndarray  # [R, S, Fr] men on each front at start (for strength triggers)
    taken_day: np.ndarray  # [R, N] day the region last changed hands (-1 = never)
    over: np.ndarray  # [R] bool: sudden death reached
    winner: np.ndarray  # [R] side index of a sudden-death winner, -1 none
    # Diplomacy and trade (stavka.engine.diplomacy): empty (a zero-length last axis)
    # unless the scenario declares a diplomacy block; the digest then leaves them out.
    dip_trust: np.ndarray  # [R, S, S] float 0..1: trust of side a in side b
    dip_req: np.ndarray  # [R, Q] int8 request state (stavka.engine.diplomacy.REQ_*)
    dip_req_day: np.ndarray  # [R, Q] day sent (open) or of the next send (refused), -1
    dip_req_sends: np.ndarray  # [R, Q] times sent
    dip_agr: np.ndarray  # [R, G] int8 agreement state (AGR_*)
    dip_clause: np.ndarray  # [R, K] int8 clause state (CLAUSE_*)
    dip_clause_day: np.ndarray  # [R, K] day a clause was decided (-1)
    dip_con_day: np.ndarray  # [R, C] day a contract was signed (-1: not signed)
    dip_lot: np.ndarray  # [R, L] int8 lot state (LOT_*)
    dip_lot_eta: np.ndarray  # [R, L] day a lot in transit arrives (-1)
    dip_lot_delay: np.ndarray  # [R, L] days a lot has waited on a cut route
    dip_entry_day: np.ndarray  # [R, M] day a neutral entered the war (-1)
    # Supply in tons (stavka.engine.tonnage): empty (a zero-length last axis) unless
    # rules.supply_tons is 1; the digest then leaves them out.
    gauge: np.ndarray  # [R, N] int8: alliance whose gauge a region's railway is laid to
    gauge_km: np.ndarray  # [R, N] km of the railway into a region its holder has regauged
    # Morale collapse and commanders (stavka.engine.morale, stavka.engine.commanders):
    # empty (a zero-length last axis) unless the scenario uses them (a state of siege
    # anywhere, the collapse rules on, or commanders); the digest then leaves them out.
    siege: np.ndarray  # [R, Sg] bool: the side is under a state of siege (Sg = S or 0)
    cmd_state: np.ndarray  # [R, K] int8 commander state: 0 present, 1 killed, 2 captured, 3 withdrawn
    # Steps shorter than a day only (else [R, N, 0]): the battles' cumulative loss
    # fractions (attacker, defender) at the start of the day, which the day's steps fight
    # with (stavka.engine.phases.combat)
    eng_day0: np.ndarray  # [R, N, 2 or 0]
    # The sea block (stavka.engine.phases.naval; stavka.world.naval.naval_arrays): empty
    # (a zero-length axis) unless the scenario declares a sea block; the digest then
    # leaves them out.
    sea_control: np.ndarray  # [R, Z] side controlling each sea zone (-1: no one)
    fleet_ships: np.ndarray  # [R, Fl, K] ships afloat by class (stavka.enums.SHIP_CLASSES)
    fleet_air: np.ndarray  # [R, Fl] land-based naval air groups
    fleet_zone: np.ndarray  # [R, Fl] sea zone of each fleet
    landing_state: np.ndarray  # [R, L] int8: 0 pending, 1 landed, 2 refused
    landing_due: np.ndarray  # [R, L] day the landing is to be made (-1: not set)
    landed_day: np.ndarray  # [R, F] day the formation came ashore (-1: never)
    # Strikes, partisans and total mobilisation (stavka.engine.interdiction): empty (a
    # zero-length last axis) unless the scenario has such effects; the digest then leaves
    # them out.
    partisans: np.ndarray  # [R, S, N or 0] float: partisan detachments of each side per region
    edge_cut: np.ndarray  # [R, E or 0] float 0..1: fraction of a rail edge's trains struck out
    fort_cut: np.ndarray  # [R, N or 0] float: fortification levels struck out of a region
    port_cut: np.ndarray  # [R, N or 0] float 0..1: fraction of a port's tons a day struck out
    mob_level: np.ndarray  # [R, S or 0] float 0..1: each side's total-mobilisation level
    # partisan detachments each side may still raise by player order (raise_partisans;
    # Side.partisan_detachments): empty unless some side may
    partisan_pool: np.ndarray  # [R, S or 0] float
    # Memo of supply tracing (a pure function of the fields above, so not part of
    # the digest): the inputs it was traced from and its results, per replica.
    memo_ok: np.ndarray  # [R] bool: the memo holds a trace
    memo_held: np.ndarray  # [R, A, N] bool: regions held by each alliance
    memo_rail: np.ndarray  # [R, A, N] bool: held regions whose railway serves it
    memo_truck_km: np.ndarray  # [R, A, N] road km from the railhead (inf: none)
    memo_connected: np.ndarray  # [R, A, N] bool: a land path to a source
    # ... and with rules.supply_tons (else empty: [R, 0, 0]): the trace's shortest-path trees
    memo_src: np.ndarray  # [R, A, N] bool: regions each alliance ships tons from
    memo_srcnode: np.ndarray  # [R, A, N] bool: held supply sources traced from (tons)
    memo_parc: np.ndarray  # [R, A, N] int: arc to the parent in the rail tree (-1 none)
    memo_root: np.ndarray  # [R, A, N] int: source a region's rail tree hangs from (-1 none)
    memo_rhead: np.ndarray  # [R, A, N] int: railhead a region is trucked from (-1 none)
    memo_ports: np.ndarray  # [R, A, N] bool: open ports traced from (sea block; else empty)
    memo_lanes: np.ndarray  # [R, A, Z] bool: sea lanes open to each alliance (sea block)
    #: steps taken since the start (``day`` is the calendar day it falls on: equal to
    #: ``step`` at 24-hour steps, ``step * step_hours // 24`` otherwise)
    step: int = 0

    @property
    def R(self) -> int:
        """Number of replicas (the leading axis of every array)."""
        return int(self.owner.shape[0])

    def copy(self) -> State:
        """A deep copy (arrays copied)."""
        return self.take(slice(None))

    def take(self, replicas: np.ndarray | slice) -> State:
        """The given replicas as a new state (arrays copied)."""
        # an index array's gather is already a fresh C-ordered array: copy only a slice's view
        if isinstance(replicas, slice):
            def pick(a: np.ndarray) -> np.ndarray:
                return a[replicas].copy()
        else:
            idx = np.asarray(replicas)
            idx = np.flatnonzero(idx) if idx.dtype == bool else idx

            def pick(a: np.ndarray) -> np.ndarray:
                return np.take(a, idx, axis=0)
        kw: dict[str, Any] = {
            f.name: (pick(v) if isinstance(v := getattr(self, f.name), np.ndarray) else v)
            for f in fields(self)}
        return State(**kw)

    def digest(self, replica: int = 0) -> str:
        """The state digest of one replica (16 hex digits; equal digests = equal states).

        Defined field by field, versioned: :mod:`stavka.world.digest`."""
        from stavka.world.digest import state_digest

        return state_digest(self, replica)


def initial_state(st: Static, replicas: int) -> State:
    """The start state of ``replicas`` identical replicas of a compiled scenario."""
    spec = st.spec
    R, N, F, S = replicas, st.N, st.F, st.S
    Fr = len(st.front_ids)
    nF = len(spec.formations)
    A = int(st.alliance.max()) + 1

    def rep(a: np.ndarray) -> np.ndarray:
        return np.repeat(a[None], R, axis=0)

    loc = np.zeros(F, dtype=np.int32)
    strength = np.zeros((F, 4))
    trucks = np.zeros(F)
    morale = np.ones(F)
    supply = np.ones(F)
    dug = np.zeros(F)
    status = np.full(F, INACTIVE, dtype=np.int8)
    arrive = np.full(F, -1, dtype=np.int32)
    for i, f in enumerate(spec.formations):
        loc[i] = st.node_index[f.location]
        strength[i] = on_grid(np.array([f.men, f.tanks, f.guns, f.aircraft]))
        trucks[i] = on_grid(f.trucks)
        morale[i] = f.morale
        supply[i] = f.supply
        dug[i] = f.fort_days
        if f.reserve:
            status[i] = INACTIVE
        elif f.arrives is not None and f.arrives > spec.start:
            arrive[i] = (f.arrives - spec.start).days
        else:
            status[i] = ACTIVE
    for i in range(nF, F):  # mobilisation slots
        m = spec.sides[st.side_ids[st.mob_slots[i]]].mobilisation
        loc[i] = st.node_index[m.at] if m.at else 0
    stance = np.full((S, Fr), STANCES.index("hold"), dtype=np.int8)
    for s, sid in enumerate(st.side_ids):
        for fr, val in spec.sides[sid].doctrine.items():
            stance[s, st.front_ids.index(fr)] = STANCES.index(val)
    at_war = np.zeros((S, S), dtype=bool)
    for a, b in spec.wars:
        ia, ib = st.side_ids.index(a), st.side_ids.index(b)
        at_war[ia, ib] = at_war[ib, ia] = True
    war_day = np.where(at_war, -1000, -1).astype(np.int32)
    n_deliver = sum(1 for ev in spec.events for e in ev.effects if e.deliver is not None)
    start_men = np.zeros((S, Fr))
    for i in range(nF):
        if status[i] == ACTIVE:
            start_men[st.fside[i], st.front[loc[i]]] += strength[i, 0]
    dip: dict[str, Any] = _diplomacy_arrays(st, R)
    tons = st.rules.on("supply_tons")
    Nt, At = (N, A) if tons else (0, 0)
    Sg = S if uses_morale(st) else 0
    siege = np.array([spec.sides[sid].state_of_siege for sid in st.side_ids], dtype=bool)[:Sg]
    use = uses_interdiction(st)
    Np = N if use["partisans"] else 0
    budget = np.array([spec.sides[sid].partisan_detachments for sid in st.side_ids], dtype=float)
    return State(
        day=0, **dip, **naval_arrays(st.naval, R, F), siege=rep(siege),
        partisans=np.zeros((R, S, Np)),
        edge_cut=np.zeros((R, len(spec.edges) if use["strike_edge"] else 0)),
        fort_cut=np.zeros((R, N if use["strike_fort"] else 0)),
        port_cut=np.zeros((R, N if use["strike_port"] else 0)),
        mob_level=np.zeros((R, S if use["mobilise"] else 0)),
        partisan_pool=rep(budget)[:, :S if budget.any() else 0],
        cmd_state=np.zeros((R, len(spec.commanders)), dtype=np.int8),
        eng_day0=np.zeros((R, N, 2 if spec.step_hours != 24 else 0)),
        owner=rep(st.owner0.astype(np.int16)),
        loc=rep(loc), status=rep(status),
        action=np.zeros((R, F), dtype=np.int8), target=np.full((R, F), -1, dtype=np.int32),
        scripted=np.zeros((R, F), dtype=bool),
        strength=rep(strength), trucks=rep(trucks), supply=rep(supply), morale=rep(morale),
        dug=rep(dug), progress=np.zeros((R, F)), encircled=np.zeros((R, F), dtype=bool),
        arrive_day=rep(arrive), rail_depart=np.full((R, F), -1, dtype=np.int32),
        rail_left=np.zeros((R, F)), rail_eta=np.full((R, F), -1, dtype=np.int32),
        rail_from=np.full((R, F), -1, dtype=np.int32),
        stance=rep(stance), at_war=rep(at_war), war_day=rep(war_day),
        fired=np.zeros((R, len(spec.events)), dtype=bool),
        pending_fire=np.zeros((R, len(spec.events)), dtype=bool),
        due=np.full((R, n_deliver), -1, dtype=np.int32),
        pool=np.zeros((R, S, 4)), truck_pool=np.zeros((R, S)), convalescent=np.zeros((R, S)),
        gold=rep(np.array([spec.sides[s].gold_t for s in st.side_ids], dtype=float)),
        manpower=rep(on_grid(np.array([spec.sides[s].manpower for s in st.side_ids], dtype=float))),
        mob_acc=np.zeros((R, S)), mob_next=np.zeros((R, S), dtype=np.int32),
        eng_att=np.zeros((R, N)), eng_def=np.zeros((R, N)), eng_days=np.zeros((R, N), dtype=np.int32),
        eng_side=np.full((R, N), -1, dtype=np.int16), eng_men=np.zeros((R, N, 2)),
        losses=np.zeros((R, S, Fr, 4, len(CAUSES))), start_men=rep(start_men),
        taken_day=np.full((R, N), -1, dtype=np.int32),
        over=np.zeros(R, dtype=bool), winner=np.full(R, -1, dtype=np.int16),
        memo_ok=np.zeros(R, dtype=bool), memo_held=np.zeros((R, A, N), dtype=bool),
        memo_rail=np.zeros((R, A, N), dtype=bool), memo_truck_km=np.zeros((R, A, N)),
        memo_connected=np.zeros((R, A, N), dtype=bool),
        gauge=rep(st.alliance[st.owner0].astype(np.int8))[:, :Nt],
        gauge_km=np.zeros((R, Nt)),
        memo_src=np.zeros((R, At, Nt), dtype=bool),
        memo_srcnode=np.zeros((R, At, Nt), dtype=bool),
        memo_parc=np.full((R, At, Nt), -1, dtype=np.int32),
        memo_root=np.full((R, At, Nt), -1, dtype=np.int32),
        memo_rhead=np.full((R, At, Nt), -1, dtype=np.int32),
        memo_ports=np.zeros((R, A, N) if st.naval is not None else (R, 0, 0), dtype=bool),
        memo_lanes=np.zeros((R, A, st.naval.Z) if st.naval is not None else (R, 0, 0),
                            dtype=bool),
    )


#: The tag that makes a formation a blocking detachment (:mod:`stavka.engine.morale`).
BLOCKING_TAG = "blocking"


def uses_morale(st: Static) -> bool:
    """Whether a campaign carries the morale-collapse state (``State.siege``): where any
    rule of the collapse (:mod:`stavka.engine.morale`) can act. A state of siege at the
    start or declared by an event (the ``siege_*`` rules), commanders, a blocking
    detachment (a formation tagged :data:`BLOCKING_TAG`) with ``rules.blocking_morale_cap``
    below 1, or the collapse rules switched on (``rules.desert_max_per_day``,
    ``rules.dissolve_morale``, ``rules.panic_spread_per_day`` not 0; the thresholds and
    factors they read, ``desert_morale``, ``panic_morale``, ``blocking_desert_factor``, act
    only with them). Otherwise those arrays are empty and the digest is that of a campaign
    without them."""
    spec, ru = st.spec, st.rules
    blocking = any(BLOCKING_TAG in tags for tags in st.ftags)
    return (any(s.state_of_siege for s in spec.sides.values()) or bool(spec.commanders)
            or any(e.siege is not None for ev in spec.events for e in ev.effects)
            or (blocking and ru.blocking_morale_cap < 1.0)
            or ru.desert_max_per_day != 0.0 or ru.dissolve_morale != 0.0
            or ru.panic_spread_per_day != 0.0)


def uses_interdiction(st: Static) -> dict[str, bool]:
    """Which of the strike, partisan and mobilisation states a campaign carries:
    ``partisans`` (an effect raises partisans, or a side may raise them by order:
    ``Side.partisan_detachments``), ``strike_edge``, ``strike_fort`` and
    ``strike_port`` (an effect strikes a rail edge, a region's fortifications, a port), ``mobilise`` (an effect sets a
    mobilisation policy). Those not used are empty arrays, left out of the digest."""
    effs = [e for ev in st.spec.events for e in ev.effects]
    if st.spec.diplomacy is not None:  # outcomes of requests and agreements fire effects too
        effs += [e for e in _dip_effects(st.spec.diplomacy)]
    return dict(
        partisans=(any(e.partisans is not None for e in effs)
                   or any(sd.partisan_detachments > 0 for sd in st.spec.sides.values())),
        strike_edge=any(e.strike is not None and e.strike.a is not None for e in effs),
        strike_fort=any(e.strike is not None and e.strike.region is not None for e in effs),
        strike_port=any(e.strike is not None and e.strike.port is not None for e in effs),
        mobilise=any(e.mobilise is not None for e in effs))


def _dip_effects(dip: Any) -> list[Any]:
    """Every effect of a diplomacy block (requests' outcomes, counters, agreements)."""
    out: list[Any] = []

    def walk(x: Any) -> None:
        if isinstance(x, Effect):
            out.append(x)
        elif isinstance(x, list | tuple):
            for y in x:
                walk(y)
        elif isinstance(x, dict):
            for y in x.values():
                walk(y)
        elif hasattr(type(x), "model_fields"):
            for name in type(x).model_fields:
                walk(getattr(x, name))

    walk(dip)
    return out


def _diplomacy_arrays(st: Static, R: int) -> dict[str, np.ndarray]:
    """The start values of the ``dip_*`` arrays: empty without a diplomacy block; with
    one, trust from the block (0.5 where not given), agreements and contracts marked
    ``signed: true`` in force from day 0, nothing else begun."""
    dip = st.spec.diplomacy
    S = st.S if dip is not None else 0
    Q = len(dip.requests) if dip else 0
    G = len(dip.agreements) if dip else 0
    K = len(dip.clauses()) if dip else 0
    C = len(dip.contracts) if dip else 0
    L = sum(c.lots for c in dip.contracts) if dip else 0
    M = len(dip.neutrals) if dip else 0
    trust = np.full((S, S), 0.5)
    agr = np.zeros(G, dtype=np.int8)
    con = np.full(C, -1, dtype=np.int32)
    if dip is not None:
        for a, row in dip.trust.items():
            for b, v in row.items():
                trust[st.side(a), st.side(b)] = (
                    st.params[v[1:]] if isinstance(v, str) else v)  # a $param or a number
        agr[:] = [1 if a.signed else 0 for a in dip.agreements]
        con[:] = [0 if c.signed else -1 for c in dip.contracts]

    def rep(a: np.ndarray) -> np.ndarray:
        return np.repeat(a[None], R, axis=0)

    return dict(
        dip_trust=rep(trust), dip_req=np.zeros((R, Q), dtype=np.int8),
        dip_req_day=np.full((R, Q), -1, dtype=np.int32),
        dip_req_sends=np.zeros((R, Q), dtype=np.int32), dip_agr=rep(agr),
        dip_clause=np.zeros((R, K), dtype=np.int8),
        dip_clause_day=np.full((R, K), -1, dtype=np.int32), dip_con_day=rep(con),
        dip_lot=np.zeros((R, L), dtype=np.int8), dip_lot_eta=np.full((R, L), -1, dtype=np.int32),
        dip_lot_delay=np.zeros((R, L), dtype=np.int32),
        dip_entry_day=np.full((R, M), -1, dtype=np.int32))
