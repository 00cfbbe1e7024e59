"""Combat-model parameters: literature defaults, the shipped fitted values, YAML I/O.

Every multiplier is dimensionless; rates are fractions of personnel per 24 hours of
combat. The defaults are the literature starting point (Dupuy's QJM/TNDM factors);
``params_v1.yaml`` holds the values fitted on CDB90 and a ``source:`` note saying how.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Final

import numpy as np
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from stavka.atomic import atomic_write, read_regular
from stavka.errors import InputError


def _shipped_versions() -> tuple[str, ...]:
    """The versions of the shipped parameter files ``params_v<N>.yaml``, oldest first."""
    names = [p.name for p in resources.files("stavka.combat").iterdir()]
    found = [n[len("params_"):-len(".yaml")] for n in names
             if n.startswith("params_v") and n.endswith(".yaml") and n[8:-5].isdigit()]
    return tuple(sorted(found, key=lambda v: int(v[1:])))


#: Every shipped version, derived from the parameter files beside this module; old ones
#: stay loadable and behave exactly as when shipped.
VERSIONS: Final = _shipped_versions()
#: The newest shipped combat-model version (the newest parameter file).
NEWEST_VERSION: Final = VERSIONS[-1]
#: The default combat-model version: of a scenario's ``combat_model``, of
#: ``stavka validate/calibrate cdb90`` and of :func:`load_params`. Pinned, not the newest
#: file: a new fit ships beside it and becomes the default only by changing this line,
#: deliberately, with the campaign recalibrated on it (the flagship's golden digests).
MODEL_VERSION: Final = "v4"
ERAS = ("1600-1799", "1800-1913", "1914-1918", "1919-1938", "1939-1945", "1946-1982")
REFERENCE_ERA = "1939-1945"
#: Periods of the nation-by-period combat-effectiveness values (model v2): the ERAS,
#: with the inter-war years joined to the Second World War.
CEV_PERIODS = ("1600-1799", "1800-1913", "1914-1918", "1919-1945", "1919-1945", "1946-1982")


#: Parameter keys renamed since a parameter file could first be written: old -> new.
#: :meth:`CombatParams.from_dict` still reads the old names (users' own files).
RENAMED = {"nation_quality": "nation_cev"}


def cev_key(nation: str, era: str) -> str:
    """Key of a nation's CEV in one period, e.g. ``"Germany@1919-1945"``."""
    return f"{nation}@{CEV_PERIODS[ERAS.index(era)]}"


