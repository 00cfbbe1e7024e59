"""Load a scenario from YAML, reporting every problem with its file and line.

The pipeline: parse (ruamel's composer, bounded in size, depth and aliases; plain
data and a line for every key and item are built from its nodes) -> follow ``include:`` ->
resolve ``inherits:`` templates -> fill formations from their type ->
check cross-references on the raw data -> validate with the pydantic schema.
Problems from every stage are collected and raised together as one
:class:`~stavka.errors.ScenarioError`.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from stavka.atomic import read_regular
from stavka.errors import Problem, ScenarioError, did_you_mean, escape
from stavka.scenario import diplomacy, naval
from stavka.scenario.commanders import check_commanders
from stavka.scenario.interdiction import (
    check_interdiction_effect,
    check_partisans_rule,
    ports,
    rail_edges,
)
from stavka.scenario.schema import Scenario, Selector, not_yet_used_settings, param_uses

Loc = tuple[str, int | None]
PathT = tuple[Any, ...]

#: Fields a formation takes from its type when it does not give them itself.
INHERITED_FIELDS = ("men", "tanks", "guns", "aircraft", "trucks", "quality")
#: Top-level keys that are lists (concatenated across includes) and maps (merged).
LIST_KEYS = ("nodes", "edges", "formations", "factories", "orders", "events", "wars",
             "commanders")
MAP_KEYS = ("parameters", "climate", "rivers", "sides", "formation_types", "sources")
#: the section whose ids a cross reference names (by the word its message uses): a
#: reference into a section refused as a whole (null, not a list...) is not reported too
REF_SECTION = {"node": "nodes", "front": "nodes", "formation": "formations",
               "event": "events", "side": "sides", "enemy": "sides", "climate zone": "climate",
               "river": "rivers", "type": "formation_types", "parameter": "parameters"}

# -- limits on what one load reads -----------------------------------------------
# The shipped scenario (two-fronts-1941) is 7 files, 263 KB, 13,157 YAML nodes,
# nested 6 deep. The YAML parser (pure Python) composes ~20,000 nodes and scans
# ~2.5 MB a second here; these limits keep a hostile file to a few seconds and a
# few hundred MB, far above any real scenario.

#: Bytes in one file (60x the largest shipped file) and in all files of one load.
MAX_FILE_BYTES = 8 * 2**20
MAX_TOTAL_BYTES = 16 * 2**20
#: YAML nodes of one load, counting every alias as the nodes it stands for
#: ("billion laughs" are refused before they are expanded): 15x the shipped scenario,
#: about 10 s of parsing.
MAX_NODES = 200_000
#: Nesting depth of a document, aliases expanded (the shipped scenario: 6).
MAX_DEPTH = 64
#: Characters of one number: a float64 has 17 significant digits; 100 leaves room for
#: sign, exponent, underscores and zeros, and stays far below Python's 4,300-digit limit.
MAX_NUMBER_CHARS = 100
#: Include nesting (file including file ...) and files in one load.
MAX_INCLUDE_DEPTH = 32
MAX_FILES = 256
#: An include name: 255 bytes per component (the usual file-system limit), 1,024 in all.
MAX_NAME_BYTES = 255
MAX_PATH_CHARS = 1024
#: Types in one ``inherits`` chain.
MAX_INHERIT_DEPTH = 32
#: Characters of a user value echoed in a message.
MAX_SHOWN = 80
#: Work (pool entries compared) spent on "did you mean" suggestions in one load.
MAX_SUGGEST_WORK = 2_000_000

_YAML_TAG = "tag:yaml.org,2002:"


def _cut(text: str, limit: int = MAX_SHOWN) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def shown(value: Any) -> str:
    """A user value for a message: quoted, escaped, cut; a list as its items, a date as
    written (``[1941-10-05, 1941-10-03]``, not Python's ``datetime.date(...)``)."""
    return "'" + _cut(escape(_plain(value))) + "'"


def _plain(value: Any, depth: int = 0) -> str:
    """``value`` as a user wrote it: dates in ISO form, lists item by item (bounded)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple) and depth < 3:
        return "[" + ", ".join(_plain(v, depth + 1) for v in value[:20]) + (
            ", ..." if len(value) > 20 else "") + "]"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 300:
        return _shown_repr(value)  # str() refuses integers of more than 4,300 digits
    try:
        return str(value)
    except Exception:  # noqa: BLE001 - a hostile object must not break the report
        return f"<{type(value).__name__}>"


def _shown_repr(value: Any) -> str:
    """``repr`` of a user value for a message, escaped and cut (never fails)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 300:
        return f"<an integer of about {int(value.bit_length() * 0.30103)} digits>"
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a hostile object must not break the report
        text = f"<{type(value).__name__}>"
    return _cut(escape(text))


def _tag(tag: str) -> str:
    """A YAML tag as written: ``!!binary`` for the core schema's, ``!foo`` for others."""
    return "!!" + tag[len(_YAML_TAG):] if tag.startswith(_YAML_TAG) else tag


def _problem(file: str, line: int | None, path: str, msg: str) -> Problem:
    return Problem(escape(file), line, escape(path), escape(msg))


@dataclass
class _Budget:
    """What one load has used so far (shared by all its files)."""

    nodes: int = 0
    bytes: int = 0
    files: int = 0
    suggest: int = 0


class _Invalid:
    """Stands for a value the parser refused (already reported): the schema's complaint
    about it would be a second line for one mistake, so it is dropped."""

    def __repr__(self) -> str:
        return "<refused>"


INVALID = _Invalid()


class _Refused(Exception):
    """A document broke a limit; located by a YAML mark."""

    def __init__(self, message: str, mark: Any):
        super().__init__(message)
        self.message = message
        self.mark = mark


class _BoundedComposer(Composer):  # type: ignore[misc]
    """ruamel's composer, counting nodes (an alias counts as the nodes it stands for)
    and depth (an alias adds the height of what it stands for) as it goes, so that
    deep nesting and alias bombs are refused before they are built or expanded."""

    budget: _Budget

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader)
        self.warn_double_anchors = False
        self.budget = _Budget()
        self._level = 0
        self._frames: list[list[int]] = [[0, 0]]  # per open node: [size, height]
        self._stats: dict[int, tuple[int, int]] = {}  # id(anchored node) -> (size, height)

    def _charge(self, size: int, depth: int, mark: Any) -> None:
        if depth > MAX_DEPTH:
            raise _Refused(f"nested deeper than {MAX_DEPTH} levels (aliases expanded)", mark)
        self.budget.nodes += size
        if self.budget.nodes > MAX_NODES:
            raise _Refused(f"more than {MAX_NODES:,} YAML nodes in this scenario "
                           f"(aliases expanded)", mark)

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        if isinstance(event, AliasEvent):
            target = self.anchors.get(event.anchor)
            if target is not None:
                stats = self._stats.get(id(target))
                if stats is None:
                    raise _Refused(f"alias *{event.anchor} refers to a collection that "
                                   f"contains it", event.start_mark)
                size, height = stats
                self._charge(size, self._level + 1 + height, event.start_mark)
                top = self._frames[-1]
                top[0] += size
                top[1] = max(top[1], height + 1)
            return super().compose_node(parent, index)
        self._level += 1
        self._charge(1, self._level, event.start_mark)
        self._frames.append([1, 0])
        node = super().compose_node(parent, index)
        size, height = self._frames.pop()
        self._level -= 1
        if event.anchor is not None:
            self._stats[id(node)] = (size, height)
        top = self._frames[-1]
        top[0] += size
        top[1] = max(top[1], height + 1)
        return node


