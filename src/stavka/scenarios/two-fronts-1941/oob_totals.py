"""Print order-of-battle totals and map checks for two-fronts-1941.

Run from the repository root:  .venv/bin/python scenarios/two-fronts-1941/oob_totals.py
The numbers in README.md come from this script.
"""

from __future__ import annotations

from collections import defaultdict, deque
from pathlib import Path

from stavka.scenario.loader import load_file

HERE = Path(__file__).parent


def main() -> None:
    s = load_file(HERE).spec
    front = {n.id: n.front for n in s.nodes}
    print(f"nodes {len(s.nodes)}  edges {len(s.edges)}  formations {len(s.formations)}")
    by = defaultdict(int)
    for n in s.nodes:
        by[n.front] += 1
    print("nodes per front:", dict(by))
    kinds = defaultdict(int)
    for e in s.edges:
        kinds[e.kind] += 1
    print("edges per kind:", dict(kinds))

    # reachability
    adj = defaultdict(set)
    for e in s.edges:
        adj[e.a].add(e.b)
        adj[e.b].add(e.a)
    seen, todo = {"moscow"}, deque(["moscow"])
    while todo:
        for m in adj[todo.popleft()] - seen:
            seen.add(m)
            todo.append(m)
    lost = [n.id for n in s.nodes if n.id not in seen]
    print("unreachable from Moscow:", lost or "none")

    def row(label: str, fs: list) -> None:
        t = {k: sum(getattr(f, k) for f in fs) for k in ("men", "tanks", "guns", "aircraft", "trucks")}
        print(f"  {label:<46} {len(fs):>4} {t['men']:>10,} {t['tanks']:>7,} {t['guns']:>7,} {t['aircraft']:>6,} {t['trucks']:>8,}")

    print(f"\n  {'group':<46} {'n':>4} {'men':>10} {'tanks':>7} {'guns':>7} {'air':>6} {'trucks':>8}")
    groups: dict[str, list] = defaultdict(list)
    for f in s.formations:
        fr = front[f.location]
        status = "reserve" if f.reserve else ("arrives" if f.arrives else "start")
        groups[f"{f.side} / {fr} / {status}"].append(f)
    for k in sorted(groups):
        row(k, groups[k])
    print()
    tag = lambda t: [f for f in s.formations if t in f.tags]  # noqa: E731
    for t in ("western_front", "reserve_front", "bryansk_front", "moscow_garrison", "mozhaisk_line",
              "interior_reinforcement", "stavka_reserve", "far_east", "agc", "kwantung", "korea"):
        row(f"tag {t}", tag(t))
    three = tag("western_front") + tag("reserve_front") + tag("bryansk_front")
    row("three fronts 30 Sep (Western+Reserve+Bryansk)", three)
    sov_w_start = [f for f in s.formations if f.side == "soviet" and front[f.location] == "west" and not f.reserve and not f.arrives]
    row("Soviet west at start (incl. Moscow garrison)", sov_w_start)
    new = [f for f in s.formations if f.side == "soviet" and front[f.location] == "west" and (f.reserve or f.arrives)]
    row("Soviet west arrivals + Stavka reserves", new)
    fe = tag("far_east")
    p = s.parameters["transfer_divisions"].default
    row(f"Far East transfers at default ({p})", fe[:p])
    row("Far East transfers, all 18", fe)
    east_sov = [f for f in s.formations if f.side == "soviet" and front[f.location] == "east"]
    row("Soviet east at start", east_sov)
    row("Soviet east after default transfer", [f for f in east_sov if f not in fe[:p]])
    sb = sum(f.men for f in east_sov)
    kept = sum(f.men for f in east_sov if f not in fe)
    print(f"\n  Soviet east men after ALL 18 leave: {kept:,} = {kept / sb:.2f} of start "
          f"(Japan threshold {s.parameters['japan_threshold'].default})")


if __name__ == "__main__":
    main()
