"""Games: create, list, view through a seat's fog, stage orders, end turns, advance, resume.

No game rule lives here: orders are checked by the engine (through
:mod:`stavka.web.engine_view`), AI sides are left to the engine's script and doctrine
(no player orders for them), and what a seat sees is the engine's visibility mask.

Live campaigns are kept in memory per game; after a restart (or eviction) a game is
rebuilt by replaying its recorded orders, and every step's digest must equal the
recorded one. A turn lasts ``turn_days`` days whatever the scenario's step: a day's
steps (``24 // step_hours``, one for a daily scenario) times ``turn_days``; the record
keeps orders and digests per step, and the map's pictures once a day. A turn is one transaction: the turn row (orders, digests, events,
pictures), the game's day and digest, and the seats' reset, or nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import math
import os
import re
import reprlib
import secrets
import sys
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from stavka.atomic import read_regular
from stavka.engine.rng import MAX_SEED
from stavka.errors import InputError, StavkaError, UnknownIdError
from stavka.web import engine_view as ev
from stavka.web.db import NotJSON
from stavka.web.models import Game, Seat, SweepJob, Turn, Upload

#: Largest run summary read (``summary.json`` of ``run --report``; bytes): a 100-day
#: campaign's is about 10 kB, one with every order a player gave far below this.
MAX_SUMMARY_BYTES = 8 * 2**20

#: how many live campaigns are kept in memory (others are rebuilt from their record)
CACHE_SIZE = 256
#: days of a seat's recent chronicle sent with its view
VIEW_EVENT_DAYS = 7
_ID = re.compile(r"^[0-9a-f]{12}$")


class WebError(StavkaError):
    """A request the server refuses; ``status`` is its HTTP status (4xx)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class Damaged(WebError):
    """A stored record this server cannot use: a row whose field is not what the server
    wrote (not JSON, a wrong type, out of range) or that the engine refuses on replay.
    409, one line naming the game and the field (and the turn and day); nothing is
    written from it, the rows are left as they are."""

    def __init__(self, gid: str, where: str, why: str):
        super().__init__(409, f"game {gid}: damaged record: {where} {why}")


def _clip(text: str, n: int = 60) -> str:
    t = " ".join(text.split())
    return t if len(t) <= n else t[:n] + "..."


def _bad(gid: str, where: str, value: Any, want: str) -> Damaged:
    """The error for a stored ``value`` at ``where`` that should be ``want``."""
    if isinstance(value, NotJSON):
        return Damaged(gid, where, f"is not JSON (stored {_clip(repr(str(value)))})")
    return Damaged(gid, where, f"must be {want} (stored {_clip(reprlib.repr(value))})")


def _whole(gid: str, where: str, v: Any, lo: int, hi: int) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
        raise _bad(gid, where, v, f"a whole number {lo}..{hi}")
    return v


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _text(gid: str, where: str, v: Any) -> str:
    if not isinstance(v, str) or isinstance(v, NotJSON):
        raise _bad(gid, where, v, "text")
    return v


def _texts(gid: str, where: str, v: Any) -> list[str]:
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise _bad(gid, where, v, "a list of texts")
    return list(v)


def _objects(gid: str, where: str, v: Any) -> list[dict[str, Any]]:
    if not isinstance(v, list) or not all(isinstance(x, dict) for x in v):
        raise _bad(gid, where, v, "a list of objects")
    return list(v)


def _events(gid: str, where: str, v: Any) -> list[dict[str, Any]]:
    evs = _objects(gid, where, v)
    for e in evs:
        subjects = e.get("subjects")
        if subjects is not None and not (isinstance(subjects, list)
                                         and all(isinstance(x, str) for x in subjects)):
            raise _bad(gid, where + " (an event's subjects)", subjects, "a list of ids")
    return evs


def _step_orders(gid: str, where: str, v: Any) -> list[list[list[str]]]:
    """A turn's orders: per step, a list of ``[side, order text]``."""
    if not isinstance(v, list) or not all(
            isinstance(step, list) and all(
                isinstance(o, list) and len(o) == 2 and all(isinstance(x, str) for x in o)
                for o in step) for step in v):
        raise _bad(gid, where, v, "a list per step of [side, order] pairs")
    return v


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class SeatNow:
    """A seat as the database holds it (kept in memory beside the live campaign)."""

    id: int
    side: str
    kind: str
    token_sha256: str | None
    ended: bool
    orders: list[str]


@dataclass
class Live:
    """A game in memory, at its recorded day: the campaign, the game's row, its seats and
    the events of its recent turns (what a view sends). Written through: the database is
    changed first, then this, so it never holds what the database does not."""

    campaign: Any
    humans: list[str]
    game: dict[str, Any]  # the games row: id, scenario, seed, params, turn_days, status, ...
    seats: list[SeatNow]  # in seat id order
    turns: int  # the number n of the game's last turn row
    recent: deque[tuple[int, list[dict[str, Any]]]]  # (first day, events) per recent turn
    standing: tuple[int, dict[str, Any]] | None = None  # (day, the public standing)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def seat(self, side: str) -> SeatNow:
        return next(x for x in self.seats if x.side == side)

    def trim(self) -> None:
        """Forget the events of turns older than a view shows."""
        since = max(0, int(self.game["day"]) - VIEW_EVENT_DAYS)
        while self.recent and self.recent[0][0] < since:
            self.recent.popleft()


