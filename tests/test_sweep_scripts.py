"""The scenarios' sweep scripts (``scenarios/*/holdtime.py``) share one command line
(:func:`stavka.sweep.script.script_args`): bad arguments are usage errors."""

from __future__ import annotations

import pytest

from stavka.api import list_scenarios


@pytest.mark.parametrize("sid", ["moscow-last-stand", "red-alert-far-east"])
@pytest.mark.parametrize(("args", "want"), [
    (["--runs", "0"], "argument --runs: must be >= 1 (got 0)"),
    (["--runs", "-1"], "argument --runs: must be >= 1 (got -1)"),
    (["--runs", "2.5"], "argument --runs: must be an integer (got '2.5')"),
    (["--runs", "100001"], "argument --runs: must be <= 100,000 (got 100,001)"),
    (["--seed", "-1"], "argument --seed: must be >= 0 (got -1)"),
    (["--out", "FILE"], "--out FILE: exists and is not a directory"),
    (["--plot", "DIR"], "--plot DIR: exists and is a directory"),
])
def test_holdtime_bad_arguments_are_usage_errors(tmp_path, sid, args, want) -> None:  # type: ignore[no-untyped-def]
    """holdtime.py: a bad count or an output path it cannot write is argparse's one-line
    error (after the usage line), exit 2, before anything runs; never a traceback."""
    import subprocess
    import sys

    (tmp_path / "f").write_text("x")
    subs = {"FILE": str(tmp_path / "f"), "DIR": str(tmp_path)}
    args = [subs.get(a, a) for a in args]
    if "--out" not in args:
        args += ["--out", str(tmp_path / "o")]
    script = list_scenarios()[sid] / "holdtime.py"
    p = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True,
                       timeout=120)
    lines = p.stderr.strip().splitlines()
    assert p.returncode == 2 and "Traceback" not in p.stderr, p.stderr
    assert lines[0].startswith("usage:") and lines[-1] == (
        "holdtime.py: error: " + want.replace("FILE", subs["FILE"]).replace("DIR", subs["DIR"]))
    assert not (tmp_path / "o" / "holdtime.csv").exists()
