"""The saved games: SQLAlchemy tables (SQLite by default, PostgreSQL when configured).

A game is its replay: the scenario, seed and parameters, then one :class:`Turn` row per
advance holding the orders given on each day, each day's state digest, the day's events
and the day's picture for the map. A turn is written in one transaction together with
the game's new day and the seats' reset, so a crash leaves the last completed turn.
The schema is created and upgraded by Alembic (``stavka/web/migrations``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Game(Base):
    """One game. ``day``: days played (0 at creation); ``status``: active or finished."""

    __tablename__ = "games"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    scenario: Mapped[str] = mapped_column(String(100))
    scenario_hash: Mapped[str] = mapped_column(String(100))
    seed: Mapped[int] = mapped_column(BigInteger)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    turn_days: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    day: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(100))
    created: Mapped[float] = mapped_column(Float)  # seconds since the epoch (UTC)
    updated: Mapped[float] = mapped_column(Float)


class Seat(Base):
    """A side of a game: ``kind`` human or ai; a human seat's secret token is stored as
    its SHA-256 (hex); ``orders`` are the orders staged for the turn in progress."""

    __tablename__ = "seats"
    __table_args__ = (UniqueConstraint("game_id", "side"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    game_id: Mapped[str] = mapped_column(ForeignKey("games.id", ondelete="CASCADE"), index=True)
    side: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(8))
    token_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    ended: Mapped[bool] = mapped_column(Boolean, default=False)
    orders: Mapped[list[str]] = mapped_column(JSON, default=list)


class Turn(Base):
    """One advance of a game (``n`` = 0 is the start: no days, the day-0 picture).

    ``orders``: per step of the turn (a day at 24-hour steps), the list of ``[side, order
    text]`` given at that step; ``digests``: per step after it, the state digest; ``days``:
    the turn's steps; ``frames``: the map picture after each day's last step (and at the
    campaign's end): one per step of a daily scenario; ``events``: the turn's events
    (``Event.to_dict`` without the replica); ``day0``: the calendar day it started on."""

    __tablename__ = "turns"
    __table_args__ = (UniqueConstraint("game_id", "n"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    game_id: Mapped[str] = mapped_column(ForeignKey("games.id", ondelete="CASCADE"), index=True)
    n: Mapped[int] = mapped_column(Integer)
    day0: Mapped[int] = mapped_column(Integer)
    days: Mapped[int] = mapped_column(Integer)
    orders: Mapped[list[Any]] = mapped_column(JSON)
    digests: Mapped[list[str]] = mapped_column(JSON)
    frames: Mapped[list[Any]] = mapped_column(JSON)
    events: Mapped[list[Any]] = mapped_column(JSON)


class Upload(Base):
    """A scenario uploaded through the web (one YAML file that loaded without a problem).

    ``id`` is ``u-`` and the first 12 hex digits of the SHA-256 of ``text``: the same file
    uploaded twice is one scenario, and a game names it by that id."""

    __tablename__ = "uploads"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    created: Mapped[float] = mapped_column(Float)


class SweepJob(Base):
    """An Explore sweep started from the page: its request, progress and result.

    ``status``: queued, running, done or failed (``error`` says why; a sweep the server
    stopped under is failed at the next start, with the count it had reached)."""

    __tablename__ = "sweeps"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    scenario: Mapped[str] = mapped_column(String(100))
    runs: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(BigInteger)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    compare: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    done: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created: Mapped[float] = mapped_column(Float, index=True)
    updated: Mapped[float] = mapped_column(Float)