class WarRoom:
    """The games of one database. Thread-safe: one lock per game for its changes.

    A game being played is kept in memory (:class:`Live`, at most :data:`CACHE_SIZE`,
    least recently used first out) so a turn costs the engine's days and one write: the
    turn row, the game's new day and the seats' reset, in one transaction. One server
    process per database: a turn's write checks that the game is still at the day this
    process holds (409 otherwise, and the game is reloaded from its record)."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self._live: OrderedDict[str, Live] = OrderedDict()
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        #: test hook: seconds to wait inside a turn's transaction before its commit
        self.pause_in_commit = float(os.environ.get("STAVKA_WEB_TEST_PAUSE_IN_COMMIT", "0") or 0)
        # SQLite has one writer at a time, and a writer that finds the file locked sleeps
        # in steps of up to 100 ms before it tries again: under load, writes queue here
        # instead (woken the moment the previous one commits). PostgreSQL locks rows.
        self._write_lock = threading.Lock() if engine.dialect.name == "sqlite" else None

    def _writing(self) -> contextlib.AbstractContextManager[Any]:
        """Hold the process's write turn for a transaction (SQLite only; see __init__)."""
        return self._write_lock if self._write_lock is not None else contextlib.nullcontext()

    # ---- games ------------------------------------------------------------------------
    def create(self, scenario: str, seed: int, params: dict[str, Any] | None,
               seats: dict[str, str], turn_days: int,
               script: dict[int, list[str]] | None = None,
               steps: int | None = None) -> dict[str, Any]:
        """Create a game; return its id and each human seat's token (shown only here).

        ``seats``: side -> "human" or "ai" (sides not named are AI). A game without a
        human seat is played to its end at once (a campaign to watch): to the campaign's
        end, or for ``steps`` steps (days at 24-hour steps), with ``script`` (step ->
        orders, given as a referee)."""
        self.ensure(scenario)
        info = ev.scenario_info(scenario)
        for side, kind in seats.items():
            if side not in info["sides"]:
                raise WebError(422, f"seats: unknown side {side!r:.40}; sides: "
                               f"{', '.join(info['sides'])}")
            if kind not in ("human", "ai"):
                raise WebError(422, f"seats.{side}: must be 'human' or 'ai' (got {kind!r:.20})")
        humans = [s for s in info["sides"] if seats.get(s) == "human"]
        c = ev.new_campaign(scenario, seed, params, humans)
        gid = secrets.token_hex(6)
        tokens = {s: secrets.token_urlsafe(24) for s in humans}
        now = time.time()
        game = Game(id=gid, scenario=scenario, scenario_hash=ev.scenario_hash(scenario),
                    seed=seed, params=dict(params or {}), turn_days=turn_days,
                    status="active", day=0, digest=ev.digest(c), created=now, updated=now)
        with self._writing(), self.sessions.begin() as s:
            s.add(game)
            s.flush()
            rows = [Seat(game_id=gid, side=side, kind="human" if side in humans else "ai",
                         token_sha256=_sha(tokens[side]) if side in humans else None,
                         ended=False, orders=[]) for side in info["sides"]]
            s.add_all(rows)
            s.add(Turn(game_id=gid, n=0, day0=0, days=0, orders=[], digests=[ev.digest(c)],
                       frames=[ev.frame(c)], events=[]))
            s.flush()
            live = Live(c, humans, _row(game), [_seat(x) for x in rows], 0,
                        deque([(0, [])]))
        self._remember(gid, live)
        if not humans:  # nobody to wait for: one turn to the end
            with live.lock:
                self._advance(gid, live, steps=ev.total_steps(c) if steps is None else steps,
                              script=script or {}, finish=True)
        return {"id": gid, "tokens": tokens}

    def games(self, limit: int = 100) -> list[dict[str, Any]]:
        """The newest ``limit`` games, with status, day and who is awaited."""
        with self.sessions() as s:
            games = s.scalars(select(Game).order_by(Game.created.desc()).limit(limit)).all()
            seats = s.scalars(select(Seat).where(Seat.game_id.in_([g.id for g in games]))).all()
        by: dict[str, list[Seat]] = {}
        for seat in seats:
            by.setdefault(seat.game_id, []).append(seat)
        out = []
        for g in games:  # a damaged game is listed as such; the others as always
            try:
                row = self._checked(g)
                out.append(_public(row, _checked_seats(row, sorted(
                    by.get(g.id, []), key=lambda x: x.id))))
            except Damaged as exc:
                out.append(_damaged_entry(g, str(exc)))
        return out

    def get(self, gid: str) -> dict[str, Any]:
        with self.sessions() as s:
            row = self._checked(self._game(s, gid))
            return _public(row, _checked_seats(row, self._seats(s, gid)))

    def _checked(self, g: Game) -> dict[str, Any]:
        """The games row as a plain dict, each field checked (:class:`Damaged` if it is
        not what the server writes), its scenario made known to the engine view."""
        gid = str(g.id)
        scenario = _text(gid, "games.scenario", g.scenario)
        try:
            self.ensure(scenario)
            info = ev.scenario_info(scenario)
        except StavkaError as exc:
            raise Damaged(gid, "games.scenario", f"{scenario!r:.60} cannot be opened here "
                          f"({_clip(str(exc), 120)})") from None
        row = _row(g)
        _whole(gid, "games.seed", row["seed"], 0, MAX_SEED)
        if not isinstance(row["params"], dict):
            raise _bad(gid, "games.params", row["params"], "an object of name: value")
        _whole(gid, "games.turn_days", row["turn_days"], 1, 10**6)
        if row["status"] not in ("active", "finished"):
            raise _bad(gid, "games.status", row["status"], "'active' or 'finished'")
        _whole(gid, "games.day", row["day"], 0, int(info["days"]))
        _text(gid, "games.digest", row["digest"])
        for k in ("created", "updated"):
            if not _number(row[k]):
                raise _bad(gid, f"games.{k}", row[k], "a time in seconds")
        return row

    # ---- a seat's view ----------------------------------------------------------------
    def seat_of(self, gid: str, token: str | None, side: str | None = None) -> str:
        """The side whose seat ``token`` opens in game ``gid``.

        401 without a token, 403 for a token of no seat of this game, or of another seat
        than ``side``; 404 for an unknown game."""
        live = self.live(gid)
        if not token:
            raise WebError(401, "this needs a seat's token (header X-Stavka-Token)")
        sha = _sha(token)
        for seat in live.seats:
            if seat.token_sha256 and hmac.compare_digest(seat.token_sha256, sha):
                if side is not None and side != seat.side:
                    raise WebError(403, f"this token is {seat.side}'s seat, not {side[:40]}'s")
                return seat.side
        raise WebError(403, "this token opens no seat of this game")

    def view(self, gid: str, side: str) -> dict[str, Any]:
        """What ``side`` sees now: the map's owners, the formations the visibility mask
        shows it, its recent chronicle (fogged), its staged orders and the turn's state;
        with a ``sea`` block also ``sea``, the sea under its fog (:func:`ev.sea_view`)."""
        live = self.live(gid)
        with live.lock:
            c = live.campaign
            mask = ev.visible(c)[ev.sides(c).index(side)]
            hidden = _hidden_ids(c, mask)
            since = max(0, int(live.game["day"]) - VIEW_EVENT_DAYS)
            events = [e2 for day0, evs in live.recent if day0 >= since for e in evs
                      if (e2 := fog_event(e, hidden)) is not None]
            me = live.seat(side)
            out = {
                "game": _public(live.game, live.seats), "side": side, "day": ev.day(c),
                "date": ev.date(c), "done": ev.done(c), "ended": me.ended,
                "orders": list(me.orders), "actions": ev.order_actions(),
                "owner": ev.owners(c), "formations": ev.formation_rows(c, mask, side),
                "events": events, "standing": self._standing(live),
            }
            sea = ev.sea_view(c, side)  # a scenario with a sea only
            if sea is not None:
                out["sea"] = sea
            return out

    @staticmethod
    def _standing(live: Live) -> dict[str, Any]:
        """The public standing, computed once a day (caller holds ``live.lock``)."""
        d = ev.day(live.campaign)
        if live.standing is None or live.standing[0] != d:
            live.standing = (d, ev.standing(live.campaign))
        return live.standing[1]

    # ---- orders and turns -------------------------------------------------------------
    def stage(self, gid: str, side: str, orders: list[str]) -> list[str]:
        """Check ``orders`` with the engine and stage them for the turn (an order replaces
        a staged one for the same formation, fleet move, landing or partisans' region:
        ``Order.key``). All or none: the first refused order raises (422 with the engine's
        reason, 403 for another side's formation), and so do staged orders not possible
        together (a side's partisans beyond what it has left)."""
        live = self.live(gid)
        with live.lock:
            seat = self._active_seat(gid, live, side)
            checked = []
            for o in orders:
                try:
                    checked.append(ev.check_order(live.campaign, o, side))
                except ev.OrderRefused as exc:
                    raise WebError(403 if exc.forbidden else 422, str(exc)) from None
            staged = {ev.order_key(o): o for o in seat.orders}
            for o in checked:
                staged[ev.order_key(o)] = o
            try:
                ev.check_together(live.campaign, list(staged.values()))
            except ev.OrderRefused as exc:
                raise WebError(422, str(exc)) from None
            self._write_seat(live, seat, orders=list(staged.values()))
            return list(seat.orders)

    def rail_preview(self, gid: str, side: str, formation: str, target: str) -> dict[str, Any]:
        """The route, km and the engine's arrival date of a rail order (nothing staged):
        :func:`engine_view.rail_preview`. 422 with the engine's reason if refused."""
        live = self.live(gid)
        with live.lock:
            self._active_seat(gid, live, side)
            try:
                return ev.rail_preview(live.campaign, formation, target, side)
            except ev.OrderRefused as exc:
                raise WebError(403 if exc.forbidden else 422, str(exc)) from None

    def clear(self, gid: str, side: str) -> None:
        live = self.live(gid)
        with live.lock:
            seat = self._active_seat(gid, live, side)
            self._write_seat(live, seat, orders=[])

    def end_turn(self, gid: str, side: str, day: int | None = None) -> dict[str, Any]:
        """End ``side``'s turn; when every human seat has, advance the game one turn
        (``turn_days`` days, in steps at a scenario's ``step_hours``, or to the end).
        ``day``: the day the seat's turn starts on, as the seat last saw it; if the game
        is at another day (a request sent twice, a second tab), 409 and nothing changes.
        Returns ``advanced`` and the game's state."""
        live = self.live(gid)
        with live.lock:
            if day is not None and day != int(live.game["day"]):
                raise WebError(409, f"the turn of day {day} has already ended: the game is "
                                    f"at day {live.game['day']}; nothing was done")
            seat = self._active_seat(gid, live, side)
            others = [x for x in live.seats
                      if x.kind == "human" and x.side != side and not x.ended]
            if others:
                self._write_seat(live, seat, ended=True)
                return {"advanced": False, "waiting_for": sorted(x.side for x in others),
                        "day": live.game["day"]}
            # the last seat: its "ended" is written with the turn, or not at all
            self._advance(gid, live)
            return {"advanced": True, "waiting_for": [], "day": ev.day(live.campaign)}

    def _write_seat(self, live: Live, seat: SeatNow, **values: Any) -> None:
        """Change a seat's row, then its copy in memory (caller holds ``live.lock``)."""
        with self._writing(), self.engine.begin() as conn:
            conn.execute(update(Seat).where(Seat.id == seat.id).values(**values))
        for k, v in values.items():
            setattr(seat, k, v)

    def _advance(self, gid: str, live: Live, steps: int | None = None,
                 script: dict[int, list[str]] | None = None, finish: bool = False) -> None:
        """Play one turn (``steps``, default the game's ``turn_days`` days in steps, or to
        the end) and commit it (caller holds ``live.lock``). ``script``: step -> orders
        given by a referee (a report opened to watch, keyed as its summary keys them)
        instead of the seats' orders; ``finish``: the game is finished after this turn
        even if the campaign is not. The seats' orders are given at the turn's first step.
        The turn row keeps orders and digests per step, and a picture at the end of each
        day (and at the campaign's end). On any failure the live game is dropped (rebuilt
        from the record next time) and nothing is written."""
        try:
            c = live.campaign
            day0 = int(live.game["day"])
            digest0 = str(live.game["digest"])
            spd = ev.steps_per_day(c)
            orders = [[x.side, o] for x in live.seats if x.kind == "human" for o in x.orders]
            day_orders: list[list[list[str]]] = []
            digests: list[str] = []
            frames: list[dict[str, Any]] = []
            events: list[dict[str, Any]] = []
            n = int(live.game["turn_days"]) * spd if steps is None else steps
            for i in range(n):
                if ev.done(c):
                    break
                if script is not None:
                    todays = [["referee", o] for o in script.get(ev.steps(c), [])]
                else:
                    todays = orders if i == 0 else []
                evs = ev.step(c, [o for _, o in todays], live.humans)
                day_orders.append(todays)
                digests.append(ev.digest(c))
                if ev.steps(c) % spd == 0 or ev.done(c) or i == n - 1:
                    frames.append(ev.frame(c))
                events.extend(ev.event_dict(e) for e in evs)
            now = time.time()
            game = {"day": ev.day(c), "digest": digests[-1] if digests else live.game["digest"],
                    "status": "finished" if finish or ev.done(c) else "active", "updated": now}
            with self._writing(), self.engine.begin() as conn:
                # the digest hashes the step: it tells turns apart within a day too
                moved = conn.execute(update(Game).where(Game.id == gid, Game.day == day0,
                                                        Game.digest == digest0)
                                     .values(**game))
                if moved.rowcount != 1:
                    raise WebError(409, f"game {gid}: its record is no longer at day {day0} "
                                   "(another server?); try again")
                conn.execute(insert(Turn).values(
                    game_id=gid, n=live.turns + 1, day0=day0, days=len(day_orders),
                    orders=day_orders, digests=digests, frames=frames, events=events))
                conn.execute(update(Seat).where(Seat.game_id == gid)
                             .values(ended=False, orders=[]))
                if self.pause_in_commit:  # tests: a kill -9 lands here
                    print(f"stavka.web: test hook: pausing {self.pause_in_commit} s inside "
                          f"the transaction of game {gid}'s turn to day {game['day']}",
                          file=sys.stderr, flush=True)
                    time.sleep(self.pause_in_commit)
        except BaseException:
            self._forget(gid)
            raise
        live.game.update(game)
        live.turns += 1
        for x in live.seats:
            x.ended, x.orders = False, []
        live.recent.append((day0, events))
        live.trim()

    # ---- watch ------------------------------------------------------------------------
    def open_report(self, folder: str | Path) -> str:
        """Open a ``stavka run --report DIR`` folder as a finished game to watch; return its id.

        Its ``summary.json`` gives the scenario (a shipped one), seed, parameters, days and
        orders; the campaign is replayed and must reach the summary's digest. Raises
        :class:`InputError` (one line) for a folder without a readable summary, another
        scenario, or a replay that parts from it."""
        p = Path(folder)
        try:  # a regular file of bounded size: a FIFO in its place would block the start
            summ = json.loads(read_regular(p / "summary.json", MAX_SUMMARY_BYTES))
        except OSError as exc:
            raise InputError(f"--open {folder}: no readable summary.json "
                             f"({exc.strerror or exc})") from None
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise InputError(f"--open {folder}: summary.json is not a stavka run summary "
                             f"({type(exc).__name__}: {str(exc)[:80]})") from None
        return self.open_summary(summ, f"--open {folder}")

    def open_summary(self, summ: Any, label: str = "summary.json") -> str:
        """Open a run's summary (``summary.json`` of ``stavka run --report``, read from a
        folder or uploaded) as a finished game to watch; return its id. The campaign is
        replayed from the summary's scenario, seed, parameters and orders and must reach
        its digest. A summary counts ``days``; its orders are keyed by step (the day at
        24-hour steps), and a run of a scenario with ``step_hours`` says its ``steps``
        (without them: the days' steps). Raises :class:`InputError` (one line, starting
        with ``label``)."""
        def bad(field: str, want: str, got: Any = ...) -> InputError:
            text = repr(got[:80]) if isinstance(got, str) else reprlib.repr(got)
            shown = "" if got is ... else f" (got {_clip(text)})"
            return InputError(f"{label}: not a stavka run summary: {field} {want}{shown}")

        def whole(field: str, v: Any, lo: int, hi: int | None = None) -> int:
            if isinstance(v, bool) or not isinstance(v, int) or v < lo or (
                    hi is not None and v > hi):
                raise bad(field, f"must be a whole number {lo}..{hi}" if hi is not None
                          else f"must be a whole number >= {lo}", v)
            return v

        if not isinstance(summ, dict):
            raise bad("the summary", f"must be an object, not {type(summ).__name__}")
        for key in ("scenario", "seed", "days", "digest"):
            if key not in summ:
                raise bad(key, "is missing")
        scenario = summ["scenario"]
        if not isinstance(scenario, str) or not scenario:
            raise bad("scenario", "must be a scenario id", scenario)
        seed = whole("seed", summ["seed"], 0, MAX_SEED)
        days = whole("days", summ["days"], 0)  # at most the scenario's days: below
        digest = summ["digest"]
        if not isinstance(digest, str) or not digest:
            raise bad("digest", "must be the run's digest (text)", digest)
        params = summ.get("parameters")
        params = {} if params is None else params
        if not isinstance(params, dict):
            raise bad("parameters", "must be an object of name: value", params)
        steps = summ.get("steps")
        if steps is not None:
            steps = whole("steps", steps, 0)
        step_hours = summ.get("step_hours")
        if step_hours is not None:
            step_hours = whole("step_hours", step_hours, 1, 24)
        orders = summ.get("orders")
        orders = [] if orders is None else orders
        if not isinstance(orders, list):
            raise bad("orders", "must be a list of 'STEP: ORDER' texts", orders)
        keyed: list[tuple[int, int, str]] = []
        for i, item in enumerate(orders):
            m = re.fullmatch(r"\s*(\d{1,30})\s*:\s*(\S.*?)\s*", item) if isinstance(
                item, str) else None
            if m is None:
                raise bad(f"orders[{i}]", "must be a text 'STEP: ORDER' (STEP a whole "
                          "number >= 0)", item)
            keyed.append((i, int(m.group(1)), m.group(2)))
        self.ensure(scenario)
        c = ev.new_campaign(scenario, seed, params, [])
        if days > ev.total_days(c):
            raise bad("days", f"must be 0..{ev.total_days(c)}, the scenario's days", days)
        if step_hours is not None and step_hours != ev.step_hours(c):
            raise bad("step_hours", f"must be the scenario's {ev.step_hours(c)}", step_hours)
        spd = ev.steps_per_day(c)
        if steps is None:
            steps = days * spd
        elif not (days * spd <= steps < (days + 1) * spd and steps <= ev.total_steps(c)):
            raise InputError(f"{label}: steps {steps} is not within day {days} "
                             f"({ev.step_hours(c)}-hour steps)")
        script: dict[int, list[str]] = {}
        for i, d, o in keyed:
            if d >= steps:  # never given in this run: a summary that is not its run's
                raise bad(f"orders[{i}]", f"must be at a step of the run, 0..{steps - 1}"
                          if steps else "cannot be given in a run of no steps", orders[i])
            script.setdefault(d, []).append(o)
        known = self._watched_before(scenario, seed, params, days, digest)
        if known is not None:  # the same run opened again (serve --open at every start)
            return known
        for _ in range(steps):
            if ev.done(c):
                break
            try:
                ev.step(c, script.get(ev.steps(c), []), [])
            except StavkaError as exc:  # an order the engine refuses on its step
                raise InputError(f"{label}: the orders of step {ev.steps(c)} are refused: "
                                 f"{exc}") from None
        if ev.digest(c) != digest:
            raise InputError(f"{label}: the replay reaches digest {ev.digest(c)}, "
                             f"the summary says {digest[:70]} (another stavka version?)")
        return str(self.create(scenario, seed, params, {}, 1, script=script,
                               steps=steps)["id"])

    def _watched_before(self, scenario: str, seed: int, params: dict[str, Any], days: int,
                        digest: str) -> str | None:
        """The id of a finished game to watch (no human seat) of this run - the same
        scenario, seed, parameters, days and final digest, which covers the orders - if
        one was opened before, else None. The newest such game is given."""
        with self.sessions() as s:
            same = s.scalars(select(Game).where(
                Game.scenario == scenario, Game.seed == seed, Game.digest == digest,
                Game.day == days, Game.status == "finished").order_by(Game.created.desc())
            ).all()
            for g in same:
                humans = s.scalars(select(Seat.id).where(
                    Seat.game_id == g.id, Seat.kind == "human").limit(1)).first()
                if humans is None and g.params == params:
                    self.ensure(scenario)  # its hash: the same scenario text, not only id
                    if g.scenario_hash == ev.scenario_hash(scenario):
                        return str(g.id)
        return None

    # ---- uploaded scenarios -----------------------------------------------------------
    def upload(self, name: str, text: str) -> dict[str, Any]:
        """Load an uploaded scenario file and keep it (the same text is one scenario);
        return its info (id ``u-...``). Raises :class:`ScenarioError` with every problem
        located in the file (see :func:`engine_view.load_upload`)."""
        from sqlalchemy.exc import IntegrityError

        sid, _loaded = ev.load_upload(name, text)
        try:
            with self._writing(), self.sessions.begin() as s:
                if s.get(Upload, sid) is None:
                    s.add(Upload(id=sid, name=ev.upload_name(name), text=text,
                                 created=time.time()))
        except IntegrityError:  # the same file, uploaded at the same moment elsewhere
            pass
        return ev.scenario_info(sid)

    def ensure(self, scenario: str) -> None:
        """Make an uploaded scenario known to the engine view (loaded again from its stored
        text after a restart); shipped and unknown ids are left to it."""
        if not isinstance(scenario, str) or not ev.UPLOAD_ID.match(scenario):
            return
        try:
            ev.load_scenario(scenario)
            return
        except UnknownIdError:
            pass
        with self.sessions() as s:
            up = s.get(Upload, scenario)
        if up is not None:
            ev.load_upload(up.name, up.text)

    def scenarios(self) -> list[dict[str, Any]]:
        """The shipped scenarios, then the uploaded ones (newest first)."""
        with self.sessions() as s:
            ups = s.scalars(select(Upload.id).order_by(Upload.created.desc()).limit(100)).all()
        out = [ev.scenario_info(x) for x in ev.shipped()]
        for sid in ups:
            try:
                self.ensure(sid)
                out.append(ev.scenario_info(sid))
            except StavkaError:  # stored by another version that loads it no more
                continue
        return out

    def replay(self, gid: str) -> dict[str, Any]:
        """A finished game, whole: formation catalogue, every day's picture, every event
        and digest. 409 while the game is being played (its seats' fog would leak)."""
        with self.sessions() as s:
            row = self._checked(self._game(s, gid))
            if row["status"] != "finished":
                raise WebError(409, f"game {gid} is being played (day {row['day']}); "
                               "only a finished game can be watched")
            turns = s.scalars(select(Turn).where(Turn.game_id == gid).order_by(Turn.n)).all()
            public = _public(row, _checked_seats(row, self._seats(s, gid)))
            for t in turns:
                where = _turn(gid, t, row["day"])[2]
                _objects(gid, f"turns.frames of {where}", t.frames)
                _texts(gid, f"turns.digests of {where}", t.digests)
                _events(gid, f"turns.events of {where}", t.events)
        live = self.live(gid)
        cat = ev.catalogue(live.campaign)
        return {
            "game": public,
            "formations": [{"id": i, "name": n, "side": sd, "kind": k}
                           for i, n, sd, k in zip(cat.ids, cat.names, cat.sides, cat.kinds,
                                                  strict=True)],
            "sides": ev.sides(live.campaign),
            "frames": [f for t in turns for f in t.frames],
            "digests": [d for t in turns for d in t.digests],
            "events": [e for t in turns for e in t.events],
            "standing": ev.standing(live.campaign),
        }

    def record(self, gid: str) -> dict[str, Any]:
        """The game's record: scenario, seed, parameters, orders and digests per step (per
        day at 24-hour steps)."""
        with self.sessions() as s:
            g = self._game(s, gid)
            row = self._checked(g)
            if row["status"] != "finished":
                raise WebError(409, f"game {gid} is being played; its record is sealed")
            turns = s.scalars(select(Turn).where(Turn.game_id == gid).order_by(Turn.n)).all()
            for t in turns:
                where = _turn(gid, t, row["day"])[2]
                _step_orders(gid, f"turns.orders of {where}", t.orders)
                _texts(gid, f"turns.digests of {where}", t.digests)
            return {"scenario": row["scenario"],
                    "scenario_hash": _text(gid, "games.scenario_hash", g.scenario_hash),
                    "seed": row["seed"], "params": row["params"],
                    "orders": [o for t in turns for o in t.orders],
                    "digests": [d for t in turns for d in t.digests]}

    # ---- memory -----------------------------------------------------------------------
    def live(self, gid: str) -> Live:
        """The game in memory, rebuilt from its record if not there (every day's digest
        checked; 404 for an unknown game, 409 if the replay parts from the record)."""
        if not isinstance(gid, str) or not _ID.match(gid):
            raise WebError(404, f"unknown game {str(gid)[:40]!r}")
        with self._guard:
            if gid in self._live:  # the common case: no lock to wait for
                self._live.move_to_end(gid)
                return self._live[gid]
            lock = self._locks.setdefault(gid, threading.Lock())
        with lock:
            with self._guard:
                if gid in self._live:
                    self._live.move_to_end(gid)
                    return self._live[gid]
            try:
                live = self._rebuild(gid)
            except WebError as exc:
                if exc.status == 404:  # no lock kept for a game that is not there
                    with self._guard:
                        self._locks.pop(gid, None)
                raise
            self._remember(gid, live)
            return live

    def _rebuild(self, gid: str) -> Live:
        turns_t = Turn.__table__
        with self.sessions() as s:
            row = self._checked(self._game(s, gid))
            seats = _checked_seats(row, self._seats(s, gid))
            turns = s.execute(select(turns_t.c.n, turns_t.c.day0, turns_t.c.orders,
                                     turns_t.c.digests)  # not the pictures: big, not needed
                              .where(turns_t.c.game_id == gid).order_by(turns_t.c.n)).all()
            since = max(0, row["day"] - VIEW_EVENT_DAYS)
            recent = s.execute(select(turns_t.c.n, turns_t.c.day0, turns_t.c.events)
                               .where(turns_t.c.game_id == gid, turns_t.c.day0 >= since)
                               .order_by(turns_t.c.n)).all()
        humans = [x.side for x in seats if x.kind == "human"]
        try:
            c = ev.new_campaign(row["scenario"], row["seed"], row["params"], humans)
        except StavkaError as exc:
            raise Damaged(gid, "games.params", f"are refused by the engine "
                          f"({_clip(str(exc), 120)})") from None
        for t in turns:
            n, day0, where = _turn(gid, t, row["day"])
            digests = _texts(gid, f"turns.digests of {where}", t.digests)
            if n == 0:
                if not digests:
                    raise Damaged(gid, f"turns.digests of {where}", "is empty")
                _same(gid, c, digests[0])
                continue
            orders = _step_orders(gid, f"turns.orders of {where}", t.orders)
            if len(digests) != len(orders):
                raise Damaged(gid, f"turns.digests of {where}",
                              f"has {len(digests)} digests for {len(orders)} steps")
            for i, todays in enumerate(orders):  # one entry per step
                if ev.done(c):
                    raise Damaged(gid, f"turns.orders of {where}",
                                  "has steps after the campaign's end")
                try:
                    ev.step(c, [o for _, o in todays], humans)
                except StavkaError as exc:
                    raise Damaged(gid, f"turns.orders of {where}", f"are refused by the "
                                  f"engine on day {ev.day(c)} ({_clip(str(exc), 120)})") from None
                _same(gid, c, digests[i])
        if ev.day(c) != row["day"]:
            raise WebError(409, f"game {gid}: record ends on day {ev.day(c)}, "
                           f"game says {row['day']}")
        for r in recent:
            _events(gid, f"turns.events of {_turn(gid, r, row['day'])[2]}", r.events)
        return Live(c, humans, row, seats, turns[-1].n if turns else 0,
                    deque((int(r.day0), list(r.events)) for r in recent))

    def _remember(self, gid: str, live: Live) -> None:
        with self._guard:
            self._live[gid] = live
            self._live.move_to_end(gid)
            while len(self._live) > CACHE_SIZE:
                self._live.popitem(last=False)

    def _forget(self, gid: str) -> None:
        with self._guard:
            self._live.pop(gid, None)

    # ---- rows -------------------------------------------------------------------------
    @staticmethod
    def _game(s: Session, gid: str) -> Game:
        if not isinstance(gid, str) or not _ID.match(gid):
            raise WebError(404, f"unknown game {str(gid)[:40]!r}")
        g = s.get(Game, gid)
        if g is None:
            raise WebError(404, f"unknown game {gid!r}")
        return g

    @staticmethod
    def _seats(s: Session, gid: str) -> list[Seat]:
        return list(s.scalars(select(Seat).where(Seat.game_id == gid).order_by(Seat.id)).all())

    @staticmethod
    def _active_seat(gid: str, live: Live, side: str) -> SeatNow:
        if live.game["status"] != "active":
            raise WebError(409, f"game {gid} is over ({live.game['day']} days played)")
        seat = live.seat(side)
        if seat.ended:
            raise WebError(409, f"{side} has ended this turn; waiting for the other seats")
        return seat


