"""The command line's two rich consoles, shared by :mod:`stavka.cli` and the commands it
registers from other modules (:mod:`stavka.sweep.cli`), so none of them imports another.

Piped output is not squeezed to rich's 80-column default: the summary table is wide.
"""

from __future__ import annotations

import sys

from rich.console import Console

out = Console(width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 200)