@dataclass(frozen=True)
class CombatParams:
    """The combat model's parameters (models ``v1`` and ``v2``).

    Combat power of a force is ``(men + w_tank*tanks + w_gun*guns + w_air*aircraft)``
    times CEV (combat-effectiveness value), morale and supply factors; the defender is
    further multiplied by posture, terrain and river factors, the attacker by surprise,
    air and ground factors. ``power_ratio`` R = attacker / defender power.

    Daily personnel loss fraction (per 24 h of combat), attacker:
    ``loss_att * lethality * R**-ratio_exp * (men/1e4)**-size_exp * exp(-cum_loss/loss_saturation)``;
    the defender uses ``loss_def`` and ``R**+ratio_exp``. ``ratio_exp`` is the
    Lanchester exponent: 0 = logarithmic law (losses independent of the ratio),
    1 = square law.

    Breakpoints: each force has a hazard of breaking (per day of combat)
    ``break_rate * exp(+-break_bias/2) * R**(+-break_ratio_exp) * exp(cum_loss/breakpoint)``
    (defender ``+``, attacker ``-``), divided by morale and supply factors; the first
    force to reach its breakpoint in a step breaks (defender) or halts (attacker).

    Model v2 adds four terms, each neutral at its default so that v1 files (which do
    not set them) behave exactly as before:

    * ``force_exp``: the force-ratio exponent. log R uses ``force_exp * log(Wa/Wd)``
      of the weapons power W (numbers show diminishing returns: CDB90 outcomes depend
      only weakly on the numerical ratio), plus the logs of all multipliers.
    * ``maneuver``: log-multiplier of attacker power when it attacks by envelopment
      or against a flank or rear (``Conditions.maneuver`` = 1).
    * ``break_size_exp``: breakpoint hazards scale with ``((Na + Nd)/2e4)**-break_size_exp``
      -- big battles take longer to decide (CDB90 active hours grow about as size**0.5).
    * ``end_rule``: how ``stavka validate`` scores a battle that is still undecided
      at the end of its recorded duration: ``"standoff"`` (v1: the attacker did not
      win) or ``"race"`` (v2: the battle ended then, so the first break happens at
      the end and the breakpoint race decides who it is: P = ``DayResult.def_share``).

    ``nation_cev`` keys are nations (v1) or ``nation@period`` (v2, see
    :func:`cev_key`); the CDB90 set-up looks up ``nation@period`` first.

    Scalar fields may also be float arrays of shape [n] (one per engagement); the
    CDB90 validator uses that for ``lethality`` (era loss-rate factor).
    """

    model_version: str = MODEL_VERSION
    # weapon weights, in men-equivalents per item (aircraft: per sortie-per-day)
    w_tank: float = 40.0
    w_gun: float = 25.0
    w_air: float = 10.0
    # multipliers on defender power, by POSTURES index (attack = 1: meeting engagement)
    posture: tuple[float, ...] = (1.0, 1.3, 1.5, 1.6, 1.2, 1.0)
    # multipliers on defender power, by TERRAINS index
    terrain: tuple[float, ...] = (1.0, 1.2, 1.3, 1.45, 1.4, 1.0, 1.2, 1.0)
    # multipliers on attacker power, by GROUNDS index (the attacker must move)
    ground: tuple[float, ...] = (1.0, 0.95, 0.75, 0.95, 0.85)
    cold_per_deg: float = 0.01  # attacker power lost per degree C below -10, floor 0.5
    river: float = 1.5  # defender multiplier behind an unfrozen river
    surprise: float = 0.7  # log-multiplier of attacker power at surprise = +1
    air: float = 0.3  # log-multiplier of attacker power at air = +1
    supply_floor: float = 0.4  # power factor when supply = 0 (1 at supply = 1)
    morale_floor: float = 0.5  # power factor when morale = 0 (1 at morale = 1)
    # attrition
    loss_att: float = 0.025
    loss_def: float = 0.015
    ratio_exp: float = 0.5
    size_exp: float = 0.2
    loss_saturation: float = 0.1
    loss_sigma: float = 0.3  # lognormal sd of daily loss noise
    lethality: float | np.ndarray = 1.0  # loss-rate multiplier (scalar or per engagement)
    equip_loss_ratio: float = 1.5  # equipment loss fraction per personnel loss fraction
    break_loss: float = 0.03  # extra personnel fraction lost by the force that breaks
    # breakpoints
    break_rate: float = 1.0
    break_bias: float = 0.0
    break_ratio_exp: float = 1.0
    breakpoint: float = 0.1
    # model v2 terms (neutral defaults = model v1)
    force_exp: float = 1.0
    maneuver: float = 0.0
    break_size_exp: float = 0.0
    end_rule: str = "standoff"
    # the campaign AI's attack threshold on this model's power-ratio scale (stavka.ai.attack):
    # v2/v3 count numbers as (ratio)^~0.3 (CDB90 fit), so 1.25 there is about 2:1 in men at
    # equal CEV against a hasty defence; under v1 (linear), 1.5 is about 1.5:1. A
    # judgement of 1941 doctrine, not fitted on CDB90.
    ai_attack_odds: float = 1.25
    # CDB90 set-up factors (not used by resolve directly; the campaign is 1939-45)
    era_defence: dict[str, float] = field(default_factory=lambda: {e: 1.0 for e in ERAS})
    era_lethality: dict[str, float] = field(default_factory=lambda: {e: 1.0 for e in ERAS})
    # national combat-effectiveness values (Dupuy's CEV), used as Force.cev
    nation_cev: dict[str, float] = field(default_factory=dict)
    source: str = "literature defaults (Dupuy QJM/TNDM); not fitted"

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python dict (YAML/JSON-ready) of every field."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if isinstance(v, tuple):
                v = [float(x) for x in v]
            elif isinstance(v, dict):
                v = {str(k): float(x) for k, x in v.items()}
            elif isinstance(v, np.ndarray):
                raise ValueError(f"cannot serialise per-engagement array field '{f.name}'")
            elif isinstance(v, float | int) and not isinstance(v, bool):
                v = float(v)
            out[f.name] = v
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str = "params") -> CombatParams:
        """Build from a dict as written by :meth:`to_dict`.

        Keys written under an older name (see :data:`RENAMED`, e.g. ``nation_quality``
        for ``nation_cev``) are read under the new one. Raises :class:`InputError` (its
        message starting with ``where``) for an unknown key, a file giving both a key's
        old and new name, a value of the wrong type or a tuple of the wrong length.
        """
        names = {f.name: f for f in dataclasses.fields(cls)}
        for old, new in RENAMED.items():
            if old in data and new in data:
                raise InputError(
                    f"{where}: both '{old}' and '{new}' are given; '{old}' is the old name "
                    f"of '{new}', keep only '{new}'"
                )
        kw: dict[str, Any] = {}
        for key, val in data.items():
            key = RENAMED.get(key, key)
            if key not in names:
                from stavka.errors import did_you_mean

                raise InputError(
                    f"{where}: unknown parameter '{key}'{did_you_mean(key, list(names))}"
                )
            default = getattr(cls(), key)
            try:
                if isinstance(default, tuple):
                    val = tuple(float(x) for x in val)
                    if len(val) != len(default):
                        raise InputError(
                            f"{where}: '{key}' must have {len(default)} values (got {len(val)})"
                        )
                elif isinstance(default, dict):
                    val = {str(k): float(x) for k, x in dict(val).items()}
                elif isinstance(default, str):
                    val = str(val)
                else:
                    val = float(val)
            except (TypeError, ValueError) as exc:
                raise InputError(f"{where}: '{key}' has a bad value ({exc})") from None
            kw[key] = val
        return cls(**kw)


