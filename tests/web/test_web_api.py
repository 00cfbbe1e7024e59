"""The games API over httpx, on SQLite and PostgreSQL: seats and tokens, orders checked by
the engine, turns against the AI, bad input as one-line 4xx, resume after a restart."""

from __future__ import annotations

import pytest

import stavka

from .conftest import FLAGSHIP, make_client, make_room


def new_game(client, seats, seed=7, **kw):
    r = client.post("/api/games", json={"scenario": FLAGSHIP, "seed": seed, "seats": seats, **kw})
    assert r.status_code == 201, r.text
    return r.json()["id"], r.json()["tokens"]


def hdr(token):
    return {"X-Stavka-Token": token}


def own_formation(client, gid, token, rail=False):
    v = client.get(f"/api/games/{gid}/view", headers=hdr(token)).json()
    return next(f for f in v["formations"] if f["own"] and f["rail"] == rail)


def one_line_error(r, status):
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and "\n" not in body["error"] and body["error"]
    assert "Traceback" not in r.text
    return body["error"]


def test_a_turn_against_the_ai(client):
    gid, tokens = new_game(client, {"soviet": "human"})
    assert set(tokens) == {"soviet"}
    g = client.get(f"/api/games/{gid}").json()
    assert g["seats"] == {"soviet": "human", "germany": "ai", "japan": "ai", "yanan": "ai"}
    assert (g["day"], g["status"], g["waiting_for"]) == (0, "active", ["soviet"])
    f = own_formation(client, gid, tokens["soviet"])
    r = client.post(f"/api/games/{gid}/orders", headers=hdr(tokens["soviet"]),
                    json={"orders": [f"{f['id']} hold"]})
    assert r.json() == {"orders": [f"{f['id']} hold"]}
    r = client.post(f"/api/games/{gid}/end-turn", headers=hdr(tokens["soviet"]))
    assert r.json() == {"advanced": True, "waiting_for": [], "day": 1}
    v = client.get(f"/api/games/{gid}/view", headers=hdr(tokens["soviet"])).json()
    assert (v["day"], v["date"], v["orders"], v["ended"]) == (1, "1941-10-01", [], False)
    me = next(x for x in v["formations"] if x["id"] == f["id"])
    assert me["action"] == "hold"
    # the engine, given the same order, reaches the same state
    c = stavka.Campaign(stavka.load(FLAGSHIP), seed=7, player="soviet")
    c.step([f"{f['id']} hold"])
    assert client.get(f"/api/games/{gid}").json()["digest"] == c.digest()


def test_an_end_turn_sent_twice_ends_one_turn(client):
    # five simultaneous end-turns from the one human seat played five days; with the day
    # the seat saw (as the war room's page sends it) the repeats are refused
    gid, tokens = new_game(client, {"soviet": "human"})
    h = hdr(tokens["soviet"])
    r = client.post(f"/api/games/{gid}/end-turn", headers=h, json={"day": 0})
    assert r.json() == {"advanced": True, "waiting_for": [], "day": 1}
    msg = one_line_error(client.post(f"/api/games/{gid}/end-turn", headers=h,
                                     json={"day": 0}), 409)
    assert "the turn of day 0 has already ended: the game is at day 1" in msg
    assert client.get(f"/api/games/{gid}").json()["day"] == 1
    for bad in ("1", True, -1, 1.5):
        one_line_error(client.post(f"/api/games/{gid}/end-turn", headers=h,
                                   json={"day": bad}), 422)
    assert client.post(f"/api/games/{gid}/end-turn", headers=h,
                       json={"day": 1}).json()["day"] == 2
    assert client.post(f"/api/games/{gid}/end-turn", headers=h).json()["day"] == 3  # no day


