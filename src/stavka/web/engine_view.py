"""The web layer's one window on the engine: every read of engine internals is here.

The rest of :mod:`stavka.web` talks to the engine only through these functions, so a
restructuring of the engine (renamed arrays, moved phases) is fixed in this module
alone. What is used: the public API (:func:`stavka.load`, :class:`stavka.api.Campaign`
and its ``step``/``digest``), the read-only static tables and state arrays, the
order checks of :mod:`stavka.engine.legality` (so the web layer states no rule of
its own), and :func:`stavka.world.visibility.visibility` for the fog of war.

Units: men, tanks, guns and aircraft are counts; ``supply`` is the fraction (0..1) of
a formation's carried supply on hand; days count from the scenario's start (day 0).
Days and steps: a scenario may step in hours (``step_hours``); :func:`step` advances one
step, :func:`steps` counts them, :func:`day` is the calendar day, and
:func:`steps_per_day` converts (1 for every daily scenario, where a step is a day).
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np

from stavka.engine.phases.movement import trains_needed
from stavka.errors import IllegalOrderError, InputError, StavkaError, UnknownIdError

_LOADED: dict[str, Any] = {}
_LOAD_LOCK = threading.Lock()


class OrderRefused(StavkaError):
    """The engine refuses an order; ``forbidden`` when the formation is another side's."""

    def __init__(self, reason: str, forbidden: bool = False):
        super().__init__(reason)
        self.forbidden = forbidden


def shipped() -> list[str]:
    """Ids of the shipped scenarios (the only ones a game may be created from); read
    from the scenario folders once per process."""
    global _SHIPPED
    if _SHIPPED is None:
        from stavka.api import list_scenarios

        _SHIPPED = list(list_scenarios())
    return list(_SHIPPED)


_SHIPPED: list[str] | None = None


def load_scenario(scenario_id: str) -> Any:
    """The loaded scenario ``scenario_id``: a shipped one (cached per process), or an
    uploaded one already loaded by :func:`load_upload` (thread-safe).

    Raises :class:`UnknownIdError` (with a suggestion) for any other id: a path is
    never accepted here."""
    from stavka.api import load
    from stavka.errors import did_you_mean

    if isinstance(scenario_id, str) and scenario_id in _LOADED:
        return _LOADED[scenario_id]
    if not isinstance(scenario_id, str) or scenario_id not in shipped():
        ids = shipped()
        raise UnknownIdError(f"unknown scenario {str(scenario_id)!r:.60}"
                             f"{did_you_mean(str(scenario_id), ids)}; shipped: {', '.join(ids)}")
    with _LOAD_LOCK:
        if scenario_id not in _LOADED:
            _LOADED[scenario_id] = load(scenario_id)
        return _LOADED[scenario_id]


#: largest scenario file accepted by upload, bytes (the largest shipped file is ~140 KB)
MAX_UPLOAD = 1024 * 1024
UPLOAD_ID = re.compile(r"^u-[0-9a-f]{12}$")


def upload_id(text: str) -> str:
    """An uploaded scenario's id: ``u-`` and 12 hex digits of the SHA-256 of its text."""
    return "u-" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def upload_name(name: Any) -> str:
    """The file name an upload's problems are located in: the base name, letters, digits,
    ``.``, ``_`` and ``-`` only, ending in .yaml."""
    base = re.sub(r"[^A-Za-z0-9._-]", "_", str(name or "").replace("\\", "/").split("/")[-1])
    base = base.lstrip(".")[:80] or "upload"
    return base if base.endswith((".yaml", ".yml")) else base + ".yaml"


