"""Seeded, counter-based random streams, vectorised across replicas.

Every random number in a campaign is a pure function of
``(replica key, stream name, day, call, element key)``. Replica keys come
from one master seed through :class:`numpy.random.SeedSequence` (replica
``i`` of master seed ``s`` is ``SeedSequence(s).spawn(...)[i]``), stream keys
from their names. So:

* adding a phase (a new stream) never shifts another phase's draws;
* a replica's numbers do not depend on which other replicas share its batch,
  so a sweep gives identical results whatever the batch size or backend;
* a run replays bit for bit from its seed.

The mixing function is SplitMix64's finaliser, applied to a combined 64-bit
counter; it passes BigCrush when used as a counter-based generator and costs a
handful of integer operations per number.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from stavka import detmath as dm

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLD = np.uint64(0x9E3779B97F4A7C15)
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)


def mix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser on a uint64 array (wrapping arithmetic)."""
    with np.errstate(over="ignore"):
        x = x.astype(np.uint64, copy=True)
        x ^= x >> _S30
        x *= _M1
        x ^= x >> _S27
        x *= _M2
        x ^= x >> _S31
    return x


def name_key(name: str) -> np.uint64:
    """A stable 64-bit key for a stream name."""
    return np.uint64(int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "little"))


#: The largest master seed: a sweep records each run's seed in a signed 64-bit column
#: (runs.csv, the batches), so every command takes seeds 0 .. 2**63 - 1 alike.
MAX_SEED = 2**63 - 1


def check_seed(seed: object, what: str = "--seed") -> int:
    """``seed`` as an int if it is a whole number 0 .. :data:`MAX_SEED`; raises
    :class:`stavka.errors.InputError` naming ``what`` otherwise (every command, the API)."""
    from stavka.errors import check_count

    return check_count(what, seed, 0, MAX_SEED)


def replica_keys(seed: int, count: int, first: int = 0) -> np.ndarray:
    """64-bit keys of replicas ``first .. first+count-1`` of master ``seed``
    (0 .. :data:`MAX_SEED`)."""
    if not 0 <= seed <= MAX_SEED:
        raise ValueError(f"seed must be 0..{MAX_SEED} (got {seed})")
    children = np.random.SeedSequence(seed).spawn(first + count)[first:]
    return np.array([c.generate_state(1, np.uint64)[0] for c in children], dtype=np.uint64)


def uniform_from_bits(bits: np.ndarray) -> np.ndarray:
    """Map uint64 to floats in the open interval (0, 1)."""
    return ((bits >> np.uint64(11)).astype(np.float64) + 0.5) * (1.0 / 9007199254740992.0)