def test_two_humans_wait_for_each_other_and_cannot_cross_seats(client):
    gid, t = new_game(client, {"soviet": "human", "germany": "human"})
    sov, ger = hdr(t["soviet"]), hdr(t["germany"])
    # a seat's token reads and orders only for its own side
    one_line_error(client.get(f"/api/games/{gid}/view?side=germany", headers=sov), 403)
    gf = own_formation(client, gid, t["germany"])
    msg = one_line_error(client.post(f"/api/games/{gid}/orders", headers=sov,
                                     json={"orders": [f"{gf['id']} hold"]}), 403)
    assert "belongs to germany; you play soviet" in msg
    assert client.post(f"/api/games/{gid}/end-turn", headers=sov).json() == {
        "advanced": False, "waiting_for": ["germany"], "day": 0}
    # an ended seat cannot order or end again until the turn is played
    one_line_error(client.post(f"/api/games/{gid}/end-turn", headers=sov), 409)
    one_line_error(client.post(f"/api/games/{gid}/orders", headers=sov,
                               json={"orders": []}), 409)
    assert client.get(f"/api/games/{gid}/view", headers=ger).json()["orders"] == []
    assert client.post(f"/api/games/{gid}/end-turn", headers=ger).json()["advanced"] is True
    assert client.get(f"/api/games/{gid}").json()["waiting_for"] == ["germany", "soviet"]


def test_a_token_opens_only_its_own_game(client):
    a, ta = new_game(client, {"soviet": "human"})
    b, _tb = new_game(client, {"soviet": "human"})
    one_line_error(client.get(f"/api/games/{b}/view", headers=hdr(ta["soviet"])), 403)
    assert client.get(f"/api/games/{a}/view", headers=hdr(ta["soviet"])).status_code == 200


def test_refused_orders_give_the_engines_reason_and_change_nothing(client):
    gid, t = new_game(client, {"soviet": "human"})
    h = hdr(t["soviet"])
    f = own_formation(client, gid, t["soviet"])
    before = client.get(f"/api/games/{gid}/view", headers=h).json()
    cases = [
        ([f"{f['id']} rail {f['loc']}"], 422, "already there"),
        ([f"{f['id']} fly moscow"], 422, "unknown action 'fly'"),
        ([f"{f['id']} move"], 422, "'move' needs a target node"),
        (["nobody hold"], 422, "unknown formation 'nobody'"),
        ([f"{f['id']} move atlantis"], 422, "unknown region 'atlantis'"),
        ([f"{f['id']} rail smolensk"], 422, "no railway from"),
        (["a b c d"], 422, "expected 'FORMATION ACTION [TARGET]'"),
        ([f"{f['id']} hold", "nobody hold"], 422, "unknown formation"),  # all or none
    ]
    for orders, status, why in cases:
        msg = one_line_error(client.post(f"/api/games/{gid}/orders", headers=h,
                                         json={"orders": orders}), status)
        assert why in msg, (orders, msg)
    after = client.get(f"/api/games/{gid}/view", headers=h).json()
    assert after == before and after["orders"] == []


@pytest.mark.parametrize("method, path, kwargs, status, why", [
    ("post", "/api/games", {"content": b"{bad", "headers": {"content-type": "application/json"}},
     400, "malformed JSON"),
    ("post", "/api/games", {"json": {"seed": -1}}, 422, "body.seed"),
    # a seed is a JSON integer: true, "7" and 7.0 were taken as 1, 7 and 7
    ("post", "/api/games", {"json": {"seed": True}}, 422, "body.seed"),
    ("post", "/api/games", {"json": {"seed": "7"}}, 422, "body.seed"),
    ("post", "/api/games", {"json": {"seed": 7.0}}, 422, "body.seed"),
    ("post", "/api/sweeps", {"json": {"seed": True}}, 422, "body.seed"),
    ("post", "/api/games", {"json": {"seats": {"atlantis": "human"}}}, 422, "unknown side"),
    ("post", "/api/games", {"json": {"seats": {"soviet": "robot"}}}, 422, "body.seats.soviet"),
    ("post", "/api/games", {"json": {"scenario": "two-front-1941"}}, 422, "did you mean"),
    ("post", "/api/games", {"json": {"scenario": "../../etc/passwd"}}, 422, "unknown scenario"),
    ("post", "/api/games", {"json": {"params": {"nope": 1}}}, 422, "unknown parameter 'nope'"),
    ("post", "/api/games", {"json": {"turn_days": 0}}, 422, "body.turn_days"),
    ("post", "/api/games", {"content": b"[" * 70000,
                            "headers": {"content-type": "application/json"}}, 413, "over"),
    ("get", "/api/games/0123456789ab", {}, 404, "unknown game"),
    ("get", "/api/games/..%2F..%2Fetc/view", {}, 404, ""),
    ("get", "/api/games/0123456789ab/replay", {}, 404, "unknown game"),
    ("get", "/api/nothing", {}, 404, "Not Found"),
    ("delete", "/api/games", {}, 405, "Method Not Allowed"),
])
def test_bad_requests_are_one_line_4xx(client, method, path, kwargs, status, why):
    msg = one_line_error(getattr(client, method)(path, **kwargs), status)
    assert why in msg


