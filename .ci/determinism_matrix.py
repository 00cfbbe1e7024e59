#!/usr/bin/env python3
"""Determinism matrix: the flagship's digests must be bit-identical in every environment.

Runs one probe (two-fronts-1941, seed 7: digest after 30 days and after the full run, through
the public stavka API) in several environments and requires every result to be identical, and
equal to the golden constants in tests/test_flagship.py:

  project  the project's .venv (made by `make setup` from requirements.lock)
  oldest   a venv with the OLDEST numpy and scipy that pyproject.toml allows (its `>=` floors),
           every other package at its requirements.lock version
  newest   a venv with the NEWEST numpy and scipy that pip finds for this Python within
           pyproject.toml's ranges, every other package at its requirements.lock version

stavka is installed into the two extra venvs editable from this checkout with --no-deps.
The project's environment is also run with NUMBA_DISABLE_JIT=1: the engine's compiled kernels
(src/stavka/engine/kernels.py) then run as plain Python, so equal digests show that compiling
them changed no bit. Each environment is run as it is and again under every value of
NPY_DISABLE_CPU_FEATURES that
its numpy build and this CPU accept and that changes what numpy dispatches to (each dispatch
target this CPU has, cumulatively from the top: "the best this machine has is one level lower",
plus a few fixed sets). Values numpy refuses (baseline features, names it does not dispatch) or
that change nothing (targets this CPU lacks) are listed as skipped, with numpy's reason.

Plain Python, standard library only; run it with the system python3 after `make setup`:

    python3 .ci/determinism_matrix.py [--cache-dir DIR] [--fresh] [--only project,oldest,newest]

The extra venvs live in --cache-dir (default: $TMPDIR/stavka-determinism-matrix) and are reused
while what they should contain is unchanged (a stamp file says what that was); --fresh rebuilds
them. Exit status: 0 all identical and equal to the golden digests; 1 a digest differs (the
lines starting with MISMATCH name which); 2 an environment could not be built or probed (lines
starting with ERROR), whatever the digests.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent

# The probe: prints "<digest after 30 days> <digest of the full run>". Keep it on the public API.
PROBE = (
    "import stavka; s=stavka.load('two-fronts-1941'); "
    "print(stavka.Campaign(s, seed=7).run(days=30).digest(), "
    "stavka.Campaign(s, seed=7).run().digest())"
)
PROBE_TIMEOUT = 900  # seconds, one probe
GOLDEN_FILE = "tests/test_flagship.py"
LOCK = "requirements.lock"
TOOLS_LOCK = "requirements-tools.lock"
GOLDEN_PATTERNS = {  # the test file spells them GOLDEN_30_DAYS_SEED_7 / GOLDEN_FULL_SEED_7
    "30 days": r"GOLDEN_30\w*_SEED_7",
    "full run": r"GOLDEN_FULL\w*_SEED_7",
}
# Tried in every environment besides the ones derived from numpy's dispatch list.
FIXED_CPU_SETS = ["AVX2 FMA3", "FMA3", "AVX2", "F16C FMA3 AVX2"]

# What an environment's numpy reports; warnings from numpy's import (NPY_DISABLE_CPU_FEATURES
# parsing) are recorded, not printed.
INSPECT = r"""
import json, warnings
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    import numpy
try:
    from numpy._core import _multiarray_umath as m
except ImportError:  # numpy 1.x
    from numpy.core import _multiarray_umath as m
