"""Cheap imports, no import cycles, and a wheel that works on its own.

* every module of the package imports alone, in a fresh interpreter;
* ``import stavka`` / ``stavka.errors`` and ``stavka --help`` load neither the engine nor
  NumPy, SciPy, pydantic, matplotlib or dask (the public names are lazy, the heavy
  commands are imported when run);
* the module-level imports of the package (not those inside functions or under
  ``TYPE_CHECKING``) form no cycle;
* the shipped scenarios are package data, found with importlib.resources;
* the wheel built from this tree, installed into a fresh venv (dependencies borrowed from
  this venv, nothing downloaded), lists and runs the shipped scenario from a folder
  outside the source tree, with the same output as the source tree.
"""

from __future__ import annotations

import ast
import inspect
import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
HEAVY = ("numpy", "scipy", "pydantic", "ruamel", "matplotlib", "dask", "distributed",
         "stavka.api", "stavka.engine", "stavka.world", "stavka.scenario", "stavka.combat",
         "stavka.sweep", "stavka.cdb90", "stavka.chronicle", "stavka.replay")


def _modules() -> dict[str, Path]:
    """Every module of the package by dotted name (folders that are no module names, like
    the shipped scenarios' ``scenarios/two-fronts-1941/``, hold data, not modules)."""
    out: dict[str, Path] = {}
    for p in sorted((SRC / "stavka").rglob("*.py")):
        parts = p.relative_to(SRC).with_suffix("").parts
        if not all(part.isidentifier() for part in parts):
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


MODULES = _modules()


def _env(source: bool) -> dict[str, str]:
    """No PYTHON* settings; with ``source``, this tree's src/ first on the path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    if source:
        env["PYTHONPATH"] = str(SRC)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_NO_INPUT"] = "1"
    return env


def _python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=_env(source=True),
                          capture_output=True, text=True, timeout=120)


def test_the_module_list_is_complete():
    assert {"stavka", "stavka.errors", "stavka.cli", "stavka.sweep.cli",
            "stavka.engine.phases.combat", "stavka.cdb90.__main__"} <= set(MODULES)
    assert not [m for m in MODULES if "scenarios" in m]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_imports_alone(module: str, tmp_path: Path):
    r = _python(f"import {module}", tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]


def _loaded_after(code: str, cwd: Path) -> set[str]:
    r = _python(f"import sys\n{code}\nprint('\\n'.join(sys.modules))", cwd)
    assert r.returncode == 0, r.stderr[-3000:]
    return set(r.stdout.split())


def _heavy(mods: set[str]) -> list[str]:
    return sorted(m for m in mods if m.split(".")[0] in HEAVY
                  or any(m == h or m.startswith(h + ".") for h in HEAVY))


def test_import_stavka_and_errors_is_light(tmp_path: Path):
    assert _heavy(_loaded_after("import stavka, stavka.errors", tmp_path)) == []


def test_cli_help_is_light(tmp_path: Path):
    code = ("import contextlib, io\nfrom stavka.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()) as f:\n"
            "    assert main(['--help']) == 0\n"
            "assert 'sweep' in f.getvalue() and 'calibrate' in f.getvalue(), f.getvalue()")
    assert _heavy(_loaded_after(code, tmp_path)) == []


def test_lazy_public_names():
    import stavka
    import stavka.api
    import stavka.engine.records
    import stavka.sweep
    import stavka.sweep.core

    for name in stavka.__all__:
        assert getattr(stavka, name) is not None
        assert name in dir(stavka)
    assert stavka.Campaign is stavka.api.Campaign
    assert stavka.Order is stavka.engine.records.Order
    assert stavka.sweep.sweep is stavka.sweep.core.sweep
    for name in stavka.sweep.__all__:
        assert getattr(stavka.sweep, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'Campagn'"):
        stavka.Campagn  # noqa: B018
    from stavka import detmath  # a submodule, not a lazy name

    assert detmath.__name__ == "stavka.detmath"


def test_lazy_commands_are_the_real_ones():
    """``stavka --help`` lists the lazy commands from cli.LAZY_COMMANDS; each entry must
    name the real command with the help it has."""
    import importlib

    from stavka import cli

    for name, spec in cli.LAZY_COMMANDS.items():
        real = cli.lazy_command(name)
        fn = getattr(importlib.import_module(spec.module), spec.function)
        assert real.name == name and real.callback is not None
        if spec.docstring:  # listed: the docstring's first paragraph
            doc = inspect.getdoc(fn) or ""
            assert " ".join(doc.split("\n\n")[0].split()) == spec.help, name
        else:
            assert real.help == spec.help


# --- import cycles -------------------------------------------------------------------


def _type_checking(test: ast.expr) -> bool | None:
    """True for ``if TYPE_CHECKING``, False for ``if not TYPE_CHECKING``, else None."""
    def is_tc(e: ast.expr) -> bool:
        return (isinstance(e, ast.Name) and e.id == "TYPE_CHECKING") or (
            isinstance(e, ast.Attribute) and e.attr == "TYPE_CHECKING")

    if is_tc(test):
        return True
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and is_tc(test.operand):
        return False
    return None


def _import_time_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Imports that run when the module is imported: not inside a function (they run
    when it is called) and not under ``if TYPE_CHECKING``."""
    todo: list[ast.AST] = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        elif isinstance(node, ast.If) and (tc := _type_checking(node.test)) is not None:
            todo.extend(node.orelse if tc else node.body)
        else:
            todo.extend(ast.iter_child_nodes(node))


