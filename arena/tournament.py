"""Run a tournament to completion: schedule, skip what is stored, play the rest, store it.

Resuming is the same call: matches already stored under (tournament, index) are skipped, and
every match's seed depends only on the tournament seed and its index, so an interrupted run
completed later stores exactly what an uninterrupted run would have. Matches stored as void
(an endpoint failed them) are played again. One run of a tournament holds its lock at a time.

Schedules played in rounds (swiss, adaptive) loop: plan the next round from the stored
results of the rounds before it, play its missing matches, repeat until the schedule stops.
A resumed run skips the rounds stored in full (their sizes are known without planning them),
plans the first incomplete one again from the same results, which gives the same round, and
completes it: so it too ends with what an uninterrupted run stores.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from arena.backends import open_backend
from arena.backends.plan import FixturePlayer, MatchPlan
from arena.config import AgentSpec, TournamentConfig
from arena.errors import StoreError
from arena.records import MatchRecord
from arena.run_lock import tournament_lock
from arena.schedule import DynamicSchedule, Fixture, Played
from arena.store import Result, Store, VoidMatch

ProgressCallback = Callable[[int, int], None]  # (stored so far, total)


@dataclass(frozen=True)
class TournamentReport:
    """What one call of ``run_tournament`` did."""

    name: str
    db: Path
    total: int
    already_stored: int
    played: int
    seconds: float
    workers: int
    void: tuple[VoidMatch, ...] = ()  # matches an endpoint failed: stored as void, not rated
    # Schedules played in rounds: rounds planned, why the schedule ended ("target_ci reached",
    # "max_matches spent", "N rounds played"; None while a round is incomplete: void matches),
    # the widest 95% interval at the last fit (adaptive), and the most matches it could play.
    rounds: int | None = None
    stopped: str | None = None
    widest_ci: float | None = None
    max_matches: int | None = None
    backend_stats: Any = None  # what the backend measured (Ray: task and driver seconds)


@dataclass(frozen=True)
class RoundsPlayed:
    """How a schedule played in rounds ended, in one call of ``run_tournament``."""

    rounds: int  # rounds planned (the last one may be incomplete when stopped is None)
    scheduled: int  # matches in those rounds
    stopped: str | None
    widest_ci: float | None


def fixtures_for(config: TournamentConfig, n_seats: int) -> list[Fixture]:
    """The tournament's full schedule (a round robin, random groups or role-balanced)."""
    return config.fixtures(n_seats)


def stop_local_models(config: TournamentConfig) -> None:
    """Stop the llama.cpp servers the tournament's ``local`` models started."""
    if any(a.is_llm and a.params.get("provider") == "local" for a in config.agents):
        from arena.agents.llm.local_server import stop_all

        stop_all()


def run_tournament(
    config: TournamentConfig,
    db: str | Path,
    *,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
    backend: str | None = None,
    address: str | None = None,
) -> TournamentReport:
    """Play every match of ``config`` not yet stored in ``db`` and store it.

    ``backend`` and ``address`` override the file's ``[tournament]`` ones (``local`` and none
    by default): where the matches run never changes what is stored.
    """
    started = time.perf_counter()
    plan = MatchPlan(config.game_id, config.game_params, config.agents, config.moderator)
    n_seats = len(plan.make_env().possible_agents)
    dynamic = config.dynamic_schedule()
    fixtures: list[Fixture] = []
    if config.feedback is not None:
        from arena.feedback import feedback_fixtures

        fixtures = feedback_fixtures(config, config.feedback)
    elif dynamic is None:
        fixtures = fixtures_for(config, n_seats)
    # A schedule played in rounds is bounded, not known: its bound until it stops.
    total = len(fixtures) if dynamic is None else dynamic.max_matches
    db = Path(db)
    with (
        tournament_lock(db, config.name),
        open_backend(
            backend or config.backend,
            plan,
            workers or config.workers,
            address or config.address,
        ) as runner,
        Store(db) as store,
    ):
        row = store.open_tournament(
            config.name,
            game_id=config.game_id,
            config=config.results_key(),
            seed=config.seed,
            n_matches=total,
        )
        stored = store.stored_indices(row.id)
        pending = [f for f in fixtures if f.index not in stored]
        done = len(fixtures) - len(pending) if dynamic is None else len(stored)
        already = done
        if progress:
            progress(done, total)

        def stored_now(count: int) -> None:
            nonlocal done
            done += count
            if progress:
                progress(done, total)

        rounds: RoundsPlayed | None = None
        try:
            if config.feedback is not None:
                from arena.feedback import run_feedback

                stored_now(run_feedback(config, plan, store, row.id))
            elif dynamic is not None:

                def play(fixtures: list[Fixture]) -> None:
                    runner.run(fixtures, db=str(db), tournament_id=row.id, stored=stored_now)

                rounds = play_rounds(dynamic, config, store, row.id, play, db)
                if progress and rounds.stopped is not None:
                    progress(done, done)  # the bound was not reached: the bar ends full
            else:
                runner.run(pending, db=str(db), tournament_id=row.id, stored=stored_now)
        finally:
            stop_local_models(config)
        void = tuple(store.void_matches(config.name))
        now = len(store.stored_indices(row.id))
    if rounds is not None:
        return TournamentReport(
            name=config.name,
            db=db,
            total=rounds.scheduled,
            already_stored=already,
            played=now - already,
            seconds=time.perf_counter() - started,
            workers=runner.workers,
            void=void,
            backend_stats=getattr(runner, "stats", None),
            rounds=rounds.rounds,
            stopped=rounds.stopped,
            widest_ci=rounds.widest_ci,
            max_matches=total,
        )
    return TournamentReport(
        name=config.name,
        db=db,
        total=len(fixtures),
        already_stored=len(fixtures) - len(pending),
        played=len(pending) - len(void),
        seconds=time.perf_counter() - started,
        workers=runner.workers,
        void=void,
        backend_stats=getattr(runner, "stats", None),
    )