def _row(g: Game) -> dict[str, Any]:
    """A games row as a plain dict (what a game's public state is made of)."""
    return {k: getattr(g, k) for k in ("id", "scenario", "seed", "params", "turn_days",
                                       "status", "day", "digest", "created", "updated")}


def _seat(x: Seat) -> SeatNow:
    return SeatNow(x.id, x.side, x.kind, x.token_sha256, bool(x.ended), list(x.orders or []))


def _checked_seats(row: dict[str, Any], seats: list[Seat]) -> list[SeatNow]:
    """A game's seats rows (in seat id order), each field checked (:class:`Damaged`)."""
    gid = str(row["id"])
    sides = ev.scenario_info(row["scenario"])["sides"]
    out = []
    for x in seats:
        side = _text(gid, "seats.side", x.side)
        if side not in sides:
            raise _bad(gid, "seats.side", side, f"a side of {row['scenario']}")
        if x.kind not in ("human", "ai"):
            raise _bad(gid, f"seats.kind of side {side}", x.kind, "'human' or 'ai'")
        if x.token_sha256 is not None:
            _text(gid, f"seats.token_sha256 of side {side}", x.token_sha256)
        if not isinstance(x.ended, bool | int):
            raise _bad(gid, f"seats.ended of side {side}", x.ended, "true or false")
        _texts(gid, f"seats.orders of side {side}", x.orders)
        out.append(_seat(x))
    return out


