"""Games: create, list, view through a seat's fog, stage orders, end turns, advance, resume.

No game rule lives here: orders are checked by the engine (through
:mod:`stavka.web.engine_view`), AI sides are left to the engine's script and doctrine
(no player orders for them), and what a seat sees is the engine's visibility mask.

Live campaigns are kept in memory per game; after a restart (or eviction) a game is
rebuilt by replaying its recorded orders, and every day's digest must equal the
recorded one. A turn is one transaction: the turn row (orders, digests, events,
pictures), the game's day and digest, and the seats' reset, or nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from stavka.errors import InputError, StavkaError
from stavka.web import engine_view as ev
from stavka.web.models import Game, Seat, Turn

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


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class Live:
    """A game's campaign in memory, at the game's recorded day."""

    campaign: Any
    humans: list[str]
    lock: threading.Lock = field(default_factory=threading.Lock)


class WarRoom:
    """The games of one database. Thread-safe: one lock per game for its changes."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self._live: OrderedDict[str, Live] = OrderedDict()
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        #: test hook: seconds to wait inside a turn's transaction before its commit
        self.pause_in_commit = float(os.environ.get("STAVKA_WEB_TEST_PAUSE_IN_COMMIT", "0") or 0)

    # ---- games ------------------------------------------------------------------------
    def create(self, scenario: str, seed: int, params: dict[str, Any] | None,
               seats: dict[str, str], turn_days: int,
               script: dict[int, list[str]] | None = None,
               days: int | None = None) -> dict[str, Any]:
        """Create a game; return its id and each human seat's token (shown only here).

        ``seats``: side -> "human" or "ai" (sides not named are AI). A game without a
        human seat is played to its end at once (a campaign to watch): to the campaign's
        end, or for ``days`` days, with ``script`` (day -> orders, given as a referee)."""
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
        with self.sessions.begin() as s:
            s.add(game)
            s.flush()
            for side in info["sides"]:
                s.add(Seat(game_id=gid, side=side, kind="human" if side in humans else "ai",
                           token_sha256=_sha(tokens[side]) if side in humans else None,
                           ended=False, orders=[]))
            s.add(Turn(game_id=gid, n=0, day0=0, days=0, orders=[], digests=[ev.digest(c)],
                       frames=[ev.frame(c)], events=[]))
        live = Live(c, humans)
        self._remember(gid, live)
        if not humans:  # nobody to wait for: one turn to the end
            with live.lock:
                self._advance(gid, live, days=days or ev.total_days(c), script=script or {},
                              finish=True)
        return {"id": gid, "tokens": tokens}

    def games(self, limit: int = 100) -> list[dict[str, Any]]:
        """The newest ``limit`` games, with status, day and who is awaited."""
        with self.sessions() as s:
            games = s.scalars(select(Game).order_by(Game.created.desc()).limit(limit)).all()
            seats = s.scalars(select(Seat).where(Seat.game_id.in_([g.id for g in games]))).all()
        by: dict[str, list[Seat]] = {}
        for seat in seats:
            by.setdefault(seat.game_id, []).append(seat)
        return [self._public(g, by.get(g.id, [])) for g in games]

    def get(self, gid: str) -> dict[str, Any]:
        with self.sessions() as s:
            g = self._game(s, gid)
            return self._public(g, self._seats(s, gid))

    def _public(self, g: Game, seats: list[Seat]) -> dict[str, Any]:
        info = ev.scenario_info(g.scenario)
        return {
            "id": g.id, "scenario": g.scenario, "name": info["name"], "seed": g.seed,
            "params": g.params, "turn_days": g.turn_days, "status": g.status, "day": g.day,
            "days": info["days"],
            "date": _date(info["start"], g.day), "digest": g.digest,
            "seats": {x.side: x.kind for x in sorted(seats, key=lambda x: x.id)},
            "waiting_for": sorted(x.side for x in seats if x.kind == "human" and not x.ended)
            if g.status == "active" else [],
            "created": g.created,
        }

    # ---- a seat's view ----------------------------------------------------------------
    def seat_of(self, gid: str, token: str | None, side: str | None = None) -> str:
        """The side whose seat ``token`` opens in game ``gid``.

        401 without a token, 403 for a token of no seat of this game, or of another seat
        than ``side``; 404 for an unknown game."""
        with self.sessions() as s:
            self._game(s, gid)
            seats = self._seats(s, gid)
        if not token:
            raise WebError(401, "this needs a seat's token (header X-Stavka-Token)")
        sha = _sha(token)
        for seat in seats:
            if seat.token_sha256 and hmac.compare_digest(seat.token_sha256, sha):
                if side is not None and side != seat.side:
                    raise WebError(403, f"this token is {seat.side}'s seat, not {side[:40]}'s")
                return seat.side
        raise WebError(403, "this token opens no seat of this game")

    def view(self, gid: str, side: str) -> dict[str, Any]:
        """What ``side`` sees now: the map's owners, the formations the visibility mask
        shows it, its recent chronicle (fogged), its staged orders and the turn's state."""
        live = self.live(gid)
        with live.lock:
            c = live.campaign
            mask = ev.visible(c)[ev.sides(c).index(side)]
            hidden = _hidden_ids(c, mask)
            with self.sessions() as s:
                g = self._game(s, gid)
                seats = self._seats(s, gid)
                since = max(0, g.day - VIEW_EVENT_DAYS)
                recent = s.scalars(select(Turn.events)  # not the pictures: only events
                                   .where(Turn.game_id == gid, Turn.day0 >= since)
                                   .order_by(Turn.n)).all()
            events = [e2 for evs in recent for e in evs
                      if (e2 := fog_event(e, hidden)) is not None]
            me = next(x for x in seats if x.side == side)
            return {
                "game": self._public(g, seats), "side": side, "day": ev.day(c),
                "date": ev.date(c), "done": ev.done(c), "ended": me.ended,
                "orders": list(me.orders), "actions": ev.order_actions(),
                "owner": ev.owners(c), "formations": ev.formation_rows(c, mask, side),
                "events": events, "standing": ev.standing(c),
            }

    # ---- orders and turns -------------------------------------------------------------
    def stage(self, gid: str, side: str, orders: list[str]) -> list[str]:
        """Check ``orders`` with the engine and stage them for the turn (an order replaces
        a staged one for the same formation). All or none: the first refused order
        raises (422 with the engine's reason, 403 for another side's formation)."""
        live = self.live(gid)
        with live.lock:
            seat, _g = self._active_seat(gid, side)
            checked = []
            for o in orders:
                try:
                    checked.append(ev.check_order(live.campaign, o, side))
                except ev.OrderRefused as exc:
                    raise WebError(403 if exc.forbidden else 422, str(exc)) from None
            staged = {o.split()[0]: o for o in seat.orders}
            for o in checked:
                staged[o.split()[0]] = o
            with self.sessions.begin() as s:
                row = s.get(Seat, seat.id)
                assert row is not None
                row.orders = list(staged.values())
            return list(staged.values())

    def rail_preview(self, gid: str, side: str, formation: str, target: str) -> dict[str, Any]:
        """The route, km and the engine's arrival date of a rail order (nothing staged):
        :func:`engine_view.rail_preview`. 422 with the engine's reason if refused."""
        live = self.live(gid)
        with live.lock:
            self._active_seat(gid, side)
            try:
                return ev.rail_preview(live.campaign, formation, target, side)
            except ev.OrderRefused as exc:
                raise WebError(403 if exc.forbidden else 422, str(exc)) from None

    def clear(self, gid: str, side: str) -> None:
        live = self.live(gid)
        with live.lock:
            seat, _g = self._active_seat(gid, side)
            with self.sessions.begin() as s:
                row = s.get(Seat, seat.id)
                assert row is not None
                row.orders = []

    def end_turn(self, gid: str, side: str) -> dict[str, Any]:
        """End ``side``'s turn; when every human seat has, advance the game one turn
        (``turn_days`` days or to the end). Returns ``advanced`` and the game's state."""
        live = self.live(gid)
        with live.lock:
            seat, g = self._active_seat(gid, side)
            with self.sessions() as s:
                others = [x for x in self._seats(s, gid)
                          if x.kind == "human" and x.side != side and not x.ended]
            if others:
                with self.sessions.begin() as s:
                    row = s.get(Seat, seat.id)
                    assert row is not None
                    row.ended = True
                return {"advanced": False, "waiting_for": sorted(x.side for x in others),
                        "day": g.day}
            # the last seat: its "ended" is written with the turn, or not at all
            self._advance(gid, live)
            return {"advanced": True, "waiting_for": [], "day": ev.day(live.campaign)}

    def _advance(self, gid: str, live: Live, days: int | None = None,
                 script: dict[int, list[str]] | None = None, finish: bool = False) -> None:
        """Play one turn (``days``, default the game's ``turn_days``, or to the end) and
        commit it (caller holds ``live.lock``). ``script``: day -> orders given by a
        referee (a report opened to watch) instead of the seats' orders; ``finish``: the
        game is finished after this turn even if the campaign is not. On any failure the
        live campaign is dropped (rebuilt from the record next time) and nothing is
        written."""
        try:
            with self.sessions.begin() as s:
                g = self._game(s, gid)
                seats = self._seats(s, gid)
                c = live.campaign
                if ev.day(c) != g.day:
                    raise WebError(409, f"game {gid}: memory at day {ev.day(c)}, record at "
                                   f"{g.day}; try again")
                orders = [[x.side, o] for x in seats if x.kind == "human" for o in x.orders]
                day_orders: list[list[list[str]]] = []
                digests: list[str] = []
                frames: list[dict[str, Any]] = []
                events: list[dict[str, Any]] = []
                for i in range(days or g.turn_days):
                    if ev.done(c):
                        break
                    if script is not None:
                        todays = [["referee", o] for o in script.get(ev.day(c), [])]
                    else:
                        todays = orders if i == 0 else []
                    evs = ev.step(c, [o for _, o in todays], live.humans)
                    day_orders.append(todays)
                    digests.append(ev.digest(c))
                    frames.append(ev.frame(c))
                    events.extend(ev.event_dict(e) for e in evs)
                n = s.scalar(select(Turn.n).where(Turn.game_id == gid)
                             .order_by(Turn.n.desc()).limit(1))
                s.add(Turn(game_id=gid, n=(n or 0) + 1, day0=g.day, days=len(day_orders),
                           orders=day_orders, digests=digests, frames=frames, events=events))
                g.day = ev.day(c)
                g.digest = ev.digest(c)
                g.status = "finished" if finish or ev.done(c) else "active"
                g.updated = time.time()
                for x in seats:
                    x.ended = False
                    x.orders = []
                s.flush()
                if self.pause_in_commit:  # tests: a kill -9 lands here
                    print(f"stavka.web: test hook: pausing {self.pause_in_commit} s inside "
                          f"the transaction of game {gid}'s turn to day {g.day}",
                          file=sys.stderr, flush=True)
                    time.sleep(self.pause_in_commit)
        except BaseException:
            self._forget(gid)
            raise

    # ---- watch ------------------------------------------------------------------------
    def open_report(self, folder: str | Path) -> str:
        """Open a ``stavka run --report DIR`` folder as a finished game to watch; return its id.

        Its ``summary.json`` gives the scenario (a shipped one), seed, parameters, days and
        orders; the campaign is replayed and must reach the summary's digest. Raises
        :class:`InputError` (one line) for a folder without a readable summary, another
        scenario, or a replay that parts from it."""
        p = Path(folder)
        try:
            summ = json.loads((p / "summary.json").read_text())
            scenario, seed, days = summ["scenario"], int(summ["seed"]), int(summ["days"])
            params = summ.get("parameters") or {}
            script: dict[int, list[str]] = {}
            for item in summ.get("orders") or []:
                d, o = str(item).split(":", 1)
                script.setdefault(int(d), []).append(o.strip())
            digest = str(summ["digest"])
        except OSError as exc:
            raise InputError(f"--open {folder}: no readable summary.json "
                             f"({exc.strerror or exc})") from None
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise InputError(f"--open {folder}: summary.json is not a stavka run summary "
                             f"({type(exc).__name__}: {str(exc)[:80]})") from None
        c = ev.new_campaign(scenario, seed, params, [])
        for _ in range(days):
            ev.step(c, script.get(ev.day(c), []), [])
        if ev.digest(c) != digest:
            raise InputError(f"--open {folder}: the replay reaches digest {ev.digest(c)}, "
                             f"the summary says {digest} (another stavka version?)")
        return str(self.create(scenario, seed, params, {}, 1, script=script, days=days)["id"])


    def replay(self, gid: str) -> dict[str, Any]:
        """A finished game, whole: formation catalogue, every day's picture, every event
        and digest. 409 while the game is being played (its seats' fog would leak)."""
        with self.sessions() as s:
            g = self._game(s, gid)
            if g.status != "finished":
                raise WebError(409, f"game {gid} is being played (day {g.day}); "
                               "only a finished game can be watched")
            turns = s.scalars(select(Turn).where(Turn.game_id == gid).order_by(Turn.n)).all()
            public = self._public(g, self._seats(s, gid))
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
        """The game's record: scenario, seed, parameters, orders per day, digests."""
        with self.sessions() as s:
            g = self._game(s, gid)
            if g.status != "finished":
                raise WebError(409, f"game {gid} is being played; its record is sealed")
            turns = s.scalars(select(Turn).where(Turn.game_id == gid).order_by(Turn.n)).all()
            return {"scenario": g.scenario, "scenario_hash": g.scenario_hash, "seed": g.seed,
                    "params": g.params, "orders": [o for t in turns for o in t.orders],
                    "digests": [d for t in turns for d in t.digests]}

    # ---- memory -----------------------------------------------------------------------
    def live(self, gid: str) -> Live:
        """The game's live campaign, rebuilt from its record if not in memory (every
        day's digest checked; 409 if the replay parts from the record)."""
        with self._guard:
            lock = self._locks.setdefault(gid, threading.Lock())
        with lock:
            with self._guard:
                if gid in self._live:
                    self._live.move_to_end(gid)
                    return self._live[gid]
            live = self._rebuild(gid)
            self._remember(gid, live)
            return live

    def _rebuild(self, gid: str) -> Live:
        with self.sessions() as s:
            g = self._game(s, gid)
            humans = [x.side for x in self._seats(s, gid) if x.kind == "human"]
            turns = s.scalars(select(Turn).where(Turn.game_id == gid).order_by(Turn.n)).all()
        c = ev.new_campaign(g.scenario, g.seed, g.params, humans)
        for t in turns:
            if t.n == 0:
                _same(gid, 0, t.digests[0], ev.digest(c))
                continue
            for i, todays in enumerate(t.orders):
                ev.step(c, [o for _, o in todays], humans)
                _same(gid, t.day0 + i + 1, t.digests[i], ev.digest(c))
        if ev.day(c) != g.day:
            raise WebError(409, f"game {gid}: record ends on day {ev.day(c)}, game says {g.day}")
        return Live(c, humans)

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

    def _active_seat(self, gid: str, side: str) -> tuple[Seat, Game]:
        with self.sessions() as s:
            g = self._game(s, gid)
            seat = next(x for x in self._seats(s, gid) if x.side == side)
        if g.status != "active":
            raise WebError(409, f"game {gid} is over ({g.day} days played)")
        if seat.ended:
            raise WebError(409, f"{side} has ended this turn; waiting for the other seats")
        return seat, g


