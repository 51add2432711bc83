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


_prctl: Any = None  # libc's prctl, looked up once in the parent (not Linux: False)


def _load_prctl() -> None:
    global _prctl
    if _prctl is None:
        try:
            import ctypes

            _prctl = ctypes.CDLL("libc.so.6", use_errno=True).prctl
        except (OSError, AttributeError):
            _prctl = False


def _die_with_parent() -> None:
    _load_prctl()
    if _prctl:
        _prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    # not Linux: orphans exit when the task pipe closes


def _init_worker(plan: MatchPlan, write_lock: Any) -> None:
    global _player, _write_lock
    _die_with_parent()
    _write_lock = write_lock
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    if _player is None or _player.plan is not plan:  # forked workers start with the parent's
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


MAX_CHUNK = 64  # played matches in one chunk, at most


def chunk_size(n_fixtures: int, workers: int) -> int:
    """Enough chunks to keep every worker busy and the progress bar moving, not so many
    that scheduling dominates."""
    return max(1, min(MAX_CHUNK, n_fixtures // (workers * 4) or 1))


REPLAY_COST = 0.05  # a replayed match's time beside a played one's: stored, not played


def balanced_chunks(
    fixtures: Sequence[Fixture], workers: int, replayable: set[int]
) -> list[list[Fixture]]:
    """Chunks for a pool of ``workers``, in schedule order of their first fixtures.

    Every fixture of a seating that replays (all its agents in ``replayable``, no reset
    options) goes in the chunk of the seating's first, so that the seating is played once in
    all rather than once by each worker that gets one of its fixtures. Chunks are cut by
    expected work (a replay costs ``REPLAY_COST`` of a played match): a quarter of the work
    left per worker, so that the last chunks are small and the workers finish together
    (guided scheduling), but no more than ``MAX_CHUNK`` played matches (a chunk's records
    wait in memory until it is stored) and no less than an eighth of a worker's share.
    """
    units: list[list[Fixture]] = []
    seatings: dict[tuple[int, ...], list[Fixture]] = {}
    for fixture in fixtures:
        if fixture.options is None and replayable.issuperset(fixture.seats):
            group = seatings.get(fixture.seats)
            if group is None:
                group = seatings[fixture.seats] = []
                units.append(group)
            group.append(fixture)
        else:
            units.append([fixture])
    costs = [1.0 + REPLAY_COST * (len(unit) - 1) for unit in units]
    left = sum(costs)
    smallest = min(float(MAX_CHUNK), max(1.0, left / (8 * workers)))
    chunks: list[list[Fixture]] = []
    current: list[Fixture] = []
    filled = target = 0.0
    for unit, cost in zip(units, costs):
        if not current:
            target = min(float(MAX_CHUNK), max(smallest, left / (4 * workers)))
        current += unit
        filled += cost
        left -= cost
        if filled >= target:
            chunks.append(current)
            current, filled = [], 0.0
    if current:
        chunks.append(current)
    return chunks


class LocalBackend:
    """``with LocalBackend(plan, workers) as backend: backend.run(fixtures, ...)``."""

    def __init__(self, plan: MatchPlan, workers: int | None = None) -> None:
        self.plan = plan
        self.concurrent = plan.concurrent
        self.workers = 1 if self.concurrent else workers or default_workers()
        self._pool: ProcessPoolExecutor | None = None
        self._workers: list[Any] = []
        self._replayable: set[int] = set()

    def __enter__(self) -> LocalBackend:
        global _player
        if self.workers > 1:
            # What every worker would do before its first match, done once here: forked, they
            # inherit it (for a matrix game, the solver's start: about a second each), and the
            # player with its environment and agents.
            self.plan.warm_up()
            self._replayable = self.plan.replayable_seats()
            _load_prctl()
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            context = multiprocessing.get_context(method)
            _player = FixturePlayer(self.plan)
            try:
                self._pool = ProcessPoolExecutor(
                    self.workers,
                    mp_context=context,
                    initializer=_init_worker,
                    initargs=(self.plan, context.Lock()),
                )
                # Forks every worker now, before threads or files (with fork, submit starts
                # them all); they initialise while the caller opens the database.
                self._pool.submit(int)
            finally:
                _player = None  # the workers' now; this process plays nothing with it
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
            else:
                # Every chunk is stored and committed, and the caller's own connection
                # checkpoints the log: the workers close theirs and exit (tearing down a
                # forked address space takes milliseconds) while this process goes on. The
                # interpreter still waits for them when it exits.
                self._pool.shutdown(wait=False)
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
        if self._pool is None:
            size = chunk_size(len(fixtures), self.workers)
            player = FixturePlayer(self.plan)
            try:
                for i in range(0, len(fixtures), size):
                    stored(player.play_and_store(list(fixtures[i : i + size]), db, tournament_id))
            finally:
                player.close()
            return
        tasks = [
            (db, tournament_id, chunk)
            for chunk in balanced_chunks(fixtures, self.workers, self._replayable)
        ]
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
