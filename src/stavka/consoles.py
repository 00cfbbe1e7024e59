"""The command line's two rich consoles, shared by :mod:`stavka.cli` and the commands it
registers from other modules (:mod:`stavka.sweep.cli`), so none of them imports another.

Piped output is not squeezed to rich's 80-column default: the summary table is wide.
Emoji codes are off: rich would turn ``file.yaml:100: ...`` into ``file.yaml💯 ...``
(``:100:`` and ``:1234:`` are emoji names), and a user's text is printed as given.
"""

from __future__ import annotations

import sys

from rich.console import Console

out = Console(width=None if sys.stdout.isatty() else 120, emoji=False)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 200, emoji=False)