def _yaml() -> YAML:
    y = YAML(typ="safe")
    y.default_flow_style = False
    y.width = 100
    return y


def load_params(version: str = MODEL_VERSION) -> CombatParams:
    """Read the shipped fitted parameters of combat-model ``version`` (``"v1"`` .. ``"v4"``).

    Raises :class:`InputError` for a version with no shipped ``params_<version>.yaml``.
    """
    name = f"params_{version}.yaml"
    try:
        text = resources.files("stavka.combat").joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"unknown combat model version '{version}' (no {name})") from None
    return CombatParams.from_dict(_yaml().load(text) or {}, where=name)


#: Largest combat-parameter file read (a shipped one is a few kB).
MAX_PARAMS_BYTES: Final = 1 << 20


def read_params(path: Path) -> CombatParams:
    """Read parameters from a YAML file written by :func:`write_params`.

    Raises :class:`InputError` (naming ``path``) if the file cannot be read, is not a
    mapping, or :meth:`CombatParams.from_dict` refuses it.
    """
    try:  # a regular file only: a FIFO in its place is refused, never waited on
        data = _yaml().load(read_regular(path, MAX_PARAMS_BYTES).decode("utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read parameters ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: cannot read parameters (not UTF-8 text)") from None
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f":{mark.line + 1}" if mark is not None else ""
        why = getattr(exc, "problem", None) or "not YAML"
        raise InputError(f"{path}{at}: cannot read parameters ({why})") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a mapping of parameters")
    return CombatParams.from_dict(data, where=str(path))


def write_params(params: CombatParams, path: Path) -> None:
    """Write ``params`` as YAML, atomically (see :func:`stavka.atomic.atomic_write`)."""
    import io

    buf = io.StringIO()
    _yaml().dump(params.to_dict(), buf)
    atomic_write(path, buf.getvalue())
