"""Order-of-battle totals and map checks for manchuria-1945.

Run from the repository root:  .venv/bin/python scenarios/manchuria-1945/oob_totals.py
The numbers in README.md come from this script; tests/scenario/test_manchuria.py uses
its functions.
"""

from __future__ import annotations

from collections import defaultdict, deque
from pathlib import Path

from stavka.scenario.loader import load_file

HERE = Path(__file__).parent

#: Totals in /work/shared/data/manchuria-1945.yaml (men: A; tanks, guns, aircraft of the
#: fronts: B, summing exactly to the WP_SIM totals, A). The Soviet side adds the 16,000
#: Mongolians (A) and the Pacific Fleet's 1,459 aircraft (A) with 14,590 men (C).
DATA = {
    "tbf": {"men": 638_300, "tanks": 2_416, "guns": 9_668, "aircraft": 1_324},
    "fef1": {"men": 586_500, "tanks": 1_860, "guns": 11_430, "aircraft": 1_137},
    "fef2": {"men": 334_700, "tanks": 1_280, "guns": 5_988, "aircraft": 1_260},
    "rba2": {"men": 54_000, "tanks": 240, "guns": 1_270},
    "mpra": {"men": 16_000},
    "pacific_fleet": {"aircraft": 1_459},
    # Japanese side: Manchuria 665,500 (WP_SIM, A) = tag kwantung; Korea 335,900 (A) = tag korea;
    # Manchukuo 170,000-200,000 (A); Mengjiang 44,000 (A); tanks 290 + ~80 (A);
    # guns 5,360-6,640 (Soviet figures, A); combat aircraft 232 + 395 (A).
    "kwantung": {"men": 665_500, "tanks": 290, "aircraft": 232},
    "korea": {"men": 335_900, "tanks": 80, "aircraft": 395},
    "manchukuo": {"men": (170_000, 200_000)},
    "mengjiang": {"men": 44_000},
    "japan_guns": {"guns": (5_360, 6_640)},
}
CATS = ("men", "tanks", "guns", "aircraft")


def spec():  # type: ignore[no-untyped-def]
    return load_file(HERE).spec


def totals(s, tag: str | None = None, side: str | None = None) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Start totals of the formations with ``tag`` (and/or of ``side``), reserves included."""
    fs = [f for f in s.formations if (tag is None or tag in f.tags) and (side is None or f.side == side)]
    return {k: sum(getattr(f, k) for f in fs) for k in CATS} | {"n": len(fs)}


def misplaced(s) -> list[str]:  # type: ignore[no-untyped-def]
    """Formations whose start region is held by another alliance."""
    owner = {n.id: n.owner for n in s.nodes}
    al = {k: v.alliance for k, v in s.sides.items()}
    return [f.id for f in s.formations if al[owner[f.location]] != al[f.side]]


def unsupplied(s) -> list[str]:  # type: ignore[no-untyped-def]
    """Regions not linked, by land or rail through their owner's regions, to one of the
    owner's supply sources."""
    owner = {n.id: n.owner for n in s.nodes}
    adj: dict[str, set[str]] = defaultdict(set)
    for e in s.edges:
        if e.kind in ("rail", "road") and owner[e.a] == owner[e.b]:
            adj[e.a].add(e.b)
            adj[e.b].add(e.a)
    seen = {n.id for n in s.nodes if n.supply_source}
    todo = deque(seen)
    while todo:
        for m in adj[todo.popleft()] - seen:
            seen.add(m)
            todo.append(m)
    return [n.id for n in s.nodes if n.id not in seen]


def main() -> None:
    s = spec()
    kinds: dict[str, int] = defaultdict(int)
    for e in s.edges:
        kinds[e.kind] += 1
    fronts: dict[str, int] = defaultdict(int)
    for n in s.nodes:
        fronts[f"{n.owner}/{n.front}"] += 1
    print(f"nodes {len(s.nodes)} ({sum(n.id.startswith('via_') for n in s.nodes)} waypoints)  "
          f"edges {len(s.edges)} {dict(kinds)}  formations {len(s.formations)}")
    print("nodes by owner/front:", dict(sorted(fronts.items())))
    print("formations outside their side's territory:", misplaced(s) or "none")
    print("regions cut off from their owner's supply sources:", unsupplied(s) or "none")
    print(f"\n  {'group':<34} {'n':>4} {'men':>10} {'tanks':>7} {'guns':>7} {'air':>6}   data")
    for label, tag, side in [("Transbaikal Front", "tbf", None), ("Mongolian army (with Pliev)", "mpra", None),
                             ("1st Far Eastern Front", "fef1", None), ("2nd Far Eastern Front", "fef2", None),
                             ("  of which 2nd Red Banner Army", "rba2", None),
                             ("  of which 16th Army (off map)", "off_map", None),
                             ("Pacific Fleet air", "pacific_fleet", None), ("Soviet side", None, "soviet"),
                             ("Kwantung Army (Manchuria)", "kwantung", None), ("Korea", "korea", None),
                             ("Manchukuo", "manchukuo", None), ("Mengjiang", "mengjiang", None),
                             ("Japanese side", None, "japan")]:
        t = totals(s, tag, side)
        d = DATA.get(tag or "", {})
        print(f"  {label:<34} {t['n']:>4} {t['men']:>10,} {t['tanks']:>7,} {t['guns']:>7,} {t['aircraft']:>6,}   {d or ''}")


if __name__ == "__main__":
    main()