@dataclass
class Streams:
    """The per-replica random streams of one batch of campaigns.

    ``keys`` holds one 64-bit key per replica. A draw is addressed by
    (stream name, day, call, element): callers give each draw of a day a distinct
    ``call``/``element``, so no hidden counter depends on what else ran in the batch.
    """

    keys: np.ndarray
    seed: int = 0

    @classmethod
    def from_seed(cls, seed: int, replicas: int = 1, first: int = 0) -> Streams:
        """Streams for ``replicas`` consecutive replicas of master ``seed``."""
        return cls(keys=replica_keys(seed, replicas, first), seed=seed)

    @property
    def replicas(self) -> int:
        """Number of replicas R (one key each)."""
        return int(self.keys.shape[0])

    def state(self) -> tuple[int, ...]:
        """A hashable snapshot of the generator state (the replica keys)."""
        return (self.seed, *(int(k) for k in self.keys))

    def subset(self, replicas: np.ndarray) -> Streams:
        """Streams of a subset of replicas (same numbers for those replicas)."""
        return Streams(keys=self.keys[replicas], seed=self.seed)

    def _bits(self, stream: str, day: int, call: int, replica: np.ndarray,
              element: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            base = mix64(np.asarray(name_key(stream) ^ (np.uint64(day) * _GOLD))
                         ^ (np.uint64(call) * _M2))
            k = self.keys[replica] ^ base
            return mix64(k + np.asarray(element, dtype=np.uint64) * _GOLD)

    def uniform(self, stream: str, day: int, replica: np.ndarray, element: np.ndarray,
                call: int = 0) -> np.ndarray:
        """Uniform (0,1) numbers, one per (replica[i], element[i]) pair."""
        return uniform_from_bits(self._bits(stream, day, call, np.asarray(replica),
                                            np.asarray(element)))

    def generator(self, stream: str, day: int, replica: np.ndarray, element: np.ndarray
                  ) -> KeyedGenerator:
        """A NumPy-Generator-like object whose i-th draw belongs to (replica[i], element[i])."""
        return KeyedGenerator(self, stream, day, np.asarray(replica), np.asarray(element))


class KeyedGenerator:
    """Duck-typed subset of :class:`numpy.random.Generator` backed by :class:`Streams`.

    The combat model takes a Generator and draws arrays whose last axis is the
    engagement axis; here draw ``i`` is keyed by engagement ``i``'s replica and
    place, so it does not depend on how many other engagements share the call.
    """

    def __init__(self, streams: Streams, stream: str, day: int, replica: np.ndarray,
                 element: np.ndarray):
        """Draws of ``stream`` on ``day``; draw ``i`` keyed by ``replica[i]`` and
        ``element[i]`` (both [n]: one per engagement)."""
        self._s, self._name, self._day = streams, stream, day
        self._rep, self._el = replica, element
        self._calls = 0  # successive draws of this generator differ

    def _u(self, size: Any) -> np.ndarray:
        n = self._rep.shape[0]
        shape = (n,) if size is None else ((size,) if np.isscalar(size) else tuple(size))
        if not shape or shape[-1] != n:
            raise ValueError(f"draws must have the engagement axis last (n={n}, got {shape})")
        outer = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
        # draw j of engagement i is keyed by (replica[i], element[i], j)
        rep = np.tile(self._rep, outer)
        el = np.tile(self._el.astype(np.uint64) * np.uint64(1024), outer) + np.repeat(
            np.arange(outer, dtype=np.uint64), n)
        self._calls += 1
        return self._s.uniform(self._name, self._day, rep, el, call=self._calls).reshape(shape)

    def random(self, size: Any = None) -> np.ndarray:
        """Uniform numbers in (0, 1) of shape ``size`` (last axis n; default [n]).

        Raises ``ValueError`` if the last axis of ``size`` is not the engagement axis n.
        """
        return self._u(size)

    def uniform(self, low: float = 0.0, high: float = 1.0, size: Any = None) -> np.ndarray:
        """Uniform numbers in (low, high), shape ``size`` as in :meth:`random`."""
        return low + (high - low) * self._u(size)

    def standard_normal(self, size: Any = None) -> np.ndarray:
        """Inverse-CDF normals (:func:`stavka.detmath.ndtri`, the same bits everywhere)."""
        return np.asarray(dm.ndtri(self._u(size)))

    def normal(self, loc: Any = 0.0, scale: Any = 1.0, size: Any = None) -> np.ndarray:
        """Normal numbers (mean ``loc``, sd ``scale``), shape ``size`` as in :meth:`random`."""
        return loc + scale * self.standard_normal(size)

    def lognormal(self, mean: Any = 0.0, sigma: Any = 1.0, size: Any = None) -> np.ndarray:
        """Lognormal numbers (``mean``, ``sigma`` of the log), shape ``size`` as in :meth:`random`."""
        return np.asarray(dm.exp(self.normal(mean, sigma, size)))

    def exponential(self, scale: Any = 1.0, size: Any = None) -> np.ndarray:
        """Exponential numbers (mean ``scale``), shape ``size`` as in :meth:`random`."""
        return -scale * np.asarray(dm.log(self._u(size)))
