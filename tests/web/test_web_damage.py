"""Damaged stored records, on SQLite and PostgreSQL: a games, seats or turns row changed
behind the server's back (not JSON, a wrong type, out of range, refused by the engine)
never breaks the games list, makes that game's own endpoints a one-line 409 naming the
game and the field (and the turn's day), and is left exactly as it is stored."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from .conftest import FLAGSHIP, make_client, make_room
from .test_web_api import hdr, new_game, one_line_error

#: (a finished game or an active one, the damage, what the 409 names, listed as damaged);
#: every statement has :gid. SQLite stores any text in a JSON column, PostgreSQL refuses
#: text that is not JSON, so the "not JSON" cases run on SQLite only.
DAMAGE = [
    ("finished", "update seats set orders='not json' where game_id=:gid",
     "seats.orders of side soviet is not JSON", True, "sqlite"),
    ("active", "update turns set orders='[[[' where game_id=:gid and n=1",
     "turns.orders of turn 1 (from day 0) is not JSON", False, "sqlite"),
    ("active", "update turns set events='{' where game_id=:gid and n=1",
     "turns.events of turn 1 (from day 0) is not JSON", False, "sqlite"),
    ("finished", "update games set day=999999999 where id=:gid",
     "games.day must be a whole number 0..100 (stored 999999999)", True, None),
    ("finished", "update games set params='[1]' where id=:gid", "games.params must be", True,
     None),
    ("active", "update games set params='{\"transfer_divisions\": 999}' where id=:gid",
     "games.params are refused by the engine", False, None),
    ("active", "update games set scenario='gone' where id=:gid",
     "games.scenario 'gone' cannot be opened here", True, None),
    ("active", "update seats set orders='5' where game_id=:gid and side='soviet'",
     "seats.orders of side soviet must be a list of texts (stored 5)", True, None),
    ("active", "update turns set digests='[]' where game_id=:gid and n=1",
     "turns.digests of turn 1 (from day 0) has 0 digests for 1 steps", False, None),
    ("active", "update turns set orders='[[[\"soviet\", \"nobody hold\"]]]' "
               "where game_id=:gid and n=1",
     "turns.orders of turn 1 (from day 0) are refused by the engine on day 0", False, None),
    ("finished", "update turns set frames='{}' where game_id=:gid and n=1",
     "turns.frames of turn 1 (from day 0) must be a list of objects", False, None),
]


def snapshot(room):
    with room.engine.connect() as conn:
        return {t: conn.execute(text(f"select * from {t} order by 1")).all()
                for t in ("games", "seats", "turns")}


def test_a_damaged_record_is_a_409_naming_it_and_the_others_play_on(db_url):
    backend = "sqlite" if db_url.startswith("sqlite") else "postgresql"
    cases = [c for c in DAMAGE if c[4] in (None, backend)]
    room = make_room(db_url)
    games = []
    with make_client(room) as client:
        ok, ok_tokens = new_game(client, {"soviet": "human"}, seed=1)
        for kind, *_ in cases:
            if kind == "finished":
                gid, token = room.create(FLAGSHIP, 2, {}, {}, 1, steps=2)["id"], "x"
            else:
                gid, t = new_game(client, {"soviet": "human"}, seed=3)
                token = t["soviet"]
                r = client.post(f"/api/games/{gid}/end-turn", headers=hdr(token))
                assert r.status_code == 200, r.text
            games.append((gid, token))
    with room.engine.begin() as conn:
        for (_kind, sql, *_), (gid, _t) in zip(cases, games, strict=True):
            conn.execute(text(sql), {"gid": gid})
    room.engine.dispose()
    stored = snapshot(room)

    room2 = make_room(db_url)  # a new process: every game is read from its rows
    with make_client(room2) as client:
        r = client.get("/api/games")
        assert r.status_code == 200, r.text
        listed = {g["id"]: g for g in r.json()}
        assert listed[ok]["status"] == "active" and "damage" not in listed[ok]
        for (kind, _sql, why, in_list, _b), (gid, token) in zip(cases, games, strict=True):
            g = listed[gid]
            if in_list:
                assert g["status"] == "damaged" and why in g["damage"], (why, g)
                assert g["damage"].startswith(f"game {gid}: damaged record: ")
                assert one_line_error(client.get(f"/api/games/{gid}"), 409) == g["damage"]
            else:
                assert g["status"] == kind, (why, g)
            paths = [("get", f"/api/games/{gid}/view"), ("post", f"/api/games/{gid}/end-turn"),
                     ("post", f"/api/games/{gid}/orders")]
            if kind == "finished":  # the pictures are read by the replay alone
                paths = paths * ("frames" not in why) + [("get", f"/api/games/{gid}/replay")]
            for method, path in paths:
                kw = {"json": {"orders": []}} if path.endswith("orders") else {}
                msg = one_line_error(getattr(client, method)(path, headers=hdr(token), **kw),
                                     409)
                assert msg.startswith(f"game {gid}: damaged record: ") and why in msg, (path, msg)
        # the sound game is untouched by its neighbours' damage
        assert client.post(f"/api/games/{ok}/end-turn",
                           headers=hdr(ok_tokens["soviet"])).json()["day"] == 1
    room2.engine.dispose()
    after = snapshot(room2)
    for t in ("games", "seats", "turns"):  # the damaged games' rows are left as they were
        assert [r for r in after[t] if ok not in r] == [r for r in stored[t] if ok not in r]


@pytest.mark.parametrize("sql, why", [
    ("update sweeps set result='{' ", "sweeps.result is not JSON"),
    ("update sweeps set params='[]' ", "sweeps.params has the wrong type"),
])
def test_a_damaged_sweep_is_listed_as_such(sqlite_url, sql, why):
    import time

    room = make_room(sqlite_url)
    with make_client(room) as client:
        r = client.post("/api/sweeps", json={"runs": 1, "seed": 3})
        assert r.status_code == 202, r.text
        sid = r.json()["id"]
        for _ in range(600):
            if client.get(f"/api/sweeps/{sid}").json()["status"] in ("done", "failed"):
                break
            time.sleep(0.5)
    with room.engine.begin() as conn:
        conn.execute(text(sql + "where id=:sid"), {"sid": sid})
    with make_client(make_room(sqlite_url)) as client:
        r = client.get("/api/sweeps")
        assert r.status_code == 200 and r.json()[0]["status"] == "damaged", r.text
        assert why in r.json()[0]["error"]
        r = client.get(f"/api/sweeps/{sid}")
        assert r.status_code == 200 and r.json()["status"] == "damaged", r.text