def _same(gid: str, day: int, recorded: str, got: str) -> None:
    if recorded != got:
        raise WebError(409, f"game {gid}: replay parts from the record on day {day} "
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
    """Explore's background sweeps, one at a time, in memory (a restart forgets them).

    At most :attr:`QUEUE` jobs wait; more is a 409. A job's ``done``/``total`` count
    campaigns."""

    QUEUE = 4

    def __init__(self) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stavka-sweep")
        self.jobs: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.guard = threading.Lock()

    def start(self, scenario: str, runs: int, seed: int, params: dict[str, Any],
              compare: tuple[str, list[Any]] | None) -> str:
        """Queue a sweep; return its id. Parameters are checked first (422 if wrong)."""
        info = ev.scenario_info(scenario)
        for name in [*params, *([compare[0]] if compare else [])]:
            if name not in info["parameters"]:
                raise WebError(422, f"unknown parameter {name!r:.60}; scenario {scenario} has: "
                                    f"{', '.join(info['parameters'])}")
        for v in compare[1] if compare else [None]:  # every setting, checked by the engine
            ev.new_campaign(scenario, 0, {**params, **({compare[0]: v} if compare else {})},
                            [])  # InputError (422) for a value out of type or range
        with self.guard:
            waiting = sum(1 for j in self.jobs.values() if j["status"] in ("queued", "running"))
            if waiting >= self.QUEUE:
                raise WebError(409, f"{waiting} sweeps are running or queued; try later")
            jid = secrets.token_hex(6)
            job: dict[str, Any] = {"id": jid, "status": "queued", "done": 0,
                                   "total": runs * (len(compare[1]) if compare else 1),
                                   "result": None, "error": None}
            self.jobs[jid] = job
            while len(self.jobs) > 50:
                self.jobs.popitem(last=False)

        def work() -> None:
            job["status"] = "running"
            try:
                job["result"] = ev.run_sweep(
                    scenario, runs, seed, params, compare,
                    progress=lambda done, total: job.update(done=done, total=total))
                job["status"] = "done"
            except StavkaError as exc:
                job.update(status="failed", error=" ".join(str(exc).split())[:300])
            except Exception as exc:  # reported on the job, never lost in a thread
                job.update(status="failed", error=f"internal error ({type(exc).__name__})")

        self.pool.submit(work)
        return jid

    def get(self, jid: str) -> dict[str, Any]:
        job = self.jobs.get(jid) if isinstance(jid, str) else None
        if job is None:
            raise WebError(404, f"unknown sweep {str(jid)[:40]!r}")
        return dict(job)

