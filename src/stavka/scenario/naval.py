"""The sea block's cross references: the loader's checks of ``sea:``.

A scenario with a ``sea:`` block (its models: :class:`stavka.scenario.schema.Sea`,
``SeaZone``, ``Fleet``, ``Landing``) gets the naval phase
(:mod:`stavka.engine.phases.naval`); one without is untouched. :func:`check_refs`, called
from the loader, reports every problem as one located line ``FILE:LINE: sea.field:
message``, all at once: unknown or duplicate ids, a fleet placed on a land region, an
unknown ship class (with "did you mean"), a sea zone whose id is also a node's, a zone
bordering itself, ice that thaws before it freezes, a landing on a region that is not on
its fleet's coast (where its moves have taken it by then) or has neither port nor beach,
troops of another side than the fleet, a fleet move onto land or to a zone not adjacent
to the fleet's, a move or landing dated outside the campaign (it would never be made), a
region, zone or formation named twice in one list, and a port or beach in a region no
sea zone borders. Values of the wrong kind (a list where an id belongs, a timestamp
where a date belongs) are left to the schema: here they match nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from stavka.enums import SHIP_CLASSES
from stavka.errors import escape

Path = tuple[Any, ...]
Ref = Callable[[Path, Any, list[str], str], None]


def _seq(v: Any) -> list[Any]:
    return v if isinstance(v, list) else []


def _map(v: Any) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}


def _s(v: Any) -> str | None:
    """A raw value as an id: text, else None (a list or a mapping where an id belongs is
    the schema's to report; it is no key here)."""
    return v if isinstance(v, str) else None


def _day(v: Any) -> dt.date | None:
    """A raw value as a day: a date, or a quoted ISO date ('1942-08-25', which the schema
    takes as the same date), else None (a timestamp with a time of day, which the schema
    reports, is not compared with dates here)."""
    if isinstance(v, str):
        try:
            return dt.date.fromisoformat(v)
        except ValueError:
            return None
    return v if isinstance(v, dt.date) and not isinstance(v, dt.datetime) else None


def _q(v: Any) -> str:
    """A user value for a message: quoted, escaped, cut (as the loader shows them)."""
    return "'" + escape(str(v))[:60] + "'"


def check_refs(data: dict[str, Any], ref: Ref, add: Callable[[Path, str], None],
               suggest: Callable[[str, list[str]], str],
               param: Callable[[Path, Any], None] = lambda p, v: None) -> None:
    """Check the ``sea`` block against the rest of the scenario (see the module docstring).

    ``ref(path, value, pool, what)`` reports an unknown id, ``add(path, message)`` any
    other problem, ``suggest(name, pool)`` gives a "did you mean" suffix, ``param(path,
    value)`` checks a ``$param`` date. A move or landing dated by a ``$param`` is checked
    as if it came after every dated one (its day is known only at run time, where the
    same checks refuse it with a reason). Unknown ship
    classes are reported here and dropped from the data, so the schema does not report
    them a second time.
    """
    nodes = [n for n in _seq(data.get("nodes")) if isinstance(n, dict)]
    node_ids = [n["id"] for n in nodes if isinstance(n.get("id"), str)]
    sea = data.get("sea")
    if not isinstance(sea, dict):
        for i, e in enumerate(_seq(data.get("edges"))):
            if isinstance(e, dict) and e.get("zone") is not None:
                add(("edges", i, "zone"), "names a sea zone, but the scenario has no sea block")
        return  # absent (no more checks), or the schema reports the type
    first, last = _day(data.get("start")), _day(data.get("end"))

    def in_campaign(path: Path, when: Any, what: str) -> bool:
        """Is day ``when`` (a date; not a $param or null) within the campaign? A day
        outside it never comes: the move or landing would never be made."""
        d = _day(when)
        if d is None or first is None or last is None or first <= d <= last:
            return True
        add(path, f"{what} must lie within the campaign {first}..{last} (got {d}; it "
                  f"would never be made)")
        return False

    sides_d = _map(data.get("sides"))
    sides = list(sides_d)
    forms = {f["id"]: f for f in _seq(data.get("formations"))
             if isinstance(f, dict) and isinstance(f.get("id"), str)}
    zones = _seq(sea.get("zones"))
    zone_ids = _unique(zones, ("sea", "zones"), add)
    coast: dict[str, list[str]] = {}
    for i, z in enumerate(zones):
        if not isinstance(z, dict):
            continue
        p: Path = ("sea", "zones", i)
        zid = z.get("id")
        if isinstance(zid, str) and zid in node_ids:
            add((*p, "id"), f"sea zone id {_q(zid)} is also a node's id (ids name one region)")
        _twice(_seq(z.get("coast")), (*p, "coast"), "region", add)
        _twice(_seq(z.get("adjacent")), (*p, "adjacent"), "sea zone", add)
        for j, n in enumerate(_seq(z.get("coast"))):
            if isinstance(n, str) and n in zone_ids:
                add((*p, "coast", j), f"{_q(n)} is a sea zone; a coast lists land regions")
            else:
                ref((*p, "coast", j), n, node_ids, "node")
        for j, a in enumerate(_seq(z.get("adjacent"))):
            if a == zid:
                add((*p, "adjacent", j), f"sea zone {_q(zid)} borders itself")
            else:
                ref((*p, "adjacent", j), a, zone_ids, "sea zone")
        ref((*p, "control"), z.get("control"), sides, "side")
        fr, th = _day(z.get("freeze")), _day(z.get("thaw"))
        if fr is not None and th is not None and th <= fr:
            add((*p, "thaw"), f"must be after freeze {fr} (got {th})")
        if isinstance(zid, str):
            coast[zid] = [n for n in _seq(z.get("coast")) if isinstance(n, str)]
    for i, e in enumerate(_seq(data.get("edges"))):
        if not isinstance(e, dict) or e.get("zone") is None:
            continue
        if e.get("kind") != "sea":
            add(("edges", i, "zone"), f"only a sea edge crosses a sea zone (this one is "
                                      f"{_q(e.get('kind'))})")
        else:
            ref(("edges", i, "zone"), e.get("zone"), zone_ids, "sea zone")
    fleets = _seq(sea.get("fleets"))
    fleet_ids = _unique(fleets, ("sea", "fleets"), add)
    fleet_of: dict[str, dict[str, Any]] = {}
    for i, f in enumerate(fleets):
        if not isinstance(f, dict):
            continue
        p = ("sea", "fleets", i)
        ref((*p, "side"), f.get("side"), sides, "side")
        zone = f.get("zone")
        if isinstance(zone, str) and zone in node_ids and zone not in zone_ids:
            add((*p, "zone"), f"{_q(zone)} is a land region; a fleet sits in a sea zone "
                              f"({', '.join(zone_ids[:8]) or 'none declared'})")
        else:
            ref((*p, "zone"), zone, zone_ids, "sea zone")
        param((*p, "scale"), f.get("scale"))
        ships = f.get("ships")
        if isinstance(ships, dict):
            for k in [k for k in ships if k not in SHIP_CLASSES]:
                add((*p, "ships", k), f"unknown ship class {_q(k)}"
                                      f"{suggest(str(k), list(SHIP_CLASSES))}")
                del ships[k]
        if isinstance(f.get("id"), str):
            fleet_of[f["id"]] = f
    # scripted moves, in the order the engine makes them (by date, then file order): each
    # from the zone the fleet is in then to an adjacent one
    adjacent = {frozenset((z["id"], a)) for z in zones if isinstance(z, dict)
                for a in _seq(z.get("adjacent")) if isinstance(z.get("id"), str)
                and isinstance(a, str)}
    moves = [(m.get("date"), i, m) for i, m in enumerate(_seq(sea.get("moves")))
             if isinstance(m, dict)]
    where = {fid: f.get("zone") for fid, f in fleet_of.items()}
    sailed: dict[str, list[tuple[dt.date, str]]] = {}
    for when, i, m in sorted(moves, key=lambda x: (_day(x[0]) or dt.date.max, x[1])):
        p = ("sea", "moves", i)
        param((*p, "date"), when)
        if not in_campaign((*p, "date"), when, "a fleet move's day"):
            continue
        fid, to = m.get("fleet"), m.get("to")
        ref((*p, "fleet"), fid, fleet_ids, "fleet")
        if isinstance(to, str) and to in node_ids and to not in zone_ids:
            add((*p, "to"), f"{_q(to)} is a land region; a fleet sails only to a sea zone")
            continue
        ref((*p, "to"), to, zone_ids, "sea zone")
        cur = where.get(fid) if isinstance(fid, str) else None
        if not (isinstance(fid, str) and isinstance(cur, str) and cur in zone_ids
                and isinstance(to, str) and to in zone_ids):
            continue
        if frozenset((cur, to)) not in adjacent:
            near = sorted(b for pair in adjacent if cur in pair for b in pair if b != cur)
            add((*p, "to"), f"{_q(to)} is not adjacent to {_q(cur)}, where fleet {_q(fid)} "
                            f"is then (adjacent: {', '.join(near) or 'none'})")
            continue
        where[fid] = to
        # a $param-dated move comes after every dated one: only a landing with no date or
        # a $param date is checked against where it takes the fleet
        sailed.setdefault(fid, []).append((_day(when) or dt.date.max, to))

    def zone_on(fid: Any, when: Any) -> Any:
        """The zone fleet ``fid`` is in on day ``when`` (after that day's moves)."""
        z = fleet_of[fid].get("zone")
        for d, to in sailed.get(fid, []):
            if _day(when) is None or d <= when:  # a $param date: after them all
                z = to
        return z

    landings = _seq(sea.get("landings"))
    _unique(landings, ("sea", "landings"), add)
    for i, ld in enumerate(landings):
        if not isinstance(ld, dict):
            continue
        p = ("sea", "landings", i)
        param((*p, "date"), ld.get("date"))
        in_campaign((*p, "date"), ld.get("date"), "a landing's day")
        _twice(_seq(ld.get("formations")), (*p, "formations"), "formation", add)
        ref((*p, "fleet"), ld.get("fleet"), fleet_ids, "fleet")
        fl = fleet_of.get(_s(ld.get("fleet")) or "")
        for j, fid in enumerate(_seq(ld.get("formations"))):
            ref((*p, "formations", j), fid, list(forms), "formation")
            f = forms.get(fid) if isinstance(fid, str) else None
            if (fl is not None and f is not None and isinstance(f.get("side"), str)
                    and isinstance(fl.get("side"), str) and f.get("side") != fl.get("side")):
                add((*p, "formations", j), f"formation {_q(fid)} belongs to {_q(f.get('side'))}, "
                                           f"fleet {_q(fl.get('id'))} to {_q(fl.get('side'))}")
        tgt = ld.get("target")
        ref((*p, "target"), tgt, node_ids, "node")
        node = next((n for n in nodes if n.get("id") == tgt), None)
        zone = zone_on(ld.get("fleet"), ld.get("date")) if fl is not None else None
        if node is not None and isinstance(zone, str) and zone in coast and tgt not in coast[zone]:
            add((*p, "target"), f"{_q(tgt)} is not on the coast of sea zone {_q(zone)} "
                                f"(fleet {_q(fl.get('id') if fl else '')}'s; its coast: "
                                f"{', '.join(coast[zone][:8])})")
        if node is not None and not (node.get("port") is True or node.get("beach") is True
                                     or _positive(node.get("port_tons_per_day"))):
            add((*p, "target"), f"a landing needs a port or a beach; {_q(tgt)} has neither "
                                f"(set its port or beach)")
    on_coast = {n for c in coast.values() for n in c}
    for i, n in enumerate(_seq(data.get("nodes"))):
        if not isinstance(n, dict) or _s(n.get("id")) in on_coast:
            continue
        for key in ("port", "port_tons_per_day", "beach"):
            v = n.get(key)
            if v is True or (key == "port_tons_per_day" and _positive(v)):
                add(("nodes", i, key), f"{_q(n.get('id'))} is an inland region (no sea zone's "
                                       f"coast lists it); only a coastal region has a "
                                       f"{key.split('_')[0]}")


def _positive(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and v > 0


def _fmt(path: Path) -> str:
    """``("sea", "zones", 1, "coast", 0)`` as written in a message: ``sea.zones[1].coast[0]``."""
    return "".join(f"[{q}]" if isinstance(q, int) else f".{q}" for q in path).lstrip(".")


def _twice(items: list[Any], path: Path, what: str, add: Callable[[Path, str], None]) -> None:
    """Report an id listed twice in ``items`` (a coast, adjacent zones, a landing's
    troops), at its second place."""
    first: dict[str, int] = {}
    for j, v in enumerate(items):
        if not isinstance(v, str):
            continue
        if v in first:
            add((*path, j), f"{what} {_q(v)} is named twice (first at "
                            f"{_fmt((*path, first[v]))})")
        else:
            first[v] = j


def _unique(items: list[Any], path: Path, add: Callable[[Path, str], None]) -> list[str]:
    ids: list[str] = []
    first: dict[str, int] = {}
    for i, it in enumerate(items):
        iid = it.get("id") if isinstance(it, dict) else None
        if not isinstance(iid, str):
            continue
        if iid in first:
            add((*path, i, "id"), f"duplicate id {_q(iid)} (first at "
                                  f"{'.'.join(map(str, path))}[{first[iid]}])")
        else:
            first[iid] = i
            ids.append(iid)
    return ids
