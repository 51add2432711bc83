"""Run a tournament to completion: schedule, skip what is stored, play the rest, store it.

Resuming is the same call: matches already stored under (tournament, index) are skipped, and
every match's seed depends only on the tournament seed and its index, so an interrupted run
completed later stores exactly what an uninterrupted run would have. Matches stored as void
(an endpoint failed them) are played again. One run of a tournament holds its lock at a time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from arena.backends.local import LocalBackend
from arena.backends.plan import FixturePlayer, MatchPlan
from arena.config import AgentSpec, TournamentConfig
from arena.errors import StoreError
from arena.records import MatchRecord
from arena.run_lock import tournament_lock
from arena.schedule import Fixture
from arena.store import Store, VoidMatch

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
) -> TournamentReport:
    """Play every match of ``config`` not yet stored in ``db`` and store it."""
    started = time.perf_counter()
    plan = MatchPlan(config.game_id, config.game_params, config.agents, config.moderator)
    n_seats = len(plan.make_env().possible_agents)
    if config.feedback is not None:
        from arena.feedback import feedback_fixtures

        fixtures = feedback_fixtures(config, config.feedback)
    else:
        fixtures = fixtures_for(config, n_seats)
    db = Path(db)
    with (
        tournament_lock(db, config.name),
        LocalBackend(plan, workers or config.workers) as backend,
        Store(db) as store,
    ):
        row = store.open_tournament(
            config.name,
            game_id=config.game_id,
            config=config.results_key(),
            seed=config.seed,
            n_matches=len(fixtures),
        )
        stored = store.stored_indices(row.id)
        pending = [f for f in fixtures if f.index not in stored]
        done = len(fixtures) - len(pending)
        if progress:
            progress(done, len(fixtures))

        def stored_now(count: int) -> None:
            nonlocal done
            done += count
            if progress:
                progress(done, len(fixtures))

        try:
            if config.feedback is not None:
                from arena.feedback import run_feedback

                stored_now(run_feedback(config, plan, store, row.id))
            else:
                backend.run(pending, db=str(db), tournament_id=row.id, stored=stored_now)
        finally:
            stop_local_models(config)
        void = tuple(store.void_matches(config.name))
    return TournamentReport(
        name=config.name,
        db=db,
        total=len(fixtures),
        already_stored=len(fixtures) - len(pending),
        played=len(pending) - len(void),
        seconds=time.perf_counter() - started,
        workers=backend.workers,
        void=void,
    )


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
