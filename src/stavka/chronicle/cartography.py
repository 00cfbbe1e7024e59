"""The map of report.html, drawn by the same code as the war room's map.

The war room draws its maps in the browser with ``map.js`` (d3-geo over the Natural
Earth borders of the npm ``world-atlas``; see ``stavka/web/static``). ``report.html``
embeds that very file, its two vendored libraries and the borders (read as package data,
not imported), and draws every snapshot with it: the same projection, regions, borders
and coastlines, rail lines, front line, labels and formation markers, so the report and
the war room cannot disagree. Everything is inline: the report opens offline.

The map's data is made here for both: :func:`geometry` (the scenario's regions, links
and sides; the war room serves it) and :func:`snapshot` (one day of a campaign's history:
owners and formations in the field). The snapshot dates are :func:`snapshot_days`: the
start, the first captures, landings and falls, the high-water mark, 5 December 1941 when
the campaign spans it, and the end.

A scenario with a ``sea`` block (``docs/naval.md``) also has its sea on the map: the
geometry's ``sea`` (:func:`sea_geometry`: the zones and fleets) and each snapshot's
``sea`` (:func:`sea_snapshot`: who controls each zone that day, which zones ice closes or
fleets contest, the fleets afloat and where, the landings made so far). Without one,
neither key is there and the map is drawn as before.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from stavka.chronicle.words import day_date

#: the war room's static folder (package data): map.js, map.css, vendor/
_STATIC = ("web", "static")
#: days worth a map that the events do not name (date -> caption)
HISTORIC_DAYS = {dt.date(1941, 12, 5): "5 December: the day the Red Army's Moscow "
                                       "counteroffensive began in 1941"}
#: degrees of longitude/latitude of borders kept around the theatre
MARGIN = 20.0
ACTIVE, RAIL = 1, 2


def _asset(*path: str) -> str:
    return (resources.files("stavka").joinpath(*_STATIC, *path)).read_text(encoding="utf-8")


def map_script() -> str:
    """The text of the war room's ``map.js`` (what both draw with)."""
    return _asset("map.js")


def sides(spec: Any) -> dict[str, dict[str, Any]]:
    """Side id -> name, colour, alliance."""
    return {k: {"name": v.name, "colour": v.colour, "alliance": v.alliance}
            for k, v in spec.sides.items()}


def geometry(spec: Any) -> dict[str, Any]:
    """The scenario's map: regions (id, name, lat, lon in degrees, terrain, front, victory
    points, owner at start, port), links (a, b, kind, km, rail capacity in trains/day;
    a sea lane's ``zone``) and ``scenario.sides``; with a ``sea`` block, also ``sea``
    (:func:`sea_geometry`)."""
    geo = {
        "scenario": {"id": spec.id, "name": spec.name, "sides": sides(spec)},
        "nodes": [{"id": n.id, "name": n.name, "lat": n.lat, "lon": n.lon,
                   "terrain": n.terrain, "front": n.front, "vp": n.vp, "owner": n.owner,
                   "port": bool(n.port)} for n in spec.nodes],
        "edges": [e.model_dump(mode="json") for e in spec.edges],
    }
    if spec.sea is not None:
        geo["sea"] = sea_geometry(spec)
    return geo


def sea_geometry(spec: Any) -> dict[str, Any]:
    """The scenario's sea for the map (``spec.sea`` must be set): ``zones``, each
    ``{id, name, lat, lon}`` (its centre in degrees, where its label goes), ``coast`` and
    ``adjacent`` (region and zone ids), ``control`` (side id at start, or None),
    ``freeze`` and ``thaw`` (ISO dates or None); ``fleets``, each ``{id, name, side,
    zone}`` (zone at start)."""
    sea = spec.sea
    return {
        "zones": [{"id": z.id, "name": z.name, "lat": z.lat, "lon": z.lon,
                   "coast": list(z.coast), "adjacent": list(z.adjacent), "control": z.control,
                   "freeze": z.freeze.isoformat() if z.freeze else None,
                   "thaw": z.thaw.isoformat() if z.thaw else None} for z in sea.zones],
        "fleets": [{"id": f.id, "name": f.name, "side": f.side, "zone": f.zone}
                   for f in sea.fleets],
    }


