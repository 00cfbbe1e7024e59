"""The salvo model (stavka.combat.naval) against exchanges computed by hand.

Shipped parameters (naval_params_v1.yaml), per ship: offence / defence / staying
  battleship 3.0 / 0.5 / 2.6    carrier 6.0 / 1.5 / 2.3    cruiser 1.5 / 0.3 / 1.7
  destroyer  0.8 / 0.2 / 1.0    submarine 0.5 / 0 / 0.8    transport 0 / 0 / 1.4
  monitor    0.3 / 0.1 / 0.8    air group 2.0 / 1.0 / 1.0
"""

from __future__ import annotations

import numpy as np
import pytest

from stavka.combat import naval as nv
from stavka.enums import SHIP_CLASSES
from stavka.errors import InputError

P = nv.load_params()


def ships(**counts: float) -> np.ndarray:
    row = np.zeros(len(SHIP_CLASSES))
    for name, c in counts.items():
        row[SHIP_CLASSES.index(name)] = c
    return row[None, :]


def fleet(quality: float = 1.0, air: float = 0.0, **counts: float) -> nv.Fleet:
    return nv.Fleet(ships=ships(**counts), air=np.array([air]), quality=np.array([quality]))


def test_params_versioned_and_sourced() -> None:
    assert nv.MODEL_VERSION == "v1" and P.model_version == "naval-v1"
    assert "Hughes 1995" in P.source
    # staying power = (tons / 2,000) ** (1/3), rounded to 0.1 (Hughes 2000 after Beall 1990)
    for k in range(len(SHIP_CLASSES)):
        assert P.staying[k] == round((P.tons[k] / 2000.0) ** (1 / 3), 1)
    assert P.lift_men[SHIP_CLASSES.index("transport")] == 1000
    with pytest.raises(InputError, match="unknown naval model version 'v9'"):
        nv.load_params("v9")


def test_homogeneous_exchange_is_hughes_equation() -> None:
    # A: 4 destroyers; B: 2 cruisers.
    # A fires 4 * 0.8 = 3.2 hits; B stops 2 * 0.3 = 0.6; 2.6 get through.
    #   Hughes: dB = (alpha A - b3 B) / b1 = (3.2 - 0.6) / 1.7 = 1.529 cruisers,
    #   a fraction 2.6 / (2 * 1.7) = 0.7647 of B.
    # B fires 2 * 1.5 = 3.0 hits; A stops 4 * 0.2 = 0.8; 2.2 get through.
    #   dA = 2.2 / 1.0 = 2.2 destroyers, a fraction 2.2 / 4 = 0.55 of A.
    la, lb = nv.exchange(fleet(destroyer=4), fleet(cruiser=2), P)
    assert la[0] == pytest.approx(0.55, rel=1e-12)
    assert lb[0] == pytest.approx(2.6 / 3.4, rel=1e-12)
    assert lb[0] * 2 == pytest.approx((3.2 - 0.6) / 1.7, rel=1e-12)


def test_mixed_fleets_air_groups_and_quality() -> None:
    # A: 1 battleship + 2 destroyers.  B: 1 carrier + 1 land-based air group, quality 0.5.
    # A: offence 3.0 + 2*0.8 = 4.6, defence 0.5 + 2*0.2 = 0.9, staying 2.6 + 2*1.0 = 4.6
    # B: offence 0.5*(6.0 + 2.0) = 4.0, defence 0.5*(1.5 + 1.0) = 1.25, staying 2.3 + 1.0 = 3.3
    # on B: 4.6 - 1.25 = 3.35 >= 3.3: all of B out of action (loss 1)
    # on A: 4.0 - 0.9 = 3.1 of 4.6: loss 0.6739 (the battleship and the destroyers alike)
    la, lb = nv.exchange(fleet(battleship=1, destroyer=2), fleet(quality=0.5, air=1, carrier=1), P)
    assert lb[0] == 1.0
    assert la[0] == pytest.approx(3.1 / 4.6, rel=1e-12)


def test_defence_can_stop_a_weak_salvo() -> None:
    # A: 1 monitor (offence 0.3) against B: 2 cruisers (defence 0.6): nothing gets through.
    # B: 3.0 hits against A's defence 0.1 and staying 0.8: A is out of action.
    la, lb = nv.exchange(fleet(monitor=1), fleet(cruiser=2), P)
    assert lb[0] == 0.0 and la[0] == 1.0


def test_transports_alone_do_not_fire() -> None:
    # A: 3 transports (no offence) against B: 1 submarine (offence 0.5, no defence)
    # on A: 0.5 of staying 3 * 1.4 = 4.2 -> loss 0.5 / 4.2; on B: nothing
    la, lb = nv.exchange(fleet(transport=3), fleet(submarine=1), P)
    assert lb[0] == 0.0 and la[0] == pytest.approx(0.5 / 4.2, rel=1e-12)


def test_three_sides_split_fire_by_staying_power() -> None:
    # side 0: 1 cruiser, hostile to sides 1 (1 destroyer) and 2 (1 transport), who are allies.
    # side 0 fires 1.5 hits, split by staying power 1.0 : 1.4 ->
    #   on side 1: 1.5 * 1.0 / 2.4 = 0.625, less defence 0.2 = 0.425 of 1.0 -> loss 0.425
    #   on side 2: 1.5 * 1.4 / 2.4 = 0.875, no defence, of 1.4 -> loss 0.625
    # on side 0: the destroyer's 0.8 (the transport fires nothing) less 0.3 = 0.5 of 1.7
    force = np.concatenate([ships(cruiser=1), ships(destroyer=1), ships(transport=1)])[None]
    one = np.ones((1, 3))
    off = nv.offence(force, 0 * one, one, P)
    dfn = nv.defence(force, 0 * one, one, P)
    stay = nv.staying(force, 0 * one, P)
    hostile = np.array([[[False, True, True], [True, False, False], [True, False, False]]])
    r = nv.salvo(off, dfn, stay, hostile)
    assert r.hits[0] == pytest.approx([0.8, 0.625, 0.875], rel=1e-12)
    assert r.loss[0] == pytest.approx([0.5 / 1.7, 0.425, 0.625], rel=1e-12)


def test_vectorised_and_bit_stable() -> None:
    # n engagements at once give each engagement's own answer, bit for bit
    a = nv.Fleet(np.concatenate([ships(destroyer=4), ships(battleship=1, destroyer=2)]),
                 np.zeros(2), np.ones(2))
    b = nv.Fleet(np.concatenate([ships(cruiser=2), ships(carrier=1)]), np.array([0.0, 1.0]),
                 np.array([1.0, 0.5]))
    la, lb = nv.exchange(a, b, P)
    la0, lb0 = nv.exchange(fleet(destroyer=4), fleet(cruiser=2), P)
    la1, lb1 = nv.exchange(fleet(battleship=1, destroyer=2), fleet(quality=0.5, air=1, carrier=1), P)
    assert la.tolist() == [la0[0], la1[0]] and lb.tolist() == [lb0[0], lb1[0]]


def test_bad_params_refused() -> None:
    with pytest.raises(InputError, match="classes"):
        nv.NavalParams.from_dict({"classes": {}})
