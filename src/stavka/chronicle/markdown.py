"""``chronicle.md``: dated dispatches in the style of a Stavka situation report.

:class:`MarkdownVisitor` groups each day's events under a key (the place of a
battle, the destination of a day's trains, ...) so that noisy repeats merge
into one line, and renders each group when the day ends. Battle 'start'
events fold into the line of the battle's end; a battle still under way when
the record stops gets a line on the day it opened.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from stavka.chronicle.visitor import EventVisitor, Parts, as_parts, walk
from stavka.chronicle.words import (
    Names,
    count,
    day_date,
    join,
    num,
    plural,
    sentence,
    short_date,
)
from stavka.engine.records import Event

_STANCE_TEXT = {"attack": "goes over to the attack", "defend": "goes over to the defensive",
                "hold": "holds its positions", "passive": "stands passive"}
_GROUND_TEXT = {"dry": "the ground dries out", "wet": "the ground turns wet",
                "mud": "the roads turn to mud", "frozen": "the ground freezes hard",
                "snow": "snow lies"}
_CATS = ("men", "tanks", "guns", "aircraft")


def _v(ev: Event, key: str, default: Any = 0.0) -> Any:
    return ev.values.get(key, default)


class MarkdownVisitor(EventVisitor[str]):
    """Builds the dispatches part of the chronicle; ``result()`` is the whole document
    (title, dispatches and, if the parts carry one, the summary)."""

    def __init__(self, title: str | None = None, with_summary: bool = True):
        self.title = title
        self.with_summary = with_summary
        self.sections: dict[dt.date, list[str]] = {}
        self._groups: dict[tuple[Any, ...], list[Event]] = {}
        self._open: dict[str, Event] = {}  # place -> battle start not yet ended
        self._owner: dict[str, str] = {}
        self._present: dict[str, str] = {}  # place -> last side seen there (not attacking)
        self.names: Names | None = None

    # ---- walk protocol ---------------------------------------------------
    def begin(self, parts: Parts | None) -> None:
        super().begin(parts)
        if parts is None:
            raise ValueError("MarkdownVisitor needs Parts (the scenario spec for names)")
        self.names = Names(parts.spec, parts.static)
        self._owner = dict(self.names.owner0)

    def begin_day(self, date: dt.date, day: int, replica: int) -> None:
        self._groups = {}

    def _add(self, key: tuple[Any, ...], ev: Event) -> None:
        self._groups.setdefault(key, []).append(ev)

    def end_day(self, date: dt.date, day: int, replica: int) -> None:
        lines: list[str] = []
        railed = {f for k, evs in self._groups.items() if k[0] == "rail_depart"
                  for e in evs for f in e.subjects}
        keys = list(self._groups)
        # a surrender at the place of a battle follows the battle's line
        for k in [k for k in keys if k[0] == "surrender" and ("action", k[1]) in self._groups]:
            keys.remove(k)
            keys.insert(keys.index(("action", k[1])) + 1, k)
        for key in keys:
            evs = self._groups[key]
            render: Callable[[list[Event]], list[str]] = getattr(self, "_render_" + key[0])
            if key[0] == "transfer_ordered":
                evs = [e for e in evs if not set(e.subjects) <= railed]
                if not evs:
                    continue
            out = render(evs)
            # at sub-day steps each line is stamped with the hour of its group's last
            # event (a group is one step's: a battle's end, one dispatch, one hour's
            # desertion): the one place a line gets its hour
            hour = evs[-1].values.get("hour")
            if hour is not None:
                out = [f"{int(hour):02d}:00 {x}" for x in out]
            lines.extend(out)
        if lines:
            # at sub-day steps a line starts with its hour ("13:00 ..."): the day reads
            # hour by hour (a stable sort: lines without an hour keep their place first)
            lines.sort(key=_hour_of)
            self.sections.setdefault(date, []).extend(lines)
        self._groups = {}

    def end(self) -> None:
        for place, ev in self._open.items():
            n = self.N
            line = (f"{n.adj(ev.side)} attack on {n.node(place)} opens "
                    f"({num(_v(ev, 'attacker_men'))} men in the line against {num(_v(ev, 'defender_men'))}); "
                    "still under way when the record ends.")
            self.sections.setdefault(ev.date, []).append(line)
        self._open = {}

    @property
    def N(self) -> Names:
        assert self.names is not None
        return self.names

    def dispatches(self) -> str:
        out: list[str] = []
        for date in sorted(self.sections):
            out.append(f"### {day_date(date)}\n")
            out.extend(f"- {line}" for line in self.sections[date])
            out.append("")
        return "\n".join(out)

    def result(self) -> str:
        parts = self.parts
        assert parts is not None
        spec = parts.spec
        title = self.title or f"{spec.name}: chronicle"
        head = [f"# {title}", ""]
        meta = [f"Scenario `{spec.id}`"]
        if parts.seed is not None:
            meta.append(f"seed {parts.seed}")
        if parts.summary:
            meta.append(f"digest `{parts.summary.get('digest', '?')}`")
        meta.append(f"{day_date(spec.start)} to {day_date(spec.end)}")
        head += [", ".join(meta) + ".", "", "## Dispatches", "", ""]
        body = self.dispatches() or "_No events recorded._\n"
        doc = "\n".join(head) + body
        if self.with_summary and parts.summary:
            doc += "\n" + render_summary_markdown(parts.summary, self.N)
        return doc.rstrip() + "\n"

    # ---- grouping ----------------------------------------------------------
    def visit_battle(self, ev: Event) -> None:
        self._add(("action", ev.place), ev)

    def visit_retreat(self, ev: Event) -> None:
        self._add(("action", ev.place), ev)

    def visit_capture(self, ev: Event) -> None:
        if ev.place is not None and ev.side is not None:
            self._owner[ev.place] = ev.side
        if _v(ev, "defended", False):
            self._add(("action", ev.place), ev)
        else:
            self._add(("occupy", ev.side), ev)

    def visit(self, ev: Event) -> None:
        if ev.place and ev.side and ev.kind in (
                "encircled", "surrender", "reinforcement", "rail_arrive", "mobilised"):
            self._present[ev.place] = ev.side
        super().visit(ev)

    def visit_encircled(self, ev: Event) -> None:
        self._add(("encircled", ev.place, ev.side), ev)

    def visit_surrender(self, ev: Event) -> None:
        self._add(("surrender", ev.place, ev.side), ev)

    def visit_rail_depart(self, ev: Event) -> None:
        self._add(("rail_depart", ev.side, _v(ev, "to", None)), ev)

    def visit_rail_arrive(self, ev: Event) -> None:
        self._add(("rail_arrive", ev.side, ev.place), ev)

    def visit_reinforcement(self, ev: Event) -> None:
        self._add(("reinforcement", ev.side, ev.place), ev)

    def visit_withdrawn(self, ev: Event) -> None:
        self._add(("withdrawn", ev.side, ev.place), ev)

    def visit_mobilised(self, ev: Event) -> None:
        self._add(("mobilised", ev.side, ev.place), ev)

    def visit_delivery(self, ev: Event) -> None:
        self._add(("delivery", ev.side, ev.place), ev)

    def visit_transfer_ordered(self, ev: Event) -> None:
        self._add(("transfer_ordered", ev.place), ev)

    def visit_weather(self, ev: Event) -> None:
        self._add(("weather", _v(ev, "ground", None), _v(ev, "previous", None),
                   _v(ev, "effective", None)), ev)

    def visit_river(self, ev: Event) -> None:
        self._add(("river", bool(_v(ev, "frozen", False)), _v(ev, "effective", None)), ev)

    def visit_order_rejected(self, ev: Event) -> None:
        self._add(("order_rejected",), ev)

    def visit_other(self, ev: Event) -> None:
        # one line per event, in order (dispatch, war, stance, trade, request, victory, ...)
        kind = ev.kind if hasattr(self, "_render_" + ev.kind) else "other"
        self._add((kind, len(self._groups)), ev)

    # ---- the morale collapse and commanders (stavka.engine.morale, .commanders) --
    def visit_desertion(self, ev: Event) -> None:
        self._add(("desertion", ev.side, ev.values.get("hour")), ev)  # hour: sub-day steps

    def visit_dissolved(self, ev: Event) -> None:
        self._add(("dissolved", ev.place, ev.side, ev.values.get("hour")), ev)

    def visit_commander_lost(self, ev: Event) -> None:
        self._add(("commander_lost", len(self._groups)), ev)

    def visit_siege(self, ev: Event) -> None:
        self._add(("siege", len(self._groups)), ev)

    def _render_desertion(self, evs: list[Event]) -> list[str]:
        n = self.N
        men = sum(_v(e, "men") for e in evs)
        forms = len({f for e in evs for f in e.subjects})
        if men < 0.5:
            return []
        s = (f"{num(men)} {n.adj(evs[0].side)} men desert from {count(forms)} "
             f"{plural(forms, 'formation')}")
        if any(_v(e, "siege", False) for e in evs):
            s += " despite the state of siege"
        return [sentence(s)]

    def _render_dissolved(self, evs: list[Event]) -> list[str]:
        n = self.N
        ids = [f for e in evs for f in e.subjects]
        men = sum(_v(e, "men") for e in evs)
        who, pl = n.who(ids, evs[0].side, names_upto=2)
        return [sentence(f"{n.node(evs[0].place)}: {who} "
                         f"{'dissolve' if pl else 'dissolves'} without a fight; "
                         f"{num(men)} men scatter")]

    def _render_commander_lost(self, evs: list[Event]) -> list[str]:
        n = self.N
        out = []
        for e in evs:
            name = str(_v(e, "name", _v(e, "commander", "a commander")))
            fate = "is killed" if _v(e, "fate") == "killed" else "is taken prisoner"
            if _v(e, "with_command", False):
                out.append(sentence(f"{name} is taken prisoner with "
                                    f"{n.who(list(e.subjects), e.side)[0]}"))
                continue
            where = f" at {n.node(e.place)}" if e.place else ""
            who, _ = n.who(list(e.subjects), e.side, names_upto=2) if e.subjects else ("", False)
            s = f"{name} {fate}{where}"
            if who:
                s += f"; {who} {'lose' if len(e.subjects) > 1 else 'loses'} heart"
            out.append(sentence(s))
        return out

    def _render_siege(self, evs: list[Event]) -> list[str]:
        n = self.N
        return [sentence(f"A state of siege is "
                         f"{'declared' if _v(e, 'on', True) else 'lifted'} "
                         f"({n.side(e.side)})") for e in evs]

    # ---- strikes, partisans, total mobilisation (stavka.engine.interdiction) ----
    def visit_partisans(self, ev: Event) -> None:
        # a day's detachments of one side and size raised in several regions: one line
        self._add(("partisans", ev.side, _v(ev, "detachments"), ev.values.get("hour")), ev)

    def visit_partisans_hunted(self, ev: Event) -> None:
        self._add(("partisans_hunted", ev.side, ev.values.get("hour")), ev)

    def _render_partisans(self, evs: list[Event]) -> list[str]:
        n = self.N
        k = int(_v(evs[0], "detachments"))
        places = list(dict.fromkeys(n.node(e.place) for e in evs))
        where = places[0] if len(places) == 1 else "each of " + join(places)
        return [sentence(f"{count(k)} {n.adj(evs[0].side)} partisan "
                         f"{plural(k, 'detachment')} take to the forests around {where}")]

    def _render_partisans_hunted(self, evs: list[Event]) -> list[str]:
        n = self.N

        def left_on(left: int, one: str, many: str) -> str:
            return f"{count(left)} {one if left == 1 else many}" if left else ""

        if len(evs) == 1:
            e = evs[0]
            k, left = int(_v(e, "destroyed")), int(_v(e, "left"))
            return [sentence(f"Security troops destroy {count(k)} "
                             f"{n.adj(e.side)} partisan {plural(k, 'detachment')} around "
                             f"{n.node(e.place)}; " + (left_on(left, "fights on", "fight on")
                                                       or "none is left"))]
        items = [f"{count(int(_v(e, 'destroyed')))} around {n.node(e.place)}, "
                 + (left_on(int(_v(e, "left")), "left", "left") or "none left") for e in evs]
        return [sentence(f"Security troops destroy {n.adj(evs[0].side)} partisan detachments: "
                         + "; ".join(items))]

    def _render_strike(self, evs: list[Event]) -> list[str]:
        n = self.N
        out = []
        for e in evs:
            air = int(_v(e, "aircraft"))
            by = f" by {num(air)} aircraft" if air else ""
            if _v(e, "port", False):
                out.append(sentence(
                    f"The port of {n.node(e.place)} is struck{by}: "
                    f"{100 * min(float(_v(e, 'damage')), 1.0):.0f} % of its quays out of "
                    "action"))
            elif "to" in e.values:
                out.append(sentence(
                    f"The railway {n.node(e.place)}-{n.node(str(e.values['to']))} "
                    f"is struck{by}: {_v(e, 'trains'):.0f} trains a day get through"))
            else:
                out.append(sentence(f"The fortifications of {n.node(e.place)} "
                                    f"are struck{by}"))
        return out

    def _render_mobilisation(self, evs: list[Event]) -> list[str]:
        n = self.N
        return [sentence(f"{n.side(e.side)}: "
                         + ("every man off the farms: total mobilisation"
                            if _v(e, "level") > 0 else "total mobilisation is lifted"))
                for e in evs]

    # ---- rendering ---------------------------------------------------------
    def _render_action(self, evs: list[Event]) -> list[str]:
        n = self.N
        lines: list[str] = []
        end = next((e for e in evs if e.kind == "battle" and _v(e, "phase") == "end"), None)
        start = next((e for e in evs if e.kind == "battle" and _v(e, "phase") == "start"), None)
        cap = next((e for e in evs if e.kind == "capture"), None)
        retreats = [e for e in evs if e.kind == "retreat"]
        place = evs[0].place or ""
        P = n.node(place)
        if start is not None:
            self._open[place] = start
        if end is None and cap is None:
            return lines
        opened = self._open.pop(place, None)
        att = (end or cap or evs[0]).side
        cands = [cap.values.get("previous") if cap is not None else None,
                 retreats[0].side if retreats else None, self._owner.get(place),
                 self._present.get(place)]
        dfd = next((c for c in cands if c and c != att), None)
        if end is not None:
            days = int(_v(end, "days", 1))
            taken = _v(end, "outcome") == "taken"
            what = (f"{n.people(att)} take {P}" if taken
                    else f"the {n.adj(att)} attack is halted")
            s = f"Battle of {P}"
            if opened is not None and _v(opened, "attacker_men", 0):
                s += (f" ({num(_v(opened, 'attacker_men'))} men in the line against "
                      f"{num(_v(opened, 'defender_men'))})")
            hours = _v(end, "hours", None)
            if hours is not None and int(hours) < 48:  # steps shorter than a day
                s += f" ends after {count(int(hours))} {plural(int(hours), 'hour')}: {what}"
            else:
                s += f" ends after {count(days)} {plural(days, 'day')}: {what}"
        else:
            s = f"{n.people(att)} take {P}"
        for r in retreats:
            who, pl = n.who(r.subjects, r.side)
            to = _v(r, "to", None)
            s += (f"; {who} {'fall' if pl else 'falls'} back"
                  f"{' on ' + n.node(to) if to else ''} with {num(_v(r, 'men'))} men")
        if end is not None:
            al, dl = _v(end, "attacker_lost"), _v(end, "defender_lost")
            if dfd:
                s += f"; {n.adj(dfd)} losses {num(dl)}, {n.adj(att)} {num(al)}"
            else:
                s += f"; losses: attacker {num(al)}, defender {num(dl)}"
        lines.append(sentence(s))
        return lines

    def _render_occupy(self, evs: list[Event]) -> list[str]:
        n = self.N
        places = list(dict.fromkeys(n.node(e.place) for e in evs))
        return [sentence(f"{n.people(evs[0].side)} occupy {join(places)} unopposed")]

    def _render_encircled(self, evs: list[Event]) -> list[str]:
        n = self.N
        ids = [f for e in evs for f in e.subjects]
        men = sum(_v(e, "men") for e in evs)
        who, pl = n.who(ids, evs[0].side, names_upto=1)
        return [sentence(f"{n.node(evs[0].place)}: {who} encircled, {num(men)} men cut off")]

    def _render_surrender(self, evs: list[Event]) -> list[str]:
        n = self.N
        ids = [f for e in evs for f in e.subjects]
        men = sum(_v(e, "men") for e in evs)
        tanks = sum(_v(e, "tanks") for e in evs)
        who, pl = n.who(ids, evs[0].side, names_upto=1)
        reason = n.ids_text(str(_v(evs[0], "reason", "") or ""))
        s = f"{n.node(evs[0].place)}: {who} {'surrender' if pl else 'surrenders'}"
        if reason:
            s += f" ({reason})"
        s += f"; {num(men)} men taken prisoner"
        if tanks >= 0.5:
            s += f", {num(tanks)} tanks lost"
        return [sentence(s)]

    def _render_rail_depart(self, evs: list[Event]) -> list[str]:
        n = self.N
        ids = [f for e in evs for f in e.subjects]
        men = sum(_v(e, "men") for e in evs)
        origins = list(dict.fromkeys(n.node(e.place) for e in evs))
        kms = [float(_v(e, "km")) for e in evs if _v(e, "km", None) is not None]
        kms = [k for k in kms if k == k and k != float("inf")]
        trains = sum(_v(e, "trains") for e in evs)
        who, pl = n.who(ids, evs[0].side, cap=True)
        to = _v(evs[0], "to", None)
        s = (f"{who} ({num(men)} men) {'entrain' if pl else 'entrains'} at {join(origins)}"
             f" for {n.node(to)}")
        if kms:
            s += f"; {'up to ' if min(kms) != max(kms) else ''}{num(max(kms))} km"
        if trains:
            s += f", {num(trains)} trains"
        return [sentence(s)]

    def _render_rail_arrive(self, evs: list[Event]) -> list[str]:
        n = self.N
        ids = [f for e in evs for f in e.subjects]
        men = sum(_v(e, "men") for e in evs)
        origins = list(dict.fromkeys(n.node(_v(e, "origin", None)) for e in evs))
        who, pl = n.who(ids, evs[0].side, cap=True)
        # trains whose destination fell while they were on the way stop short of it
        lost = list(dict.fromkeys(n.node(_v(e, "stopped_short", None)) for e in evs
                                  if _v(e, "stopped_short", None) is not None))
        why = (f": {join(lost)} {'are' if len(lost) > 1 else 'is'} in enemy hands"
               if lost else "")
        return [sentence(f"{who} ({num(men)} men) {'detrain' if pl else 'detrains'} at "
                         f"{n.node(evs[0].place)}, from {join(origins)}{why}")]

    def _render_reinforcement(self, evs: list[Event]) -> list[str]:
        n = self.N
        ids = [f for e in evs for f in e.subjects]
        men = sum(_v(e, "men") for e in evs)
        who, pl = n.who(ids, evs[0].side)
        return [sentence(f"Reinforcements at {n.node(evs[0].place)}: {who} "
                         f"({num(men)} men) {'enter' if pl else 'enters'} the line")]

    def _render_withdrawn(self, evs: list[Event]) -> list[str]:
        n = self.N
        ids = [f for e in evs for f in e.subjects]
        what = [(num(v), w) for v, w in (
            (sum(_v(e, "men") for e in evs), "men"),
            (sum(_v(e, "tanks") for e in evs), "tanks"),
            (sum(_v(e, "aircraft") for e in evs), "aircraft")) if v >= 0.5]
        who, pl = n.who(ids, evs[0].side)
        size = f" ({', '.join(f'{a} {b}' for a, b in what)})" if what else ""
        if not any(_v(e, "in_play", True) for e in evs):  # reserves, late arrivals
            return [sentence(f"{who}{size}, not yet at the front, {'are' if pl else 'is'} "
                             f"sent to another theatre")]
        return [sentence(f"{who}{size} {'leave' if pl else 'leaves'} "
                         f"{n.node(evs[0].place)} for another theatre")]

    def _render_mobilised(self, evs: list[Event]) -> list[str]:
        n = self.N
        ids = [f for e in evs for f in e.subjects]
        men = sum(_v(e, "men") for e in evs)
        one, many = n.noun(ids)
        k = len(ids)
        ready = max((str(_v(e, "ready", "")) for e in evs), default="")
        s = (f"{n.side(evs[0].side)} raises {count(k)} new {plural(k, one, many)} "
             f"({num(men)} men) at {n.node(evs[0].place)}")
        if ready:
            s += f", ready by {day_date(dt.date.fromisoformat(ready))}"
        return [sentence(s)]

    def _render_delivery(self, evs: list[Event]) -> list[str]:
        n = self.N
        tot: dict[str, float] = defaultdict(float)
        for e in evs:
            for k in ("tanks", "guns", "aircraft", "trucks"):
                tot[k] += float(_v(e, k) or 0)
        what = [f"{num(v)} {k}" for k, v in tot.items() if v >= 0.5] or ["supplies"]
        return [sentence(f"Deliveries for {n.side(evs[0].side, article=True)} reach "
                         f"{n.node(evs[0].place)}: {join(what)}")]

    def _render_transfer_ordered(self, evs: list[Event]) -> list[str]:
        n = self.N
        ids = [f for e in evs for f in e.subjects]
        men = sum(_v(e, "men") for e in evs)
        side = n.fside.get(ids[0]) if ids else None
        who, pl = n.who(ids, side, cap=True)
        return [sentence(f"{who} ({num(men)} men) {'are' if pl else 'is'} ordered to "
                         f"{n.node(evs[0].place)}")]

    def _render_weather(self, evs: list[Event]) -> list[str]:
        n = self.N
        zones = list(dict.fromkeys(n.zones.get(str(_v(e, "zone", "")), str(_v(e, "zone", "")))
                                   for e in evs))
        ground = str(_v(evs[0], "ground", ""))
        eff = _v(evs[0], "effective", None)
        temps = [float(_v(e, "temp_c")) for e in evs if _v(e, "temp_c", None) is not None]
        s = (f"Weather: {_GROUND_TEXT.get(ground, 'ground turns ' + ground)} in the "
             f"{join(zones)} {plural(len(zones), 'zone')}")
        if eff:
            s += f" from {short_date(eff)}"
        if temps:
            lo, hi = min(temps), max(temps)
            s += f" ({lo:.0f} °C)" if lo == hi else f" ({lo:.0f} to {hi:.0f} °C)"
        return [sentence(s)]

    def _render_river(self, evs: list[Event]) -> list[str]:
        rivers = list(dict.fromkeys(str(_v(e, "river", "?")).replace("_", " ").title()
                                    for e in evs))
        frozen = bool(_v(evs[0], "frozen", False))
        eff = _v(evs[0], "effective", None)
        many = len(rivers) > 1
        what = ("freeze over" if many else "freezes over") if frozen else (
            "thaw; the ice breaks up" if many else "thaws; the ice breaks up")
        s = f"The {join(rivers)} {what}"
        if eff:
            s += f" from {short_date(eff)}"
        return [sentence(s)]

    # ---- the sea (stavka.engine.phases.naval) ---------------------------------
    def _sea_name(self, kind: str, sid: object) -> str:
        """The display name of a sea zone (``kind`` "zones") or fleet ("fleets")."""
        sea = self.parts.spec.sea if self.parts is not None else None
        items = getattr(sea, kind, []) if sea is not None else []
        return next((x.name for x in items if x.id == sid), str(sid))

    def _render_naval_battle(self, evs: list[Event]) -> list[str]:
        """A day's action in a sea zone. Only the fleets of the sides with ships or air
        groups there are named (``loss`` has those sides; a fleet sunk earlier is still in
        the zone, empty); a side without any is firing from its coastal batteries. A
        battery's fire that hits nothing is not worth a line."""
        n = self.N
        sea = self.parts.spec.sea if self.parts is not None else None
        side_of = {f.id: f.side for f in getattr(sea, "fleets", [])}
        out = []
        for e in evs:
            lost = _v(e, "lost", {}) or {}
            parts = []
            for fid, ships in lost.items():
                sunk = [f"{num(c)} {plural(round(c), k)}" for k, c in ships.items() if c >= 0.5]
                if sunk:
                    parts.append(f"{self._sea_name('fleets', fid)} loses {join(sunk)}")
            sides = set(_v(e, "loss", {}) or {})
            afloat = [f for f in e.subjects if side_of.get(f) in sides] or list(e.subjects)
            fleets = join([self._sea_name("fleets", f) for f in afloat])
            zone = self._sea_name("zones", _v(e, "zone"))
            if len(sides) == 1:  # one side's ships under the other's coastal batteries
                if not parts:
                    continue
                s = f"Coastal batteries fire on {fleets} in the {zone}"
            else:
                s = f"Battle in the {zone}: {fleets} engage"
            if parts:
                s += "; " + "; ".join(parts)
            out.append(sentence(n.ids_text(s)))
        return out

    def _render_sea_control(self, evs: list[Event]) -> list[str]:
        n = self.N
        out = []
        for e in evs:
            zone = self._sea_name("zones", _v(e, "zone"))
            why = _v(e, "reason", "")
            if why == "ice":
                s = f"Ice closes the {zone}"
            elif e.side is None:
                s = f"Control of the {zone} is contested"
            else:
                s = f"{n.side(e.side)} wins control of the {zone}"
            out.append(sentence(s))
        return out

    def _render_fleet_move(self, evs: list[Event]) -> list[str]:
        return [sentence(f"{self._sea_name('fleets', e.subjects[0])} sails from the "
                         f"{self._sea_name('zones', _v(e, 'previous'))} into the "
                         f"{self._sea_name('zones', _v(e, 'zone'))}") for e in evs]

    def _render_fleet_move_refused(self, evs: list[Event]) -> list[str]:
        return [sentence(f"{self._sea_name('fleets', e.subjects[0])} cannot sail into the "
                         f"{self._sea_name('zones', _v(e, 'zone'))}: {_v(e, 'reason', '')}")
                for e in evs]

    def _render_landing(self, evs: list[Event]) -> list[str]:
        n = self.N
        out = []
        for e in evs:
            who, pl = n.who(list(e.subjects), e.side, cap=True)
            out.append(sentence(
                f"{who} ({num(_v(e, 'men'))} men) {'land' if pl else 'lands'} at "
                f"{n.node(e.place)} from the {self._sea_name('zones', _v(e, 'zone'))}, carried "
                f"by {self._sea_name('fleets', _v(e, 'fleet'))}"))
        return out

    def _render_landing_refused(self, evs: list[Event]) -> list[str]:
        n = self.N
        sea = self.parts.spec.sea if self.parts is not None else None
        zones = {z.id: z.name for z in sea.zones} if sea is not None else {}

        def why(e: Event) -> str:  # engine text: node, side and sea zone ids named
            text = n.ids_text(str(_v(e, "reason", "")))
            return re.sub(r"\b[a-z][a-z0-9_]*\b", lambda m: zones.get(m.group(0), m.group(0)),
                          text)

        # not 'called off': a refused landing may be tried again (by date, event or order)
        return [sentence(f"No landing at {n.node(e.place)} today: {why(e)}") for e in evs]

    def _order_items(self, evs: list[Event], default: str, by: bool = False) -> str:
        """"formations (action target: reason); ..." of order events."""
        n = self.N
        items = []
        for e in evs:
            who = join([n.form(f) for f in e.subjects]) or "?"
            act = str(_v(e, "action", ""))
            if by:
                act = f"{_v(e, 'by', 'script')} {act}"
            tgt = f" {n.node(e.place)}" if e.place else ""
            items.append(f"{who} ({act}{tgt}: {_v(e, 'reason', default)})")
        return "; ".join(items)

    def _render_order_rejected(self, evs: list[Event]) -> list[str]:
        return [sentence("Orders not carried out: " + self._order_items(evs, "rejected"))]

    def _render_order_overridden(self, evs: list[Event]) -> list[str]:
        return [sentence("Orders overruled: " + self._order_items(evs, "overridden", by=True))]

    def _render_dispatch(self, evs: list[Event]) -> list[str]:
        return [sentence(str(_v(e, "text", ""))) for e in evs if _v(e, "text", "")]

    def _render_attack_ordered(self, evs: list[Event]) -> list[str]:
        """An event's scripted attack: who is sent against which region."""
        return self._ordered(evs, lambda e, pl: f"attack {self.N.node(e.place)}")

    def _render_hold_ordered(self, evs: list[Event]) -> list[str]:
        """An event's scripted hold: who is ordered to stop where it stands."""
        return self._ordered(
            evs, lambda e, pl: f"halt and hold where {'they stand' if pl else 'it stands'}")

    def _ordered(self, evs: list[Event], what: Callable[[Event, bool], str]) -> list[str]:
        """'<who> is/are ordered to <what>' for each of an event's scripted orders."""
        n = self.N
        out = []
        for e in evs:
            side = n.fside.get(e.subjects[0]) if e.subjects else None
            who, pl = n.who(list(e.subjects), side, cap=True, names_upto=2)
            out.append(sentence(f"{who} {'are' if pl else 'is'} ordered to {what(e, pl)}"))
        return out

    def _render_war(self, evs: list[Event]) -> list[str]:
        n = self.N
        return [sentence(f"{n.side(e.side)} declares war on "
                         f"{join([n.side(s, article=True) for s in e.subjects])}") for e in evs]

    def _render_stance(self, evs: list[Event]) -> list[str]:
        n = self.N
        out = []
        for e in evs:
            fr = _v(e, "front", None)
            where = f" on the {str(fr).replace('_', ' ').title()} front" if fr else " on all fronts"
            what = _STANCE_TEXT.get(str(_v(e, "stance", "")), f"adopts stance {_v(e, 'stance')}")
            out.append(sentence(f"{n.side(e.side)} {what}{where}"))
        return out

    def _render_trade(self, evs: list[Event]) -> list[str]:
        n = self.N
        out = []
        for e in evs:
            goods = [f"{num(_v(e, k))} {k}" for k in ("tanks", "trucks") if _v(e, k, 0)]
            gold = f"{float(_v(e, 'paid_gold_t')):g} t of gold"
            if _v(e, "accepted", True):
                s = f"{n.side(e.side)} pays {gold} for {join(goods) or 'supplies'}"
                if e.place:
                    s += f", to be landed at {n.node(e.place)}"
            else:
                s = f"{n.side(e.side)} cannot pay {gold}; the purchase lapses"
            out.append(sentence(s))
        return out

    def _render_request(self, evs: list[Event]) -> list[str]:
        n = self.N
        out = []
        for e in evs:
            text = str(_v(e, "text", "") or "A request").rstrip(". ")
            ok = _v(e, "accepted", False)
            out.append(sentence(f"{text}: {n.side(e.side)} {'agrees' if ok else 'refuses'}"))
        return out

    def _render_diplomacy(self, evs: list[Event]) -> list[str]:
        """Requests, answers, agreements, trade lots and neutrals
        (:mod:`stavka.engine.diplomacy`): the event's text in the scenario's voice, and
        for a decision the factor that weighed most."""
        out = []
        for e in evs:
            line = str(_v(e, "text", "") or e.kind.replace("_", " ")).rstrip()
            why = _v(e, "reason", None)
            if why and e.kind in ("request_answered", "agreement_kept", "agreement_broken",
                                  "neutral_enters") and _v(e, "by", "") != "player":
                line = line.rstrip(".") + f" (what weighed most: {why})"
            out.append(sentence(line))
        return out

    _render_request_sent = _render_request_answered = _render_diplomacy
    _render_agreement_signed = _render_agreement_kept = _render_agreement_broken = _render_diplomacy
    _render_contract_signed = _render_contract_cancelled = _render_diplomacy
    _render_lot_dispatched = _render_lot_delayed = _render_lot_lost = _render_diplomacy
    _render_lot_delivered = _render_lot_unpaid = _render_neutral_enters = _render_diplomacy

    def _render_victory(self, evs: list[Event]) -> list[str]:
        n = self.N
        return [sentence(f"{n.side(e.side)} takes {n.node(e.place)}: sudden-death victory; "
                         "the campaign ends") for e in evs]

    def _render_other(self, evs: list[Event]) -> list[str]:
        n = self.N
        out = []
        for e in evs:
            s = e.kind.replace("_", " ").capitalize()
            if e.place:
                s += f" at {n.node(e.place)}"
            if e.side:
                s += f" ({n.side(e.side)})"
            vals = ", ".join(f"{k} {num(v) if isinstance(v, float) else v}"
                             for k, v in e.values.items() if k != "event")
            out.append(sentence(s + (f": {vals}" if vals else "")))
        return out