def load_upload(name: str, text: str) -> tuple[str, Any]:
    """Load an uploaded scenario file (one file: ``include:`` is refused, since the file
    has no folder of its own on this server); return its id and the loaded scenario,
    which :func:`load_scenario` then knows by that id.

    Raises :class:`ScenarioError` whose problems are located in ``name`` (made safe by
    :func:`upload_name`): ``NAME:LINE: field: message``, every problem at once."""
    import dataclasses
    import tempfile
    from pathlib import Path

    from stavka.errors import Problem, ScenarioError
    from stavka.scenario.loader import load_file

    shown = upload_name(name)
    if not isinstance(text, str) or len(text.encode("utf-8", "surrogatepass")) > MAX_UPLOAD:
        raise ScenarioError([Problem(shown, None, "", f"a scenario upload is one YAML file "
                                     f"of at most {MAX_UPLOAD // 1024} KiB")])
    line = _include_line(text)
    if line is not None:
        raise ScenarioError([Problem(shown, line, "include", "an uploaded scenario is one "
                                     "file: put the included files' content in it")])
    sid = upload_id(text)
    with _LOAD_LOCK:
        if sid in _LOADED:
            return sid, _LOADED[sid]
    with tempfile.TemporaryDirectory(prefix="stavka-upload-") as tmp:
        path = Path(tmp) / shown
        path.write_text(text, encoding="utf-8", errors="surrogateescape")
        try:
            loaded = load_file(path)
        except ScenarioError as exc:
            raise ScenarioError([dataclasses.replace(p, file=shown) if p.file == str(path)
                                 else p for p in exc.problems]) from None
    with _LOAD_LOCK:
        _LOADED.setdefault(sid, loaded)
        return sid, _LOADED[sid]


def _include_line(text: str) -> int | None:
    """The line of a top-level ``include:`` key, or None (also when the text is not YAML:
    the loader says why). Composes nodes only: an alias is not expanded."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.nodes import MappingNode, ScalarNode

    try:
        root = YAML(typ="safe", pure=True).compose(text)
    except (YAMLError, ValueError, RecursionError):
        return None
    if isinstance(root, MappingNode):
        for key, _value in root.value:
            if isinstance(key, ScalarNode) and key.value == "include":
                return int(key.start_mark.line) + 1
    return None


def scenario_info(scenario_id: str) -> dict[str, Any]:
    """Id, name, dates, sides (name, colour, alliance) and parameters of a scenario;
    ``uploaded`` for one uploaded through the web."""
    spec = load_scenario(scenario_id).spec
    return {
        "id": scenario_id, "uploaded": bool(UPLOAD_ID.match(scenario_id)), "name": spec.name,
        "start": spec.start.isoformat(),
        "end": spec.end.isoformat(), "days": spec.days, "step_hours": spec.step_hours,
        "sides": {k: {"name": v.name, "colour": v.colour, "alliance": v.alliance}
                  for k, v in spec.sides.items()},
        "parameters": {k: p.model_dump(mode="json") for k, p in spec.parameters.items()},
    }


def is_rule(name: Any) -> bool:
    """Whether parameter ``name`` names a campaign rule (``rules.NAME``): accepted for any
    scenario, its value checked against the rule's bounds when a campaign is made."""
    from stavka.rules import PREFIX

    return isinstance(name, str) and name.startswith(PREFIX)


def sweep_value(scenario_id: str, name: str, raw: Any) -> Any:
    """A parameter's (or ``rules.NAME``'s) value as a sweep takes it: coerced to its type
    and checked against its range, as ``stavka sweep --vary`` does (so two values that
    are one setting compare equal). Raises InputError for a bad value."""
    from stavka.world.static import coerce_param, coerce_rule

    if is_rule(name):
        return coerce_rule(name, raw)
    return coerce_param(name, load_scenario(scenario_id).spec.parameters[name], raw)


def scenario_hash(scenario_id: str) -> str:
    return str(load_scenario(scenario_id).hash)


