"""The play page's sea (control and the fleets a side sees) and its box for orders that
are not a formation's (fleets, landings, partisans), in a real browser (as tests/web/test_browser.py: Playwright driving Debian's
chromium; skips without it unless ``STAVKA_TEST_REQUIRE_BROWSER=1``)."""

from __future__ import annotations

import httpx

from .conftest import DATA
from .test_browser import browser, page_of, server, shot  # noqa: F401 - fixtures


def test_a_sea_order_from_the_play_page(browser, server):  # noqa: F811 - fixtures
    up = httpx.post(server.url + "/api/scenarios",
                    json={"name": "t_naval.yaml", "text": (DATA / "t_naval.yaml").read_text()})
    assert up.status_code == 201, up.text
    g = httpx.post(server.url + "/api/games", json={"scenario": up.json()["id"], "seed": 1,
                                                    "seats": {"japan": "human"}}).json()
    page, errors = page_of(browser)
    page.goto(f"{server.url}/play.html?game={g['id']}&side=japan&token={g['tokens']['japan']}")
    page.wait_for_selector("g.unit")
    # the sea under japan's fog: zones coloured by control, the fleets it sees drawn
    page.wait_for_selector("g.fleet[data-fleet]")
    assert page.eval_on_selector_all("g.seazone", "gs => gs.map((g) => [g.dataset.zone, "
                                     "g.dataset.control, g.dataset.state])") == [
        ["sea_of_japan", "", "contested"], ["tatar", "soviet", "held"]]
    assert sorted(page.eval_on_selector_all("g.fleet[data-fleet]", "gs => gs.map((g) => "
                                            "g.dataset.fleet)")) == ["ijn", "sov_pac"]
    page.click("#otherorders summary")
    # refused: the engine's reason
    page.fill("#othertext", "ijn fleet_move khab")
    page.click("#giveother")
    page.wait_for_selector("#ordermsg.error")
    assert "khab is a land region; a fleet sails only to a sea zone" in page.inner_text("#ordermsg")
    # accepted: staged for the turn
    page.fill("#othertext", "ijn fleet_move tatar")
    page.click("#giveother")
    page.wait_for_selector("#ordermsg.ok")
    assert "ijn fleet_move tatar" in page.inner_text("#staged")
    shot(page, "play-sea-order.png")
    page.click("#endturn")
    page.wait_for_function("document.querySelector('#msg').textContent.includes('turn played')")
    view = httpx.get(f"{server.url}/api/games/{g['id']}/view",
                     headers={"X-Stavka-Token": g["tokens"]["japan"]}).json()
    assert [e["values"]["zone"] for e in view["events"] if e["kind"] == "fleet_move"] == ["tatar"]
    assert not errors