def test_bad_tokens_and_bodies_on_a_game(client):
    gid, t = new_game(client, {"soviet": "human"})
    h = hdr(t["soviet"])
    assert "token" in one_line_error(client.get(f"/api/games/{gid}/view"), 401)
    one_line_error(client.get(f"/api/games/{gid}/view", headers=hdr("x" * 40)), 403)
    one_line_error(client.get(f"/api/games/{gid}/view", headers=hdr("x" * 300)), 422)
    for body in ({}, {"orders": "x hold"}, {"orders": [1]}, {"orders": ["x" * 300]}, []):
        one_line_error(client.post(f"/api/games/{gid}/orders", headers=h, json=body), 422)
    one_line_error(client.post(f"/api/games/{gid}/orders", headers=h, content=b'{"orders": [',
                               ), 422)
    one_line_error(client.post(f"/api/games/{gid}/orders", headers=h, json={
        "orders": ["x hold"] * 10_000}), 413)
    # the replay of a game being played is sealed (it would show every seat's secrets)
    one_line_error(client.get(f"/api/games/{gid}/replay"), 409)
    one_line_error(client.get(f"/api/games/{gid}/record"), 409)
    assert client.get(f"/api/games/{gid}").json()["day"] == 0


def test_an_ai_only_game_is_played_out_and_its_record_replays(client):
    gid, tokens = new_game(client, {}, seed=3, turn_days=10)
    assert tokens == {}
    g = client.get(f"/api/games/{gid}").json()
    c = stavka.Campaign(stavka.load(FLAGSHIP), seed=3)
    c.run()  # to the end: the scenario's last day, or a sudden death before it
    assert g["status"] == "finished" and g["days"] == 100 and g["day"] == c.day
    rep = client.get(f"/api/games/{gid}/replay").json()
    assert len(rep["frames"]) == len(rep["digests"]) == c.day + 1
    assert [f["day"] for f in rep["frames"]] == list(range(c.day + 1))
    rec = client.get(f"/api/games/{gid}/record").json()
    assert c.history.digests == rec["digests"] == rep["digests"]
    assert rep["standing"]["result"] == c.summary()["victory"]["result"]
    # a finished game refuses orders and turns (409), but still answers its seats' views
    listed = client.get("/api/games").json()
    assert [x["id"] for x in listed] == [gid]


def test_a_game_resumes_after_a_restart_from_its_record(db_url):
    room = make_room(db_url)
    with make_client(room) as client:
        gid, t = new_game(client, {"soviet": "human", "germany": "human"}, seed=11)
        sov, ger = hdr(t["soviet"]), hdr(t["germany"])
        for _ in range(3):
            f = own_formation(client, gid, t["soviet"])
            client.post(f"/api/games/{gid}/orders", headers=sov, json={"orders": [f"{f['id']} hold"]})
            client.post(f"/api/games/{gid}/end-turn", headers=sov)
            client.post(f"/api/games/{gid}/end-turn", headers=ger)
        # an order staged for the turn in progress is kept too
        f = own_formation(client, gid, t["soviet"])
        client.post(f"/api/games/{gid}/orders", headers=sov, json={"orders": [f"{f['id']} defend"]})
        client.post(f"/api/games/{gid}/end-turn", headers=ger)
        before = {s: client.get(f"/api/games/{gid}/view", headers=h).json()
                  for s, h in (("soviet", sov), ("germany", ger))}
    room.engine.dispose()
    room2 = make_room(db_url)  # a new process: nothing in memory
    assert not room2._live
    with make_client(room2) as client:
        after = {s: client.get(f"/api/games/{gid}/view", headers=h).json()
                 for s, h in (("soviet", sov), ("germany", ger))}
        assert after == before
        assert after["soviet"]["day"] == 3 and after["germany"]["ended"] is True
        assert client.post(f"/api/games/{gid}/end-turn", headers=sov).json()["day"] == 4
    room2.engine.dispose()


