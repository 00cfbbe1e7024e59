"""Run a sweep's batches serially, on local processes or on dask workers, with retries.

Every backend runs the same :func:`stavka.sweep.batch.run_batch` on the same
replica ranges, and a replica's row does not depend on its batch, so results
are identical whatever the backend, worker count or batch size. The scenario
is shipped to each worker once (process initializer / dask broadcast), not
with every task. A batch that fails is retried up to :data:`MAX_TRIES` times in
all, then the sweep stops with one clear line; finished batches stay stored. A
pool that stops finishing batches altogether (a worker hung, or gone without the pool
noticing) is caught by a watchdog (:data:`STALL_MIN_S`): its batches count as failed
tries and run again on a new pool.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import pickle
import signal
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Any

import numpy as np

from stavka.errors import InputError, StavkaError
from stavka.malloc import keep_freed_memory
from stavka.scenario.loader import Loaded
from stavka.sweep.batch import run_batch
from stavka.sweep.store import BatchKey, code_version

MAX_TRIES = 3
CONNECT_TIMEOUT_S = 5.0
#: How long closing a process pool waits for its manager thread (see :meth:`_Pool.shutdown`).
MANAGER_JOIN_S = 10.0
BACKENDS = ("serial", "process", "dask")
#: The watchdog. Once a batch has finished, the pool must finish the next one within
#: ``max(STALL_MIN_S, STALL_FACTOR x the longest wait between two finished batches so
#: far)`` seconds; if it does not, every batch in flight counts as a failed try, the pool
#: is rebuilt (its workers killed) and they run again. Seen once: a worker left a zombie
#: after the virtual machine was suspended, and the sweep slept for hours.
STALL_MIN_S = 600.0
STALL_FACTOR = 10.0
#: Before the first batch finishes there is no wait to compare with: the first must
#: finish within ``max(STALL_MIN_S, FIRST_S_PER_STEP x the replicas x steps of the
#: largest batch in flight)``. 0.05 s a replica-step is some 15 times a campaign step at
#: one replica on a 2-core machine (3.2 ms: README, "Speed") and 700 times one in a batch
#: of 1,000: a bound for a worker that will never answer, not a forecast. The flagship's
#: default batch (1,000 x 100 days) gets 5,000 s.
FIRST_S_PER_STEP = 0.05
#: The watchdog waits in slices this long (seconds); a slice that ends more than this
#: late was a stop of the whole process (Ctrl-Z, a suspended machine), not the pool's.
WATCH_SLICE_S = 5.0
# Test-only hooks: when set to a path that does not exist yet, the first batch
# to start creates that file and then fails (raises), or kills its worker
# process outright (never set that one for the serial backend: it would end the
# sweep's own process); once. They exercise the retry paths across process
# boundaries, where monkeypatching cannot reach.
FAIL_ONCE_ENV = "STAVKA_SWEEP_FAIL_ONCE"
CRASH_ONCE_ENV = "STAVKA_SWEEP_CRASH_ONCE"
#: ... or sleeps for good in its worker (the watchdog's case), or stops its worker
#: (SIGSTOP: deaf to SIGTERM, as after a suspended machine); the stop on the process
#: backend only, the sleep on the local dask cluster too.
HANG_ONCE_ENV = "STAVKA_SWEEP_HANG_ONCE"
STOP_ONCE_ENV = "STAVKA_SWEEP_STOP_ONCE"
CODE_KEY = "__code__"


class SweepError(StavkaError):
    """A sweep could not finish (a batch kept failing); finished batches are kept."""


class SweepStalled(RuntimeError):
    """The watchdog's reason for a failed try: no batch finished in time (:data:`STALL_MIN_S`)."""


@dataclass(frozen=True)
class Task:
    """One batch to run: which replicas, with which parameter overrides."""

    key: BatchKey
    params: tuple[tuple[str, Any], ...]
    seed: int
    days: int
    record: str = ""  # "daily": the batch also returns its daily history (daily.* arrays)
    steps: int = 0  # the steps a replica runs at most (the first batch's watchdog)


Columns = dict[str, np.ndarray]
_LOADED: Loaded | None = None


