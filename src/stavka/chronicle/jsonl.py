"""``events.jsonl``: one JSON object per event (:meth:`Event.to_dict`), one per line."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from stavka.atomic import atomic_write
from stavka.chronicle.visitor import EventVisitor
from stavka.engine.records import Event
from stavka.errors import InputError


def event_line(ev: Event) -> str:
    """One event as a compact JSON line (no trailing newline)."""
    return json.dumps(ev.to_dict(), ensure_ascii=False, separators=(",", ":"))


class JsonlVisitor(EventVisitor[str]):
    """Collects the JSONL text of every event it visits."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def visit(self, ev: Event) -> None:
        self.lines.append(event_line(ev))

    def result(self) -> str:
        return "".join(line + "\n" for line in self.lines)


def write_jsonl(events: Iterable[Event], path: str | os.PathLike[str]) -> Path:
    """Write ``events`` to ``path`` as JSON lines, atomically. Returns the path."""
    text = "".join(event_line(ev) + "\n" for ev in events)
    return atomic_write(path, text)


def read_jsonl(path: str | os.PathLike[str]) -> list[Event]:
    """Read events written by :func:`write_jsonl`; blank lines are skipped."""
    p = Path(path)
    out: list[Event] = []
    try:
        fh = p.open(encoding="utf-8")
    except OSError as e:
        raise InputError(f"{p}: cannot read ({e.strerror or e})") from None
    with fh:
        for i, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                out.append(Event.from_dict(json.loads(line)))
            except (ValueError, KeyError, TypeError) as e:
                raise InputError(f"{p}:{i}: not an event record ({e})") from None
    return out