def _hour_of(line: str) -> int:
    """The hour a chronicle line begins with (``"13:00 ..."`` -> 13), -1 for none."""
    body = line[2:] if line.startswith("- ") else line
    if len(body) >= 6 and body[2] == ":" and body[:2].isdigit() and body[3:5] == "00":
        return int(body[:2])
    return -1


def render_summary_markdown(summary: dict[str, Any], names: Names) -> str:
    """The closing section: result, losses, strength, control of victory regions."""
    n = names
    sides = list(summary.get("losses", {}))
    out = ["## Summary", ""]
    res = summary.get("victory", {}).get("result", "")
    vp = summary.get("victory_points", {})
    line = f"**Result:** {n.side_text(res)}" if res else "**Result:** undecided"
    if vp:
        line += " (victory points: " + ", ".join(
            f"{n.side(s)} {v:g}" for s, v in vp.items()) + ")"
    out += [line + ".", ""]
    if summary.get("date"):
        d = dt.date.fromisoformat(summary["date"])
        out += [f"The record closes on {day_date(d)} after {summary.get('days', '?')} days.", ""]
    if sides:
        fronts = list(next(iter(summary["losses"].values())).get("by_front", {}))
        out += ["### Losses", "",
                "| Side | Men | of whom captured | Tanks | Guns | Aircraft | "
                + " | ".join(f"Men, {f}" for f in fronts) + " |",
                "|---|" + "---:|" * (5 + len(fronts))]
        for s in sides:
            L = summary["losses"][s]
            row = [n.side(s), num(L["men"]["total"]), num(L["men"].get("captured", 0))]
            row += [num(L[c]["total"]) for c in _CATS[1:]]
            row += [num(L.get("by_front", {}).get(f, 0)) for f in fronts]
            out.append("| " + " | ".join(row) + " |")
        out.append("")
    if summary.get("strength"):
        out += ["### Strength at the close", "",
                "| Side | Men | Tanks | Guns | Aircraft |", "|---|---:|---:|---:|---:|"]
        for s, v in summary["strength"].items():
            out.append(f"| {n.side(s)} | " + " | ".join(num(v.get(c, 0)) for c in _CATS) + " |")
        out.append("")
    if summary.get("control"):
        out += ["### Victory regions", "", "| Region | VP | Held by |", "|---|---:|---|"]
        for nid, s in sorted(summary["control"].items(),
                             key=lambda kv: (-n.vp.get(kv[0], 0), n.node(kv[0]))):
            out.append(f"| {n.node(nid)} | {n.vp.get(nid, 0)} | {n.side(s)} |")
        out.append("")
    flags = summary.get("victory", {}).get("flags", {})
    if flags:
        out += ["### Conditions", ""]
        out += [f"- `{k}`: {'met' if v else 'not met'}" for k, v in flags.items()]
        out.append("")
    return "\n".join(out)


def render_markdown(campaign_or_parts: Any, title: str | None = None,
                    summary: bool = True) -> str:
    """The chronicle as Markdown: title, dated dispatches and (if available) a summary.

    ``campaign_or_parts``: a ``Campaign``, a :class:`~stavka.chronicle.visitor.Parts`,
    a mapping with ``events`` and ``spec`` (or ``static``), or ``(events, spec[, summary])``.
    """
    parts = as_parts(campaign_or_parts)
    (doc,) = walk(parts.events, MarkdownVisitor(title=title, with_summary=summary), parts=parts)
    return doc
