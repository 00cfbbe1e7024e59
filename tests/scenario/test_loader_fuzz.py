"""Mutation fuzzing of the scenario loader: whatever the file, load_file either loads it
or raises ScenarioError whose every problem has a file and a line (one printable line
each); never another exception, never unbounded time.

Variants are seeded mutations of tests/data/mini.yaml and of the shipped scenario's
files: deleted, duplicated and swapped lines, values swapped for other types, deep
nesting, huge numbers, NaN, odd unicode, anchors and aliases, truncation, indentation.
The default run tries a few hundred variants (a few seconds); set STAVKA_FUZZ_N for a
larger run, e.g. ``STAVKA_FUZZ_N=5000 .venv/bin/pytest tests/scenario/test_loader_fuzz.py``
(STAVKA_FUZZ_SEED picks another seed).
"""

from __future__ import annotations

import os
import random
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from stavka.errors import ScenarioError
from stavka.scenario.loader import Loaded, load_file

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
SHIPPED = ROOT / "scenarios" / "two-fronts-1941"

N = int(os.environ.get("STAVKA_FUZZ_N", "300"))
SEED = int(os.environ.get("STAVKA_FUZZ_SEED", "1941"))
#: CPU time (this process's, so other work on the machine does not count) for the whole
#: default run, and for one variant of any size.
BUDGET_S = 20.0
PER_VARIANT_S = 5.0

VALUES = [
    "[]", "{}", "[a, [b, [c]]]", "{a: {b: 1}}", "~", "null", "true", "false", "yes", "''", '""',
    "0", "-1", "1.5", "-0.0", "1e308", "-1e308", "1e999", ".nan", ".inf", "-.inf", "0x7f",
    "0o17", "1_000", "9223372036854775808", "9" * 120, "9" * 4301, "1." + "5" * 200,
    "1941-13-45", "1941-10-05", "1941-10-05T12:00:00", "2100-01-01", "0001-01-01",
    "$transfer_divisions", "$japan_attack_date", "$nope", "'$'", "!!binary aGk=", "!foo bar",
    "!!python/object:os.system x", "&anc [1, 2]", "*anc", "*undefined", "<<: {a: 1}",
    '"a\\nb"', '"\\x1b[31mred"', '"\\u202eevil"', '"\\ud800"', '"\\0"', "Москва", "\u202e",
    "\ufeff", "🎯", "a" * 300, "'" + "x" * 5000 + "'", "|\n  block\n", ">-\n  folded\n",
    "[" * 70 + "]" * 70, "{a: " * 70 + "1" + "}" * 70,
]


def _deep(depth: int) -> str:
    return "[" * depth + "x" + "]" * depth


def _lines(text: str) -> list[str]:
    return text.split("\n")


def m_delete(r: random.Random, text: str) -> str:
    ls = _lines(text)
    i = r.randrange(len(ls))
    del ls[i:i + r.choice((1, 1, 1, 2, 5))]
    return "\n".join(ls)


def m_duplicate(r: random.Random, text: str) -> str:
    ls = _lines(text)
    i = r.randrange(len(ls))
    ls[i:i] = ls[i:i + r.choice((1, 1, 3))]
    return "\n".join(ls)


def m_swap(r: random.Random, text: str) -> str:
    ls = _lines(text)
    i, j = r.randrange(len(ls)), r.randrange(len(ls))
    ls[i], ls[j] = ls[j], ls[i]
    return "\n".join(ls)


def m_value(r: random.Random, text: str) -> str:
    """Replace the value after one ': ' (block or flow) with something of another type."""
    spots = [k for k in range(len(text) - 1) if text[k] == ":" and text[k + 1] == " "]
    if not spots:
        return text
    k = r.choice(spots) + 2
    end = k
    while end < len(text) and text[end] not in ",}\n":
        end += 1
    return text[:k] + r.choice(VALUES + [_deep(r.randint(60, 300))]) + text[end:]


