"""Chronicle: Markdown dispatches, JSONL round trip, HTML report, atomic output set."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
from pathlib import Path

import pytest

import stavka
from stavka import atomic as atomic_mod
from stavka.atomic import atomic_write
from stavka.chronicle import (
    EventVisitor,
    Parts,
    read_jsonl,
    render_markdown,
    walk,
    write_jsonl,
    write_outputs,
    write_report,
)
from stavka.chronicle import report as report_mod
from stavka.chronicle.report import md_to_html
from stavka.engine.records import Event
from stavka.errors import InputError

MINI = Path(__file__).resolve().parents[1] / "data" / "mini.yaml"


@pytest.fixture(scope="module")
def strong_mini(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini scenario without sudden death, so the campaign runs its 30 days whatever
    the dice (the chronicle's wording is under test here, not the combat model)."""
    text = MINI.read_text().replace("  sudden_death: {moscow: germany}\n", "")
    assert "sudden_death" not in text
    p = tmp_path_factory.mktemp("scn") / "mini.yaml"
    p.write_text(text)
    return p


@pytest.fixture(scope="module")
def mini(strong_mini: Path) -> stavka.Campaign:
    return stavka.Campaign(str(strong_mini), seed=1).run()


@pytest.fixture(scope="module")
def mini2(strong_mini: Path) -> stavka.Campaign:
    """Two divisions sent west, Japan attacks on 6 Oct."""
    return stavka.Campaign(str(strong_mini), seed=1, params={
        "transfer_divisions": 2, "japan_attack_date": "1941-10-06"}).run()


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory, mini: stavka.Campaign) -> Path:
    d = tmp_path_factory.mktemp("run") / "out" / "nested"  # created by write_outputs
    write_outputs(mini, d)
    return d


def sections(md: str) -> dict[str, list[str]]:
    """'### date' heading -> its bullet lines."""
    out: dict[str, list[str]] = {}
    cur = None
    for line in md.splitlines():
        if line.startswith("### "):
            cur = line[4:]
            out[cur] = []
        elif line.startswith("- ") and cur is not None:
            out[cur].append(line[2:])
        elif line.startswith("## "):
            cur = None
    return out


# ---- markdown ---------------------------------------------------------------------------
def test_markdown_dated_lines(mini: stavka.Campaign) -> None:
    md = render_markdown(mini)
    assert md.startswith("# Mini two fronts")
    sec = sections(md)
    # every battle that ended has one line on its day, worded from its outcome
    ends = [e for e in mini.events if e.kind == "battle" and e.values["phase"] == "end"]
    assert ends, "the mini campaign should have at least one battle"
    for e in ends:
        day = " ".join(sec[f"{e.date.day} {e.date:%b %Y}"])
        name = mini.static.spec.nodes[mini.static.node(e.place)].name
        assert f"Battle of {name}" in day
        if e.values["outcome"] == "taken":
            assert f"Germans take {name}" in day
        else:
            assert "the German attack is halted" in day
        lost = f"Soviet losses {round(e.values['defender_lost']):,}"
        assert lost in day
    assert sec["5 Oct 1941"] == [
        "Stavka orders Far Eastern divisions west.",
        "Soviet 32nd Rifle Division (14,483 men) entrains at Khabarovsk for Moscow; "
        "8,523 km, 30 trains."]
    assert sec["22 Oct 1941"] == [
        "Soviet 32nd Rifle Division (14,483 men) detrains at Moscow, from Khabarovsk."]
    assert any("roads turn to mud in the West zone from 10 Oct" in x for x in sec["9 Oct 1941"])
    assert sec["24 Oct 1941"] == ["The Amur freezes over from 25 Oct."]
    # battle starts fold into the end lines: one line per ended battle, no 'opens' lines
    ends = [e for e in mini.events if e.kind == "battle" and e.values["phase"] == "end"]
    assert md.count("Battle of ") == len(ends)
    assert "opens" not in md
    # the order to transfer is folded into the departure line of the same day
    assert "ordered to" not in md
    # the summary section
    assert "## Summary" in md
    assert "**Result:** " in md
    holder = mini.summary()["control"]["moscow"]
    assert f"| Moscow | 50 | {mini.static.spec.sides[holder].name} |" in md
    ger = mini.summary()["losses"]["germany"]["men"]["total"]
    assert f"| Germany | {ger:,} |" in md


def test_markdown_merges_departures_and_war(mini2: stavka.Campaign) -> None:
    sec = sections(render_markdown(mini2))
    assert ("Two Soviet divisions (28,966 men) entrain at Khabarovsk for Moscow; 8,523 km, "
            "60 trains.") in sec["5 Oct 1941"]
    day = " ".join(sec["6 Oct 1941"])
    assert "Japan declares war on the Soviet Union." in day
    assert "Japan goes over to the attack on the East front." in day


