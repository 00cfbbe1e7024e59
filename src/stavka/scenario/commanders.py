"""The ``commanders:`` block's cross references (the loader's located errors).

A commander names a side, and a formation of that side or a front. Each problem is one
located line (``FILE:LINE: commanders.<i>.<field>: message``), all of them at once,
through the loader's ``ref`` and ``add`` callbacks. The fields' own types and bounds are
the schema's (:class:`stavka.scenario.schema.Commander`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stavka.errors import escape

#: ``ref(path, value, pool, what)``: report ``value`` if it is a string not in ``pool``.
Ref = Callable[[tuple[Any, ...], Any, list[str], str], None]
#: ``add(path, message)``: report a problem at ``path``.
Add = Callable[[tuple[Any, ...], str], None]


def check_commanders(data: dict[str, Any], ref: Ref, add: Add, fronts: list[str]) -> None:
    """Report every commander whose side, formation or front is unknown, who is
    attached to a formation of another side, or whose id repeats another's."""
    block = data.get("commanders")
    if not isinstance(block, list):
        return  # absent, or the schema reports the type
    sides = list(data["sides"]) if isinstance(data.get("sides"), dict) else []
    form_side: dict[str, Any] = {}
    for f in data.get("formations") or []:
        if isinstance(f, dict) and isinstance(f.get("id"), str):
            form_side.setdefault(f["id"], f.get("side"))
    seen: dict[str, int] = {}
    for i, c in enumerate(block):
        if not isinstance(c, dict):
            continue
        cid = c.get("id")
        if isinstance(cid, str):
            if cid in seen:
                add(("commanders", i, "id"), f"duplicate commander id '{escape(cid[:60])}' "
                                             f"(also commanders[{seen[cid]}])")
            seen.setdefault(cid, i)
        side = c.get("side")
        ref(("commanders", i, "side"), side, sides, "side")
        fid = c.get("formation")
        ref(("commanders", i, "formation"), fid, list(form_side), "formation")
        ref(("commanders", i, "front"), c.get("front"), fronts, "front")
        if (isinstance(fid, str) and fid in form_side and isinstance(side, str)
                and side in sides and form_side[fid] != side):
            add(("commanders", i, "formation"),
                f"formation '{escape(fid[:60])}' is of side '{escape(str(form_side[fid])[:40])}'"
                f", not the commander's side '{escape(side[:40])}'")
