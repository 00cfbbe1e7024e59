"""Where games are stored: the database URL, the engine, and the Alembic upgrade.

Default: SQLite, one file ``games.db`` in the data directory: ``$STAVKA_DATA_DIR`` if
set, else ``$XDG_DATA_HOME/stavka`` (``~/.local/share/stavka``). ``--db URL`` picks
another: ``sqlite:///path.db`` or ``postgresql://user:pass@host:port/db`` (driven by
psycopg 3). The schema is brought to the newest Alembic revision at start.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

from stavka.errors import InputError

MIGRATIONS = Path(__file__).with_name("migrations")


class NotJSON(str):
    """The stored text of a JSON column that is not JSON (a damaged row), as read.

    The engines decode JSON columns with :func:`load_json`, so one damaged row is not an
    error of the whole query (the games list) but a value its reader refuses by name."""


def load_json(text: str) -> Any:
    """``json.loads``, or :class:`NotJSON` for text that is not JSON (never raises)."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return NotJSON(text)


def data_dir() -> Path:
    """The directory of the default SQLite database (see the module docstring)."""
    if os.environ.get("STAVKA_DATA_DIR"):
        return Path(os.environ["STAVKA_DATA_DIR"])
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "stavka"


def default_url() -> str:
    return f"sqlite:///{data_dir() / 'games.db'}"


def normalise_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` -> psycopg 3; ``sqlite:///`` as is.

    Raises :class:`InputError` for any other scheme."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith(("postgresql+psycopg://", "sqlite://")):
        return url
    raise InputError(f"--db must be sqlite:///FILE or postgresql://... (got {url[:60]!r})")


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default: :func:`default_url`, its folder created), with the
    schema upgraded to the newest revision. Raises :class:`InputError` if the database
    cannot be reached or created, with the driver's one-line reason."""
    from sqlalchemy.exc import DBAPIError

    url = normalise_url(url or default_url())
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        path = Path(url[len("sqlite:///"):])
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"--db {path}: cannot create its folder ({exc.strerror})") from None
        _check_sqlite_file(path, f"database {url}")
    if url.startswith("sqlite"):
        eng = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                            json_deserializer=load_json)

        @event.listens_for(eng, "connect")
        def _pragmas(conn, _rec):  # type: ignore[no-untyped-def]
            cur = conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")  # readers do not wait for a turn's commit
            cur.execute("PRAGMA synchronous=FULL")  # a committed turn survives a power cut
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()
    else:
        eng = create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True,
                            json_deserializer=load_json)
    where = f"database {eng.url.render_as_string(hide_password=True)}"
    try:
        upgrade(eng, where)
    except DBAPIError as exc:  # unreachable, not a database, locked, no permission...
        eng.dispose()
        first = (str(exc.orig if exc.orig is not None else exc).strip().splitlines()
                 or [type(exc).__name__])[0]
        raise InputError(f"{where}: {first[:200]}") from None
    except InputError:
        eng.dispose()
        raise
    return eng


def _foreign(where: str, tables: list[str]) -> InputError:
    shown = ", ".join(tables[:5]) + (f" and {len(tables) - 5} more" if len(tables) > 5 else "")
    return InputError(f"{where}: not a stavka games database (it has tables, {shown}, but "
                      "no alembic_version); give an empty or a stavka --db")


def _check_sqlite_file(path: Path, where: str) -> None:
    """Refuse an existing file that is not an SQLite database, or is another application's
    (tables but no ``alembic_version``), read-only, before the engine opens it (whose
    first connection turns the file to WAL mode). Other trouble is the engine's to say."""
    import contextlib
    import sqlite3

    try:
        if not path.is_file() or path.stat().st_size == 0:
            return
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    except (OSError, sqlite3.OperationalError):
        return
    try:
        with contextlib.closing(conn):
            tables = sorted(r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite~_%' ESCAPE '~'"))
    except sqlite3.OperationalError:  # locked, unreadable: the engine says it below
        return
    except sqlite3.DatabaseError as exc:  # "file is not a database", "malformed"
        raise InputError(f"{where}: {str(exc).splitlines()[0][:200]}") from None
    if tables and "alembic_version" not in tables:
        raise _foreign(where, tables)


#: the newest migration's revision (a test checks it is Alembic's head): a database
#: already there starts without importing Alembic
HEAD = "0003"


def current_revision(eng: Engine) -> str | None:
    """The database's Alembic revision, or None (no schema yet)."""
    from sqlalchemy import inspect, text

    with eng.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(eng: Engine, where: str = "database") -> None:
    """Bring the schema to the newest Alembic revision (creates it on an empty database).

    Raises :class:`InputError` (one line starting with ``where``) for a database that is
    not one of stavka's games: tables but no ``alembic_version`` (another application's),
    or a revision this stavka does not know (a newer stavka's, or a downgrade's)."""
    from sqlalchemy import inspect

    rev = current_revision(eng)
    if rev == HEAD:
        return
    if rev is None:
        with eng.connect() as conn:
            tables = sorted(inspect(conn).get_table_names())
        if tables:
            raise _foreign(where, tables)
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if rev is not None:
        try:
            ScriptDirectory.from_config(cfg).get_revision(rev)
        except CommandError:
            raise InputError(f"{where}: its schema revision {str(rev)[:40]!r} is not one "
                             f"this stavka knows (newest {HEAD}): made by another version "
                             "of stavka? open it with that one, or give another --db"
                             ) from None
    with eng.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
