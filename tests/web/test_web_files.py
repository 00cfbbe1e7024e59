"""What comes from files: a scenario uploaded with its located errors, a run's summary
uploaded or opened from a server folder, ``stavka sweep --out`` folders browsed in
Explore, and Explore's sweeps kept across a restart. Bad input on each: a 4xx with one
line (an upload's problems listed beside it), never a 500, nothing stored."""

from __future__ import annotations

import json
import subprocess
import time

import httpx
import pytest

import stavka

from .conftest import BAD, DATA, FLAGSHIP, MINI, STAVKA, Server, make_client, make_room
from .test_web_api import hdr, one_line_error


def upload(client, name, text):
    return client.post("/api/scenarios", json={"name": name, "text": text})


def test_an_upload_with_errors_lists_them_located_and_stores_nothing(client):
    r = upload(client, "../../secret/t_bad.yaml", BAD)
    assert r.status_code == 422, r.text
    body = r.json()
    assert set(body) == {"error", "problems"} and "\n" not in body["error"]
    # the loader's own lines, located in the file's (bare) name
    ref = subprocess.run([STAVKA, "check", "-"], input=BAD, capture_output=True, text=True)
    assert body["problems"] and all(p.startswith("t_bad.yaml:") for p in body["problems"])
    assert "t_bad.yaml:6: end: input should be a valid date" in body["problems"][0]
    assert any("nodes[3].lat: input should be a valid number" in p for p in body["problems"])
    assert any("(did you mean 'vyazma'?)" in p for p in body["problems"])
    assert body["error"].startswith(f"{len(body['problems'])} problems in the scenario: "
                                    "t_bad.yaml:6: end:")
    assert "/tmp" not in r.text and "secret" not in r.text
    del ref
    # include: is refused (the file has no folder here); so are not-YAML and hostile YAML
    r = upload(client, "inc.yaml", MINI + "include: [../../../etc/passwd]\n")
    assert r.status_code == 422 and "inc.yaml:71: include: an uploaded scenario is one file" \
        in r.json()["problems"][0]
    assert "root:" not in r.text
    for text, why in (("a: [1\n", "invalid YAML"), ("&a [*a]", "alias *a"),
                      ("- 1\n- 2\n", ""), ("", "")):
        r = upload(client, "x.yaml", text)
        assert r.status_code == 422 and "Traceback" not in r.text and why in r.text, r.text
    one_line_error(client.post("/api/scenarios", json={"name": "x.yaml"}), 422)
    one_line_error(client.post("/api/scenarios", json={"text": "x" * (1024 * 1024 + 1)}), 422)
    one_line_error(client.post("/api/scenarios", content=b"{" + b" " * (3 * 2**20) + b"}",
                               headers={"Content-Type": "application/json"}), 413)
    one_line_error(client.post("/api/scenarios", content=b"{not json",
                               headers={"Content-Type": "application/json"}), 400)
    assert all(not s["uploaded"] for s in client.get("/api/scenarios").json())


def test_an_uploaded_scenario_is_played_and_survives_a_restart(db_url):
    room = make_room(db_url)
    with make_client(room) as client:
        r = upload(client, "mini.yaml", MINI)
        assert r.status_code == 201, r.text
        sid = r.json()["id"]
        assert sid.startswith("u-") and r.json()["name"] == "Mini two fronts"
        assert upload(client, "again.yaml", MINI).json()["id"] == sid  # same text, same id
        assert [s["id"] for s in client.get("/api/scenarios").json() if s["uploaded"]] == [sid]
        g = client.post("/api/games", json={"scenario": sid, "seed": 5,
                                            "seats": {"soviet": "human"}}).json()
        h = hdr(g["tokens"]["soviet"])
        for _ in range(3):
            assert client.post(f"/api/games/{g['id']}/end-turn", headers=h).status_code == 200
        digest = client.get(f"/api/games/{g['id']}").json()["digest"]
    room.engine.dispose()
    c = stavka.Campaign(stavka.load(DATA / "mini.yaml"), seed=5, player="soviet")
    c.run(3)
    assert digest == c.digest()
    # a new process knows the scenario again from the database
    from stavka.web import engine_view as ev

    ev._LOADED.pop(sid, None)
    room2 = make_room(db_url)
    with make_client(room2) as client:
        v = client.get(f"/api/games/{g['id']}/view", headers=h)
        assert v.status_code == 200 and v.json()["day"] == 3, v.text
        assert client.post(f"/api/games/{g['id']}/end-turn", headers=h).json()["day"] == 4
        r = client.post("/api/sweeps", json={"scenario": sid, "runs": 3})
        assert r.status_code == 202, r.text
    room2.engine.dispose()


