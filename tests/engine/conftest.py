"""Fixtures of the engine tests (helpers live in engine/helpers.py)."""

from __future__ import annotations

import pytest

from stavka.api import Campaign

from .helpers import campaign


@pytest.fixture
def line() -> Campaign:
    """A fresh campaign of tests/data/t_line.yaml (seed 0)."""
    return campaign("t_line")