def new_campaign(scenario_id: str, seed: int, params: dict[str, Any] | None,
                 humans: list[str]) -> Any:
    """A campaign at day 0 in which ``humans`` are the sides that give orders.

    Compiling a scenario's tables takes tens of milliseconds; a game is made by copying
    a day-0 campaign of the same scenario, parameters and human sides (kept per process,
    at most :data:`TEMPLATES`) and giving the copy its own seeded random streams. Its
    compiled tables are shared (they are never written after compilation), everything
    else is copied. ``tests/web`` checks that such a copy plays exactly as a campaign
    made from scratch. Raises :class:`InputError`/:class:`UnknownIdError` for a bad seed,
    parameter or side."""
    import copy
    import json

    from stavka.api import Campaign
    from stavka.engine.rng import Streams

    loaded = load_scenario(scenario_id)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        # the engine's own message
        return Campaign(loaded, seed=seed, params=params or None, player=tuple(humans) or None)
    try:
        key = (scenario_id, json.dumps(params or {}, sort_keys=True), tuple(humans))
    except (TypeError, ValueError):  # not JSON: let the engine say what is wrong
        return Campaign(loaded, seed=seed, params=params or None, player=tuple(humans) or None)
    with _LOAD_LOCK:
        tmpl = _TEMPLATES.get(key)
        if tmpl is not None:
            _TEMPLATES.move_to_end(key)
        making = _MAKING.setdefault(key, threading.Lock())
    if tmpl is None:
        with making:  # many games of a new kind at once: one compiles, the others wait
            with _LOAD_LOCK:
                tmpl = _TEMPLATES.get(key)
            try:
                if tmpl is None:
                    tmpl = Campaign(loaded, seed=0, params=params or None,
                                    player=tuple(humans) if humans else None)
                    with _LOAD_LOCK:
                        _TEMPLATES[key] = tmpl
                        while len(_TEMPLATES) > TEMPLATES:
                            _TEMPLATES.popitem(last=False)
            finally:  # made or refused (bad parameters): no lock is kept for it
                with _LOAD_LOCK:
                    _MAKING.pop(key, None)
    w = tmpl.world
    shared = {id(x): x for x in (w.static, w.derived, tmpl.loaded)}
    c = copy.deepcopy(tmpl, shared)
    c.seed = int(seed)
    c.rng = Streams.from_seed(c.seed, 1)
    return c


#: day-0 campaigns kept to copy games from (see :func:`new_campaign`)
TEMPLATES = 32
_TEMPLATES: OrderedDict[tuple[str, str, tuple[str, ...]], Any] = OrderedDict()
_MAKING: dict[tuple[str, str, tuple[str, ...]], threading.Lock] = {}


def sides(c: Any) -> list[str]:
    return list(c.static.side_ids)


def day(c: Any) -> int:
    """The calendar day (days since the start; whole days, at any step length)."""
    return int(c.day)


def steps(c: Any) -> int:
    """Steps taken (the day at 24-hour steps)."""
    return int(c.world.state.step)


def steps_per_day(c: Any) -> int:
    """Steps in one day (``24 // step_hours``; 1 for a daily scenario)."""
    return int(c.static.steps_per_day)


def step_hours(c: Any) -> int:
    return int(c.static.step_hours)


def total_steps(c: Any) -> int:
    """Steps from the start to the scenario's end (its days times the steps in a day)."""
    return int(c.static.days) * steps_per_day(c)


def date(c: Any, d: int | None = None) -> str:
    return c.static.date(c.day if d is None else d).isoformat()


def done(c: Any) -> bool:
    return bool(c.done)


def digest(c: Any) -> str:
    """The state digest; the one the campaign recorded for today if it has (the same
    function of the same state, computed once)."""
    h = c.history.digests  # one per step, and the start's
    return str(h[-1]) if len(h) == steps(c) + 1 else str(c.digest())


def total_days(c: Any) -> int:
    """The scenario's length in days (see :func:`total_steps` for its steps)."""
    return int(c.static.days)


def geometry(scenario_id: str) -> dict[str, Any]:
    """The scenario's map (:func:`stavka.chronicle.cartography.geometry`, the same data
    report.html draws): regions (id, name, lat, lon in degrees, terrain, front, victory
    points, owner at start), links (a, b, kind, km, rail capacity in trains/day) and,
    in ``scenario``, the scenario's info (:func:`scenario_info`)."""
    from stavka.chronicle.cartography import geometry as map_geometry

    geo = map_geometry(load_scenario(scenario_id).spec)
    geo["scenario"] = scenario_info(scenario_id)
    return geo


def check_order(c: Any, text: str, side: str) -> str:
    """Check an order for ``side`` with the engine's own checks, without advancing.

    Returns the order's normal text (``FORMATION ACTION [TARGET]``). Raises
    :class:`OrderRefused` with the engine's reason (``forbidden=True`` when the formation
    belongs to another side)."""
    from stavka.engine.context import Ctx
    from stavka.engine.legality import check, check_owner, unknown_ids
    from stavka.engine.records import Order

    if not isinstance(text, str):
        raise OrderRefused(f"an order is a string 'FORMATION ACTION [TARGET]' "
                           f"(got {type(text).__name__})")
    try:
        o = Order.parse(text)
        why = unknown_ids(c.static, o)
        if why:
            raise OrderRefused(f"order '{o.shown()}': {why}")
        try:
            check_owner(c.static, o, (side,))
        except IllegalOrderError as exc:
            raise OrderRefused(str(exc), forbidden=True) from None
        check(Ctx.of(c.world, c.rng), o, 0)
    except (IllegalOrderError, UnknownIdError, InputError) as exc:
        raise OrderRefused(str(exc)[:300]) from None
    return o.text()


