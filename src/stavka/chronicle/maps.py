"""Time-series plots for the report (matplotlib, Agg, no pyplot).

The report's maps are not drawn here: they are the war room's map, embedded
(:mod:`stavka.chronicle.cartography`).
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from stavka.chronicle.words import Names

ACTIVE, RAIL = 1, 2
def png_bytes(fig: Figure, dpi: int = 96) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def front_label(f: str) -> str:
    return "Rear" if f == "rear" else f"{f.replace('_', ' ').title()} front"


def front_order(st: Any) -> list[tuple[int, str]]:
    """(index, id) of fronts that have nodes, west to east by mean longitude."""
    lon = np.asarray(st.lon, dtype=float)
    have = [(j, f) for j, f in enumerate(st.front_ids) if (np.asarray(st.front) == j).any()]
    return sorted(have, key=lambda jf: float(lon[np.asarray(st.front) == jf[0]].mean()))


def series_figure(parts: Any, what: str = "strength") -> Figure:
    """Men and tanks over time, one column per front, a line per side.

    ``what``: ``strength`` (in the field) or ``losses`` (cumulative, all causes).
    """
    st, h = parts.static, parts.history
    names = Names(parts.spec, st)
    data = np.asarray(getattr(h, what), dtype=float)  # [T, S, Fr, 4]
    dates = list(h.dates)
    fronts = [j for j, _ in front_order(st) if data[:, :, j, :2].any()] or [0]
    fig = Figure(figsize=(11.0, 5.6), layout="constrained")
    axes = fig.subplots(2, len(fronts), squeeze=False, sharex=True)
    for c, j in enumerate(fronts):
        for r, (cat, label) in enumerate(((0, "men"), (1, "tanks"))):
            ax = axes[r][c]
            for s, sid in enumerate(st.side_ids):
                y = data[:, s, j, cat]
                if y.any():
                    ax.plot(dates, y, color=names.colours.get(sid, "#888888"), lw=1.8,
                            label=names.side(sid))
            if not data[:, :, j, cat].any():
                ax.plot(dates, np.zeros(len(dates)), lw=0)
                ax.text(0.5, 0.5, f"no {label}", transform=ax.transAxes, ha="center",
                        va="center", color="#999999", fontsize=9)
                ax.set_yticks([0])
            ax.set_title(f"{front_label(st.front_ids[j])}: {label}",
                         fontsize=9, loc="left")
            ax.yaxis.set_major_formatter(_thousands)
            ax.tick_params(labelsize=7)
            ax.grid(color="#dddddd", lw=0.5)
            ax.set_ylim(bottom=0)
            # a run of a few days has too few days for five ticks
            loc = AutoDateLocator(minticks=2 if len(dates) < 8 else 5, maxticks=6)
            ax.xaxis.set_major_locator(loc)
            ax.xaxis.set_major_formatter(ConciseDateFormatter(loc))
    handles = [Line2D([], [], color=names.colours.get(s, "#888"), lw=2, label=names.side(s))
               for s in st.side_ids]
    fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), frameon=False,
               fontsize=8)
    fig.suptitle("Strength in the field" if what == "strength"
                 else "Cumulative losses (all causes)", fontsize=12)
    return fig


def _fmt(x: float, _pos: Any = None) -> str:
    return f"{x:,.0f}"


_thousands = FuncFormatter(_fmt)
