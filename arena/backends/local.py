"""Run matches on this machine: in-process for one worker, else a pool of forked processes.

Each worker plays a batch of fixtures and stores it itself, in one transaction, and closes its
database connection (checkpointing the write-ahead log) when the pool shuts down. The pool is
created before the caller opens the database or starts a progress thread, so forking copies
neither. Workers ask the kernel to kill them when the parent dies (Linux), so a killed
``arena run`` leaves no orphans behind; a worker that dies (the out-of-memory killer, say)
breaks the pool, which ends the run at once with a ``WorkerDied`` error: what was stored
stays, and the same command resumes.

Tournaments with language models are played in this process whatever the number of workers:
their matches wait on the network, not the CPU, so one event loop keeps hundreds of them going,
and each provider's concurrency limit then holds for the whole tournament.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.util import Finalize
from typing import Any

from arena.backends.plan import FixturePlayer, MatchPlan
from arena.errors import ArenaError
from arena.schedule import Fixture


class WorkerDied(ArenaError):
    """A worker process ended abruptly (killed by a signal, out of memory) during a run."""


_player: FixturePlayer | None = None
_write_lock: Any = None


def _die_with_parent() -> None:
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: orphans exit when the task pipe closes


def _init_worker(plan: MatchPlan, write_lock: Any) -> None:
    global _player, _write_lock
    _die_with_parent()
    _write_lock = write_lock
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    _player = FixturePlayer(plan)
    Finalize(_player, _player.close, exitpriority=10)  # runs when the worker exits cleanly


def _play_chunk(task: tuple[str, int, list[Fixture]]) -> int:
    assert _player is not None, "worker used before initialisation"
    return _player.play_and_store(task[2], task[0], task[1], _write_lock)


def default_workers() -> int:
    """One worker per available core."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def chunk_size(n_fixtures: int, workers: int) -> int:
    """Enough chunks to keep every worker busy and the progress bar moving, not so many
    that scheduling dominates."""
    return max(1, min(64, n_fixtures // (workers * 4) or 1))


class LocalBackend:
    """``with LocalBackend(plan, workers) as backend: backend.run(fixtures, ...)``."""

    def __init__(self, plan: MatchPlan, workers: int | None = None) -> None:
        self.plan = plan
        self.concurrent = plan.concurrent
        self.workers = 1 if self.concurrent else workers or default_workers()
        self._pool: ProcessPoolExecutor | None = None
        self._workers: list[Any] = []

    def __enter__(self) -> LocalBackend:
        if self.workers > 1:
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            context = multiprocessing.get_context(method)
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=context,
                initializer=_init_worker,
                initargs=(self.plan, context.Lock()),
            )
            self._pool.submit(int).result()  # fork every worker now, before threads or files
            # Kept here: once the pool breaks it forgets its processes, and with them how the
            # dead one died.
            self._workers = list(getattr(self._pool, "_processes", {}).values())
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        if self._pool is not None:
            if kind is not None:
                for process in list(getattr(self._pool, "_processes", {}).values()):
                    process.terminate()
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def run(
        self,
        fixtures: Sequence[Fixture],
        *,
        db: str,
        tournament_id: int,
        stored: Callable[[int], None],
    ) -> None:
        """Play and store ``fixtures``; ``stored(n)`` hears of every ``n`` matches stored."""
        if self.concurrent:
            player = FixturePlayer(self.plan)
            try:
                player.play_and_store(fixtures, db, tournament_id, stored=stored)
            finally:
                player.close()
            return
        size = chunk_size(len(fixtures), self.workers)
        tasks = [
            (db, tournament_id, list(fixtures[i : i + size])) for i in range(0, len(fixtures), size)
        ]
        if self._pool is None:
            player = FixturePlayer(self.plan)
            try:
                for task in tasks:
                    stored(player.play_and_store(task[2], db, tournament_id))
            finally:
                player.close()
            return
        pending: set[Future[int]] = {self._pool.submit(_play_chunk, task) for task in tasks}
        while pending:
            done, pending = wait(pending, return_when=FIRST_EXCEPTION)
            for future in done:
                try:
                    stored(future.result())
                except BrokenProcessPool:
                    raise WorkerDied(self._death_note()) from None

    def _death_note(self) -> str:
        for process in self._workers:
            process.join(timeout=1.0)  # reaped, so that its exit code is known
        codes = [process.exitcode for process in self._workers]
        signals = {-code for code in codes if code is not None and code < 0}
        if len(signals) > 1:  # the pool terminates the other workers (SIGTERM) once one dies
            signals.discard(signal.SIGTERM)
        how = ", ".join(signal.Signals(n).name for n in sorted(signals))
        cause = f" (killed by {how}; SIGKILL is what the out-of-memory killer sends)" if how else ""
        return (
            f"a worker process died{cause}; the matches stored so far are kept: "
            "run the same command again to resume"
        )
