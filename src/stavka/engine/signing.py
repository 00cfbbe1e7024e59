"""Signing agreements and contracts of the diplomacy block (a ``sign`` effect, a
trigger, an accepted request) and checking a player's answer to a request: the parts of
:mod:`stavka.engine.diplomacy` that the events phase and the legality check call too,
kept apart so that those modules and the diplomacy phase do not import each other.

Writes ``dip_agr`` (agreement states) and ``dip_con_day`` (the day a contract was
signed) of the replicas of a mask, and emits ``agreement_signed`` / ``contract_signed``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from stavka.engine.context import Ctx
from stavka.engine.records import Order

# agreement states (dip_agr)
AGR_NONE, AGR_SIGNED, AGR_BROKEN = 0, 1, 2
# request states (dip_req)
REQ_IDLE, REQ_QUEUED, REQ_OPEN, REQ_ACCEPTED, REQ_REFUSED, REQ_COUNTERED, REQ_CLOSED = range(7)


def emit_each(ctx: Ctx, kind: str, mask: np.ndarray, side: int = -1, text: str = "",
              **values: Any) -> None:
    """One event of ``kind`` per replica of ``mask`` ([R] bool; values may be [R]
    arrays, read per replica); nothing when the context does not record."""
    if not ctx.record:
        return
    for r in np.nonzero(mask)[0]:
        vals = {k: (v[r].item() if isinstance(v, np.ndarray) else v) for k, v in values.items()}
        ctx.emit(kind, int(r), side=side, text=text, **vals)


def sign_agreement(ctx: Ctx, g: int, mask: np.ndarray) -> None:
    """Put agreement ``g`` in force in the replicas of ``mask`` where it is not yet."""
    st, s = ctx.st, ctx.s
    dip = st.spec.diplomacy
    assert dip is not None
    new = mask & (s.dip_agr[:, g] == AGR_NONE)
    s.dip_agr[new, g] = AGR_SIGNED
    a = dip.agreements[g]
    emit_each(ctx, "agreement_signed", new, side=st.side(a.parties[0]),
          text=f"{a.name or a.id} is signed", parties=list(a.parties),
          agreement=a.id)


def sign_contract(ctx: Ctx, c: int, mask: np.ndarray) -> None:
    """Sign contract ``c`` in the replicas of ``mask`` where it is not yet signed."""
    st, s = ctx.st, ctx.s
    dip = st.spec.diplomacy
    assert dip is not None
    new = mask & (s.dip_con_day[:, c] < 0)
    s.dip_con_day[new, c] = ctx.day
    k = dip.contracts[c]
    emit_each(ctx, "contract_signed", new, side=st.side(k.buyer),
          text=k.text or f"{k.buyer} and {k.seller} sign contract {k.id}", contract=k.id)


def answer_problem(ctx: Ctx, order: Order, replica: int) -> str | None:
    """Why a player's answer cannot be given today in ``replica`` (None: it can): the
    request is not open (not yet sent, or already answered), or a counter-offer is
    given to a request that has none."""
    dip = ctx.st.spec.diplomacy
    assert dip is not None  # unknown_ids refused it before
    q = [r.id for r in dip.requests].index(order.formation)
    state = int(ctx.s.dip_req[replica, q])
    if state != REQ_OPEN:
        what = {REQ_IDLE: "has not been sent", REQ_QUEUED: "has not been sent yet",
                REQ_ACCEPTED: "was accepted", REQ_COUNTERED: "was answered with a counter-offer",
                REQ_REFUSED: "was refused (it may be sent again)",
                REQ_CLOSED: "was refused"}[state]
        return f"request {order.formation} {what}; only an open request can be answered"
    if order.action == "counter" and dip.requests[q].counter is None:
        return f"request {order.formation} has no counter-offer to make (accept or refuse)"
    return None
