"""`stavka run` says once why a day took seconds (the first run compiles the kernels)."""

from __future__ import annotations

from stavka.cli import _CompileNote


class _Console:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def print(self, text: str, **_: object) -> None:
        self.lines.append(text)


def test_a_slow_day_gets_one_note_and_a_quick_one_none() -> None:
    c = _Console()
    note = _CompileNote(c, quiet=False)
    note.day()  # a quick day
    assert c.lines == []
    for _ in range(2):  # two slow days: one note
        note.t -= 10.0
        note.day()
    assert len(c.lines) == 1 and "compiles the engine's kernels" in c.lines[0]


def test_quiet_says_nothing() -> None:
    c = _Console()
    note = _CompileNote(c, quiet=True)
    note.t -= 10.0
    note.day()
    assert c.lines == []
