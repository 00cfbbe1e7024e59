"""Replays: save, re-run, detect and locate a divergence; refuse bad replay files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import stavka
from stavka.cli import main
from stavka.engine import core
from stavka.replay import diff_dumps, read_replay, replay
from stavka.world.digest import DIGEST_FIELDS

DAYS = 8
ORDERS = {2: ["sov_wf_22a_rd1 hold"], 4: ["sov_wf_22a_rd2 defend"]}


@pytest.fixture(scope="module")
def flagship():
    return stavka.load("two-fronts-1941")


def _record(flagship, path: Path, days: int = DAYS) -> stavka.Campaign:
    c = stavka.Campaign(flagship, seed=3, params={"transfer_divisions": 6}, trace=True)
    c.source = "two-fronts-1941"
    for d in range(days):
        c.step(ORDERS.get(d, []))
    c.save_replay(path)
    return c


@pytest.fixture(scope="module")
def recorded(flagship, tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("rep") / "r.json"
    _record(flagship, p)
    return p


def _edit(src: Path, dst: Path, fn) -> Path:
    doc = json.loads(src.read_text())
    fn(doc)
    dst.write_text(json.dumps(doc))
    return dst


def test_saved_replay_replays_identically(recorded, capsys):
    rf = read_replay(recorded)
    assert rf.days == DAYS and len(rf.digests) == DAYS + 1
    assert [o.order for o in rf.orders] == ["sov_wf_22a_rd1 hold", "sov_wf_22a_rd2 defend"]
    assert rf.parameters == {"transfer_divisions": 6}
    assert rf.trace is not None and len(rf.trace.days) == DAYS
    assert main(["replay", str(recorded), "--quiet"]) == 0
    assert "identical, 8 of 8 days" in capsys.readouterr().out


def test_cli_run_save_replay_round_trip(tmp_path, capsys):
    p = tmp_path / "run.json"
    assert main(["run", "two-fronts-1941", "--seed", "5", "--days", "4", "--quiet",
                 "--save-replay", str(p)]) == 0
    digest = json.loads(p.read_text())["digests"][-1]
    assert digest in capsys.readouterr().out
    assert main(["replay", str(p), "--quiet"]) == 0


def test_edited_digest_names_the_first_divergent_day(recorded, tmp_path, capsys):
    bad = _edit(recorded, tmp_path / "d.json", lambda d: d["digests"].__setitem__(6, "0" * 16))
    assert main(["replay", str(bad), "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "diverges on day 5 (1941-10-05)" in out
    assert "edited or damaged" in out


def test_a_seed_out_of_range_is_named_as_the_file_names_it(recorded, tmp_path, capsys):
    bad = _edit(recorded, tmp_path / "s.json", lambda d: d.__setitem__("seed", 2**70))
    assert main(["replay", str(bad), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {bad}: seed must be <= 9,223,372,036,854,775,807"), err


def test_edited_order_diverges_on_its_day(recorded, tmp_path, capsys):
    bad = _edit(recorded, tmp_path / "o.json",
                lambda d: d["orders"].__setitem__(1, {"day": 4, "order": "sov_wf_22a_rd2 hold"}))
    assert main(["replay", str(bad), "--quiet"]) == 1
    assert "diverges on day 4 " in capsys.readouterr().out


def _nudge_phase(monkeypatch, phase: str, day: int, field: str, index: tuple[int, ...]):
    """Make ``phase`` add one ULP to ``state.<field>[0][index]`` on ``day``."""
    def wrap(fn):
        def run(ctx, *a):
            fn(ctx, *a)
            if ctx.day == day:
                arr = getattr(ctx.s, field)[0]
                arr[index] = np.nextafter(arr[index], np.inf)
        return run
    monkeypatch.setattr(core, "PHASES", tuple(
        (n, wrap(f) if n == phase else f) for n, f in core.PHASES))


def test_one_ulp_perturbation_is_pinpointed_to_phase_and_array(
        flagship, recorded, tmp_path, monkeypatch):
    # the perturbed run records a replay; the honest engine replays it
    with monkeypatch.context() as m:
        _nudge_phase(m, "supply", 5, "morale", (3,))
        _record(flagship, tmp_path / "p.json")
        # the perturbed engine's own view of that day, from the honest recording
        res_p = replay(recorded, report_dir=tmp_path / "rep-perturbed")
    assert not res_p.ok
    res = replay(tmp_path / "p.json", report_dir=tmp_path / "rep-honest")
    d = res.divergence
    assert d is not None and d.day == 5
    assert d.phase == "supply" and d.previous_phase == "movement"
    assert d.fields == ["morale"]
    text = (tmp_path / "rep-honest" / "sync.txt").read_text()
    assert "first phase that differs: supply" in text and "morale" in text
    # element level: this machine's dump against the other run's
    diff, same = diff_dumps(tmp_path / "rep-honest" / "day5.npz",
                            tmp_path / "rep-perturbed" / "day5.npz")
    assert not same
    first = diff.splitlines()
    assert "first differing phase: supply" in first[0]
    assert first[1].strip().startswith("supply/morale: 1 element(s) differ")
    assert first[2].strip().startswith("[3]:")


def test_digest_covers_every_state_field():
    from dataclasses import fields

    from stavka.world.digest import OPTIONAL_FIELDS
    from stavka.world.state import State

    # the prefix hashes the step; the day is a function of it
    names = [f.name for f in fields(State) if f.name not in ("day", "step")]
    assert sorted(DIGEST_FIELDS + OPTIONAL_FIELDS) == sorted(
        n for n in names if not n.startswith("memo_"))


@pytest.mark.parametrize("edit, message", [
    (lambda d: d.__setitem__("digest_version", 99), "digest_version: digest version 99"),
    (lambda d: d.__setitem__("replay_version", 0), "replay format version 0"),
    (lambda d: d.__setitem__("code", "0.0.1+feedface"), "code: recorded with stavka '0.0.1"),
    (lambda d: d["scenario"].__setitem__("hash", "f" * 16), "is not the content"),
    (lambda d: d["scenario"].__setitem__("source", "no-such-scenario"), "cannot load"),
    (lambda d: d.__setitem__("format", "other"), "not a stavka replay"),
    (lambda d: d["orders"].append({"day": 5, "order": "ger_ghost attack moscow"}),
     "unknown formation 'ger_ghost'"),
    (lambda d: d["orders"].append({"day": 5, "order": "sov_wf_22a_rd1 attack atlantis"}),
     "unknown region 'atlantis'"),
    (lambda d: d["orders"].append({"day": 5, "order": "sov_wf_22a_rd1 fly"}), "unknown action"),
    (lambda d: d["orders"].append({"day": 50, "order": "sov_wf_22a_rd1 hold"}), "orders.2.day"),
    (lambda d: d["digests"].pop(), "digests: 8 digests for 8 days"),
    # a huge number is cut, not written out in 400 digits
    (lambda d: d.__setitem__("days", 10**400), "digests for 100000000000000000000"),
    (lambda d: d["orders"].append({"day": 10**400, "order": "sov_wf_22a_rd1 hold"}),
     "orders.2.day: step 1000000000000000000000"),
    (lambda d: d["digests"].__setitem__(0, "xyz"), "digests.0:"),
    (lambda d: d.__setitem__("seed", -1), "seed:"),
    (lambda d: d.__setitem__("seed", "7"), "seed:"),
    (lambda d: d.__setitem__("parameters", {"transfer_divisions": 99}), "parameters:"),
    (lambda d: d.__setitem__("parameters", {"nope": 1}), "unknown parameter 'nope'"),
    (lambda d: d["trace"]["days"].__setitem__(0, ["zz"]), "trace.days.0"),
    (lambda d: d.__setitem__("extra", 1), "extra:"),
])
def test_bad_replay_files_are_one_line_exit_2_nothing_written(
        recorded, tmp_path, capsys, edit, message):
    bad = _edit(recorded, tmp_path / "bad.json", edit)
    rep = tmp_path / "report"
    assert main(["replay", str(bad), "--quiet", "--report", str(rep)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and len(err) < 400, err
    assert err.startswith(f"error: {bad}") and message in err, err
    assert not rep.exists()


@pytest.mark.parametrize("content, message", [
    (None, "truncated"),
    (b"", "not a stavka replay"),
    (b"\xff\xfe\x00", "not UTF-8"),
    (b"[1, 2]", "not a stavka replay"),
    (b"[" * 100_000 + b"]" * 100_000, "not a stavka replay"),
    (b"stavka run two-fronts-1941", "not a stavka replay"),
])
def test_damaged_or_foreign_files(recorded, tmp_path, capsys, content, message):
    p = tmp_path / "x.json"
    p.write_bytes(recorded.read_bytes()[:5000] if content is None else content)
    assert main(["replay", str(p), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err, err


def test_missing_file_and_report_on_a_file(recorded, tmp_path, capsys):
    assert main(["replay", str(tmp_path / "nope.json")]) == 2
    assert "cannot read" in capsys.readouterr().err
    f = tmp_path / "file"
    f.write_text("keep me")
    assert main(["replay", str(recorded), "--report", str(f)]) == 2
    assert "not a directory" in capsys.readouterr().err
    assert f.read_text() == "keep me"


def test_diff_refuses_non_dumps(tmp_path, capsys):
    p = tmp_path / "a.npz"
    p.write_text("not a zip")
    assert main(["diff", str(p), str(p)]) == 2
    assert "not a stavka state dump" in capsys.readouterr().err


def test_counts_stay_on_the_fixed_point_grid(flagship):
    from stavka.world.counts import QUANTUM

    c = stavka.Campaign(flagship, seed=2, params={"japan_attack_date": "1941-10-20"}).run(60)
    s = c.world.state
    for name in ("strength", "trucks", "pool", "truck_pool", "manpower", "mob_acc", "losses",
                 "eng_men"):
        a = getattr(s, name)
        assert np.array_equal(a * QUANTUM, np.rint(a * QUANTUM)), name
    assert s.losses.sum() > 0 and (s.pool >= 0).all() and (s.strength >= 0).all()


def test_diff_refuses_other_days_and_foreign_archives(recorded, tmp_path, capsys):
    a = _edit(recorded, tmp_path / "a.json", lambda d: d["digests"].__setitem__(3, "0" * 16))
    b = _edit(recorded, tmp_path / "b.json", lambda d: d["digests"].__setitem__(6, "0" * 16))
    assert main(["replay", str(a), "--quiet", "--report", str(tmp_path / "ra")]) == 1
    assert main(["replay", str(b), "--quiet", "--report", str(tmp_path / "rb")]) == 1
    capsys.readouterr()
    assert main(["diff", str(tmp_path / "ra" / "day2.npz"), str(tmp_path / "rb" / "day5.npz")]) == 2
    assert "compare the same day" in capsys.readouterr().err
    assert main(["diff", str(tmp_path / "ra" / "day2.npz"),
                 str(tmp_path / "ra" / "day2.npz")]) == 0
    np.savez(tmp_path / "other.npz", x=np.arange(3))
    assert main(["diff", str(tmp_path / "other.npz"), str(tmp_path / "other.npz")]) == 2
    assert "no meta/day" in capsys.readouterr().err
    assert main(["diff", str(recorded), str(recorded)]) == 2
    assert "not an .npz archive" in capsys.readouterr().err


# ---- hostile input, by kind -------------------------------------------------------

@pytest.mark.parametrize("edit, message", [
    (lambda d: d["recorded_on"].__setitem__("cpu", "a\nb"), "control character"),
    (lambda d: d["recorded_on"].__setitem__("cpu", "\ud800"), "control character"),
    (lambda d: d.__setitem__("code", "x" * 20_000), "a string of 20,000 characters"),
    (lambda d: d["scenario"].__setitem__("source", "s" * 300), "not a usable path"),
    (lambda d: d["scenario"].__setitem__("source", "/etc/passwd"), "cannot load"),
    (lambda d: d["scenario"].__setitem__("source", "/dev/zero"), "not a scenario file"),
    (lambda d: d.__setitem__("parameters", {"japan_threshold": 10**400}), "japan_threshold"),
    (lambda d: d.__setitem__("orders", [{"day": 0, "order": "x hold"}] * 100_001), "the limit"),
    (lambda d: (d.__setitem__("days", 500), d.__setitem__("digests", ["0" * 16] * 501),
                d.pop("trace")), "lasts"),
])
def test_hostile_replay_fields(recorded, tmp_path, capsys, edit, message):
    bad = _edit(recorded, tmp_path / "bad.json", edit)
    assert main(["replay", str(bad), "--quiet", "--report", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err and len(err) < 400, err
    assert not (tmp_path / "r").exists()


def test_integer_too_long_for_json(recorded, tmp_path, capsys):
    p = tmp_path / "big.json"
    p.write_text(recorded.read_text().replace('"seed": 3', '"seed": ' + "9" * 5000, 1))
    assert main(["replay", str(p), "--quiet"]) == 2
    assert "not a stavka replay" in capsys.readouterr().err


def test_special_files_are_never_read_or_replaced(recorded, tmp_path, capsys):
    import os

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for args in (["replay", str(fifo)], ["replay", "/dev/zero"],
                 ["diff", str(fifo), str(fifo)], ["run", str(fifo), "--days", "1"]):
        assert main([*args, "--quiet"] if args[0] != "diff" else args) == 2, args
        err = capsys.readouterr().err
        assert "not a regular file" in err or "not a scenario file" in err, err
    # outputs: a FIFO, a symlink or a folder is refused before the campaign runs
    link = tmp_path / "link.json"
    link.symlink_to(recorded)
    before = recorded.read_bytes()
    for target in (fifo, link, tmp_path):
        assert main(["run", "two-fronts-1941", "--days", "2", "--quiet",
                     "--save-replay", str(target)]) == 2
        err = capsys.readouterr()
        assert "cannot write there" in err.err and "digest" not in err.out
    assert fifo.is_fifo() and link.is_symlink() and recorded.read_bytes() == before
    assert main(["run", "two-fronts-1941", "--days", "2", "--quiet",
                 "--save-replay", "/proc/nope/r.json"]) == 2
    assert "digest" not in capsys.readouterr().out  # refused before running


def test_report_paths(recorded, tmp_path, capsys):
    assert main(["replay", str(recorded), "--quiet", "--report", ""]) == 2
    assert main(["run", "two-fronts-1941", "--days", "1", "--quiet", "--report", ""]) == 2
    capsys.readouterr()
    # a report folder that would overwrite the replay being read
    d = tmp_path / "rep"
    d.mkdir()
    inside = d / "sync.txt"
    inside.write_bytes(recorded.read_bytes())
    assert main(["replay", str(inside), "--quiet", "--report", str(d)]) == 2
    assert "overwrite" in capsys.readouterr().err
    assert inside.read_bytes() == recorded.read_bytes()


def test_edited_trace_is_a_divergence(recorded, tmp_path, capsys):
    def edit(d):
        row = d["trace"]["days"][2]
        row[3] = ("f" if row[3][0] != "f" else "e") + row[3][1:]
    bad = _edit(recorded, tmp_path / "t.json", edit)
    assert main(["replay", str(bad), "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "diverges on day 2" in out and "trace was edited or damaged" in out


def test_diff_refuses_a_zip_bomb(tmp_path, capsys):
    import zipfile

    p = tmp_path / "bomb.npz"
    with zipfile.ZipFile(p, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("meta/day.npy", b"\0" * (600 * 2**20))
    assert p.stat().st_size < 2 * 2**20
    assert main(["diff", str(p), str(p)]) == 2
    assert "expands to" in capsys.readouterr().err


def test_api_rejects_bad_trace_and_paths():
    from stavka.errors import InputError

    with pytest.raises(InputError):
        stavka.Campaign("two-fronts-1941", trace="no")  # type: ignore[arg-type]
    with pytest.raises(InputError):
        stavka.load("a\0b.yaml")
    with pytest.raises(InputError):
        stavka.load(12)  # type: ignore[arg-type]


def test_replay_of_a_loaded_shipped_scenario_names_the_id(flagship, tmp_path):
    c = stavka.Campaign(flagship, seed=1).run(2)  # loaded object, no source given
    c.save_replay(tmp_path / "x.json")
    assert json.loads((tmp_path / "x.json").read_text())["scenario"]["source"] == \
        "two-fronts-1941"


DATA = Path(__file__).parent / "data"


def test_a_divergence_in_an_optional_array_is_named(tmp_path, monkeypatch):
    """cmd_state enters the digest only for a scenario with commanders: the trace and the
    dump carry it too, so a divergence there is named, not blamed on the file."""
    src = DATA / "t_commanders.yaml"

    def record(path: Path) -> None:
        c = stavka.Campaign(stavka.load(src), seed=1, trace=True)
        c.run(4)
        c.save_replay(path)

    record(tmp_path / "honest.json")
    ring = stavka.load(src).spec.commanders[1].id
    assert ring == "gen_ring"

    def wrap(fn):
        def run(ctx, *a):
            fn(ctx, *a)
            if ctx.day == 2:
                ctx.s.cmd_state[0][1] = 2  # Colonel Ring "captured" out of nowhere
        return run

    with monkeypatch.context() as m:
        m.setattr(core, "PHASES", tuple((n, wrap(f) if n == "combat" else f)
                                        for n, f in core.PHASES))
        record(tmp_path / "bent.json")
        res_bent = replay(tmp_path / "honest.json", report_dir=tmp_path / "rep-bent")
    assert not res_bent.ok
    rf = read_replay(tmp_path / "bent.json")
    assert rf.trace is not None and "cmd_state" in rf.trace.fields
    res = replay(tmp_path / "bent.json", report_dir=tmp_path / "rep-honest")
    d = res.divergence
    assert d is not None and d.day == 2
    assert (d.phase, d.fields) == ("combat", ["cmd_state"]), res.report()
    assert "edited or damaged" not in res.report()
    diff, same = diff_dumps(tmp_path / "rep-honest" / "day2.npz",
                            tmp_path / "rep-bent" / "day2.npz")
    assert not same and "combat/cmd_state: 1 element(s) differ" in diff


def test_a_replay_in_hours_counts_steps(tmp_path, capsys):
    scn = tmp_path / "t_hours6.yaml"
    scn.write_text((DATA / "t_hours.yaml").read_text() + "step_hours: 6\n")
    c = stavka.Campaign(stavka.load(scn), seed=2, trace=True)
    c.run(2)
    c.save_replay(tmp_path / "h.json")
    rf = read_replay(tmp_path / "h.json")
    assert rf.days == 8 and rf.trace is not None and "eng_day0" in rf.trace.fields
    assert main(["replay", str(tmp_path / "h.json"), "--quiet"]) == 0
    assert "identical, 8 of 8 steps" in capsys.readouterr().out
    bad = _edit(tmp_path / "h.json", tmp_path / "hb.json",
                lambda d: d["digests"].__setitem__(6, "0" * 16))
    assert main(["replay", str(bad), "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "diverges on step 5 (1941-10-17, day 1, 6-hour steps)" in out, out


def test_a_trace_of_the_fixed_fields_only_still_replays(tmp_path, capsys):
    """A replay recorded before every digested array was traced (its trace: the fixed
    fields only) is compared on those fields."""
    from stavka.replay import TRACE_HEX

    c = stavka.Campaign(stavka.load(DATA / "t_commanders.yaml"), seed=1, trace=True)
    c.run(3)
    c.save_replay(tmp_path / "new.json")
    k = len(DIGEST_FIELDS) * TRACE_HEX

    def old(doc):
        assert doc["trace"]["fields"][len(DIGEST_FIELDS):] == ["siege", "cmd_state"]
        doc["trace"]["fields"] = list(DIGEST_FIELDS)
        doc["trace"]["days"] = [[x[:k] for x in row] for row in doc["trace"]["days"]]

    p = _edit(tmp_path / "new.json", tmp_path / "old.json", old)
    assert main(["replay", str(p), "--quiet"]) == 0
    assert "identical, 3 of 3 days" in capsys.readouterr().out
