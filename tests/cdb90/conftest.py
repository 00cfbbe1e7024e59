from __future__ import annotations

from pathlib import Path

import pytest

BATTLES = Path("/work/shared/data/cdb90/battles.csv")
_REPO_COPY = Path(__file__).resolve().parents[2] / "data" / "cdb90" / "battles.csv"


@pytest.fixture(scope="session")
def battles_csv() -> Path:
    for p in (BATTLES, _REPO_COPY):
        if p.exists():
            return p
    pytest.skip("CDB90 battles.csv not available")
