"""Play a tournament's matches as tasks of a Ray cluster; the driver alone writes the store.

The fixtures go out in batches, one Ray task each. A task plays its batch exactly as a local
worker does (``FixturePlayer``: the same environment, agents and deterministic replay cache,
kept per worker process across tasks) and sends back the matches encoded for the database; the
driver writes each batch in one transaction as it arrives. So one SQLite file holds the
tournament whatever the cluster, remote machines need no access to it, and a killed driver
resumes exactly as the local backend does (the same skip of stored indices). A task whose
worker dies is played again by Ray elsewhere (``TASK_RETRIES`` times); only a task that
finished reaches the driver, and a match index is stored once (``INSERT OR IGNORE``).

Language-model tournaments keep each endpoint's ``concurrency`` for the whole cluster: every
call takes a lease from one ``EndpointLimiter`` actor that all tasks share (a lease a dead
worker held expires after the call's longest possible duration). The response cache stays
the database's: a ``CacheReader`` actor on the driver's machine answers lookups from the file,
and new replies travel back with their batch for the driver to write.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import logging
import math
import os
import pickle
import socket
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from arena.backends.local import WorkerDied, chunk_size, default_workers
from arena.backends.plan import FixturePlayer, MatchFailed, MatchPlan
from arena.errors import ArenaError, ConfigError
from arena.records import MatchRecord
from arena.schedule import Fixture
from arena.store import PreparedMatch, VoidMatch

TASK_RETRIES = 3  # times a task whose worker died is played again elsewhere
PLAYERS_KEPT = 4  # plans a worker process keeps a player (env, agents, replay cache) for
LEASE_MARGIN = 60.0  # seconds a limiter lease outlives the longest call it can cover

Reply = tuple[str, str, str, Any]  # cache key, provider, model, Completion


def import_ray() -> Any:
    """Ray, or a one-line error saying how to install it."""
    try:
        import ray
    except ImportError:
        raise ConfigError(
            "backend 'ray' needs Ray: pip install 'strategic-arena[ray]' (or use backend local)"
        ) from None
    return ray


@dataclass
class BatchResult:
    """What a task sends back: the batch's matches encoded for the database, the void ones,
    the model replies it got that the cache did not hold, and the endpoints that answered."""

    prepared: list[PreparedMatch] = field(default_factory=list)
    voids: list[VoidMatch] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    answered: set[tuple[str, str]] = field(default_factory=set)
    seconds: float = 0.0  # the task's own time, from start to encoded result


# -- in the worker processes -----------------------------------------------------------------

_players: dict[str, FixturePlayer] = {}


def _player_for(plan_key: str, plan: MatchPlan) -> FixturePlayer:
    """This process's player of ``plan`` (kept across tasks, as a local worker keeps one)."""
    player = _players.pop(plan_key, None) or FixturePlayer(plan)
    _players[plan_key] = player
    while len(_players) > PLAYERS_KEPT:
        _players.pop(next(iter(_players))).close()
    return player


class RemoteCache:
    """The response cache as a task sees it: lookups go to the driver's database through the
    ``CacheReader`` actor; new replies are kept for the driver to write."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self.replies: list[Reply] = []
        self._mine: dict[str, Any] = {}
        self.hits = 0
        self.misses = 0

    async def lookup(self, key: str) -> Any:
        found = self._mine.get(key)
        if found is None:
            found = await self._reader.get.remote(key)
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def get(self, key: str) -> Any:
        import ray

        found = self._mine.get(key)
        return found if found is not None else ray.get(self._reader.get.remote(key))

    def put(self, key: str, provider: str, model: str, completion: Any) -> None:
        from dataclasses import replace

        self.replies.append((key, provider, model, completion))
        self._mine[key] = replace(completion, faults=(), from_cache=True)


class _ClusterLimit:
    """``async with`` one lease of an endpoint's cluster-wide concurrency limit."""

    def __init__(self, limiter: Any, spec: Any) -> None:
        from arena.agents.llm.provider import endpoint_key

        self._limiter = limiter
        self._key = endpoint_key(spec.provider, spec.base_url)
        self._limit = spec.concurrency
        self._lease = spec.timeout * (spec.max_retries + 1) + LEASE_MARGIN
        self._token: int | None = None

    async def __aenter__(self) -> None:
        self._token = await self._limiter.acquire.remote(self._key, self._limit, self._lease)

    async def __aexit__(self, *exc: object) -> None:
        if self._token is not None:
            await self._limiter.release.remote(self._token)
            self._token = None


