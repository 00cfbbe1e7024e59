"""Sea and partisan orders through the games API (issue 12): staged when the engine
accepts them, refused with the engine's reason (422) or as another side's (403), and the
turn they are played in reaches the engine's own digest."""

from __future__ import annotations

import stavka

from .conftest import DATA
from .test_web_api import hdr, one_line_error

NAVAL = (DATA / "t_naval.yaml").read_text()
PARTISANS = (DATA / "t_partisans.yaml").read_text().replace(
    "doctrine: {east: hold}}\n  germany", "doctrine: {east: hold}, partisan_detachments: 10}\n"
    "  germany", 1)


def game_of(client, text, name, side):
    r = client.post("/api/scenarios", json={"name": name, "text": text})
    assert r.status_code == 201, r.text
    g = client.post("/api/games", json={"scenario": r.json()["id"], "seed": 3,
                                        "seats": {side: "human"}})
    assert g.status_code == 201, g.text
    return g.json()["id"], hdr(g.json()["tokens"][side])


def stage(client, gid, h, *orders):
    return client.post(f"/api/games/{gid}/orders", headers=h, json={"orders": list(orders)})


def test_sea_orders_refused_with_the_engines_reason(client):
    gid, h = game_of(client, NAVAL, "t_naval.yaml", "japan")
    cases = [
        ("ijn fleet_move khab", 422,
         "khab is a land region; a fleet sails only to a sea zone (adjacent to sea_of_japan: "
         "tatar)"),
        ("ijn fleet_move tatr", 422, "unknown sea zone 'tatr' (did you mean 'tatar'?)"),
        ("sov_pac fleet_move tatar", 403, "fleet sov_pac belongs to soviet; you play japan"),
        ("land_bay land", 422, "no sea control of sea_of_japan (held by no one)"),
        ("ijn land bay jap_div1", 422, "no sea control of sea_of_japan (held by no one)"),
        ("ijn land bay", 422, "an ad-hoc landing names the formations it carries"),
        ("ijn land bay sov_div1", 403, "sov_div1 belongs to soviet; you play japan"),
        ("japan raise_partisans rashin 2", 422,
         "japan raises no partisans by order in this scenario"),
    ]
    for order, status, why in cases:
        msg = one_line_error(stage(client, gid, h, order), status)
        assert why in msg, (order, msg)
    assert client.get(f"/api/games/{gid}/view", headers=h).json()["orders"] == []


def test_a_fleet_move_is_staged_and_played(client):
    gid, h = game_of(client, NAVAL, "t_naval.yaml", "japan")
    assert stage(client, gid, h, "ijn fleet_move tatar").json() == {
        "orders": ["ijn fleet_move tatar"]}
    # orders are checked against the state of the turn's start: the fleet is still there
    r = stage(client, gid, h, "ijn fleet_move sea_of_japan")
    assert r.status_code == 422 and "already in sea_of_japan" in r.json()["error"]
    assert client.post(f"/api/games/{gid}/end-turn", headers=h).json()["advanced"] is True
    c = stavka.Campaign(stavka.load(DATA / "t_naval.yaml"), seed=3, player="japan")
    c.step(["ijn fleet_move tatar"])
    assert client.get(f"/api/games/{gid}").json()["digest"] == c.digest()
    view = client.get(f"/api/games/{gid}/view", headers=h).json()
    assert any(e["kind"] == "fleet_move" and e["subjects"] == ["ijn"] for e in view["events"])


def test_partisans_staged_together_within_the_sides_pool(client, tmp_path):
    gid, h = game_of(client, PARTISANS, "t_partisans.yaml", "soviet")
    assert stage(client, gid, h, "soviet raise_partisans p 6").status_code == 200
    # a second order for the same region replaces the first
    assert stage(client, gid, h, "soviet raise_partisans p 4").json() == {
        "orders": ["soviet raise_partisans p 4"]}
    # another region adds to it, within the 10 detachments the side has
    msg = one_line_error(stage(client, gid, h, "soviet raise_partisans q 7"), 422)
    assert "the day's raise_partisans orders for soviet raise 11 detachments; it has 10 left" \
        in msg
    assert stage(client, gid, h, "soviet raise_partisans q 6").status_code == 200
    msg = one_line_error(stage(client, gid, h, "soviet raise_partisans src 1"), 422)
    assert "'src' is not soviet's home territory (it is germany's)" in msg
    assert client.post(f"/api/games/{gid}/end-turn", headers=h).json()["advanced"] is True
    p = tmp_path / "t_partisans.yaml"
    p.write_text(PARTISANS)
    c = stavka.Campaign(stavka.load(p), seed=3, player="soviet")
    c.step(["soviet raise_partisans p 4", "soviet raise_partisans q 6"])
    assert client.get(f"/api/games/{gid}").json()["digest"] == c.digest()
    assert c.world.state.partisan_pool[0, c.static.side("soviet")] == 0.0


def test_an_unknown_name_in_an_order_is_shown_escaped(client):
    # the order was quoted raw in the error (a NUL, a bidi override reaching the page)
    gid, h = game_of(client, NAVAL, "t_naval.yaml", "japan")
    for order in ("ijn\x00 fleet_move tatar", "ijn fleet_move \u202etatar",
                  "\x1b[31mijn fleet_move tatar", "ijn fleet_move " + "z" * 5000):
        msg = one_line_error(stage(client, gid, h, order), 422)
        assert msg.isprintable() and len(msg) < 400, msg


def test_a_side_id_is_a_word(client):
    # a side's id was any text: markup in it reached the players' pages (the play page
    # wrote a formation's side unescaped), and one with a space could not be ordered
    # ('SIDE raise_partisans ...')
    for sid in ("<img src=x onerror=alert(1)>", "Japan", "japan empire"):
        text = NAVAL.replace("japan:", f"{sid!r}:", 1)
        r = client.post("/api/scenarios", json={"name": "t.yaml", "text": text})
        msg = one_line_error(r, 422) if set(r.json()) == {"error"} else r.json()["error"]
        assert r.status_code == 422 and "a side's id is lower-case letters" in msg, msg