def _ev(kind: str, day: int, place: str | None = None, side: str | None = None,
        subjects: tuple[str, ...] = (), **values: object) -> Event:
    return Event(kind=kind, day=day, date=dt.date(1941, 10, 1) + dt.timedelta(days=day),
                 place=place, side=side, subjects=subjects, values=dict(values))


def test_markdown_synthetic_events(mini: stavka.Campaign) -> None:
    sov = ("sov_16a", "sov_moscow", "sov_fe_1", "sov_fe_2")
    evs = [
        _ev("capture", 2, "vyazma", "germany", ("ger_pz_3",), previous="soviet", defended=False),
        _ev("capture", 2, "smolensk", "soviet", ("sov_16a",), previous="germany",
            defended=False),
        _ev("encircled", 2, "vyazma", "soviet", sov, men=510_000.0, formations=4),
        _ev("surrender", 3, "vyazma", "soviet", sov[:1], men=12_000.4, tanks=0.0, formations=1,
            reason="encircled, out of supply"),
        _ev("battle", 3, "moscow", "germany", phase="start", attacker_men=50_000.0,
            defender_men=40_000.0, ratio=1.2),
        _ev("battle", 3, "moscow", "germany", phase="start", attacker_men=50_000.0,
            defender_men=40_000.0, ratio=1.2),
        _ev("mystery", 4, "chita", "japan", colour="green"),
        _ev("victory", 4, "moscow", "germany", reason="germany takes moscow"),
    ]
    parts = Parts(events=evs, spec=mini.static.spec)  # no static, no summary
    sec = sections(render_markdown(parts))
    assert sec["3 Oct 1941"][:1] == ["Germans occupy Vyazma unopposed."]
    assert "Soviet forces occupy Smolensk unopposed." in sec["3 Oct 1941"]
    assert "Vyazma: four Soviet divisions encircled, 510,000 men cut off." in sec["3 Oct 1941"]
    assert sec["4 Oct 1941"][0] == ("Vyazma: Soviet 16th Army surrenders (encircled, out of "
                                    "supply); 12,000 men taken prisoner.")
    # a battle never ended gets one line on the day it opened
    assert sec["4 Oct 1941"][1].startswith("German attack on Moscow opens (50,000 men in the line against "
                                           "40,000)")
    assert sec["5 Oct 1941"] == ["Mystery at Chita (Japan): colour green.",
                                 "Germany takes Moscow: sudden-death victory; the campaign ends."]


def test_markdown_attack_orders_and_a_struck_port(mini: stavka.Campaign) -> None:
    # an event's scripted attack names who is sent where; a strike on a port says how much
    # of its unloading is knocked out (not 'fortifications', as a region's strike)
    evs = [
        _ev("attack_ordered", 2, "moscow", None, ("ger_pz_3", "ger_inf_7"), event="go"),
        _ev("attack_ordered", 2, "khabarovsk", None, ("jap_1",), event="go"),
        _ev("strike", 2, "khabarovsk", None, port=True, damage=0.75, aircraft=0.0, event="s"),
        _ev("strike", 2, "vyazma", None, fort=1.0, aircraft=0.0, event="s"),
    ]
    sec = sections(render_markdown(Parts(events=evs, spec=mini.static.spec)))
    assert sec["3 Oct 1941"] == [
        "German 3rd Panzer Division and 7th Infantry Division are ordered to attack Moscow.",
        "Japanese 1st Division is ordered to attack Khabarovsk.",
        "The port of Khabarovsk is struck: 75 % of its quays out of action.",
        "The fortifications of Vyazma are struck."]


def test_markdown_groups_a_days_partisans(mini: stavka.Campaign) -> None:
    # detachments of one side and size raised the same day: one line; the day's hunts:
    # one line; alone, each keeps its own sentence
    evs = [
        _ev("partisans", 2, "vyazma", "soviet", detachments=10, total=10.0, event="p"),
        _ev("partisans", 2, "moscow", "soviet", detachments=10, total=10.0, event="p"),
        _ev("partisans", 2, "chita", "soviet", detachments=5, total=5.0, event="q"),
        _ev("partisans_hunted", 3, "vyazma", "soviet", destroyed=1.0, left=9.0),
        _ev("partisans_hunted", 3, "moscow", "soviet", destroyed=2.0, left=0.0),
        _ev("partisans_hunted", 4, "vyazma", "soviet", destroyed=1.0, left=1.0),
    ]
    sec = sections(render_markdown(Parts(events=evs, spec=mini.static.spec)))
    assert sec["3 Oct 1941"] == [
        "Ten Soviet partisan detachments take to the forests around each of Vyazma and Moscow.",
        "Five Soviet partisan detachments take to the forests around Chita."]
    assert sec["4 Oct 1941"] == ["Security troops destroy Soviet partisan detachments: one "
                                 "around Vyazma, nine left; two around Moscow, none left."]
    assert sec["5 Oct 1941"] == ["Security troops destroy one Soviet partisan detachment "
                                 "around Vyazma; one fights on."]


