"""Does Boli hold until winter: red-alert-far-east over its levers, run by run.

``stavka sweep`` gives the outcome flags at the end (``held_until_winter``,
``khabarovsk_holds``, ...) with Wilson intervals; this script steps the same vectorised
engine (``stavka.engine.core.step``, every replica of a combination in one batch, the same
master seed for every combination: common random numbers) and records, per run, the day
each key region first fell, the Soviet men lost after three days, a week and at the end,
and the mineral output kept: the share of the two mining regions (Khabarovsk and
Komsomolsk) whose ore still reaches the plants each day (held, or lost fewer than
``rules.resource_delay_days`` days ago: the factories' ``resources`` rule), averaged over
the campaign, and the share of them still Soviet on its last day. It writes ``holdtime.csv`` (one row per run), ``holdtime.md`` (a table per
combination, with the paired change against the default and 95 % bootstrap intervals)
and ``holdtime.png`` (P(held until winter) against abandoning Vladivostok and against the
divisions from central Siberia) to ``--out``.

    .venv/bin/python src/stavka/scenarios/red-alert-far-east/holdtime.py --runs 200 --out out/raf

Not part of the package's API; run from the project's virtual environment.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from typing import Any

import numpy as np

import stavka
from stavka.engine.core import compile_world, step
from stavka.engine.rng import Streams
from stavka.enums import C_CAPTURED
from stavka.sweep.script import script_args

SID = "red-alert-far-east"
#: the lever settings compared: the seed's default, then each lever alone
COMBOS: list[tuple[str, dict[str, Any]]] = [
    ("default (the seed)", {}),
    ("abandon Vladivostok at the outbreak (25 Aug)", {"abandon_vladivostok": dt.date(1942, 8, 25)}),
    ("abandon Vladivostok on 27 Aug", {"abandon_vladivostok": dt.date(1942, 8, 27)}),
    ("abandon Vladivostok on 28 Aug (Khrushchev's day)", {"abandon_vladivostok": dt.date(1942, 8, 28)}),
    ("no divisions from Siberia", {"siberia_divisions": 0}),
    ("5 divisions from Siberia", {"siberia_divisions": 5}),
    ("15 divisions from Siberia", {"siberia_divisions": 15}),
    ("20 divisions from Siberia", {"siberia_divisions": 20}),
    ("the trains start on 10 Sep", {"siberia_start": dt.date(1942, 9, 10)}),
    ("no partisans", {"partisans": 0}),
    ("25 partisan detachments a region", {"partisans": 25}),
    ("no total conscription", {"conscription": 0.0}),
    ("Empire navy x0.5", {"empire_navy": 0.5}),
    ("Empire navy x0 (no navy)", {"empire_navy": 0.0}),
    ("no precision strikes", {"strike_capacity": 0.0}),
    ("precision strikes x2 (1.0)", {"strike_capacity": 1.0}),
    ("Empire army: 16 formations", {"empire_divisions": 16}),
    ("Empire army: 29 formations", {"empire_divisions": 29}),
    ("abandon at once + 20 Siberian divisions", {"abandon_vladivostok": dt.date(1942, 8, 25),
                                                 "siberia_divisions": 20}),
]
#: regions whose first fall is timed
REGIONS = ["ussuriysk", "vladivostok", "khabarovsk", "komsomolsk", "birobidzhan", "troitskoye"]
#: the mining regions of the factories' ``resources`` (economy.yaml)
MINES = ["khabarovsk", "komsomolsk"]
#: the plot's two panels: (title, x tick labels, combination labels)
ABANDON = [("defend", "default (the seed)"),
           ("25 Aug", "abandon Vladivostok at the outbreak (25 Aug)"),
           ("27 Aug", "abandon Vladivostok on 27 Aug"),
           ("28 Aug", "abandon Vladivostok on 28 Aug (Khrushchev's day)")]
SIBERIA = [(0, "no divisions from Siberia"), (5, "5 divisions from Siberia"),
           (10, "default (the seed)"), (15, "15 divisions from Siberia"),
           (20, "20 divisions from Siberia")]


def run_combo(loaded: Any, params: dict[str, Any], runs: int, seed: int) -> dict[str, np.ndarray]:
    """Per run of one combination: the day each of :data:`REGIONS` first fell (inf:
    never), held_until_winter, Soviet men lost (all causes) after 3 and 7 days and at the
    end, of them captured, and the mineral output kept (shares 0..1: the campaign's mean
    of the ore reaching the plants, ``ore``, and the mines held on its last day,
    ``mines_end``)."""
    spec = loaded.spec
    w = compile_world(spec, params, replicas=runs)
    st = w.static
    rng = Streams.from_seed(seed, runs)
    sov = st.side("soviet")
    idx = {k: st.node(k) for k in REGIONS}
    mines = np.array([st.node(k) for k in MINES])
    delay = st.rules.resource_delay_days
    fell = {k: np.full(runs, np.inf) for k in REGIONS}
    lost: dict[str, np.ndarray] = {}
    ore = np.zeros(runs)
    al = st.alliance[sov]
    for d in range(spec.days):
        step(w, (), rng, record=False)
        s = w.state
        for k, n in idx.items():
            gone = (s.owner[:, n] != sov) & ~np.isfinite(fell[k])
            fell[k][gone] = d
        held = st.alliance[s.owner[:, mines]] == al
        fresh = (s.taken_day[:, mines] >= 0) & (d - s.taken_day[:, mines] < delay)
        ore += (held | fresh).mean(axis=1)
        if d in (2, 6):
            lost[f"lost_d{d + 1}"] = s.losses[:, sov, :, 0, :].sum(axis=(1, 2))
    s = w.state
    out: dict[str, np.ndarray] = {f"{k}_fell": v for k, v in fell.items()}
    out.update(lost)
    out["lost"] = s.losses[:, sov, :, 0, :].sum(axis=(1, 2))
    out["captured"] = s.losses[:, sov, :, 0, C_CAPTURED].sum(axis=1)
    out["ore"] = ore / spec.days
    out["mines_end"] = (st.alliance[s.owner[:, mines]] == al).mean(axis=1)
    out["held"] = (s.owner[:, idx["khabarovsk"]] == sov) & (s.owner[:, idx["komsomolsk"]] == sov)
    return out


def _boot(d: np.ndarray, boot: np.random.Generator) -> tuple[float, float, float]:
    """Mean of ``d`` and its 95 % percentile bootstrap interval (2,000 resamples)."""
    bs = np.mean(d[boot.integers(0, d.size, (2000, d.size))], axis=1)
    return float(np.mean(d)), float(np.quantile(bs, 0.025)), float(np.quantile(bs, 0.975))


def _wilson(k: float, n: int) -> tuple[float, float]:
    """95 % Wilson interval of a proportion k / n."""
    z = 1.959964
    p = k / n
    c = (p + z * z / (2 * n)) / (1 + z * z / n)
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return c - h, c + h


def _day(d: float, start: dt.date) -> str:
    return "held" if not math.isfinite(d) else (start + dt.timedelta(days=int(d))).strftime("%d %b")


def main(argv: list[str] | None = None) -> None:
    """The command line (module docstring). Bad arguments and output paths that cannot be
    written are one-line usage errors, exit 2, before anything runs."""
    a = script_args(argv, __doc__.splitlines()[0], runs=100)
    loaded = stavka.load(SID)
    start = loaded.spec.start
    boot = np.random.default_rng(12345)  # cosmetic: the intervals' resampling only
    rows, table, res_of = [], [], {}
    base: dict[str, np.ndarray] | None = None
    for label, params in COMBOS:
        res = run_combo(loaded, params, a.runs, a.seed)
        res_of[label] = res
        if base is None:
            base = res
        held = res["held"].astype(float)
        lo, hi = _wilson(held.sum(), a.runs)
        dh = _boot(held - base["held"].astype(float), boot)
        dl = _boot((res["lost"] - base["lost"]) / 1000.0, boot)
        do = _boot(res["ore"] - base["ore"], boot)
        kh = res["khabarovsk_fell"]
        table.append((
            label, f"{held.mean():.0%} [{lo:.0%}, {hi:.0%}]",
            _day(float(np.median(res["ussuriysk_fell"])), start),
            _day(float(np.median(res["vladivostok_fell"])), start),
            _day(float(np.median(kh)), start), f"{np.isfinite(res['komsomolsk_fell']).mean():.0%}",
            f"{np.median(res['lost_d3']) / 1000:,.0f}k / {np.median(res['lost_d7']) / 1000:,.0f}k",
            f"{np.mean(res['lost']) / 1000:,.0f}k ({np.mean(res['captured']) / 1000:,.0f}k)",
            f"{np.mean(res['ore']):.0%} / {np.mean(res['mines_end']):.0%}",
            f"{100 * dh[0]:+.0f} [{100 * dh[1]:+.0f}, {100 * dh[2]:+.0f}]",
            f"{dl[0]:+,.0f}k [{dl[1]:+,.0f}, {dl[2]:+,.0f}]",
            f"{100 * do[0]:+.0f} [{100 * do[1]:+.0f}, {100 * do[2]:+.0f}]"))
        for r in range(a.runs):
            rows.append({"combo": label, **{k: str(v) for k, v in params.items()},
                         "replica": r, **{k: (res[k][r] if not k.endswith("fell")
                                              else (res[k][r] if math.isfinite(res[k][r])
                                                    else "")) for k in res}})
        print(f"{label:48s} P(held until winter) {held.mean():.2f} [{lo:.2f}, {hi:.2f}], "
              f"Boli falls {_day(float(np.median(kh)), start)} (median), Soviet men lost "
              f"{np.mean(res['lost']):,.0f}, ore kept {np.mean(res['ore']):.2f}")
    keys = sorted({k for row in rows for k in row}, key=lambda k: (k != "combo", k != "replica", k))
    with (a.out / "holdtime.csv").open("w", newline="") as fh:
        wr = csv.DictWriter(fh, fieldnames=keys)
        wr.writeheader()
        wr.writerows(rows)
    md = [f"{a.runs} runs per combination, master seed {a.seed}, "
          f"{loaded.spec.start} to {loaded.spec.end} ({loaded.spec.days} days).", "",
          "| levers | P(held until winter) [95 %] | Ussuriysk falls | Vladivostok falls | "
          "Boli falls | P(Komsomolsk falls) | Soviet men lost, 3 days / a week (median) | "
          "Soviet men lost at the end (captured), mean | ore kept / mines held at the freeze | "
          "paired: P(held), points | "
          "paired: Soviet men lost | paired: ore kept, points |",
          "|---|---|---|---|---|---:|---|---|---:|---|---|---|"]
    md += ["| " + " | ".join(t) + " |" for t in table]
    md += ["", "Days are medians over the runs ('held': in more than half the runs the region "
           "did not fall). The paired change is the mean over runs of (this setting - the "
           "default), run i against run i (the same random numbers), with a 95 % bootstrap "
           "interval. Ore kept: the share of the two mining regions whose ore reached the "
           "plants (held, or lost less than a month ago: the stock at the plants), averaged over "
           "the campaign's days; mines held: the share of the two still Soviet on its last day "
           "(means)."]
    (a.out / "holdtime.md").write_text("\n".join(md) + "\n")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(7.2, 3.2), dpi=90, sharey=True)
    for ax, panel, xlabel in ((axes[0], ABANDON, "Vladivostok: defended, or abandoned on"),
                              (axes[1], SIBERIA, "divisions sent from central Siberia")):
        xs = np.arange(len(panel))
        ps, los, his = [], [], []
        for _, label in panel:
            h = res_of[label]["held"]
            lo, hi = _wilson(float(h.sum()), a.runs)
            ps.append(h.mean())
            los.append(lo)
            his.append(hi)
        ps_a = np.array(ps)
        ax.errorbar(xs, ps_a, yerr=[ps_a - np.array(los), np.array(his) - ps_a], fmt="o-",
                    color="#c0392b", capsize=3)
        ax.set_xticks(xs)
        ax.set_xticklabels([str(x) for x, _ in panel])
        ax.set_xlabel(xlabel, fontsize=8)
        ax.grid(alpha=0.3)
        ax.set_ylim(-0.02, 1.02)
    axes[0].set_ylabel("P(Boli and Komsomolsk held\nwhen the Amur freezes)", fontsize=8)
    fig.suptitle(f"red-alert-far-east: holding until winter ({a.runs} runs each, 95 % Wilson)",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(a.out / "holdtime.png")
    if a.plot is not None:
        fig.savefig(a.plot)


if __name__ == "__main__":
    main()