def _ancestors(module: str) -> set[str]:
    parts = module.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


def _import_graph() -> dict[str, set[str]]:
    """module -> the package modules its import runs (the named module; the packages on
    the way to it too, except the importer's own, which are being imported already)."""
    graph: dict[str, set[str]] = {}
    for mod, path in MODULES.items():
        is_pkg = path.name == "__init__.py"
        deps: set[str] = set()
        for node in _import_time_imports(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                named = [a.name for a in node.names]
            else:
                if node.level:
                    base = mod.split(".")[: len(mod.split(".")) + is_pkg - node.level]
                    prefix = ".".join(base + ([node.module] if node.module else []))
                else:
                    prefix = node.module or ""
                named = [prefix, *(f"{prefix}.{a.name}" for a in node.names)]
            for name in named:
                if name in MODULES:
                    deps.add(name)
                deps |= {a for a in _ancestors(name) if a in MODULES} - _ancestors(mod)
        deps.discard(mod)
        graph[mod] = deps
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for d in sorted(graph.get(m, ())):
            if state.get(d) == 1:
                return [*stack[stack.index(d):], d]
            if d not in state and (found := visit(d)):
                return found
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state and (found := visit(m)):
            return found
    return None


def test_import_graph_sees_the_imports():
    g = _import_graph()
    assert "stavka.consoles" in g["stavka.cli"] and "stavka.consoles" in g["stavka.sweep.cli"]
    assert "stavka.sweep.core" in g["stavka.sweep.cli"]
    assert "stavka.api" not in g["stavka.cli"]  # imported inside the commands
    assert "stavka.api" not in g["stavka"]  # lazy; TYPE_CHECKING imports do not count
    assert "stavka.detmath" in g["stavka.combat.model"]  # from stavka import detmath
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_no_import_cycles():
    assert _cycle(_import_graph()) is None


def test_nothing_imports_the_cli_module():
    """stavka.cli is the top: the commands it registers share stavka.consoles with it
    instead of importing it back, even inside a function."""
    users = []
    for mod, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (isinstance(node, ast.ImportFrom) and node.module == "stavka.cli") or (
                    isinstance(node, ast.Import)
                    and any(a.name == "stavka.cli" for a in node.names)):
                users.append(f"{mod}:{node.lineno}")
    assert users == []


# --- shipped scenarios and the wheel -------------------------------------------------


def test_shipped_scenarios_are_package_data():
    from stavka.api import list_scenarios, scenario_dirs

    shipped = resources.files("stavka") / "scenarios"
    assert scenario_dirs() == [shipped]
    assert list_scenarios()["two-fronts-1941"] == Path(str(shipped)) / "two-fronts-1941"
    # the documented path at the repository root still leads there
    assert (ROOT / "scenarios").resolve() == Path(str(shipped)).resolve()


def _copy_tree(dst: Path) -> Path:
    """What a build needs, without build/ or egg-info left in the working tree."""
    dst.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, dst / name)
    shutil.copytree(SRC / "stavka", dst / "src" / "stavka",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return dst


def _run(cmd: list[str | Path], cwd: Path, source: bool = False
         ) -> subprocess.CompletedProcess[str]:
    r = subprocess.run([str(c) for c in cmd], cwd=cwd, env=_env(source),
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, f"{cmd}\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}"
    return r


def test_wheel_installs_and_runs_outside_the_source_tree(tmp_path: Path):
    pip = [sys.executable, "-m", "pip"]
    offline = ["--no-index", "--no-cache-dir", "--quiet"]
    tree = _copy_tree(tmp_path / "tree")
    wheels = tmp_path / "wheels"
    _run([*pip, "wheel", *offline, "--no-deps", "--no-build-isolation", "-w", wheels, tree],
         tmp_path)
    (wheel,) = wheels.glob("stavka-*.whl")

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], tmp_path)
    vpy = venv / "bin" / "python"
    site = Path(_run([vpy, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     tmp_path).stdout.strip())
    # the dependencies come from this venv: its site-packages after the new one's (a path
    # in a .pth file is appended; the .pth files in it, e.g. the editable stavka, are not run)
    (site / "_project_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run([*pip, "--python", vpy, "install", *offline, "--no-deps", wheel], tmp_path)

    away = tmp_path / "elsewhere"
    away.mkdir()
    where = _run([vpy, "-c", "import stavka, stavka.api; print(stavka.__file__); "
                  "print(*stavka.api.scenario_dirs(), sep='\\n')"], away).stdout.split()
    assert all(Path(p).resolve().is_relative_to(venv.resolve()) for p in where), where
    assert len(where) == 2

    stavka = venv / "bin" / "stavka"
    listed = _run([stavka, "scenarios"], away).stdout
    assert "two-fronts-1941" in listed
    run = _run([stavka, "run", "two-fronts-1941", "--days", "3", "--quiet"], away).stdout
    assert "digest" in run
    here = _run([sys.executable, "-m", "stavka.cli", "run", "two-fronts-1941", "--days", "3",
                 "--quiet"], away, source=True).stdout  # the source tree
    assert run == here
