"""The war room's HTTP face: the JSON API under ``/api/`` and the static pages.

Every refusal is a 4xx with a one-line JSON body ``{"error": "..."}`` (never a
traceback): 400 malformed JSON, 401 no token, 403 a token of no seat of this game or of
another seat (or an order for another side's formation), 404 unknown game or path,
409 wrong phase (turn already ended, game over or still being played), 413 a body over
:data:`MAX_BODY` bytes, 422 a request the schema or the engine refuses (the engine's
reason). The OpenAPI schema is at ``/openapi.json``.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any, Literal

import anyio.to_thread
from fastapi import Body, FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from stavka.engine.rng import MAX_SEED
from stavka.errors import ScenarioError, StavkaError, UnknownIdError, without_branches
from stavka.web import engine_view as ev
from stavka.web.folders import Folders
from stavka.web.service import Sweeps, WarRoom, WebError

#: threads that run the API's handlers (the engine's work among them): a few, not anyio's
#: 40. Python runs one thread at a time; 40 threads each holding a game's turn hand the
#: interpreter round and round (on this 2-core machine a game-day cost ~33 ms of CPU with
#: 40 threads and 15-21 ms with 2-4, 50 games at once). ``STAVKA_WEB_THREADS`` sets it.
WORKER_THREADS = int(os.environ.get("STAVKA_WEB_THREADS", "4") or 4)
#: largest request body accepted, bytes; uploads (a scenario file, a run's summary) may
#: be larger, up to :data:`MAX_UPLOAD_BODY` (the JSON-escaped file)
MAX_BODY = 64 * 1024
MAX_UPLOAD_BODY = 2 * ev.MAX_UPLOAD + 64 * 1024
UPLOAD_PATHS = ("/api/scenarios", "/api/reports")
STATIC = Path(__file__).with_name("static")
log = logging.getLogger("stavka.web")

Token = Annotated[str | None, Header(alias="X-Stavka-Token", max_length=200,
                                     description="the seat's secret token")]
GameId = Annotated[str, Query(max_length=40)]
#: the schema of an answer that is a JSON object; such answers are sent as built (no
#: second pass through pydantic: the engine view is plain JSON already)
Obj = dict[str, Any]


class NewGame(BaseModel):
    """A game to create: scenario, seed, parameters, who plays which side."""

    scenario: str = Field("two-fronts-1941", max_length=100, description="a shipped scenario id")
    seed: int = Field(0, ge=0, le=MAX_SEED, strict=True, description="master seed")
    params: dict[str, str | int | float | bool | None] = Field(
        default_factory=dict, max_length=50,
        description="scenario parameters (name: value; null is none, as in a sweep)")
    seats: dict[str, Literal["human", "ai"]] = Field(
        default_factory=dict, max_length=20,
        description="side id: human or ai (sides not named are the AI)")
    turn_days: int = Field(1, ge=1, le=60, description="days per turn")


class Compare(BaseModel):
    """Settings to compare side by side: one parameter and its values (same seeds)."""

    param: str = Field(..., max_length=100)
    values: list[str | int | float | bool | None] = Field(..., min_length=1, max_length=4)


class NewSweep(BaseModel):
    """A Monte Carlo sweep for Explore."""

    scenario: str = Field("two-fronts-1941", max_length=100)
    runs: int = Field(200, ge=1, le=1000, description="campaigns per setting")
    seed: int = Field(0, ge=0, le=MAX_SEED, strict=True)
    params: dict[str, str | int | float | bool | None] = Field(default_factory=dict,
                                                               max_length=50)
    compare: Compare | None = None


class ScenarioUpload(BaseModel):
    """A scenario file to upload: its name (for located errors) and its YAML text."""

    name: str = Field("upload.yaml", max_length=200, description="the file's name")
    text: str = Field(..., max_length=ev.MAX_UPLOAD,
                      description="the scenario's YAML (one file, no include:)")


class ReportUpload(BaseModel):
    """A run's summary (``summary.json`` of ``stavka run --report DIR``) to watch."""

    summary: dict[str, Any] = Field(..., description="the summary.json object")


