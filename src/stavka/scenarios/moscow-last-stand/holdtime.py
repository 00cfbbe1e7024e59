"""How long the centre holds: hour-by-hour hold times of moscow-last-stand over its levers.

``stavka sweep`` gives the flags at fixed times (``kremlin_holds_1d`` ... ``kremlin_holds``);
this script steps the same vectorised engine (``stavka.engine.core.step``, every replica
of a combination in one batch, the same master seed for every combination: common random
numbers) and records, per run, the step at which each line first fell, so the hold time is
known to the hour. It writes ``holdtime.csv`` (one row per run), ``holdtime.md`` (a table
per combination) and ``holdtime.png`` (the Kremlin's survival curves) to ``--out``.

    .venv/bin/python src/stavka/scenarios/moscow-last-stand/holdtime.py --runs 40 --out out/msk

Not part of the package's API; run from the project's virtual environment.
"""

from __future__ import annotations

import csv
import math
from typing import Any

import numpy as np

import stavka
from stavka.engine.core import compile_world, step
from stavka.engine.rng import Streams
from stavka.sweep.script import script_args

#: the lever settings compared: the seed's default, each lever alone, and all together
COMBOS: list[tuple[str, dict[str, Any]]] = [
    ("default (the seed)", {}),
    ("state of siege", {"state_of_siege": True}),
    ("nobody evacuates", {"evacuation": 0}),
    ("Stalin leaves too", {"evacuation": 2}),
    ("commander at HQ", {"commander_present": False}),
    ("1 elite reserve", {"elite_reserves": 1}),
    ("3 elite reserves", {"elite_reserves": 3}),
    ("garrison rallied +0.15", {"garrison_rally": 0.15}),
    ("garrison rallied +0.3", {"garrison_rally": 0.3}),
    ("siege + 3 elite reserves", {"state_of_siege": True, "elite_reserves": 3}),
    ("everything", {"state_of_siege": True, "elite_reserves": 3, "evacuation": 0}),
    # not a lever: the model's own sensitivity, sectors breaking at the flagship's
    # campaign scale (rules v3 combat_break_mult 4.5) instead of the engagement scale (1)
    ("(model) break hazard x4.5", {"rules.combat_break_mult": 4.5}),
]
LINES = {
    "approaches": ["khimki", "babushkin", "kuntsevo", "lenino", "perovo"],
    "city_line": ["okr_voikovo", "okr_likhobory", "okr_rostokino", "okr_andronovka",
                  "okr_kanatchikovo", "okr_presnya"],
    "garden_ring": ["sad_north", "kazansky", "sad_east", "sad_south", "sad_west"],
    "inner_line": ["bul_north", "bul_east", "bul_west", "moskva_river"],
    "kremlin": ["kremlin"],
}


def run_combo(loaded: Any, params: dict[str, Any], runs: int, seed: int) -> dict[str, np.ndarray]:
    """Hours from the start until each line first lost a sector (inf: never), and the
    garrison's men at the end, for ``runs`` replicas of one combination."""
    spec = loaded.spec
    w = compile_world(spec, params, replicas=runs)
    st = w.static
    hours = int(getattr(spec, "step_hours", 24))
    n_steps = spec.days * 24 // hours
    rng = Streams.from_seed(seed, runs)
    sov = st.side("soviet")
    nodes = {k: np.array([st.node(n) for n in v]) for k, v in LINES.items()}
    fell = {k: np.full(runs, np.inf) for k in LINES}
    cmd_lost = np.full(runs, np.inf)
    for i in range(n_steps):
        step(w, (), rng, record=False)
        s = w.state
        for k, idx in nodes.items():
            lost = (s.owner[:, idx] != sov).any(axis=1) & ~np.isfinite(fell[k])
            fell[k][lost] = (i + 1) * hours
        if s.cmd_state.shape[1]:
            gone = (s.cmd_state[:, 0] != 0) & ~np.isfinite(cmd_lost)
            cmd_lost[gone] = (i + 1) * hours
    out = dict(fell)
    s = w.state
    out["garrison_men"] = (s.strength[:, :, 0] * ((st.fside == sov)[None, :]
                                                  & (s.status == 1))).sum(axis=1)
    out["commander_lost_h"] = cmd_lost
    out["commander_lost"] = np.isfinite(cmd_lost)
    return out


def _fmt_h(h: float) -> str:
    if not math.isfinite(h):
        return "held"
    return f"{h:.0f} h" if h < 48 else f"{h / 24:.1f} d"