def played_matches(results: list[Result], config: TournamentConfig) -> list[Played]:
    """Stored results as a dynamic schedule reads them: agents by their index in the file."""
    index = {agent.display_name: k for k, agent in enumerate(config.agents)}
    return [
        Played(int(r.match_index or 0), tuple(index[a] for a in r.agents), r.payoffs)
        for r in results
    ]


def play_rounds(
    schedule: DynamicSchedule,
    config: TournamentConfig,
    store: Store,
    tournament_id: int,
    play: Callable[[list[Fixture]], None],
    db: Path,
) -> RoundsPlayed:
    """Plan and play round after round until ``schedule`` stops, or a round stays incomplete.

    A round whose every match is stored is skipped unplanned: it was planned from the same
    results before, and the schedule did not stop there (a later round exists). The first
    incomplete round is planned again from the stored results of the rounds before it; its
    stored matches must be the ones it plans (else this arena plans differently from the
    one that stored them, and the run is refused), and ``play`` plays the others. A round
    that stays incomplete (void matches) ends the loop with ``stopped = None``: the next run
    replays them and goes on.
    """
    stored = store.stored_indices(tournament_id)
    number = start = 0
    widest: float | None = None
    while True:
        size = schedule.round_size(number, start)
        if size and all(index in stored for index in range(start, start + size)):
            number, start = number + 1, start + size
            continue
        results = store.results(config.name)
        earlier = played_matches([r for r in results if (r.match_index or 0) < start], config)
        planned = schedule.plan(number, start, earlier)
        widest = planned.widest if planned.widest is not None else widest
        if not planned.fixtures:
            return RoundsPlayed(number, start, planned.stopped, widest)
        if len(planned.fixtures) != size:
            raise RuntimeError(f"round {number} planned {len(planned.fixtures)} of {size} matches")
        names = [agent.display_name for agent in config.agents]
        by_index = {r.match_index: r.agents for r in results}
        for fixture in planned.fixtures:
            seated = tuple(names[a] for a in fixture.seats)
            if fixture.index in by_index and by_index[fixture.index] != seated:
                raise StoreError(
                    f"{db}: tournament {config.name!r}: stored match {fixture.index} "
                    f"({' v '.join(by_index[fixture.index])}) is not the one round {number} "
                    f"plans ({' v '.join(seated)}): it was stored by an arena that plans "
                    "differently; give the tournament a new name or use another --db"
                )
        play([f for f in planned.fixtures if f.index not in stored])
        stored = store.stored_indices(tournament_id)
        if any(f.index not in stored for f in planned.fixtures):
            return RoundsPlayed(number + 1, start + size, None, widest)
        number, start = number + 1, start + size


def replay_match(db: str | Path, tournament: str, match_index: int) -> MatchRecord:
    """Play stored match ``match_index`` of ``tournament`` again, alone.

    The agents are rebuilt from the tournament's stored configuration (aliases and parameters
    included), the game from the match's stored parameters and seed; language models answer
    from the database's response cache where their replies are stored. For a match played by
    this version of the arena the record's turns equal the stored ones.
    """
    with Store(db, create=False) as store:
        row = store.tournament(tournament)
        if row is None:
            known = ", ".join(t.name for t in store.tournaments()) or "none"
            raise StoreError(f"{db}: no tournament {tournament!r} (stored: {known})")
        stored = store.match(tournament, match_index)
        by_name = {agent["display_name"]: agent for agent in row.config["agents"]}
        specs = tuple(AgentSpec(by_name[n]["name"], by_name[n]["params"], n) for n in stored.agents)
        moderator = row.config.get("moderator")
        player = FixturePlayer(MatchPlan(stored.game_id, stored.params, specs, moderator))
        player.use_store(store)
        fixture = Fixture(match_index, tuple(range(len(specs))), stored.seed)
        (record,) = player.play([fixture])
    if not isinstance(record, MatchRecord):
        raise StoreError(f"{db}: match {match_index} of {tournament!r} is void now: {record.error}")
    return record