def snapshot(parts: Any, i: int) -> dict[str, Any]:
    """Day ``i`` of the history for the map: the date, each region's owner (side ids, in
    region order) and the formations in the field or on the rails (id, side, kind,
    region, men). Encirclement and supply are not in the history: not marked."""
    from stavka.enums import KINDS

    st, h = parts.static, parts.history
    owner = [st.side_ids[int(x)] for x in h.owner[i]]
    status, loc, men = h.status[i], h.loc[i], h.men[i]
    forms = [{"id": st.form_ids[f], "side": st.side_ids[int(st.fside[f])],
              "kind": KINDS[int(st.fkind[f])], "loc": st.node_ids[int(loc[f])],
              "rail": int(status[f]) == RAIL, "men": round(float(men[f])),
              "encircled": False, "supply": 1}
             for f in np.flatnonzero((status == ACTIVE) | (status == RAIL))]
    snap: dict[str, Any] = {"date": day_date(h.dates[i]), "owner": owner, "formations": forms}
    if getattr(st, "naval", None) is not None and len(getattr(h, "sea_control", ())) > i:
        snap["sea"] = sea_snapshot(parts, i)
    return snap


def _as_date(d: Any) -> dt.date:
    return d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d))


def sea_snapshot(parts: Any, i: int) -> dict[str, Any]:
    """Day ``i`` of the history at sea (a scenario with a ``sea`` block; the history
    records the sea, :class:`stavka.api.History`): :func:`sea_picture` of that day's
    control and fleets, and ``landings``, every landing made up to that day (the
    ``landing`` events), each ``{id, side, fleet, zone, target, date, day, men}``
    (``date``: like ``12 Oct``; ``day``: ISO; ``men`` landed).

    Control and fleets are the state after the day before index ``i`` was fought (index
    0: the start), as the rest of the snapshot; the ice is that day's.
    """
    st, h = parts.static, parts.history
    dates = [_as_date(d) for d in h.dates]
    last = dates[i - 1] if i > 0 else dates[0]  # the day last fought (control, ice)
    pic = sea_picture(st, h.sea_control[i], h.fleet_zone[i], h.fleet_ships[i], h.fleet_air[i],
                      (last - _as_date(st.start)).days)
    pic["landings"] = landings_made(parts.events, last) if i > 0 else []
    return pic


def landings_made(events: Any, last: Any = None) -> list[dict[str, Any]]:
    """The landings made up to day ``last`` (a date; None: all; the ``landing`` events of
    replica 0 among ``events``), each ``{id, side, fleet, zone, target, date, day, men}``
    as :func:`sea_snapshot` gives them."""
    last = _as_date(last) if last is not None else dt.date.max
    return [
        {"id": e.values.get("landing"), "side": e.side, "fleet": e.values.get("fleet"),
         "zone": e.values.get("zone"), "target": e.place,
         "date": f"{_as_date(e.date).day} {_as_date(e.date):%b}",
         "day": _as_date(e.date).isoformat(), "men": round(float(e.values.get("men", 0)))}
        for e in events
        if e.kind == "landing" and e.replica == 0 and _as_date(e.date) <= last]


def sea_picture(st: Any, control: Any, fleet_zone: Any, fleet_ships: Any, fleet_air: Any,
                day: int) -> dict[str, Any]:
    """The sea of one replica for the map. ``st``: the compiled scenario (its ``naval``
    tables must be set); ``control`` [Z] side index controlling each sea zone (-1 no one),
    ``fleet_zone`` [Fl] zone index, ``fleet_ships`` [Fl, K] ships afloat by class,
    ``fleet_air`` [Fl] air groups (the state's naval arrays at one replica); ``day``:
    the day whose ice applies (clipped to the campaign).

    Returns ``control`` [Z] side id or None; ``state`` [Z] one of ``held`` (by
    ``control``), ``contested`` (no one holds it: warships of more than one alliance are
    there, none twice as strong), ``ice`` (closed by ice: no one holds it) and ``open``
    (no one holds it: no warship there to take it); ``fleets``, the fleets afloat (a
    sunk fleet, no ships and no air groups, is left out), each ``{id, name, side, zone,
    ships, classes, air}``: ``ships`` afloat over all classes, rounded (0: only air
    groups or under half a ship), ``classes`` ships by class (rounded, those afloat),
    ``air`` air groups (one decimal).
    """
    from stavka.combat import naval as nv
    from stavka.enums import SHIP_CLASSES

    nav = st.naval
    ctrl = np.asarray(control, dtype=int)
    zone = np.asarray(fleet_zone, dtype=int)
    ships = np.asarray(fleet_ships, dtype=float)
    air = np.asarray(fleet_air, dtype=float)
    iced = nav.iced[min(max(int(day), 0), nav.iced.shape[0] - 1)]
    off = nv.offence(ships, air, nav.quality, nav.params)  # [Fl] standard hits
    fighting = [{int(st.alliance[int(nav.fleet_side[f])]) for f in range(len(zone))
                 if zone[f] == z and off[f] > 0.0} for z in range(nav.Z)]
    state = ["ice" if iced[z] else "held" if ctrl[z] >= 0 else
             "contested" if len(fighting[z]) > 1 else "open" for z in range(nav.Z)]
    fleets = []
    for f in range(len(zone)):
        if ships[f].sum() <= 0.0 and air[f] <= 0.0:
            continue  # sunk
        fleets.append({
            "id": nav.fleet_ids[f], "name": nav.fleet_names[f],
            "side": st.side_ids[int(nav.fleet_side[f])], "zone": nav.zone_ids[zone[f]],
            "ships": round(float(ships[f].sum())),
            "classes": {c: round(float(ships[f, k])) for k, c in enumerate(SHIP_CLASSES)
                        if ships[f, k] > 0.0},
            "air": round(float(air[f]), 1)})
    return {"control": [st.side_ids[c] if c >= 0 else None for c in ctrl], "state": state,
            "fleets": fleets}


