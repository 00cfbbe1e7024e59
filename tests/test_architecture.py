"""The package layers of docs/architecture.md, checked: a package imports only packages
of its own layer or below (every import counts, including lazy ones inside functions),
and the rules' homes named there exist."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "stavka"
DOC = ROOT / "docs" / "architecture.md"

#: layer of each top-level part of the package (docs/architecture.md, "Layers")
LAYERS: dict[str, int] = {
    "errors": 0, "enums": 0, "atomic": 0, "detmath": 0, "consoles": 0, "malloc": 0,
    "scenario": 1, "combat": 1, "rules": 1, "diplomacy": 1,
    "world": 2,
    "engine": 3, "ai": 3,
    "api": 4, "replay": 4, "chronicle": 4,
    "sweep": 5, "cdb90": 5, "validation": 5,
    "web": 6, "cli": 6,
    "__init__": 6, "__main__": 6,
}
#: imports allowed upward, each with its reason (docs/architecture.md)
UPWARD: dict[tuple[str, str], str] = {
    ("replay", "sweep"): "the code version of a replay is the sweep store's hash of the code",
    ("sweep", "__init__"): "the store records stavka.__version__",
}


def _part(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "__init__"
    return parts[1]


def _imports() -> list[tuple[str, str, str, int]]:
    """(file, importing part, imported part, line) of every import of stavka in src."""
    out = []
    for p in sorted(SRC.rglob("*.py")):
        rel = p.relative_to(SRC)
        if rel.parts[0] == "scenarios":  # package data, not modules
            continue
        me = rel.parts[0].removesuffix(".py")
        for n in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(n, ast.ImportFrom) and n.level == 0 and n.module:
                if n.module == "stavka":
                    names = [f"stavka.{a.name}" for a in n.names]
                elif n.module.startswith("stavka."):
                    names = [n.module]
            elif isinstance(n, ast.Import):
                names = [a.name for a in n.names if a.name == "stavka" or a.name.startswith("stavka.")]
            for name in names:
                part = _part(name)
                if part not in LAYERS and (SRC / part).exists() is False and not (SRC / f"{part}.py").exists():
                    part = "__init__"  # a name from the facade, e.g. stavka.Campaign
                out.append((str(rel), me, part, n.lineno))
    return out


def test_every_part_has_a_layer() -> None:
    parts = {p.name.removesuffix(".py") for p in SRC.iterdir()
             if (p.suffix == ".py" or (p.is_dir() and (p / "__init__.py").exists()))}
    assert parts - {"scenarios"} <= set(LAYERS), sorted(parts - set(LAYERS))


def test_no_import_reaches_a_higher_layer() -> None:
    bad = [f"src/stavka/{f}:{line}: {me} (layer {LAYERS[me]}) imports {it} (layer {LAYERS[it]})"
           for f, me, it, line in _imports()
           if LAYERS.get(it, 6) > LAYERS[me] and (me, it) not in UPWARD]
    assert not bad, "\n".join(bad)


def test_the_allowed_upward_imports_are_still_needed() -> None:
    used = {(me, it) for _, me, it, _ in _imports()}
    assert set(UPWARD) <= used, sorted(set(UPWARD) - used)


def test_the_document_lists_the_same_layers() -> None:
    text = DOC.read_text(encoding="utf-8")
    for part, layer in LAYERS.items():
        if part.startswith("__") or not ((SRC / part).exists() or (SRC / f"{part}.py").exists()):
            continue
        assert re.search(rf"^\| {layer} \|.*`{part}`", text, re.M), f"{part} not in layer {layer}"


def _homes() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    table = text.split("## Where each rule lives", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"`(stavka\.[\w.]+)`", table)


@pytest.mark.parametrize("dotted", _homes())
def test_each_rule_home_exists(dotted: str) -> None:
    """Every module (or module.name) in the rule table can be imported."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ModuleNotFoundError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr)
        return
    pytest.fail(f"{dotted}: no such module")