def _init_worker(loaded: Loaded | bytes, parent: int | None = None) -> None:
    """Process-pool initializer: keep the scenario (a :class:`Loaded`, or one pickled by
    :func:`_scenario_blob`) for every task of this worker, and end the worker if its
    parent dies (a ``kill -9`` of ``stavka sweep`` must not leave workers computing for
    nobody)."""
    global _LOADED
    # Ctrl-C is the parent's to handle: it stops the pool and kills the workers
    # (_Pool.shutdown). A worker that took it too printed a KeyboardInterrupt traceback
    # per process. SIGINT was blocked when the worker was started (_Pool.submit), so none
    # could arrive during its start-up; ignored from here on, it is unblocked again.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    keep_freed_memory()  # a process of our own: the engine's temporaries reuse the heap
    _LOADED = pickle.loads(loaded) if isinstance(loaded, bytes) else loaded
    # the parent's pid comes from the parent: if it died before this worker got here,
    # os.getppid() would already be the reaper's
    _exit_with_parent(parent if parent is not None else os.getppid())


#: Pickle's frame size (protocol 4+): a bytes object at least this long is written
#: outside the frames, after everything before it has been committed.
_PICKLE_FRAME = 64 * 1024


def _scenario_blob(loaded: Loaded) -> bytes:
    """``loaded`` pickled for a worker's initializer, at least one pickle frame long.

    Sent as one long bytes object, the scenario comes after a complete first frame that
    holds the initializer's name: a spawn child whose start-up data is cut short by the
    parent's death has imported this module (and installed the quiet exit below) before
    it reads the scenario. Padding (``pickle.loads`` ignores what follows the pickle)
    keeps a small scenario out of that frame too.
    """
    blob = pickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL)
    return blob + bytes(max(0, _PICKLE_FRAME - len(blob)))


def _quiet_if_orphaned_while_starting() -> None:
    """In a spawn worker that is still reading its start-up data: end quietly if the
    parent dies mid-send.

    A spawn child reads its process object (the initializer, then the scenario: 0.3 MB
    for the flagship, more than a pipe holds) from a pipe the parent writes while the
    child starts. A ``kill -9`` of ``stavka sweep`` then truncates it, and the child would
    die printing an ``UnpicklingError`` traceback. Unpickling the initializer imports this
    module before the scenario is read (see :func:`_scenario_blob`), so this runs in time
    to replace that traceback by a quiet exit. Only an ``UnpicklingError`` or ``EOFError``,
    or a ``FileNotFoundError`` (a lock of the pool the parent has already removed, read
    back by ``SemLock._rebuild`` after a Ctrl-C), raised by multiprocessing's
    own start-up (``multiprocessing.spawn._main``) is silenced, and only in a process
    that is being spawned; anything else is printed as before. (A parent killed between
    starting the child and writing its first byte, a window of microseconds, still gets
    the standard library's traceback: no code of ours runs before that read.)
    """
    import multiprocessing
    import sys

    if not getattr(multiprocessing.current_process(), "_inheriting", False):
        return
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: Any) -> None:
        if issubclass(kind, pickle.UnpicklingError | EOFError | FileNotFoundError):
            t = tb
            while t is not None:
                code = t.tb_frame.f_code
                if code.co_name == "_main" and code.co_filename.endswith(
                        os.path.join("multiprocessing", "spawn.py")):
                    os._exit(3)  # the parent is gone: nobody to report to
                t = t.tb_next
        previous(kind, exc, tb)

    sys.excepthook = hook


_quiet_if_orphaned_while_starting()


def _exit_with_parent(parent: int, every_s: float = 0.5) -> None:
    """A daemon thread that ends this process once it is orphaned (reparented)."""
    import threading
    import time

    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(3)
            time.sleep(every_s)

    threading.Thread(target=watch, name="stavka-parent-watch", daemon=True).start()