def order_key(text: str) -> str:
    """What a later staged order replaces (:meth:`stavka.engine.records.Order.key`) of a
    checked order's text."""
    from stavka.engine.records import Order

    return Order.parse(text).key()


def check_together(c: Any, texts: list[str]) -> None:
    """Raise :class:`OrderRefused` if checked orders are not possible together (a side's
    ``raise_partisans`` orders beyond what it has left to raise)."""
    from stavka.engine.context import Ctx
    from stavka.engine.records import Order
    from stavka.engine.special_orders import together_problem

    why = together_problem(Ctx.of(c.world, c.rng), [Order.parse(t) for t in texts], 0)
    if why:
        raise OrderRefused(f"orders: {why}"[:300])


def step(c: Any, orders: list[str], humans: list[str]) -> list[Any]:
    """Advance one step (a day, or the scenario's ``step_hours``) with the human sides' orders (AI sides follow the engine's script
    and doctrine); return the day's events. Raises the engine's errors unchanged."""
    return list(c.step(list(orders), side=tuple(humans) if humans else None))


def event_dict(e: Any) -> dict[str, Any]:
    d: dict[str, Any] = e.to_dict()
    d.pop("replica", None)
    return d


def formation_ids(c: Any) -> tuple[str, ...]:
    return tuple(c.static.form_ids)


def visible(c: Any) -> np.ndarray:
    """[S, F] bool: the engine's visibility mask for the current state (fog of war)."""
    from stavka.world.visibility import visibility

    return visibility(c.static, c.world.state, 0)


def alliance_of(c: Any, side: str) -> int:
    st = c.static
    return int(st.alliance[st.side(side)])


@dataclass(frozen=True)
class Catalogue:
    """Per-formation constants: ids, names, side ids, kinds."""

    ids: tuple[str, ...]
    names: tuple[str, ...]
    sides: tuple[str, ...]
    kinds: tuple[str, ...]


def catalogue(c: Any) -> Catalogue:
    from stavka.enums import KINDS

    st = c.static
    return Catalogue(tuple(st.form_ids), tuple(st.form_names),
                     tuple(st.side_ids[int(x)] for x in st.fside),
                     tuple(KINDS[int(k)] for k in st.fkind))


def frame(c: Any) -> dict[str, Any]:
    """The day's picture for the map (everything, no fog): owner side index per region,
    and per formation in play ``[index, region index, status, men, tanks, guns, aircraft,
    encircled 0/1, supply in %]`` (status 1 on the map, 2 in rail transit); with a
    ``sea`` block also ``sea``, the zones' control and the fleets afloat
    (:func:`stavka.chronicle.cartography.sea_picture`, the ice of the day last fought)."""
    from stavka.enums import ACTIVE, RAIL

    s = c.world.state
    st_ = s.status[0]
    idx = np.flatnonzero((st_ == ACTIVE) | (st_ == RAIL))
    # whole columns at once; np.rint rounds half to even like round()
    cols = np.column_stack([
        idx, s.loc[0, idx], st_[idx],
        np.rint(np.asarray(s.strength[0, idx], dtype=np.float64)),
        s.encircled[0, idx].astype(bool),
        np.rint(np.asarray(s.supply[0, idx], dtype=np.float64) * 100),
    ]).astype(np.int64)
    out = {"day": int(c.day), "date": date(c), "owner": s.owner[0].astype(np.int64).tolist(),
           "formations": cols.tolist()}
    if c.static.naval is not None:
        from stavka.chronicle.cartography import sea_picture

        out["sea"] = sea_picture(c.static, s.sea_control[0], s.fleet_zone[0],
                                 s.fleet_ships[0], s.fleet_air[0], int(c.day) - 1)
    return out


