"""``report.html`` (self-contained and offline: inline CSS, plots as base64 PNG, maps
drawn by the war room's own map code embedded with its data, see
:mod:`stavka.chronicle.cartography`) and the atomic writer of a run's whole output set."""

from __future__ import annotations

import base64
import html
import json
import os
import re
from pathlib import Path
from typing import Any

from stavka.atomic import atomic_write
from stavka.chronicle.jsonl import JsonlVisitor
from stavka.chronicle.markdown import MarkdownVisitor, render_summary_markdown
from stavka.chronicle.visitor import KeyDatesVisitor, Parts, as_parts, walk
from stavka.chronicle.words import Names, day_date

#: Files of an output set, in the order written; summary.json last marks it complete.
OUTPUT_FILES = ("chronicle.md", "events.jsonl", "report.html", "summary.json")

CSS = """
body{font:15px/1.5 Georgia,'Times New Roman',serif;color:#222;background:#fbfaf6;
 max-width:1100px;margin:0 auto;padding:1.5em 2em 4em}
h1{font-size:1.9em;margin:.2em 0;border-bottom:3px double #8b0000}
h2{font-size:1.35em;margin-top:1.8em;border-bottom:1px solid #bbb;color:#5a0000}
h3{font-size:1.05em;margin:1.2em 0 .3em;color:#333}
table{border-collapse:collapse;margin:.6em 0 1em;font:13px/1.4 system-ui,sans-serif}
th,td{border:1px solid #ccc;padding:.25em .6em;vertical-align:top}
th{background:#eee8dc;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}
ul{margin:.2em 0 .6em;padding-left:1.4em}
li{margin:.15em 0}
code{font:12px ui-monospace,monospace;background:#eee8dc;padding:0 .25em}
figure{margin:1em 0 1.6em}
figure img{max-width:100%;border:1px solid #ddd;background:#fff}
figcaption{font:13px system-ui,sans-serif;color:#555}
.meta td:first-child{font-weight:bold;white-space:nowrap}
.result{font-size:1.15em;background:#f3ecd9;border-left:4px solid #8b0000;padding:.5em .8em}
.chronicle{columns:1}
"""