class FolderPath(BaseModel):
    """A folder on the server, inside the roots of ``stavka serve --open``."""

    path: str = Field(..., max_length=1000)


class Orders(BaseModel):
    """Orders to stage for this turn, each 'FORMATION ACTION [TARGET]'."""

    orders: list[Annotated[str, Field(max_length=200)]] = Field(..., max_length=500)


def _error(status: int, message: str) -> JSONResponse:
    line = " ".join(str(message).split())[:500]
    return JSONResponse({"error": line}, status_code=status)


class BodyLimit:
    """ASGI middleware: refuse a body over ``limit`` bytes with 413 (declared or sent)."""

    def __init__(self, app: Any, limit: int = MAX_BODY, uploads: int = MAX_UPLOAD_BODY):
        self.app, self.default, self.uploads = app, limit, uploads

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.uploads if scope.get("path") in UPLOAD_PATHS else self.default
        for k, v in scope.get("headers", []):
            if k == b"content-length":
                try:
                    n = int(v)
                except ValueError:
                    n = -1
                if n < 0 or n > limit:
                    await _error(413 if n > limit else 400,
                                 f"request body over {limit} bytes" if n > limit
                                 else "bad Content-Length")(scope, receive, send)
                    return
        seen = 0
        started = False

        async def counted() -> Any:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > limit:
                    raise _TooBig()
            return msg

        async def tracked(msg: Any) -> None:
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.app(scope, counted, tracked)
        except _TooBig:
            if not started:
                await _error(413, f"request body over {limit} bytes")(scope, receive, send)


class _TooBig(Exception):
    pass