def test_a_record_that_parts_from_the_engine_is_refused(sqlite_url):
    from sqlalchemy import update

    from stavka.web.models import Turn

    room = make_room(sqlite_url)
    with make_client(room) as client:
        gid, t = new_game(client, {"soviet": "human"})
        client.post(f"/api/games/{gid}/end-turn", headers=hdr(t["soviet"]))
    with room.engine.begin() as conn:
        conn.execute(update(Turn).where(Turn.n == 1).values(digests=["0" * 64]))
    room2 = make_room(sqlite_url)
    with make_client(room2) as client:
        msg = one_line_error(client.get(f"/api/games/{gid}/view", headers=hdr(t["soviet"])), 409)
        assert "replay parts from the record on day 1" in msg


def test_openapi_schema_lists_the_games_api(client):
    spec = client.get("/openapi.json").json()
    assert {"/api/games", "/api/games/{game_id}/view", "/api/games/{game_id}/orders",
            "/api/games/{game_id}/end-turn", "/api/games/{game_id}/replay"} <= set(spec["paths"])


def test_pages_and_vendored_assets_are_served(client):
    for path in ("/", "/watch.html", "/play.html", "/map.js", "/vendor/d3.min.js",
                 "/vendor/topojson-client.min.js", "/vendor/countries-50m.json"):
        assert client.get(path).status_code == 200, path
    assert "world-atlas" in client.get("/map.js").text


def test_a_rail_preview_shows_route_and_the_engines_arrival_without_changing_anything(client):
    gid, t = new_game(client, {"soviet": "human"}, seed=4)
    h = hdr(t["soviet"])
    digest = client.get(f"/api/games/{gid}").json()["digest"]
    r = client.get(f"/api/games/{gid}/rail-route",
                   params={"formation": "sov_fe01_32rd", "target": "moscow"}, headers=h)
    assert r.status_code == 200, r.text
    p = r.json()
    assert p["route"][0] == "ussuriysk" and p["route"][-1] == "moscow"
    assert "novosibirsk" in p["route"] and p["km"] > 8000 and p["trains"] > 0
    # the engine itself, given the order, brings it there on that date
    c = stavka.Campaign(stavka.load(FLAGSHIP), seed=4, player="soviet")
    evs = c.step(["sov_fe01_32rd rail moscow"])
    f = c.static.formation("sov_fe01_32rd")
    # ... with the trains the preview said (the engine's count, scaled by strength)
    (dep,) = [e for e in evs if e.kind == "rail_depart" and "sov_fe01_32rd" in e.subjects]
    assert p["trains"] == dep.values["trains"]
    while c.world.state.rail_eta[0, f] < 0 and c.world.state.loc[0, f] != c.static.node("moscow"):
        c.step()
    eta = int(c.world.state.rail_eta[0, f])
    assert p["arrives"] == c.static.date(eta if eta >= 0 else c.day).isoformat()
    # nothing moved: same digest, and the game then plays as if no preview had been asked
    assert client.get(f"/api/games/{gid}").json()["digest"] == digest
    client.post(f"/api/games/{gid}/end-turn", headers=h)
    ref = stavka.Campaign(stavka.load(FLAGSHIP), seed=4, player="soviet")
    ref.step()
    assert client.get(f"/api/games/{gid}").json()["digest"] == ref.digest()
    msg = one_line_error(client.get(f"/api/games/{gid}/rail-route", headers=h, params={
        "formation": "sov_wf_22a_rd1", "target": "smolensk"}), 422)
    assert "no railway from rzhev to smolensk" in msg
    one_line_error(client.get(f"/api/games/{gid}/rail-route", headers=h, params={
        "formation": "ger_pzgr2_id01", "target": "smolensk"}), 403)


