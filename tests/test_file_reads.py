"""Every file stavka reads from a user's disk is read as a regular file of bounded size.

A FIFO in a file's place blocked a command (or a web request, and with it the server's
shutdown) forever; ``/dev/zero`` was read until the machine ran out of memory; a
non-UTF-8 file or JSON nested 200,000 deep ended in a traceback. Fixed as a kind: such
reads go through :func:`stavka.atomic.read_regular` (and ``read_text_file`` /
``read_json_file`` on it), and the source is checked so that a new unguarded read fails
here until it is guarded or given a reason below.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from stavka.atomic import read_json_file, read_text_file
from stavka.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "stavka"
STAVKA = str(Path(sys.executable).parent / "stavka")
BATTLES = ROOT.parent / "shared" / "data" / "cdb90" / "battles.csv"

#: (file, call) -> why this read needs no guard. A call is ``read_text``, ``read_bytes``,
#: ``open`` (for reading), ``np.load`` or ``gzip.open`` on a path.
ALLOWED = {
    ("atomic.py", "open"): "the guarded reader itself (a non-blocking open, then fstat)",
    ("replay.py", "open"): "a dump file, after check_regular and within its size limit",
    ("replay.py", "load"): "the same dump, opened just above",
    ("sweep/store.py", "read_bytes"): "the fingerprint of scenario files the loader read "
                                      "(guarded) a moment before",
    ("scenario/loader.py", "read_bytes"): "the hash of files the loader itself read, guarded",
    ("sweep/store.py", "load"): "a batch file, after _plain (a regular file, not a link)",
    ("sweep/store.py", "open"): "a daily file, after _plain",
    ("validation/history.py", "open"): "a sweep's daily files, checked by daily_files_ok",
}


def _reads() -> list[tuple[str, str, int]]:
    """(file, call, line) of every read of a path in src that is not package data."""
    out = []
    for p in sorted(SRC.rglob("*.py")):
        rel = str(p.relative_to(SRC))
        text = p.read_text(encoding="utf-8")
        for n in ast.walk(ast.parse(text)):
            if not isinstance(n, ast.Call):
                continue
            f = n.func
            name = f.attr if isinstance(f, ast.Attribute) else (
                f.id if isinstance(f, ast.Name) else "")
            seg = ast.get_source_segment(text, n) or ""
            if "resources.files" in seg or "os.devnull" in seg or "O_WRONLY" in seg:
                continue  # package data; the null device
            modes = [a.value for a in n.args[:2] if isinstance(a, ast.Constant)] + [
                k.value.value for k in n.keywords
                if k.arg == "mode" and isinstance(k.value, ast.Constant)]
            if any(isinstance(m, str) and set(m) & set("wax") for m in modes):
                continue  # a write
            is_np_load = name == "load" and isinstance(f, ast.Attribute) and isinstance(
                f.value, ast.Name) and f.value.id == "np"
            if name in ("read_text", "read_bytes", "open") or is_np_load:
                out.append((rel, name, n.lineno))
    return out


def test_every_read_of_a_users_file_is_guarded_or_has_a_reason() -> None:
    found = _reads()
    bad = [f"src/stavka/{f}:{line}: {call}(...) reads a path without "
           f"stavka.atomic.read_regular" for f, call, line in found if (f, call) not in ALLOWED]
    assert not bad, "\n".join(bad)
    stale = set(ALLOWED) - {(f, c) for f, c, _ in found}
    assert not stale, f"reasons for reads that are gone: {sorted(stale)}"


def test_the_readers_say_what_is_wrong_in_one_line(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match=r"fifo: cannot read battles file \(not a regular"):
        read_text_file(fifo, 1000, "battles file")
    with pytest.raises(InputError, match="/dev/zero: cannot read x file"):
        read_text_file("/dev/zero", 1000, "x file")
    (tmp_path / "big").write_text("x" * 2000)
    with pytest.raises(InputError, match="2,000 bytes; the limit is 1,000"):
        read_text_file(tmp_path / "big", 1000, "x file")
    (tmp_path / "bin").write_bytes(b"ok\xd0\xff")
    with pytest.raises(InputError, match=r"x file is not UTF-8 text \(byte 2\)"):
        read_text_file(tmp_path / "bin", 1000, "x file")
    (tmp_path / "deep.json").write_text("[" * 200_000 + "]" * 200_000)
    with pytest.raises(InputError, match="nested too deeply"):
        read_json_file(tmp_path / "deep.json", 10**6, "summary")
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(InputError, match="summary is not JSON"):
        read_json_file(tmp_path / "bad.json", 10**6, "summary")
    (tmp_path / "bom.json").write_bytes(b"\xef\xbb\xbf[1]")
    assert read_json_file(tmp_path / "bom.json", 100, "summary") == [1]


def _stavka(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([STAVKA, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=240)


@pytest.mark.skipif(not BATTLES.is_file(), reason="the CDB90 data folder is not beside")
def test_a_bad_battles_file_is_one_line_and_nothing_is_written(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo.csv")
    (tmp_path / "bin.csv").write_bytes(b"isqno,year\n1,\xd0\xd0\n")
    rows = list(csv.reader(BATTLES.open(encoding="utf-8-sig")))
    rows[5][rows[0].index("a_strength")] = "1e308"
    with (tmp_path / "huge.csv").open("w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    for name, want in [("/dev/zero", "/dev/zero: cannot read battles file (not a regular"),
                       ("fifo.csv", "fifo.csv: cannot read battles file (not a regular"),
                       ("bin.csv", "bin.csv: battles file is not UTF-8 text"),
                       ("huge.csv", "huge.csv:6: isqno ")]:
        r = _stavka("validate", "cdb90", "--battles", name, "--runs", "10", cwd=tmp_path)
        assert r.returncode == 2, (name, r.stderr)
        assert r.stderr.startswith(f"error: {want}"), r.stderr
        assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "column 'a_strength': must be at most 1e+09" in r.stderr
    # a failed fit never replaces a parameters file that is there
    params = tmp_path / "p.yaml"
    from stavka.combat.params import load_params, write_params

    write_params(load_params("v4"), params)  # a parameters file calibrate may replace
    before = hashlib.sha256(params.read_bytes()).hexdigest()
    r = _stavka("calibrate", "cdb90", "--battles", "huge.csv", "--out", "p.yaml", cwd=tmp_path)
    assert r.returncode == 2 and "huge.csv:6" in r.stderr, r.stderr
    assert hashlib.sha256(params.read_bytes()).hexdigest() == before


def test_a_sweep_folder_with_a_deep_or_fifo_manifest_is_refused(tmp_path: Path) -> None:
    for name in ("deep", "fifo"):
        d = tmp_path / name
        d.mkdir()
        if name == "deep":
            (d / "sweep.json").write_text("[" * 200_000 + "]" * 200_000)
        else:
            os.mkfifo(d / "sweep.json")
        r = _stavka("sweep", "two-fronts-1941", "--runs", "2", "--days", "1", "--out",
                    str(d), "--quiet", cwd=tmp_path)
        assert r.returncode == 2, r.stderr
        assert r.stderr.startswith(f"error: --out {d}: unreadable sweep.json"), r.stderr


def test_the_war_rooms_folders_pass_over_a_deep_or_fifo_summary(tmp_path: Path) -> None:
    import json

    from stavka.web.folders import Folders
    from stavka.web.service import WebError

    for name in ("deep", "fifo", "good", "sweep"):
        (tmp_path / name).mkdir()
    (tmp_path / "deep" / "summary.json").write_text("[" * 200_000 + "]" * 200_000)
    os.mkfifo(tmp_path / "fifo" / "summary.json")
    (tmp_path / "good" / "summary.json").write_text(json.dumps(
        {"scenario": "two-fronts-1941", "seed": 0, "days": 1, "digest": "0" * 16}))
    (tmp_path / "sweep" / "summary.json").write_text(json.dumps(
        {"scenario": "two-fronts-1941", "results": [], "flags": []}))
    os.mkfifo(tmp_path / "sweep" / "runs.csv")
    f = Folders([tmp_path])
    # one bad folder does not break the listing of the others (it was a 500, or a hang)
    assert sorted(e["name"] for e in f.listing()["entries"]) == ["good", "sweep"]
    for name in ("deep", "fifo"):
        with pytest.raises(WebError) as exc:
            f.report(str(tmp_path / name))
        assert exc.value.status == 404
    assert f.sweep(str(tmp_path / "sweep"))["values"] == {}  # runs.csv a FIFO: no values
