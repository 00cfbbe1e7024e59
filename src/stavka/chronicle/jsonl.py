"""``events.jsonl``: one JSON object per event (:meth:`Event.to_dict`), one per line."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from stavka.atomic import atomic_write, read_text_file
from stavka.chronicle.visitor import EventVisitor
from stavka.engine.records import Event
from stavka.errors import InputError

#: Largest events file read (bytes): a 100-day campaign writes a few MB.
MAX_JSONL_BYTES = 512 * 2**20


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
    """Read events written by :func:`write_jsonl`; blank lines are skipped. Raises
    InputError (one line, naming the file and line): unreadable, larger than
    :data:`MAX_JSONL_BYTES`, not UTF-8, or a line that is not an event record."""
    p = Path(path)
    out: list[Event] = []
    for i, line in enumerate(read_text_file(p, MAX_JSONL_BYTES, "events file").splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(Event.from_dict(json.loads(line)))
        except (ValueError, KeyError, TypeError, RecursionError) as e:
            raise InputError(f"{p}:{i}: not an event record ({type(e).__name__}: "
                             f"{str(e)[:120]})") from None
    return out
