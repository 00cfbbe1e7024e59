"""Fixtures of the web war room's tests: a database per test on SQLite and PostgreSQL,
a WarRoom over it and an HTTP client (starlette's TestClient, on httpx).

PostgreSQL: ``STAVKA_TEST_PG_URL`` names a server's admin database
(``postgresql://user@host:port/postgres``); each test gets a database of its own,
dropped after. Without the variable the PostgreSQL cases skip, unless
``STAVKA_TEST_REQUIRE_PG=1`` (set by ``.ci/run``), when they fail. Likewise the
browser tests need ``/usr/bin/chromium`` unless ``STAVKA_TEST_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import os
import queue
import re
import secrets
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest


def pytest_configure(config):
    # starlette announces a move of its TestClient to another httpx package; ours still works
    config.addinivalue_line("filterwarnings", "ignore:Using `httpx` with `starlette.testclient`")

PG_URL = os.environ.get("STAVKA_TEST_PG_URL", "")
REQUIRE_PG = os.environ.get("STAVKA_TEST_REQUIRE_PG") == "1"
#: where the browser tests and the benchmark leave screenshots and logs
ARTEFACTS = Path(os.environ.get("STAVKA_TEST_ARTEFACTS", "out/test-artefacts/web"))
FLAGSHIP = "two-fronts-1941"
DATA = Path(__file__).parents[1] / "data"
#: a small valid scenario, one file
MINI = (DATA / "mini.yaml").read_text()
#: the loader's bad-scenario example without its include (an upload is one file)
BAD = "".join(line for line in (DATA / "t_bad.yaml").read_text().splitlines(keepends=True)
              if "include" not in line and "t_bad_missing" not in line)


def need_pg() -> None:
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("STAVKA_TEST_REQUIRE_PG=1 but STAVKA_TEST_PG_URL is not set")
        pytest.skip("no PostgreSQL server: set STAVKA_TEST_PG_URL (.ci/run starts one)")


def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database on the test server (its URL), dropped afterwards."""
    import psycopg

    need_pg()
    name = "stavka_test_" + secrets.token_hex(5)
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    base = PG_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> Iterator[str]:
    """A new empty database, on each backend in turn."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'games.db'}"
    else:
        yield from pg_database()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'games.db'}"


def make_room(url: str):
    from stavka.web.db import make_engine
    from stavka.web.service import WarRoom

    return WarRoom(make_engine(url))


def make_client(room):
    from fastapi.testclient import TestClient

    from stavka.web.app import create_app

    return TestClient(create_app(room), raise_server_exceptions=False)


@pytest.fixture
def room(db_url):
    r = make_room(db_url)
    yield r
    r.engine.dispose()


@pytest.fixture
def client(room):
    with make_client(room) as c:
        yield c


STAVKA = str(Path(sys.executable).with_name("stavka"))


class Server:
    """``stavka serve --port 0`` in a child process; lines of its output in queues."""

    def __init__(self, db: str, tmp: Path, pause: float = 0, args: tuple[str, ...] = ()):
        env = dict(os.environ, COLUMNS="400", STAVKA_DATA_DIR=str(tmp),
                   STAVKA_WEB_TEST_PAUSE_IN_COMMIT=str(pause))
        self.proc = subprocess.Popen([STAVKA, "serve", "--port", "0", "--db", db, *args],
                                     env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.err: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        line = self.proc.stdout.readline()  # type: ignore[union-attr]
        m = re.search(r"listening on (http://[\d.]+:\d+)/", line)
        assert m, (line, self.proc.stderr.read() if self.proc.poll() is not None else "")  # type: ignore[union-attr]
        self.url = m.group(1)

    def _pump(self) -> None:
        for line in self.proc.stderr:  # type: ignore[union-attr]
            self.err.put(line)

    def wait_for(self, text: str, timeout: float = 120) -> str:
        while True:
            line = self.err.get(timeout=timeout)
            if text in line:
                return line

    def kill9(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)


@pytest.fixture(scope="session")
def outputs(tmp_path_factory):
    """A folder of outputs for ``--open``: a flagship run's report (10 days), two sweeps of
    the mini scenario, an empty folder, and a link to a secret folder beside it (outside)."""
    import json

    root = tmp_path_factory.mktemp("outputs")
    env = dict(os.environ, COLUMNS="200")
    subprocess.run([STAVKA, "run", FLAGSHIP, "--seed", "7", "--days", "10", "--report",
                    str(root / "run-7")], check=True, capture_output=True, env=env)
    subprocess.run([STAVKA, "sweep", str(DATA / "mini.yaml"), "--runs", "6", "--vary",
                    "transfer_divisions=0,2", "--out", str(root / "sweep-mini")],
                   check=True, capture_output=True, env=env)
    subprocess.run([STAVKA, "sweep", str(DATA / "mini.yaml"), "--runs", "4", "--out",
                    str(root / "sweep-one")], check=True, capture_output=True, env=env)
    (root / "empty").mkdir()
    secret = root.parent / (root.name + "-secret")
    secret.mkdir()
    (secret / "summary.json").write_text(json.dumps({"scenario": FLAGSHIP, "seed": 1,
                                                     "days": 0, "digest": "x"}))
    (root / "link-out").symlink_to(secret)
    return root