def test_a_run_report_opens_as_a_finished_game_to_watch(sqlite_url, tmp_path):
    from stavka.chronicle import write_outputs
    from stavka.errors import InputError

    c = stavka.Campaign(stavka.load(FLAGSHIP), seed=7, params={"transfer_divisions": 4})
    c.step(["sov_fe01_32rd rail moscow"])
    c.run(9)
    write_outputs(c, tmp_path / "rep")
    room = make_room(sqlite_url)
    gid = room.open_report(tmp_path / "rep")
    with make_client(room) as client:
        rep = client.get(f"/api/games/{gid}/replay").json()
    assert rep["game"]["status"] == "finished" and rep["game"]["day"] == 10
    assert rep["digests"] == c.history.digests
    (tmp_path / "bad").mkdir()
    with pytest.raises(InputError, match="no readable summary.json"):
        room.open_report(tmp_path / "bad")
    (tmp_path / "bad" / "summary.json").write_text('{"scenario": 1}')
    with pytest.raises(InputError, match="not a stavka run summary"):
        room.open_report(tmp_path / "bad")
    summ = (tmp_path / "rep" / "summary.json").read_text()
    (tmp_path / "bad" / "summary.json").write_text(summ.replace(c.digest(), "0" * 16))
    with pytest.raises(InputError, match="the summary says 0000"):
        room.open_report(tmp_path / "bad")
    # opened again (serve --open at every start, another room on the same database): the
    # same game, not one more copy in the list
    n = len(room.games())
    assert room.open_report(tmp_path / "rep") == gid
    again = make_room(sqlite_url)
    assert again.open_report(tmp_path / "rep") == gid
    assert len(again.games()) == n
    # another run (another seed) is another game
    c2 = stavka.Campaign(stavka.load(FLAGSHIP), seed=8, params={"transfer_divisions": 4})
    c2.run(3)
    write_outputs(c2, tmp_path / "rep2")
    assert again.open_report(tmp_path / "rep2") != gid
    assert len(again.games()) == n + 1
    again.engine.dispose()
    room.engine.dispose()


def test_the_schema_is_alembics_head(db_url):
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from stavka.web import db

    cfg = Config()
    cfg.set_main_option("script_location", str(db.MIGRATIONS))
    assert ScriptDirectory.from_config(cfg).get_current_head() == db.HEAD
    eng = db.make_engine(db_url)
    assert db.current_revision(eng) == db.HEAD
    db.upgrade(eng)  # again: nothing to do
    eng.dispose()


@pytest.fixture
def sqlite_client(sqlite_url):
    """Sweeps in one backend (their restart is tested on both in test_web_files)."""
    room = make_room(sqlite_url)
    with make_client(room) as c:
        yield c
    room.engine.dispose()


def test_a_sweep_runs_in_the_background_and_matches_the_engine(sqlite_client):
    client = sqlite_client
    import time

    r = client.post("/api/sweeps", json={"runs": 6, "seed": 3, "compare": {
        "param": "transfer_divisions", "values": [0, 18]}})
    assert r.status_code == 202, r.text
    for _ in range(600):  # polled, at most 10 minutes; no assertion on time
        j = client.get(f"/api/sweeps/{r.json()['id']}").json()
        if j["status"] in ("done", "failed"):
            break
        time.sleep(1)
    assert j["status"] == "done", j
    res = j["result"]
    assert [s["params"] for s in res["settings"]] == [{"transfer_divisions": 0},
                                                      {"transfer_divisions": 18}]
    for s in res["settings"]:
        for f in res["flags"]:
            assert s["flags"][f]["lo"] <= s["flags"][f]["p"] <= s["flags"][f]["hi"]
        assert len(res["values"]["loss_soviet_men"][0]) == 6
    # the same numbers as the sweep API itself
    from stavka.sweep import sweep

    ref = sweep(FLAGSHIP, 6, vary={"transfer_divisions": [0, 18]}, seed=3, backend="serial",
                plots=False)
    assert [x["flags"] for x in ref.summary["results"]] == [s["flags"] for s in res["settings"]]