def _turn(gid: str, t: Any, last_day: int) -> tuple[int, int, str]:
    """A turns row's number and first day, checked, and how a message names it."""
    n = _whole(gid, "turns.n", t.n, 0, 10**9)
    day0 = _whole(gid, f"turns.day0 of turn {n}", t.day0, 0, last_day)
    return n, day0, f"turn {n} (from day {day0})"


def _damaged_entry(g: Game, why: str) -> dict[str, Any]:
    """A damaged game as the games list shows it: ``status`` "damaged", ``damage`` the
    one-line reason its own endpoints answer with (409), nothing read from the damage."""
    scenario = g.scenario[:100] if isinstance(g.scenario, str) else None
    return {"id": str(g.id), "scenario": scenario,
            "name": None, "seed": None, "params": {}, "turn_days": None, "status": "damaged",
            "day": None, "days": None, "date": None, "digest": None, "seats": {},
            "waiting_for": [], "created": g.created if _number(g.created) else None,
            "damage": why}


def _public(g: dict[str, Any], seats: list[SeatNow]) -> dict[str, Any]:
    """A game's public state: no token, no staged order, nothing of the fog."""
    info = ev.scenario_info(g["scenario"])
    return {
        "id": g["id"], "scenario": g["scenario"], "name": info["name"], "seed": g["seed"],
        "params": g["params"], "turn_days": g["turn_days"], "status": g["status"],
        "day": g["day"], "days": info["days"], "date": _date(info["start"], g["day"]),
        "digest": g["digest"], "seats": {x.side: x.kind for x in seats},
        "waiting_for": sorted(x.side for x in seats if x.kind == "human" and not x.ended)
        if g["status"] == "active" else [],
        "created": g["created"],
    }


