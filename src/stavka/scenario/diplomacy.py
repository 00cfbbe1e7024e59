"""The diplomacy block's cross references: the loader's checks of ``diplomacy:``.

A scenario that declares a ``diplomacy:`` block (its models: :class:`stavka.scenario.
schema.Diplomacy` and the classes beside it) gets the mechanics of
:mod:`stavka.engine.diplomacy`; a scenario without one is untouched. The references
(sides, regions, request and agreement ids, routes that must connect the parties) are
checked by :func:`check_refs`, called from the loader, so each problem is one located
line ``FILE:LINE: diplomacy.field: message``.

Units: gold in metric tons (t), goods in pieces (trucks, motorcycles, tanks, guns,
aircraft) or tons (fuel_t, food_t), durations in days, probabilities 0..1, trust 0..1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stavka.scenario.schema import FORBIDDEN_EFFECTS, Diplomacy

# ---- cross references (the loader's stage 3) ---------------------------------------

Ref = Callable[[tuple[Any, ...], Any, list[str], str], None]


def _seq(v: Any) -> list[Any]:
    return v if isinstance(v, list) else []


def _map(v: Any) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}


def check_refs(data: dict[str, Any], ref: Ref, add: Callable[[tuple[Any, ...], str], None],
               trigger: Callable[[tuple[Any, ...], Any], None],
               effect: Callable[[tuple[Any, ...], Any], None],
               param: Callable[[tuple[Any, ...], Any], None]) -> None:
    """Check the ``diplomacy`` block's references against the rest of the scenario.

    ``ref(path, value, pool, what)`` reports an unknown id, ``add(path, message)`` any
    other problem, ``trigger``/``effect``/``param`` check a nested trigger, effect or
    ``$param`` as elsewhere in the file. Reports: unknown sides, regions, fronts,
    request/agreement/contract ids; a side asking itself, trusting itself or entering a
    war against itself; an offer of more gold than the
    side starts with, or of goods of a kind the side has none of; a contract route
    whose ends are not held by the seller and the buyer or whose regions are not joined
    by edges of its kind; effects that must not appear in an outcome."""
    dip = _map(data.get("diplomacy"))
    if not dip:
        return
    sides_d = _map(data.get("sides"))
    sides = list(sides_d)
    nodes = [n for n in _seq(data.get("nodes")) if isinstance(n, dict)]
    node_ids: list[str] = [n["id"] for n in nodes if isinstance(n.get("id"), str)]
    owner = {n["id"]: n.get("owner") for n in nodes if isinstance(n.get("id"), str)}
    fronts = sorted({f for n in nodes if isinstance(f := n.get("front", "rear"), str)})
    edges: set[tuple[str, str, str]] = set()
    for e in _seq(data.get("edges")):
        if isinstance(e, dict) and all(isinstance(e.get(k), str) for k in ("a", "b", "kind")):
            edges.add((e["a"], e["b"], e["kind"]))
            edges.add((e["b"], e["a"], e["kind"]))
    alliance = {k: _map(v).get("alliance") for k, v in sides_d.items()}
    have: dict[str, dict[str, float]] = {s: {} for s in sides}
    for f in _seq(data.get("formations")):
        if isinstance(f, dict) and isinstance(f.get("side"), str) and f["side"] in have:
            for k in ("tanks", "guns", "aircraft", "trucks"):
                v = f.get(k)
                if isinstance(v, int | float) and not isinstance(v, bool):
                    have[f["side"]][k] = have[f["side"]].get(k, 0.0) + float(v)
    req_ids, agr_ids, con_ids = (
        [x["id"] for x in _seq(dip.get(k)) if isinstance(x, dict) and isinstance(x.get("id"), str)]
        for k in ("requests", "agreements", "contracts"))
    for key, ids in (("requests", req_ids), ("agreements", agr_ids), ("contracts", con_ids)):
        seen: dict[Any, int] = {}
        for i, x in enumerate(ids):
            if isinstance(x, str) and x in seen:
                add(("diplomacy", key, i, "id"), f"duplicate id {x!r} (first at "
                                                 f"diplomacy.{key}[{seen[x]}])")
            seen.setdefault(x, i)
    both = [x for x in agr_ids if x in con_ids]
    for x in both:
        add(("diplomacy", "contracts", con_ids.index(x), "id"),
            f"id {x!r} is also an agreement's (a sign effect must name one thing)")

    def effects(path: tuple[Any, ...], effs: Any) -> None:
        for j, eff in enumerate(_seq(effs)):
            effect((*path, j), eff)
            if isinstance(eff, dict):
                for bad in FORBIDDEN_EFFECTS:
                    if bad in eff:
                        add((*path, j, bad), f"a diplomatic outcome cannot use '{bad}' "
                            f"({'use a contract' if bad == 'deliver' else 'use send'})")

    for a, row in _map(dip.get("trust")).items():
        ref(("diplomacy", "trust", a), a, sides, "side")
        for b, v in _map(row).items():
            ref(("diplomacy", "trust", a, b), b, sides, "side")
            if a == b:
                add(("diplomacy", "trust", a, b), f"a side's trust is in another side, not "
                                                  f"itself ({a!r})")
            param(("diplomacy", "trust", a, b), v)
    for i, r in enumerate(_seq(dip.get("requests"))):
        if not isinstance(r, dict):
            continue
        p = ("diplomacy", "requests", i)
        ref((*p, "from"), r.get("from"), sides, "side")
        ref((*p, "to"), r.get("to"), sides, "side")
        ref((*p, "threat_from"), r.get("threat_from"), sides, "side")
        if isinstance(r.get("from"), str) and r.get("from") == r.get("to"):
            add((*p, "to"), f"a side cannot ask itself ({r['to']!r})")
        if r.get("trigger") is not None:
            trigger((*p, "trigger"), r.get("trigger"))
        for k in ("risk", "probability", "counter_probability"):
            param((*p, k), r.get(k))
        for k, v in _map(r.get("model")).items():
            param((*p, "model", k), v)
        off = _map(r.get("offer"))
        param((*p, "offer", "value"), off.get("value"))
        param((*p, "offer", "value_step"), off.get("value_step"))
        by = r.get("from")
        if isinstance(by, str) and by in sides_d:
            gold = _map(sides_d[by]).get("gold_t", 0)
            g = off.get("gold_t")
            if isinstance(g, int | float) and isinstance(gold, int | float) and g > gold:
                add((*p, "offer", "gold_t"), f"{by} offers {g:g} t of gold but has "
                                             f"{float(gold):g} t")
            for k, v in _map(off.get("goods")).items():
                if k in ("trucks", "tanks", "guns", "aircraft") and isinstance(v, int | float) \
                        and v > 0 and have.get(by, {}).get(k, 0.0) <= 0:
                    add((*p, "offer", "goods", k), f"{by} offers {k} but has none")
        effects((*p, "on_accept"), r.get("on_accept"))
        effects((*p, "on_refuse"), r.get("on_refuse"))
        ctr = _map(r.get("counter"))
        param((*p, "counter", "risk"), ctr.get("risk"))
        effects((*p, "counter", "effects"), ctr.get("effects"))
    for i, a in enumerate(_seq(dip.get("agreements"))):
        if not isinstance(a, dict):
            continue
        p = ("diplomacy", "agreements", i)
        parties = _seq(a.get("parties"))
        for j, s in enumerate(parties):
            ref((*p, "parties", j), s, sides, "side")
        if len(parties) == 2 and parties[0] == parties[1]:
            add((*p, "parties"), f"an agreement needs two sides (got {parties[0]!r} twice)")
        if a.get("trigger") is not None:
            trigger((*p, "trigger"), a.get("trigger"))
        for k, v in _map(a.get("model")).items():
            param((*p, "model", k), v)
        effects((*p, "on_break"), a.get("on_break"))
        for c, cl in enumerate(_seq(a.get("clauses"))):
            if not isinstance(cl, dict):
                continue
            q = (*p, "clauses", c)
            ref((*q, "side"), cl.get("side"), sides, "side")
            if isinstance(cl.get("side"), str) and cl["side"] in sides and parties and \
                    cl["side"] not in parties:
                add((*q, "side"), f"{cl['side']!r} is not a party to this agreement")
            if cl.get("trigger") is not None:
                trigger((*q, "trigger"), cl.get("trigger"))
            for k in ("risk", "value", "comply_probability"):
                param((*q, k), cl.get(k))
            effects((*q, "effects"), cl.get("effects"))
            lim = _map(cl.get("limit"))
            ref((*q, "limit", "side"), lim.get("side"), sides, "side")
            for j, nd in enumerate(_seq(lim.get("regions"))):
                ref((*q, "limit", "regions", j), nd, node_ids, "region")
            param((*q, "limit", "max_men"), lim.get("max_men"))
    for i, c in enumerate(_seq(dip.get("contracts"))):
        if not isinstance(c, dict):
            continue
        p = ("diplomacy", "contracts", i)
        ref((*p, "seller"), c.get("seller"), sides, "side")
        ref((*p, "buyer"), c.get("buyer"), sides, "side")
        if isinstance(c.get("seller"), str) and c.get("seller") == c.get("buyer"):
            add((*p, "buyer"), f"a side cannot sell to itself ({c['buyer']!r})")
        if c.get("trigger") is not None:
            trigger((*p, "trigger"), c.get("trigger"))
        param((*p, "price_gold_t"), c.get("price_gold_t"))
        rt = _map(c.get("route"))
        param((*p, "route", "interdiction_chance"), rt.get("interdiction_chance"))
        path = _seq(rt.get("path"))
        ok = True
        for j, nd in enumerate(path):
            if not isinstance(nd, str) or nd not in node_ids:
                ref((*p, "route", "path", j), nd, node_ids, "region")
                ok = False
        kind = rt.get("kind")
        if ok and len(path) >= 2 and kind in ("rail", "sea"):
            for j in range(len(path) - 1):
                if (path[j], path[j + 1], kind) not in edges:
                    add((*p, "route", "path", j + 1),
                        f"no {kind} edge joins {path[j]!r} to {path[j + 1]!r}: the route "
                        f"must be a chain of {kind} links")
                    break
            for end, who in ((path[0], c.get("seller")), (path[-1], c.get("buyer"))):
                o = owner.get(end)
                if isinstance(who, str) and who in alliance and isinstance(o, str) and \
                        alliance.get(o) != alliance.get(who):
                    add((*p, "route", "path"),
                        f"the route must run from the seller's territory to the buyer's: "
                        f"{end!r} is held by {o!r}, not by {who!r} or its alliance")
    for i, n in enumerate(_seq(dip.get("neutrals"))):
        if not isinstance(n, dict):
            continue
        p = ("diplomacy", "neutrals", i)
        ref((*p, "side"), n.get("side"), sides, "side")
        ref((*p, "against"), n.get("against"), sides, "side")
        if isinstance(n.get("side"), str) and n.get("side") == n.get("against"):
            add((*p, "against"), f"a neutral cannot enter a war against itself "
                                 f"({n['against']!r})")
        ref((*p, "front"), n.get("front"), fronts, "front")
        ref((*p, "other_front"), n.get("other_front"), fronts, "front")
        ref((*p, "capital"), n.get("capital"), node_ids, "region")
        for j, t in enumerate(_seq(n.get("treaties"))):
            ref((*p, "treaties", j), t, [x for x in agr_ids if isinstance(x, str)], "agreement")
        for k, v in _map(n.get("model")).items():
            param((*p, "model", k), v)
        effects((*p, "effects"), n.get("effects"))
    _ = req_ids  # send effects are checked by the loader's effect check


def ids(dip: Diplomacy | None) -> tuple[list[str], list[str], list[str]]:
    """(request ids, agreement ids, contract ids) of a diplomacy block (empty if None)."""
    if dip is None:
        return [], [], []
    return ([r.id for r in dip.requests], [a.id for a in dip.agreements],
            [c.id for c in dip.contracts])

