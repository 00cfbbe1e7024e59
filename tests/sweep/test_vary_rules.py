"""A sweep varies a campaign rule like a scenario parameter (``--vary rules.NAME=...``)."""

from __future__ import annotations

import pytest

from stavka.errors import StavkaError
from stavka.sweep import sweep


def test_vary_a_rule() -> None:
    res = sweep("two-fronts-1941", runs=6, vary={"rules.truck_range_km": "150,400"}, days=15,
                batch_size=6, workers=1)
    col = res.runs["rules.truck_range_km"]
    assert sorted(set(col.tolist())) == [150.0, 400.0]
    assert res.runs["seed"].size == 12


@pytest.mark.parametrize(("vary", "message"), [
    ({"rules.truck_range_km": "5000"}, "must be <= 2000"),
    ({"rules.nope": "1"}, "unknown rule 'nope'"),
])
def test_vary_a_rule_out_of_range(vary: dict[str, str], message: str) -> None:
    with pytest.raises(StavkaError, match=message):
        sweep("two-fronts-1941", runs=2, vary=vary, days=2, workers=1)
