"""Phase 7, weather: tomorrow's ground and rivers from the climate calendar.

The calendar itself is compiled into tables (``Static.ground``, ``Static.temp``,
``Static.frozen``) that movement and combat read directly; this phase reports
the changes (mud begins, frost, a river freezes) as events for the chronicle.
"""

from __future__ import annotations

from stavka.engine.context import Ctx
from stavka.enums import GROUNDS


def run(ctx: Ctx) -> None:
    """Report tomorrow's change of ground (per climate zone) and rivers freezing or
    thawing as ``weather`` and ``river`` events; only when events are recorded.

    Reads: ``Static.ground`` [D, Z], ``Static.temp`` [D, Z] (deg C), ``Static.frozen``
    [D, Rv]. Writes: events only (the state does not change).
    """
    st, d = ctx.st, ctx.day + 1
    if d >= st.days or not ctx.record:
        return
    zones = list(st.spec.climate)
    for z, zid in enumerate(zones):
        g0, g1 = st.ground[d - 1, z], st.ground[d, z]
        if g0 != g1:
            places = [i for i in range(st.N) if st.zone[i] == z]
            for r in range(ctx.R):
                ctx.emit("weather", r, place=places[0] if places else None, zone=zid,
                         ground=GROUNDS[g1], previous=GROUNDS[g0], temp_c=float(st.temp[d, z]),
                         effective=st.date(d).isoformat())
    for i, rid in enumerate(st.river_ids):
        if st.frozen[d, i] != st.frozen[d - 1, i]:
            for r in range(ctx.R):
                ctx.emit("river", r, river=rid, frozen=bool(st.frozen[d, i]),
                         effective=st.date(d).isoformat())
