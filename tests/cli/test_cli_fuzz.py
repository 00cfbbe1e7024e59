"""Fuzzing the command line: hostile invocations of ``stavka``, each in its own process.

Generated, seeded invocations: mutated scenario files through ``stavka check`` and
``stavka run --days 3``; bad values for ``run``'s ``--set``, ``--days``, ``--seed``,
``--report`` and ``--save-replay``; damaged replay files for ``replay``; damaged state
dumps for ``diff``; bad ``sweep`` options and ``--vary`` specs. Each runs as a
subprocess under a wall-clock timeout, a CPU-time limit and an address-space limit
(``resource.setrlimit``), and must:

* exit 0 or 2 (``replay`` and ``diff`` may also exit 1: diverged / different);
* never print a Python traceback;
* on an error, print only located one-line messages: ``FILE:LINE: ...`` or ``error:``
  naming the flag, the file or the parameter (plus the scenario's problem count).

The default run tries :data:`DEFAULT_N` invocations (about a minute); for more, set
``STAVKA_CLI_FUZZ_N`` (and ``STAVKA_CLI_FUZZ_SEED``) or select the ``slow`` test:
``STAVKA_CLI_FUZZ_N=1000 .venv/bin/pytest tests/cli/test_cli_fuzz.py -m slow``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
SHIPPED = ROOT / "src" / "stavka" / "scenarios" / "two-fronts-1941"
STAVKA = str(Path(sys.executable).parent / "stavka")

DEFAULT_N = 36
SLOW_N = int(os.environ.get("STAVKA_CLI_FUZZ_N", "1000"))
SEED = int(os.environ.get("STAVKA_CLI_FUZZ_SEED", "1945"))
#: Per invocation: wall clock (a loaded machine is slow), CPU seconds, address space.
TIMEOUT_S = 300
CPU_S = 120
MEMORY_BYTES = 3 * 2**30
PARALLEL = 2

_spec = importlib.util.spec_from_file_location(
    "stavka_loader_fuzz", ROOT / "tests" / "scenario" / "test_loader_fuzz.py")
assert _spec is not None and _spec.loader is not None
_loader_fuzz = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_loader_fuzz)
mutate: Callable[[random.Random, str], str] = _loader_fuzz.mutate


@dataclass
class Case:
    """One invocation: its arguments, the exit codes it may end with, and the words one of
    which every error line must contain (flags, file names, parameter names)."""

    args: list[str]
    anchors: list[str] = field(default_factory=list)
    codes: tuple[int, ...] = (0, 2)


def _limits() -> None:  # in the child, before exec
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_S, CPU_S))


HOSTILE = [
    "", " ", "0", "-1", "1", "3", "1.5", "1e999", "-1e308", "nan", "inf", "none", "null",
    "true", "abc", "9" * 30, "9" * 5000, "-" + "9" * 25, "0x10", "1_000", "1941-10-05",
    "1900-01-01", "2100-01-01", "1941-02-30", "a\nb", "\x1b[31mred", "[/]", "[bold]x",
    "\u202eevil", "Москва", "🎯", "=", "==", "a=b=c", "..", "0..", "..3", "0..3:", "5..0",
    "0..2:0", "0..2:-1", "0..99999999", "0,,1", ",", "1,1", "x" * 300, "/", "/dev/null",
    "/proc/1/x", "/etc/passwd", "../../x", "~", "$HOME",
]


def _value(r: random.Random) -> str:
    if r.random() < 0.8:
        return r.choice(HOSTILE)
    return "".join(r.choice("09az-.,:=/_ \n[]$\x1b") for _ in range(r.randint(1, 12)))


class Inputs:
    """Files the cases use, made once in a temporary folder."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.mini = DATA / "mini.yaml"
        shutil.copy(self.mini, tmp / "mini.yaml")
        (tmp / "a_file").write_text("x")
        (tmp / "a_dir").mkdir()
        self.replay = tmp / "good.json"
        _run([STAVKA, "run", str(self.mini), "--days", "3", "--quiet", "--save-replay",
              str(self.replay)], tmp, check=True)
        # a divergent replay's report holds a state dump (day<D>.npz) for `diff`
        bad = json.loads(self.replay.read_text())
        bad["digests"][1] = "0" * len(bad["digests"][1])
        (tmp / "diverged.json").write_text(json.dumps(bad))
        _run([STAVKA, "replay", str(tmp / "diverged.json"), "--quiet", "--report",
              str(tmp / "sync")], tmp)
        dumps = sorted((tmp / "sync").glob("day*.npz"))
        assert dumps, "no state dump to fuzz diff with"
        self.dump = dumps[0]
        self.n = 0

    def path(self, suffix: str) -> Path:
        self.n += 1
        return self.tmp / f"f{self.n}{suffix}"