class Keys:
    """The API keys a plan's models read from the driver's environment, for the workers,
    whose environment is the cluster's. Never printed: its repr names only the variables."""

    def __init__(self, values: dict[str, str]) -> None:
        self._values = values

    def __repr__(self) -> str:
        return f"Keys({', '.join(sorted(self._values))})"

    @contextmanager
    def in_environment(self) -> Iterator[None]:
        """Set the variables a worker lacks for the task's duration (a worker's own win)."""
        added = [name for name in self._values if not os.environ.get(name)]
        for name in added:
            os.environ[name] = self._values[name]
        try:
            yield
        finally:
            for name in added:
                os.environ.pop(name, None)


def key_variables(plan: MatchPlan) -> set[str]:
    """The environment variables the plan's models and judges read their keys from."""
    from arena.agents.llm.spec import DEFAULT_KEY_VARIABLES

    tables = [spec.params for spec in plan.agents if spec.is_llm] + plan.judge_specs()
    names = {t.get("api_key_env") or DEFAULT_KEY_VARIABLES.get(t["provider"]) for t in tables}
    return {name for name in names if name}


def play_batch(
    plan_key: str,
    plan: MatchPlan,
    fixtures: list[Fixture],
    services: tuple[Any, Any, Keys] | None,
) -> BatchResult:
    """A Ray task: play ``fixtures`` of ``plan`` and return them encoded for the driver."""
    started = time.perf_counter()
    if services is None:
        # A replayed match's turns are encoded once, for the match it replays (and pickled
        # back once: the batch's replays share the objects).
        player = _player_for(plan_key, plan)
        played = player.play(fixtures)
        encoded = player.encode([r for r in played if isinstance(r, MatchRecord)])
        return BatchResult(encoded, seconds=time.perf_counter() - started)
    from arena.agents.llm.provider import answered_endpoints, use_cluster_limits

    limiter, reader, keys = services
    cache = RemoteCache(reader)
    answered: set[tuple[str, str]] = set()
    use_cluster_limits(lambda spec: _ClusterLimit(limiter, spec))
    try:
        with keys.in_environment():
            player = _player_for(plan_key, plan)
            player.use_cache(cache)
            outcomes = player.play(fixtures, lambda _: answered.update(answered_endpoints()))
    finally:
        use_cluster_limits(None)
    records = [r for r in outcomes if isinstance(r, MatchRecord)]
    voids = [r for r in outcomes if isinstance(r, VoidMatch)]
    encoded = player.encode(records)
    return BatchResult(encoded, voids, cache.replies, answered, time.perf_counter() - started)


# -- actors ----------------------------------------------------------------------------------


