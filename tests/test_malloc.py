"""stavka.malloc: the allocator settings of the processes stavka owns."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from stavka import malloc


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_settings_apply_on_glibc() -> None:
    # in a fresh interpreter: the function is cached per process, and this one's
    # allocator should not be changed by a test
    code = "from stavka.malloc import keep_freed_memory as k; print(k(), k())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["True", "True"]


def test_importing_stavka_changes_nothing() -> None:
    # only the stavka command and the sweep's workers call it, never an import
    code = ("import stavka.api, stavka.sweep.core, stavka.malloc as m; "
            "print(m.keep_freed_memory.cache_info().currsize)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "0"


def test_thresholds_cover_a_default_batch() -> None:
    # a [R, F] float64 temporary of the sweep's default batch must come from the heap
    from stavka.sweep.core import DEFAULT_BATCH

    mmap_threshold = dict(malloc.SETTINGS)[malloc.M_MMAP_THRESHOLD]
    assert mmap_threshold > DEFAULT_BATCH * 1024 * 8  # 1,024 formations: room to spare