def m_item(r: random.Random, text: str) -> str:
    """Replace a whole flow item ({...} after '- ') with another value."""
    ls = _lines(text)
    cand = [i for i, ln in enumerate(ls) if ln.lstrip().startswith("- ")]
    if not cand:
        return text
    i = r.choice(cand)
    ind = ls[i][: len(ls[i]) - len(ls[i].lstrip())]
    ls[i] = ind + "- " + r.choice(VALUES)
    return "\n".join(ls)


def m_chars(r: random.Random, text: str) -> str:
    out = list(text)
    for _ in range(r.randint(1, 5)):
        k = r.randrange(len(out))
        out[k] = r.choice(["", "[", "]", "{", "}", ":", "-", "&", "*", "!", "'", '"', "#", "\t",
                           "\0", "\x1b", "\u202e", "\ufeff", "\u2028", " ", "\n", "%", "|",
                           ">", "?", ",", "@", "`", "9", "é", "🎯"])
    return "".join(out)


def m_truncate(r: random.Random, text: str) -> str:
    return text[: r.randrange(len(text))]


def m_indent(r: random.Random, text: str) -> str:
    ls = _lines(text)
    i = r.randrange(len(ls))
    ls[i] = r.choice(["", " ", "  ", "    ", "\t"]) + ls[i].lstrip() if r.random() < 0.5 \
        else " " * r.randint(1, 9) + ls[i]
    return "\n".join(ls)


def m_anchor(r: random.Random, text: str) -> str:
    """Anchor a value and refer to it elsewhere (sometimes the alias comes first)."""
    spots = [k for k in range(len(text) - 1) if text[k] == ":" and text[k + 1] == " "]
    if len(spots) < 2:
        return text
    a, b = sorted(r.sample(spots, 2))
    if r.random() < 0.5:
        a, b = b, a
    text = text[: a + 2] + "&z " + text[a + 2:]
    b = b + 3 if b > a else b
    end = b + 2
    while end < len(text) and text[end] not in ",}\n":
        end += 1
    return text[: b + 2] + "*z" + text[end:]


def m_include(r: random.Random, text: str) -> str:
    name = r.choice(["/etc/passwd", "../../x.yaml", "nope.yaml", '"a\\0b"', "5", "[x]", "{}",
                     "a" * 300, "s.yaml", "~/x.yaml", "'.'", "sub/../s.yaml"])
    return f"include: [{name}]\n" + text


def m_top(r: random.Random, text: str) -> str:
    """A top-level key given another type."""
    key = r.choice(["nodes", "edges", "formations", "events", "orders", "sides", "climate",
                    "parameters", "formation_types", "victory", "wars", "start", "end", "id"])
    return text + f"\n{key}: {r.choice(VALUES)}\n"


MUTATORS: list[Callable[[random.Random, str], str]] = [
    m_delete, m_duplicate, m_swap, m_value, m_value, m_value, m_item, m_chars, m_truncate,
    m_indent, m_anchor, m_include, m_top,
]


def mutate(r: random.Random, text: str) -> str:
    for _ in range(r.choice((1, 1, 1, 2, 3))):
        text = r.choice(MUTATORS)(r, text)
    return text


def check_one(path: Path) -> Loaded | None:
    """Load ``path``; assert the contract; the Loaded or None."""
    t0 = time.process_time()
    try:
        loaded = load_file(path)
    except ScenarioError as exc:
        assert exc.problems, "ScenarioError without problems"
        for p in exc.problems:
            assert p.file, f"problem without a file: {p}"
            assert isinstance(p.line, int) and p.line >= 1, f"problem without a line: {p}"
            assert str(p).isprintable(), f"unescaped problem line: {str(p)!r}"
        loaded = None
    assert time.process_time() - t0 < PER_VARIANT_S, f"{path}: too slow"
    return loaded


def fuzz_and_run(fixture: Path, tmp_path: Path, n: int, seed: int, days: int = 5) -> int:
    """``n`` seeded mutations of ``fixture``: each must give located errors
    (:func:`check_one`) or a scenario that runs ``days`` days; never another exception.
    Returns how many ran (the callers assert some do and some do not)."""
    import stavka

    r = random.Random(seed)
    text = fixture.read_text()
    ran = 0
    for i in range(n):
        path = tmp_path / f"{fixture.stem}-{i}.yaml"
        path.write_text(mutate(r, text), encoding="utf-8")
        try:
            ld = check_one(path)
            if ld is not None:
                stavka.Campaign(ld, seed=i).run(days=days)
                ran += 1
        except Exception as exc:
            raise AssertionError(f"variant {i}: {type(exc).__name__}: {exc}\n"
                                 f"{path.read_text()}") from exc
    return ran