def test_visitor_dispatch_and_fallback(mini: stavka.Campaign) -> None:
    class Count(EventVisitor[dict[str, int]]):
        def __init__(self) -> None:
            self.n = {"battle": 0, "other": 0, "days": 0}

        def begin_day(self, date: dt.date, day: int, replica: int) -> None:
            self.n["days"] += 1

        def visit_battle(self, ev: Event) -> None:
            self.n["battle"] += 1

        def visit_other(self, ev: Event) -> None:
            self.n["other"] += 1

        def result(self) -> dict[str, int]:
            return self.n

    (n,) = walk(mini.events, Count())
    assert n["battle"] == sum(e.kind == "battle" for e in mini.events)
    assert n["battle"] + n["other"] == len(mini.events)
    assert n["days"] == len({e.day for e in mini.events})


# ---- JSONL ------------------------------------------------------------------------------
def test_jsonl_round_trip(tmp_path: Path, mini2: stavka.Campaign) -> None:
    p = write_jsonl(mini2.events, tmp_path / "sub" / "events.jsonl")
    lines = p.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(mini2.events)
    assert json.loads(lines[0]) == mini2.events[0].to_dict()
    assert read_jsonl(p) == mini2.events
    assert [f.name for f in p.parent.iterdir()] == ["events.jsonl"]


def test_read_jsonl_bad_line(tmp_path: Path) -> None:
    p = tmp_path / "bad.jsonl"
    p.write_text('{"kind":"war","day":0,"date":"1941-10-01"}\n\n{oops\n')
    with pytest.raises(InputError, match=r"bad.jsonl:3"):
        read_jsonl(p)


# ---- report and output set ---------------------------------------------------------------
def test_report_embeds_images_and_the_war_rooms_map(outputs: Path, mini: stavka.Campaign) -> None:
    from stavka.chronicle import cartography

    text = (outputs / "report.html").read_text(encoding="utf-8")
    imgs = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', text)
    assert len(imgs) == 2  # strength, losses; the maps are drawn by the war room's map.js
    assert all(base64.b64decode(b)[:8] == b"\x89PNG\r\n\x1a\n" for b in imgs)
    assert "<style>" in text and "<link" not in text and "src=\"http" not in text
    assert cartography.map_script() in text  # the same drawing code, whole, inline
    assert 4 <= text.count('<figure class="snapmap"') <= 6
    assert "<h2>Chronicle</h2>" in text and "<h3>1 Oct 1941</h3>" in text
    assert "Situation on 1 Oct 1941 (start" in text
    # a later map shows the state after a day was fought: dated by that day, like the
    # chronicle and the summary's end (not the next morning's date)
    end = mini.summary()["end"]
    last = dt.date.fromisoformat(str(end))
    assert f"Situation at the end of {last.day} {last:%b %Y} (" in text
    assert "<td>Moscow</td>" in text
    assert f"<code>{mini.summary()['digest']}</code>" in text


def test_snapshot_days_hold_the_high_water_mark_and_5_december() -> None:
    import datetime as dt

    from stavka.chronicle import cartography
    from stavka.chronicle.visitor import as_parts

    c = stavka.Campaign(stavka.load("two-fronts-1941"), seed=3)
    c.run(80)
    parts = as_parts(c)
    days = dict(cartography.snapshot_days(parts, [(2, "first capture: X")]))
    hw = cartography.high_water(parts)
    assert hw is not None and "high-water mark" in days[hw]
    dates = [dt.date.fromisoformat(str(d)) for d in parts.history.dates]
    if dt.date(1941, 12, 5) in dates:
        assert days[dates.index(dt.date(1941, 12, 5))].startswith("5 December")
    else:  # the campaign ended before it: no such map
        assert not any("5 December" in v for v in days.values())
    assert days[0] == "start" and days[len(dates) - 1].endswith("end") and days[3]
    # the high-water mark: the most regions the gaining alliance held
    al = [[int(parts.static.alliance[int(o)]) for o in row] for row in parts.history.owner]
    counts = [[r.count(a) for r in al] for a in set(al[0])]
    gainer = max(counts, key=lambda x: max(x) - x[0])
    assert gainer[hw] == max(gainer) and all(x < max(gainer) for x in gainer[:hw])