def main(argv: list[str] | None = None) -> None:
    """The command line (module docstring). Bad arguments and output paths that cannot be
    written are one-line usage errors, exit 2, before anything runs."""
    a = script_args(argv, __doc__.splitlines()[0], runs=40)
    loaded = stavka.load("moscow-last-stand")
    hours_total = loaded.spec.days * 24
    rows, table = [], []
    curves = []
    base = None
    boot = np.random.default_rng(12345)  # cosmetic: the intervals' resampling only
    for label, params in COMBOS:
        res = run_combo(loaded, params, a.runs, a.seed)
        k = res["kremlin"]
        # paired change against the default, run i against run i (same random numbers);
        # a Kremlin that held to the end counts as falling at the end
        kk = np.minimum(k, hours_total)
        if base is None:
            base = kk
        d = (kk - base) / 24.0
        bs = np.mean(d[boot.integers(0, d.size, (2000, d.size))], axis=1)
        paired = (f"{np.mean(d):+.1f} d [{np.quantile(bs, 0.025):+.1f}, "
                  f"{np.quantile(bs, 0.975):+.1f}], later in {np.mean(d > 0):.0%}, "
                  f"sooner in {np.mean(d < 0):.0%}")
        for r in range(a.runs):
            rows.append({"combo": label, **{p: params.get(p, "") for p in
                                            ("state_of_siege", "evacuation", "elite_reserves",
                                             "commander_present", "garrison_rally")},
                         "replica": r, **{f"{ln}_fell_h": res[ln][r] for ln in LINES},
                         "garrison_men": round(float(res["garrison_men"][r])),
                         "commander_lost_h": res["commander_lost_h"][r]})
        med = float(np.median(k))
        q1, q3 = (float(np.quantile(k, q)) for q in (0.25, 0.75))
        cl = res["commander_lost_h"]
        table.append((label, _fmt_h(float(np.median(res["city_line"]))),
                      _fmt_h(float(np.median(res["garden_ring"]))), _fmt_h(med),
                      f"{_fmt_h(q1)} - {_fmt_h(q3)}", _fmt_h(float(np.min(k))),
                      float(np.mean(k > 24)), float(np.mean(k > 7 * 24)),
                      float(np.mean(~np.isfinite(k))), float(np.mean(np.isfinite(cl))),
                      _fmt_h(float(np.median(cl[np.isfinite(cl)]))) if np.isfinite(cl).any()
                      else "-", paired))
        curves.append((label, np.sort(np.minimum(k, hours_total + 1))))
        print(f"{label:28s} Kremlin falls: median {_fmt_h(med)}, P(holds 1 day) "
              f"{np.mean(k > 24):.2f}, P(holds to the end) {np.mean(~np.isfinite(k)):.2f}")
    with (a.out / "holdtime.csv").open("w", newline="") as fh:
        wr = csv.DictWriter(fh, fieldnames=list(rows[0]))
        wr.writeheader()
        wr.writerows(rows)
    md = [f"{a.runs} runs per combination, master seed {a.seed}, "
          f"{loaded.spec.days} days ({hours_total} h).", "",
          "| levers | city line breaks | Garden Ring breaks | Kremlin falls | quartiles | "
          "earliest | P(holds 1 day) | P(holds 1 week) | P(holds 4 weeks) | "
          "P(commander lost) | when | Kremlin's fall against the default (paired) |",
          "|---|---|---|---|---|---|---:|---:|---:|---:|---|---|"]
    md += [f"| {t[0]} | {t[1]} | {t[2]} | {t[3]} | {t[4]} | {t[5]} | {t[6]:.2f} | "
           f"{t[7]:.2f} | {t[8]:.2f} | {t[9]:.2f} | {t[10]} | {t[11]} |" for t in table]
    md += ["", "Times are medians over the runs, in hours from the first step (00:00 on "
           "8 August) while under 48 h, else in days; 'held': not within the 4 weeks (counted as "
           "falling at the end in the paired change). The paired change is the mean over runs "
           "of (this setting's fall - the default's), run i against run i, with a 95 % "
           "bootstrap interval, and the share of runs where it fell later or sooner."]
    (a.out / "holdtime.md").write_text("\n".join(md) + "\n")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6.4, 3.6), dpi=90)
    colours = plt.get_cmap("tab20")(np.arange(20))
    for j, (label, ks) in enumerate(curves):
        x = np.concatenate([[0.5], ks, [hours_total]])
        y = np.concatenate([[1.0], 1.0 - np.arange(1, ks.size + 1) / ks.size, [np.nan]])
        y[-1] = y[-2]
        ax.step(x, y, where="post", label=label, lw=1.6 if j == 0 else 1.1,
                color="black" if j == 0 else tuple(colours[(2 * j) % 20 + (j >= 10)]),
                ls=":" if label.startswith("(model)") else "-")
    ax.set_xscale("log")
    ax.set_xticks([1, 3, 6, 12, 24, 72, 168, 336, hours_total])
    ax.set_xticklabels(["1 h", "3 h", "6 h", "12 h", "1 d", "3 d", "1 w", "2 w", "4 w"])
    ax.set_xlim(1, hours_total)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("time since the offensive opens (00:00, 8 August)")
    ax.set_ylabel("share of runs: Kremlin still held")
    ax.set_title(f"moscow-last-stand: how long the centre holds ({a.runs} runs each)", fontsize=9)
    ax.legend(fontsize=6.5, loc="lower left")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(a.out / "holdtime.png")
    if a.plot is not None:
        fig.savefig(a.plot)


if __name__ == "__main__":
    main()