def _first_claim(env: str) -> bool:
    """True once: for the first caller to create the file named by ``env``."""
    path = os.environ.get(env)
    if not path:
        return False
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def _maybe_fail() -> None:
    if _first_claim(FAIL_ONCE_ENV):
        raise RuntimeError(f"injected failure ({FAIL_ONCE_ENV})")
    if _first_claim(CRASH_ONCE_ENV):
        os._exit(3)
    if _first_claim(HANG_ONCE_ENV):
        while True:
            time.sleep(3600)
    if _first_claim(STOP_ONCE_ENV):
        os.kill(os.getpid(), signal.SIGSTOP)


def run_task(loaded: Loaded, task: Task) -> Columns:
    """Run one batch; ``winner`` comes back as a fixed-width string array."""
    _maybe_fail()
    extra = {"record": task.record} if task.record else {}  # no recording: the call as before
    cols = run_batch(loaded, dict(task.params), task.seed, task.key.first, task.key.count,
                     days=task.days, **extra)
    return {k: (v.astype(str) if v.dtype == object else v) for k, v in cols.items()}


@functools.cache
def _worker_code() -> str:
    return code_version()


def run_remote(loaded: Loaded, task: Task) -> Columns:
    """:func:`run_task` in a worker; the result also carries ``__code__``, the worker's
    :func:`code_version` when it first ran, so a worker with other stavka code (a
    cluster node, or code edited mid-sweep) is caught instead of silently mixed in."""
    out = run_task(loaded, task)
    out[CODE_KEY] = np.array(_worker_code())
    return out


def _run_in_worker(task: Task) -> Columns:
    assert _LOADED is not None, "worker not initialised"
    return run_remote(_LOADED, task)


@contextlib.contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """Hold a Ctrl-C (SIGINT) off while a process pool starts workers, and act on it after.

    * The workers: SIGINT is blocked in this thread, and a child inherits the mask through
      exec, so one arriving while a worker starts stays pending until its initializer
      ignores it (:func:`_init_worker`): no KeyboardInterrupt traceback from its start-up.
    * This process: any of its threads may take the signal, and Python raises
      KeyboardInterrupt in the main thread at once, even half-way through starting a
      worker (one the pool had not yet listed, so its shutdown did not kill it: it died
      later on the pool's removed locks, printing a traceback). In the main thread the
      handler only notes it meanwhile, and the previous handler runs on the way out.
    """
    import threading

    main = threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGINT) if main else None
    caught: list[int] = []
    if callable(previous):
        signal.signal(signal.SIGINT, lambda *_: caught.append(1))
    old = (signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
           if hasattr(signal, "pthread_sigmask") else None)
    try:
        yield
    finally:
        if old is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
        if callable(previous):
            signal.signal(signal.SIGINT, previous)
            if caught:
                previous(signal.SIGINT, None)


class _Pool:
    """An executor that can be rebuilt when a worker process dies."""

    def __init__(self, make: Callable[[], Executor], fn: Callable[..., Columns], slots: int,
                 args: tuple[Any, ...] = (), close: Callable[[], None] | None = None,
                 renew: Callable[[], tuple[Any, ...]] | None = None):
        self._make, self._fn, self._args, self._close = make, fn, args, close
        self._renew = renew  # replaces the workers themselves; returns the new args
        self.slots = max(1, slots)  # batches it can run at once
        self.ex = make()

    def submit(self, task: Task) -> Future[Columns]:
        if not isinstance(self.ex, ProcessPoolExecutor):
            return self.ex.submit(self._fn, *self._args, task)
        with _ctrl_c_held():  # a process pool starts its workers in submit
            return self.ex.submit(self._fn, *self._args, task)

    def restart(self) -> None:
        self.shutdown()
        if self._renew is not None:
            self._args = self._renew()
        self.ex = self._make()

    def shutdown(self) -> None:
        procs = getattr(self.ex, "_processes", None) or {}
        manager = getattr(self.ex, "_executor_manager_thread", None)  # gone after shutdown
        # The workers first: do not leave a batch running after an interrupt, and a worker
        # still starting must be gone before the pool's shutdown removes the locks it is
        # reading (it printed a FileNotFoundError traceback from multiprocessing's
        # start-up, before any code of ours could quiet it).
        for p in list(procs.values()):
            with contextlib.suppress(Exception):
                # SIGKILL, not SIGTERM: a stopped worker (SIGSTOP, a suspended machine)
                # never acts on SIGTERM, and the pool's manager would wait for it forever
                p.kill()
        for p in list(procs.values()):
            with contextlib.suppress(Exception):
                p.join(timeout=MANAGER_JOIN_S)  # reaped: gone before the locks are
        if isinstance(self.ex, ProcessPoolExecutor):
            self.ex.shutdown(wait=False, cancel_futures=True)
        else:  # dask's ClientExecutor cancels its futures when not waiting
            self.ex.shutdown(wait=False)
        if manager is not None:
            # Let the pool's manager thread finish closing its wake-up pipe now (a few ms
            # once the workers are gone). Left running, it races Python 3.11's exit hook
            # (concurrent.futures.process._python_exit), which writes to that pipe without
            # the pool's lock: a rare "OSError: [Errno 9] Bad file descriptor" (or "handle
            # is closed") at the end of a sweep. Bounded: an interrupt must not hang here.
            manager.join(timeout=MANAGER_JOIN_S)

    def close(self) -> None:
        self.shutdown()
        if self._close is not None:
            self._close()


