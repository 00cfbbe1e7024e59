"""Cross references of the strike, partisan and mobilisation effects (the loader's
located errors).

An effect ``partisans: {side, region, detachments}`` names a side and a region; ``strike:
{a, b, damage}`` names the two ends of a rail edge of the map (either order), ``strike:
{region, fort}`` a region, ``strike: {port, damage}`` a region with a port
(``port_tons_per_day`` > 0); ``mobilise: {side, level}`` a side. Each problem is one located
line (``FILE:LINE: events.<i>.effects.<j>.<field>: message``), all of them at once,
through the loader's ``ref`` and ``add`` callbacks. Counts, fractions and levels are
bounded by the schema (:class:`stavka.scenario.schema.PartisanRaise`, ``Strike``,
``MobilisePolicy``).

**Where partisans may be raised** (:func:`partisan_problem`, one rule for the
``partisans`` effect, checked here at load, and the player's ``raise_partisans`` order,
checked by the engine): only in the side's *home territory* -- a region whose ``home``
(default: its owner at start) is that side -- and not on open ``steppe`` or ``desert``.
The Soviet partisan movement was raised among its own people, in occupied Soviet
territory, and lived in the forests and marshes (Belorussia, the Bryansk forest, the
Leningrad and Smolensk regions); on the open steppe of the south, without cover, it
barely existed (J. A. Armstrong, ed., *Soviet Partisans in World War II*, University of
Wisconsin Press, 1964; K. Slepyan, *Stalin's Guerrillas*, University Press of Kansas,
2006).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stavka.errors import escape

#: ``ref(path, value, pool, what)``: report ``value`` if it is a string not in ``pool``.
Ref = Callable[[tuple[Any, ...], Any, list[str], str], None]
#: ``add(path, message)``: report a problem at ``path``.
Add = Callable[[tuple[Any, ...], str], None]


def rail_edges(data: dict[str, Any]) -> list[str]:
    """``"a-b"`` and ``"b-a"`` for every rail edge of the raw scenario ``data``."""
    out: list[str] = []
    for e in data.get("edges") or []:
        if isinstance(e, dict) and e.get("kind") == "rail":
            a, b = e.get("a"), e.get("b")
            if isinstance(a, str) and isinstance(b, str):
                out += [f"{a}-{b}", f"{b}-{a}"]
    return out


def ports(data: dict[str, Any]) -> list[str]:
    """Ids of the nodes of the raw scenario ``data`` with ``port_tons_per_day`` > 0."""
    return [n["id"] for n in data.get("nodes") or [] if isinstance(n, dict)
            and isinstance(n.get("id"), str) and isinstance(n.get("port_tons_per_day"), int | float)
            and n["port_tons_per_day"] > 0]


#: Terrain where no partisans are raised: open country with nowhere to hide.
OPEN_TERRAIN: tuple[str, ...] = ("steppe", "desert")


def partisan_problem(side: str, region: str, home: str, terrain: str) -> str | None:
    """Why partisans of ``side`` may not be raised in ``region`` (its ``home`` side and
    ``terrain``), or None if they may (module docstring)."""
    if home != side:
        return (f"'{escape(region[:60])}' is not {escape(side[:40])}'s home territory (it is "
                f"{escape(home[:40])}'s): partisans are raised only among their own people, "
                f"in a region whose home (default: its owner at start) is their side")
    if terrain in OPEN_TERRAIN:
        return (f"'{escape(region[:60])}' is open {terrain}: partisans are raised only where "
                f"they can hide (not on {' or '.join(OPEN_TERRAIN)})")
    return None


def check_partisans_rule(path: tuple[Any, ...], eff: dict[str, Any],
                         nodes: dict[str, dict[str, Any]], sides: list[str], add: Add) -> None:
    """Report a ``partisans`` effect raising partisans where :func:`partisan_problem`
    forbids (unknown ids are reported by :func:`check_interdiction_effect`)."""
    pa = eff.get("partisans")
    if not isinstance(pa, dict):
        return
    side, region = pa.get("side"), pa.get("region")
    node = nodes.get(region) if isinstance(region, str) else None
    if not (isinstance(side, str) and side in sides and node is not None):
        return
    home = node.get("home") if node.get("home") is not None else node.get("owner")
    terrain = node.get("terrain", "open")
    if isinstance(home, str) and home in sides and isinstance(terrain, str):
        why = partisan_problem(side, str(region), home, terrain)
        if why:
            add((*path, "partisans", "region"), why)


def check_interdiction_effect(path: tuple[Any, ...], eff: dict[str, Any],
                              ctx: dict[str, list[str]], ref: Ref, add: Add) -> None:
    """Report an unknown side or region of a ``partisans``, ``strike`` or ``mobilise``
    effect, a strike on two regions with no rail edge between them, and one on a port in a
    region without one."""
    nodes, sides = ctx["nodes"], ctx["sides"]
    pa = eff.get("partisans")
    if isinstance(pa, dict):
        ref((*path, "partisans", "side"), pa.get("side"), sides, "side")
        ref((*path, "partisans", "region"), pa.get("region"), nodes, "node")
    mo = eff.get("mobilise")
    if isinstance(mo, dict):
        ref((*path, "mobilise", "side"), mo.get("side"), sides, "side")
    sk = eff.get("strike")
    if isinstance(sk, dict):
        ref((*path, "strike", "region"), sk.get("region"), nodes, "node")
        port = sk.get("port")
        ref((*path, "strike", "port"), port, nodes, "node")
        if isinstance(port, str) and port in nodes and port not in ctx["ports"]:
            add((*path, "strike", "port"), f"'{escape(port[:60])}' has no port "
                                           f"(port_tons_per_day is 0)")
        a, b = sk.get("a"), sk.get("b")
        ref((*path, "strike", "a"), a, nodes, "node")
        ref((*path, "strike", "b"), b, nodes, "node")
        if (isinstance(a, str) and isinstance(b, str) and a in nodes and b in nodes
                and f"{a}-{b}" not in ctx["rail_edges"]):
            add((*path, "strike", "b"), f"no rail edge between '{escape(a[:60])}' and "
                                        f"'{escape(b[:60])}'")