class EndpointLimiter:
    """One concurrency limit per model endpoint for every task of a tournament (an async
    Ray actor). Leases expire, so a worker that dies holding one frees it in time."""

    def __init__(self) -> None:
        self._limits: dict[tuple[str, str], asyncio.Semaphore] = {}
        self._leases: dict[int, tuple[tuple[str, str], float]] = {}
        self._tokens = itertools.count()
        self._reaper: asyncio.Task[None] | None = None
        self.in_use: dict[tuple[str, str], int] = {}
        self.peak: dict[tuple[str, str], int] = {}

    async def acquire(self, key: tuple[str, str], limit: int, lease: float) -> int:
        if self._reaper is None:
            self._reaper = asyncio.get_running_loop().create_task(self._reap())
        semaphore = self._limits.setdefault(key, asyncio.Semaphore(limit))
        await semaphore.acquire()
        token = next(self._tokens)
        self._leases[token] = (key, time.monotonic() + lease)
        self.in_use[key] = self.in_use.get(key, 0) + 1
        self.peak[key] = max(self.peak.get(key, 0), self.in_use[key])
        return token

    async def release(self, token: int) -> None:
        held = self._leases.pop(token, None)
        if held is not None:
            self.in_use[held[0]] -= 1
            self._limits[held[0]].release()

    async def peaks(self) -> dict[tuple[str, str], int]:
        """The most calls each endpoint had in flight at once."""
        return dict(self.peak)

    async def _reap(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            now = time.monotonic()
            for token in [t for t, (_, ends) in self._leases.items() if ends < now]:
                await self.release(token)


class CacheReader:
    """Answers response-cache lookups from the driver's database (a Ray actor pinned to the
    driver's machine, where the file is)."""

    def __init__(self, db: str) -> None:
        from arena.agents.llm.cache import ResponseCache
        from arena.store import Store

        self._store = Store(db, readonly=True)
        self._cache = ResponseCache(self._store.connection)

    def get(self, key: str) -> Any:
        return self._cache.get(key)


# -- the driver ------------------------------------------------------------------------------


@dataclass
class RayStats:
    """Where a Ray run's time went, for the benchmark's projection to larger clusters."""

    tasks: int = 0
    task_seconds: float = 0.0  # summed over tasks: the part more machines divide
    write_seconds: float = 0.0  # the driver's inserts: the part no cluster divides
    start_seconds: float = 0.0  # starting or joining the cluster


class RayBackend:
    """``with RayBackend(plan, workers, address=...) as backend: backend.run(fixtures, ...)``.

    Without ``address`` it starts a Ray instance on this machine with ``workers`` CPUs (one per
    core by default) and stops it afterwards; with one (``auto``, ``HOST:PORT``) it joins that
    cluster and uses all of it. If Ray is already initialised in this process, it uses that.
    """

    def __init__(self, plan: MatchPlan, workers: int | None = None, *, address: str | None = None):
        if any(spec.is_llm and spec.params.get("provider") == "local" for spec in plan.agents):
            raise ConfigError(
                "backend 'ray': provider 'local' runs its model on this machine; "
                "use backend local for it, or serve the model and use openai-compatible"
            )
        self.plan = plan
        self.address = address
        self.requested = workers
        self.workers = workers or default_workers()
        self.concurrent = plan.concurrent
        self._ray: Any = None
        self._started = False
        self._plan_ref: Any = None
        self._plan_key = hashlib.sha256(pickle.dumps(plan)).hexdigest()[:16]
        self._limiter: Any = None
        self.stats = RayStats()

    def __enter__(self) -> RayBackend:
        started = time.perf_counter()
        ray = self._ray = import_ray()
        if not ray.is_initialized():
            options: dict[str, Any] = {
                "include_dashboard": False,
                "log_to_driver": False,
                "logging_level": logging.ERROR,
            }
            if self.address is not None:
                self._check_reachable(self.address)
            try:
                if self.address is None:
                    ray.init(address="local", num_cpus=self.workers, **options)
                else:
                    ray.init(address=self.address, **options)
            except (ConnectionError, RuntimeError, ValueError) as error:
                raise ConfigError(self._init_problem(error)) from None
            self._started = True
        if self.address is not None or not self._started:
            self.workers = max(1, int(ray.cluster_resources().get("CPU", 1)))
        self._plan_ref = ray.put(self.plan)
        self.stats.start_seconds = time.perf_counter() - started
        return self

    @staticmethod
    def _check_reachable(address: str) -> None:
        """A ``HOST:PORT`` nobody listens at fails now, in one line; Ray would retry for
        minutes. (``auto`` and ``ray://`` addresses are Ray's to resolve.)"""
        host, _, port = address.rpartition(":")
        if not host or not port.isdigit() or "://" in address:
            return
        try:
            socket.create_connection((host, int(port)), timeout=10).close()
        except OSError as error:
            raise ConfigError(
                f"backend 'ray': no Ray cluster answers at {address} ({error.strerror or error}); "
                "start one with `ray start --head` there, or check --address"
            ) from None

    def _init_problem(self, error: Exception) -> str:
        """Why Ray did not start or connect, in one line."""
        where = f"the Ray cluster at {self.address}" if self.address else "a local Ray instance"
        text = " ".join(str(error).split())
        if "uthenticat" in text or "auth token" in text.lower():
            return (
                f"backend 'ray': {where} wants its token: export RAY_AUTH_MODE=token, with the "
                "head node's ~/.ray/auth_token on this machine (or RAY_AUTH_TOKEN set)"
            )
        return f"backend 'ray': cannot start or join {where}: {text[:300]}"

    def __exit__(self, *exc: object) -> None:
        if self._limiter is not None:
            self._ray.kill(self._limiter)
            self._limiter = None
        if self._started:
            self._ray.shutdown()
            self._started = False

    def limiter(self) -> Any:
        """The tournament's ``EndpointLimiter`` actor (started at the first language model)."""
        if self._limiter is None:
            actor = self._ray.remote(max_concurrency=100_000)(EndpointLimiter)
            self._limiter = actor.remote()
        return self._limiter

    def _reader(self, db: str) -> Any:
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        here = self._ray.get_runtime_context().get_node_id()
        actor = self._ray.remote(CacheReader).options(
            scheduling_strategy=NodeAffinitySchedulingStrategy(node_id=here, soft=False)
        )
        return actor.remote(str(Path(db).resolve()))

    def _batches(self, fixtures: Sequence[Fixture]) -> list[list[Fixture]]:
        if self.concurrent:  # a batch's matches wait on the network together
            size = max(1, min(self.plan.in_flight(), math.ceil(len(fixtures) / self.workers)))
        else:
            size = chunk_size(len(fixtures), self.workers)
        return [list(fixtures[i : i + size]) for i in range(0, len(fixtures), size)]

    def run(
        self,
        fixtures: Sequence[Fixture],
        *,
        db: str,
        tournament_id: int,
        stored: Callable[[int], None],
    ) -> None:
        """Play ``fixtures`` as Ray tasks and store each batch here, as it arrives.

        As on the local backend, until every model endpoint has answered once finished
        batches are held back, so an endpoint that is down stops the run with nothing stored.
        """
        if not fixtures:
            return
        from arena.agents.llm.cache import ResponseCache
        from arena.store import Store

        ray = self._ray
        services = None
        if self.concurrent:
            keys = Keys({n: os.environ[n] for n in key_variables(self.plan) if os.environ.get(n)})
            services = (self.limiter(), self._reader(db), keys)
        task = ray.remote(max_retries=TASK_RETRIES, retry_exceptions=False)(play_batch)
        pending = {
            task.remote(self._plan_key, self._plan_ref, batch, services): batch
            for batch in self._batches(fixtures)
        }
        endpoints = self.plan.endpoints()
        answered: set[tuple[str, str]] = set()
        held: list[BatchResult] = []
        store = Store(db)
        cache = ResponseCache(store.connection)

        def flush() -> None:
            started = time.perf_counter()
            for result in held:
                if result.replies:
                    with store.transaction():
                        for key, provider, model, completion in result.replies:
                            cache.put(key, provider, model, completion)
                if result.voids:
                    store.write_void(tournament_id, result.voids)
                stored(store.write_prepared(tournament_id, result.prepared))
                self.stats.tasks += 1
                self.stats.task_seconds += result.seconds
            held.clear()
            self.stats.write_seconds += time.perf_counter() - started

        try:
            while pending:
                done, _ = ray.wait(list(pending), num_returns=1)
                for ref in done:
                    batch = pending.pop(ref)
                    held.append(self._result(ref, batch))
                    answered |= held[-1].answered
                if endpoints <= answered:
                    flush()
            flush()
        finally:
            for ref in pending:
                ray.cancel(ref, force=True)
            store.close()

    def _result(self, ref: Any, batch: list[Fixture]) -> BatchResult:
        """The task's result, or its error as the local backend would raise it."""
        from ray import exceptions

        try:
            result: BatchResult = self._ray.get(ref)
            return result
        except exceptions.RayTaskError as error:
            cause = error.cause
            if isinstance(cause, ArenaError):
                raise cause from None
            first = batch[0].index
            raise MatchFailed(
                f"a Ray task of matches {first} to {batch[-1].index} failed: "
                f"{type(cause).__name__}: {cause}"
            ) from None
        except (exceptions.WorkerCrashedError, exceptions.NodeDiedError) as error:
            raise WorkerDied(
                f"Ray workers died {TASK_RETRIES + 1} times playing matches {batch[0].index} "
                f"to {batch[-1].index} ({type(error).__name__}); the matches stored so far "
                "are kept: run the same command again to resume"
            ) from None