# ---- a tiny Markdown subset -> HTML ------------------------------------------------------
def _inline(text: str) -> str:
    s = html.escape(text, quote=False)
    s = re.sub(r"`([^`]+)`", r"<code>\1</code>", s)
    s = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", s)
    s = re.sub(r"(?<![\w*])_([^_]+)_(?![\w*])", r"<em>\1</em>", s)
    return s


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def md_to_html(md: str) -> str:
    """Convert the Markdown the chronicle uses (headings, bullets, pipe tables,
    paragraphs, `code`, **bold**, _em_) to HTML. Everything else is escaped text."""
    out: list[str] = []
    lines = md.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^(#{1,6})\s+(.*)$", line)
        if m:
            k = len(m.group(1))
            out.append(f"<h{k}>{_inline(m.group(2))}</h{k}>")
            i += 1
        elif line.lstrip().startswith(("- ", "* ")):
            out.append("<ul>")
            while i < len(lines) and lines[i].lstrip().startswith(("- ", "* ")):
                out.append(f"<li>{_inline(lines[i].lstrip()[2:])}</li>")
                i += 1
            out.append("</ul>")
        elif line.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(lines[i])
                i += 1
            head = _cells(rows[0])
            body = rows[1:]
            aligns: list[str] = []
            if body and re.fullmatch(r"[\s|:-]+", body[0]):
                aligns = ["n" if c.endswith(":") else "" for c in _cells(body[0])]
                body = body[1:]
            out.append("<table><thead><tr>" + "".join(f"<th>{_inline(c)}</th>" for c in head)
                       + "</tr></thead><tbody>")
            for r in body:
                tds = []
                for j, c in enumerate(_cells(r)):
                    cls = ' class="n"' if j < len(aligns) and aligns[j] else ""
                    tds.append(f"<td{cls}>{_inline(c)}</td>")
                out.append("<tr>" + "".join(tds) + "</tr>")
            out.append("</tbody></table>")
        elif not line.strip():
            i += 1
        else:
            para = []
            while i < len(lines) and lines[i].strip() and not re.match(
                    r"^(#{1,6}\s|[-*] |\|)", lines[i].lstrip()):
                para.append(lines[i].strip())
                i += 1
            out.append(f"<p>{_inline(' '.join(para))}</p>")
    return "\n".join(out)


# ---- the report --------------------------------------------------------------------------
def _img(png: bytes, alt: str, caption: str = "") -> str:
    b64 = base64.b64encode(png).decode("ascii")
    cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return (f'<figure><img alt="{html.escape(alt)}" src="data:image/png;base64,{b64}">'
            f"{cap}</figure>")


def _header(parts: Parts, names: Names) -> str:
    spec, summ = parts.spec, parts.summary or {}
    rows = [("Scenario", f"{spec.name} (<code>{html.escape(spec.id)}</code>)")]
    if summ.get("scenario_hash"):
        rows.append(("Scenario hash", f"<code>{html.escape(str(summ['scenario_hash']))}</code>"))
    seed = summ.get("seed", parts.seed)
    if seed is not None:
        rows.append(("Seed", html.escape(str(seed))))
    params = summ.get("parameters") or {}
    if params:
        rows.append(("Parameters", ", ".join(
            f"<code>{html.escape(k)}={html.escape(json.dumps(v))}</code>"
            for k, v in params.items())))
    rows.append(("Period", f"{day_date(spec.start)} to {day_date(spec.end)}"
                 + (f"; ran {summ['days']} days" if "days" in summ else "")))
    if summ.get("digest"):
        rows.append(("Digest", f"<code>{html.escape(str(summ['digest']))}</code>"))
    res = summ.get("victory", {}).get("result")
    out = [f"<h1>{html.escape(spec.name)}</h1>"]
    if spec.description:
        out.append(f"<p>{html.escape(spec.description)}</p>")
    out.append('<table class="meta">' + "".join(
        f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in rows) + "</table>")
    if res:
        out.append(f'<p class="result"><strong>Result:</strong> '
                   f"{html.escape(names.side_text(res))}</p>")
    return "\n".join(out)


def render_report(parts: Parts, dispatches_md: str | None = None,
                  key_days: list[tuple[int, str]] | None = None) -> str:
    """The HTML text of ``report.html``. Walks the events itself unless the
    dispatches and key days (from an earlier walk) are given."""
    from stavka.chronicle import cartography, maps  # matplotlib only when a report is drawn

    names = Names(parts.spec, parts.static)
    if dispatches_md is None or key_days is None:
        mv, kv = MarkdownVisitor(with_summary=False), _key_visitor(parts, names)
        walk(parts.events, mv, kv, parts=parts)
        dispatches_md, key_days = mv.dispatches(), kv.result()
    body = [_header(parts, names)]
    if parts.history is not None and parts.static is not None and parts.history.dates:
        body.append("<h2>Strength and losses</h2>")
        for what, alt in (("strength", "Strength in the field by front and side"),
                          ("losses", "Cumulative losses by front and side")):
            fig = maps.series_figure(parts, what)
            body.append(_img(maps.png_bytes(fig), alt))
        body.append("<h2>Maps</h2>")
        body.append(cartography.maps_html(parts, cartography.snapshot_days(parts, key_days)))
    body.append("<h2>Chronicle</h2>")
    body.append(f'<div class="chronicle">{md_to_html(dispatches_md or "_No events._")}</div>')
    if parts.summary:
        body.append(md_to_html(render_summary_markdown(parts.summary, names)))
    title = html.escape(f"{parts.spec.name}: report")
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{title}</title><style>{CSS}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")


def _key_visitor(parts: Parts, names: Names) -> KeyDatesVisitor:
    return KeyDatesVisitor(vp_nodes=[n for n, v in names.vp.items() if v > 0], names=names.nodes)


def write_report(campaign: Any, dir: str | os.PathLike[str]) -> Path:
    """Write ``report.html`` into ``dir`` (created if needed), atomically; return its path."""
    parts = as_parts(campaign)
    return atomic_write(Path(dir) / "report.html", render_report(parts))


def write_outputs(campaign: Any, dir: str | os.PathLike[str]) -> dict[str, Path]:
    """Write ``chronicle.md``, ``events.jsonl``, ``report.html`` and ``summary.json``.

    Everything is rendered in memory first (one walk of the events feeds the
    chronicle, the JSONL and the map dates); then each file goes to a temp file
    in ``dir`` and is moved into place with ``os.replace``. An older
    ``summary.json`` is removed *before* the first file is replaced and the new one
    is written last, so ``summary.json`` is present only when every file is from
    the same run: a run killed half-way leaves a folder that says it is incomplete
    (no summary), never a mix that looks complete. No temp files are left behind.
    """
    parts = as_parts(campaign)
    if parts.summary is None:
        raise ValueError("write_outputs needs a summary (pass a Campaign or Parts(summary=...))")
    names = Names(parts.spec, parts.static)
    mv, jv, kv = MarkdownVisitor(), JsonlVisitor(), _key_visitor(parts, names)
    chronicle, jsonl, key_days = walk(parts.events, mv, jv, kv, parts=parts)
    texts = {
        "chronicle.md": chronicle,
        "events.jsonl": jsonl,
        "report.html": render_report(parts, mv.dispatches(), key_days),
        "summary.json": json.dumps(parts.summary, indent=2, ensure_ascii=False) + "\n",
    }
    out = Path(dir)
    out.mkdir(parents=True, exist_ok=True)
    old = out / "summary.json"
    if old.is_file() and not old.is_symlink():
        old.unlink()
    return {name: atomic_write(out / name, texts[name]) for name in OUTPUT_FILES}
