"""Commanders (issue 14): entities attached to a formation or to a front, who raise their
formations' morale and combat effectiveness while present and may be killed or captured
in battle.

* **His formations** are the formation he is attached to (``Commander.formation``), or
  every formation of his side standing on his front (``Commander.front``: the front of
  the region where it stands, so the set follows the fighting).
* **While present** (``State.cmd_state`` 0) he adds ``morale_bonus`` to the morale his
  formations fight and hold with (:func:`morale_bonus`; the combat phase and
  :mod:`stavka.engine.morale` clip it to 0..1) and multiplies their CEV by
  ``1 + cev_bonus`` (:func:`cev_factor`). Bonuses of several commanders add (morale) or
  multiply (CEV), in the order the scenario lists them.
* **In battle** (:func:`battle`): each step in which any of his formations fights, he is
  lost with probability ``exposure x dt`` (exposure is per day of battle); then captured
  with probability ``rules.commander_capture_share``, else killed. The draws come from the
  seeded stream ``commander_loss`` keyed by (step, replica, commander): draw 0 decides the
  loss, draw 1 (``call=1``) the fate, so they do not depend on what else happened.
* **With his formation**: a commander attached to a formation that leaves play (it
  surrenders or dissolves) is captured with it (:func:`lost_with_command`; no draw).
* **His loss** costs each of his formations ``rules.commander_loss_morale`` of morale
  (not below 0) and is told by a ``commander_lost`` event (commander id and name, fate,
  his formations as subjects), which the chronicle words.

A scenario without commanders has ``State.cmd_state`` of shape [R, 0]; every function here
then returns at once (``None`` for the factors), and nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stavka.engine.context import Ctx
from stavka.enums import ACTIVE, GONE
from stavka.world.static import Static

#: ``State.cmd_state`` codes.
PRESENT, KILLED, CAPTURED, WITHDRAWN = 0, 1, 2, 3
#: The seeded stream of the commanders' fates (:mod:`stavka.engine.rng`).
STREAM = "commander_loss"


@dataclass(frozen=True)
class Table:
    """The commanders of a compiled scenario; every array [K] in the scenario's order."""

    ids: tuple[str, ...]
    names: tuple[str, ...]
    side: np.ndarray  # side index
    formation: np.ndarray  # formation index, -1: attached to a front
    front: np.ndarray  # front index, -1: attached to a formation
    morale_bonus: np.ndarray
    cev_bonus: np.ndarray
    exposure: np.ndarray  # per day of battle, 0..1


def table(st: Static) -> Table:
    """The commanders of ``st``'s scenario (cached in ``Static.extra``)."""
    if "commanders" not in st.extra:
        cs = st.spec.commanders
        st.extra["commanders"] = Table(
            ids=tuple(c.id for c in cs), names=tuple(c.name for c in cs),
            side=np.array([st.side_ids.index(c.side) for c in cs], dtype=np.int64),
            formation=np.array([st.form_index[c.formation] if c.formation else -1 for c in cs],
                               dtype=np.int64),
            front=np.array([st.front_ids.index(c.front) if c.front else -1 for c in cs],
                           dtype=np.int64),
            morale_bonus=np.array([c.morale_bonus for c in cs], dtype=float),
            cev_bonus=np.array([c.cev_bonus for c in cs], dtype=float),
            exposure=np.array([c.exposure for c in cs], dtype=float))
    return st.extra["commanders"]  # type: ignore[no-any-return]


def attached(ctx: Ctx, present_only: bool = True) -> np.ndarray:
    """[R, K, F] bool: the formations each commander commands now (module docstring);
    with ``present_only``, none for a commander killed or captured."""
    st, s = ctx.st, ctx.s
    t = table(st)
    F = st.F
    f_ix = np.arange(F)
    by_form = (t.formation[:, None] == f_ix[None, :])[None]  # [1, K, F]
    fr = st.front[s.loc]  # [R, F]
    by_front = ((t.front[None, :, None] == fr[:, None, :])
                & (t.side[None, :, None] == st.fside[None, None, :])
                & (t.front >= 0)[None, :, None])
    out = (by_form | by_front) & (s.status == ACTIVE)[:, None, :]
    if present_only:
        out = out & (s.cmd_state == PRESENT)[:, :, None]
    return out  # type: ignore[no-any-return]


def morale_bonus(ctx: Ctx) -> np.ndarray | None:
    """[R, F]: the summed ``morale_bonus`` of each formation's present commanders, or
    ``None`` without commanders."""
    K = ctx.s.cmd_state.shape[1]
    if K == 0:
        return None
    att = attached(ctx)
    t = table(ctx.st)
    out = np.zeros(ctx.s.morale.shape)
    for k in range(K):  # a fixed order of summation
        out += np.where(att[:, k], t.morale_bonus[k], 0.0)
    return out


