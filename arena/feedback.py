"""Run a feedback schedule (Fu et al. 2023): independent chains of coached games.

In each of ``experiments`` chains the learner is one agent object kept from round to round: it
plays a fresh opponent (and a fresh moderator) in its seat, a critic reads the finished game
and writes feedback for it, and it plays the next round with the earlier games and the
feedback in mind. Every round is stored as one match (index ``experiment * rounds + round``)
together with the feedback and the learner's memory before and after it, in one transaction,
so a killed run continues where it stopped: each chain rebuilds its learner from the memory
stored with its last round and plays on, and the response cache makes the rerun free. Chains
share nothing and run concurrently.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

from arena.backends.plan import FixturePlayer, MatchPlan
from arena.config import FeedbackSchedule, TournamentConfig
from arena.records import MatchRecord
from arena.schedule import Fixture
from arena.seeding import match_seed
from arena.store import Store


def feedback_fixtures(config: TournamentConfig, schedule: FeedbackSchedule) -> list[Fixture]:
    """Round ``r`` of experiment ``e`` is match ``e * rounds + r``; the learner in its seat."""
    seats = [schedule.opponent, schedule.opponent]
    seats[schedule.learner_seat] = schedule.learner
    return [
        Fixture(index, tuple(seats), match_seed(config.seed, index))
        for index in range(schedule.rounds * schedule.experiments)
    ]


class FeedbackRun:
    """Plays the missing rounds of every chain and stores each as it finishes."""

    def __init__(self, config: TournamentConfig, plan: MatchPlan, store: Store, tid: int) -> None:
        assert config.feedback is not None
        self.config = config
        self.schedule = config.feedback
        self.plan = plan
        self.store = store
        self.tournament_id = tid
        self.fixtures = feedback_fixtures(config, self.schedule)
        self.player = FixturePlayer(plan)
        self.player.use_store(store)
        self.stored = {row["match_index"]: row for row in store.feedback(config.name)}
        self.played = 0

    def _critic(self) -> Any:
        from arena.registry import make_critic

        critic = make_critic(self.schedule.critic)
        if self.player._cache is not None and hasattr(critic, "use_cache"):
            critic.use_cache(self.player._cache)
        return critic

    async def chain(self, experiment: int, window: asyncio.Semaphore) -> None:
        """Play experiment ``experiment`` from its first missing round to its last."""
        rounds, seat = self.schedule.rounds, self.schedule.learner_seat
        first = experiment * rounds
        done = 0
        while done < rounds and first + done in self.stored:
            done += 1
        if done == rounds:
            return
        async with window:
            learner = self.plan.agents[self.schedule.learner].build()
            if done:
                learner.load_memory(self.stored[first + done - 1]["memory_after"])
            critic = self._critic()
            for r in range(done, rounds):
                fixture = self.fixtures[first + r]
                agents = [self.plan.agents[a].build() for a in fixture.seats]
                agents[seat] = learner
                before = learner.memory_snapshot()
                outcome = await self.player._run(fixture, self.plan.make_env(), agents)
                if not isinstance(outcome, MatchRecord):  # an endpoint failed: void, stop here
                    self.store.write_void(self.tournament_id, [outcome])
                    return
                feedback = await critic.critique(outcome, seat)
                learner.remember(feedback)
                record = replace(
                    outcome,
                    feedback={
                        "experiment": experiment,
                        "round": r,
                        "seat": seat,
                        "critic": feedback.critic,
                        "text": feedback.text,
                        "data": feedback.data,
                        "memory_before": before,
                        "memory_after": learner.memory_snapshot(),
                    },
                )
                self.played += self.store.write_matches(self.tournament_id, [record])

    async def run(self) -> int:
        window = asyncio.Semaphore(self.plan.in_flight())
        chains = [self.chain(e, window) for e in range(self.schedule.experiments)]
        await asyncio.gather(*chains)
        return self.played


def run_feedback(config: TournamentConfig, plan: MatchPlan, store: Store, tid: int) -> int:
    """Play every missing round of ``config``'s feedback schedule; return how many were stored."""
    return asyncio.run(FeedbackRun(config, plan, store, tid).run())
