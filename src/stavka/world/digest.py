r"""The state digest, defined field by field so that any implementation can recompute it.

Digest version 2 (:data:`DIGEST_VERSION`; 2 added ``convalescent`` and the ``wounded``
loss cause). The digest of replica ``r`` of a
:class:`~stavka.world.state.State` is the first 16 hex digits of SHA-256 over::

    b"stavka-state-digest\0"  u32le(DIGEST_VERSION)  i64le(step)
    then, for each name in DIGEST_FIELDS, in that order:
        u32le(len(name))  name (ASCII)
        u32le(ndim)  i64le(dim) for each dim      (the replica's slice: the replica axis dropped)
        the elements in C (row-major) order, canonically encoded:
            bool           -> 1 byte, 0 or 1
            any integer    -> int64, little-endian
            any float      -> IEEE-754 binary64, little-endian, with -0.0 written as +0.0
                              and every NaN written as 0x7ff8000000000000

``step`` is the number of steps taken: the day at 24-hour steps (every scenario
without ``step_hours``), so those digests are the same as before steps could be shorter.
Then the same for each field of :data:`OPTIONAL_FIELDS` (the diplomacy block's
``dip_*`` arrays, the regauging state ``gauge``, ``gauge_km`` of
``rules.supply_tons``, then the morale collapse's ``siege``, the commanders'
``cmd_state``, the sub-day ``eng_day0``, the sea block's naval arrays, then the
strikes', partisans' and mobilisation's ``partisans``, ``edge_cut``, ``fort_cut``,
``mob_level``, ``port_cut``, and the detachments left to raise by order,
``partisan_pool``) whose replica slice is not empty; without a diplomacy block, with supply
in tons off, without a state of siege, commanders, sub-day steps, a sea block, strikes,
partisans or a mobilisation policy they are all empty and nothing is added.
Every field of the state is in :data:`DIGEST_FIELDS` or
:data:`OPTIONAL_FIELDS` except the supply memo
(``memo_*``: a cache, a pure function of the digested fields). The encoding does not
depend on the in-memory dtype (an ``int16`` owner and an ``int64`` owner hash alike)
nor on the machine's byte order. A *field digest* is the same hash over one field
alone (with the version and day prefix), 16 hex digits: the sync report compares
them to name the first array where two runs part.
"""

from __future__ import annotations

import hashlib
import struct
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from stavka.world.state import State

#: Bump when the encoding or the field list changes (and say so in the README).
DIGEST_VERSION = 2

#: The digested fields of :class:`~stavka.world.state.State`, in hashing order.
DIGEST_FIELDS: tuple[str, ...] = (
    "owner", "loc", "status", "action", "target", "scripted", "strength", "trucks",
    "supply", "morale", "dug", "progress", "encircled", "arrive_day", "rail_depart",
    "rail_left", "rail_eta", "rail_from", "stance", "at_war", "war_day", "fired",
    "pending_fire", "due", "pool", "truck_pool", "convalescent", "gold", "manpower", "mob_acc",
    "mob_next", "eng_att", "eng_def", "eng_days", "eng_side", "eng_men", "losses",
    "start_men", "taken_day", "over", "winner",
)

#: Fields of the diplomacy block (``dip_*``), hashed after :data:`DIGEST_FIELDS` in this
#: order, each only if the replica's slice has at least one element: a scenario without
#: a diplomacy block has them all empty, so its digests are those of version 2 as it was.
OPTIONAL_FIELDS: tuple[str, ...] = (
    "dip_trust", "dip_req", "dip_req_day", "dip_req_sends", "dip_agr", "dip_clause",
    "dip_clause_day", "dip_con_day", "dip_lot", "dip_lot_eta", "dip_lot_delay",
    "dip_entry_day", "gauge", "gauge_km", "siege", "cmd_state", "eng_day0",
    # the sea block (stavka.world.naval): empty without one
    "sea_control", "fleet_ships", "fleet_air", "fleet_zone", "landing_state", "landing_due",
    "landed_day",
    # strikes, partisans, total mobilisation (stavka.engine.interdiction): empty unless used
    "partisans", "edge_cut", "fort_cut", "mob_level", "port_cut",
    # partisans a side may still raise by order (Side.partisan_detachments): empty unless
    "partisan_pool",
)

#: State fields left out of the digest (derived caches), by prefix.
NOT_DIGESTED_PREFIX = "memo_"

_HEAD = b"stavka-state-digest\0"
_QNAN = np.uint64(0x7FF8000000000000)


def canonical_bytes(a: np.ndarray) -> bytes:
    """The canonical encoding of an array's elements (see the module docstring).

    Raises ``TypeError`` for a dtype that is not bool, integer or floating.
    """
    a = np.asarray(a)
    if a.dtype == np.bool_:
        return np.ascontiguousarray(a, dtype=np.uint8).tobytes()
    if np.issubdtype(a.dtype, np.integer):
        return np.ascontiguousarray(a, dtype="<i8").tobytes()
    if np.issubdtype(a.dtype, np.floating):
        f = np.ascontiguousarray(a, dtype="<f8") + 0.0  # -0.0 + 0.0 == +0.0
        nan = np.isnan(f)
        if nan.any():
            bits = f.view("<u8").copy()
            bits[nan] = _QNAN
            return bits.tobytes()
        return f.tobytes()
    raise TypeError(f"cannot digest dtype {a.dtype}")


def _field_bytes(name: str, a: np.ndarray) -> bytes:
    a = np.asarray(a)
    head = struct.pack("<I", len(name)) + name.encode("ascii")
    head += struct.pack("<I", a.ndim) + b"".join(struct.pack("<q", d) for d in a.shape)
    return head + canonical_bytes(a)


def _prefix(day: int) -> bytes:
    return _HEAD + struct.pack("<I", DIGEST_VERSION) + struct.pack("<q", day)


def state_digest(state: State, replica: int = 0) -> str:
    """The digest (16 hex digits) of replica ``replica`` of ``state``."""
    h = hashlib.sha256(_prefix(state.step))
    for name in digested(state):
        h.update(_field_bytes(name, getattr(state, name)[replica]))
    return h.hexdigest()[:16]


def digested(state: State) -> tuple[str, ...]:
    """The fields hashed for ``state``: :data:`DIGEST_FIELDS`, then the non-empty
    :data:`OPTIONAL_FIELDS`."""
    opt = tuple(n for n in OPTIONAL_FIELDS if getattr(state, n)[0:1].size > 0)
    return DIGEST_FIELDS + opt


def field_digests(state: State, replica: int = 0) -> dict[str, str]:
    """One digest (16 hex digits) per digested field of replica ``replica``, in order."""
    pre = _prefix(state.step)
    return {name: hashlib.sha256(pre + _field_bytes(name, getattr(state, name)[replica]))
            .hexdigest()[:16] for name in digested(state)}
