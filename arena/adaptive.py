"""The adaptive schedule: play next the matches that narrow the widest rating intervals most,
until every 95% interval is narrower than ``target_ci`` points or ``max_matches`` are spent.

Chatbot Arena's active sampling (Chiang et al. 2024, "Chatbot Arena: An Open Platform for
Evaluating LLMs by Human Preference", section 5: each pair is sampled in proportion to how
much one more comparison would shrink the confidence interval of its estimate) applied to
the quantity this schedule stops on, the Bradley-Terry ratings' intervals.

**Warm-up (round 0).** Every pair once when the field has at most ``2 * WARMUP_CYCLES + 1``
agents; beyond, ``WARMUP_CYCLES`` seeded random Hamiltonian cycles (each a random order of
the agents, each agent meeting its two neighbours), so every agent plays
``2 * WARMUP_CYCLES`` matches and the comparison graph is connected after the first cycle:
the fit then rests on data for every agent (not on the prior alone) and the bootstrap has
matches of every agent to resample, at a cost linear in the field (``4 n`` matches, where
every pair would be ``n (n - 1) / 2``). Where every pair once is no dearer than the cycles,
it is used: it is the better-balanced design.

**Each later round** fits the ratings to the stored results with the leaderboard's own
functions (``arena.leaderboards.ratings``: the penalised Bradley-Terry fit and its bootstrap,
``BOOTSTRAP`` resamples seeded from (seed, round), the intervals as the leaderboard clamps
them), and stops when every interval is narrower than ``target_ci``. Otherwise it picks
``batch`` matches one at a time, greedily. In the Gaussian picture of the fit (the ratings'
covariance ``C``, estimated from the bootstrap samples, in natural-log units) one more match
of ``i`` and ``j`` is an observation with Fisher information ``w = p (1 - p)`` along
``u = e_i - e_j`` (``p`` the fitted probability that ``i`` wins), which shrinks the covariance
to ``C - w C u u^T C / (1 + w u^T C u)`` (Sherman-Morrison). The pick is the pair that
reduces most the summed variance of the ratings whose intervals are still at least
``target_ci`` wide::

    gain(i, j) = w ||(C u)_U||^2 / (1 + w u^T C u)

(``U``: those agents), the reduction of exactly what the stopping rule waits for. It prefers
close pairs (``w`` is largest for an even match, whose outcome is least certain), agents with
wide intervals, and opponents whose own rating is well known (a match against an uncertain
opponent mostly measures the opponent). After each pick ``C`` is updated as above, so the
batch spreads over pairs instead of repeating the best one; a pair may recur when it stays
the most informative. Gains equal to 9 significant digits are broken by a permutation of
the pairs seeded from (seed, round), so the choice does not hang on the last bits of a
floating-point sum. Seats are balanced per agent (``arena.schedule.balanced_seats``).

Every round is a pure function of (agents, settings, seed, the stored results of earlier
rounds), so a killed run resumes to what an uninterrupted run stores. Two-seat games only.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from arena.schedule import Fixture, Played, RoundPlan, balanced_seats
from arena.seeding import match_seed

BOOTSTRAP = 1000  # resamples per fit: the leaderboard's default
WARMUP_CYCLES = 4
LEVEL = 0.95
_ADAPTIVE_STREAM = (1 << 40) + 3  # mixed with the seed for the warm-up, fits and tie-breaks
TARGET_REACHED = "target_ci reached"
BUDGET_SPENT = "max_matches spent"


def default_batch(n_agents: int) -> int:
    """Matches a round when the file sets no ``batch``: as many as agents (at least 10), so
    each round moves every interval a little and the fit is redone often, while a round
    still keeps a pool of workers busy and the fits (one bootstrap each) stay few."""
    return max(10, n_agents)


def warmup_size(n_agents: int) -> int:
    """Matches of the warm-up round before ``max_matches`` caps it."""
    pairs = n_agents * (n_agents - 1) // 2
    return pairs if n_agents <= 2 * WARMUP_CYCLES + 1 else WARMUP_CYCLES * n_agents


@dataclass(frozen=True)
class Fit:
    """Bradley-Terry ratings (Elo scale), their 95% intervals and the bootstrap samples."""

    ratings: np.ndarray
    low: np.ndarray
    high: np.ndarray
    samples: np.ndarray  # (BOOTSTRAP, n)

    @property
    def widths(self) -> np.ndarray:
        """Each interval's width, upper minus lower bound, in rating points."""
        return self.high - self.low


