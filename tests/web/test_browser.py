"""The pages in a real browser: Playwright driving Debian's chromium (no browser download).

Against a real ``stavka serve``: open the map of a finished campaign and scrub its day
slider; create a game on the games page and follow the join link; give a refused and an
accepted order on the map; end a turn against the AI; reload and find the game where it
was; upload a scenario with errors (its located problems on the page), then a good one,
and play it; watch a report folder of the server; browse a sweep folder in Explore. Screenshots of each page go to the test artefacts (``out/test-artefacts/web``).
Skips without ``/usr/bin/chromium`` unless ``STAVKA_TEST_REQUIRE_BROWSER=1`` (CI).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import httpx
import pytest

import stavka

from .conftest import ARTEFACTS, BAD, DATA, FLAGSHIP, MINI, Server

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not (Path(CHROMIUM).exists() and shutil.which(CHROMIUM)):
        if os.environ.get("STAVKA_TEST_REQUIRE_BROWSER") == "1":
            pytest.fail(f"STAVKA_TEST_REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
        pytest.skip(f"no {CHROMIUM} (apt-get install chromium; .ci/run does)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory, outputs):
    tmp = tmp_path_factory.mktemp("serve")
    srv = Server(f"sqlite:///{tmp / 'games.db'}", tmp, args=("--open", str(outputs)))
    yield srv
    srv.stop()


def page_of(browser):
    page = browser.new_page(viewport={"width": 1500, "height": 950})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_default_timeout(60_000)
    return page, errors


def shot(page, name):
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / name))


def test_watch_a_finished_campaign_and_scrub_the_slider(browser, server):
    g = httpx.post(server.url + "/api/games", json={"scenario": FLAGSHIP, "seed": 7},
                   timeout=120).json()
    page, errors = page_of(browser)
    page.goto(f"{server.url}/watch.html?game={g['id']}")
    page.wait_for_selector("g.unit")
    spec = stavka.load(FLAGSHIP).spec
    assert page.locator("path.cell").count() == len(spec.nodes)  # every region of the flagship
    assert page.locator("line.link.rail").count() == sum(e.kind == "rail" for e in spec.edges)
    assert page.locator("path.borders").count() == 1 and page.locator("path.land").count() == 1
    assert page.inner_text("#day") == "1941-09-30 (day 0)"
    owners0 = page.eval_on_selector_all("path.cell", "els => els.map(e => e.dataset.owner)")
    shot(page, "watch-day0.png")
    page.fill("#slider", "60")
    page.dispatch_event("#slider", "input")
    assert page.inner_text("#day") == "1941-11-29 (day 60)"
    owners60 = page.eval_on_selector_all("path.cell", "els => els.map(e => e.dataset.owner)")
    assert owners60 != owners0  # the front has moved
    shot(page, "watch-day60.png")
    # a dispatch in the chronicle jumps to its date
    item = page.locator("#chronicle li", has_text="Zhukov takes command").first
    item.click()
    assert page.inner_text("#day").startswith("1941-10-11")
    page.click("button.focus[data-front='']")  # the whole theatre, east and west
    page.wait_for_selector("g.unit")
    shot(page, "watch-theatre.png")
    assert not errors


def test_create_play_end_a_turn_and_find_the_game_again(browser, server):
    page, errors = page_of(browser)
    page.goto(server.url + "/")
    page.wait_for_selector("#scenario option", state="attached")
    page.select_option("#scenario", FLAGSHIP)
    page.wait_for_selector("select[data-side=soviet]")
    page.fill("input[name=seed]", "13")
    page.select_option("select[data-side=soviet]", "human")
    page.click("#create")
    page.wait_for_selector("a.join")
    gid = re.search(r"game (\w+) created", page.inner_text("#createmsg")).group(1)
    shot(page, "games.png")
    page.click("a.join")
    page.wait_for_selector("g.unit")
    assert "token=" not in page.url  # the secret left the address bar for local storage
    assert page.inner_text("#date") == "1941-09-30"
    # select a Soviet formation on the map
    page.click("g.unit[data-side=soviet][data-loc=rzhev]")
    page.click("#forms li.own >> nth=0")
    name = page.inner_text("#selname")
    assert name
    # a refused order shows the engine's reason
    page.select_option("#action", "rail")
    page.select_option("#target", "rzhev")
    page.click("#give")
    page.wait_for_selector("#ordermsg.error")
    assert "already there" in page.inner_text("#ordermsg")
    # a rail order shows its route and the engine's arrival date before it is given
    page.select_option("#target", "gorky")
    page.wait_for_function("document.querySelector('#routeinfo').textContent.includes('arrives')")
    assert "rzhev → " in page.inner_text("#routeinfo")
    assert page.get_attribute("path.route", "d").startswith("M")
    shot(page, "play-rail-route.png")
    # an accepted one is staged
    page.select_option("#action", "move")
    page.select_option("#target", "kalinin")
    page.click("#give")
    page.wait_for_selector("#ordermsg.ok")
    assert re.search(r"move kalinin", page.inner_text("#staged"))
    shot(page, "play-order.png")
    # end the turn: the AI plays Germany and Japan, the day advances
    page.click("#endturn")
    page.wait_for_function("document.querySelector('#msg').textContent.includes('turn played')")
    assert "turn played: day 1" in page.inner_text("#msg")
    assert page.inner_text("#date") == "1941-10-01"
    shot(page, "play-day1.png")
    # reload: the same game, where it was
    page.reload()
    page.wait_for_selector("g.unit")
    assert page.inner_text("#date") == "1941-10-01"
    page.goto(server.url + "/")
    row = page.locator(f"tr[data-game='{gid}']")
    row.wait_for()
    assert "1941-10-01 (day 1/100)" in row.inner_text()
    row.locator("a.play").click()
    page.wait_for_selector("g.unit")
    assert page.inner_text("#date") == "1941-10-01"
    shot(page, "play-resumed.png")
    assert not errors


def test_explore_a_paired_sweep(browser, server):
    page, errors = page_of(browser)
    page.goto(server.url + "/explore.html")
    page.wait_for_selector("#scenario option", state="attached")
    page.select_option("#scenario", FLAGSHIP)
    page.wait_for_selector("#p_a_transfer_divisions")
    page.fill("#runs", "8")
    page.check("input[name=cmp][value=transfer_divisions]")
    page.fill("#p_a_transfer_divisions", "0")
    page.fill("#p_b_transfer_divisions", "18")
    page.click("#run")
    page.wait_for_selector("#flags tr[data-flag=moscow_holds]", timeout=180_000)
    row = page.inner_text("#flags tr[data-flag=moscow_holds]")
    assert row.count("%") == 2 and "pts" in row
    assert page.locator("#hist rect.bar").count() > 0
    shot(page, "explore.png")
    assert not errors


def yaml_file(name, text):
    return {"name": name, "mimeType": "application/x-yaml", "buffer": text.encode()}


def test_upload_a_scenario_with_errors_then_a_good_one_and_play_it(browser, server):
    page, errors = page_of(browser)
    page.goto(server.url + "/")
    page.wait_for_selector("#scenario option", state="attached")
    page.set_input_files("#scenfile", yaml_file("my-front.yaml", BAD))
    page.click("#upload")
    page.wait_for_selector("#uploadmsg ul.problems li")
    problems = page.eval_on_selector_all("#uploadmsg ul.problems li", "els => els.map(e => e.textContent)")
    assert problems[0].startswith("my-front.yaml:6: end: input should be a valid date")
    assert any("my-front.yaml:" in p and "(did you mean 'vyazma'?)" in p for p in problems)
    assert "problems in the scenario" in page.inner_text("#uploadmsg")
    shot(page, "upload-errors.png")
    # a good file joins the list, selected; a game of it is played on its own map
    page.set_input_files("#scenfile", yaml_file("mini.yaml", MINI))
    page.click("#upload")
    page.wait_for_selector("#uploadmsg.ok")
    assert "Mini two fronts" in page.inner_text("#uploadmsg")
    assert page.input_value("#scenario").startswith("u-")
    page.wait_for_selector("select[data-side=soviet]")
    page.select_option("select[data-side=soviet]", "human")
    page.click("#create")
    page.wait_for_selector("a.join")
    page.click("a.join")
    page.wait_for_selector("g.unit")
    assert page.locator("path.cell").count() == 6  # mini's six regions
    assert page.inner_text("#date") == "1941-10-01"
    page.click("#endturn")
    page.wait_for_function("document.querySelector('#msg').textContent.includes('turn played')")
    assert page.inner_text("#date") == "1941-10-02"
    shot(page, "upload-play.png")
    assert not errors


def test_watch_a_report_folder_of_the_server(browser, server):
    page, errors = page_of(browser)
    page.goto(server.url + "/")
    page.wait_for_selector("button.openreport")
    page.click("button.openreport")
    page.wait_for_url("**/watch.html?game=*")
    page.wait_for_selector("g.unit")
    assert page.locator("path.cell").count() == len(stavka.load(FLAGSHIP).spec.nodes)
    shot(page, "watch-report-folder.png")
    assert not errors


def test_explore_browse_a_sweep_folder_and_see_an_upload_refused(browser, server, outputs):
    import json

    page, errors = page_of(browser)
    page.goto(server.url + "/explore.html")
    page.wait_for_selector("#sweepdirs tr[data-folder=sweep-mini] button.opensweep")
    page.click("#sweepdirs tr[data-folder=sweep-mini] button.opensweep")
    summ = json.loads((outputs / "sweep-mini" / "summary.json").read_text())
    flag = summ["flags"][0]
    page.wait_for_selector(f"#flags tr[data-flag={flag}]")
    row = page.inner_text(f"#flags tr[data-flag={flag}]")
    p0 = summ["results"][0]["flags"][flag]
    assert f"{100 * p0['p']:.1f} % [{100 * p0['lo']:.1f}, {100 * p0['hi']:.1f}]" in row
    assert row.count("%") == 2 and "pts" in row  # two settings side by side, and B - A
    assert "sweep-mini" in page.inner_text("#results h3")
    assert page.locator("#hist rect.bar").count() > 0
    shot(page, "explore-sweep-folder.png")
    page.set_input_files("#scenfile", yaml_file("t_bad.yaml", BAD))
    page.click("#upload")
    page.wait_for_selector("#uploadmsg ul.problems li")
    assert "t_bad.yaml:6: end:" in page.inner_text("#uploadmsg")
    shot(page, "explore-upload-errors.png")
    assert not errors


def test_report_html_draws_the_war_rooms_map_offline(browser, server, outputs):
    report = outputs / "run-7" / "report.html"
    text = report.read_text(encoding="utf-8")
    assert httpx.get(server.url + "/map.js").text in text  # one drawing code for both
    page, errors = page_of(browser)
    asked: list[str] = []

    def only_the_file(route):
        if not route.request.url.startswith("file://"):
            asked.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", only_the_file)
    page.goto(report.as_uri())
    page.wait_for_selector("figure.snapmap g.unit")
    spec = stavka.load(FLAGSHIP).spec
    figs = page.locator("figure.snapmap")
    assert figs.count() >= 4
    for k in range(figs.count()):
        f = figs.nth(k)
        assert f.locator("path.cell").count() == len(spec.nodes)
        assert f.locator("path.borders").count() == 1 and f.locator("path.coast").count() == 1
        assert f.locator("line.link.rail").count() == sum(e.kind == "rail" for e in spec.edges)
        assert f.locator("text.label").count() == sum(n.vp > 0 for n in spec.nodes)
    # the flagship's sea (sea.yaml): every map draws its zones, its fleets afloat in their
    # zones and the sea's key; no landing (Japan does not attack at the defaults), no lane
    # through a zone (its one sea edge names none)
    for k in range(figs.count()):
        f = figs.nth(k)
        assert f.locator(".seazone").count() == len(spec.sea.zones)
        assert f.locator("g.fleets g.fleet").count() == len(spec.sea.fleets)
        assert f.locator(".seakey").count() == 1
        assert f.locator("g.landing, .link.sea.lane").count() == 0
    last = figs.nth(figs.count() - 1)
    assert last.locator(".front line").count() > 0  # ten days in, a front line
    assert "high-water mark" in page.inner_text("body")
    last.scroll_into_view_if_needed()
    last.screenshot(path=str(ARTEFACTS / "report-map.png"))
    last.locator("button.focus[data-front='']").click()  # the whole theatre, in the report too
    assert last.locator("path.cell").count() == len(spec.nodes)
    last.screenshot(path=str(ARTEFACTS / "report-map-theatre.png"))
    assert not asked and not errors


def test_the_api_docs_page_works_without_the_network(browser, server):
    # /docs is the vendored Swagger UI: every request stays on the server (no CDN)
    page, errors = page_of(browser)
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(server.url) else outside.append(r.url))
    page.goto(server.url + "/docs")
    page.wait_for_selector(".opblock-summary-path")
    paths = page.eval_on_selector_all(".opblock-summary-path", "els => els.map(e => e.textContent)")
    assert "/api/scenarios" in [p.strip().replace("\u200b", "") for p in paths]
    assert not outside, outside
    assert not errors


def sea_scenario(tmp: Path) -> Path:
    """tests/data/t_naval.yaml with side colours and contact certain (as
    tests/chronicle/test_sea_map.py): the Pacific Fleet sinks on day 0, the IJN holds the
    Sea of Japan and lands on America Bay on 22 Aug, ice closes the Tatar Strait on 15 Dec."""
    from ruamel.yaml import YAML

    y = YAML(typ="safe", pure=True)
    d = y.load((DATA / "t_naval.yaml").read_text())
    d["sides"]["soviet"]["colour"], d["sides"]["japan"]["colour"] = "#c0392b", "#d4ac0d"
    d["sea"]["params"] = {"contact_chance": 1.0}
    p = tmp / "t_naval_map.yaml"
    with p.open("w") as fh:
        y.dump(d, fh)
    return p


def test_report_html_draws_the_sea(browser, tmp_path):
    """Sea zones labelled at their centres in their controller's colour (contested
    striped, ice hatched), fleets afloat with their ships, landings as dated arrows, the
    key; the control drawn is each snapshot's, the snapshot's is the state's
    (tests/chronicle/test_sea_map.py). The last map: ``report-sea-map.png``."""
    from stavka.chronicle import write_outputs

    c = stavka.Campaign(stavka.load(sea_scenario(tmp_path)), seed=1).run()
    write_outputs(c, tmp_path / "out")
    page, errors = page_of(browser)
    page.goto((tmp_path / "out" / "report.html").as_uri())
    page.wait_for_selector("figure.snapmap g.fleets g.fleet")
    snaps = page.evaluate("SNAPS")
    colour = {"soviet": "#c0392b", "japan": "#d4ac0d"}
    figs = page.locator("figure.snapmap")
    assert figs.count() == len(snaps) >= 4
    for k in range(figs.count()):
        f, sea = figs.nth(k), snaps[k]["sea"]
        zones = f.locator("g.seazone")
        assert zones.count() == 2
        assert f.locator("g.seazone text.zonelabel").all_text_contents() == ["Sea of Japan",
                                                                          "Tatar Strait"]
        for z in range(2):
            g = zones.nth(z)
            assert g.get_attribute("data-state") == sea["state"][z]
            assert g.get_attribute("data-control") == (sea["control"][z] or "")
            fill = g.locator("circle").get_attribute("fill")
            if sea["state"][z] == "held":
                assert fill == colour[sea["control"][z]]
            elif sea["state"][z] == "contested":
                assert fill.startswith("url(#seacontested")
            elif sea["state"][z] == "ice":
                assert fill.startswith("url(#seaice")
        fleets = f.locator("g.fleets g.fleet")
        assert [fleets.nth(i).get_attribute("data-fleet") for i in range(fleets.count())] == \
            [x["id"] for x in sea["fleets"]]
        assert f.locator("g.fleets text.ships").all_text_contents() == \
            [str(x["ships"]) for x in sea["fleets"]]
        for i, x in enumerate(sea["fleets"]):
            assert fleets.nth(i).locator("circle").get_attribute("fill") == colour[x["side"]]
        arrows = f.locator("g.landings g.landing")
        assert arrows.count() == len(sea["landings"])
        if sea["landings"]:
            assert arrows.first.get_attribute("data-target") == "bay"
            assert f.locator("text.landingdate").text_content() == "landing 22 Aug"
        assert f.locator(".seakey").count() == 1
        assert f.locator("path.link.sea.lane").count() == 1  # Vladivostok-Sovetskaya Gavan
    # the start: the Sea of Japan contested, three fleets; the end: Japan's, the Pacific
    # Fleet sunk (off the map), the Tatar Strait iced, the landing drawn
    first, last = figs.nth(0), figs.nth(figs.count() - 1)
    assert first.locator("g.seazone[data-zone=sea_of_japan]").get_attribute("data-state") == \
        "contested"
    assert first.locator("g.fleets g.fleet").count() == 3
    assert last.locator("g.seazone[data-zone=sea_of_japan]").get_attribute("data-control") == \
        "japan"
    assert last.locator("g.seazone[data-zone=tatar]").get_attribute("data-state") == "ice"
    assert last.locator("g.fleet[data-fleet=sov_pac]").count() == 0
    assert last.locator("g.landings g.landing").count() == 1
    assert "At sea: a disc per sea zone" in page.inner_text("body")
    last.scroll_into_view_if_needed()
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    last.screenshot(path=str(ARTEFACTS / "report-sea-map.png"))
    first.screenshot(path=str(ARTEFACTS / "report-sea-map-start.png"))
    last.locator("button.focus[data-front='']").click()  # the whole theatre keeps its sea
    assert last.locator("g.seazone").count() == 2
    assert last.locator("g.fleets g.fleet").count() == len(snaps[-1]["sea"]["fleets"])
    assert not errors


def test_watch_a_game_at_sea(browser, server, tmp_path):
    """An AI game of the sea scenario, uploaded, played out and watched: the zones,
    fleets and landing on the war room's map follow the slider."""
    text = sea_scenario(tmp_path).read_text()
    s = httpx.post(server.url + "/api/scenarios", json={"name": "t_naval_map.yaml",
                                                         "text": text}, timeout=60).json()
    g = httpx.post(server.url + "/api/games", json={"scenario": s["id"], "seed": 1},
                   timeout=120).json()
    page, errors = page_of(browser)
    page.goto(f"{server.url}/watch.html?game={g['id']}")
    page.wait_for_selector("g.fleets g.fleet")
    assert page.locator("g.seazone").count() == 2
    assert page.locator("g.seazone[data-zone=sea_of_japan]").get_attribute("data-state") == \
        "contested"
    assert page.locator("g.fleets g.fleet").count() == 3
    page.fill("#slider", "5")  # after the battle and the landing of 22 Aug
    page.dispatch_event("#slider", "input")
    assert page.locator("g.seazone[data-zone=sea_of_japan]").get_attribute("data-control") == \
        "japan"
    assert page.locator("g.fleet[data-fleet=sov_pac]").count() == 0
    assert page.locator("g.landings g.landing[data-target=bay]").count() == 1
    shot(page, "watch-sea.png")
    assert not errors