def _start_resource_tracker_quietly() -> None:
    """Start multiprocessing's resource tracker (if it is not running) without its
    shutdown warnings.

    The pool's queues hold semaphores, registered with the tracker, a helper process
    that outlives its parent and frees them. A sweep ended normally frees them itself;
    after a ``kill -9`` the tracker does it and warns "There appear to be N leaked
    semaphore objects to clean up at shutdown": noise on the user's terminal about a
    cleanup that worked. The tracker takes its warning filters from the environment it
    is started with, so it is started here with one for its own warnings.
    """
    from multiprocessing import resource_tracker

    old = os.environ.get("PYTHONWARNINGS")
    quiet = "ignore::UserWarning:multiprocessing.resource_tracker"
    os.environ["PYTHONWARNINGS"] = f"{old},{quiet}" if old else quiet
    try:
        resource_tracker.ensure_running()
    finally:
        if old is None:
            del os.environ["PYTHONWARNINGS"]
        else:
            os.environ["PYTHONWARNINGS"] = old


def _process_pool(loaded: Loaded, workers: int) -> _Pool:
    ctx = get_context("spawn")
    _start_resource_tracker_quietly()
    blob = _scenario_blob(loaded)
    return _Pool(lambda: ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker,
                                             initargs=(blob, os.getpid())),
                 _run_in_worker, workers)


def _dask_pool(loaded: Loaded, workers: int, cluster: str | None) -> _Pool:
    from distributed import Client, LocalCluster

    local = None
    try:
        if cluster is None:
            local = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                 dashboard_address=":0", silence_logs=logging.ERROR)
            client = Client(local)
        else:
            client = Client(cluster, timeout=CONNECT_TIMEOUT_S)
    except Exception as exc:  # unreachable or malformed address: one line, nothing written
        if local is not None:
            local.close()
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        where = f"--cluster {cluster}" if cluster else "local dask cluster"
        raise InputError(f"{where}: cannot connect ({first})") from None
    box = [client.scatter(loaded, broadcast=True, hash=False)]
    # an existing cluster has the threads it has, whatever --workers says
    slots = workers if local is not None else sum(
        int(w.get("nthreads", 1)) for w in client.scheduler_info()["workers"].values())

    def renew() -> tuple[Any, ...]:
        """The local cluster's workers restarted (a hung or stopped one is killed by its
        nanny) and the scenario sent to the new ones. Not on a cluster of the user's: a
        restart there would end other clients' work too."""
        client.restart(wait_for_workers=True)
        box[0] = client.scatter(loaded, broadcast=True, hash=False)
        return (box[0],)

    def close() -> None:
        with contextlib.suppress(Exception):  # drop the scenario first: no "lost data" log
            box[0].release()
        client.close()
        if local is not None:
            local.close()

    return _Pool(lambda: client.get_executor(pure=False), run_remote, slots, (box[0],), close,
                 renew if local is not None else None)


