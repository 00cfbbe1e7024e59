"""Durability: ``kill -9`` of the server in the middle of a turn's commit leaves the game
at its last completed turn, nothing half-written, and its record replays to the same
digests; on SQLite and on PostgreSQL. The server is the real ``stavka serve`` process;
a test hook (``STAVKA_WEB_TEST_PAUSE_IN_COMMIT``) holds it inside the turn's transaction
and says so on stderr, and the test kills it then (no timing guesses)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading

import httpx
from sqlalchemy import create_engine, func, select

import stavka
from stavka.web.db import normalise_url
from stavka.web.models import Game, Seat, Turn

from .conftest import FLAGSHIP, STAVKA, Server


def test_kill_9_in_the_middle_of_a_turn(db_url, tmp_path):
    srv = Server(db_url, tmp_path, pause=60)
    try:
        api = httpx.Client(base_url=srv.url, timeout=120)
        g = api.post("/api/games", json={"scenario": FLAGSHIP, "seed": 9,
                                         "seats": {"soviet": "human"}}).json()
        gid, h = g["id"], {"X-Stavka-Token": g["tokens"]["soviet"]}
        f = next(x for x in api.get(f"/api/games/{gid}/view", headers=h).json()["formations"]
                 if x["own"] and not x["rail"])
        api.post(f"/api/games/{gid}/orders", headers=h, json={"orders": [f"{f['id']} hold"]})
        # the end of the turn blocks inside its transaction; kill the server there
        t = threading.Thread(target=lambda: _swallow(api.post, f"/api/games/{gid}/end-turn",
                                                     headers=h), daemon=True)
        t.start()
        assert f"game {gid}'s turn to day 1" in srv.wait_for("test hook: pausing")
        srv.kill9()
    finally:
        srv.stop()
    # nothing half-written: the game, its seats and its turns are as before the turn
    eng = create_engine(normalise_url(db_url))
    with eng.connect() as conn:
        assert conn.execute(select(Game.day, Game.status).where(Game.id == gid)).one() == (
            0, "active")
        assert conn.execute(select(func.count()).select_from(Turn)
                            .where(Turn.game_id == gid)).scalar() == 1  # the start only
        seat = conn.execute(select(Seat.ended, Seat.orders).where(
            Seat.game_id == gid, Seat.side == "soviet")).one()
        assert seat == (False, [f"{f['id']} hold"])  # the staged order survives
    eng.dispose()
    # restarted, the game resumes where it was and plays on; its record replays
    srv = Server(db_url, tmp_path)
    try:
        api = httpx.Client(base_url=srv.url, timeout=120)
        assert api.get(f"/api/games/{gid}/view", headers=h).json()["day"] == 0
        for _ in range(3):
            assert api.post(f"/api/games/{gid}/end-turn", headers=h).status_code == 200
        game = api.get(f"/api/games/{gid}").json()
        assert game["day"] == 3
    finally:
        srv.stop()
    c = stavka.Campaign(stavka.load(FLAGSHIP), seed=9, player="soviet")
    c.step([f"{f['id']} hold"])
    c.run(2)
    assert game["digest"] == c.digest()


def _swallow(fn, *a, **kw):
    with contextlib.suppress(httpx.HTTPError):  # the server was killed under it
        fn(*a, **kw)


def test_serve_says_where_it_listens_and_refuses_a_bad_db(tmp_path):
    srv = Server(f"sqlite:///{tmp_path / 'g.db'}", tmp_path)
    try:
        assert httpx.get(srv.url + "/api/games").json() == []
    finally:
        srv.stop()
    r = subprocess.run([STAVKA, "serve", "--db", "mysql://x"], capture_output=True, text=True,
                       env=dict(os.environ, COLUMNS="400"))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "--db must be sqlite:///FILE or postgresql://" in r.stderr
    r = subprocess.run([STAVKA, "serve", "--db", f"sqlite:///{tmp_path / 'g.db'}",
                        "--open", str(tmp_path / "nothing")], capture_output=True, text=True,
                       env=dict(os.environ, COLUMNS="400"))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "no readable summary.json" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = subprocess.run([STAVKA, "serve", "--db", "postgresql://nobody@127.0.0.1:1/none"],
                       capture_output=True, text=True, env=dict(os.environ, COLUMNS="400"))
    assert r.returncode == 2 and "Traceback" not in r.stderr and "database" in r.stderr
