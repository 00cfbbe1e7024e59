"""A reader that stops early (``stavka ... | head -1``) does not cut a command short.

Before ``stavka.consoles.GuardedStdout``, rich turned the broken pipe into ``SystemExit(1)``
at the first line the reader did not take: ``run --report D --save-replay F | head -1``
exited 1 with nothing said and wrote neither the report nor the replay. The commands run
here in a real subprocess whose standard output is a pipe closed after its first line.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

STAVKA = str(Path(sys.executable).parent / "stavka")


def _head_1(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """Run ``stavka ARGS | head -1``: (exit code, the line read, stderr)."""
    p = subprocess.Popen([STAVKA, *args], cwd=cwd, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    assert p.stdout is not None and p.stderr is not None
    line = p.stdout.readline()
    p.stdout.close()  # the reader goes away; the command has more to print
    try:
        rc = p.wait(timeout=300)
    finally:
        if p.poll() is None:
            p.kill()
    return rc, line, p.stderr.read()


def test_run_writes_its_report_and_replay_when_the_reader_stops_early(tmp_path: Path) -> None:
    rc, line, err = _head_1(["run", "two-fronts-1941", "--days", "3", "--quiet",
                             "--report", "rep", "--save-replay", "r.json"], tmp_path)
    assert line.startswith("two-fronts-1941 seed 0")
    assert rc == 0, err
    assert err == ""
    assert (tmp_path / "rep" / "summary.json").is_file()
    assert (tmp_path / "rep" / "chronicle.md").is_file()
    assert (tmp_path / "r.json").stat().st_size > 0


@pytest.mark.parametrize("args", [["--help"], ["docs"], ["sweep", "--help"]])
def test_printing_commands_end_quietly_when_the_reader_stops_early(
        tmp_path: Path, args: list[str]) -> None:
    rc, line, err = _head_1(args, tmp_path)
    assert line.endswith("\n")  # a whole first line (rich's help starts with a blank one)
    assert rc == 0
    assert "Traceback" not in err and "BrokenPipe" not in err, err


def test_a_user_error_still_reaches_stderr(tmp_path: Path) -> None:
    rc, line, err = _head_1(["run", "no-such-scenario"], tmp_path)
    assert rc == 2
    assert line == ""
    assert err.startswith("error: unknown scenario 'no-such-scenario'")
