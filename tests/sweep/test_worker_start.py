"""A spawn worker whose parent dies while sending its start-up data ends quietly.

``kill -9`` of ``stavka sweep`` while its pool starts cuts a worker's start-up data
short. The test sends a worker exactly such cut data, through the same pipe protocol
that multiprocessing's spawn start method uses (``popen_spawn_posix``), so no timing is
involved: the child reads a truncated stream, as after its parent's death.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from multiprocessing import get_context, reduction, spawn
from multiprocessing.context import set_spawning_popen
from pathlib import Path

import pytest

import stavka
from stavka.sweep import runner

MINI = Path(__file__).resolve().parents[1] / "data" / "mini.yaml"


def _start_data(target, args) -> bytes:
    """What a spawn parent writes to a new child: preparation data, then the process."""
    proc = get_context("spawn").Process(target=target, args=args)
    prep = spawn.get_preparation_data(proc.name)
    prep.pop("init_main_from_path", None)  # not pytest's main script
    prep.pop("init_main_from_name", None)
    buf = io.BytesIO()
    set_spawning_popen(object())  # as popen_spawn_posix does: the authkey may be sent
    try:
        reduction.dump(prep, buf)
        reduction.dump(proc, buf)
    finally:
        set_spawning_popen(None)
    return buf.getvalue()


def _child(data: bytes) -> tuple[int, str]:
    """A spawn child fed ``data``; the pipe then closes, as when the parent dies."""
    r, w = os.pipe()
    cmd = spawn.get_command_line(tracker_fd=-1, pipe_handle=r)
    child = subprocess.Popen([sys.executable, *cmd[1:]], pass_fds=(r,),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    os.close(r)
    try:
        with open(w, "wb") as fh:  # blocks while the pipe is full: the child reads on
            fh.write(data)
    except BrokenPipeError:
        pass
    _, err = child.communicate(timeout=300)
    return child.returncode, err.decode(errors="replace")


@pytest.fixture(scope="module")
def blob() -> bytes:
    return runner._scenario_blob(stavka.load(MINI))


def test_the_start_data_is_sound(blob):
    data = _start_data(runner._init_worker, (blob, os.getpid()))
    code, err = _child(data)
    assert code == 0 and err == "", err


@pytest.mark.parametrize("keep", [0.999, 0.6, 0.3])  # cut inside the scenario
def test_a_worker_cut_off_while_starting_exits_quietly(blob, keep):
    data = _start_data(runner._init_worker, (blob, os.getpid()))
    assert len(blob) >= runner._PICKLE_FRAME  # the scenario comes after the first frame
    cut = len(data) - len(blob) + int(keep * len(blob))
    code, err = _child(data[:cut])
    assert "Traceback" not in err and err == "", err
    assert code == 3


def test_without_the_guard_the_same_cut_prints_a_traceback(blob):
    # the harness sees the failure it guards against: a target outside stavka is not
    # imported before the cut, and the standard library prints its traceback
    data = _start_data(os.getpid, (blob,))
    code, err = _child(data[: len(data) - len(blob) // 2])
    assert code == 1 and "UnpicklingError" in err and "Traceback" in err


def _gone_lock_data(target, args) -> bytes:
    """Start-up data whose process carries a pool lock the parent has already removed
    (its named semaphore unlinked), as after a Ctrl-C while a pool starts."""
    import gc

    lock = get_context("spawn").Lock()
    data = _start_data(target, (*args, lock))
    del lock
    gc.collect()  # the lock's finaliser unlinks its semaphore
    return data


def test_a_worker_whose_pool_lock_is_gone_exits_quietly(blob):
    code, err = _child(_gone_lock_data(runner._init_worker, (blob, os.getpid())))
    assert "Traceback" not in err and err == "", err
    assert code == 3


def test_without_the_guard_a_gone_lock_prints_a_traceback(blob):
    code, err = _child(_gone_lock_data(os.getpid, (blob,)))
    assert code == 1 and "FileNotFoundError" in err and "Traceback" in err, err
