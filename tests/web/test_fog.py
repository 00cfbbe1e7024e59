"""Fog of war: a seat receives no enemy formation that the engine's visibility mask hides.

A two-human game of the flagship (Soviet and German seats; Japan and Yan'an the AI) is
played for 30 days through the API; beside it the same campaign runs in the engine with
the same orders, and after every turn each seat's responses are compared with
``stavka.world.visibility.visibility`` of that state: exactly the formations the mask
shows, and no hidden formation's id anywhere in the raw JSON (chronicle included).
"""

from __future__ import annotations

import re

import numpy as np

import stavka
from stavka.enums import ACTIVE
from stavka.world.visibility import RECON_KM, seen_regions, visibility

from .conftest import FLAGSHIP

DAYS = 30


def ids_in(text: str, ids: set[str]) -> set[str]:
    """The ids of ``ids`` that occur in ``text`` as whole words."""
    words = set(re.findall(r"[A-Za-z0-9_]+", text))
    return words & ids


def test_every_seat_sees_only_what_the_mask_shows_for_30_days(client):
    r = client.post("/api/games", json={"scenario": FLAGSHIP, "seed": 5,
                                        "seats": {"soviet": "human", "germany": "human"}})
    gid, tokens = r.json()["id"], r.json()["tokens"]
    ref = stavka.Campaign(stavka.load(FLAGSHIP), seed=5, player=("soviet", "germany"))
    st = ref.static
    all_ids = set(st.form_ids)
    checked = hidden_total = 0
    for day in range(DAYS):
        mask = visibility(st, ref.world.state)
        orders = []
        for side, token in tokens.items():
            h = {"X-Stavka-Token": token}
            resp = client.get(f"/api/games/{gid}/view", headers=h)
            assert resp.status_code == 200
            body = resp.json()
            assert body["day"] == day
            si = st.side(side)
            shown = {f["id"] for f in body["formations"]}
            expected = {st.form_ids[f] for f in np.flatnonzero(mask[si])}
            assert shown == expected, (day, side)
            hidden = all_ids - expected
            hidden_total += len(hidden)
            leaked = ids_in(resp.text, hidden)
            assert not leaked, (day, side, sorted(leaked)[:5])
            # enemy rows carry no order of the day
            assert all("action" not in f for f in body["formations"] if not f["own"])
            # give an order now and then: hold with the seat's first formation on the map
            mine = [f for f in body["formations"] if f["own"] and not f["rail"]]
            if day % 3 == 0 and mine:
                o = f"{mine[0]['id']} hold"
                rr = client.post(f"/api/games/{gid}/orders", headers=h, json={"orders": [o]})
                assert rr.status_code == 200 and not ids_in(rr.text, hidden)
                orders.append(o)
            rr = client.post(f"/api/games/{gid}/end-turn", headers=h)
            assert rr.status_code == 200 and not ids_in(rr.text, hidden)
            checked += 1
        # what anybody may read without a token names no formation at all
        for path in (f"/api/games/{gid}", "/api/games"):
            assert not ids_in(client.get(path).text, all_ids)
        ref.step(orders)
        assert client.get(f"/api/games/{gid}").json()["digest"] == ref.digest()
    assert checked == 2 * DAYS and hidden_total > 0


def test_the_mask_follows_its_rule():
    c = stavka.Campaign(stavka.load(FLAGSHIP), seed=7)
    c.run(12)
    st, s = c.static, c.world.state
    mask = visibility(st, s)
    again = visibility(st, s.copy())
    assert (mask == again).all()  # a function of the state only
    regions = seen_regions(st, s)
    for side in range(st.S):
        al = st.alliance[side]
        friend = st.alliance[st.fside] == al
        enemy = ~friend & (s.status[0] == ACTIVE)
        # friends in play are always seen; enemies exactly where the alliance sees into
        assert (mask[side][friend] == (s.status[0][friend] != 0) & (s.status[0][friend] != 3)).all()
        assert (mask[side][enemy] == regions[al][s.loc[0][enemy]]).all()
        assert not mask[side][~friend & (s.status[0] != ACTIVE)].any()
    # the flagship's fronts: each side sees some of the enemy and not all of it
    for side in (st.side("soviet"), st.side("germany")):
        enemy = (st.alliance[st.fside] != st.alliance[side]) & (s.status[0] == ACTIVE)
        assert 0 < (mask[side] & enemy).sum() < enemy.sum()
    # held regions and their neighbours are always seen into
    held = st.alliance[s.owner[0]] == 0
    assert regions[0][held].all()
    # a wider air reconnaissance sees at least as much
    wide = visibility(st, s, recon_km=RECON_KM * 4)
    assert (wide | ~mask).all() and wide.sum() >= mask.sum()