def sea_view(c: Any, side: str) -> dict[str, Any] | None:
    """The sea as ``side`` sees it (None without a ``sea`` block): the map's ``sea``
    (:func:`stavka.chronicle.cartography.sea_picture`, as :func:`frame` gives it, with
    ``landings`` as :func:`stavka.chronicle.cartography.sea_snapshot` does) under the fog
    of the sea. Control (and the zones' state) of every zone is known to all, and so is
    every landing made so far; the side sees its own and its allies' fleets afloat, and an
    enemy fleet only in a zone where its alliance has a fleet afloat or holds a region on
    the zone's coast (coast watchers)."""
    st = c.static
    nav = st.naval
    if nav is None:
        return None
    from stavka.chronicle.cartography import landings_made, sea_picture

    s = c.world.state
    zone = np.asarray(s.fleet_zone[0], dtype=np.int64)
    ships = np.asarray(s.fleet_ships[0], dtype=np.float64)
    air = np.asarray(s.fleet_air[0], dtype=np.float64)
    pic = sea_picture(st, s.sea_control[0], zone, ships, air, int(c.day) - 1)
    al = np.asarray(st.alliance)
    mine = int(al[st.side(side)])
    ours = al[np.asarray(nav.fleet_side, dtype=np.int64)] == mine  # [Fl]
    afloat = (ships.sum(axis=-1) > 0) | (air > 0)
    watched = np.zeros(nav.Z, dtype=bool)
    watched[zone[ours & afloat]] = True  # a fleet of the alliance afloat there
    held = al[np.asarray(s.owner[0], dtype=np.int64)] == mine  # [N] regions held
    watched |= (np.asarray(nav.coast, dtype=bool) & held[None, :]).any(axis=1)
    seen = {nav.fleet_ids[f] for f in range(len(zone)) if ours[f] or watched[zone[f]]}
    pic["fleets"] = [x for x in pic["fleets"] if x["id"] in seen]
    pic["landings"] = landings_made(c.events)
    return pic


def formation_rows(c: Any, mask: np.ndarray, side: str) -> list[dict[str, Any]]:
    """The formations ``mask`` ([F] bool) shows to ``side``: place, strength, state; the
    order of the day only for the side's own formations."""
    from stavka.enums import ACTIONS, RAIL

    st, s = c.static, c.world.state
    cat = catalogue(c)
    fs = np.flatnonzero(mask)
    # whole columns as Python values first (one conversion, not one per cell)
    loc = s.loc[0, fs].tolist()
    status = s.status[0, fs].tolist()
    men, tanks, guns, air = np.rint(np.asarray(s.strength[0, fs], dtype=np.float64)).T.tolist()
    encircled = s.encircled[0, fs].astype(bool).tolist()
    supply = np.asarray(s.supply[0, fs], dtype=np.float64).tolist()
    action = s.action[0, fs].tolist()
    target = s.target[0, fs].tolist()
    eta = s.rail_eta[0, fs].tolist()
    out = []
    for i, f in enumerate(fs.tolist()):
        own = cat.sides[f] == side
        row = {
            "id": cat.ids[f], "name": cat.names[f], "side": cat.sides[f], "kind": cat.kinds[f],
            "own": own, "loc": st.node_ids[loc[i]], "rail": status[i] == RAIL,
            "men": int(men[i]), "tanks": int(tanks[i]), "guns": int(guns[i]),
            "aircraft": int(air[i]), "encircled": encircled[i],
            "supply": round(supply[i], 3),
        }
        if own:
            row["action"] = ACTIONS[action[i]]
            row["target"] = st.node_ids[target[i]] if target[i] >= 0 else None
            row["arrives"] = (st.date(eta[i]).isoformat()
                              if status[i] == RAIL and eta[i] >= 0 else None)
        out.append(row)
    return out


def owners(c: Any) -> dict[str, str]:
    """Region id -> the side holding it (public on every seat's map)."""
    st, s = c.static, c.world.state
    return {st.node_ids[n]: st.side_ids[int(s.owner[0, n])] for n in range(st.N)}


def standing(c: Any) -> dict[str, Any]:
    """Public standing: victory points per side and the result once the campaign is over
    (the victory points are :mod:`stavka.engine.outcomes`, as in the summary)."""
    if c.done:
        summ = c.summary()
        return {"victory_points": summ["victory_points"], "result": summ["victory"]["result"]}
    from stavka.engine import outcomes

    st = c.static
    m = outcomes.evaluate(st, c.world.state)
    return {"victory_points": {sid: float(m[f"vp_{sid}"][0]) for sid in st.side_ids},
            "result": None}


