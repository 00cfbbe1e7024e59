"""What each side can see: the fog of war as one mask over the formations.

A pure function of the static tables and the state (no randomness, no history), so
the same state gives the same mask on every machine; the web war room sends a seat
only the formations this mask shows (:mod:`stavka.web`), and its tests compare every
response with it.

The rule, for a side ``s`` of alliance ``a`` (allies share what they see):

- its own and its allies' formations in play (``ACTIVE`` or in rail transit);
- an enemy formation in play on the map (``ACTIVE``; one in rail transit is behind
  its lines and unseen) in a region that ``a`` holds or that borders one (any edge);
- ... or in a region where a battle involving ``a`` is going on (``eng_side``: ``a``
  attacks there, or holds the region);
- ... or in a region within :data:`RECON_KM` km by land (``Static.land_dist``) of a
  region where ``a`` has a formation in play with aircraft (air reconnaissance).

Formations not yet in play (``INACTIVE``) and destroyed ones (``GONE``) are seen by
nobody but their own side's records, and are not in the mask.
"""

from __future__ import annotations

import numpy as np

from stavka.enums import ACTIVE, RAIL
from stavka.world.state import State
from stavka.world.static import Static

#: Radius of air reconnaissance, km by land from a region with friendly aircraft.
RECON_KM = 250.0


def seen_regions(st: Static, s: State, replica: int = 0, recon_km: float = RECON_KM
                 ) -> np.ndarray:
    """[A, N] bool: the regions each alliance sees into (held, bordering a held region,
    a battle it takes part in, or within ``recon_km`` km of its aircraft)."""
    A = int(st.alliance.max()) + 1 if st.S else 0
    owner_al = st.alliance[s.owner[replica]]  # [N]
    adj = st.edge_of >= 0  # [N, N]
    eng_side = s.eng_side[replica]
    eng_al = np.where(eng_side >= 0, st.alliance[np.maximum(eng_side, 0)], -1)
    active = s.status[replica] == ACTIVE
    air = active & (s.strength[replica, :, 3] > 0)
    out = np.zeros((A, st.N), dtype=bool)
    for a in range(A):
        held = owner_al == a
        near = held | (adj & held[None, :]).any(axis=1)
        fought = (eng_side >= 0) & ((eng_al == a) | held)
        bases = np.zeros(st.N, dtype=bool)
        mine = air & (st.alliance[st.fside] == a)
        bases[s.loc[replica][mine]] = True
        recon = (st.land_dist[bases] <= recon_km).any(axis=0) if bases.any() else bases
        out[a] = near | fought | recon
    return out


def visibility(st: Static, s: State, replica: int = 0, recon_km: float = RECON_KM
               ) -> np.ndarray:
    """[S, F] bool: which formations each side sees in ``replica`` (see the module's rule).

    ``recon_km``: air reconnaissance radius in km (>= 0). Deterministic: a function of
    ``st`` and ``s`` only."""
    if recon_km < 0:
        raise ValueError(f"recon_km must be >= 0 (got {recon_km})")
    regions = seen_regions(st, s, replica, recon_km)  # [A, N]
    status = s.status[replica]
    loc = s.loc[replica]
    in_play = (status == ACTIVE) | (status == RAIL)
    f_al = st.alliance[st.fside]  # [F]
    out = np.zeros((st.S, st.F), dtype=bool)
    for side in range(st.S):
        a = int(st.alliance[side])
        friend = f_al == a
        enemy_seen = (~friend) & (status == ACTIVE) & regions[a][loc]
        out[side] = (friend & in_play) | enemy_seen
    return out
