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


def test_a_damaged_kernel_cache_is_one_line_and_exit_1(monkeypatch, capsys) -> None:
    import pickle

    import stavka.cli as cli

    # an exception raised from inside Numba's cache loader (a truncated .nbc file)
    code = compile("def load():\n    raise pickle.UnpicklingError('pickle data was truncated')\n",
                   "/venv/site-packages/numba/core/caching.py", "exec")
    scope: dict[str, object] = {"pickle": pickle}
    exec(code, scope)

    def app(**_: object) -> int:
        scope["load"]()  # type: ignore[operator]
        return 0

    monkeypatch.setattr(cli, "app", app)
    monkeypatch.setenv("NUMBA_CACHE_DIR", "/tmp/numba-cache")
    assert cli.main(["run", "two-fronts-1941"]) == 1
    err = capsys.readouterr().err
    assert "the cache of the engine's compiled kernels is damaged" in err
    assert "/tmp/numba-cache" in err and "Traceback" not in err


def test_any_other_error_still_raises(monkeypatch) -> None:
    import pytest

    import stavka.cli as cli

    def app(**_: object) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setattr(cli, "app", app)
    with pytest.raises(RuntimeError):
        cli.main(["run", "two-fronts-1941"])
