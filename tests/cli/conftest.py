"""The ``slow`` marker: larger runs of the fuzzers, selected with ``-m slow``."""

from __future__ import annotations


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: a larger fuzz run (select with -m slow, or set "
                                       "STAVKA_CLI_FUZZ_N)")
