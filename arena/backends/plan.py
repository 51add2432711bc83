"""What a worker needs to play any fixture of a tournament, and how it plays a batch."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from arena.agents.base import ScriptedAgent
from arena.config import AgentSpec
from arena.errors import ArenaError, EndpointError
from arena.records import MatchRecord
from arena.schedule import Fixture
from arena.store import PreparedMatch, VoidMatch

Outcome = MatchRecord | VoidMatch


class MatchFailed(ArenaError):
    """A match raised: names the match and its seats so it can be replayed alone."""


@dataclass(frozen=True)
class MatchPlan:
    """The game and the agents of a tournament; small and picklable."""

    game_id: str
    game_params: dict[str, Any]
    agents: tuple[AgentSpec, ...]
    moderator: dict[str, Any] | None = None  # the [moderator] table (None: the rule moderator)

    def make_moderator(self) -> Any:
        """A fresh moderator for one match (None when the tournament names none)."""
        if self.moderator is None:
            return None
        from arena.registry import make_moderator

        return make_moderator(self.moderator)

    def make_env(self) -> Any:
        from arena.registry import make_game

        return make_game(self.game_id, **self.game_params)

    def warm_up(self) -> None:
        """Do in this process what any process does once before the first match of the plan
        is scored (``arena.scoring.prepare_scoring``: a matrix game's stage game solved, the
        solver started, about a second), so that workers forked afterwards inherit it."""
        from arena.scoring import prepare_scoring

        prepare_scoring(self.make_env())

    def replayable_seats(self) -> set[int]:
        """The agents that would replay a match rather than play it again (see
        ``FixturePlayer``): scripted and deterministic; none when the game has chance moves."""
        if not getattr(self.make_env(), "deterministic", False):
            return set()
        found = set()
        for k, spec in enumerate(self.agents):
            agent = spec.build()
            if isinstance(agent, ScriptedAgent) and not agent.info.stochastic:
                found.add(k)
        return found

    @property
    def concurrent(self) -> bool:
        """Whether some agent waits on something (a language model) rather than computes.

        Such tournaments play all their matches in one event loop, so the providers'
        concurrency limits hold for the whole tournament rather than per process.
        """
        if self.judge_specs():
            return True
        return not all(isinstance(spec.build(), ScriptedAgent) for spec in self.agents)

    def judge_specs(self) -> list[dict[str, Any]]:
        """The tables of the judges that call a language model (an ``llm`` moderator)."""
        if self.moderator is not None and "provider" in self.moderator:
            return [self.moderator]
        return []

    def endpoints(self) -> set[tuple[str, str]]:
        """The model endpoints its language models call."""
        from arena.agents.llm.provider import endpoint_key

        found = {
            endpoint_key(spec.params["provider"], spec.params.get("base_url"))
            for spec in self.agents
            if spec.is_llm
        }
        return found | {
            endpoint_key(judge["provider"], judge.get("base_url")) for judge in self.judge_specs()
        }

    def in_flight(self) -> int:
        """How many concurrent matches to keep going: enough that no provider slot idles."""
        limits = [int(spec.params.get("concurrency", 16)) for spec in self.agents if spec.is_llm]
        return max(8, 2 * sum(limits)) if limits else 8


@contextmanager
def fewer_collections(first_generation: int = 100_000) -> Iterator[None]:
    """Run the cyclic garbage collector less often while a scripted batch plays.

    A batch allocates millions of short-lived objects (moves, observations, turn records) and
    keeps its records, hundreds of thousands of turns, until they are stored: at Python's
    default threshold (a collection every 700 net allocations) the collector scans them again
    and again, a fifth of the time of a long match. Reference counting still frees almost
    everything at once; only cyclic garbage waits a little longer. The thresholds are restored
    afterwards.
    """
    before = gc.get_threshold()
    gc.set_threshold(first_generation, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)


REPLAY_CACHE_TURNS = 2_000_000  # turns kept for replaying deterministic matches, per process


class FixturePlayer:
    """Plays fixtures of one plan.

    Scripted plans play their fixtures one after another, reusing one environment and one agent
    object per seat. Like the Axelrod library's deterministic cache, when the game has no chance
    moves and every seated agent is a scripted agent that declares itself deterministic, the
    match is the same whatever its seed, so a seating played once is replayed from its turns (a
    new record with the fixture's own index and seed) instead of being played again.

    Plans with agents that wait on something (language models) play all fixtures of a batch at
    once in one event loop, each match with its own environment and agents; the providers'
    concurrency limits bound the calls in flight.
    """

    def __init__(self, plan: MatchPlan) -> None:
        self.plan = plan
        self.env = plan.make_env()
        self._agents: dict[tuple[int, int], Any] = {}
        self._store: Any = None
        self._cache: Any = None
        self._replays: dict[tuple[int, ...], MatchRecord] = {}
        self._replay_turns = 0
        self._encoded: dict[int, Any] = {}  # replays' turns encoded once (prepare_matches)
        self.concurrent = plan.concurrent

    def _replayable(self, agents: Sequence[Any]) -> bool:
        return bool(getattr(self.env, "deterministic", False)) and all(
            isinstance(agent, ScriptedAgent) and not agent.info.stochastic for agent in agents
        )

    def _remember(self, seats: tuple[int, ...], record: MatchRecord) -> None:
        if self._replay_turns + len(record.turns) <= REPLAY_CACHE_TURNS:
            self._replays[seats] = record
            self._replay_turns += len(record.turns)
            self._encoded[id(record.turns)] = None  # its replays share its encoded turns

    def _agent(self, agent_index: int, seat: int) -> Any:
        key = (agent_index, seat)
        if key not in self._agents:
            self._agents[key] = self.plan.agents[agent_index].build()
        return self._agents[key]

    def use_store(self, store: Any) -> None:
        """Answer language models from ``store``'s response cache (and keep new replies there)."""
        from arena.agents.llm.cache import ResponseCache

        self._store = store
        self._cache = ResponseCache(store.connection) if self.concurrent else None

    def use_cache(self, cache: Any) -> None:
        """Answer language models from ``cache`` (anything with ``lookup``, ``get`` and ``put``
        like ``ResponseCache``: on Ray, one that asks the driver's database)."""
        self._cache = cache if self.concurrent else None

    def close(self) -> None:
        """Close this player's database connection (checkpointing what it wrote)."""
        if self._store is not None:
            self._store.close()
            self._store = None

    async def _run(self, fixture: Fixture, env: Any, agents: list[Any]) -> Outcome:
        """Play one fixture: its record, or a void match when an endpoint failed it."""
        from arena.match import run_match

        moderator = self.plan.make_moderator()
        if moderator is not None and self._cache is not None and hasattr(moderator, "use_cache"):
            moderator.use_cache(self._cache)
        try:
            return await run_match(
                env,
                agents,
                game_id=self.plan.game_id,
                seed=fixture.seed,
                params=self.plan.game_params,
                match_index=fixture.index,
                extra={"cache": self._cache} if self._cache is not None else None,
                moderator=moderator,
                options=fixture.options,
            )
        except EndpointError as error:
            if error.stops_tournament:
                raise
            seated = tuple(agent.name for agent in agents)
            return VoidMatch(fixture.index, fixture.seed, seated, str(error))
        except Exception as error:
            names = " vs ".join(agent.name for agent in agents)
            raise MatchFailed(
                f"match {fixture.index} ({names}, seed {fixture.seed}) failed: "
                f"{type(error).__name__}: {error}"
            ) from error

    async def _play_in_turn(self, fixtures: Sequence[Fixture], records: list[Outcome]) -> None:
        for fixture in fixtures:
            agents = [self._agent(a, seat) for seat, a in enumerate(fixture.seats)]
            replayable = fixture.options is None and self._replayable(agents)
            earlier = self._replays.get(fixture.seats) if replayable else None
            if earlier is not None:
                records.append(
                    replace(earlier, seed=fixture.seed, match_index=fixture.index, duration=0.0)
                )
                continue
            record = await self._run(fixture, self.env, agents)
            if replayable and isinstance(record, MatchRecord):
                self._remember(fixture.seats, record)
            records.append(record)

    async def _play_at_once(
        self,
        fixtures: Sequence[Fixture],
        finished: Callable[[Outcome], None] | None,
        records: list[Outcome],
    ) -> None:
        window = asyncio.Semaphore(self.plan.in_flight())

        async def play_one(fixture: Fixture) -> Outcome:
            async with window:  # a match builds its env and agents only when it may start
                agents = [self.plan.agents[a].build() for a in fixture.seats]
                return await self._run(fixture, self.plan.make_env(), agents)

        tasks = [asyncio.ensure_future(play_one(f)) for f in fixtures]
        try:
            for task in asyncio.as_completed(tasks):
                record = await task
                if finished is not None:
                    finished(record)
                records.append(record)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def play(
        self,
        fixtures: Sequence[Fixture],
        finished: Callable[[Outcome], None] | None = None,
    ) -> list[Outcome]:
        """Play ``fixtures`` in one event loop; ``finished`` sees each concurrent match end.

        The records come back through a list, not as the main task's result: in the main
        thread ``asyncio.run`` restores its SIGINT handler through ``signal.getsignal``, whose
        failed enum lookup formats the handler, the main task and so its result, with every
        turn of every match in it (a quarter of a second for 20 long matches).
        """
        records: list[Outcome] = []
        if self.concurrent:
            asyncio.run(self._play_at_once(fixtures, finished, records))
        else:
            with fewer_collections():
                asyncio.run(self._play_in_turn(fixtures, records))
        return records

    def encode(self, records: Sequence[MatchRecord]) -> list[PreparedMatch]:
        """``records`` encoded for ``Store.write_prepared``; a replayed match's turns, outcome
        and metrics are encoded once, for the match it replays."""
        from arena.store import prepare_matches

        return prepare_matches(records, self._encoded)

    def play_and_store(
        self,
        fixtures: Sequence[Fixture],
        db: str,
        tournament_id: int,
        lock: Any = None,
        stored: Callable[[int], None] | None = None,
    ) -> int:
        """Play ``fixtures`` and store them; return how many were new.

        Scripted batches are stored in one transaction; concurrent matches each in their own
        as they finish (``stored`` hears of each), so an interruption loses only the matches
        in flight. A match an endpoint failed is stored as void, not as a result. Until every
        model endpoint of the plan has answered once, finished matches are held back: an
        endpoint that is down or misconfigured stops the tournament before anything is stored,
        so the corrected file can run under the same name. Each process keeps its own
        connection, so no turn is pickled back to a parent. Writers take ``lock`` (shared by
        the pool) around a transaction: SQLite alone would make a waiting writer poll with
        growing sleeps, which idles a worker for longer than the other one holds the database.
        """
        from arena.agents.llm.provider import answered_endpoints
        from arena.store import Store

        if self._store is None or str(self._store.path) != db:
            self.close()
            self.use_store(Store(db))
        store = self._store

        def write(records: list[MatchRecord]) -> int:
            prepared = self.encode(records)  # before the shared lock is taken
            if lock is None:
                return store.write_prepared(tournament_id, prepared)
            with lock:
                return store.write_prepared(tournament_id, prepared)

        if self.concurrent:
            written = 0
            held: list[Outcome] = []
            endpoints = self.plan.endpoints()

            def flush() -> None:
                nonlocal written
                for record in held:
                    if isinstance(record, VoidMatch):
                        store.write_void(tournament_id, [record])
                        continue
                    new = write([record])
                    written += new
                    if stored is not None:
                        stored(new)
                held.clear()

            def finished(record: Outcome) -> None:
                held.append(record)
                if endpoints <= answered_endpoints():
                    flush()

            self.play(fixtures, finished)
            flush()
            return written
        # The thresholds come back only once the records are gone: restored while they lived,
        # the next allocation would set off a collection that scans every turn of the batch.
        with fewer_collections():
            records = self.play(fixtures)
            written = write([r for r in records if isinstance(r, MatchRecord)])
            del records
        if lock is not None:  # one of a pool's workers: copy the log while the others play
            store.checkpoint()
        return written