def _timestamp(constructor: Any, node: Any) -> Any:
    """Dates that do not exist (1941-13-30) stay strings so the schema reports them;
    a timestamp at midnight is a date."""
    try:
        val = constructor.construct_yaml_timestamp(node)
    except (ValueError, TypeError, OverflowError):
        return str(node.value)
    if isinstance(val, dt.datetime) and val.time() == dt.time() and val.tzinfo is None:
        return val.date()
    return val


class _Doc:
    """Plain data of a YAML document plus a path -> (file, line) index."""

    def __init__(self) -> None:
        self.loc: dict[PathT, Loc] = {}

    def where(self, path: PathT, default_file: str) -> Loc:
        """The nearest located prefix of ``path`` (the root: line 1 of the root file)."""
        p = tuple(path)
        while p:
            if p in self.loc:
                return self.loc[p]
            p = p[:-1]
        return self.loc.get((), (default_file, None))


#: A number as a scenario writes it: plain decimal digits, a sign, a point, an exponent,
#: and YAML's .inf / .nan (refused later where a finite number is needed, with the field).
_PLAIN_NUMBER = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
                           r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")


class _Builder:
    """Plain data (dict, list, str, int, float, bool, None, date) from a composed YAML
    node graph, with the line of every key and item. Anything else (a tag such as
    ``!!binary`` or ``!foo``, a key that is not text, a duplicate key, an overlong
    number) is a located problem, never an exception."""

    def __init__(self, file: str, constructor: Any, problems: list[Problem]) -> None:
        self.file = file
        self.cons = constructor
        self.problems = problems
        self.loc: dict[PathT, Loc] = {}

    def _bad(self, node: Any, path: PathT, msg: str) -> None:
        self.problems.append(_problem(self.file, node.start_mark.line + 1, _fmt_path(path), msg))

    def build(self, node: Any, path: PathT, depth: int = 0) -> Any:
        if depth > MAX_DEPTH + 1:  # the composer refuses this first; never recurse unbounded
            self._bad(node, path, f"nested deeper than {MAX_DEPTH} levels")
            return INVALID
        tag = str(node.tag)
        if isinstance(node, MappingNode):
            if tag != _YAML_TAG + "map":
                self._bad(node, path, f"unsupported YAML tag {shown(_tag(tag))} (plain data only)")
                return INVALID
            return self._mapping(node, path, depth)
        if isinstance(node, SequenceNode):
            if tag != _YAML_TAG + "seq":
                self._bad(node, path, f"unsupported YAML tag {shown(_tag(tag))} (plain data only)")
                return INVALID
            out = []
            for i, item in enumerate(node.value):
                self.loc.setdefault((*path, i), (self.file, item.start_mark.line + 1))
                out.append(self.build(item, (*path, i), depth + 1))
            return out
        return self._scalar(node, path)

    def _scalar(self, node: Any, path: PathT) -> Any:
        tag = str(node.tag)
        kind = tag[len(_YAML_TAG):] if tag.startswith(_YAML_TAG) else None
        if kind in ("int", "float") and len(node.value) > MAX_NUMBER_CHARS:
            self._bad(node, path, f"number too long ({len(node.value):,} characters; at most "
                                  f"{MAX_NUMBER_CHARS})")
            return INVALID
        if kind in ("int", "float") and not _PLAIN_NUMBER.fullmatch(str(node.value)):
            # YAML reads 1_000, 0x12C, 0o14 and 0b11 as numbers; --set and --vary do not,
            # and a reader of the file may not either: one way to write a number, in every
            # input (stavka.world.static.coerce_param)
            self._bad(node, path, f"not a number as written: {shown(node.value)} (write it "
                                  f"in plain decimal digits, e.g. 1000 or 0.25, or quote it "
                                  f"if it is text)")
            return INVALID
        try:
            if kind == "str":
                return str(node.value)
            if kind == "timestamp":
                return _timestamp(self.cons, node)
            if kind in ("int", "float", "bool", "null"):
                val = getattr(self.cons, f"construct_yaml_{kind}")(node)
                return val
        except (ValueError, TypeError, OverflowError, YAMLError):
            self._bad(node, path, f"not a valid {kind}: {shown(node.value)}")
            return INVALID
        self._bad(node, path, f"unsupported YAML tag {shown(_tag(tag))} (plain data only)")
        return INVALID

    def _mapping(self, node: Any, path: PathT, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first: dict[str, int] = {}
        merges: list[Any] = []
        for knode, vnode in node.value:
            ktag = str(knode.tag)
            if ktag == _YAML_TAG + "merge":
                merges.append(vnode)
                continue
            if not (isinstance(knode, ScalarNode) and ktag == _YAML_TAG + "str"):
                what = (knode.value if isinstance(knode, ScalarNode) and
                        ktag.startswith(_YAML_TAG) else
                        "a list" if isinstance(knode, SequenceNode) else
                        "a mapping" if isinstance(knode, MappingNode) else knode.value)
                self._bad(knode, path, f"a key must be text (got {shown(what)}; quote it)")
                continue  # left out: the schema would report it a second time
            key = str(knode.value)
            line = knode.start_mark.line + 1
            if key in first:
                self._bad(knode, (*path, key), f"duplicate key {shown(key)} (first on line "
                                               f"{first[key]})")
                continue
            first[key] = line
            self.loc.setdefault((*path, key), (self.file, line))
            out[key] = self.build(vnode, (*path, key), depth + 1)
        # YAML merge keys (<<: *base, <<: [*a, *b]): keys given here win, then earlier sources
        for mnode in merges:
            sources = mnode.value if isinstance(mnode, SequenceNode) else [mnode]
            for src in sources:
                if not isinstance(src, MappingNode):
                    self._bad(mnode, path, "a merge (<<) takes a mapping or a list of mappings")
                    continue
                merged = self.build(src, path, depth)
                if isinstance(merged, dict):
                    for k, v in merged.items():
                        out.setdefault(k, v)
        return out


def _parse(path: Path, text: str, budget: _Budget, problems: list[Problem]
           ) -> tuple[Any, dict[PathT, Loc]] | None:
    """Compose ``text`` (bounded) and build its plain data; None if it is not YAML."""
    yaml = YAML(typ="safe", pure=True)
    yaml.Composer = _BoundedComposer
    composer = yaml.composer
    composer.budget = budget
    file = str(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            node = yaml.compose(text)
    except _Refused as exc:
        line = exc.mark.line + 1 if exc.mark is not None else None
        problems.append(_problem(file, line, "", exc.message))
        return None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        msg = (exc.problem or exc.context or "invalid YAML").strip()
        problems.append(_problem(file, line, "", f"invalid YAML: {msg}"))
        return None
    except ReaderError as exc:
        pos = exc.position if isinstance(exc.position, int) else 0
        line = text.count("\n", 0, pos) + 1
        ch = exc.character
        code = ord(ch) if isinstance(ch, str) and len(ch) == 1 else ch
        what = f"#x{code:04x}" if isinstance(code, int) else _shown_repr(code)
        problems.append(_problem(file, line, "",
                                 f"invalid YAML: unacceptable character {what} "
                                 f"(control characters are not allowed)"))
        return None
    except YAMLError as exc:
        problems.append(_problem(file, None, "", f"invalid YAML: {_cut(str(exc), 200)}"))
        return None
    if node is None:
        return None, {}
    builder = _Builder(file, yaml.constructor, problems)
    data = builder.build(node, ())
    return data, builder.loc


def _read_text(path: Path, budget: _Budget) -> tuple[bytes, str]:
    """The file's bytes and text, at most :data:`MAX_FILE_BYTES` (a regular file only:
    :func:`stavka.atomic.read_regular`, so a FIFO or a device in a file's place is refused
    at once, never waited on)."""
    try:
        raw = read_regular(path, MAX_FILE_BYTES)
    except OSError as exc:
        if exc.errno == errno.EFBIG:
            raise ValueError(f"file too large (more than {MAX_FILE_BYTES // 2**20} MiB)"
                             ) from None
        raise
    budget.bytes += len(raw)
    if budget.bytes > MAX_TOTAL_BYTES:
        raise ValueError(f"the scenario's files are too large together (more than "
                         f"{MAX_TOTAL_BYTES // 2**20} MiB)")
    return raw, raw.decode("utf-8")


def _fmt_path(path: Iterable[Any]) -> str:
    out = ""
    for p in path:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out


def _seq(v: Any) -> list[Any]:
    """``v`` if it is a list, else nothing to walk (the schema reports the type)."""
    return v if isinstance(v, list) else []


def _map(v: Any) -> dict[str, Any]:
    """``v`` if it is a mapping, else nothing to walk (the schema reports the type)."""
    return v if isinstance(v, dict) else {}


def _text(v: Any) -> str | None:
    """``v`` if it is text, else None (the schema reports the type)."""
    return v if isinstance(v, str) else None


def _number(v: Any) -> float | None:
    """``v`` if it is a number that compares (not a bool, not NaN), else None."""
    if isinstance(v, int | float) and not isinstance(v, bool) and v == v:
        return v
    return None


#: The shipped scenarios' folder: ``include: ['@two-fronts-1941/map.yaml']`` reads a file
#: of a shipped scenario (its map, forces or types), so a scenario can reuse them unchanged.
SHIPPED = Path(__file__).resolve().parents[1] / "scenarios"


def _include_name_problem(inc: Any) -> str | None:
    """Why ``inc`` cannot name an included file (None: it can)."""
    if not isinstance(inc, str):
        return f"must be a file name (got {type(inc).__name__} {_shown_repr(inc)})"
    if not inc.strip():
        return "must be a file name (got an empty one)"
    if any(not ch.isprintable() for ch in inc):
        return f"a file name must not contain control characters (got {shown(inc)})"
    if len(inc) > MAX_PATH_CHARS:
        return f"file name too long ({len(inc):,} characters; at most {MAX_PATH_CHARS:,})"
    try:
        parts = [len(part.encode("utf-8")) for part in inc.replace("\\", "/").split("/")]
    except UnicodeEncodeError:
        return f"a file name must be valid Unicode (got {shown(inc)})"
    if max(parts) > MAX_NAME_BYTES:
        return f"file name too long (a part of {max(parts)} bytes; at most {MAX_NAME_BYTES})"
    if inc.startswith("@"):
        name = inc[1:].replace("\\", "/").split("/")[0]
        if not name or name in (".", "..") or not (SHIPPED / name / "scenario.yaml").is_file():
            shipped = sorted(p.name for p in SHIPPED.iterdir() if (p / "scenario.yaml").is_file())
            return (f"'@SCENARIO/FILE' names a file of a shipped scenario; unknown scenario "
                    f"{shown(name)}{did_you_mean(name, shipped)}")
        return None
    if os.path.isabs(inc) or inc.startswith("~"):
        return f"must be a path relative to the scenario's folder (got {shown(inc)})"
    return None


def within_folder(path: Path, folder: Path, resolved: Path | None = None) -> bool:
    """Whether ``path`` lies in ``folder`` both by its name (no '..') and by where its
    links lead (``resolved``, its :meth:`Path.resolve` if already known), or both ways
    among the shipped scenarios (their '@scenario/...' includes). The rule for a
    scenario's includes and for the checkpoints file found beside it."""
    lexical = Path(os.path.abspath(path))
    rp = path.resolve() if resolved is None else resolved
    if lexical.is_relative_to(SHIPPED) and rp.is_relative_to(SHIPPED):
        return True
    base = Path(os.path.abspath(folder))
    return lexical.is_relative_to(base) and rp.is_relative_to(base.resolve())


class _Loader:
    def __init__(self, root: Path):
        self.root = root
        # includes are confined to the folder of the scenario's main file
        self.base = Path(os.path.abspath(root.parent))
        self.doc = _Doc()
        self.problems: list[Problem] = []
        self._side_specs: dict[str, Any] = {}  # the sides' entries (check_refs; _war_pair)
        self.files: list[Path] = []
        self.contents: list[bytes] = []
        self.budget = _Budget()
        #: formations whose type is unusable: fields they would inherit are not "missing"
        self.untyped: set[int] = set()
        #: list and mapping sections refused when merged (null, a number...): reported
        #: once there, so the schema does not report them again ("field required")
        self.refused: set[str] = set()

    def add(self, path: PathT, msg: str) -> None:
        file, line = self.doc.where(path, str(self.root))
        self.problems.append(_problem(file, line, _fmt_path(path), msg))

    def refuse(self, key: str, val: Any, kind: str,
               where: tuple[str, int | None] | None = None) -> None:
        """Section ``key`` of a file is not ``kind``: one line (a null section says it is
        empty), at ``where`` (the file and line of that section: an included file's own,
        not the first file's that has the section); the section is left out, and
        :meth:`validate` does not report it again."""
        if val is INVALID:  # the parser refused it and said why: left out, not again
            self.refused.add(key)
            return
        msg = (f"must be {kind}, not empty (nothing follows '{key}:')" if val is None
               else f"must be {kind} (got {type(val).__name__})")
        if where is None:
            self.add((key,), msg)
        else:
            self.problems.append(_problem(where[0], where[1], key, msg))
        self.refused.add(key)

    def suggest(self, name: str, pool: list[str]) -> str:
        """``did_you_mean``, within a per-load budget of comparisons (a hostile file
        with thousands of bad names must not make the report quadratic)."""
        if len(name) > 200 or self.budget.suggest + len(pool) > MAX_SUGGEST_WORK:
            return ""
        self.budget.suggest += len(pool)
        return escape(did_you_mean(name, pool))

    # -- stage 1: parse and merge includes ---------------------------------
    def read(self) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        self._read_file(self.root, merged, seen=set(), depth=0, stack=())
        return merged

    def _read_file(self, path: Path, merged: dict[str, Any], seen: set[Path], depth: int,
                   named_at: Problem | None = None, stack: tuple[Path, ...] = ()) -> None:
        def fail(msg: str, line: int | None = None) -> None:
            """At the include that names the file, else in the file itself."""
            self.problems.append(_problem(named_at.file, named_at.line, named_at.path, msg)
                                 if named_at else _problem(str(path), line, "", msg))

        try:
            rp = path.resolve()
            is_file = path.is_file()
        except (OSError, ValueError, RuntimeError) as exc:  # a loop of links, a NUL, ENAMETOOLONG
            fail(f"cannot use this file ({_cut(str(getattr(exc, 'strerror', None) or exc))})")
            return
        if rp in stack:  # the file includes itself, through its includes or directly
            fail("include cycle")
            return
        if rp in seen:  # read already by another include: its ids would be given twice
            fail("included twice (this file is already part of the scenario)")
            return
        if named_at is not None and not within_folder(path, self.base, rp):
            fail(f"outside the scenario's folder {shown(self.base)} (includes may not "
                 f"leave it, by '..' or by a link)")
            return
        if not is_file:
            shown_path = _cut(escape(str(path)), 300)
            fail("file not found" if named_at is None and not path.exists() else
                 f"file not found: {shown_path}" if not path.exists() else
                 f"not a regular file: {shown_path}")
            return
        if depth > MAX_INCLUDE_DEPTH:
            fail(f"includes nested deeper than {MAX_INCLUDE_DEPTH} files")
            return
        self.budget.files += 1
        if self.budget.files > MAX_FILES:
            if self.budget.files == MAX_FILES + 1:  # once: the rest are not read either
                fail(f"more than {MAX_FILES} files in this scenario (the rest are not read)")
            return
        try:
            raw, text = _read_text(path, self.budget)
        except UnicodeDecodeError as exc:
            fail(f"cannot read file (not UTF-8: byte {exc.start:,} is 0x"
                 f"{exc.object[exc.start]:02x})", exc.object.count(b"\n", 0, exc.start) + 1)
            return
        except (OSError, ValueError) as exc:
            fail(f"cannot read file ({_cut(str(getattr(exc, 'strerror', None) or exc))})", 1)
            return
        seen.add(rp)
        self.files.append(path)
        self.contents.append(raw)
        parsed = _parse(path, text, self.budget, self.problems)
        if parsed is None:
            return
        data, loc = parsed
        if depth == 0:  # a missing top-level field is reported at the top of the main file
            self.doc.loc[()] = (str(path), 1)
        if data is None:
            if depth == 0:
                self.problems.append(_problem(str(path), 1, "", "no YAML document in the file "
                                              "(a scenario is a mapping: id, name, start, ...)"))
            else:  # an emptied include would drop its part of the scenario without a word
                fail("the included file is empty (no YAML document): remove the include or "
                     "give the file its sections")
            return
        if not isinstance(data, dict):
            self.problems.append(_problem(str(path), 1, "", "top level must be a mapping"))
            return
        # Offsets make list items of included files addressable after concatenation.
        offsets = {k: len(merged.get(k, [])) if isinstance(merged.get(k), list) else 0
                   for k in LIST_KEYS}
        for p, where in loc.items():
            if p and p[0] in LIST_KEYS and len(p) > 1 and isinstance(p[1], int):
                p = (p[0], p[1] + offsets[p[0]], *p[2:])
            self.doc.loc.setdefault(p, where)
        includes = data.pop("include", [])
        for key, val in data.items():
            here = loc.get((key,), (str(path), None))  # this file's own line for the section
            if key in LIST_KEYS:
                if not isinstance(val, list):
                    self.refuse(key, val, "a list", here)
                    continue
                merged.setdefault(key, []).extend(val)
            elif key in MAP_KEYS:
                if not isinstance(val, dict):
                    self.refuse(key, val, "a mapping", here)
                    continue
                tgt = merged.setdefault(key, {})
                for k, v in val.items():
                    if k in tgt:  # at this file's line for it, naming the first one's
                        first = self.doc.where((key, k), str(self.root))
                        dup = loc.get((key, k), here)
                        self.problems.append(_problem(
                            dup[0], dup[1], _fmt_path((key, k)),
                            f"duplicate id {shown(k)} (first at {first[0]}:{first[1]})"))
                    tgt[k] = v
            else:
                if key in merged:
                    self.add((key,), "given twice (in an included file too)")
                merged[key] = val
        if not isinstance(includes, list):
            line = loc.get(("include",), (str(path), None))[1]
            self.problems.append(_problem(str(path), line, "include",
                                          "must be a list of files"))
            return
        for i, inc in enumerate(includes):
            line = loc.get(("include", i), (str(path), None))[1]
            at = _problem(str(path), line, f"include[{i}]", "")
            why = _include_name_problem(inc)
            if why is not None:
                self.problems.append(at._replace_msg(why))
                continue
            target = SHIPPED / inc[1:] if inc.startswith("@") else path.parent / inc
            self._read_file(target, merged, seen, depth + 1, named_at=at, stack=(*stack, rp))

    # -- stage 2: templates -------------------------------------------------
    def resolve_types(self, data: dict[str, Any]) -> None:
        types = data.get("formation_types")
        if not isinstance(types, dict):
            return
        resolved: dict[str, dict[str, Any]] = {}

        def resolve(tid: str, chain: tuple[str, ...]) -> dict[str, Any]:
            if tid in resolved:
                return resolved[tid]
            spec = types[tid]
            if not isinstance(spec, dict):
                self.add(("formation_types", tid), "must be a mapping")
                resolved[tid] = {}
                return resolved[tid]
            parent = spec.get("inherits")
            base: dict[str, Any] = {}
            if isinstance(parent, str):  # anything else: the schema reports its type
                if parent in chain or parent == tid:
                    cyc = " -> ".join((*chain, tid, parent))
                    self.add(("formation_types", tid, "inherits"),
                             f"inherits cycle: {_cut(escape(cyc), 300)}")
                elif parent not in types:
                    self.add(("formation_types", tid, "inherits"),
                             f"unknown type {shown(parent)}{self.suggest(parent, list(types))}")
                elif len(chain) >= MAX_INHERIT_DEPTH:
                    self.add(("formation_types", tid, "inherits"),
                             f"inherits chain longer than {MAX_INHERIT_DEPTH} types")
                else:
                    base = {k: v for k, v in resolve(parent, (*chain, tid)).items()
                            if k not in ("abstract", "inherits")}
            out = {**base, **spec}
            resolved[tid] = out
            return out

        for tid in list(types):
            resolve(tid, ())
        data["formation_types"] = resolved

    def fill_formations(self, data: dict[str, Any]) -> None:
        types = _map(data.get("formation_types"))
        for i, f in enumerate(_seq(data.get("formations"))):
            if not isinstance(f, dict):
                continue
            tname = _text(f.get("type"))
            t = types.get(tname) if tname is not None else None
            if not isinstance(t, dict):
                self.untyped.add(i)
            else:
                for k in INHERITED_FIELDS:
                    if k not in f and k in t:
                        f[k] = t[k]
                if t.get("abstract") is True:
                    self.add(("formations", i, "type"), f"type {shown(tname)} is abstract")

    # -- stage 3: cross references -----------------------------------------
    def check_rules(self, data: dict[str, Any]) -> None:
        """Every entry of the ``rules:`` block that is not a number within its rule's
        bounds (:func:`stavka.rules.check`: an unknown rule, a table rule, NaN, out of
        range), each on its own line, all at once. The entries reported are dropped, so the
        schema does not report the block again as one problem (it checks the same for a
        scenario built in Python)."""
        from stavka import rules
        from stavka.errors import InputError

        block = data.get("rules")
        if not isinstance(block, dict):
            return  # the schema reports it
        bad = []
        for name, value in block.items():
            if not isinstance(name, str) or value is INVALID:
                continue  # reported by the parser
            if isinstance(value, bool) or not isinstance(value, int | float):
                msg = f"must be a number (got {_shown_repr(value)})"
            else:
                try:
                    rules.check(name, value)
                    continue
                except (InputError, OverflowError) as exc:
                    msg = escape(str(exc))
            self.add(("rules", name), msg)
            bad.append(name)
        for name in bad:
            del block[name]

    def check_refs(self, data: dict[str, Any]) -> None:
        nodes = [n for n in _seq(data.get("nodes")) if isinstance(n, dict)]
        node_ids = self._unique("nodes", _seq(data.get("nodes")))
        form_ids = self._unique("formations", _seq(data.get("formations")))
        event_ids = self._unique("events", _seq(data.get("events")))
        sides = list(_map(data.get("sides")))
        self._side_specs = _map(data.get("sides"))
        zones = list(_map(data.get("climate")))
        types = list(_map(data.get("formation_types")))
        rivers = list(_map(data.get("rivers")))
        params = list(_map(data.get("parameters")))
        fronts = sorted({f for n in nodes if (f := n.get("front", "rear")) is not None
                         and isinstance(f, str)})

        def ref(path: PathT, val: Any, pool: list[str], what: str) -> None:
            if REF_SECTION.get(what) in self.refused:
                return  # its section is refused as a whole, reported there
            if isinstance(val, str) and val not in pool:  # other types: the schema reports
                self.add(path, f"unknown {what} {shown(val)}{self.suggest(val, pool)}")

        for i, n in enumerate(_seq(data.get("nodes"))):
            if isinstance(n, dict):
                ref(("nodes", i, "owner"), n.get("owner"), sides, "side")
                ref(("nodes", i, "home"), n.get("home"), sides, "side")
                ref(("nodes", i, "zone"), n.get("zone"), zones, "climate zone")
        seen_edges: dict[tuple[str, ...], int] = {}
        for i, e in enumerate(_seq(data.get("edges"))):
            if not isinstance(e, dict):
                continue
            ref(("edges", i, "a"), e.get("a"), node_ids, "node")
            ref(("edges", i, "b"), e.get("b"), node_ids, "node")
            ref(("edges", i, "river"), e.get("river"), rivers, "river")
            a, b, kind = _text(e.get("a")), _text(e.get("b")), _text(e.get("kind"))
            if a is None or b is None or kind is None:
                continue
            if a == b:
                self.add(("edges", i), f"edge joins {shown(a)} to itself")
            key = (*sorted((a, b)), kind)
            if key in seen_edges:
                self.add(("edges", i), f"duplicate {shown(key[2])} edge {shown(key[0])}-"
                                       f"{shown(key[1])} (also edges[{seen_edges[key]}])")
            seen_edges[key] = i
        for k, s in _map(data.get("sides")).items():
            if isinstance(s, dict):
                mob = _map(s.get("mobilisation"))
                ref(("sides", k, "mobilisation", "template"), mob.get("template"), types, "type")
                ref(("sides", k, "mobilisation", "at"), mob.get("at"), node_ids, "node")
                for fr in _map(s.get("doctrine")):
                    ref(("sides", k, "doctrine", fr), fr, fronts, "front")
        for i, w in enumerate(_seq(data.get("wars"))):
            if not isinstance(w, list):
                continue  # the schema reports the type
            if len(w) != 2:
                self.add(("wars", i), "must be a pair [side, side]")
                continue
            for j, s in enumerate(w):
                ref(("wars", i, j), s, sides, "side")
            self._war_pair(("wars", i), w)
        for i, f in enumerate(_seq(data.get("formations"))):
            if isinstance(f, dict):
                ref(("formations", i, "side"), f.get("side"), sides, "side")
                ref(("formations", i, "type"), f.get("type"), types, "type")
                ref(("formations", i, "location"), f.get("location"), node_ids, "node")
        for i, fa in enumerate(_seq(data.get("factories"))):
            if isinstance(fa, dict):
                ref(("factories", i, "node"), fa.get("node"), node_ids, "node")
                ref(("factories", i, "side"), fa.get("side"), sides, "side")
                for j, n in enumerate(_seq(fa.get("resources"))):
                    ref(("factories", i, "resources", j), n, node_ids, "node")
        dip = _map(data.get("diplomacy"))
        dip_ids = {k: [x["id"] for x in _seq(dip.get(k))
                       if isinstance(x, dict) and isinstance(x.get("id"), str)]
                   for k in ("requests", "agreements", "contracts")}
        # the tags are all known only when every formation and its tags parsed; else a
        # selector's tag is not checked (the broken entry is reported, once, on its own)
        forms = data.get("formations")
        self._forms_listed = isinstance(forms, list) and all(
            isinstance(f, dict) and (f.get("tags") is None or (
                isinstance(f["tags"], list) and all(isinstance(x, str) for x in f["tags"])))
            for f in forms)
        tags = sorted({tg for f in _seq(forms) if isinstance(f, dict)
                       for tg in _seq(f.get("tags")) if isinstance(tg, str)})
        ctx: dict[str, list[str]] = dict(
            nodes=node_ids, forms=form_ids, sides=sides, types=types, events=event_ids,
            tags=tags, abstract_types=[k for k, v in _map(data.get("formation_types")).items()
                                       if isinstance(v, dict) and v.get("abstract") is True],
            params=params, fronts=fronts, requests=dip_ids["requests"],
            rail_edges=rail_edges(data), ports=ports(data),
            agreements=dip_ids["agreements"],
            signables=dip_ids["agreements"] + dip_ids["contracts"],
            landings=[x["id"] for x in _seq(_map(data.get("sea")).get("landings"))
                      if isinstance(x, dict) and isinstance(x.get("id"), str)])
        self._ref = ref
        self._nodes = {n["id"]: n for n in nodes if isinstance(n.get("id"), str)}
        self._sides = sides
        diplomacy.check_refs(
            data, ref, self.add, lambda p, t: self._trigger(p, t, ctx),
            lambda p, e: self._effect(p, e, ctx), lambda p, v: self._param(p, v, params))
        naval.check_refs(data, ref, self.add, self.suggest,
                         lambda p, v: self._param(p, v, params))
        for i, o in enumerate(_seq(data.get("orders"))):
            if isinstance(o, dict):
                named: dict[str, int] = {}
                for j, fid in enumerate(_seq(o.get("formations"))):
                    ref(("orders", i, "formations", j), fid, form_ids, "formation")
                    if isinstance(fid, str) and fid in named:
                        self.add(("orders", i, "formations", j),
                                 f"formation {shown(fid)} is named twice in this order "
                                 f"(first at formations[{named[fid]}])")
                    elif isinstance(fid, str):
                        named[fid] = j
                ref(("orders", i, "target"), o.get("target"), node_ids, "node")
                self._selector(("orders", i, "select"), o.get("select"), ctx)
                self._param(("orders", i, "date"), o.get("date"), params)
        for i, ev in enumerate(_seq(data.get("events"))):
            if isinstance(ev, dict):
                self._trigger(("events", i, "trigger"), ev.get("trigger"), ctx)
                for j, eff in enumerate(_seq(ev.get("effects"))):
                    self._effect(("events", i, "effects", j), eff, ctx)
        vic = _map(data.get("victory"))
        for i, c in enumerate(_seq(vic.get("conditions"))):
            if isinstance(c, dict):
                ref(("victory", "conditions", i, "hold"), c.get("hold"), node_ids, "node")
                ref(("victory", "conditions", i, "side"), c.get("side"), sides, "side")
                ref(("victory", "conditions", i, "event"), c.get("event"), event_ids, "event")
        for nd, sd in _map(vic.get("sudden_death")).items():
            ref(("victory", "sudden_death", nd), nd, node_ids, "node")
            ref(("victory", "sudden_death", nd), sd, sides, "side")
        for name, p in _map(data.get("parameters")).items():
            if isinstance(p, dict):
                self._param_default(("parameters", name), p)
        check_commanders(data, ref, self.add, fronts)

    def _unique(self, key: str, items: list[Any]) -> list[str]:
        ids: list[str] = []
        first: dict[str, int] = {}
        for i, it in enumerate(items):
            iid = _text(it.get("id")) if isinstance(it, dict) else None
            if iid is None:
                continue
            if iid in first:
                self.add((key, i, "id"),
                         f"duplicate id {shown(iid)} (first at {key}[{first[iid]}])")
            else:
                first[iid] = i
                ids.append(iid)
        return ids

    def _param(self, path: PathT, val: Any, params: list[str]) -> None:
        if "parameters" in self.refused:
            return  # the section is refused as a whole, reported there
        if isinstance(val, str) and val.startswith("$") and val[1:] not in params:
            self.add(path, f"unknown parameter {shown(val[1:])}{self.suggest(val[1:], params)}")

    def _param_default(self, path: PathT, p: dict[str, Any]) -> None:
        d, lo, hi = (_number(p.get(k)) for k in ("default", "min", "max"))
        if d is not None:
            if lo is not None and d < lo:
                self.add((*path, "default"), f"must be >= min {lo} (got {d})")
            if hi is not None and d > hi:
                self.add((*path, "default"), f"must be <= max {hi} (got {d})")

    def _selector(self, path: PathT, sel: Any, ctx: dict[str, list[str]]) -> None:
        if not isinstance(sel, dict):
            return
        if set(sel) <= set(Selector.model_fields) and all(
                v is None or v == [] for v in sel.values()):  # a bad value has its own line
            self.add(path, "names no formations: give ids, side, front, type or tag (an "
                           "empty selector would pick every formation of every side)")
            return
        ref = self._ref
        for j, fid in enumerate(_seq(sel.get("ids"))):
            ref((*path, "ids", j), fid, ctx["forms"], "formation")
        ref((*path, "side"), sel.get("side"), ctx["sides"], "side")
        ref((*path, "front"), sel.get("front"), ctx["fronts"], "front")
        for j, t in enumerate(_seq(sel.get("type"))):
            ref((*path, "type", j), t, ctx["types"], "type")
            if isinstance(t, str) and t in ctx["abstract_types"]:  # no formation is of it
                self.add((*path, "type", j), f"type {shown(t)} is abstract: no formation is "
                                             f"of it, so it selects nothing (name the types "
                                             f"the formations use)")
        # a tag no formation carries selects nothing: a typo, not a choice (unless the
        # formations section itself is broken, which is reported once, on its own)
        if self._forms_listed:
            ref((*path, "tag"), sel.get("tag"), ctx["tags"], "tag")

    def _trigger(self, path: PathT, trig: Any, ctx: dict[str, list[str]]) -> None:
        if not isinstance(trig, dict):
            return
        ref = self._ref
        self._param((*path, "date"), trig.get("date"), ctx["params"])
        self._param((*path, "chance"), trig.get("chance"), ctx["params"])
        ref((*path, "captured"), trig.get("captured"), ctx["nodes"], "node")
        for nd, sd in _map(trig.get("held_by")).items():
            ref((*path, "held_by", nd), nd, ctx["nodes"], "node")
            ref((*path, "held_by", nd), sd, ctx["sides"], "side")
        sb = _map(trig.get("strength_below"))
        ref((*path, "strength_below", "side"), sb.get("side"), ctx["sides"], "side")
        ref((*path, "strength_below", "enemy"), sb.get("enemy"), ctx["sides"], "enemy")
        ref((*path, "strength_below", "front"), sb.get("front"), ctx["fronts"], "front")
        self._param((*path, "strength_below", "fraction"), sb.get("fraction"), ctx["params"])
        pc = trig.get("param")
        if isinstance(pc, dict):
            if "name" not in pc:
                pass  # the schema reports it missing
            else:
                ref((*path, "param", "name"), pc.get("name"), ctx["params"], "parameter")
        ref((*path, "event"), trig.get("event"), ctx["events"], "event")
        ref((*path, "request", "id"), _map(trig.get("request")).get("id"), ctx["requests"],
            "request")
        ref((*path, "agreement", "id"), _map(trig.get("agreement")).get("id"),
            ctx["agreements"], "agreement")
        for j, sub in enumerate(_seq(trig.get("any"))):
            self._trigger((*path, "any", j), sub, ctx)

    def _war_pair(self, path: PathT, pair: list[Any]) -> None:
        """A pair of sides at war (``wars``, an event's ``declare_war``): two sides, of two
        alliances (sides of one alliance never fight: the engine would never set them
        against each other, and the war would silently do nothing)."""
        a, b = pair
        if not (isinstance(a, str) and isinstance(b, str)):
            return
        if a == b:
            self.add((*path, 1), f"a side cannot be at war with itself ({shown(a)} twice)")
            return
        al_a, al_b = (_map(self._side_specs.get(x)).get("alliance") for x in (a, b))
        if isinstance(al_a, str) and al_a == al_b:
            self.add((*path, 1), f"{shown(a)} and {shown(b)} are both of alliance "
                                 f"{shown(al_a)}: sides of one alliance never fight")

    def _effect(self, path: PathT, eff: Any, ctx: dict[str, list[str]]) -> None:
        if not isinstance(eff, dict):
            return
        ref = self._ref
        nodes, sides = ctx["nodes"], ctx["sides"]
        for j, s in enumerate(_seq(eff.get("declare_war"))):
            ref((*path, "declare_war", j), s, sides, "side")
        if isinstance(eff.get("declare_war"), list) and len(eff["declare_war"]) == 2:
            self._war_pair((*path, "declare_war"), eff["declare_war"])
        for key in ("stance", "morale", "siege"):
            d = _map(eff.get(key))
            ref((*path, key, "side"), d.get("side"), sides, "side")
            ref((*path, key, "front"), d.get("front"), ctx["fronts"], "front")
        self._param((*path, "morale", "delta"), _map(eff.get("morale")).get("delta"),
                    ctx["params"])
        self._selector((*path, "release"), eff.get("release"), ctx)
        tr = _map(eff.get("transfer"))
        self._selector((*path, "transfer", "select"), tr.get("select"), ctx)
        ref((*path, "transfer", "to"), tr.get("to"), nodes, "node")
        for k in ("count", "every_days"):
            self._param((*path, "transfer", k), tr.get(k), ctx["params"])
        dl = _map(eff.get("deliver"))
        ref((*path, "deliver", "side"), dl.get("side"), sides, "side")
        ref((*path, "deliver", "at"), dl.get("at"), nodes, "node")
        for k in ("after_days", "gold_t"):
            self._param((*path, "deliver", k), dl.get(k), ctx["params"])
        rq = _map(eff.get("request"))
        ref((*path, "request", "to"), rq.get("to"), sides, "side")
        ref((*path, "request", "then"), rq.get("then"), ctx["events"], "event")
        self._param((*path, "request", "probability"), rq.get("probability"), ctx["params"])
        self._selector((*path, "halt"), eff.get("halt"), ctx)
        self._selector((*path, "hold"), eff.get("hold"), ctx)
        self._selector((*path, "withdraw"), eff.get("withdraw"), ctx)
        at = _map(eff.get("attack"))
        self._selector((*path, "attack", "select"), at.get("select"), ctx)
        ref((*path, "attack", "target"), at.get("target"), nodes, "node")
        ref((*path, "send"), eff.get("send"), ctx["requests"], "request")
        ref((*path, "sign"), eff.get("sign"), ctx["signables"], "agreement or contract")
        ref((*path, "land"), eff.get("land"), ctx["landings"], "landing")
        check_interdiction_effect(path, eff, ctx, ref, self.add)
        check_partisans_rule(path, eff, self._nodes, self._sides, self.add)
        for key, field in (("partisans", "detachments"), ("strike", "damage"),
                           ("strike", "fort"), ("mobilise", "level")):
            self._param((*path, key, field), _map(eff.get(key)).get(field), ctx["params"])
        self._selector((*path, "strike", "select"), _map(eff.get("strike")).get("select"), ctx)

    # -- stage 4: schema -----------------------------------------------------
    def validate(self, data: dict[str, Any]) -> Scenario | None:
        block = data.get("rules")
        if isinstance(block, dict) and any(v is INVALID for v in block.values()):
            # a rule the parser refused is reported (and the load fails); the block's own
            # check would report it again as "not a number"
            data = {**data, "rules": {k: v for k, v in block.items() if v is not INVALID}}
        try:
            return Scenario.model_validate(data)
        except ValidationError as exc:
            errors = exc.errors()
        # pydantic appends union-branch / validator names to loc; trim them to the
        # longest prefix that exists in the source. A value failing every branch of a
        # union ("a number or a $param") is one problem: keep the most telling branch.
        found: dict[PathT, list[tuple[int, str, Any, str]]] = {}
        for err in errors:
            loc = tuple(err["loc"])
            if err.get("input") is INVALID:
                continue  # refused by the parser, already reported
            if loc and loc[0] in self.refused:
                continue  # a section refused when merged, already reported
            if (err["type"] == "missing" and len(loc) == 3 and loc[0] == "formations"
                    and loc[1] in self.untyped and loc[2] in INHERITED_FIELDS):
                continue  # follows from the formation's bad type, reported there
            clean: list[Any] = []
            branch = 0
            for q in loc:
                if isinstance(q, str) and (q.startswith(("function-", "constrained-", "lax-"))
                                           or q in _BRANCHES) and q not in self._keys_at(loc):
                    branch += 1
                    if q in ("str", "constrained-str"):
                        branch += 10  # the $param branch: rarely what was meant
                    continue
                clean.append(q)
            msg = err["msg"]
            if msg.startswith("Value error, "):
                msg = msg[len("Value error, "):]
            got = err.get("input")
            if err["type"] not in ("missing", "model_type") and not isinstance(got, dict | list):
                msg += f" (got {_shown_repr(got)})"
            found.setdefault(tuple(clean), []).append((branch, err["type"], got, msg))
        for path, errs in found.items():
            plain = [e for e in errs if e[0] == 0]
            if plain:
                chosen = plain
            else:
                got = errs[0][2]
                wants_param = isinstance(got, str) and got.startswith("$")
                pick = min(errs, key=lambda e: (e[0] >= 10) != wants_param)
                chosen = [pick]
            for _, _, _, msg in chosen:
                self.add(path, msg[0].lower() + msg[1:] if msg else msg)
        return None

    def _keys_at(self, loc: PathT) -> set[str]:
        return {p for p in loc if isinstance(p, str) and (p,) in self.doc.loc}

    # -- warnings: fields set that the engine does not read yet ------------------
    def not_yet_used(self, spec: Scenario) -> list[NotYetUsed]:
        """One warning per file and field that the scenario sets where no rule reads it.

        A value a formation or type only inherits is not counted: it is reported where
        the type sets it.
        """
        found: dict[tuple[str, str], tuple[str, list[tuple[int, PathT]]]] = {}
        for path, key, planned in not_yet_used_settings(spec):
            loc = self.doc.loc.get(path)
            if loc is None:
                continue
            found.setdefault((loc[0], key), (planned, []))[1].append((loc[1] or 0, path))
        out = []
        for (file, _), (planned, places) in found.items():
            line, path = min(places, key=lambda q: q[0])
            out.append(NotYetUsed(file, line or None, _fmt_path(path), planned,
                                  len(places) - 1))
        return sorted(out, key=lambda w: (w.file, w.line or 0, w.field))

    # -- stage 5: checks that need typed values -------------------------------
    def check_spec(self, spec: Scenario) -> None:
        """Parameters against the campaign and the fields that use them."""
        lo_d, hi_d = spec.start, spec.end
        for name, par in spec.parameters.items():
            d = par.default
            first = min(lo_d, par.earliest) if par.earliest is not None else lo_d
            if par.earliest is not None and par.earliest >= lo_d:
                self.add(("parameters", name, "earliest"),
                         f"must be before the campaign's start {lo_d} (got {par.earliest}; "
                         f"leave it out to allow dates from the start)")
            if par.type == "date" and isinstance(d, dt.date) and not first <= d <= hi_d:
                self.add(("parameters", name, "default"),
                         f"a date parameter must lie within the campaign {first}..{hi_d} "
                         f"(or be null; got {d})")
        for path, name, kind, lo, hi in param_uses(spec):
            p = spec.parameters.get(name)
            if p is None:
                continue  # reported as unknown by check_refs
            fits = (p.type == kind or (kind == "float" and p.type == "int"))
            if not fits:
                self.add(path, f"parameter {shown(name)} is a {p.type}; this field needs "
                               f"{'an' if kind == 'int' else 'a'} {kind} parameter")
                continue
            if kind == "date":
                continue
            for what, raw in (("default", p.default), ("min", p.min), ("max", p.max)):
                v = _number(raw)
                if v is not None and ((lo is not None and v < lo) or (hi is not None and v > hi)):
                    self.add(path, f"parameter {shown(name)} has {what} {v:g}, outside "
                                   f"{lo:g}..{hi:g} allowed here")
        self._trigger_checks(spec)
        self._order_checks(spec)

    def _order_checks(self, spec: Scenario) -> None:
        """Every scripted order dated outside the campaign is a problem: its day never
        comes, so it would never be given (a ``$param`` date before the start is given on
        the first day, :func:`stavka.engine.phases.events.date_day`)."""
        for i, o in enumerate(spec.orders):
            if isinstance(o.date, dt.date) and not spec.start <= o.date <= spec.end:
                self.add(("orders", i, "date"), f"must lie within the campaign "
                                                f"{spec.start}..{spec.end} (got {o.date}; the "
                                                f"order would never be given)")

    def _trigger_checks(self, spec: Scenario) -> None:
        """Every event trigger: its dates against the campaign, its parameter conditions
        against the parameters' types."""
        def walk(path: PathT, trig: Any) -> None:
            # a trigger whose day never comes would never fire ('date' and 'after' are on
            # or after, so one before the start fires on the first day; 'before' is not after)
            for key in ("date", "after"):
                when = getattr(trig, key)
                if isinstance(when, dt.date) and when > spec.end:
                    self.add((*path, key), f"must not be after the campaign's end {spec.end} "
                                           f"(got {when}; the event would never fire)")
            if trig.before is not None and trig.before < spec.start:
                self.add((*path, "before"), f"must not be before the campaign's start "
                                            f"{spec.start} (got {trig.before}; the event "
                                            f"would never fire)")
            pc = trig.param
            if pc is not None and pc.name in spec.parameters:
                ptype = spec.parameters[pc.name].type
                if pc.op not in ("set", "unset"):  # a comparison
                    if ptype == "date":
                        self.add((*path, "param", "op"),
                                 f"{pc.op!r} cannot compare date parameter {shown(pc.name)} "
                                 f"with a number (use set/unset)")
                    elif pc.value is None:
                        self.add((*path, "param", "value"),
                                 f"{pc.op!r} needs a value (a number, or true/false; "
                                 f"set/unset test for none)")
            for j, sub in enumerate(trig.any):
                walk((*path, "any", j), sub)

        for i, ev in enumerate(spec.events):
            walk(("events", i, "trigger"), ev.trigger)


#: Names pydantic gives union branches in an error's loc.
_BRANCHES = ("date", "str", "int", "float", "bool", "list[str]", "none", "dict[str,any]",
             "list[any]", "StanceChange", "MoraleChange", "Selector", "Transfer", "Delivery",
             "Request", "AttackOrder")


def scenario_hash(files: list[Path]) -> str:
    """sha256 over the scenario's files (contents, in load order), for replays."""
    return _hash((f.name, f.read_bytes()) for f in files)


def _hash(items: Iterable[tuple[str, bytes]]) -> str:
    h = hashlib.sha256()
    for name, content in items:
        h.update(name.encode())
        h.update(content)
    return h.hexdigest()[:16]


@dataclass(frozen=True)
class NotYetUsed:
    """A warning: a scenario file sets a field that the engine accepts but does not read yet.

    ``field`` is the first place in ``file`` (at ``line``) that sets it, ``more`` how many
    other places in that file set the same field, ``planned`` what will use it.
    """

    file: str
    line: int | None
    field: str
    planned: str
    more: int = 0

    def __str__(self) -> str:
        loc = f"{self.file}:{self.line}" if self.line is not None else self.file
        also = f"; set in {self.more:,} more place{'s' if self.more != 1 else ''} in this " \
               f"file" if self.more else ""
        return (f"{loc}: warning: field {self.field} is accepted but not yet used by the "
                f"engine (planned: {self.planned}){also}")


class Loaded:
    """A scenario together with the files it came from, and the warnings of its load."""

    def __init__(self, spec: Scenario, files: list[Path], contents: list[bytes] | None = None,
                 warnings: list[NotYetUsed] | None = None):
        self.spec = spec
        self.files = files
        #: fields set that the engine does not read yet (``stavka check`` prints them)
        self.warnings: list[NotYetUsed] = list(warnings or [])
        self.hash = (scenario_hash(files) if contents is None else
                     _hash(zip((f.name for f in files), contents, strict=True)))


def load_file(path: str | Path) -> Loaded:
    """Load and check a scenario file (or a directory holding ``scenario.yaml``).

    Raises :class:`ScenarioError` listing every problem as ``file:line: field: message``;
    never another exception, however hostile the file (bounded size, depth, aliases,
    number length, includes; see the ``MAX_*`` limits above).
    """
    p = Path(path)
    try:
        if p.is_dir():
            p = p / "scenario.yaml"
    except (OSError, ValueError):
        pass  # reported by _read_file
    ld = _Loader(p)
    data = ld.read()
    spec = None
    if not ld.problems or data:
        ld.resolve_types(data)
        ld.fill_formations(data)
        ld.check_rules(data)
        ld.check_refs(data)
        spec = ld.validate(data)
        if spec is not None:
            ld.check_spec(spec)
    if ld.problems or spec is None:
        # Stable order: by file, then line.
        probs = sorted(set(ld.problems), key=lambda q: (q.file, q.line or 0, q.path, q.message))
        raise ScenarioError(probs)
    return Loaded(spec, ld.files, ld.contents, warnings=ld.not_yet_used(spec))


def dump_json(spec: Scenario) -> str:
    """Canonical JSON of a spec (dates as ISO strings)."""
    return json.dumps(spec.model_dump(mode="json", by_alias=True), sort_keys=True)