#: Values of another kind than a field wants (a list or a mapping where an id or a number
#: belongs, true/false, a timestamp with a time of day where a date belongs, null): the
#: cross-reference checks see them raw, before the schema reports them.
KINDS = ["[x]", "{a: 1}", "true", "1942-08-25T10:00:00", "~"]


def each_value(fixture: Path, tmp_path: Path,
               lines: Callable[[int, str], bool] = lambda i, line: True,
               values: list[str] = KINDS, days: int = 2) -> int:
    """Every value after ': ' on the lines of ``fixture`` that ``lines(number, text)``
    picks, replaced by each of ``values`` in turn (not random: every field gets every
    kind): located errors (:func:`check_one`) or a scenario that runs ``days`` days;
    never another exception. Returns how many loaded."""
    import stavka

    text = fixture.read_text()
    spots: list[int] = []
    at = 0
    for i, line in enumerate(text.split("\n"), 1):
        if lines(i, line):
            spots += [at + k for k in range(len(line) - 1) if line[k:k + 2] == ": "]
        at += len(line) + 1
    ran = 0
    path = tmp_path / fixture.name
    for k in spots:
        end = k + 2
        while end < len(text) and text[end] not in ",}\n":
            end += 1
        for v in values:
            path.write_text(text[:k + 2] + v + text[end:], encoding="utf-8")
            try:
                ld = check_one(path)
                if ld is not None:
                    stavka.Campaign(ld, seed=1).run(days=days)
                    ran += 1
            except Exception as exc:
                line = text.count("\n", 0, k) + 1
                raise AssertionError(f"{fixture.name}:{line}: {text[k + 2:end]!r} -> {v!r}: "
                                     f"{type(exc).__name__}: {exc}") from exc
    return ran


def test_fuzz_mutated_scenarios(tmp_path):
    r = random.Random(SEED)
    mini = (DATA / "mini.yaml").read_text()
    shipped = sorted(SHIPPED.glob("*.yaml"))
    work = tmp_path / "shipped"
    shutil.copytree(SHIPPED, work)
    t0 = time.process_time()
    loaded = 0
    for i in range(N):
        restore = None
        if i % 100 == 99:  # the whole shipped scenario with one of its files mutated
            src = r.choice(shipped)
            (work / src.name).write_text(mutate(r, src.read_text()), encoding="utf-8")
            path, restore = work / "scenario.yaml", src
        elif i % 15 == 14:  # a shipped file on its own: a fragment, problems everywhere
            src = r.choice(shipped)
            path = tmp_path / f"v{i}.yaml"
            path.write_text(mutate(r, src.read_text()), encoding="utf-8")
        else:
            path = tmp_path / f"v{i}.yaml"
            path.write_text(mutate(r, mini), encoding="utf-8")
        try:
            loaded += check_one(path) is not None
        except Exception as exc:
            keep = tmp_path / "fuzz-failure.yaml"
            shutil.copy(path, keep)
            raise AssertionError(f"variant {i} (seed {SEED}; kept as {keep}): "
                                 f"{type(exc).__name__}: {exc}") from exc
        if restore is not None:
            shutil.copy(restore, work / restore.name)
    elapsed = time.process_time() - t0
    # a fuzzer that never loads anything tests nothing past the parser; one that always
    # loads tests no error path
    assert 0 < loaded < N, (loaded, N)
    if N <= 300:
        assert elapsed < BUDGET_S, f"{N} variants took {elapsed:.1f} s of CPU"


@pytest.mark.parametrize("seed", range(3))
def test_fuzz_is_reproducible(seed):
    mini = (DATA / "mini.yaml").read_text()
    assert mutate(random.Random(seed), mini) == mutate(random.Random(seed), mini)