def cev_factor(ctx: Ctx) -> np.ndarray | None:
    """[R, F]: the product of ``1 + cev_bonus`` over each formation's present commanders,
    or ``None`` without commanders."""
    K = ctx.s.cmd_state.shape[1]
    if K == 0:
        return None
    att = attached(ctx)
    t = table(ctx.st)
    out = np.ones(ctx.s.morale.shape)
    for k in range(K):
        out *= np.where(att[:, k], 1.0 + t.cev_bonus[k], 1.0)
    return out


def battle(ctx: Ctx, r: np.ndarray, f: np.ndarray, where: np.ndarray) -> None:
    """Formations ``(r[k], f[k])`` fought this step, in the engagements at regions
    ``where[k]``: decide the fate of their present commanders (module docstring). Writes
    ``State.cmd_state`` and morale; emits ``commander_lost`` at the region of the
    engagement of his first formation that fought."""
    st, s = ctx.st, ctx.s
    K = s.cmd_state.shape[1]
    if K == 0 or r.size == 0:
        return
    fought = np.zeros(s.morale.shape, dtype=bool)
    fought[r, f] = True
    at = np.full(s.morale.shape, -1)
    at[r, f] = where
    att = attached(ctx)  # [R, K, F]
    in_battle = (att & fought[:, None, :]).any(axis=2)  # [R, K]
    if not in_battle.any():
        return
    t = table(st)
    rr, kk = np.nonzero(in_battle)
    step = ctx.step
    u = ctx.rng.uniform(STREAM, step, rr, kk.astype(np.uint64), call=0)
    lost = u < t.exposure[kk] * ctx.dt
    if not lost.any():
        return
    rr, kk = rr[lost], kk[lost]
    v = ctx.rng.uniform(STREAM, step, rr, kk.astype(np.uint64), call=1)
    fate = np.where(v < st.rules.commander_capture_share, CAPTURED, KILLED)
    loss = st.rules.commander_loss_morale
    for r_, k_, fa in zip(rr.tolist(), kk.tolist(), fate.tolist(), strict=True):
        his = att[r_, k_]
        s.morale[r_, his] = np.maximum(s.morale[r_, his] - loss, 0.0)
        s.cmd_state[r_, k_] = fa
        where = np.nonzero(his & fought[r_])[0]
        place = int(at[r_, where[0]]) if where.size else None
        ctx.emit("commander_lost", r_, place=place, side=int(t.side[k_]),
                 subjects=tuple(st.form_ids[x] for x in np.nonzero(his)[0]),
                 commander=t.ids[k_], name=t.names[k_],
                 fate="captured" if fa == CAPTURED else "killed", morale_loss=loss)


def withdrawn(ctx: Ctx, mask: np.ndarray) -> None:
    """Present commanders attached to formations ``mask`` [R, F] leave the theatre with
    them (an event's ``withdraw`` effect): ``State.cmd_state`` becomes ``WITHDRAWN``, so
    they are neither killed nor captured, and :func:`lost_with_command` passes them by."""
    s = ctx.s
    if s.cmd_state.shape[1] == 0:
        return
    t = table(ctx.st)
    ks = np.nonzero(t.formation >= 0)[0]
    if ks.size == 0:
        return
    hit = mask[:, t.formation[ks]] & (s.cmd_state[:, ks] == PRESENT)  # [R, k]
    r, j = np.nonzero(hit)
    s.cmd_state[r, ks[j]] = WITHDRAWN


def lost_with_command(ctx: Ctx) -> None:
    """Present commanders attached to a formation that has left play (``GONE``: it
    surrendered or dissolved) are captured with it: ``State.cmd_state`` and a
    ``commander_lost`` event (fate ``captured``, ``with_command`` true) at its region."""
    st, s = ctx.st, ctx.s
    if s.cmd_state.shape[1] == 0:
        return
    t = table(st)
    ks = np.nonzero(t.formation >= 0)[0]
    if ks.size == 0:
        return
    f = t.formation[ks]
    hit = (s.status[:, f] == GONE) & (s.cmd_state[:, ks] == PRESENT)  # [R, k]
    for r_, j in zip(*np.nonzero(hit), strict=True):
        k_ = int(ks[j])
        s.cmd_state[r_, k_] = CAPTURED
        ctx.emit("commander_lost", r_, place=int(s.loc[r_, f[j]]), side=int(t.side[k_]),
                 subjects=(st.form_ids[f[j]],), commander=t.ids[k_], name=t.names[k_],
                 fate="captured", with_command=True, morale_loss=0.0)
