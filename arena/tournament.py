"""Run a tournament to completion: schedule, skip what is stored, play the rest, store it.

Resuming is the same call: matches already stored under (tournament, index) are skipped, and
every match's seed depends only on the tournament seed and its index, so an interrupted run
completed later stores exactly what an uninterrupted run would have.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from arena.backends.local import LocalBackend
from arena.backends.plan import MatchPlan
from arena.config import TournamentConfig
from arena.schedule import Fixture, round_robin
from arena.store import Store

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


def fixtures_for(config: TournamentConfig, n_seats: int) -> list[Fixture]:
    """The tournament's full schedule."""
    return round_robin(
        len(config.agents),
        n_seats,
        repetitions=config.repetitions,
        swap_seats=config.swap_seats,
        self_play=config.self_play,
        seed=config.seed,
    )


def run_tournament(
    config: TournamentConfig,
    db: str | Path,
    *,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
) -> TournamentReport:
    """Play every match of ``config`` not yet stored in ``db`` and store it."""
    started = time.perf_counter()
    plan = MatchPlan(config.game_id, config.game_params, config.agents)
    n_seats = len(plan.make_env().possible_agents)
    fixtures = fixtures_for(config, n_seats)
    db = Path(db)
    with LocalBackend(plan, workers or config.workers) as backend, Store(db) as store:
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

        backend.run(pending, db=str(db), tournament_id=row.id, stored=stored_now)
    return TournamentReport(
        name=config.name,
        db=db,
        total=len(fixtures),
        already_stored=len(fixtures) - len(pending),
        played=len(pending),
        seconds=time.perf_counter() - started,
        workers=backend.workers,
    )