def _same(gid: str, c: Any, recorded: str) -> None:
    """409 unless the rebuilt campaign ``c`` has the ``recorded`` digest."""
    got = ev.digest(c)
    if recorded != got:
        when = (f"on day {ev.day(c)}" if ev.steps_per_day(c) == 1 else
                f"at step {ev.steps(c)} (day {ev.day(c)}, {ev.step_hours(c)}-hour steps)")
        raise WebError(409, f"game {gid}: replay parts from the record {when} "
                       f"(digest {got[:12]}, recorded {recorded[:12]})")


def _date(start: str, day: int) -> str:
    import datetime as dt

    return (dt.date.fromisoformat(start) + dt.timedelta(days=day)).isoformat()


def _hidden_ids(c: Any, mask: Any) -> frozenset[str]:
    ids = ev.formation_ids(c)
    return frozenset(ids[i] for i in range(len(ids)) if not mask[i])


def fog_event(e: dict[str, Any], hidden: frozenset[str]) -> dict[str, Any] | None:
    """The event as a seat may read it: formations it cannot see are cut from subjects
    and values; an event whose every subject is hidden is not shown at all."""
    subjects = e.get("subjects") or []
    if subjects and all(x in hidden for x in subjects):
        return None
    out = dict(e)
    out["subjects"] = [x for x in subjects if x not in hidden]
    out["values"] = _scrub(e.get("values") or {}, hidden)
    return out