def test_the_map_of_a_scenario_with_a_sea_has_its_zones_and_each_day_its_control(client):
    """The war room's map data: an uploaded scenario with a ``sea`` block
    (tests/data/t_naval.yaml) serves its sea zones and fleets with its geometry, and a
    finished game's replay gives each day's control and fleets afloat; a land-only
    scenario has no sea (its map draws nothing more)."""
    r = upload(client, "t_naval.yaml", (DATA / "t_naval.yaml").read_text())
    assert r.status_code == 201, r.text
    sid = r.json()["id"]
    geo = client.get(f"/api/scenarios/{sid}/map").json()
    assert [(z["id"], z["name"], z["lat"], z["lon"], z["control"]) for z in geo["sea"]["zones"]] \
        == [("sea_of_japan", "Sea of Japan", 41.0, 134.0, None),
            ("tatar", "Tatar Strait", 49.5, 141.0, "soviet")]
    assert [f["id"] for f in geo["sea"]["fleets"]] == ["ijn", "sov_pac", "sov_tatar"]
    # the flagship's sea block is served too; a land-only shipped scenario has no sea
    flag = client.get(f"/api/scenarios/{FLAGSHIP}/map").json()["sea"]
    assert [z["id"] for z in flag["zones"]] == ["sea_of_japan", "tatar_strait", "korea_strait",
                                                "yellow_sea"]
    assert "sea" not in client.get("/api/scenarios/six-telegrams/map").json()
    g = client.post("/api/games", json={"scenario": sid, "seed": 1}).json()
    rep = client.get(f"/api/games/{g['id']}/replay").json()
    c = stavka.Campaign(stavka.load(DATA / "t_naval.yaml"), seed=1).run()
    st = c.static
    assert len(rep["frames"]) == len(c.history.dates)
    for fr, ctrl, zone in zip(rep["frames"], c.history.sea_control, c.history.fleet_zone,
                              strict=True):
        assert fr["sea"]["control"] == [st.side_ids[k] if k >= 0 else None for k in ctrl]
        assert {f["id"]: f["zone"] for f in fr["sea"]["fleets"]}.items() <= \
            {st.naval.fleet_ids[f]: st.naval.zone_ids[z] for f, z in enumerate(zone)}.items()
    assert rep["frames"][-1]["sea"]["state"][1] == "ice"  # the Tatar Strait in December
    assert any(e["kind"] == "landing" for e in rep["events"])  # watch.html draws it


def folder_client(sqlite_url, roots):
    from fastapi.testclient import TestClient

    from stavka.web.app import create_app
    from stavka.web.folders import Folders

    room = make_room(sqlite_url)
    return room, TestClient(create_app(room, Folders(roots)), raise_server_exceptions=False)


