"""The digest spec (digest_version 1): canonical encoding, independent of dtype and layout."""

from __future__ import annotations

import hashlib
import struct

import numpy as np
import pytest

import stavka
from stavka.world.digest import (
    DIGEST_FIELDS,
    DIGEST_VERSION,
    OPTIONAL_FIELDS,
    canonical_bytes,
    state_digest,
)


def test_canonical_encoding_ignores_dtype_sign_of_zero_and_nan_payload():
    assert canonical_bytes(np.array([1, -2], dtype=np.int8)) == \
        canonical_bytes(np.array([1, -2], dtype=np.int64)) == struct.pack("<qq", 1, -2)
    assert canonical_bytes(np.array([True, False])) == b"\x01\x00"
    a = np.array([np.nan, -0.0, 1.5])
    b = np.array([-np.nan, 0.0, 1.5], dtype=">f8")  # other NaN sign, big-endian in memory
    assert canonical_bytes(a) == canonical_bytes(b)
    assert canonical_bytes(a)[:8] == struct.pack("<Q", 0x7FF8000000000000)
    assert canonical_bytes(np.array([[1.0, 2.0], [3.0, 4.0]]).T) == struct.pack("<4d", 1, 3, 2, 4)
    with pytest.raises(TypeError):
        canonical_bytes(np.array(["x"]))


def test_digest_recomputed_from_the_written_spec():
    # an independent implementation of the README's spec, with struct and hashlib only
    # (the flagship has a sea block: its naval arrays are optional fields it hashes; and
    # it runs supply in tons since rules v12: the gauge arrays are the others)
    c = stavka.Campaign(stavka.load("two-fronts-1941"), seed=4).run(5)
    s = c.world.state
    h = hashlib.sha256(b"stavka-state-digest\0" + struct.pack("<Iq", DIGEST_VERSION, s.day))
    used = [n for n in OPTIONAL_FIELDS if np.asarray(getattr(s, n)[0]).size > 0]
    assert used == ["gauge", "gauge_km", "sea_control", "fleet_ships", "fleet_air",
                    "fleet_zone", "landing_state", "landing_due", "landed_day"]
    for name in (*DIGEST_FIELDS, *used):
        a = np.asarray(getattr(s, name)[0])
        h.update(struct.pack("<I", len(name)) + name.encode())
        h.update(struct.pack("<I", a.ndim) + b"".join(struct.pack("<q", d) for d in a.shape))
        for v in a.ravel().tolist():
            if isinstance(v, bool):
                h.update(struct.pack("<B", v))
            elif isinstance(v, int):
                h.update(struct.pack("<q", v))
            else:
                h.update(struct.pack("<d", 0.0 if v == 0 else v))
    assert h.hexdigest()[:16] == state_digest(s, 0) == c.digest() == c.history.digests[-1]
