"""``stavka serve``: the web war room on uvicorn."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from stavka.consoles import err, out
from stavka.errors import InputError


def serve_cmd(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on (0: any free port)")] = 8000,
    open_: Annotated[list[str] | None, typer.Option(
        "--open", help="a folder the war room may read: a `stavka run --report DIR` folder "
                       "(opened at once as a game to watch, replayed and checked against "
                       "its summary's digest), a `stavka sweep --out DIR` folder, or a "
                       "folder holding such folders (the pages list them; nothing outside "
                       "these folders is opened); may be repeated")] = None,
    db: Annotated[str | None, typer.Option(
        help="database URL: sqlite:///FILE or postgresql://USER:PASS@HOST:PORT/DB "
             "(default: games.db in the data directory, $STAVKA_DATA_DIR or "
             "~/.local/share/stavka)")] = None,
) -> None:
    """Serve the war room: a map to watch campaigns and play a side, with saved games.

    Games are kept in SQLite by default (games.db in $STAVKA_DATA_DIR, else
    ~/.local/share/stavka), or in PostgreSQL with --db postgresql://...; open
    http://HOST:PORT/ in a browser. Stop with Ctrl-C (a turn being written is written
    whole or not at all).
    """
    t0 = time.monotonic()
    if not 0 <= port <= 65535:
        raise InputError(f"--port must be 0..65535 (got {port})")
    import socket
    import threading

    import uvicorn

    from stavka.web import engine_view
    from stavka.web.app import create_app
    from stavka.web.db import default_url, make_engine
    from stavka.web.folders import Folders, describe
    from stavka.web.service import WarRoom

    url = db or default_url()
    engine = make_engine(url)
    room = WarRoom(engine)
    roots = []
    opened = []
    for folder in open_ or []:
        p = Path(folder)
        entry = describe(p) if p.is_dir() else None
        if (entry is not None and entry["kind"] == "report") or not p.is_dir():
            opened.append((folder, room.open_report(folder)))  # one line if it is none
        roots.append(p)
    app = create_app(room, Folders(roots))
    try:
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # answers go out at once (connections accepted inherit it): without this a small
        # answer on a kept-alive connection waits ~40 ms for the client's delayed ACK
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(2048)  # connections wait in the backlog until uvicorn accepts them
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port} ({exc.strerror or exc})") from None
    bound = sock.getsockname()[1]
    # the flagship loads in the background so the first game does not wait for it
    threading.Thread(target=engine_view.load_scenario, args=("two-fronts-1941",),
                     daemon=True).start()
    shown = engine.url.render_as_string(hide_password=True)
    out.print(f"stavka war room listening on http://{host}:{bound}/ (games in {shown}; "
              f"ready in {time.monotonic() - t0:.1f} s)", highlight=False)
    for folder, gid in opened:
        out.print(f"{folder}: watch it at http://{host}:{bound}/watch.html?game={gid}",
                  highlight=False)
    err.print("Ctrl-C to stop", highlight=False)
    # keep-alive longer than a busy turn takes, so a client reusing a connection does not
    # race the server closing it
    config = uvicorn.Config(app, log_level="warning", access_log=False, timeout_keep_alive=75)
    uvicorn.Server(config).run(sockets=[sock])