def _scrub(v: Any, hidden: frozenset[str]) -> Any:
    if isinstance(v, str):
        return "(unseen)" if v in hidden else v
    if isinstance(v, dict):
        return {k: _scrub(x, hidden) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_scrub(x, hidden) for x in v if not (isinstance(x, str) and x in hidden)]
    return v


def check_params(params: Any) -> dict[str, Any]:
    if params is None:
        return {}
    if not isinstance(params, dict):
        raise InputError("params must be an object of name: value")
    return params


class Sweeps:
    """Explore's background sweeps, one at a time, kept in the database.

    A sweep's request, progress (written at most every :attr:`SAVE_EVERY` seconds) and
    result are rows of ``sweeps``, so the page finds them after a restart. A sweep the
    server stopped under (queued or running when it went down) is marked failed at the
    next start, saying how far it had come; it is not run again on its own. At most
    :attr:`QUEUE` sweeps wait or run; more is a 409. ``done``/``total`` count campaigns."""

    QUEUE = 4
    SAVE_EVERY = 1.0

    def __init__(self, room: WarRoom) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.room = room
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stavka-sweep")
        self.progress: dict[str, tuple[int, int]] = {}  # running here: (done, total)
        self.guard = threading.Lock()
        self._recover()

    def _recover(self) -> None:
        with self.room._writing(), self.room.sessions.begin() as s:
            for job in s.scalars(select(SweepJob).where(
                    SweepJob.status.in_(["queued", "running"]))).all():
                job.status = "failed"
                job.error = (f"interrupted: the server stopped at {job.done} of {job.total} "
                             "campaigns; start the sweep again")
                job.updated = time.time()

    def start(self, scenario: str, runs: int, seed: int, params: dict[str, Any],
              compare: tuple[str, list[Any]] | None) -> str:
        """Queue a sweep; return its id. Parameters are checked first (422 if wrong)."""
        self.room.ensure(scenario)
        info = ev.scenario_info(scenario)
        for name in [*params, *([compare[0]] if compare else [])]:
            # a scenario's parameter, or a campaign rule (rules.NAME, checked against the
            # rule's bounds by the engine below), as games and `stavka sweep` take them
            if name not in info["parameters"] and not ev.is_rule(name):
                raise WebError(422, f"unknown parameter {name!r:.60}; scenario {scenario} has: "
                                    f"{', '.join(info['parameters']) or 'none'}, or any rule "
                                    "as rules.NAME")
        if compare:  # one parameter, compared at different values: as `stavka sweep --vary`
            name, values = compare
            if name in params:
                raise WebError(422, f"compare.param: {name!r:.60} is also in params; a "
                                    "parameter is either set or compared")
            seen: list[Any] = []
            for i, v in enumerate(values):
                try:
                    value = ev.sweep_value(scenario, name, v)
                except StavkaError as exc:
                    raise WebError(422, f"compare.values[{i}]: {exc}") from None
                if value in seen:
                    raise WebError(422, f"compare.values[{i}]: value {v!r:.40} given twice "
                                        f"(as compare.values[{seen.index(value)}])")
                seen.append(value)
        for v in compare[1] if compare else [None]:  # every setting, checked by the engine
            ev.new_campaign(scenario, 0, {**params, **({compare[0]: v} if compare else {})},
                            [])  # InputError (422) for a value out of type or range
        total = runs * (len(compare[1]) if compare else 1)
        jid = secrets.token_hex(6)
        now = time.time()
        with self.guard:
            with self.room.sessions() as s:
                waiting = s.scalar(select(func.count()).select_from(SweepJob).where(
                    SweepJob.status.in_(["queued", "running"]))) or 0
            if waiting >= self.QUEUE:
                raise WebError(409, f"{waiting} sweeps are running or queued; try later")
            with self.room._writing(), self.room.sessions.begin() as s:
                s.add(SweepJob(id=jid, scenario=scenario, runs=runs, seed=seed,
                               params=dict(params),
                               compare=[compare[0], list(compare[1])] if compare else None,
                               status="queued", done=0, total=total, result=None, error=None,
                               created=now, updated=now))
        self.pool.submit(self._work, jid, scenario, runs, seed, params, compare)
        return jid

    def _save(self, jid: str, **values: Any) -> None:
        values["updated"] = time.time()
        with self.room._writing(), self.room.engine.begin() as conn:
            conn.execute(update(SweepJob).where(SweepJob.id == jid).values(**values))

    def _work(self, jid: str, scenario: str, runs: int, seed: int, params: dict[str, Any],
              compare: tuple[str, list[Any]] | None) -> None:
        last = [0.0]

        def progress(done: int, total: int) -> None:
            self.progress[jid] = (done, total)
            if time.monotonic() - last[0] >= self.SAVE_EVERY:
                last[0] = time.monotonic()
                self._save(jid, done=done, total=total)

        try:
            self._save(jid, status="running")
            result = ev.run_sweep(scenario, runs, seed, params, compare, progress=progress)
            done, total = self.progress.get(jid, (0, 0))
            self._save(jid, status="done", result=result, done=max(done, total),
                       total=max(done, total))
        except StavkaError as exc:
            self._fail(jid, " ".join(str(exc).split())[:300])
        except Exception as exc:  # reported on the job, never lost in a thread
            self._fail(jid, f"internal error ({type(exc).__name__})")
        finally:
            self.progress.pop(jid, None)

    def _fail(self, jid: str, error: str) -> None:
        with contextlib.suppress(Exception):  # the database itself may be what failed
            self._save(jid, status="failed", error=error)

    def get(self, jid: str) -> dict[str, Any]:
        """A sweep: status, progress and, when done, its result (404 if unknown)."""
        if not isinstance(jid, str) or not _ID.match(jid):
            raise WebError(404, f"unknown sweep {str(jid)[:40]!r}")
        with self.room.sessions() as s:
            job = s.get(SweepJob, jid)
            if job is None:
                raise WebError(404, f"unknown sweep {jid!r}")
            out = _sweep_row(job)
            out["result"] = job.result if out["status"] != "damaged" else None
        if out["status"] == "running" and jid in self.progress:
            out["done"], out["total"] = self.progress[jid]
        return out

    def list(self, limit: int = 20) -> list[dict[str, Any]]:
        """The newest sweeps, without their results."""
        with self.room.sessions() as s:
            jobs = s.scalars(select(SweepJob).order_by(SweepJob.created.desc())
                             .limit(limit)).all()
            out = [_sweep_row(j) for j in jobs]
        for j in out:
            if j["status"] == "running" and j["id"] in self.progress:
                j["done"], j["total"] = self.progress[j["id"]]
        return out


def _sweep_row(j: SweepJob) -> dict[str, Any]:
    """A sweeps row as the API shows it; one whose stored JSON is damaged is shown with
    status "damaged" and ``error`` naming the field (the row is left as it is)."""
    out = {"id": j.id, "scenario": j.scenario, "runs": j.runs, "seed": j.seed,
           "params": j.params, "compare": j.compare, "status": j.status, "done": j.done,
           "total": j.total, "error": j.error, "created": j.created}
    for name, v, want in (("params", j.params, dict), ("compare", j.compare, list | None),
                          ("result", j.result, dict | None)):
        if not isinstance(v, want) or isinstance(v, NotJSON):
            out.update(status="damaged", error=f"sweep {j.id}: damaged record: sweeps.{name} "
                       f"{'is not JSON' if isinstance(v, NotJSON) else 'has the wrong type'}")
            if name != "result":
                out[name] = None
            break
    return out