def test_sweep_folders_are_listed_and_read_as_explore_shows_a_sweep(sqlite_url, outputs):
    folders = outputs
    room, client = folder_client(sqlite_url, [folders])
    with client:
        listing = client.get("/api/folders").json()
        assert listing["roots"] == [str(folders.resolve())]
        kinds = {e["name"]: e["kind"] for e in listing["entries"]}
        assert kinds == {"run-7": "report", "sweep-mini": "sweep", "sweep-one": "sweep"}
        r = client.get("/api/folders/sweep", params={"path": "sweep-mini"})
        assert r.status_code == 200, r.text
        res = r.json()
        summ = json.loads((folders / "sweep-mini" / "summary.json").read_text())
        assert res["flags"] == summ["flags"] and res["runs"] == 6
        assert [s["params"] for s in res["settings"]] == [{"transfer_divisions": 0},
                                                          {"transfer_divisions": 2}]
        for s, ref in zip(res["settings"], summ["results"], strict=True):
            assert s["flags"] == ref["flags"] and s["metrics"] == ref["metrics"]
            for f in res["flags"]:
                assert s["flags"][f]["lo"] <= s["flags"][f]["p"] <= s["flags"][f]["hi"]
        assert [len(v) for v in res["values"]["days"]] == [6, 6]
        # by its absolute path too
        r2 = client.get("/api/folders/sweep", params={"path": str(folders / "sweep-one")})
        assert r2.status_code == 200 and len(r2.json()["settings"]) == 1
        # a run report is no sweep, an empty folder neither
        one_line_error(client.get("/api/folders/sweep", params={"path": "run-7"}), 404)
        one_line_error(client.get("/api/folders/sweep", params={"path": "empty"}), 404)
    room.engine.dispose()


@pytest.mark.parametrize("path, status", [
    ("/etc", 403), ("../", 403), ("sweep-mini/../..", 403), ("link-out", 403),
    ("/proc/self/cwd", 403), ("nothing-here", 404), ("", 400), ("a\x00b", 400),
    ("x" * 1001, 422),
])
def test_a_path_outside_the_allowed_folders_is_refused_with_one_line(sqlite_url, outputs,
                                                                     path, status):
    folders = outputs
    room, client = folder_client(sqlite_url, [folders])
    with client:
        for r in (client.get("/api/folders/sweep", params={"path": path}),
                  client.post("/api/folders/open", json={"path": path})):
            msg = one_line_error(r, status)
            assert "secret" not in msg and "root:" not in msg
        assert client.get("/api/games").json() == []  # nothing opened
    room.engine.dispose()


def test_without_folders_nothing_is_opened(sqlite_url, outputs):
    folders = outputs
    room, client = folder_client(sqlite_url, [])
    with client:
        assert client.get("/api/folders").json() == {"roots": [], "entries": []}
        assert "stavka serve --open DIR" in one_line_error(
            client.get("/api/folders/sweep", params={"path": str(folders / "sweep-mini")}), 403)
    room.engine.dispose()


def test_a_run_opens_from_a_folder_or_an_upload_as_a_game_to_watch(sqlite_url, outputs):
    folders = outputs
    room, client = folder_client(sqlite_url, [folders])
    summ = json.loads((folders / "run-7" / "summary.json").read_text())
    with client:
        r = client.post("/api/folders/open", json={"path": "run-7"})
        assert r.status_code == 201, r.text
        rep = client.get(f"/api/games/{r.json()['id']}/replay").json()
        assert rep["game"]["status"] == "finished" and rep["game"]["day"] == 10
        assert rep["digests"][-1] == summ["digest"]
        r = client.post("/api/reports", json={"summary": summ})
        assert r.status_code == 201, r.text
        assert client.get(f"/api/games/{r.json()['id']}").json()["digest"] == summ["digest"]
        games = len(client.get("/api/games").json())
        for bad, why in (({**summ, "digest": "0" * 16}, "the summary says 0000"),
                         ({**summ, "seed": -1}, "not a stavka run summary"),
                         ({**summ, "seed": True}, "not a stavka run summary"),
                         ({**summ, "days": 10**9}, "days must be"),
                         ({**summ, "scenario": "../../etc"}, "unknown scenario"),
                         ({**summ, "orders": ["x"]}, "not a stavka run summary"),
                         ({"scenario": FLAGSHIP}, "not a stavka run summary")):
            assert why in one_line_error(client.post("/api/reports", json={"summary": bad}), 422)
        one_line_error(client.post("/api/reports", json={"summary": [1]}), 422)
        assert len(client.get("/api/games").json()) == games  # nothing stored
    room.engine.dispose()