def _run(cmd: list[str], cwd: Path, check: bool = False) -> subprocess.CompletedProcess[str]:
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, errors="replace",
                       timeout=TIMEOUT_S, preexec_fn=_limits,
                       env={**os.environ, "COLUMNS": "200"})
    if check:
        assert p.returncode == 0, p.stderr
    return p


# -- case generators -------------------------------------------------------------


def scenario_case(r: random.Random, inp: Inputs) -> Case:
    """A mutated scenario through ``check`` or ``run --days 3``."""
    if r.random() < 0.75:
        path = inp.path(".yaml")
        path.write_text(mutate(r, inp.mini.read_text()), encoding="utf-8")
        target, anchors = path, [path.name]
    else:  # the shipped scenario with one file mutated
        folder = inp.path("")
        shutil.copytree(SHIPPED, folder)
        victim = r.choice(sorted(folder.glob("*.yaml")))
        victim.write_text(mutate(r, victim.read_text()), encoding="utf-8")
        target, anchors = folder, [folder.name]
    if r.random() < 0.5:
        return Case(["check", str(target)], anchors)
    return Case(["run", str(target), "--days", "3", "--quiet"], anchors)


def run_flags_case(r: random.Random, inp: Inputs) -> Case:
    """``run`` with one or two hostile option values."""
    args = ["run", str(inp.mini), "--quiet"]
    anchors = []
    for _ in range(r.choice((1, 1, 2))):
        flag = r.choice(["--set", "--set", "--days", "--seed", "--report", "--save-replay"])
        anchors.append(flag)
        v = _value(r)
        if flag == "--set":
            name = r.choice(["transfer_divisions", "japan_attack_date", _value(r)])
            v = r.choice([f"{name}={v}", v, f"{name}{v}"])
            anchors.append(v.split("=", 1)[0].strip())  # the name as given
        elif flag in ("--report", "--save-replay"):
            v = r.choice([v, str(inp.tmp / "a_file"), str(inp.tmp / "a_dir"),
                          str(inp.path("")) + v.replace("\n", ""), ""])
        args += [flag, v]
    if "--days" not in args:
        args += ["--days", "3"]
    return Case(args, anchors)


def _damage_json(r: random.Random, text: str) -> str:
    data = json.loads(text)
    for _ in range(r.randint(1, 3)):
        key = r.choice(list(data))
        kind = r.randrange(6)
        if kind == 0:
            del data[key]
        elif kind == 1:
            data[key] = r.choice([None, [], {}, "x", -1, 10**30, 1.5, True, "\n", [None] * 3])
        elif kind == 2 and isinstance(data[key], list) and data[key]:
            data[key] = data[key][: r.randrange(len(data[key]))] + [r.choice([0, "z", None])]
        elif kind == 3 and isinstance(data[key], dict) and data[key]:
            sub = r.choice(list(data[key]))
            data[key][sub] = r.choice([None, 0, "x" * 200, "../../etc/passwd", [1]])
        elif kind == 4:
            data[r.choice(["", "x", "\x00", key + "_"])] = 1
        else:
            data[key] = json.loads(json.dumps(data[key]))  # unchanged
    out = json.dumps(data)
    if r.random() < 0.2:
        out = out[: r.randrange(len(out))]
    return out


def replay_case(r: random.Random, inp: Inputs) -> Case:
    """``replay`` of a damaged replay file (or a file that is no replay at all)."""
    path = inp.path(".json")
    good = inp.replay.read_text()
    choice = r.randrange(5)
    if choice <= 2:
        path.write_text(_damage_json(r, good))
    elif choice == 3:
        path.write_bytes(bytes(r.randrange(256) for _ in range(r.randint(0, 300))))
    else:
        path.write_text(r.choice(["[]", "{}", "null", "1" * 5000, '{"format": "stavka-replay"}',
                                  "[" * 100000, good.replace("3", "9", 1)]))
    args = ["replay", str(path), "--quiet"]
    anchors = [path.name]
    if r.random() < 0.3:
        flag = r.choice(["--report", "--scenario"])
        args += [flag, r.choice([_value(r), str(inp.tmp / "a_file"), str(inp.path(""))])]
        anchors.append(flag)
    if r.random() < 0.2:
        args.append("--any-version")
    return Case(args, anchors, (0, 1, 2))


