from __future__ import annotations

import os
from pathlib import Path

import pytest

_REPO = Path(__file__).resolve().parents[2]
#: The project's shared data sits beside the repository (../shared), as in CI.
CANDIDATES = [
    Path(os.environ["STAVKA_CDB90"]) if os.environ.get("STAVKA_CDB90") else None,
    _REPO.parent / "shared" / "data" / "cdb90" / "battles.csv",
    Path("/work/shared/data/cdb90/battles.csv"),
]


@pytest.fixture(scope="session")
def battles_csv() -> Path:
    for p in CANDIDATES:
        if p is not None and p.exists():
            return p
    pytest.fail("CDB90 battles.csv not found beside the repository (../shared/data/cdb90/) "
                "nor at $STAVKA_CDB90")
