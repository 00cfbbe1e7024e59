"""Closing a process pool ends its manager thread, so nothing races the interpreter's exit.

Python 3.11's ``concurrent.futures.process._python_exit`` (run as the interpreter exits)
writes to each live pool's wake-up pipe without the pool's lock, while a pool shut down
with ``wait=False`` still has its manager thread closing that pipe: rarely, a sweep then
ends with "OSError: [Errno 9] Bad file descriptor". The subprocess test widens both
halves of that race with sleeps, so it fails every time without the join, not rarely.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import stavka
from stavka.sweep import runner
from stavka.sweep.store import BatchKey

MINI = Path(__file__).resolve().parents[1] / "data" / "mini.yaml"
TASK = runner.Task(BatchKey(0, 0, 2), (), 0, 5)


def test_closing_the_pool_ends_its_manager_thread():
    with runner.open_pool("process", stavka.load(MINI), 1, None) as pool:
        assert pool is not None
        ex = pool.ex
        pool.submit(TASK).result()
        manager, wakeup = ex._executor_manager_thread, ex._executor_manager_thread_wakeup
        assert manager is not None and manager.is_alive()
    assert not manager.is_alive()
    assert wakeup._closed  # the exit hook's wakeup() is now a no-op


WIDENED = f"""
import os, time
import concurrent.futures.process as cfp
import stavka
from stavka.sweep import runner
from stavka.sweep.store import BatchKey

def wakeup(self):  # the exit hook's unlocked check-then-write, preempted in between
    if not self._closed:
        time.sleep(0.2)
        self._writer.send_bytes(b"")

def close(self):  # the manager thread's close, preempted inside Connection.close
    if not self._closed:
        self._closed = True
        os.close(self._writer._handle)
        time.sleep(0.4)
        self._writer._handle = None
        self._reader.close()

if __name__ == "__main__":
    loaded = stavka.load({str(MINI)!r})
    with runner.open_pool("process", loaded, 1, None) as pool:
        pool.submit(runner.Task(BatchKey(0, 0, 2), (), 0, 5)).result()
        cfp._ThreadWakeup.wakeup, cfp._ThreadWakeup.close = wakeup, close
    # the interpreter exits right after the pool is closed, as the CLI does
"""


def test_no_bad_file_descriptor_at_exit(tmp_path):
    script = tmp_path / "widened.py"
    script.write_text(WIDENED)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0 and done.stderr == "", done.stderr
