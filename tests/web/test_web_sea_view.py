"""The sea in a seat's view (``GET /api/games/{id}/view``, a scenario with a ``sea``
block): control of every zone and the landings made are known to all; a side sees its own
and its allies' fleets, and an enemy fleet only where its alliance has a fleet afloat or
holds a region on the zone's coast. A land-only scenario's view has no ``sea``."""

from __future__ import annotations

from .test_web_sea_orders import NAVAL, PARTISANS, game_of, stage


def sea_of(client, text, name, side):
    gid, h = game_of(client, text, name, side)
    return gid, h, client.get(f"/api/games/{gid}/view", headers=h).json()["sea"]


def fleets(sea):
    return {f["id"]: f["zone"] for f in sea["fleets"]}


def test_a_side_sees_its_fleets_control_and_enemy_fleets_where_it_watches(client):
    # japan: ijn in sea_of_japan (with sov_pac; Rashin on its coast); sov_tatar alone in
    # the Tatar Strait, whose one coastal region (Sovetskaya Gavan) is Soviet
    _, _, sea = sea_of(client, NAVAL, "t_naval.yaml", "japan")
    assert sea["control"] == [None, "soviet"] and sea["state"] == ["contested", "held"]
    assert fleets(sea) == {"ijn": "sea_of_japan", "sov_pac": "sea_of_japan"}
    ijn = next(f for f in sea["fleets"] if f["id"] == "ijn")
    assert ijn["classes"] == {"cruiser": 2, "destroyer": 8, "transport": 20} and ijn["air"] == 1
    assert sea["landings"] == []
    # the Soviet side watches both zones: all three fleets
    _, _, sea = sea_of(client, NAVAL, "t_naval.yaml", "soviet")
    assert fleets(sea) == {"ijn": "sea_of_japan", "sov_pac": "sea_of_japan",
                           "sov_tatar": "tatar"}
    # a Japanese fleet afloat in the strait sees sov_tatar; so do Japanese coast watchers
    afloat = NAVAL.split("  landings:")[0].replace("side: japan, zone: sea_of_japan",
                                                   "side: japan, zone: tatar")
    _, _, sea = sea_of(client, afloat, "t_naval_afloat.yaml", "japan")
    # (sov_pac still seen: Rashin, Japanese, is on the coast of the Sea of Japan)
    assert fleets(sea) == {"ijn": "tatar", "sov_tatar": "tatar", "sov_pac": "sea_of_japan"}
    ashore = NAVAL.replace("zone: z, owner: soviet, front: east, port_tons_per_day: 500",
                           "zone: z, owner: japan, front: east, port_tons_per_day: 500")
    assert ashore != NAVAL
    _, _, sea = sea_of(client, ashore, "t_naval_ashore.yaml", "japan")
    assert fleets(sea)["sov_tatar"] == "tatar"


def test_landings_made_are_seen_by_all(client):
    # the IJN wins the Sea of Japan, then lands at America Bay by ad-hoc order
    lone = NAVAL.replace("    - {id: sov_pac, name: Pacific Fleet, side: soviet, zone: sea_of_japan, "
                         "ships: {destroyer: 2, submarine: 10}}\n", "")
    assert lone != NAVAL
    gid, h = game_of(client, lone, "t_naval_lone.yaml", "japan")
    for _ in range(4):
        view = client.get(f"/api/games/{gid}/view", headers=h).json()
        if view["sea"]["control"][0] == "japan" and not view["sea"]["landings"]:
            assert stage(client, gid, h, "ijn land bay jap_div1").status_code == 200, view
        assert client.post(f"/api/games/{gid}/end-turn", headers=h).json()["advanced"]
    view = client.get(f"/api/games/{gid}/view", headers=h).json()
    assert [(x["side"], x["zone"], x["target"]) for x in view["sea"]["landings"]] == [
        ("japan", "sea_of_japan", "bay")]


def test_a_land_only_scenario_has_no_sea_in_its_view(client):
    gid, h = game_of(client, PARTISANS, "t_partisans.yaml", "soviet")
    assert "sea" not in client.get(f"/api/games/{gid}/view", headers=h).json()
