"""Map snapshots and time-series plots for the report (matplotlib, Agg, no pyplot).

Maps use a plain equirectangular projection (lon, lat with the aspect set to
1/cos(mean latitude)). The west and east fronts lie ~100 degrees of longitude
apart, so a map has one panel per front plus a thin strip with the whole line.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from stavka.chronicle.words import Names, day_date

ACTIVE, RAIL = 1, 2
#: Edge styles by kind: rail, road, sea, river.
EDGE_STYLE: dict[int, dict[str, Any]] = {0: dict(color="#333333", lw=1.4, ls="-"), 1: dict(color="#777777", lw=1.0, ls="--"),
              2: dict(color="#2e86c1", lw=0.9, ls=":"), 3: dict(color="#5dade2", lw=0.9, ls="-.")}
EDGE_LABEL = {0: "rail", 1: "road", 2: "sea", 3: "river"}
MAX_DISC = 1100.0  # points^2 of the largest formation disc


def png_bytes(fig: Figure, dpi: int = 96) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


@dataclass
class Panel:
    label: str
    nodes: np.ndarray  # node indices defining the extent
    strip: bool = False


def panels(st: Any) -> list[Panel]:
    """One panel per front (fronts named 'rear' only if nothing else), plus a whole-line
    strip when the fronts are far apart; a single panel for a compact theatre."""
    N = st.N
    allnodes = np.arange(N)
    lon = np.asarray(st.lon, dtype=float)
    if N == 0 or lon.max() - lon.min() < 35.0:
        return [Panel("", allnodes)]
    fronts = front_order(st)
    named = [(j, f) for j, f in fronts if f != "rear"] or fronts
    out = [Panel(front_label(f), np.nonzero(st.front == j)[0])
           for j, f in named[:3]]
    if len(out) == 1 and out[0].nodes.size == N:
        return [Panel("", allnodes)]
    out.append(Panel("Whole line", allnodes, strip=True))
    return out


def front_label(f: str) -> str:
    return "Rear" if f == "rear" else f"{f.replace('_', ' ').title()} front"


def front_order(st: Any) -> list[tuple[int, str]]:
    """(index, id) of fronts that have nodes, west to east by mean longitude."""
    lon = np.asarray(st.lon, dtype=float)
    have = [(j, f) for j, f in enumerate(st.front_ids) if (np.asarray(st.front) == j).any()]
    return sorted(have, key=lambda jf: float(lon[np.asarray(st.front) == jf[0]].mean()))


def _extent(st: Any, nodes: np.ndarray, strip: bool) -> tuple[float, float, float, float]:
    lon, lat = np.asarray(st.lon)[nodes], np.asarray(st.lat)[nodes]
    x0, x1, y0, y1 = float(lon.min()), float(lon.max()), float(lat.min()), float(lat.max())
    padx = max(0.08 * (x1 - x0), 1.5 if not strip else 3.0)
    pady = max(0.12 * (y1 - y0), 1.0 if not strip else 2.0)
    x0, x1, y0, y1 = x0 - padx, x1 + padx, y0 - pady, y1 + pady
    # keep panels from getting absurdly thin
    k = 1.0 / max(math.cos(math.radians((y0 + y1) / 2)), 0.2)
    if not strip and (x1 - x0) / k < (y1 - y0) * 0.8:
        c, h = (x0 + x1) / 2, (y1 - y0) * 0.8 * k / 2
        x0, x1 = c - h, c + h
    return x0, x1, y0, y1


def snapshot(parts: Any, idx: int) -> dict[str, Any]:
    """State at history index ``idx``: owners, men per (node, side), men in transit."""
    st, h = parts.static, parts.history
    owner = np.asarray(h.owner[idx])
    loc, status, men = (np.asarray(h.loc[idx]), np.asarray(h.status[idx]),
                        np.asarray(h.men[idx], dtype=float))
    side = np.asarray(st.fside)
    at = np.zeros((st.N, st.S))
    act = status == ACTIVE
    np.add.at(at, (loc[act], side[act]), men[act])
    rail = status == RAIL
    transit = {int(s): (int((rail & (side == s)).sum()), float(men[rail & (side == s)].sum()))
               for s in range(st.S) if (rail & (side == s)).any()}
    return {"owner": owner, "men_at": at, "transit": transit, "date": h.dates[idx]}


def max_men(parts: Any, idxs: Sequence[int]) -> float:
    return max([float(snapshot(parts, i)["men_at"].max()) for i in idxs] + [1.0])


def draw_map(parts: Any, idx: int, title: str = "", scale: float | None = None) -> Figure:
    """A figure of the situation at history index ``idx`` (one panel per front + strip)."""
    st = parts.static
    names = Names(parts.spec, st)
    snap = snapshot(parts, idx)
    scale = scale or max(float(snap["men_at"].max()), 1.0)
    ps = panels(st)
    fronts = [p for p in ps if not p.strip]
    strip = [p for p in ps if p.strip]
    fig = Figure(figsize=(11.0, 6.6 if strip else 6.0), layout="constrained")
    if strip:
        gs = fig.add_gridspec(2, len(fronts), height_ratios=[3.0, 1.0])
        axes = [fig.add_subplot(gs[0, i]) for i in range(len(fronts))]
        axes.append(fig.add_subplot(gs[1, :]))
    else:
        axes = [fig.add_subplot(1, 1, 1)]
    colours = [names.colours.get(s, "#888888") for s in st.side_ids]
    for ax, p in zip(axes, fronts + strip, strict=True):
        _panel(ax, parts, p, snap, colours, scale * (1.0 if not p.strip else 3.0), names)
    fig.suptitle(title or f"Situation on {day_date(snap['date'])}", fontsize=12)
    handles = [Line2D([], [], marker="s", ls="", color=c, markeredgecolor="black", markersize=8,
                      label=names.side(s)) for s, c in zip(st.side_ids, colours, strict=True)]
    kinds = sorted(set(int(k) for k in np.asarray(st.ekind)))
    handles += [Line2D([], [], label=EDGE_LABEL.get(k, str(k)), **EDGE_STYLE.get(k, {}))
                for k in kinds]
    ref = _nice(scale)
    handles.append(Line2D([], [], marker="o", ls="", markerfacecolor="none",
                          markeredgecolor="black", markersize=math.sqrt(MAX_DISC * ref / scale),
                          label=f"{ref:,.0f} men"))
    fig.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 8),
               fontsize=8, frameon=False)
    return fig


def _nice(x: float) -> float:
    """A round reference value near half of ``x``."""
    if x <= 0:
        return 1.0
    e = 10 ** math.floor(math.log10(x / 2))
    for m in (5, 2, 1):
        if m * e <= x / 2 * 1.0001:
            return m * e
    return e


def _panel(ax: Any, parts: Any, p: Panel, snap: dict[str, Any], colours: list[str],
           scale: float, names: Names) -> None:
    st = parts.static
    lon, lat = np.asarray(st.lon, dtype=float), np.asarray(st.lat, dtype=float)
    x0, x1, y0, y1 = _extent(st, p.nodes, p.strip)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect(1.0 / max(math.cos(math.radians((y0 + y1) / 2)), 0.2), adjustable="box")
    ax.set_facecolor("#f7f4ec")
    ax.tick_params(labelsize=7, length=2)
    ax.grid(color="#e0dccf", lw=0.5)
    if p.label:
        ax.set_title(p.label, fontsize=9, loc="left")
    for a, b, k in zip(np.asarray(st.ea), np.asarray(st.eb), np.asarray(st.ekind), strict=True):
        style = dict(EDGE_STYLE.get(int(k), EDGE_STYLE[1]))
        if p.strip:
            style["lw"] = style["lw"] * 0.7
        ax.plot([lon[a], lon[b]], [lat[a], lat[b]], zorder=1, solid_capstyle="round", **style)
    owner = snap["owner"]
    in_view = (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)
    # formations: a disc per (node, side), area proportional to men
    at = snap["men_at"]
    span = x1 - x0
    for n in np.nonzero(in_view)[0]:
        present = [s for s in range(st.S) if at[n, s] > 0]
        for k, s in enumerate(present):
            dx = (k - (len(present) - 1) / 2) * span * (0.012 if not p.strip else 0.006)
            ax.scatter([lon[n] + dx], [lat[n]], s=MAX_DISC * at[n, s] / scale,
                       color=colours[s], alpha=0.45, edgecolors="black", linewidths=0.6,
                       zorder=2)
    # regions: square in the owner's colour, bigger for victory regions
    vp = np.asarray(st.vp)
    sizes = np.where(vp > 0, 42.0, 18.0) * (0.6 if p.strip else 1.0)
    ax.scatter(lon[in_view], lat[in_view], s=sizes[in_view], marker="s",
               c=[colours[int(o)] for o in owner[in_view]], edgecolors="black",
               linewidths=0.6, zorder=3)
    few = in_view.sum() <= 10
    # label boxes in data units; the chief victory region of a cluster gets the label
    boxes: list[tuple[float, float, float, float]] = []
    charw, h = span * (0.016 if not p.strip else 0.011), (y1 - y0) * (0.05 if not p.strip
                                                                       else 0.11)
    for n in sorted(np.nonzero(in_view)[0], key=lambda n: -vp[n]):
        if not (vp[n] > 0 or (few and not p.strip)):
            continue
        name = names.node(st.node_ids[n])
        bx = (lon[n], lon[n] + span * 0.01 + len(name) * charw, lat[n], lat[n] + h)
        if any(bx[0] < b[1] and b[0] < bx[1] and bx[2] < b[3] and b[2] < bx[3] for b in boxes):
            continue
        boxes.append(bx)
        ax.annotate(name, (lon[n], lat[n]), xytext=(4, 4), textcoords="offset points",
                    fontsize=8 if vp[n] > 0 else 6.5, fontweight="bold" if vp[n] > 0 else "normal",
                    color="#111111" if vp[n] > 0 else "#555555", zorder=4)
    if snap["transit"] and (p.strip or len(panels(st)) == 1):
        txt = "In rail transit: " + "; ".join(
            f"{names.adj(st.side_ids[s])}: {c} {'formation' if c == 1 else 'formations'}"
            f" ({m:,.0f} men)"
            for s, (c, m) in snap["transit"].items())
        ax.text(0.01, 0.03, txt, transform=ax.transAxes, fontsize=7.5, zorder=5,
                bbox=dict(facecolor="white", alpha=0.8, edgecolor="none", pad=2))


def key_indices(parts: Any, key_days: Sequence[tuple[int, str]], most: int = 6
                ) -> list[tuple[int, str]]:
    """History indices (and captions) for map snapshots: start, key days, end.

    An event of day ``d`` shows in the situation at history index ``d + 1``.
    Between 4 and ``most`` maps when the history is long enough.
    """
    T = len(parts.history.dates)
    if T == 0:
        return []
    chosen: dict[int, str] = {0: "start"}
    for day, cap in key_days:
        i = min(day + 1, T - 1)
        if len(chosen) >= most - 1:
            break
        if i not in chosen and i != T - 1:
            chosen[i] = cap
    chosen[T - 1] = (chosen.get(T - 1, "") + "; " if T - 1 in chosen else "") + "end"
    # fill in evenly spaced dates so that there are at least four maps
    target = min(4, T)
    k = 1
    while len(chosen) < target and k < 20:
        for frac in (0.5, 0.25, 0.75, 0.125, 0.375, 0.625, 0.875):
            i = int(round(frac * (T - 1)))
            if len(chosen) < target and i not in chosen:
                chosen[i] = "midway"
        k += 1
    return sorted(chosen.items())


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
            loc = AutoDateLocator(maxticks=6)
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
