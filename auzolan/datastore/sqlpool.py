"""A small pool of SQL sandbox worker processes per web process (`sqlworker.serve`), killed when they overrun.

- Workers are started with multiprocessing's `forkserver`: a fresh interpreter, spawned once, imports `sqlworker`
  (DuckDB) and forks each worker from its single thread — never a fork of the web process, whose DuckDB connections
  and threads a fork would copy; a worker starts in ~10 ms instead of ~0.5 s for a spawned one. Lazily, at most
  `DATASTORE_SQL_WORKERS` per web process, reused query after query (each query gets its own fresh DuckDB connection
  in the worker).
- A call sends the job and waits for the answer in `Connection.poll` (a `select`, without the GIL), so the web
  process's other threads keep serving. No answer within the time limit plus `GRACE`: the worker is killed (SIGKILL),
  reaped and replaced in a background thread, off the request path. A worker that dies (address-space limit, killed by
  the system) is replaced the same way.
- An idle worker found dead when a job is sent (the job never started) is replaced and the job goes to another one.
- Like every `spawn`/`forkserver` child, a worker first imports the web process's main script when it is a file
  (`__mp_main__`): `python -m gunicorn` (`manage.py serve`), `manage.py` and `python -m pytest` are fine.
- All workers busy: the call waits up to `wait` seconds for one, then raises `ServerBusy` (503 with Retry-After).
- A worker exits by itself when its web process goes away (its end of the pipe closes) and after `MAX_JOBS` queries
  or a memory error (`recycle`); `shutdown()` (also at exit) stops them all.
"""

from __future__ import annotations

import atexit
import math
import multiprocessing
import os
import threading
import time

from django.conf import settings
from django.utils.translation import gettext as _

from auzolan.core.ratelimit import ServerBusy
from auzolan.datastore import sqlworker

#: Seconds a worker may take past the query's time limit to answer before it is killed.
GRACE = 0.5
#: Seconds a new worker may take to start (the first one starts the fork server: a fresh interpreter importing DuckDB).
START_TIMEOUT = 30
DEFAULT_WORKERS = 2
DEFAULT_MEMORY_MB = 1536

_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(["auzolan.datastore.sqlworker"])


class Overrun(Exception):
    """The worker did not answer within the time limit and was killed."""


class Died(Exception):
    """The worker ended without answering (out of address space, killed by the system)."""


class Unavailable(Exception):
    """No worker could be started."""


class Stale(Exception):
    """The idle worker had died before it got the job (the job can go to another one)."""


def size() -> int:
    return max(1, int(getattr(settings, "DATASTORE_SQL_WORKERS", DEFAULT_WORKERS)))


class Worker:
    def __init__(self):
        memory_mb = int(getattr(settings, "DATASTORE_SQL_WORKER_MEMORY_MB", DEFAULT_MEMORY_MB))
        self.conn, child = _context.Pipe()
        self.process = _context.Process(
            target=sqlworker.serve, args=(child, memory_mb * 1024 * 1024), daemon=True, name="auzolan-sql-worker"
        )
        try:
            self.process.start()
        except (OSError, EOFError) as error:  # the fork server could not start or fork
            self.conn.close()
            raise Unavailable(str(error)) from None
        finally:
            child.close()
        try:
            if not self.conn.poll(START_TIMEOUT):
                raise EOFError("no answer")
            self.conn.recv()  # ("ready", pid)
        except (OSError, EOFError) as error:
            self.stop(kill=True)
            raise Unavailable(str(error)) from None

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def ask(self, job: dict, timeout: float) -> tuple:
        if not self.process.is_alive():  # it died while idle (killed by the system): the job never started
            raise Stale
        try:
            self.conn.send(job)
        except OSError:  # the same, noticed by the pipe
            raise Stale from None
        if not self.conn.poll(timeout):
            raise Overrun
        try:
            return self.conn.recv()
        except (EOFError, OSError):
            raise Died from None

    def stop(self, *, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                self.process.kill()
        self.conn.close()
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


class Pool:
    def __init__(self):
        self.condition = threading.Condition()
        self.idle: list[Worker] = []
        self.workers: set[Worker] = set()
        self.starting = 0
        self.closed = False

    def pids(self) -> list[int]:
        with self.condition:
            return sorted(w.pid for w in self.workers if w.pid)

    def call(self, job: dict, *, timeout: float, wait: float) -> tuple:
        """The worker's reply to `job`; `Overrun` (killed) past `timeout` + GRACE; `Died`; `ServerBusy`."""
        attempts = size() + 1  # every idle worker may have been killed (then a fresh one answers)
        for attempt in range(1, attempts + 1):
            worker = self._acquire(wait)
            try:
                reply = worker.ask(job, timeout + GRACE)
                break
            except Stale:
                self._discard(worker, kill=True)
                if attempt == attempts:
                    raise Died from None
            except BaseException:  # overrun, died, or this thread interrupted: the worker's state is unknown
                self._discard(worker, kill=True)
                raise
        if reply[-1]:  # the worker asked to be recycled and is exiting
            self._discard(worker)
        else:
            self._release(worker)
        return reply

    def _acquire(self, wait: float) -> Worker:
        deadline = time.monotonic() + wait
        with self.condition:
            while not (self.idle or len(self.workers) + self.starting < size()):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise ServerBusy(
                        _("Le serveur exécute déjà le maximum de requêtes SQL. Réessayez dans %(seconds)s s.")
                        % {"seconds": math.ceil(wait) or 1},
                        retry_after=math.ceil(wait),
                    )
                self.condition.wait(remaining)
            if self.idle:
                return self.idle.pop()
            self.starting += 1
        return self._start()

    def _start(self) -> Worker:
        """A new worker (the caller counted it in `starting`)."""
        try:
            worker = Worker()
        except BaseException:
            with self.condition:
                self.starting -= 1
                self.condition.notify()
            raise
        with self.condition:
            self.starting -= 1
            self.workers.add(worker)
        return worker

    def _release(self, worker: Worker) -> None:
        with self.condition:
            if not self.closed and len(self.workers) <= size():
                self.idle.append(worker)
                self.condition.notify()
                return
            self.workers.discard(worker)
        worker.stop()

    def _discard(self, worker: Worker, *, kill: bool = False) -> None:
        """Stop `worker` and start its replacement, in a background thread (killing and reaping take a moment)."""
        with self.condition:
            self.workers.discard(worker)
            replace = not self.closed and len(self.workers) + self.starting < size()
            if replace:
                self.starting += 1
        threading.Thread(target=self._replace, args=(worker, kill, replace), daemon=True).start()

    def _replace(self, worker: Worker, kill: bool, replace: bool) -> None:
        worker.stop(kill=kill)
        if not replace:
            return
        try:
            fresh = self._start()
        except Exception:  # the next call starts one on demand
            return
        self._release(fresh)

    def shutdown(self) -> None:
        with self.condition:
            self.closed = True
            workers, self.idle, self.workers = list(self.workers), [], set()
            self.condition.notify_all()
        for worker in workers:
            worker.stop(kill=True)


_pools: dict[int, Pool] = {}
_pools_lock = threading.Lock()


def pool() -> Pool:
    """This process's pool (a forked web process starts its own)."""
    pid = os.getpid()
    with _pools_lock:
        if pid not in _pools:
            _pools.clear()
            _pools[pid] = Pool()
        return _pools[pid]


def shutdown() -> None:
    """Stop this process's workers (a new pool starts on demand)."""
    with _pools_lock:
        current = _pools.pop(os.getpid(), None)
    if current is not None:
        current.shutdown()


atexit.register(shutdown)
