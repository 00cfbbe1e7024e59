"""Load a scenario from YAML, reporting every problem with its file and line.

The pipeline: parse (ruamel, keeping line numbers) -> follow ``include:`` ->
resolve ``inherits:`` templates -> fill formations from their type ->
check cross-references on the raw data -> validate with the pydantic schema.
Problems from every stage are collected and raised together as one
:class:`~stavka.errors.ScenarioError`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from stavka.errors import Problem, ScenarioError, did_you_mean
from stavka.scenario.schema import Scenario

Loc = tuple[str, int | None]
PathT = tuple[Any, ...]

#: Fields a formation takes from its type when it does not give them itself.
INHERITED_FIELDS = ("men", "tanks", "guns", "aircraft", "trucks", "quality")
#: Top-level keys that are lists (concatenated across includes) and maps (merged).
LIST_KEYS = ("nodes", "edges", "formations", "factories", "orders", "events", "wars")
MAP_KEYS = ("parameters", "climate", "rivers", "sides", "formation_types", "sources")


class _Doc:
    """Plain data of a YAML document plus a path -> (file, line) index."""

    def __init__(self) -> None:
        self.loc: dict[PathT, Loc] = {}

    def plain(self, node: Any, path: PathT, file: str) -> Any:
        if isinstance(node, CommentedMap):
            out: dict[Any, Any] = {}
            for k, v in node.items():
                try:
                    line = node.lc.key(k)[0] + 1
                except (KeyError, TypeError, AttributeError):
                    line = None
                self.loc[(*path, k)] = (file, line)
                out[str(k) if not isinstance(k, str | int) else k] = self.plain(v, (*path, k), file)
            return out
        if isinstance(node, CommentedSeq):
            res = []
            for i, v in enumerate(node):
                try:
                    line = node.lc.item(i)[0] + 1
                except (KeyError, TypeError, AttributeError, IndexError):
                    line = None
                self.loc[(*path, i)] = (file, line)
                res.append(self.plain(v, (*path, i), file))
            return res
        if isinstance(node, dt.datetime):
            return node.date() if node.time() == dt.time() else node
        return node

    def where(self, path: PathT, default_file: str) -> Loc:
        """The nearest located prefix of ``path``."""
        p = tuple(path)
        while p:
            if p in self.loc:
                return self.loc[p]
            p = p[:-1]
        return (default_file, None)


def _lenient_timestamp(constructor: Any, node: Any) -> Any:
    """Dates that do not exist (1941-13-30) stay strings so the schema reports them."""
    try:
        return constructor.construct_yaml_timestamp(node)
    except ValueError:
        return str(node.value)


def _parse(path: Path, problems: list[Problem]) -> Any:
    yaml = YAML(typ="rt")
    yaml.constructor.add_constructor("tag:yaml.org,2002:timestamp", _lenient_timestamp)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(Problem(str(path), None, "", "file not found"))
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(str(path), None, "", f"cannot read file ({exc})"))
        return None
    try:
        return yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        msg = (exc.problem or exc.context or "invalid YAML").strip()
        problems.append(Problem(str(path), line, "", f"invalid YAML: {msg}"))
    except YAMLError as exc:
        problems.append(Problem(str(path), None, "", f"invalid YAML: {exc}"))
    return None


def _fmt_path(path: Iterable[Any]) -> str:
    out = ""
    for p in path:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out


class _Loader:
    def __init__(self, root: Path):
        self.root = root
        self.doc = _Doc()
        self.problems: list[Problem] = []
        self.files: list[Path] = []

    def add(self, path: PathT, msg: str) -> None:
        file, line = self.doc.where(path, str(self.root))
        self.problems.append(Problem(file, line, _fmt_path(path), msg))

    # -- stage 1: parse and merge includes ---------------------------------
    def read(self) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        self._read_file(self.root, merged, seen=set())
        return merged

    def _read_file(self, path: Path, merged: dict[str, Any], seen: set[Path],
                   named_at: Problem | None = None) -> None:
        rp = path.resolve()
        if rp in seen:
            self.problems.append(named_at._replace_msg("include cycle") if named_at else
                                 Problem(str(path), None, "include", "include cycle"))
            return
        if named_at is not None and not path.is_file():
            self.problems.append(named_at._replace_msg(f"file not found: {path}"))
            return
        seen.add(rp)
        self.files.append(path)
        raw = _parse(path, self.problems)
        if raw is None:
            return
        if not isinstance(raw, CommentedMap):
            self.problems.append(Problem(str(path), 1, "", "top level must be a mapping"))
            return
        # Offsets make list items of included files addressable after concatenation.
        offsets = {k: len(merged.get(k, [])) for k in LIST_KEYS}
        sub = _Doc()
        data = sub.plain(raw, (), str(path))
        for p, loc in sub.loc.items():
            if p and p[0] in LIST_KEYS and len(p) > 1 and isinstance(p[1], int):
                p = (p[0], p[1] + offsets[p[0]], *p[2:])
            self.doc.loc.setdefault(p, loc)
        includes = data.pop("include", [])
        for key, val in data.items():
            if key in LIST_KEYS:
                if not isinstance(val, list):
                    self.add((key,), f"must be a list (got {type(val).__name__})")
                    continue
                merged.setdefault(key, []).extend(val)
            elif key in MAP_KEYS:
                if not isinstance(val, dict):
                    self.add((key,), f"must be a mapping (got {type(val).__name__})")
                    continue
                tgt = merged.setdefault(key, {})
                for k, v in val.items():
                    if k in tgt:
                        self.add((key, k), f"duplicate id '{k}'")
                    tgt[k] = v
            else:
                if key in merged:
                    self.add((key,), "given twice (in an included file too)")
                merged[key] = val
        if not isinstance(includes, list):
            self.problems.append(Problem(str(path), None, "include", "must be a list of files"))
            return
        for i, inc in enumerate(includes):
            line = sub.loc.get(("include", i), (str(path), None))[1]
            self._read_file(path.parent / str(inc), merged, seen,
                            named_at=Problem(str(path), line, f"include[{i}]", ""))

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
            if parent is not None:
                if parent in chain or parent == tid:
                    cyc = " -> ".join((*chain, tid, parent))
                    self.add(("formation_types", tid, "inherits"), f"inherits cycle: {cyc}")
                elif parent not in types:
                    self.add(
                        ("formation_types", tid, "inherits"),
                        f"unknown type '{parent}'{did_you_mean(parent, list(types))}",
                    )
                else:
                    base = {k: v for k, v in resolve(parent, (*chain, tid)).items()
                            if k not in ("abstract", "inherits")}
            out = {**base, **spec}
            resolved[tid] = out
            return out

        for tid in list(types):
            resolve(str(tid), ())
        data["formation_types"] = resolved

    def fill_formations(self, data: dict[str, Any]) -> None:
        types = data.get("formation_types") or {}
        for i, f in enumerate(data.get("formations") or []):
            if not isinstance(f, dict):
                continue
            t = types.get(f.get("type"))
            if isinstance(t, dict):
                for k in INHERITED_FIELDS:
                    if k not in f and k in t:
                        f[k] = t[k]
                if t.get("abstract"):
                    self.add(("formations", i, "type"), f"type '{f.get('type')}' is abstract")

    # -- stage 3: cross references -----------------------------------------
    def check_refs(self, data: dict[str, Any]) -> None:
        nodes = [n for n in data.get("nodes") or [] if isinstance(n, dict)]
        node_ids = self._unique("nodes", data.get("nodes") or [])
        form_ids = self._unique("formations", data.get("formations") or [])
        event_ids = self._unique("events", data.get("events") or [])
        sides = list((data.get("sides") or {}).keys())
        zones = list((data.get("climate") or {}).keys())
        types = list((data.get("formation_types") or {}).keys())
        rivers = list((data.get("rivers") or {}).keys())
        params = list((data.get("parameters") or {}).keys())
        fronts = sorted({str(n.get("front", "rear")) for n in nodes})

        def ref(path: PathT, val: Any, pool: list[str], what: str) -> None:
            if val is None or isinstance(val, dict | list):
                return
            if str(val) not in pool:
                self.add(path, f"unknown {what} '{val}'{did_you_mean(str(val), pool)}")

        for i, n in enumerate(data.get("nodes") or []):
            if isinstance(n, dict):
                ref(("nodes", i, "owner"), n.get("owner"), sides, "side")
                ref(("nodes", i, "zone"), n.get("zone"), zones, "climate zone")
        seen_edges: dict[tuple[str, ...], int] = {}
        for i, e in enumerate(data.get("edges") or []):
            if not isinstance(e, dict):
                continue
            ref(("edges", i, "a"), e.get("a"), node_ids, "node")
            ref(("edges", i, "b"), e.get("b"), node_ids, "node")
            ref(("edges", i, "river"), e.get("river"), rivers, "river")
            if e.get("a") is not None and e.get("a") == e.get("b"):
                self.add(("edges", i), f"edge joins '{e.get('a')}' to itself")
            key = (*sorted((str(e.get("a")), str(e.get("b")))), str(e.get("kind")))
            if key in seen_edges:
                self.add(("edges", i), f"duplicate {key[2]} edge {key[0]}-{key[1]} "
                                       f"(also edges[{seen_edges[key]}])")
            seen_edges[key] = i
        for k, s in (data.get("sides") or {}).items():
            if isinstance(s, dict):
                mob = s.get("mobilisation") or {}
                if isinstance(mob, dict):
                    ref(("sides", k, "mobilisation", "template"), mob.get("template"), types, "type")
                    ref(("sides", k, "mobilisation", "at"), mob.get("at"), node_ids, "node")
                for fr in (s.get("doctrine") or {}):
                    ref(("sides", k, "doctrine", fr), fr, fronts, "front")
        for i, w in enumerate(data.get("wars") or []):
            if not (isinstance(w, list) and len(w) == 2):
                self.add(("wars", i), "must be a pair [side, side]")
                continue
            for j, s in enumerate(w):
                ref(("wars", i, j), s, sides, "side")
        for i, f in enumerate(data.get("formations") or []):
            if isinstance(f, dict):
                ref(("formations", i, "side"), f.get("side"), sides, "side")
                ref(("formations", i, "type"), f.get("type"), types, "type")
                ref(("formations", i, "location"), f.get("location"), node_ids, "node")
        for i, fa in enumerate(data.get("factories") or []):
            if isinstance(fa, dict):
                ref(("factories", i, "node"), fa.get("node"), node_ids, "node")
                ref(("factories", i, "side"), fa.get("side"), sides, "side")
        ctx = dict(nodes=node_ids, forms=form_ids, sides=sides, types=types,
                   events=event_ids, params=params, fronts=fronts)
        for i, o in enumerate(data.get("orders") or []):
            if isinstance(o, dict):
                for j, fid in enumerate(o.get("formations") or []):
                    ref(("orders", i, "formations", j), fid, form_ids, "formation")
                ref(("orders", i, "target"), o.get("target"), node_ids, "node")
                self._selector(("orders", i, "select"), o.get("select"), ctx)
                self._param(("orders", i, "date"), o.get("date"), params)
        for i, ev in enumerate(data.get("events") or []):
            if isinstance(ev, dict):
                self._trigger(("events", i, "trigger"), ev.get("trigger"), ctx)
                for j, eff in enumerate(ev.get("effects") or []):
                    self._effect(("events", i, "effects", j), eff, ctx)
        vic = data.get("victory") or {}
        if isinstance(vic, dict):
            for i, c in enumerate(vic.get("conditions") or []):
                if isinstance(c, dict):
                    ref(("victory", "conditions", i, "hold"), c.get("hold"), node_ids, "node")
                    ref(("victory", "conditions", i, "side"), c.get("side"), sides, "side")
                    ref(("victory", "conditions", i, "event"), c.get("event"), event_ids, "event")
            for nd, sd in (vic.get("sudden_death") or {}).items():
                ref(("victory", "sudden_death", nd), nd, node_ids, "node")
                ref(("victory", "sudden_death", nd), sd, sides, "side")
        for name, p in (data.get("parameters") or {}).items():
            if isinstance(p, dict):
                self._param_default(("parameters", name), p)

    def _unique(self, key: str, items: list[Any]) -> list[str]:
        ids: list[str] = []
        first: dict[str, int] = {}
        for i, it in enumerate(items):
            if isinstance(it, dict) and "id" in it:
                iid = str(it["id"])
                if iid in first:
                    self.add((key, i, "id"), f"duplicate id '{iid}' (first at {key}[{first[iid]}])")
                else:
                    first[iid] = i
                    ids.append(iid)
        return ids

    def _param(self, path: PathT, val: Any, params: list[str]) -> None:
        if isinstance(val, str) and val.startswith("$") and val[1:] not in params:
            self.add(path, f"unknown parameter '{val[1:]}'{did_you_mean(val[1:], params)}")

    def _param_default(self, path: PathT, p: dict[str, Any]) -> None:
        d, lo, hi = p.get("default"), p.get("min"), p.get("max")
        if isinstance(d, int | float) and not isinstance(d, bool):
            if lo is not None and isinstance(lo, int | float) and d < lo:
                self.add((*path, "default"), f"must be >= min {lo} (got {d})")
            if hi is not None and isinstance(hi, int | float) and d > hi:
                self.add((*path, "default"), f"must be <= max {hi} (got {d})")

    def _selector(self, path: PathT, sel: Any, ctx: dict[str, list[str]]) -> None:
        if not isinstance(sel, dict):
            return
        for j, fid in enumerate(sel.get("ids") or []):
            if str(fid) not in ctx["forms"]:
                self.add((*path, "ids", j),
                         f"unknown formation '{fid}'{did_you_mean(str(fid), ctx['forms'])}")
        for key, pool, what in (("side", "sides", "side"), ("front", "fronts", "front")):
            v = sel.get(key)
            if v is not None and str(v) not in ctx[pool]:
                self.add((*path, key), f"unknown {what} '{v}'{did_you_mean(str(v), ctx[pool])}")
        for j, t in enumerate(sel.get("type") or []):
            if str(t) not in ctx["types"]:
                self.add((*path, "type", j),
                         f"unknown type '{t}'{did_you_mean(str(t), ctx['types'])}")

    def _trigger(self, path: PathT, trig: Any, ctx: dict[str, list[str]]) -> None:
        if not isinstance(trig, dict):
            return
        self._param((*path, "date"), trig.get("date"), ctx["params"])
        cap = trig.get("captured")
        if cap is not None and str(cap) not in ctx["nodes"]:
            self.add((*path, "captured"), f"unknown node '{cap}'{did_you_mean(str(cap), ctx['nodes'])}")
        for nd, sd in (trig.get("held_by") or {}).items():
            if str(nd) not in ctx["nodes"]:
                self.add((*path, "held_by", nd), f"unknown node '{nd}'{did_you_mean(str(nd), ctx['nodes'])}")
            if str(sd) not in ctx["sides"]:
                self.add((*path, "held_by", nd), f"unknown side '{sd}'{did_you_mean(str(sd), ctx['sides'])}")
        sb = trig.get("strength_below")
        if isinstance(sb, dict):
            for key, pool in (("side", "sides"), ("enemy", "sides"), ("front", "fronts")):
                v = sb.get(key)
                if v is not None and str(v) not in ctx[pool]:
                    self.add((*path, "strength_below", key), f"unknown {key} '{v}'")
            self._param((*path, "strength_below", "fraction"), sb.get("fraction"), ctx["params"])
        pc = trig.get("param")
        if isinstance(pc, dict) and str(pc.get("name")) not in ctx["params"]:
            self.add((*path, "param", "name"),
                     f"unknown parameter '{pc.get('name')}'"
                     f"{did_you_mean(str(pc.get('name')), ctx['params'])}")
        ev = trig.get("event")
        if ev is not None and str(ev) not in ctx["events"]:
            self.add((*path, "event"), f"unknown event '{ev}'{did_you_mean(str(ev), ctx['events'])}")
        for j, sub in enumerate(trig.get("any") or []):
            self._trigger((*path, "any", j), sub, ctx)

    def _effect(self, path: PathT, eff: Any, ctx: dict[str, list[str]]) -> None:
        if not isinstance(eff, dict):
            return
        nodes, sides = ctx["nodes"], ctx["sides"]
        dw = eff.get("declare_war")
        if isinstance(dw, list):
            for j, s in enumerate(dw):
                if str(s) not in sides:
                    self.add((*path, "declare_war", j), f"unknown side '{s}'{did_you_mean(str(s), sides)}")
        for key in ("stance", "morale"):
            d = eff.get(key)
            if isinstance(d, dict):
                if str(d.get("side")) not in sides:
                    self.add((*path, key, "side"), f"unknown side '{d.get('side')}'")
                if d.get("front") is not None and str(d.get("front")) not in ctx["fronts"]:
                    self.add((*path, key, "front"), f"unknown front '{d.get('front')}'")
        self._selector((*path, "release"), eff.get("release"), ctx)
        tr = eff.get("transfer")
        if isinstance(tr, dict):
            self._selector((*path, "transfer", "select"), tr.get("select"), ctx)
            if str(tr.get("to")) not in nodes:
                self.add((*path, "transfer", "to"), f"unknown node '{tr.get('to')}'")
            for k in ("count", "every_days"):
                self._param((*path, "transfer", k), tr.get(k), ctx["params"])
        dl = eff.get("deliver")
        if isinstance(dl, dict):
            if str(dl.get("side")) not in sides:
                self.add((*path, "deliver", "side"), f"unknown side '{dl.get('side')}'")
            if str(dl.get("at")) not in nodes:
                self.add((*path, "deliver", "at"), f"unknown node '{dl.get('at')}'")
            for k in ("after_days", "gold_t"):
                self._param((*path, "deliver", k), dl.get(k), ctx["params"])
        rq = eff.get("request")
        if isinstance(rq, dict):
            if str(rq.get("to")) not in sides:
                self.add((*path, "request", "to"), f"unknown side '{rq.get('to')}'")
            if str(rq.get("then")) not in ctx["events"]:
                self.add((*path, "request", "then"), f"unknown event '{rq.get('then')}'")
            self._param((*path, "request", "probability"), rq.get("probability"), ctx["params"])

    # -- stage 4: schema -----------------------------------------------------
    def validate(self, data: dict[str, Any]) -> Scenario | None:
        try:
            return Scenario.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                loc = tuple(err["loc"])
                # pydantic appends union-branch / validator names to loc; trim them
                # to the longest prefix that exists in the source.
                clean = tuple(p for p in loc if not (isinstance(p, str) and (
                    p.startswith("function-") or p in ("date", "str", "int", "float", "bool",
                                                       "constrained-str", "list[str]", "none"))
                    and p not in self._keys_at(loc)))
                msg = err["msg"]
                if msg.startswith("Value error, "):
                    msg = msg[len("Value error, "):]
                got = err.get("input")
                if err["type"] not in ("missing", "model_type") and not isinstance(got, dict | list):
                    msg += f" (got {got!r})"
                self.add(clean, msg[0].lower() + msg[1:] if msg else msg)
            return None

    def _keys_at(self, loc: PathT) -> set[str]:
        return {p for p in loc if isinstance(p, str) and (p,) in self.doc.loc}


def scenario_hash(files: list[Path]) -> str:
    """sha256 over the scenario's files (contents, in load order), for replays."""
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


class Loaded:
    """A scenario together with the files it came from."""

    def __init__(self, spec: Scenario, files: list[Path]):
        self.spec = spec
        self.files = files
        self.hash = scenario_hash(files)


def load_file(path: str | Path) -> Loaded:
    """Load and check a scenario file (or a directory holding ``scenario.yaml``).

    Raises :class:`ScenarioError` listing every problem as ``file:line: field: message``.
    """
    p = Path(path)
    if p.is_dir():
        p = p / "scenario.yaml"
    ld = _Loader(p)
    data = ld.read()
    if not ld.problems or data:
        ld.resolve_types(data)
        ld.fill_formations(data)
        ld.check_refs(data)
        spec = ld.validate(data)
    else:
        spec = None
    if ld.problems or spec is None:
        # Stable order: by file, then line.
        probs = sorted(set(ld.problems), key=lambda q: (q.file, q.line or 0, q.path, q.message))
        raise ScenarioError(probs)
    return Loaded(spec, ld.files)


def dump_json(spec: Scenario) -> str:
    """Canonical JSON of a spec (dates as ISO strings)."""
    return json.dumps(spec.model_dump(mode="json", by_alias=True), sort_keys=True)
