"""The diplomacy models: how a side answers a request or keeps an agreement, and how
a neutral decides to enter a war. Pure, vectorised, deterministic (detmath only).

**Decision model** (a request's answer; an agreement clause's compliance). The
probability that the deciding side says yes is logistic in five stated factors::

    z = bias + w_offer * offer - w_risk * risk - w_losses * losses
             - w_threat * threat + w_trust * (trust - 0.5)
    P(yes) = 1 / (1 + exp(-z))

* ``offer`` -- what it gets, in offer units: gold / ``gold_offer_unit_t`` (100 t = 1)
  plus the scenario's stated worth of anything else (an estimate, say so);
* ``risk`` 0..1 -- the share of its strength it would put at risk doing what is asked
  (the scenario states it for each request, counter-offer and clause);
* ``losses`` 0..1 -- its own men lost so far over its men at the start (the engine);
* ``threat`` 0..3 -- men of its enemies (or of a named side) in and next to its
  regions, per man of its own (the engine, clipped at 3);
* ``trust`` 0..1 -- its trust in the other side, moved by their history (the engine;
  :class:`DipParams` ``trust_*``).

A counter-offer is a smaller ask (its own, lower risk): with one uniform draw ``u``,
``u < P(yes | risk)`` accepts, else ``u < P(yes | counter risk)`` counters, else refuses.

**War-entry model** (a neutral power, each day)::

    z = bias + w_balance * ln(balance) + w_weakness * weakness + w_capital * capital
             - w_trust * (trust - 0.5) - w_treaty * treaty
    hazard = max_daily * 1 / (1 + exp(-z))

``balance`` is its men over the target's men on the border front (clipped to
1e-3..1e3), ``weakness`` the target's loss on its other front (1 - men / men at start,
0..1), ``capital`` 1 once the target's capital has fallen, ``trust`` its trust in the
target, ``treaty`` 1 while a restraining agreement is in force. The flagship's Japan
uses a step function of the same inputs (:func:`kantokuen_hazard`, its events.yaml
triggers); both are here so the two can be compared on the same states.

Weights and constants: ``params_v1.yaml`` beside this module, each with its source
(all judgements, C: there is no data to fit them on). Units: gold in t, men in men.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
from ruamel.yaml import YAML

from stavka import detmath as dm

#: Factor names of the decision model, in the order their terms are summed.
FACTORS = ("bias", "offer", "risk", "losses", "threat", "trust")
#: Factor names of the war-entry model, in summation order.
ENTRY_FACTORS = ("bias", "balance", "weakness", "capital", "trust", "treaty")


@dataclass(frozen=True)
class DipParams:
    """The diplomacy model's constants (``params_v1.yaml``; each value's source there).

    ``accept_*`` are the decision model's weights (logit units per factor unit),
    ``trust_*`` the changes of trust (0..1 scale) after each kind of outcome,
    ``entry_*`` the war-entry model's weights (``entry_max_daily`` a probability per
    day), ``gold_offer_unit_t`` t of gold per offer unit, ``tons_per_train`` t net per
    train, ``ton_*`` t shipped per piece of each good, ``motorcycle_truck_equivalent``
    trucks per motorcycle in a side's truck pool."""

    accept_bias: float
    accept_offer: float
    accept_risk: float
    accept_losses: float
    accept_threat: float
    accept_trust: float
    gold_offer_unit_t: float
    trust_accepted: float
    trust_refused: float
    trust_countered: float
    trust_honoured: float
    trust_broken: float
    entry_bias: float
    entry_balance: float
    entry_weakness: float
    entry_capital: float
    entry_trust: float
    entry_treaty: float
    entry_max_daily: float
    motorcycle_truck_equivalent: float
    tons_per_train: float
    ton_truck: float
    ton_motorcycle: float
    ton_tank: float
    ton_gun: float
    ton_aircraft: float

    def weights(self, **override: float | None) -> dict[str, float]:
        """The decision model's weights by factor, with ``override`` (None: keep)."""
        base = {k: getattr(self, "accept_" + k) for k in FACTORS}
        return {k: float(v) if (v := override.get(k)) is not None else base[k] for k in FACTORS}

    def entry_weights(self, **override: float | None) -> dict[str, float]:
        """The war-entry weights by factor plus ``max_daily``, with ``override``."""
        base = {k: getattr(self, "entry_" + k) for k in (*ENTRY_FACTORS, "max_daily")}
        return {k: float(v) if (v := override.get(k)) is not None else base[k] for k in base}


@cache
def params(version: str = "v1") -> DipParams:
    """The shipped parameters of ``version`` (``params_<version>.yaml``). Raises
    ``FileNotFoundError`` for an unknown version."""
    text = resources.files("stavka.diplomacy").joinpath(f"params_{version}.yaml").read_text()
    raw: dict[str, Any] = YAML(typ="safe").load(text)
    names = {f.name for f in dataclasses.fields(DipParams)}
    return DipParams(**{k: float(v["value"]) for k, v in raw.items() if k in names})


