"""``report.md``: a short Markdown page tying a sweep's tables and plots together."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stavka.sweep.grid import text_value

if TYPE_CHECKING:
    from stavka.sweep.core import SweepResult

MAX_ROWS = 60


def _pct(f: dict[str, Any]) -> str:
    return f"{100 * f['p']:.1f} % [{100 * f['lo']:.1f}, {100 * f['hi']:.1f}]"


def _pp(d: dict[str, Any]) -> str:
    return f"{100 * d['diff']:+.1f} [{100 * d['lo']:+.1f}, {100 * d['hi']:+.1f}]"


def _n(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.4g}"


def _mean(m: dict[str, Any]) -> str:
    return f"{_n(m['mean'])} [{_n(m['lo'])}, {_n(m['hi'])}]"


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in rows[:MAX_ROWS]]
    if len(rows) > MAX_ROWS:
        lines.append(f"\n({len(rows) - MAX_ROWS} more combinations in summary.json)")
    return lines


def _params(res: SweepResult, c: int) -> list[str]:
    return [text_value(v) or "none" for v in res.combos[c].values()]


def report_md(res: SweepResult, images: list[str]) -> str:
    """The report text; ``images`` are plot paths relative to the sweep directory."""
    s = res.summary
    vary = ", ".join(f"`{n}` = {', '.join(text_value(v) or 'none' for v in vals)}"
                     for n, vals in zip(res.grid.names, res.grid.values, strict=True))
    lines = [
        f"# Sweep: {s['scenario']}",
        "",
        f"{s['combinations']} combination(s) x {s['runs']} runs = {s['total_runs']} campaigns "
        f"of up to {s['days']} days, master seed {s['seed']}; varied: {vary or 'nothing'}.",
        f"Scenario hash `{s['scenario_hash']}`, code `{s['code']}`.",
        "",
        "Common random numbers: replica *i* of every combination uses the same random key, "
        "so differences between combinations are paired comparisons.",
        "Probabilities carry 95 % Wilson intervals; means carry 95 % bootstrap intervals.",
        "Per-run rows are in `runs.csv`, all figures in `summary.json`.",
        "",
        "## Outcome probabilities",
        "",
    ]
    pnames = list(res.grid.names)
    flag_rows = [[str(r["combo"]), *_params(res, r["combo"]),
                  *(_pct(r["flags"][f]) for f in res.flags)] for r in s["results"]]
    lines += _table(["#", *pnames, *res.flags], flag_rows)
    if len(res.combos) > 1:
        lines += ["", "## Paired change against combination 0", "",
                  "Run *i* of each combination against run *i* of combination 0 (same dice): "
                  "mean difference in percentage points, 95 % bootstrap interval.", ""]
        lines += _table(["#", *pnames, *res.flags],
                        [[str(r["combo"]), *_params(res, r["combo"]),
                          *(_pp(r["paired_vs_combo0"][f]) for f in res.flags)]
                         for r in s["results"][1:]])
    key = [m for m in res.numeric if m == "days" or (m.startswith("loss_") and m.endswith("_men"))]
    key = [m for m in key if any(r["metrics"][m]["sd"] for r in s["results"])] or key[:1]
    lines += ["", "## Key means", ""]
    lines += _table(["#", *pnames, *key],
                    [[str(r["combo"]), *_params(res, r["combo"]),
                      *(_mean(r["metrics"][m]) for m in key)] for r in s["results"]])
    if pnames:
        lines += ["", "## Sensitivity", "",
                  "Which varied parameter moves each outcome most: *range* is the spread of "
                  "the outcome's mean (probability) across the parameter's values, other "
                  "parameters averaged; *SRC* is the standardised regression coefficient. "
                  "All pairs are in `sensitivity.csv`.", ""]
        rows = []
        for o in [*res.flags, *key]:
            sens = s["sensitivity"][o]
            most = sens["most"]
            if most is None:
                rows.append([o, "none (no change)", "0", ""])
                continue
            p = sens["parameters"][most]
            src = "" if p["src"] is None else f"{p['src']:+.3f}"
            rows.append([o, f"`{most}` (highest at {text_value(p['highest_at']) or 'none'})",
                         _n(p["range"]), src])
        lines += _table(["outcome", "moved most by", "range", "SRC"], rows)
    if images:
        lines += ["", "## Plots", ""]
        lines += [f"![{img}]({img})" for img in images]
    return "\n".join(lines) + "\n"