def order_actions() -> list[str]:
    from stavka.engine.records import ORDER_ACTIONS

    return list(ORDER_ACTIONS)


#: how many days ahead a rail preview looks for the arrival
RAIL_PREVIEW_DAYS = 60


def rail_preview(c: Any, formation: str, target: str, side: str) -> dict[str, Any]:
    """Where a rail order would take a formation, and when the engine would bring it there.

    Checks ``FORMATION rail TARGET`` like :func:`check_order` (raises
    :class:`OrderRefused` with the engine's reason), then reads the route from the static
    rail paths of the side's alliance (regions, km) and finds the arrival by running the
    engine on a copy of the world with that order and no others from the player (at most
    :data:`RAIL_PREVIEW_DAYS` days; the campaign itself is untouched). ``arrives`` is
    None if the formation would not arrive within that time or before the campaign ends.
    """
    from stavka.engine.core import step as engine_step
    from stavka.engine.records import Order
    from stavka.enums import ACTIVE

    check_order(c, f"{formation} rail {target}", side)
    st = c.static
    f, tgt = st.formation(formation), st.node(target)
    world = c.world.copy()
    loc = int(world.state.loc[0, f])
    al = int(st.alliance[st.fside[f]])
    route = [st.node_ids[loc]]
    at = loc
    while at != tgt and len(route) <= st.N:
        at = int(st.rail_next[al, at, tgt])
        route.append(st.node_ids[at])
    arrives = None
    # the engine's own count (strength over establishment), not the establishment's
    trains = int(trains_needed(st, world.state, np.array([f]), np.array([0]))[0])
    orders = [Order(formation, "rail", target)]
    for _ in range(RAIL_PREVIEW_DAYS * int(st.steps_per_day)):  # days, in steps
        if world.state.day >= st.days or bool(world.state.over[0]):
            break
        engine_step(world, orders, c.rng, record=False)
        orders = []
        s = world.state
        if int(s.status[0, f]) == ACTIVE and int(s.loc[0, f]) == tgt:
            arrives = st.date(s.day).isoformat()
            break
        if int(s.rail_eta[0, f]) >= 0:
            arrives = st.date(int(s.rail_eta[0, f])).isoformat()
            break
    return {"formation": formation, "target": target, "route": route,
            "km": round(float(st.rail_dist[al, loc, tgt])),
            "trains": trains, "arrives": arrives}


#: outcomes whose distribution Explore shows (per-run values)
EXPLORE_METRICS = ("vp_soviet", "loss_soviet_men", "loss_germany_men", "captured_soviet_men",
                   "days")


def run_sweep(scenario_id: str, runs: int, seed: int, params: dict[str, Any],
              compare: tuple[str, list[Any]] | None,
              progress: Any = None) -> dict[str, Any]:
    """A Monte Carlo sweep of whole campaigns (:func:`stavka.sweep.sweep`, serial backend).

    ``params``: fixed parameter values; ``compare``: (parameter, [value A, value B, ...])
    run on the same seeds (paired: replica ``i`` of every setting shares its key).
    Returns, per setting, P(each outcome flag) with its interval (``p``, ``lo``, ``hi``),
    the mean and interval of every numeric outcome, and the per-run values of
    :data:`EXPLORE_METRICS` (men, days, victory points). ``progress(done, total)``
    hears of finished batches. Raises the sweep's errors (InputError, UnknownIdError)."""
    from stavka.sweep import sweep

    loaded = load_scenario(scenario_id)
    vary: dict[str, list[Any]] = {k: [v] for k, v in params.items()}
    if compare is not None:
        vary[compare[0]] = list(compare[1])
    res = sweep(loaded, runs, vary=vary, seed=seed, backend="serial", plots=False,
                progress=progress, on_warning=lambda _t: None)
    summ = res.summary
    combos = res.runs["combo"]
    values = {m: [[round(float(x), 3) for x in res.runs[m][combos == i]]
                  for i in range(len(summ["results"]))]
              for m in EXPLORE_METRICS if m in res.runs}
    return {
        "scenario": scenario_id, "runs": runs, "seed": seed, "days": summ["days"],
        "flags": summ["flags"], "numeric": summ["numeric"],
        "settings": [{"params": r["params"], "n": r["n"], "flags": r["flags"],
                      "metrics": r["metrics"]} for r in summ["results"]],
        "values": values, "paired": True,
    }
