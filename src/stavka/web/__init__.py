"""The web war room (``stavka serve``): watch, play and replay campaigns in a browser.

:mod:`stavka.web.app` is the FastAPI application, :mod:`stavka.web.service` the games
(create, fog, orders, turns, resume), :mod:`stavka.web.models` and
:mod:`stavka.web.db` their storage (SQLite or PostgreSQL, Alembic migrations), and
:mod:`stavka.web.engine_view` the one module that reads the engine.
"""