def create_app(room: WarRoom, folders: Folders | None = None) -> FastAPI:
    """The FastAPI application over ``room`` (a :class:`WarRoom` on its database);
    ``folders``: the server folders it may open (none by default)."""
    folders = folders or Folders()

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # the handlers are plain functions: run in worker threads, never on the event loop
        if WORKER_THREADS > 0:
            anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
        yield

    # /docs is served from the vendored Swagger UI (static/vendor, `make web-assets`):
    # FastAPI's default page loads it from a CDN, blank on a machine without the network
    app = FastAPI(title="stavka war room", version="1", lifespan=lifespan, docs_url=None,
                  redoc_url=None,
                  description="Play, watch and replay stavka campaigns. Errors are "
                              "{\"error\": \"one line\"} with a 4xx status.")
    app.state.room = room

    @app.get("/docs", include_in_schema=False)
    def _docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="stavka war room - API",
                                   swagger_js_url="/vendor/swagger-ui-bundle.js",
                                   swagger_css_url="/vendor/swagger-ui.css",
                                   swagger_favicon_url="/vendor/swagger-favicon-32x32.png")

    @app.exception_handler(WebError)
    async def _web(_r: Request, exc: WebError) -> JSONResponse:
        return _error(exc.status, str(exc))

    @app.exception_handler(ScenarioError)
    async def _scenario(_r: Request, exc: ScenarioError) -> JSONResponse:
        probs = [" ".join(str(p).split())[:500] for p in exc.problems]
        n = len(probs)
        first = probs[0] if probs else "no problem given"
        return JSONResponse({"error": f"{n} problem{'s' if n != 1 else ''} in the scenario: "
                                      f"{first}" + (f" (and {n - 1} more)" if n > 1 else ""),
                             "problems": probs[:500]}, status_code=422)

    @app.exception_handler(StavkaError)
    async def _stavka(_r: Request, exc: StavkaError) -> JSONResponse:
        return _error(404 if isinstance(exc, UnknownIdError) and "game" in str(exc) else 422,
                      str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_r: Request, exc: RequestValidationError) -> JSONResponse:
        errs = exc.errors()
        for e in errs:
            if e.get("type") == "json_invalid":
                return _error(400, f"malformed JSON: {e.get('ctx', {}).get('error', '')}")
        # a value that fits none of a union's branches is one problem, not one per branch
        # ("params.x.str: ... (and 3 more)"): locations without the branch names
        def place(e: Any) -> str:
            return ".".join(str(x) for x in without_branches(tuple(e.get("loc", ()))))

        e = errs[0] if errs else {}
        where = place(e)
        same = [x for x in errs if place(x) == where]
        if len(same) > 1:  # every branch refused it
            msg = ("must be text, a number, true/false or null (got "
                   + repr(e.get("input"))[:40] + ")")
        else:
            msg = e.get("msg", "invalid")
        rest = len({place(x) for x in errs}) - 1
        return _error(422, f"{where}: {msg}" + (f" (and {rest} more)" if rest > 0 else ""))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_r: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def _crash(_r: Request, exc: Exception) -> JSONResponse:
        log.exception("internal error")
        return _error(500, f"internal error ({type(exc).__name__}); the game is unchanged")

    @app.get("/api/scenarios", summary="Scenarios: the shipped ones, then uploaded ones")
    def scenarios() -> list[dict[str, Any]]:
        return room.scenarios()

    @app.post("/api/scenarios", status_code=201, summary="Upload a scenario (one YAML file)",
              description="Checked by the scenario loader. A file with problems is a 422: "
                          "`error` is one line, `problems` every problem located as "
                          "`NAME:LINE: field: message`. At most 1 MiB; `include:` is "
                          "refused (the file is all there is).", response_model=Obj)
    def upload_scenario(body: ScenarioUpload) -> JSONResponse:
        return JSONResponse(room.upload(body.name, body.text), status_code=201)

    @app.post("/api/reports", status_code=201, summary="Watch an uploaded run",
              description="The summary.json of `stavka run --report DIR`: replayed to its "
                          "digest and opened as a finished game.", response_model=Obj)
    def upload_report(body: ReportUpload) -> JSONResponse:
        return JSONResponse({"id": room.open_summary(body.summary)}, status_code=201)

    @app.get("/api/folders", summary="Run reports and sweeps in the server's folders",
             description="The roots given to `stavka serve --open DIR` and the report and "
                         "sweep folders in them (the root and the folders directly inside).",
             response_model=Obj)
    def list_folders() -> JSONResponse:
        return JSONResponse(folders.listing())

    @app.get("/api/folders/sweep", summary="A `stavka sweep --out` folder, for Explore",
             description="403 for a path outside the server's folders.", response_model=Obj)
    def folder_sweep(path: Annotated[str, Query(max_length=1000)]) -> JSONResponse:
        return JSONResponse(folders.sweep(path))

    @app.post("/api/folders/open", status_code=201, summary="Watch a `stavka run --report` folder",
              description="403 for a path outside the server's folders.", response_model=Obj)
    def folder_open(body: FolderPath) -> JSONResponse:
        summ = folders.report(body.path)
        return JSONResponse({"id": room.open_summary(summ, Path(body.path).name[:60])},
                            status_code=201)

    @app.get("/api/scenarios/{scenario}/map", summary="A scenario's map: regions and links")
    def scenario_map(scenario: str) -> dict[str, Any]:
        return ev.geometry(scenario)

    @app.get("/api/games", summary="Games, newest first")
    def games(limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[dict[str, Any]]:
        return room.games(limit)

    @app.post("/api/games", status_code=201, summary="Create a game",
              description="Returns the game id and a secret token per human seat "
                          "(shown only once). A game with no human seat is played to "
                          "its end at once.")
    def create(game: NewGame) -> dict[str, Any]:
        return room.create(game.scenario, game.seed, dict(game.params), dict(game.seats),
                           game.turn_days)

    @app.get("/api/games/{game_id}", summary="A game's public state", response_model=Obj)
    def game(game_id: str) -> JSONResponse:
        return JSONResponse(room.get(game_id))

    @app.get("/api/games/{game_id}/view", summary="What the token's seat sees (fog of war)",
             response_model=Obj)
    def view(game_id: str, x_stavka_token: Token = None,
             side: Annotated[str | None, Query(max_length=100)] = None) -> JSONResponse:
        return JSONResponse(room.view(game_id, room.seat_of(game_id, x_stavka_token, side)))

    @app.post("/api/games/{game_id}/orders", summary="Stage orders for this turn",
              description="Each order is checked by the engine; a refused one is a 422 "
                          "(403 for another side's formation) with the engine's reason, "
                          "and nothing is staged.")
    def orders(game_id: str, body: Orders, x_stavka_token: Token = None) -> dict[str, Any]:
        side = room.seat_of(game_id, x_stavka_token)
        return {"orders": room.stage(game_id, side, body.orders)}

    @app.get("/api/games/{game_id}/rail-route", summary="Preview a rail order",
             description="The route (regions), its length in km, the trains the formation "
                         "needs and the date the engine would bring it there; nothing is "
                         "staged. A refused order is a 422 with the engine's reason.")
    def rail_route(game_id: str, formation: Annotated[str, Query(max_length=100)],
                   target: Annotated[str, Query(max_length=100)],
                   x_stavka_token: Token = None) -> dict[str, Any]:
        side = room.seat_of(game_id, x_stavka_token)
        return room.rail_preview(game_id, side, formation, target)

    @app.delete("/api/games/{game_id}/orders", summary="Withdraw this turn's staged orders")
    def clear(game_id: str, x_stavka_token: Token = None) -> dict[str, Any]:
        room.clear(game_id, room.seat_of(game_id, x_stavka_token))
        return {"orders": []}

    @app.post("/api/games/{game_id}/end-turn", summary="End this seat's turn",
              description="When every human seat has ended the turn, the game advances "
                          "(one transaction: orders, daily digests, state). With a body "
                          "{\"day\": D}, only the turn that starts on day D is ended: a "
                          "request repeated after the game moved on is refused (409) "
                          "instead of ending the next turn too.",
              response_model=Obj)
    def end_turn(game_id: str, x_stavka_token: Token = None,
                 body: Annotated[dict[str, Any] | None, Body()] = None) -> JSONResponse:
        day = (body or {}).get("day")
        if day is not None and (isinstance(day, bool) or not isinstance(day, int) or day < 0):
            raise WebError(422, f"day: must be the turn's first day, a whole number >= 0 "
                                f"(got {str(day)[:40]!r})")
        return JSONResponse(room.end_turn(game_id, room.seat_of(game_id, x_stavka_token),
                                          day=day))

    @app.get("/api/games/{game_id}/replay", summary="A finished game, day by day (Watch)",
             response_model=Obj)
    def replay(game_id: str) -> JSONResponse:
        return JSONResponse(room.replay(game_id))

    @app.get("/api/games/{game_id}/record", summary="A finished game's record")
    def record(game_id: str) -> dict[str, Any]:
        return room.record(game_id)

    sweeps = Sweeps(room)
    app.state.sweeps = sweeps

    @app.get("/api/sweeps", summary="The newest sweeps started here (without results)")
    def list_sweeps(limit: Annotated[int, Query(ge=1, le=100)] = 20) -> list[dict[str, Any]]:
        return sweeps.list(limit)

    @app.post("/api/sweeps", status_code=202, summary="Start a sweep (Explore)",
              description="Runs `runs` campaigns per setting in the background (one sweep "
                          "at a time); poll GET /api/sweeps/{id}.")
    def new_sweep(body: NewSweep) -> dict[str, Any]:
        compare = (body.compare.param, list(body.compare.values)) if body.compare else None
        return {"id": sweeps.start(body.scenario, body.runs, body.seed, dict(body.params),
                                   compare)}

    @app.get("/api/sweeps/{sweep_id}", summary="A sweep's progress and, when done, results")
    def get_sweep(sweep_id: str) -> dict[str, Any]:
        return sweeps.get(sweep_id)

    if STATIC.is_dir():
        app.mount("/", StaticFiles(directory=STATIC, html=True), name="static")
    app.add_middleware(BodyLimit)  # type: ignore[arg-type]
    return app

