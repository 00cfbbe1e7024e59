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
import pytest
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


def test_serve_refuses_a_file_that_is_not_its_database_with_one_line(tmp_path):
    import sqlite3

    from stavka.web.db import make_engine

    text_file = tmp_path / "afile"
    text_file.write_text("not a database\n")
    foreign = tmp_path / "foreign.db"
    with contextlib.closing(sqlite3.connect(foreign)) as conn:
        conn.execute("CREATE TABLE notes (x)")
        conn.execute("INSERT INTO notes VALUES ('keep me')")
        conn.commit()
    newer = tmp_path / "newer.db"
    make_engine(f"sqlite:///{newer}").dispose()
    with contextlib.closing(sqlite3.connect(newer)) as conn:  # as after a downgrade
        conn.execute("UPDATE alembic_version SET version_num = 'zzzz'")
        conn.commit()
    for path, why in ((text_file, "file is not a database"),
                      (foreign, "not a stavka games database (it has tables, notes, but no "
                                "alembic_version)"),
                      (newer, "its schema revision 'zzzz' is not one this stavka knows")):
        before = path.read_bytes()
        r = subprocess.run([STAVKA, "serve", "--port", "0", "--db", f"sqlite:///{path}"],
                           capture_output=True, text=True, timeout=120,
                           env=dict(os.environ, COLUMNS="400"))
        assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and f"database sqlite:///{path}: " in lines[0], lines
        assert why in lines[0], lines
        assert path.read_bytes() == before  # refused, not touched


def test_a_database_of_another_application_or_version_is_refused(db_url):
    from sqlalchemy import text

    from stavka.errors import InputError
    from stavka.web.db import make_engine

    eng = create_engine(normalise_url(db_url))
    with eng.begin() as conn:
        conn.execute(text("CREATE TABLE notes (x INTEGER)"))
    with pytest.raises(InputError, match=r"not a stavka games database .*notes"):
        make_engine(db_url)
    with eng.begin() as conn:
        conn.execute(text("DROP TABLE notes"))
    make_engine(db_url).dispose()  # empty again: the schema is made
    with eng.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'zzzz'"))
    with pytest.raises(InputError, match=r"schema revision 'zzzz' is not one this stavka"):
        make_engine(db_url)
    with eng.connect() as conn:  # left as it was
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "zzzz"
    eng.dispose()