def test_the_pages_word_the_sea_events(browser, server):
    # the play and watch pages' chronicle (Stavka.eventText): the sea in words, not raw kinds
    page, errors = page_of(browser)
    page.goto(server.url + "/")
    page.wait_for_selector("#scenario option", state="attached")
    text = page.evaluate("""() => [
      {kind: "sea_control", side: "empire", values: {zone: "approaches"}},
      {kind: "fleet_move", side: "empire", subjects: ["empire_main_fleet"], values: {zone: "approaches"}},
      {kind: "naval_battle", subjects: ["pacific_fleet", "empire_main_fleet"], values: {zone: "approaches"}},
      {kind: "landing", side: "empire", place: "nakhodka", values: {zone: "approaches", men: 19993.6}},
      {kind: "partisans", side: "soviet", place: "ussuriysk", values: {detachments: 10}},
    ].map(Stavka.eventText)""")
    assert text[0] == "empire controls approaches"
    assert text[1] == "empire fleet empire_main_fleet sails to approaches"
    assert text[2] == "naval battle in approaches: pacific_fleet against empire_main_fleet"
    assert text[3].startswith("empire lands at nakhodka from approaches, 19")
    assert text[4] == "soviet partisans raised around ussuriysk: 10 detachments"
    assert not any("formation" in t for t in text)
    assert not errors