@pytest.mark.parametrize("body, status, why", [
    ({"runs": 0}, 422, "body.runs"),
    ({"runs": 5000}, 422, "body.runs"),
    ({"params": {"nope": 1}}, 422, "unknown parameter 'nope'"),
    ({"compare": {"param": "transfer_divisions", "values": [99]}}, 422, "must be <= 18"),
    ({"compare": {"param": "transfer_divisions", "values": []}}, 422, "body.compare.values"),
    ({"scenario": "x"}, 422, "unknown scenario"),
    # a value given twice is one setting: refused, as `stavka sweep --vary` refuses it
    ({"compare": {"param": "transfer_divisions", "values": [0, 0]}}, 422,
     "compare.values[1]: value 0 given twice (as compare.values[0])"),
    ({"compare": {"param": "transfer_divisions", "values": [4, 0, 4.0]}}, 422,
     "compare.values[2]: value 4.0 given twice"),
    ({"compare": {"param": "transfer_start", "values": ["1941-10-12", "1941-10-12"]}}, 422,
     "compare.values[1]"),
    ({"compare": {"param": "rules.ground_speed.mud", "values": [0.5, 0.5]}}, 422,
     "compare.values[1]"),
    ({"params": {"transfer_divisions": 2},
      "compare": {"param": "transfer_divisions", "values": [0, 4]}}, 422,
     "compare.param: 'transfer_divisions' is also in params"),
    ({"compare": {"param": "transfer_divisions", "values": [0, "many"]}}, 422,
     "compare.values[1]: "),
])
def test_bad_sweeps_are_refused(sqlite_client, body, status, why):
    client = sqlite_client
    assert why in one_line_error(client.post("/api/sweeps", json=body), status)
    one_line_error(client.get("/api/sweeps/nothing"), 404)


def test_a_0002_database_is_upgraded_to_64_bit_seeds(db_url):
    """A database of the previous schema (seeds in 32-bit columns) keeps its rows through
    revision 0003, and then takes any seed stavka takes (0..2**63-1) on every backend."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, text

    from stavka.web import db

    eng = create_engine(db.normalise_url(db_url))
    cfg = Config()
    cfg.set_main_option("script_location", str(db.MIGRATIONS))
    with eng.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
    row = {"id": "s1", "scenario": FLAGSHIP, "runs": 4, "seed": 2**31 - 1, "params": "{}",
           "status": "done", "done": 4, "total": 4, "created": 1.0, "updated": 2.0}
    cols = ", ".join(row)
    with eng.begin() as conn:
        conn.execute(text(f"INSERT INTO sweeps ({cols}) VALUES "
                          f"({', '.join(':' + k for k in row)})"), row)
    eng.dispose()
    eng = db.make_engine(db_url)  # upgrades to the head
    assert db.current_revision(eng) == db.HEAD == "0003"
    with eng.begin() as conn:
        assert conn.execute(text("SELECT seed FROM sweeps WHERE id = 's1'")).scalar() == 2**31 - 1
        conn.execute(text("UPDATE sweeps SET seed = :s WHERE id = 's1'"), {"s": 2**63 - 1})
        assert conn.execute(text("SELECT seed FROM sweeps WHERE id = 's1'")).scalar() == 2**63 - 1
    eng.dispose()


def test_the_largest_seed_makes_a_game_and_one_more_is_a_422(client):
    gid, _ = new_game(client, {}, seed=2**63 - 1)
    assert client.get(f"/api/games/{gid}").json()["seed"] == 2**63 - 1
    r = client.post("/api/games", json={"scenario": FLAGSHIP, "seed": 2**63, "seats": {}})
    assert "body.seed" in one_line_error(r, 422)


def test_a_value_of_no_accepted_kind_is_one_problem_with_its_place(client):
    # was "body.params.japan_attack_date.str: Input should be a valid string (and 3 more)":
    # one problem per branch of the union, named by the branch
    for bad, shown in (([1], "[1]"), ({"a": 1}, "{'a': 1}")):
        msg = one_line_error(client.post("/api/games", json={
            "params": {"japan_attack_date": bad}}), 422)
        assert msg == ("body.params.japan_attack_date: must be text, a number, true/false or "
                       f"null (got {shown})"), msg
    # null is none, as a sweep reads it (it was refused for a game and taken for a sweep)
    r = client.post("/api/games", json={"params": {"japan_attack_date": None}})
    assert r.status_code == 201, r.text
    msg = one_line_error(client.post("/api/games", json={"seed": -1, "turn_days": 0}), 422)
    assert msg.startswith("body.seed: ") and msg.endswith("(and 1 more)"), msg
