"""Load on the web war room: concurrent games of the flagship, each advancing N days.

Starts a real ``stavka serve`` on 127.0.0.1 (a port of its own; a fresh SQLite file in a
temporary folder, or ``--db postgresql://...``), then drives it from this process over
loopback only:

1. **one game alone**: ``--solo`` one-day turns of a Soviet seat against the AI, one
   after the other (the latency of a turn with nothing else going on);
2. **load**: ``--games`` games at once (asyncio + httpx), each creating its game, then for
   ``--days`` days (or until its campaign ends) reading its seat's view and ending its
   turn. With ``--think S`` each
   player looks at the map for a while before ending the turn (exponential, mean S
   seconds, seeded): players, not a tight loop; ``--think 0`` (the default) is the
   tight loop, where 50 games queue behind each other and throughput sets the latency.

Reports requests per second, the median and 99th percentile of a turn's latency
(``POST /end-turn``, which plays the day and commits it) and of a view, and the number
of failed requests (non-2xx or transport errors), and the server's CPU time per game-day
(one view and one turn; user + system seconds of the server process over the load, from
psutil): on a machine shared with other work the wall-clock figures move with that work,
the CPU time much less. Figures of this machine; no test asserts on them.

    python benchmarks/bench_web.py [--games 50] [--days 30] [--solo 30] [--think 0]
                                   [--db URL] [--json FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
import psutil

FLAGSHIP = "two-fronts-1941"


def pct(xs: list[float], q: float) -> float:
    """The q-th percentile (0..100) of xs, nearest rank; seconds in, ms out."""
    s = sorted(xs)
    k = max(0, min(len(s) - 1, round(q / 100 * len(s) + 0.5) - 1))
    return s[k] * 1000


def start_server(db: str | None, tmp: Path, log: Path | None = None
                 ) -> tuple[subprocess.Popen[str], str]:
    stavka = str(Path(sys.executable).with_name("stavka"))
    url = db or f"sqlite:///{tmp / 'games.db'}"
    proc = subprocess.Popen([stavka, "serve", "--host", "127.0.0.1", "--port", "0", "--db", url],
                            stdout=subprocess.PIPE,
                            stderr=open(log, "w") if log else subprocess.DEVNULL, text=True,  # noqa: SIM115
                            env=dict(os.environ, COLUMNS="400"))
    line = proc.stdout.readline()  # type: ignore[union-attr]
    m = re.search(r"listening on (http://127\.0\.0\.1:\d+)/", line)
    if not m:
        proc.kill()
        raise SystemExit(f"bench_web: server did not start: {line!r}")
    return proc, m.group(1)


def solo(base: str, days: int) -> list[float]:
    """One game, ``days`` one-day turns in a row: each turn's latency in seconds."""
    with httpx.Client(base_url=base, timeout=120) as c:
        g = c.post("/api/games", json={"scenario": FLAGSHIP, "seed": 1,
                                       "seats": {"soviet": "human"}}).json()
        h = {"X-Stavka-Token": g["tokens"]["soviet"]}
        out = []
        for _ in range(days):
            t = time.perf_counter()
            r = c.post(f"/api/games/{g['id']}/end-turn", headers=h)
            out.append(time.perf_counter() - t)
            r.raise_for_status()
        return out


async def load(base: str, games: int, days: int, think: float = 0) -> dict[str, object]:
    turns: list[float] = []
    views: list[float] = []
    errors = 0
    requests = 0
    failures: Counter[str] = Counter()
    limits = httpx.Limits(max_connections=games, max_keepalive_connections=games)
    async with httpx.AsyncClient(base_url=base, timeout=300, limits=limits) as c:

        async def call(method: str, url: str, **kw: object) -> tuple[httpx.Response | None, float]:
            nonlocal errors, requests
            t = time.perf_counter()
            requests += 1
            try:
                r = await c.request(method, url, **kw)  # type: ignore[arg-type]
            except httpx.HTTPError as exc:
                errors += 1
                failures[type(exc).__name__] += 1
                return None, time.perf_counter() - t
            if r.status_code >= 300:
                errors += 1
                failures[f"{r.status_code} {r.text[:100]}"] += 1
            return r, time.perf_counter() - t

        async def one(i: int) -> None:
            r, _ = await call("POST", "/api/games", json={
                "scenario": FLAGSHIP, "seed": i, "seats": {"soviet": "human"}})
            if r is None or r.status_code != 201:
                return
            g = r.json()
            h = {"X-Stavka-Token": g["tokens"]["soviet"]}
            rng = random.Random(i)
            for _ in range(days):
                r, dt = await call("GET", f"/api/games/{g['id']}/view", headers=h)
                views.append(dt)
                if r is not None and r.status_code == 200 and r.json().get("done"):
                    break  # the campaign ended (a sudden death): nothing more to play
                if think > 0:
                    await asyncio.sleep(rng.expovariate(1 / think))
                _, dt = await call("POST", f"/api/games/{g['id']}/end-turn", headers=h)
                turns.append(dt)

        t0 = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(games)))
        wall = time.perf_counter() - t0
    return {"games": games, "days": days, "think_s": think, "requests": requests, "errors": errors,
            "seconds": round(wall, 2), "requests_per_s": round(requests / wall, 1),
            "turn_ms_median": round(pct(turns, 50), 1), "turn_ms_p99": round(pct(turns, 99), 1),
            "view_ms_median": round(pct(views, 50), 1), "view_ms_p99": round(pct(views, 99), 1),
            "failures": dict(failures.most_common(5))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--games", type=int, default=50)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--solo", type=int, default=30, help="one-day turns of the lone game")
    ap.add_argument("--think", type=float, default=0,
                    help="mean seconds a player looks at the map before ending a turn")
    ap.add_argument("--db", default=None, help="database URL (default: a fresh SQLite file)")
    ap.add_argument("--json", default=None, help="also write the figures here")
    ap.add_argument("--log", default=None, help="the server's stderr goes here")
    a = ap.parse_args()
    if a.games < 1 or a.days < 1 or a.solo < 1 or not a.think >= 0:
        raise SystemExit("bench_web: --games, --days and --solo must be >= 1, --think >= 0")
    with tempfile.TemporaryDirectory() as tmp:
        proc, base = start_server(a.db, Path(tmp), Path(a.log) if a.log else None)
        try:
            alone = solo(base, a.solo)
            server = psutil.Process(proc.pid)
            cpu0 = sum(server.cpu_times()[:2])
            res = asyncio.run(load(base, a.games, a.days, a.think))
            cpu = sum(server.cpu_times()[:2]) - cpu0
            res["server_cpu_ms_per_game_day"] = round(cpu / (a.games * a.days) * 1000, 1)
            res["load_average_1min"] = round(os.getloadavg()[0], 1)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    res = {"solo_turn_ms_median": round(statistics.median(alone) * 1000, 1),
           "solo_turn_ms_p99": round(pct(alone, 99), 1), **res,
           "db": "postgresql" if a.db and a.db.startswith("postgres") else "sqlite",
           "cpus": os.cpu_count()}
    print(json.dumps(res, indent=1))
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps(res, indent=1) + "\n")


if __name__ == "__main__":
    main()