def pair_outcomes(played: Sequence[Played]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(first, second, score) arrays of two-seat matches, as the leaderboard scores them."""
    from arena.leaderboards.standings import pair_score

    first = [m.seats[0] for m in played if m.seats[0] != m.seats[1]]
    second = [m.seats[1] for m in played if m.seats[0] != m.seats[1]]
    score = [pair_score(*m.payoffs[:2]) for m in played if m.seats[0] != m.seats[1]]
    return np.array(first, np.int64), np.array(second, np.int64), np.array(score, np.float64)


def fit_ratings(
    n_agents: int,
    played: Sequence[Played],
    *,
    seed: int | Sequence[int],
    bootstrap: int = BOOTSTRAP,
) -> Fit:
    """The leaderboard's Bradley-Terry fit and bootstrap of ``played``, seeded from ``seed``.

    Agents are indexed as in the schedule; the intervals are clamped to hold the point
    rating, as the leaderboard shows them.
    """
    from arena.leaderboards.ratings import (
        bootstrap_samples,
        bradley_terry,
        percentile_intervals,
        win_matrix,
    )

    first, second, score = pair_outcomes(played)
    ratings = bradley_terry(win_matrix(n_agents, first, second, score))
    samples = bootstrap_samples(n_agents, first, second, score, rounds=bootstrap, seed=seed)
    low, high = percentile_intervals(samples, LEVEL)
    return Fit(ratings, np.minimum(low, ratings), np.maximum(high, ratings), samples)


@dataclass(frozen=True)
class AdaptiveSchedule:
    """A warm-up, then rounds of ``batch`` matches picked by the current fit (module doc)."""

    n_agents: int
    target_ci: float
    max_matches: int
    batch: int
    seed: int = 0
    bootstrap: int = BOOTSTRAP

    def __post_init__(self) -> None:
        if self.n_agents < 2:
            raise ValueError(f"an adaptive schedule needs at least 2 agents, got {self.n_agents}")
        if not self.target_ci > 0:
            raise ValueError(f"target_ci must be positive, got {self.target_ci}")
        if self.max_matches < 1 or self.batch < 1:
            raise ValueError("max_matches and batch must be at least 1")

    def round_size(self, number: int, start: int) -> int:
        left = max(0, self.max_matches - start)
        return min(warmup_size(self.n_agents) if number == 0 else self.batch, left)

    def fit(self, number: int, played: Sequence[Played]) -> Fit:
        """The fit round ``number`` is planned with (bootstrap seeded from (seed, round))."""
        seed = [self.seed, _ADAPTIVE_STREAM, number]
        return fit_ratings(self.n_agents, played, seed=seed, bootstrap=self.bootstrap)

    def plan(self, number: int, start: int, played: Sequence[Played]) -> RoundPlan:
        size = self.round_size(number, start)
        rng = np.random.default_rng([self.seed, _ADAPTIVE_STREAM, number, 1])
        first = [0] * self.n_agents
        second = [0] * self.n_agents
        for match in played:
            first[match.seats[0]] += 1
            second[match.seats[1]] += 1
        if number == 0:
            pairs = self._warmup(rng)[:size]
            return RoundPlan(self._fixtures(pairs, start, first, second, rng))
        fit = self.fit(number, played)
        widest = float(fit.widths.max())
        if widest < self.target_ci:
            return RoundPlan((), TARGET_REACHED, widest)
        if size == 0:
            return RoundPlan((), BUDGET_SPENT, widest)
        pairs = self._pick(fit, size, rng)
        return RoundPlan(self._fixtures(pairs, start, first, second, rng), None, widest)

    def _warmup(self, rng: np.random.Generator) -> list[tuple[int, int]]:
        n = self.n_agents
        if n <= 2 * WARMUP_CYCLES + 1:
            pairs = list(itertools.combinations(range(n), 2))
            return [pairs[k] for k in rng.permutation(len(pairs)).tolist()]
        cycles: list[tuple[int, int]] = []
        for _ in range(WARMUP_CYCLES):
            order = rng.permutation(n).tolist()
            cycles.extend((order[k], order[(k + 1) % n]) for k in range(n))
        return cycles

    def _pick(self, fit: Fit, size: int, rng: np.random.Generator) -> list[tuple[int, int]]:
        from arena.leaderboards.ratings import ELO_PER_NAT

        n = self.n_agents
        wide = fit.widths >= self.target_ci
        cov = np.cov(fit.samples, rowvar=False).reshape(n, n) / ELO_PER_NAT**2
        i, j = np.triu_indices(n, 1)
        order = rng.permutation(i.size)  # the seeded tie-break
        i, j = i[order], j[order]
        gap = (fit.ratings[i] - fit.ratings[j]) / ELO_PER_NAT
        p = 1.0 / (1.0 + np.exp(-gap))
        w = p * (1.0 - p)
        picks = []
        for _ in range(size):
            m = cov[wide]
            g = m.T @ m
            d = np.diag(g)
            reach = d[i] + d[j] - 2.0 * g[i, j]  # ||(C u)_U||^2
            var = cov[i, i] + cov[j, j] - 2.0 * cov[i, j]  # u^T C u
            gain = w * reach / (1.0 + w * var)
            top = gain.max()
            k = int(np.argmax(np.round(gain / top, 9))) if top > 0 else 0
            a, b = int(i[k]), int(j[k])
            picks.append((a, b))
            cu = cov[:, a] - cov[:, b]
            cov = cov - w[k] * np.outer(cu, cu) / (1.0 + w[k] * var[k])
        return picks

    def _fixtures(
        self,
        pairs: Sequence[tuple[int, int]],
        start: int,
        first: list[int],
        second: list[int],
        rng: np.random.Generator,
    ) -> tuple[Fixture, ...]:
        coins = rng.random(len(pairs)) < 0.5
        fixtures = []
        for k, ((a, b), coin) in enumerate(zip(pairs, coins)):
            index = start + k
            seats = balanced_seats(a, b, first, second, bool(coin))
            fixtures.append(Fixture(index, seats, match_seed(self.seed, index)))
        return tuple(fixtures)
