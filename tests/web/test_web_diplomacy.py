"""A human answers a diplomatic request through the games API (issue 13): Yan'an's seat
in six-telegrams refuses Stalin's first telegram; an answer before the telegram arrives,
or from another seat, is refused with the engine's reason."""

from __future__ import annotations


def test_yanan_answers_a_telegram_over_the_api(client):
    r = client.post("/api/games", json={"scenario": "six-telegrams", "seed": 7,
                                        "seats": {"yanan": "human"}})
    assert r.status_code == 201, r.text
    gid, tok = r.json()["id"], r.json()["tokens"]["yanan"]
    h = {"X-Stavka-Token": tok}
    r = client.post(f"/api/games/{gid}/orders", headers=h, json={"orders": ["telegrams refuse"]})
    assert r.status_code == 422 and "has not been sent" in r.json()["error"]
    for _ in range(3):  # 1-3 July: the first telegram arrives on 3 July
        assert client.post(f"/api/games/{gid}/end-turn", headers=h).json()["advanced"] is True
    r = client.post(f"/api/games/{gid}/orders", headers=h, json={"orders": ["telegrams refuse"]})
    assert r.status_code == 200, r.text
    assert client.post(f"/api/games/{gid}/end-turn", headers=h).json()["advanced"] is True
    view = client.get(f"/api/games/{gid}/view", headers=h).json()
    text = str(view)
    assert "request_answered" in text or "strategic cooperation" in text, sorted(view)