@pytest.mark.parametrize("field, value, why", [
    ("days", 5.5, "days must be a whole number >= 0 (got 5.5)"),
    ("days", "5", "days must be a whole number >= 0 (got '5')"),
    ("days", -3, "days must be a whole number >= 0"),
    ("days", 101, "days must be 0..100"),
    ("days", None, "days must be a whole number"),
    ("seed", 2**63, "seed must be a whole number 0..9223372036854775807"),
    ("seed", 7.0, "seed must be a whole number"),
    ("step_hours", 0, "step_hours must be a whole number 1..24 (got 0)"),
    ("step_hours", 6, "step_hours must be the scenario's 24 (got 6)"),
    ("steps", "10", "steps must be a whole number"),
    ("scenario", 5, "scenario must be a scenario id"),
    ("digest", 5, "digest must be the run's digest"),
    ("digest", ..., "digest is missing"),
    ("parameters", [1], "parameters must be an object"),
    ("orders", {}, "orders must be a list of 'STEP: ORDER' texts"),
    ("orders", [5], "orders[0] must be a text 'STEP: ORDER'"),
    ("orders", ["no step"], "orders[0] must be a text 'STEP: ORDER'"),
    ("orders", ["-1: sov_fe01_32rd hold"], "orders[0] must be a text 'STEP: ORDER'"),
    ("orders", ["5:"], "orders[0] must be a text 'STEP: ORDER'"),
    ("orders", ["99999999999: sov_fe01_32rd hold"], "orders[0] must be at a step of the run, 0..9"),
    ("orders", ["10: sov_fe01_32rd hold"], "orders[0] must be at a step of the run, 0..9"),
    ("orders", ["3: nobody hold"], "the orders of step 3 are refused: order 'nobody hold'"),
])
def test_a_summary_field_of_the_wrong_type_or_range_is_a_422_naming_it(sqlite_url, outputs,
                                                                      field, value, why):
    room, client = folder_client(sqlite_url, [outputs])
    summ = json.loads((outputs / "run-7" / "summary.json").read_text())
    bad = {k: v for k, v in summ.items() if k != field}
    if value is not ...:
        bad[field] = value
    with client:
        msg = one_line_error(client.post("/api/reports", json={"summary": bad}), 422)
        assert msg.startswith("summary.json: ") and why in msg, msg
        assert "Error" not in msg  # no Python exception's name
        assert client.get("/api/games").json() == []  # nothing stored
    room.engine.dispose()


def test_sweeps_survive_a_restart_and_one_cut_short_says_so(db_url, tmp_path):
    srv = Server(db_url, tmp_path)
    try:
        api = httpx.Client(base_url=srv.url, timeout=120)
        small = api.post("/api/sweeps", json={"scenario": FLAGSHIP, "runs": 2}).json()["id"]
        for _ in range(600):
            if api.get(f"/api/sweeps/{small}").json()["status"] == "done":
                break
            time.sleep(0.5)
        big = api.post("/api/sweeps", json={"scenario": FLAGSHIP, "runs": 1000}).json()["id"]
        for _ in range(600):  # until its progress is on disk (written every second)
            j = api.get("/api/sweeps").json()
            if next(x for x in j if x["id"] == big)["status"] == "running":
                break
            time.sleep(0.5)
        done_before = api.get(f"/api/sweeps/{small}").json()
        srv.kill9()
    finally:
        srv.stop()
    srv = Server(db_url, tmp_path)
    try:
        api = httpx.Client(base_url=srv.url, timeout=120)
        assert api.get(f"/api/sweeps/{small}").json() == done_before
        j = api.get(f"/api/sweeps/{big}").json()
        assert j["status"] == "failed" and j["result"] is None
        assert j["error"].startswith("interrupted: the server stopped at ")
        assert j["error"].endswith("of 1000 campaigns; start the sweep again")
        listed = {x["id"]: x["status"] for x in api.get("/api/sweeps").json()}
        assert listed == {small: "done", big: "failed"}
    finally:
        srv.stop()