def test_write_report_alone(tmp_path: Path, mini: stavka.Campaign) -> None:
    p = write_report(mini, tmp_path / "r")
    text = p.read_text()
    assert p.name == "report.html" and text.count("data:image/png;base64,") == 2
    assert text.count('<figure class="snapmap"') >= 4


def test_write_outputs_complete_and_clean(outputs: Path, mini: stavka.Campaign) -> None:
    assert sorted(f.name for f in outputs.iterdir()) == [
        "chronicle.md", "events.jsonl", "report.html", "summary.json"]
    assert json.loads((outputs / "summary.json").read_text()) == json.loads(
        json.dumps(mini.summary()))
    assert read_jsonl(outputs / "events.jsonl") == mini.events
    assert (outputs / "chronicle.md").read_text(encoding="utf-8") == render_markdown(mini)


def _stub_report(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_mod, "render_report", lambda *a, **k: "<html>stub</html>")


def test_failure_mid_write_never_leaves_a_mix_that_looks_complete(
        tmp_path: Path, mini: stavka.Campaign, mini2: stavka.Campaign,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # an old summary.json beside the new run's chronicle would claim a complete set:
    # the old summary goes first, the new one comes last (issue 15: kill -9 mid-write)
    _stub_report(monkeypatch)
    write_outputs(mini, tmp_path)
    real = os.replace

    def crash(src: str, dst: str | os.PathLike[str]) -> None:
        if Path(dst).name == "report.html":
            raise OSError("disk full")
        real(src, dst)

    monkeypatch.setattr(atomic_mod.os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        write_outputs(mini2, tmp_path)
    assert sorted(f.name for f in tmp_path.iterdir()) == [
        "chronicle.md", "events.jsonl", "report.html"]  # no summary: incomplete, no temp files
    monkeypatch.setattr(atomic_mod.os, "replace", real)
    write_outputs(mini2, tmp_path)
    assert json.loads((tmp_path / "summary.json").read_text())["seed"] == mini2.seed


def test_failure_while_rendering_changes_nothing(tmp_path: Path, mini: stavka.Campaign,
                                                 mini2: stavka.Campaign,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    _stub_report(monkeypatch)
    write_outputs(mini, tmp_path)
    snap = {f.name: f.read_bytes() for f in tmp_path.iterdir()}

    def boom(*a: object, **k: object) -> str:
        raise RuntimeError("renderer broke")

    monkeypatch.setattr(report_mod, "render_report", boom)
    with pytest.raises(RuntimeError):
        write_outputs(mini2, tmp_path)
    assert {f.name: f.read_bytes() for f in tmp_path.iterdir()} == snap


def test_atomic_write_failure_leaves_old_file(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    p = atomic_write(tmp_path / "summary.json", "old")
    assert oct(p.stat().st_mode & 0o777) == oct(0o644)

    def broken_fsync(fd: int) -> None:
        raise OSError("I/O error")

    monkeypatch.setattr(atomic_mod.os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        atomic_write(p, "new, half written")
    assert p.read_text() == "old"
    assert [f.name for f in tmp_path.iterdir()] == ["summary.json"]


def test_md_to_html_escapes_and_tables() -> None:
    out = md_to_html("# T <x>\n\n- a **b** `c`\n\n| A | B |\n|---|---:|\n| 1 | 2 |\n\ntext & more")
    assert "<h1>T &lt;x&gt;</h1>" in out
    assert "<li>a <strong>b</strong> <code>c</code></li>" in out
    assert '<td class="n">2</td>' in out and "<th>A</th>" in out
    assert "<p>text &amp; more</p>" in out


@pytest.mark.parametrize("days", [1, 3, 7])
def test_a_report_of_a_few_days_draws_without_warnings(tmp_path: Path, days: int) -> None:
    """A run of a few days has too few days for five date ticks: matplotlib's
    AutoDateLocator warned on the user's screen ("unable to pick an appropriate
    interval") for every report of fewer than eight days."""
    import warnings

    c = stavka.Campaign(stavka.load("two-fronts-1941"), seed=7)
    c.run(days=days)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        write_report(c, tmp_path / "r")


def test_a_name_that_says_its_side_is_not_given_the_adjective_twice() -> None:
    """t_salient's German formations are named "German division 1" and "German division
    2": the chronicle says so once, while a name without it still gets the adjective."""
    from stavka.chronicle.words import Names
    from stavka.scenario.loader import load_file

    data = Path(__file__).resolve().parents[1] / "data" / "t_salient.yaml"
    n = Names(load_file(data).spec)
    assert n.who(["g1d"], "germany")[0] == "German division 1"
    assert n.who(["g1d", "g2d"], "germany", names_upto=2)[0] == (
        "German division 1 and German division 2")
    assert n.who(["d1"], "soviet")[0] == "Soviet Division 1"
