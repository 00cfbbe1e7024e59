"""The war room on a scenario that steps in hours (``step_hours``): an all-AI game plays
to the scenario's end, a turn lasts ``turn_days`` days (their steps), a game rebuilt
after a restart checks every step's digest, and a sub-day run's report opens to watch."""

from __future__ import annotations

import pytest

import stavka

from .conftest import DATA, make_client, make_room
from .test_web_api import hdr, one_line_error

#: tests/data/t_hours.yaml (10 days) in 6-hour steps: 40 steps
HOURS6 = (DATA / "t_hours.yaml").read_text() + "step_hours: 6\n"


@pytest.fixture
def hours6(tmp_path):
    p = tmp_path / "t_hours6.yaml"
    p.write_text(HOURS6)
    return stavka.load(p)


def upload(client) -> str:
    r = client.post("/api/scenarios", json={"name": "t_hours6.yaml", "text": HOURS6})
    assert r.status_code == 201, r.text
    assert r.json()["days"] == 10
    return str(r.json()["id"])


def test_an_all_ai_game_in_hours_plays_to_the_scenarios_end(db_url, hours6):
    room = make_room(db_url)
    with make_client(room) as client:
        sid = upload(client)
        r = client.post("/api/games", json={"scenario": sid, "seed": 5, "seats": {}})
        assert r.status_code == 201, r.text
        gid = r.json()["id"]
        g = client.get(f"/api/games/{gid}").json()
        ref = stavka.Campaign(hours6, seed=5).run()
        assert ref.world.state.step == 40 and ref.day == 10
        assert (g["status"], g["day"], g["days"]) == ("finished", 10, 10)
        assert g["digest"] == ref.digest()
        rec = client.get(f"/api/games/{gid}/record").json()
        assert rec["digests"] == ref.history.digests  # every step's
        assert len(rec["orders"]) == 40
        rep = client.get(f"/api/games/{gid}/replay").json()
        assert [f["day"] for f in rep["frames"]] == list(range(11))  # a picture a day
        assert client.get("/api/scenarios").json()[-1]["step_hours"] == 6
    room.engine.dispose()
    room2 = make_room(db_url)  # a new process: rebuilt from the record, step by step
    with make_client(room2) as client:
        assert client.get(f"/api/games/{gid}/replay").json()["game"]["digest"] == ref.digest()
    room2.engine.dispose()


def test_a_turn_in_hours_lasts_turn_days_days(client, hours6):
    sid = upload(client)
    for turn_days in (1, 2):
        r = client.post("/api/games", json={"scenario": sid, "seed": 9,
                                            "seats": {"red": "human"}, "turn_days": turn_days})
        gid, tok = r.json()["id"], r.json()["tokens"]["red"]
        r = client.post(f"/api/games/{gid}/orders", headers=hdr(tok),
                        json={"orders": ["red_y defend"]})
        assert r.status_code == 200, r.text
        r = client.post(f"/api/games/{gid}/end-turn", headers=hdr(tok))
        assert r.json() == {"advanced": True, "waiting_for": [], "day": turn_days}
        ref = stavka.Campaign(hours6, seed=9, player="red")
        ref.step(["red_y defend"])  # the seat's orders at the turn's first step
        while ref.world.state.step < 4 * turn_days:
            ref.step()
        g = client.get(f"/api/games/{gid}").json()
        assert (g["day"], g["digest"]) == (turn_days, ref.digest())
        v = client.get(f"/api/games/{gid}/view", headers=hdr(tok)).json()
        assert v["date"] == ref.date.isoformat()


def test_a_record_in_hours_that_parts_names_the_step(sqlite_url):
    from sqlalchemy import update

    from stavka.web.models import Turn

    room = make_room(sqlite_url)
    with make_client(room) as client:
        sid = upload(client)
        r = client.post("/api/games", json={"scenario": sid, "seats": {"red": "human"}})
        gid, tok = r.json()["id"], r.json()["tokens"]["red"]
        client.post(f"/api/games/{gid}/end-turn", headers=hdr(tok))
    with room.engine.begin() as conn:
        row = conn.execute(Turn.__table__.select().where(Turn.n == 1)).one()
        conn.execute(update(Turn).where(Turn.n == 1).values(
            digests=[*row.digests[:2], "0" * 16, row.digests[3]]))
    room2 = make_room(sqlite_url)
    with make_client(room2) as client:
        msg = one_line_error(client.get(f"/api/games/{gid}/view", headers=hdr(tok)), 409)
        assert "replay parts from the record at step 3 (day 0, 6-hour steps)" in msg, msg
    room.engine.dispose()
    room2.engine.dispose()


def test_a_sub_day_run_report_opens_from_a_folder(sqlite_url, tmp_path):
    from stavka.chronicle import write_outputs

    from .test_web_files import folder_client

    scn = stavka.load("moscow-last-stand")
    assert scn.spec.step_hours == 1
    c = stavka.Campaign(scn, seed=7)
    for _ in range(5):
        c.step()
    c.step(["sov_rd01 defend"])  # an order at step 5: hour 5 of day 0
    c.run(2)  # two days more from hour 6 of day 0: to hour 6 of day 2
    assert (c.day, c.world.state.step) == (2, 54)
    write_outputs(c, tmp_path / "rep")
    summ = c.summary()
    assert summ["orders"] == ["5: sov_rd01 defend"]  # keyed by step
    room, client = folder_client(sqlite_url, [tmp_path])
    with client:
        r = client.post("/api/folders/open", json={"path": "rep"})
        assert r.status_code == 201, r.text
        rep = client.get(f"/api/games/{r.json()['id']}/replay").json()
        assert rep["game"]["status"] == "finished" and rep["game"]["day"] == 2
        assert rep["game"]["digest"] == summ["digest"]
        assert rep["digests"] == c.history.digests
        assert (summ["step_hours"], summ["steps"]) == (1, 54)
        # an uploaded summary whose steps lie outside its days is refused
        bad = {**summ, "steps": 24}
        assert "steps 24 is not within day 2" in one_line_error(
            client.post("/api/reports", json={"summary": bad}), 422)
    room.engine.dispose()


def test_a_sweep_takes_rules_like_a_game(sqlite_url):
    room = make_room(sqlite_url)
    with make_client(room) as client:
        r = client.post("/api/sweeps", json={"scenario": "two-fronts-1941", "runs": 1,
                                             "params": {"rules.cover_ratio": 2.0}})
        assert r.status_code == 202, r.text
        r = client.post("/api/sweeps", json={"scenario": "two-fronts-1941", "runs": 1,
                                             "compare": {"param": "rules.cover_ratio",
                                                         "values": [1.0, 2.0]}})
        assert r.status_code == 202, r.text
        msg = one_line_error(client.post("/api/sweeps", json={
            "scenario": "two-fronts-1941", "runs": 1, "params": {"rules.cover_ratio": -5}}), 422)
        assert "rules.cover_ratio' must be >= 0" in msg
        msg = one_line_error(client.post("/api/sweeps", json={
            "scenario": "two-fronts-1941", "runs": 1, "params": {"rules.nope": 1}}), 422)
        assert "unknown rule 'nope'" in msg
    room.engine.dispose()