def diff_case(r: random.Random, inp: Inputs) -> Case:
    """``diff`` of a damaged state dump against a good one."""
    path = inp.path(".npz")
    raw = inp.dump.read_bytes()
    kind = r.randrange(4)
    if kind == 0:
        path.write_bytes(raw[: r.randrange(len(raw))])
    elif kind == 1:
        b = bytearray(raw)
        for _ in range(r.randint(1, 20)):
            b[r.randrange(len(b))] = r.randrange(256)
        path.write_bytes(bytes(b))
    elif kind == 2:
        with zipfile.ZipFile(path, "w") as z:
            z.writestr(r.choice(["x.npy", "meta.json", "../x.npy", "a/b.npy"]),
                       bytes(r.randrange(256) for _ in range(r.randint(0, 200))))
    else:
        path.write_text(_value(r))
    pair = [str(path), str(inp.dump)]
    r.shuffle(pair)
    return Case(["diff", *pair], [path.name, inp.dump.name], (0, 1, 2))


def sweep_case(r: random.Random, inp: Inputs) -> Case:
    """``sweep`` with hostile options (small and serial when they happen to be valid)."""
    out = inp.path("")
    args = ["sweep", str(inp.mini), "--quiet", "--backend", "serial", "--days", "2",
            "--runs", "2", "--out", str(out)]
    anchors = []
    for _ in range(r.choice((1, 1, 2))):
        flag = r.choice(["--vary", "--vary", "--vary", "--runs", "--seed", "--batch-size",
                         "--workers", "--backend", "--out", "--days"])
        anchors.append(flag)
        if flag == "--vary":
            name = r.choice(["transfer_divisions", "japan_attack_date", _value(r)])
            v = r.choice([f"{name}={_value(r)}", _value(r), f"{name}=0..2", f"{name}=0,1"])
            anchors.append(v.split("=", 1)[0].strip())  # the name as given
        elif flag == "--out":
            v = r.choice([_value(r), str(inp.tmp / "a_file"), str(inp.tmp / "a_dir")])
        else:
            v = _value(r)
        if flag in args and flag != "--vary":
            i = args.index(flag)
            args[i + 1] = v
        else:
            args += [flag, v]
    return Case(args, anchors)


GENERATORS = [scenario_case] * 4 + [run_flags_case] * 3 + [replay_case] * 2 + \
    [diff_case] + [sweep_case] * 2


# -- the contract ----------------------------------------------------------------


def check_case(case: Case, inp: Inputs) -> str | None:
    """Run one case; None if it kept the contract, else what went wrong."""
    try:
        p = _run([STAVKA, *case.args], inp.tmp)
    except subprocess.TimeoutExpired:
        return f"timed out after {TIMEOUT_S} s"
    if "Traceback" in p.stderr:
        return "traceback:\n" + p.stderr[-3000:]
    if p.returncode not in case.codes:
        return f"exit {p.returncode} (expected one of {case.codes}):\n{p.stderr[-2000:]}"
    if p.returncode == 0:
        return None
    lines = p.stderr.splitlines()
    if not lines:
        return f"exit {p.returncode} with nothing on stderr"
    for ln in lines:
        if not ln.isprintable():
            return f"unescaped line: {ln!r}"
        if _located(ln, case):
            continue
        return f"unlocated line: {ln!r}\n(stderr: {p.stderr[-2000:]})"
    return None


def _located(line: str, case: Case) -> bool:
    head, _, rest = line.partition(": ")
    if ":" in head and head.rsplit(":", 1)[1].isdigit():  # FILE:LINE: ...
        return True
    if line.startswith("error: ") and line.endswith(" problem(s) in scenario"):
        return True
    if not line.startswith(("error: ", "warning: ")):
        return False
    text = line.split(": ", 1)[1]
    words = [a for a in case.anchors if a] + ["--" + a for a in ("vary", "runs", "out")]
    words += [a for a in case.args if a.startswith("--")]
    # a path may be shown escaped or cut: its last component's first characters suffice
    words += [Path(a).name[:20] for a in case.args if "/" in a and Path(a).name]
    return any(w in text or repr(w)[1:-1] in text for w in words)


def fuzz(n: int, seed: int, tmp: Path) -> None:
    inp = Inputs(tmp)
    r = random.Random(seed)
    cases = [r.choice(GENERATORS)(r, inp) for _ in range(n)]
    with ThreadPoolExecutor(PARALLEL) as ex:
        results = list(ex.map(lambda c: check_case(c, inp), cases))
    failures = [(c.args, why) for c, why in zip(cases, results, strict=True) if why]
    assert not failures, (f"{len(failures)} of {n} invocations broke the contract; first:\n"
                          + "\n\n".join(f"stavka {a!r}\n{w}" for a, w in failures[:5]))


def test_cli_fuzz(tmp_path):
    fuzz(DEFAULT_N, SEED, tmp_path)


@pytest.mark.slow
def test_cli_fuzz_many(tmp_path, request):
    if "STAVKA_CLI_FUZZ_N" not in os.environ and "slow" not in (request.config.option.markexpr
                                                                 or ""):
        pytest.skip("set STAVKA_CLI_FUZZ_N or select -m slow")
    fuzz(SLOW_N, SEED + 1, tmp_path)
