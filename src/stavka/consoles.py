"""The command line's two rich consoles, shared by :mod:`stavka.cli` and the commands it
registers from other modules (:mod:`stavka.sweep.cli`), so none of them imports another.

Piped output is not squeezed to rich's 80-column default: the summary table is wide.
Emoji codes are off: rich would turn ``file.yaml:100: ...`` into ``file.yaml💯 ...``
(``:100:`` and ``:1234:`` are emoji names), and a user's text is printed as given.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from rich.console import Console

out = Console(width=None if sys.stdout.isatty() else 120, emoji=False)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 200, emoji=False)


class GuardedStdout:
    """Standard output that a reader going away does not cut short.

    ``stavka run ... | head -1`` closes the pipe after one line. Writing on to it raises
    BrokenPipeError, which rich turns into ``SystemExit(1)`` mid-command: the files the
    command was about to write (a report, a replay) were lost, with nothing said. Here the
    first broken write points the file descriptor at the null device (as Python's
    documentation on SIGPIPE advises) and the command goes on to the end: what it writes
    to files is written, what it prints has no reader. :attr:`closed_early` tells that it
    happened. Everything else is the wrapped stream's.
    """

    def __init__(self, stream: Any):
        self._stream = stream
        self.closed_early = False

    def _to_null(self) -> None:
        self.closed_early = True
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, self._stream.fileno())
            os.close(null)
        except (OSError, ValueError, AttributeError):  # no descriptor: drop what is left
            self._stream = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process

    def write(self, text: str) -> int:
        try:
            return int(self._stream.write(text))
        except BrokenPipeError:
            self._to_null()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._to_null()
            self._stream.flush()  # what was buffered goes to the null device

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def guard_stdout() -> GuardedStdout:
    """Put :class:`GuardedStdout` in place of ``sys.stdout`` (once) and return it."""
    if not isinstance(sys.stdout, GuardedStdout):
        sys.stdout = GuardedStdout(sys.stdout)
    return sys.stdout