@contextlib.contextmanager
def open_pool(backend: str, loaded: Loaded, workers: int, cluster: str | None
              ) -> Iterator[_Pool | None]:
    """The backend's pool (``None`` for serial), closed on exit whatever happens."""
    if backend == "serial":
        yield None
        return
    pool = (_process_pool(loaded, workers) if backend == "process"
            else _dask_pool(loaded, workers, cluster))
    try:
        yield pool
    finally:
        pool.close()


def execute(tasks: list[Task], loaded: Loaded, pool: _Pool | None,
            on_done: Callable[[Task, Columns], None]) -> int:
    """Run ``tasks``; call ``on_done(task, columns)`` in this process as each finishes.

    Returns how many failed attempts were retried.
    """
    tries: Counter[BatchKey] = Counter()

    def failed(task: Task, exc: BaseException) -> None:
        tries[task.key] += 1
        if tries[task.key] >= MAX_TRIES:
            raise SweepError(f"batch {task.key} failed {MAX_TRIES} times; last error: "
                             f"{type(exc).__name__}: {exc}") from exc

    if pool is None:
        for task in tasks:
            while True:
                try:
                    cols = run_task(loaded, task)
                except Exception as exc:
                    failed(task, exc)
                    continue
                on_done(task, cols)
                break
    else:
        _execute_pool(tasks, pool, 2 * pool.slots, on_done, failed)
    return sum(tries.values())


def _wait_awake(futures: list[Future[Columns]], last: float, limit: float | None
                ) -> tuple[set[Future[Columns]], float]:
    """Wait for the first of ``futures`` to finish, at most until ``last + limit``
    (``time.monotonic()`` seconds; no limit if None). Returns (the finished ones, empty if
    none in time; ``last`` moved on by any time this process spent stopped).

    The wait goes in slices of :data:`WATCH_SLICE_S`; a slice that ends much later than
    asked means this process was stopped (Ctrl-Z, a suspended machine) and its workers
    with it, so that time does not count against the pool."""
    while True:
        now = time.monotonic()
        left = None if limit is None else last + limit - now
        if left is not None and left <= 0.0:
            return set(), last
        step = WATCH_SLICE_S if left is None else min(WATCH_SLICE_S, left)
        done, _ = wait(futures, timeout=step, return_when=FIRST_COMPLETED)
        if done:
            return done, last
        overslept = time.monotonic() - now - step
        if overslept > WATCH_SLICE_S:
            last += overslept


def _execute_pool(tasks: list[Task], pool: _Pool, depth: int,
                  on_done: Callable[[Task, Columns], None],
                  failed: Callable[[Task, BaseException], None]) -> None:
    pending = deque(tasks)
    inflight: dict[Future[Columns], Task] = {}
    last = time.monotonic()  # the watchdog's clock (STALL_MIN_S)
    longest: float | None = None
    while pending or inflight:
        while pending and len(inflight) < depth:  # a short queue: Ctrl-C stops soon
            task = pending.popleft()
            inflight[pool.submit(task)] = task
        limit = (max(STALL_MIN_S, STALL_FACTOR * longest) if longest is not None
                 else max(STALL_MIN_S, FIRST_S_PER_STEP * max(
                     t.key.count * max(t.steps, 1) for t in inflight.values())))
        done, last = _wait_awake(list(inflight), last, limit)
        if not done:  # stalled: no batch finished in time; start again on a new pool
            stalled = SweepStalled(f"no batch finished in {limit:.0f} s (watchdog)")
            for task in inflight.values():
                failed(task, stalled)
            pending.extendleft(reversed(list(inflight.values())))
            inflight.clear()
            pool.restart()
            last = time.monotonic()
            continue
        now = time.monotonic()
        longest, last = max(longest or 0.0, now - last), now
        broken = False
        for fut in sorted(done, key=lambda f: (inflight[f].key.combo, inflight[f].key.first)):
            task = inflight.pop(fut)
            try:
                cols = fut.result()
            except BrokenProcessPool as exc:
                broken = True
                failed(task, exc)
                pending.appendleft(task)
            except Exception as exc:
                failed(task, exc)
                pending.appendleft(task)
            else:
                on_done(task, cols)
        if broken:  # a worker died: the pool is unusable, run the rest on a new one
            pending.extendleft(inflight.values())
            inflight.clear()
            pool.restart()
