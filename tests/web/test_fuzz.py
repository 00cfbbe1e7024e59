"""A bounded, schema-driven fuzz of the API: zero server errors.

Operations, path and query parameters and body fields come from the app's own
``/openapi.json``; hypothesis fills them with valid, nearly valid and hostile values
(real and unknown game ids, right, wrong and missing tokens, orders built from real and
made-up formation ids, actions and regions, random JSON, broken JSON, random bytes).
Every response must be a 4xx or 2xx, never a 5xx, and every error body one line.
``STAVKA_FUZZ_REQUESTS`` (default 300) bounds the run; the counts are written to the test artefacts.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import ARTEFACTS, BAD, FLAGSHIP, MINI

FUZZ_REQUESTS = int(os.environ.get("STAVKA_FUZZ_REQUESTS", "300"))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner,
                                                                 max_size=5),
    max_leaves=20)


def test_the_api_never_answers_5xx(sqlite_url, outputs):
    from fastapi.testclient import TestClient

    from stavka.web.app import create_app
    from stavka.web.folders import Folders

    from .conftest import make_room

    room = make_room(sqlite_url)
    with TestClient(create_app(room, Folders([outputs])), raise_server_exceptions=False) as c:
        run_fuzz(c, outputs)
    room.engine.dispose()


def run_fuzz(client, outputs=None):
    spec = client.get("/openapi.json").json()
    ops = sorted((m.upper(), path, op) for path, item in spec["paths"].items()
                 for m, op in item.items())
    g = client.post("/api/games", json={"scenario": FLAGSHIP, "seed": 1,
                                        "seats": {"soviet": "human", "germany": "human"}}).json()
    done = client.post("/api/games", json={"scenario": FLAGSHIP, "seed": 2, "turn_days": 50}
                       ).json()
    view = client.get(f"/api/games/{g['id']}/view",
                      headers={"X-Stavka-Token": g["tokens"]["soviet"]}).json()
    formations = [f["id"] for f in view["formations"]] + ["ger_pzgr2_id01", "nobody", ""]
    regions = list(view["owner"]) + ["atlantis"]
    actions = view["actions"] + ["fly", ""]
    paths = st.sampled_from(["sweep-mini", "run-7", "sweep-one", "empty", "link-out", "../..",
                             "/etc", "/proc/self/cwd", "sweep-mini/../../..", ""]) | \
        st.text(max_size=30)
    summary = json.loads((outputs / "run-7" / "summary.json").read_text()) if outputs else None
    game_ids = st.sampled_from([g["id"], done["id"], "0123456789ab", "x", "..", "%00"]) | \
        st.text(max_size=20)
    tokens = st.sampled_from([None, g["tokens"]["soviet"], g["tokens"]["germany"], "", "x" * 300])\
        | st.text(max_size=40)
    order = st.builds(lambda f, a, t: " ".join(x for x in (f, a, t) if x),
                      st.sampled_from(formations), st.sampled_from(actions),
                      st.sampled_from(regions) | st.none()) | st.text(max_size=40)

    def body_for(op):
        schema = op.get("requestBody", {}).get("content", {}).get("application/json", {})
        ref = schema.get("schema", {}).get("$ref", "")
        props = spec["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {}).get(
            "properties", {}) if ref else {}
        fields = {k: json_values for k in props}
        if "orders" in props:
            fields["orders"] = st.lists(order, max_size=4) | json_values
        if "seats" in props:
            fields["seats"] = st.dictionaries(st.sampled_from(
                ["soviet", "germany", "japan", "atlantis"]), st.sampled_from(
                ["human", "ai", "robot"]), max_size=3) | json_values
        if "scenario" in props:
            fields["scenario"] = st.sampled_from([FLAGSHIP, "../x", ""]) | st.text(max_size=20)
        if "path" in props:
            fields["path"] = paths
        if "text" in props:
            fields["text"] = st.sampled_from([MINI, BAD, MINI + "include: [x.yaml]\n",
                                              MINI.replace("30", "-30")]) | st.text(max_size=80)
        if "summary" in props and summary is not None:
            fields["summary"] = st.just(summary) | st.builds(
                lambda k, v: {**summary, k: v}, st.sampled_from(sorted(summary)), json_values) \
                | json_values
        shaped = st.fixed_dictionaries({}, optional=fields).map(json.dumps) if fields else \
            json_values.map(json.dumps)
        return st.one_of(shaped, json_values.map(json.dumps), st.binary(max_size=200),
                         st.just('{"orders": ['), st.none())

    statuses: Counter[int] = Counter()

    @st.composite
    def requests(draw):
        method, path, op = draw(st.sampled_from(ops))
        url = path.replace("{game_id}", quote(draw(game_ids), safe="")).replace(
            "{scenario}", quote(draw(st.sampled_from([FLAGSHIP, "nope"]) | st.text(max_size=12)),
                                safe=""))
        query = {}
        for p in op.get("parameters", []):
            if p["in"] == "query" and p["name"] == "path":
                query["path"] = draw(paths)
            elif p["in"] == "query" and draw(st.booleans()):
                query[p["name"]] = draw(st.integers(-5, 1000).map(str) | st.sampled_from(
                    ["soviet", "germany"]) | st.text(max_size=12))
        headers = {}
        tok = draw(tokens)
        if tok is not None:
            headers["X-Stavka-Token"] = tok
        body = draw(body_for(op)) if method in ("POST", "PUT", "PATCH") else None
        if body is not None:
            headers["content-type"] = "application/json"
        return method, url, query, headers, body

    @settings(max_examples=FUZZ_REQUESTS, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(requests())
    def one(req):
        method, url, query, headers, body = req
        # header values as bytes on the wire (any UTF-8; CR and LF cannot be sent)
        raw = {k: re.sub(r"[\r\n\x00]", "", v).encode() for k, v in headers.items()}
        r = client.request(method, url, params=query,
                           headers=raw, content=body)
        statuses[r.status_code] += 1
        assert r.status_code < 500, (method, url, query, body, r.text)
        if r.status_code >= 400 and r.headers.get("content-type", "").startswith(
                "application/json"):
            assert "\n" not in r.json()["error"]

    one()
    total = sum(statuses.values())
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    (ARTEFACTS / "fuzz.json").write_text(json.dumps(
        {"requests": total, "server_errors": sum(v for k, v in statuses.items() if k >= 500),
         "statuses": dict(sorted(statuses.items()))}, indent=1))
    assert total >= FUZZ_REQUESTS * 0.9 and all(k < 500 for k in statuses)
    assert len([k for k in statuses if 400 <= k < 500]) >= 4  # it reached many refusals
    assert any(200 <= k < 300 for k in statuses)  # and some that got through