import scipy, stavka
print(json.dumps({
    "numpy": numpy.__version__, "scipy": scipy.__version__, "stavka": stavka.__file__,
    "baseline": list(m.__cpu_baseline__), "dispatch": list(m.__cpu_dispatch__),
    "features": {k: bool(v) for k, v in m.__cpu_features__.items()},
    "warnings": [str(w.message) for w in caught
                 if "NPY_DISABLE_CPU_FEATURES" in str(w.message)],
}))
"""


class EnvError(Exception):
    """An environment could not be built or probed."""


@dataclass
class Row:
    env: str
    numpy: str = "?"
    scipy: str = "?"
    disabled: str = "-"
    digests: tuple[str, str] | None = None
    error: str | None = None


@dataclass
class Env:
    name: str
    python: Path
    expect: dict[str, str] = field(default_factory=dict)  # numpy/scipy versions it must have
    rows: list[Row] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def log(msg: str) -> None:
    print(msg, flush=True)


def clean_env(npy_disable: str | None = None, jit: bool = True) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "NPY_DISABLE_CPU_FEATURES",
                        "NUMBA_DISABLE_JIT")}
    if npy_disable:
        env["NPY_DISABLE_CPU_FEATURES"] = npy_disable
    if not jit:  # the engine's Numba kernels run as plain Python (stavka.engine.kernels)
        env["NUMBA_DISABLE_JIT"] = "1"
    return env


def tail(text: str, n: int = 6) -> str:
    lines = [ln for ln in text.strip().splitlines() if "is ignored: it is neither" not in ln]
    return "\n".join("    " + ln for ln in lines[-n:])


def run(cmd: list[str], *, what: str, logfile: Path | None = None, timeout: int = 1800,
        env: dict[str, str] | None = None) -> str:
    """Run cmd; on failure raise EnvError naming `what`, with the end of its output."""
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=REPO,
                           env=env if env is not None else clean_env())
    except subprocess.TimeoutExpired as e:
        raise EnvError(f"{what}: timed out after {timeout} s: {' '.join(cmd)}") from e
    except OSError as e:
        raise EnvError(f"{what}: {e}") from e
    if logfile is not None:
        with logfile.open("a") as f:
            f.write(f"$ {' '.join(cmd)}\n{p.stdout}{p.stderr}\n[exit {p.returncode}]\n")
    if p.returncode != 0:
        where = f" (full log: {logfile})" if logfile else ""
        raise EnvError(f"{what} failed with exit {p.returncode}{where}:\n"
                       f"{tail(p.stdout + p.stderr)}")
    return p.stdout


# ---------------------------------------------------------------- the project's own files

def read_goldens() -> dict[str, str]:
    text = (REPO / GOLDEN_FILE).read_text()
    out = {}
    for label, pat in GOLDEN_PATTERNS.items():
        m = re.search(rf"^({pat})\s*=\s*[\"']([0-9a-fA-F]+)[\"']", text, re.M)
        if not m:
            raise EnvError(f"cannot find a constant matching {pat} in {GOLDEN_FILE}")
        out[label] = m.group(2).lower()
    return out


def read_lock(path: Path) -> dict[str, str]:
    """name -> the whole `name==version \\ --hash=...` block of a pip-compile/uv lock file."""
    blocks: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in path.read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", line)
        if m:
            current = blocks[canon(m.group(1))] = [line]
        elif current is not None and line.startswith((" ", "\t")) and "--hash" in line:
            current.append(line)
        else:
            current = None
    if not blocks:
        raise EnvError(f"{path}: no pinned requirements")
    return {k: "\n".join(v) for k, v in blocks.items()}


def same_version(a: str, b: str) -> bool:
    """'2.1' == '2.1.0' (PEP 440 pads release segments with zeros)."""
    def norm(v: str) -> str:
        return re.sub(r"(\.0+)+$", "", v.strip())
    return norm(a) == norm(b)


def pin_of(block: str) -> str:
    return block.split()[0]


def canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def req_name(req: str) -> str:
    m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", req)
    if not m:
        raise EnvError(f"cannot read a package name from {req!r} in pyproject.toml")
    return canon(m.group(1))


def project_deps() -> list[str]:
    with (REPO / "pyproject.toml").open("rb") as f:
        return list(tomllib.load(f)["project"]["dependencies"])


def floor_of(deps: list[str], name: str) -> str:
    for d in deps:
        if req_name(d) == name:
            m = re.search(r">=\s*([0-9][0-9A-Za-z.]*)", d)
            if not m:
                raise EnvError(f"pyproject.toml: {d!r} has no '>=' floor")
            return m.group(1)
    raise EnvError(f"pyproject.toml: {name} is not a dependency")


def spec_of(deps: list[str], name: str) -> str:
    for d in deps:
        if req_name(d) == name:
            return d.split(";")[0].strip()
    raise EnvError(f"pyproject.toml: {name} is not a dependency")


# ---------------------------------------------------------------- environments

def inspect(python: Path, npy_disable: str | None) -> dict[str, Any]:
    try:
        p = subprocess.run([str(python), "-c", INSPECT], capture_output=True, text=True,
                           timeout=300, cwd=REPO, env=clean_env(npy_disable))
    except (OSError, subprocess.TimeoutExpired) as e:
        raise EnvError(f"{python}: cannot inspect numpy: {e}") from e
    if p.returncode != 0:
        # numpy raises at import for a baseline feature or (some versions) one the CPU lacks
        return {"refused": last_error_line(p.stderr)}
    info: dict[str, Any] = json.loads(p.stdout.strip().splitlines()[-1])
    return info


def last_error_line(stderr: str) -> str:
    lines = [ln.strip() for ln in stderr.strip().splitlines() if ln.strip()]
    for i, ln in enumerate(lines):
        if "You cannot disable" in ln or "Error" in ln.split(":")[0]:
            return " ".join(lines[i:i + 3])
    return lines[-1] if lines else "(no output)"


def probe(python: Path, npy_disable: str | None, probe_code: str,
          jit: bool = True) -> tuple[str, str]:
    cmd = [str(python), "-c", probe_code]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=PROBE_TIMEOUT,
                           cwd=REPO, env=clean_env(npy_disable, jit))
    except subprocess.TimeoutExpired as e:
        raise EnvError(f"probe timed out after {PROBE_TIMEOUT} s") from e
    if p.returncode != 0:
        raise EnvError(f"probe failed with exit {p.returncode}:\n{tail(p.stderr)}")
    lines = p.stdout.strip().splitlines()
    words = lines[-1].split() if lines else []
    if len(words) != 2 or not all(re.fullmatch(r"[0-9a-f]{8,}", w) for w in words):
        raise EnvError(f"probe printed {p.stdout.strip()[-200:]!r}, expected two hex digests")
    return words[0], words[1]


def cpu_candidates(info: dict[str, Any]) -> tuple[list[str], list[str]]:
    """NPY_DISABLE_CPU_FEATURES values to try: (present on this CPU, absent from it)."""
    feats, dispatch = info["features"], info["dispatch"]
    present = [t for t in dispatch if feats.get(t)]
    absent = [t for t in dispatch if not feats.get(t)]
    values = [" ".join(present[i:]) for i in range(len(present) - 1, -1, -1)]
    values += FIXED_CPU_SETS
    values += info["baseline"][-1:]  # numpy refuses this one: recorded, so the report says so
    seen, out = set(), []
    for v in values:
        key = frozenset(v.split())
        if key not in seen:
            seen.add(key)
            out.append(v)
    return out, ([" ".join(absent)] if absent else [])


def run_env(env: Env, probe_code: str) -> None:
    """Probe env as it is and under each accepted NPY_DISABLE_CPU_FEATURES value."""
    base = inspect(env.python, None)
    if "refused" in base:
        raise EnvError(f"{env.name}: numpy/scipy/stavka do not import: {base['refused']}")
    if not Path(base["stavka"]).resolve().is_relative_to(REPO / "src"):
        raise EnvError(f"{env.name}: imports stavka from {base['stavka']}, not from {REPO}/src")
    for pkg, version in env.expect.items():
        if not same_version(base[pkg], version):
            raise EnvError(f"{env.name}: has {pkg} {base[pkg]}, expected {version} "
                           f"({env.python}; for the project's .venv: `make setup`)")
    row = Row(env.name, base["numpy"], base["scipy"])
    env.rows.append(row)
    try:
        row.digests = probe(env.python, None, probe_code)
    except EnvError as e:
        row.error = str(e)
    log(f"  {env.name}: numpy {row.numpy}, scipy {row.scipy}, baseline "
        f"{' '.join(base['baseline'])}, dispatch targets on this CPU: "
        f"{' '.join(t for t in base['dispatch'] if base['features'].get(t)) or 'none'}")
    if env.name == "project":
        # the compiled kernels against the same loops interpreted by CPython (IEEE doubles,
        # no compiler in between): equal digests say the compilation changed no bit
        row = Row(env.name, base["numpy"], base["scipy"], "- (NUMBA_DISABLE_JIT=1)")
        env.rows.append(row)
        try:
            row.digests = probe(env.python, None, probe_code, jit=False)
        except EnvError as e:
            row.error = str(e)

    present, absent = cpu_candidates(base)
    effects: dict[frozenset[str], str] = {frozenset(): "(none)"}
    for value in present + absent:
        info = inspect(env.python, value)
        if "refused" in info:
            if "You cannot disable" not in info["refused"]:
                raise EnvError(f"{env.name}: import fails with NPY_DISABLE_CPU_FEATURES="
                               f"'{value}': {info['refused']}")
            env.skipped.append(f"{env.name}: '{value}': numpy refuses it at import: "
                               f"{info['refused']}")
            continue
        ignored = [w for w in info["warnings"] if "cannot disable" in w.lower()]
        off = frozenset(k for k, on in base["features"].items()
                        if on and not info["features"].get(k, False))
        if ignored and not off:
            why = ("not among its dispatch targets " + " ".join(base["dispatch"])
                   if "not part of the dispatched" in ignored[0] else " ".join(ignored[0].split()))
            env.skipped.append(f"{env.name}: '{value}': numpy ignores it ({why})")
            continue
        if not off:
            env.skipped.append(f"{env.name}: '{value}': accepted, but changes nothing "
                               "(this CPU lacks it)")
            continue
        if off in effects:
            env.skipped.append(f"{env.name}: '{value}': same effect as '{effects[off]}'")
            continue
        effects[off] = value
        row = Row(env.name, info["numpy"], info["scipy"], value)
        if ignored:
            row.disabled += " (partly ignored)"
        env.rows.append(row)
        try:
            row.digests = probe(env.python, value, probe_code)
        except EnvError as e:
            row.error = str(e)


@dataclass
class VenvSpec:
    name: str
    wanted: list[str]        # e.g. ["numpy==2.1", "scipy==1.13"]
    constraints: list[str]   # the lock's other pins
    bootstrap: str           # the hashed lock block of pip
    runtime: list[str]       # build backend + pyproject's dependencies other than the wanted


def build_venv(spec: VenvSpec, cache: Path, fresh: bool) -> Path:
    """A venv in cache with spec's packages and stavka editable from REPO; reused if unchanged."""
    stamp_data = {"python": sys.version, "executable": sys.executable, "wanted": spec.wanted,
                  "constraints": spec.constraints, "bootstrap": spec.bootstrap,
                  "runtime": spec.runtime}
    key = hashlib.sha256(json.dumps(stamp_data, sort_keys=True).encode()).hexdigest()[:12]
    venv = cache / f"{spec.name}-{key}"
    python = venv / "bin" / "python"
    stamp = venv / ".matrix-stamp.json"
    logfile = cache / f"{spec.name}-{key}.log"
    if not fresh and stamp.exists() and python.exists():
        try:
            if json.loads(stamp.read_text()) == stamp_data:
                log(f"  {spec.name}: reusing {venv}")
                ensure_stavka(python, logfile, spec.name)
                return python
        except ValueError:
            pass
    for old in cache.glob(f"{spec.name}-*"):  # this env's earlier builds, whatever their key
        shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink()
    log(f"  {spec.name}: building {venv} ({' '.join(spec.wanted)}; log {logfile})")
    t0 = time.monotonic()
    what = f"{spec.name}: building the venv"
    run([sys.executable, "-m", "venv", str(venv)], what=what, logfile=logfile)
    with tempfile.TemporaryDirectory() as tmp:
        boot = Path(tmp) / "bootstrap.txt"
        boot.write_text(spec.bootstrap + "\n")
        cons = Path(tmp) / "constraints.txt"
        cons.write_text("\n".join(spec.constraints) + "\n")
        pip = [str(python), "-m", "pip"]
        run(pip + ["install", "--quiet", "--require-hashes", "-r", str(boot)],
            what=f"{what}: pip from {TOOLS_LOCK}", logfile=logfile)
        try:
            run(pip + ["install", "--quiet", "-c", str(cons), *spec.wanted, *spec.runtime],
                what=f"{what}: {' '.join(spec.wanted)} with the locked versions of the rest",
                logfile=logfile)
        except EnvError as e:
            log(f"  NOTE {spec.name}: {' '.join(spec.wanted)} conflict with {LOCK} "
                "(first lines below); letting pip choose the other packages' versions\n"
                + "\n".join(str(e).splitlines()[:4]))
            run(pip + ["install", "--quiet", *spec.wanted, *spec.runtime],
                what=f"{what}: {' '.join(spec.wanted)}", logfile=logfile)
    ensure_stavka(python, logfile, spec.name)
    run([str(python), "-m", "pip", "check"], what=f"{what}: pip check", logfile=logfile)
    stamp.write_text(json.dumps(stamp_data, sort_keys=True))
    log(f"  {spec.name}: built in {time.monotonic() - t0:.0f} s")
    return python