def logistic(z: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-z), elementwise; z clipped to -60..60 (float64, detmath's exp)."""
    z = np.clip(np.asarray(z, dtype=float), -60.0, 60.0)
    return 1.0 / (1.0 + dm.exp(-z))


def decision_terms(w: dict[str, float], offer: np.ndarray, risk: np.ndarray,
                   losses: np.ndarray, threat: np.ndarray, trust: np.ndarray
                   ) -> dict[str, np.ndarray]:
    """Each factor's term of the decision logit (see the module docstring), [n] each."""
    offer = np.asarray(offer, dtype=float)
    return {
        "bias": np.full(offer.shape, w["bias"]),
        "offer": w["offer"] * offer,
        "risk": -w["risk"] * np.asarray(risk, dtype=float),
        "losses": -w["losses"] * np.asarray(losses, dtype=float),
        "threat": -w["threat"] * np.asarray(threat, dtype=float),
        "trust": w["trust"] * (np.asarray(trust, dtype=float) - 0.5),
    }


def total(terms: dict[str, np.ndarray], order: tuple[str, ...] = FACTORS) -> np.ndarray:
    """The logit: the terms summed in ``order`` (a fixed reduction order)."""
    z = np.zeros_like(terms[order[0]])
    for k in order:
        z = z + terms[k]
    return z


def accept_probability(w: dict[str, float], offer: Any, risk: Any, losses: Any,
                       threat: Any, trust: Any) -> np.ndarray:
    """P(yes) of the decision model, elementwise over the factor arrays (0..1)."""
    return logistic(total(decision_terms(w, offer, risk, losses, threat, trust)))


_WHY = {
    "offer": "the offer", "risk": "the risk to its own forces", "losses": "its own losses",
    "threat": "the enemy it faces", "trust": "its trust in the other side",
    "bias": "its standing disposition",
    "balance": "the balance of forces on the border", "weakness": "the enemy's weakness "
    "on its other front", "capital": "the fall of the enemy's capital", "treaty": "the treaty",
}


def reason(terms: dict[str, float], yes: bool) -> str:
    """The factor that weighed most for the answer given: the largest positive term for
    a yes, the most negative for a no, with its value in logit units."""
    items = [(k, v) for k, v in terms.items() if k != "bias"] or list(terms.items())
    k, v = max(items, key=lambda kv: kv[1]) if yes else min(items, key=lambda kv: kv[1])
    return f"{_WHY.get(k, k)} ({v:+.1f})"


def entry_terms(w: dict[str, float], balance: Any, weakness: Any, capital: Any,
                trust: Any, treaty: Any) -> dict[str, np.ndarray]:
    """Each factor's term of the war-entry logit, elementwise."""
    ratio = np.clip(np.asarray(balance, dtype=float), 1e-3, 1e3)
    return {
        "bias": np.full(ratio.shape, w["bias"]),
        "balance": w["balance"] * dm.log(ratio),
        "weakness": w["weakness"] * np.clip(np.asarray(weakness, dtype=float), 0.0, 1.0),
        "capital": w["capital"] * np.asarray(capital, dtype=float),
        "trust": -w["trust"] * (np.asarray(trust, dtype=float) - 0.5),
        "treaty": -w["treaty"] * np.asarray(treaty, dtype=float),
    }


def entry_hazard(w: dict[str, float], balance: Any, weakness: Any, capital: Any,
                 trust: Any, treaty: Any) -> np.ndarray:
    """Daily probability that a neutral enters the war (0..``max_daily``), elementwise:
    ``max_daily * logistic(z)`` with z of the module docstring."""
    z = total(entry_terms(w, balance, weakness, capital, trust, treaty), ENTRY_FACTORS)
    return w["max_daily"] * logistic(z)


def kantokuen_hazard(east_fraction: Any, capital: Any, threshold: float = 0.5,
                     chance: float = 0.05) -> np.ndarray:
    """The flagship Japan's daily attack probability (two-fronts-1941 events.yaml
    ``japan_attacks``, without a forced date), from the same kind of inputs:
    ``east_fraction`` is Soviet men on the east front over their start, ``capital`` 1
    once Moscow has fallen. Its three chance sub-triggers each draw on their own and it
    fires if any succeeds: ``chance`` while the Far East is below ``threshold`` of its
    start, ``chance`` while below 3/4 with Moscow fallen, 0.01 with Moscow fallen, so
    ``1 - (1 - p1)(1 - p2)(1 - p3)``. The flagship keeps its event triggers; this is the
    same rule (tested against the flagship's trigger definition) for comparison with
    :func:`entry_hazard`."""
    f = np.asarray(east_fraction, dtype=float)
    cap = np.asarray(capital, dtype=bool)
    p1 = np.where(f < threshold, chance, 0.0)
    p2 = np.where((f < 0.75) & cap, chance, 0.0)
    p3 = np.where(cap, 0.01, 0.0)
    return 1.0 - (1.0 - p1) * (1.0 - p2) * (1.0 - p3)