def high_water(parts: Any) -> int | None:
    """History index of the high-water mark: the first day on which the alliance that
    gained the most regions over the campaign held the most (None if nobody gained)."""
    st, h = parts.static, parts.history
    if not len(h.owner):
        return None
    al = np.asarray(st.alliance)[np.asarray(h.owner, dtype=int)]  # [T, N] alliance held
    best, best_gain = None, 0
    for a in np.unique(al):
        held = (al == a).sum(axis=1)
        gain = int(held.max() - held[0])
        if gain > best_gain:
            best, best_gain = int(np.argmax(held)), gain
    return best


def snapshot_days(parts: Any, key_days: Sequence[tuple[int, str]], most: int = 6
                  ) -> list[tuple[int, str]]:
    """History indices and captions of the maps: the start, the high-water mark, the
    historic days of :data:`HISTORIC_DAYS` inside the campaign, the first key days of
    the chronicle (an event of day ``d`` shows at index ``d + 1``) and the end; at most
    ``most`` (more only for the forced ones), at least four (evenly spaced "midway" days
    fill in) when the history is that long."""
    T = len(parts.history.dates)
    if T == 0:
        return []
    chosen: dict[int, list[str]] = {0: ["start"], T - 1: ["end"]}

    def add(i: int, cap: str, force: bool = False) -> None:
        if i in chosen:
            chosen[i].insert(0 if force else len(chosen[i]), cap)
        elif force or len(chosen) < most:
            chosen[i] = [cap]

    hw = high_water(parts)
    if hw is not None:
        add(hw, "high-water mark", force=True)
    dates = [d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d))
             for d in parts.history.dates]
    for d, cap in HISTORIC_DAYS.items():
        if d in dates:
            add(dates.index(d), cap, force=True)
    for day, cap in key_days:
        add(min(day + 1, T - 1), cap)
    for frac in (0.5, 0.25, 0.75, 0.125, 0.375, 0.625, 0.875):  # at least four maps
        if len(chosen) >= min(4, T):
            break
        chosen.setdefault(int(round(frac * (T - 1))), ["midway"])
    return sorted((i, "; ".join(c)) for i, c in chosen.items())


@lru_cache(maxsize=8)
def _world() -> dict[str, Any]:
    return dict(json.loads(_asset("vendor", "countries-50m.json")))


def world_subset(lons: Sequence[float], lats: Sequence[float],
                 margin: float = MARGIN) -> dict[str, Any]:
    """The ``world-atlas`` TopoJSON with only the countries whose bounding box comes within
    ``margin`` degrees of the points, and only their arcs (a smaller report, the same
    lines)."""
    w = _world()
    sx, sy = w["transform"]["scale"]
    tx, ty = w["transform"]["translate"]
    boxes = []
    for arc in w["arcs"]:
        a = np.cumsum(np.asarray(arc, dtype=np.int64), axis=0)
        x, y = a[:, 0] * sx + tx, a[:, 1] * sy + ty
        boxes.append((x.min(), x.max(), y.min(), y.max()))
    x0, x1 = min(lons) - margin, max(lons) + margin
    y0, y1 = min(lats) - margin, max(lats) + margin

    def arcs_of(g: dict[str, Any]) -> list[int]:
        out: list[int] = []

        def walk(v: Any) -> None:
            if isinstance(v, int):
                out.append(v if v >= 0 else ~v)
            else:
                for x in v:
                    walk(x)
        walk(g.get("arcs", []))
        return out

    keep = []
    for g in w["objects"]["countries"]["geometries"]:
        ids = arcs_of(g)
        if not ids:
            continue
        bx0 = min(boxes[i][0] for i in ids)
        bx1 = max(boxes[i][1] for i in ids)
        by0 = min(boxes[i][2] for i in ids)
        by1 = max(boxes[i][3] for i in ids)
        if bx1 >= x0 and bx0 <= x1 and by1 >= y0 and by0 <= y1:
            keep.append(g)
    used = sorted({i for g in keep for i in arcs_of(g)})
    new = {old: j for j, old in enumerate(used)}

    def remap(v: Any) -> Any:
        if isinstance(v, int):
            return new[v] if v >= 0 else ~new[~v]
        return [remap(x) for x in v]

    geoms = [{**g, "arcs": remap(g["arcs"])} for g in keep]
    return {"type": "Topology", "transform": w["transform"],
            "objects": {"countries": {"type": "GeometryCollection", "geometries": geoms}},
            "arcs": [w["arcs"][i] for i in used]}