def ensure_stavka(python: Path, logfile: Path, name: str) -> None:
    """stavka editable from REPO, no dependencies, no build isolation (setuptools is there)."""
    code = "import stavka; print(stavka.__file__)"
    p = subprocess.run([str(python), "-c", code], capture_output=True, text=True, cwd="/",
                       env=clean_env())
    if p.returncode == 0 and Path(p.stdout.strip()).resolve().is_relative_to(REPO / "src"):
        return
    run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "-e", str(REPO)], what=f"{name}: installing stavka from {REPO}", logfile=logfile)


def newest(project_python: Path, specs: list[str]) -> list[str]:
    """The newest releases pip would install for this Python within pyproject's ranges."""
    out = run([str(project_python), "-m", "pip", "install", "--dry-run", "--ignore-installed",
               "--quiet", "--report", "-", *specs],
              what=f"resolving the newest {' and '.join(specs)}", timeout=600)
    got = {canon(i["metadata"]["name"]): i["metadata"]["version"]
           for i in json.loads(out)["install"]}
    return [f"{req_name(s)}=={got[req_name(s)]}" for s in specs]


# ---------------------------------------------------------------- report

def print_table(rows: list[Row], ref: tuple[str, str] | None) -> None:
    head = ["environment", "numpy", "scipy", "NPY_DISABLE_CPU_FEATURES", "30 days", "full run", ""]
    body = []
    for r in rows:
        if r.digests is None:
            d30 = dfull = "-"
            mark = "ERROR"
        else:
            d30, dfull = r.digests
            mark = "" if r.digests == ref else "DIFFERS"
        body.append([r.env, r.numpy, r.scipy, r.disabled, d30, dfull, mark])
    widths = [max(len(x[i]) for x in [head, *body]) for i in range(len(head))]
    for line in [head, ["-" * w for w in widths], *body]:
        log("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--venv", type=Path, default=REPO / ".venv",
                    help="the project's venv (default: .venv; `make setup` makes it)")
    ap.add_argument("--cache-dir", type=Path,
                    default=Path(tempfile.gettempdir()) / "stavka-determinism-matrix",
                    help="where the oldest/newest venvs are built and kept")
    ap.add_argument("--fresh", action="store_true", help="rebuild the oldest/newest venvs")
    ap.add_argument("--only", default="project,oldest,newest",
                    help="comma-separated subset of: project,oldest,newest")
    ap.add_argument("--probe", default=PROBE, help="Python code printing the two digests")
    args = ap.parse_args()
    only = set(args.only.split(","))
    if not only <= {"project", "oldest", "newest"}:
        ap.error(f"--only: unknown environment(s) {sorted(only - {'project', 'oldest', 'newest'})}")

    t0 = time.monotonic()
    errors: list[str] = []
    envs: list[Env] = []
    log(f"determinism matrix for {REPO} (probe: "
        f"{'two-fronts-1941, seed 7' if args.probe == PROBE else repr(args.probe)})")
    try:
        goldens = read_goldens()
    except EnvError as e:
        errors.append(str(e))
        goldens = {}

    project_python = args.venv / "bin" / "python"
    if not project_python.exists():
        errors.append(f"project: {project_python} does not exist: run `make setup` first")
    elif "project" in only:
        try:
            locked = read_lock(REPO / LOCK)
            expect = {n: pin_of(locked[n]).split("==")[1] for n in ("numpy", "scipy")}
            envs.append(Env("project", project_python, expect))
        except (EnvError, OSError, KeyError) as e:
            errors.append(f"project: cannot read numpy/scipy from {LOCK}: {e}")

    wanted = [n for n in ("oldest", "newest") if n in only]
    if wanted:
        try:
            deps = project_deps()
            lock = read_lock(REPO / LOCK)
            tools = read_lock(REPO / TOOLS_LOCK)
            pinned = {"numpy", "scipy"}
            constraints = [pin_of(b) for n, b in sorted(lock.items()) if n not in pinned]
            boot = tools["pip"]  # hash-checked; has no dependencies
            # setuptools and wheel (the build backend) at their locked versions, then the rest
            runtime = ["setuptools", "wheel"] + [d for d in deps if req_name(d) not in pinned]
            versions = {
                "oldest": lambda: [f"{n}=={floor_of(deps, n)}" for n in ("numpy", "scipy")],
                "newest": lambda: newest(project_python, [spec_of(deps, n)
                                                          for n in ("numpy", "scipy")]),
            }
            args.cache_dir.mkdir(parents=True, exist_ok=True)
            for name in wanted:
                try:
                    spec = VenvSpec(name, versions[name](), constraints, boot, runtime)
                    python = build_venv(spec, args.cache_dir, args.fresh)
                    envs.append(Env(name, python, dict(w.split("==") for w in spec.wanted)))
                except EnvError as e:
                    errors.append(str(e))
        except (EnvError, OSError, KeyError) as e:
            errors.append(f"cannot set up the oldest/newest venvs: {e}")

    for env in envs:
        try:
            run_env(env, args.probe)
        except EnvError as e:
            errors.append(str(e))

    rows = [r for env in envs for r in env.rows]
    for r in rows:
        if r.error:
            errors.append(f"{r.env} [{r.disabled}]: {r.error}")
    done = [(r, r.digests) for r in rows if r.digests is not None]
    ref = done[0][1] if done else None
    log("")
    print_table(rows, ref)
    skipped = [s for env in envs for s in env.skipped]
    if skipped:
        log("\nNPY_DISABLE_CPU_FEATURES values not run:")
        for s in skipped:
            log(f"  {s}")

    mismatches = []
    if ref is not None:
        first = done[0][0]
        for r, got in done:
            which = [lbl for lbl, a, b in zip(("30 days", "full run"), got, ref, strict=True)
                     if a != b]
            if which:
                mismatches.append(f"{r.env} (numpy {r.numpy}, scipy {r.scipy}, "
                                  f"NPY_DISABLE_CPU_FEATURES={r.disabled}) differs from "
                                  f"{first.env} [{first.disabled}] in: {', '.join(which)}")
        for i, (lbl, gold) in enumerate(goldens.items()):
            bad = sorted({got[i] for _, got in done} - {gold})
            if bad:
                mismatches.append(f"the golden {lbl} digest in {GOLDEN_FILE} is {gold}; "
                                  f"the matrix got {', '.join(bad)}")
    log("")
    for m in mismatches:
        log(f"MISMATCH: {m}")
    for err in errors:
        log(f"ERROR: {err}")
    if errors:
        verdict = f"INCOMPLETE ({len(errors)} errors)" + (", and DIFFERENT" if mismatches else "")
    else:
        verdict = "DIFFERENT" if mismatches else "identical and equal to the golden digests"
    log(f"determinism matrix: {len(rows)} runs in {len({r.env for r in rows})} environments, "
        f"digests {verdict} ({time.monotonic() - t0:.0f} s)")
    return 2 if errors else 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