def _script_json(value: Any) -> str:
    """JSON safe inside a <script> element."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).replace(
        "</", "<\\/").replace("<!--", "<\\!--")


#: the report's words on the sea (the map's own key, drawn by map.js, says the same)
_SEA_LEGEND = (
    "<p>At sea: a disc per sea zone, labelled at its centre, in the colour of the side "
    "controlling it that day; striped red when fleets of both alliances are there and "
    "neither is twice the other's strength (contested); hatched grey when ice closes it "
    "(no one holds it); pale when no one holds it. Dotted lines tie a zone to the coastal "
    "regions it borders; a sea lane through a zone is dashed, drawn through its centre. "
    "A ship in a circle of its side's colour is a fleet, with its ships afloat (a sunk "
    "fleet is not drawn); an arrow from a zone to a region is a landing made, with its "
    "date.</p>")


def maps_html(parts: Any, days: Sequence[tuple[int, str]]) -> str:
    """The report's map section: a figure per snapshot (a map fitted to one front, with
    buttons for the others and the whole theatre), the war room's map.js and its
    libraries inline, and the data (geometry, borders, snapshots) as JSON."""
    geo = geometry(parts.spec)
    places = geo["nodes"] + (geo["sea"]["zones"] if "sea" in geo else [])
    world = world_subset([n["lon"] for n in places], [n["lat"] for n in places])
    snaps = [snapshot(parts, i) for i, _ in days]
    figs = []
    daily = getattr(parts.static, "step_hours", 24) == 24
    for k, (i, cap) in enumerate(days):
        if i > 0 and daily:  # index i is the state after day i - 1 was fought
            prev = parts.history.dates[i]
            prev = prev if isinstance(prev, dt.date) else dt.date.fromisoformat(str(prev))
            title = f"Situation at the end of {day_date(prev - dt.timedelta(days=1))} ({cap})"
        else:
            title = f"Situation on {snaps[k]['date']} ({cap})"
        figs.append(f'<figure class="snapmap" data-snap="{k}"><div class="controls fronts">'
                    f'</div><svg role="img" aria-label="{html.escape(title)}"></svg>'
                    f"<figcaption>{html.escape(title)}</figcaption></figure>")
    legend = ("<p>The map of the war room (<code>stavka serve</code>): regions in the "
              "colour of the side holding them, clipped to land; railways drawn by their "
              "trains a day, roads dashed; the red line is the front (between regions held "
              "by enemies); a frame per side and region for the formations there, NATO "
              "style (X infantry, oval armour), sized by men. Borders and coastlines: "
              "Natural Earth (public domain) via world-atlas. The buttons fit a map to "
              "one front or to the whole theatre.</p>" + (_SEA_LEGEND if "sea" in geo else "")
              + "<noscript><p><strong>The maps are drawn by the script in this file "
              "(nothing is fetched); allow JavaScript to see them.</strong></p></noscript>")
    script = f"""
const GEO = {_script_json(geo)};
const WORLD = {_script_json(world)};
const SNAPS = {_script_json(snaps)};
document.querySelectorAll("figure.snapmap").forEach((fig) => {{
  const s = SNAPS[Number(fig.dataset.snap)];
  const draw = (m) => {{ m.setOwners(s.owner); m.setFormations(s.formations);
                         if (s.sea) m.setSea(s.sea); }};
  draw(Stavka.mapWithFronts(fig.querySelector("svg"), GEO, WORLD, {{}},
                            fig.querySelector(".fronts"), draw));
}});
"""
    libs = "".join(f"<script>{_asset('vendor', name)}</script>\n"
                   for name in ("d3.min.js", "topojson-client.min.js"))
    return (legend + "\n".join(figs) + f"<style>{_asset('map.css')}</style>\n" + libs
            + f"<script>{map_script()}</script>\n<script>{script}</script>\n")
