"""OpenSkill's Plackett-Luce ratings of team matches: the fit, its skipping rules, its intervals.

The reference is the ``openskill`` package's own loop: ``model.rate(teams, ranks=...)`` per
match, each team a list of its agents' current ratings, the returned ratings put back. Fed
the teams in the order the fit was given them, it must give the fit's numbers bit for bit (the
fit calls the same update on the same teams in the same order). Fed the same matches with
each team's members and the teams themselves listed in another order, it must agree within
1e-12 relative: the model does not depend on that order, but its floating-point sums (a team's
mu and sigma squared, the sums over the teams ranked below) are then added in another order
and differ in the last bits, which a few hundred online updates carry on; measured, about
2e-14 after 600 matches, so 1e-12 is fifty times that and still a billion times smaller than
any difference a leaderboard shows.

Side terms are checked the same way: the reference loop adds one rating per side, at the side's
prior, to that side's team in every match (last in it, as the fit lists it), and puts it back
after each ``rate`` like an agent's.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from openskill.models import PlackettLuce
from scipy.stats import spearmanr

from arena.leaderboards import openskill_ratings
from arena.leaderboards.openskill_ratings import (
    SIDE_SIGMA,
    openskill_fit,
    openskill_team_fit,
    payoff_ranks,
    plackett_luce,
    team_plackett_luce,
)

RELATIVE = 1e-12  # see the module's docstring

Teams = list[list[list[int]]]


def synthetic_teams(
    strengths: list[float], sizes: list[int], matches: int, seed: int, ties: bool = False
) -> tuple[Teams, list[list[int]]]:
    """Random teams of ``sizes`` drawn from the agents, ranked by the mean strength of their
    members plus Gumbel noise (rounded with ``ties``, so that some teams tie)."""
    rng = np.random.default_rng(seed)
    strength = np.asarray(strengths)
    seated = sum(sizes)
    teams: Teams = []
    ranks: list[list[int]] = []
    for _ in range(matches):
        agents = rng.permutation(len(strengths))[:seated].tolist()
        cuts = np.cumsum([0, *sizes]).tolist()
        match = [agents[a:b] for a, b in itertools.pairwise(cuts)]
        performance = [float(strength[team].mean() + rng.gumbel()) for team in match]
        if ties:
            performance = [round(p) for p in performance]
        teams.append(match)
        ranks.append(payoff_ranks(performance))
    return teams, ranks


def plain_loop(
    n: int,
    teams: Teams,
    ranks: list[list[int]],
    sides: list[list[str]] | None = None,
    priors: dict[str, tuple[float, float]] | None = None,
    side_first: bool = False,
) -> tuple[list, list]:
    """The package's own loop: ``rate`` per match, the returned ratings put in place; with
    ``sides``, each team's side rating (from ``priors``) last in it (first with
    ``side_first``). Returns the agents' mu and sigma, then the sides' (in ``priors`` order)."""
    model = PlackettLuce()
    ratings: dict[int | str, Any] = {a: model.rating() for a in range(n)}
    for side, (mu, sigma) in (priors or {}).items():
        ratings[side] = model.rating(mu=mu, sigma=sigma)
    for m, (match, rank) in enumerate(zip(teams, ranks)):
        places: list[float] = list(rank)  # the ints themselves: openskill types ranks as floats
        keys: list[list[int | str]] = [list(team) for team in match]
        if sides is not None:
            keys = [
                [side, *team] if side_first else [*team, side] for side, team in zip(sides[m], keys)
            ]
        rated = model.rate([[ratings[k] for k in team] for team in keys], ranks=places)
        for team, new_team in zip(keys, rated):
            for key, new in zip(team, new_team):
                ratings[key] = new
    order = [*range(n), *(priors or {})]
    return [ratings[k].mu for k in order], [ratings[k].sigma for k in order]


def equal_starts(sizes: list[int], names: list[str]) -> dict[str, tuple[float, float]]:
    """The side priors of equal prior team strengths, recomputed: (largest team - own) * 25,
    sigma three agents' (25)."""
    model = PlackettLuce()
    return {
        name: ((max(sizes) - size) * model.mu, 3 * model.sigma) for name, size in zip(names, sizes)
    }


def side_names(sizes: list[int]) -> list[str]:
    """Werewolf's team names for its deal, numbered sides for the other layouts."""
    return (
        ["village", "werewolves"] if sizes == [6, 2] else [f"side {k}" for k in range(len(sizes))]
    )


STRENGTHS = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.4, 1.6, 1.8]
LAYOUTS = [
    pytest.param([6, 2], id="werewolf-6-against-2"),
    pytest.param([3, 3], id="3-against-3"),
    pytest.param([2, 1, 3], id="three-teams"),
    pytest.param([1, 1, 1, 1], id="one-agent-teams"),
]


@pytest.mark.parametrize("sizes", LAYOUTS)
@pytest.mark.parametrize("ties", [False, True], ids=["no-ties", "ties"])
def test_the_team_fit_is_openskills_rate_loop(sizes: list[int], ties: bool) -> None:
    teams, ranks = synthetic_teams(STRENGTHS, sizes, 300, seed=sum(sizes), ties=ties)
    mu, sigma = team_plackett_luce(10, teams, ranks)
    plain_mu, plain_sigma = plain_loop(10, teams, ranks)
    assert mu.tolist() == plain_mu and sigma.tolist() == plain_sigma  # same order: same bits
    # listed otherwise: each team's members backwards, the teams backwards
    shuffled = [[team[::-1] for team in match[::-1]] for match in teams]
    other_mu, other_sigma = plain_loop(10, shuffled, [rank[::-1] for rank in ranks])
    np.testing.assert_allclose(mu, other_mu, rtol=RELATIVE, atol=0)
    np.testing.assert_allclose(sigma, other_sigma, rtol=RELATIVE, atol=0)


@pytest.mark.parametrize("sizes", LAYOUTS)
@pytest.mark.parametrize("ties", [False, True], ids=["no-ties", "ties"])
def test_the_fit_with_side_terms_is_openskills_rate_loop_with_side_players(
    sizes: list[int], ties: bool
) -> None:
    teams, ranks = synthetic_teams(STRENGTHS, sizes, 300, seed=sum(sizes) + 1, ties=ties)
    names = side_names(sizes)
    sides = [names] * len(teams)
    priors = equal_starts(sizes, names)
    fit = openskill_team_fit(10, teams, ranks, sides=sides, rounds=0)
    plain_mu, plain_sigma = plain_loop(10, teams, ranks, sides, priors)
    got_mu = [*fit.mu.tolist(), *(t.mu for t in fit.sides)]
    got_sigma = [*fit.sigma.tolist(), *(t.sigma for t in fit.sides)]
    assert got_mu == plain_mu and got_sigma == plain_sigma  # same order: same bits
    assert [(t.side, t.prior_mu, t.prior_sigma) for t in fit.sides] == [
        (name, *prior) for name, prior in priors.items()
    ]
    mu, sigma = team_plackett_luce(10, teams, ranks, sides=sides)
    assert mu.tolist() == fit.mu.tolist() and sigma.tolist() == fit.sigma.tolist()
    # listed otherwise: the side first in its team, each team's members and the teams backwards
    backwards = [[team[::-1] for team in match[::-1]] for match in teams]
    other_mu, other_sigma = plain_loop(
        10, backwards, [r[::-1] for r in ranks], [names[::-1]] * len(teams), priors, True
    )
    np.testing.assert_allclose(got_mu, other_mu, rtol=RELATIVE, atol=0)
    np.testing.assert_allclose(got_sigma, other_sigma, rtol=RELATIVE, atol=0)


def test_side_terms_make_six_against_two_an_even_start() -> None:
    """Within 1e-9: both teams' prior mu sums are exactly 150 (sums of whole numbers), so the
    normal CDF is taken at 0; the slack only spares the test the last bits of openskill's CDF,
    and is still a million times finer than the 0.1% a leaderboard shows."""
    model = PlackettLuce()
    wolves, village = [0, 1], [2, 3, 4, 5, 6, 7]
    fit = openskill_team_fit(
        8, [[wolves, village]], [[1, 2]], sides=[["werewolves", "village"]], rounds=0
    )
    prior = {t.side: model.rating(mu=t.prior_mu, sigma=t.prior_sigma) for t in fit.sides}
    assert prior["werewolves"].mu == 4 * model.mu and prior["village"].mu == 0.0
    assert SIDE_SIGMA * model.sigma == prior["village"].sigma == prior["werewolves"].sigma
    agents = [model.rating() for _ in range(8)]
    bare = [[agents[a] for a in wolves], [agents[a] for a in village]]
    assert model.predict_win(bare)[0] < 1e-4  # without sides: the wolves all but lost
    sided = [[*bare[0], prior["werewolves"]], [*bare[1], prior["village"]]]
    wolves_win, village_win = model.predict_win(sided)
    assert wolves_win == pytest.approx(0.5, abs=1e-9)
    assert village_win == pytest.approx(0.5, abs=1e-9)


def role_balanced_wolf_wins(matches: int, seed: int) -> tuple[Teams, list[list[int]]]:
    """Eight agents, the wolves winning every match: every four matches a new random order of
    the agents, each pair of it the wolves once (every agent a wolf one match in four)."""
    rng = np.random.default_rng(seed)
    teams: Teams = []
    for m in range(matches):
        if m % 4 == 0:
            deal = rng.permutation(8)
        seated = np.roll(deal, 2 * (m % 4)).tolist()
        teams.append([seated[:2], seated[2:]])
    return teams, [[1, 2]] * matches


def test_a_side_that_always_wins_is_credited_to_the_side_not_the_agents() -> None:
    """Wolves win 200 of 200 whoever plays. No one's play shows: every agent's mu moves alike.
    How far they all move together is the priors' call (lowering every agent by x is, to every
    prediction, raising the wolves' side by 4x), and with no end to the wolves' wins the side
    terms drift apart without end (a winning streak's online fit only slows down): the agents
    carry a small, measured share of it, where without side terms they carry all of it."""
    teams, ranks = role_balanced_wolf_wins(200, seed=1)
    sides = [["werewolves", "village"]] * len(teams)
    fit = openskill_team_fit(8, teams, ranks, sides=sides, rounds=0)
    wolves, village = fit.sides
    assert wolves.side == "werewolves" and wolves.mu > wolves.prior_mu + 50
    assert village.mu < village.prior_mu - 50
    assert np.ptp(fit.mu) < 1.0  # no agent credited for being dealt a wolf
    gap = (wolves.mu - wolves.prior_mu) - (village.mu - village.prior_mu)
    drift = 25.0 - fit.mu.mean()
    assert 0 < drift < gap / 20  # measured: 5.6 of a gap of 134 (a batch Gaussian fit: 1/36)
    bare = openskill_team_fit(8, teams, ranks, rounds=0)
    assert bare.mu.max() < 0.0  # without side terms, the wolves' wins drag everyone down
    assert 25.0 - bare.mu.mean() > 3 * drift
    model = PlackettLuce()
    rated = [[model.rating(mu=t.mu, sigma=t.sigma)] for t in fit.sides]
    wolves_win = model.predict_win(
        [[*(model.rating(mu=fit.mu[a]) for a in teams[-1][k]), *rated[k]] for k in (0, 1)]
    )[0]
    assert wolves_win > 0.99  # the side terms now expect the wolves to win


def werewolf_like(
    matches: int, seed: int, tilted: bool
) -> tuple[np.ndarray, Teams, list[list[int]]]:
    """Ten agents of known strengths, eight a match: two wolves (the weaker agents dealt wolves
    more often when ``tilted``: up to 8 times as often) against six villagers; the wolves win
    with probability logistic(mean wolf strength + 1 - mean villager strength)."""
    rng = np.random.default_rng(seed)
    strength = np.linspace(-1.5, 1.5, 10)
    wolfish = np.linspace(2.0, 0.25, 10) if tilted else np.ones(10)
    teams: Teams = []
    ranks: list[list[int]] = []
    for _ in range(matches):
        wolves = rng.choice(10, size=2, replace=False, p=wolfish / wolfish.sum())
        village = rng.permutation(np.setdiff1d(np.arange(10), wolves))[:6]
        edge = strength[wolves].mean() + 1.0 - strength[village].mean()
        won = rng.random() < 1.0 / (1.0 + np.exp(-edge))
        teams.append([wolves.tolist(), village.tolist()])
        ranks.append([1, 2] if won else [2, 1])
    return strength, teams, ranks


@pytest.mark.parametrize("tilted", [False, True], ids=["role-balanced", "weak-dealt-wolves"])
def test_side_terms_recover_known_strengths(tilted: bool) -> None:
    with_sides, without = [], []
    for seed in range(5):
        strength, teams, ranks = werewolf_like(400, seed, tilted)
        sides = [["werewolves", "village"]] * len(teams)
        fit = openskill_team_fit(10, teams, ranks, sides=sides, rounds=0)
        rho = spearmanr(fit.mu, strength).statistic
        assert rho > 0.8, seed
        assert abs(fit.mu.mean() - 25.0) < 2.0  # the wolves' edge is on their side term
        assert fit.sides[0].mu > fit.sides[0].prior_mu  # wolves win more than 4 players' worth
        with_sides.append(rho)
        bare = openskill_team_fit(10, teams, ranks, rounds=0)
        without.append(spearmanr(bare.mu, strength).statistic)
        assert bare.mu.mean() < 10.0  # without side terms: the drift this fixes
    if tilted:  # the weak, dealt more wolves, are credited for the wolves' edge without sides
        assert np.mean(with_sides) > np.mean(without) + 0.05  # measured: 0.93 against 0.82


def test_a_bootstrap_round_refits_the_sides_from_their_priors() -> None:
    teams, ranks = role_balanced_wolf_wins(40, seed=2)
    sides = [["werewolves", "village"]] * len(teams)
    matches = openskill_ratings._prepared_teams(8, teams, ranks, sides)
    picks = list(range(0, 40, 3))
    field = openskill_ratings._Field(8, matches, fast=True)
    field.fit()
    again = field.fit(picks)  # after a whole fit: from the priors again, agents and sides
    fresh = plain_loop(
        8,
        [teams[m] for m in picks],
        [ranks[m] for m in picks],
        [sides[m] for m in picks],
        equal_starts([2, 6], sides[0]),
    )
    assert again[0].tolist() == fresh[0] and again[1].tolist() == fresh[1]
    fit = openskill_team_fit(8, teams, ranks, sides=sides, rounds=30, seed=3)
    point = openskill_team_fit(8, teams, ranks, sides=sides, rounds=0)
    assert fit.sides == point.sides and fit.mu.tolist() == point.mu.tolist()
    assert fit.ordinal_low is not None and fit.ordinal_high is not None
    assert np.all(fit.ordinal_low <= fit.ordinal) and np.all(fit.ordinal <= fit.ordinal_high)


def test_given_side_priors_and_matches_without_sides() -> None:
    teams, ranks = synthetic_teams(STRENGTHS, [3, 3], 60, seed=9)
    sides: list[list[str] | None] = [
        None if m % 3 == 0 else (["blue", "red"] if m % 2 else ["red", "blue"])
        for m in range(len(teams))
    ]
    priors = {"red": (30.0, 4.0), "blue": (-5.0, 12.0), "green": (0.0, 1.0)}  # green: unused
    fit = openskill_team_fit(10, teams, ranks, sides=sides, side_priors=priors, rounds=0)
    assert [(t.side, t.prior_mu, t.prior_sigma) for t in fit.sides] == [
        ("blue", -5.0, 12.0),  # first seen in match 1 (match 0 has no sides)
        ("red", 30.0, 4.0),
    ]
    model = PlackettLuce()
    ratings: dict[int | str, Any] = {a: model.rating() for a in range(10)}
    ratings |= {side: model.rating(mu=priors[side][0], sigma=priors[side][1]) for side in priors}
    for match, rank, named in zip(teams, ranks, sides):
        keys: list[list[int | str]] = [
            [*team, *([] if named is None else [named[k]])] for k, team in enumerate(match)
        ]
        rated = model.rate([[ratings[k] for k in team] for team in keys], ranks=list(rank))
        for team, new_team in zip(keys, rated):
            ratings.update(zip(team, new_team))
    assert fit.mu.tolist() == [ratings[a].mu for a in range(10)]
    assert [(t.mu, t.sigma) for t in fit.sides] == [
        (ratings[s].mu, ratings[s].sigma) for s in ("blue", "red")
    ]


def test_self_play_leaves_the_sides_out_too() -> None:
    teams, ranks = synthetic_teams(STRENGTHS[:8], [2, 6], 30, seed=5)
    names = ["werewolves", "village"]
    with_self_play = [*teams[:10], [[0, 1], [1, 2, 3, 4, 5, 6]], *teams[10:]]
    fit = openskill_team_fit(
        8, with_self_play, [*ranks[:10], [1, 2], *ranks[10:]], sides=[names] * 31, rounds=0
    )
    assert (fit.rated, fit.skipped) == (30, 1)
    plain_mu, _ = plain_loop(8, teams, ranks, [names] * 30, equal_starts([2, 6], names))
    assert [*fit.mu.tolist(), *(t.mu for t in fit.sides)] == plain_mu


def test_one_agent_teams_are_the_seat_fit() -> None:
    teams, ranks = synthetic_teams(STRENGTHS, [1, 1, 1, 1, 1], 200, seed=3, ties=True)
    seats = [[team[0] for team in match] for match in teams]
    team_fit = openskill_team_fit(10, teams, ranks, rounds=20, seed=5)
    seat_fit = openskill_fit(10, seats, ranks, rounds=20, seed=5)
    for key in ("mu", "sigma", "ordinal", "ordinal_low", "ordinal_high"):
        assert getattr(team_fit, key).tolist() == getattr(seat_fit, key).tolist()
    assert team_fit.mu.tolist() == plackett_luce(10, seats, ranks)[0].tolist()


def test_the_rate_path_gives_the_same_numbers_for_teams() -> None:
    """The path taken when openskill's private update is missing or differs."""
    teams, ranks = synthetic_teams(STRENGTHS, [2, 3, 1], 200, seed=8, ties=True)
    matches = openskill_ratings._prepared_teams(10, teams, ranks)
    fast = openskill_ratings._Field(10, matches, fast=True).fit()
    slow = openskill_ratings._Field(10, matches, fast=False).fit()
    assert openskill_ratings._fast_path_agrees()
    assert any(len(team) > 1 for match, _ in openskill_ratings._CHECKS for team in match)
    assert fast[0].tolist() == slow[0].tolist() and fast[1].tolist() == slow[1].tolist()


def test_teammates_move_together_and_the_winners_up() -> None:
    mu, sigma = team_plackett_luce(8, [[[0, 1, 2, 3, 4, 5], [6, 7]]], [[2, 1]])
    assert len(set(mu[:6].tolist())) == 1 and mu[6] == mu[7]
    assert mu[6] > 25.0 > mu[0]
    assert np.all(sigma < 25 / 3)


def test_a_tie_between_teams_of_equal_ratings_moves_no_mu() -> None:
    mu, _ = team_plackett_luce(4, [[[0, 1], [2, 3]]], [[1, 1]])
    np.testing.assert_allclose(mu, 25.0, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    ("match", "why"),
    [
        pytest.param([[0, 1], [1, 2]], "on two teams", id="agent-on-two-teams"),
        pytest.param([[0, 0], [1, 2]], "twice in one team", id="agent-twice-in-a-team"),
        pytest.param([[3], [0, 1, 3]], "alone and in a team", id="agent-alone-and-in-a-team"),
    ],
)
def test_self_play_matches_are_skipped(match: list[list[int]], why: str) -> None:
    teams, ranks = synthetic_teams(STRENGTHS[:6], [2, 2], 40, seed=4)
    with_self_play = [*teams[:20], match, *teams[20:]]
    with_ranks = [*ranks[:20], [1, 2], *ranks[20:]]
    fit = openskill_team_fit(6, with_self_play, with_ranks, rounds=0)
    assert (fit.rated, fit.skipped) == (40, 1), why
    plain_mu, plain_sigma = plain_loop(6, teams, ranks)
    assert fit.mu.tolist() == plain_mu and fit.sigma.tolist() == plain_sigma


def test_strong_teams_come_out_first_with_intervals() -> None:
    strengths = [1.2 * k for k in range(10)]  # a team's strength: its members' mean
    teams, ranks = synthetic_teams(strengths, [4, 4], 1500, seed=0)
    fit = openskill_team_fit(10, teams, ranks, rounds=60, seed=2)
    order = np.argsort(fit.ordinal).tolist()
    assert set(order[:5]) == {0, 1, 2, 3, 4}  # the weaker half below the stronger half
    ranked = np.argsort(np.argsort(fit.ordinal))
    assert np.corrcoef(ranked, np.arange(10))[0, 1] > 0.95  # Spearman's rho
    assert fit.ordinal_low is not None and fit.ordinal_high is not None
    assert np.all(fit.ordinal_low <= fit.ordinal) and np.all(fit.ordinal <= fit.ordinal_high)
    assert np.all(fit.ordinal_high - fit.ordinal_low > 0)
    np.testing.assert_allclose(fit.ordinal, fit.mu - 3 * fit.sigma, rtol=0, atol=1e-12)


def test_intervals_are_seeded_and_the_order_of_matches_matters() -> None:
    teams, ranks = synthetic_teams(STRENGTHS[:6], [3, 3], 200, seed=6, ties=True)
    a = openskill_team_fit(6, teams, ranks, rounds=40, seed=11)
    b = openskill_team_fit(6, teams, ranks, rounds=40, seed=11)
    for key in ("mu", "sigma", "ordinal", "ordinal_low", "ordinal_high"):
        assert getattr(a, key).tolist() == getattr(b, key).tolist()
    other = openskill_team_fit(6, teams, ranks, rounds=40, seed=12)
    assert other.mu.tolist() == a.mu.tolist()  # the seed moves only the intervals
    assert other.ordinal_low is not None and a.ordinal_low is not None
    assert other.ordinal_low.tolist() != a.ordinal_low.tolist()
    backwards = openskill_team_fit(6, teams[::-1], ranks[::-1], rounds=0)
    assert backwards.mu.tolist() != a.mu.tolist()  # online updates: the order matters
    assert backwards.ordinal_low is None and backwards.ordinal_high is None


def test_only_self_play_gives_the_prior_and_point_intervals() -> None:
    fit = openskill_team_fit(3, [[[0, 1], [1, 2]]], [[1, 2]], rounds=10)
    assert (fit.rated, fit.skipped) == (0, 1)
    assert fit.mu.tolist() == [25.0] * 3
    assert fit.ordinal_low is not None and fit.ordinal_low.tolist() == fit.ordinal.tolist()


@pytest.mark.parametrize(
    ("teams", "ranks", "message"),
    [
        pytest.param([[[0], [1]]], [[1]], "2 teams and 1 ranks", id="ranks-short"),
        pytest.param([[[0, 1]]], [[1]], "at least two teams", id="one-team"),
        pytest.param([[[0], []]], [[1, 2]], "non-empty list of agents", id="empty-team"),
        pytest.param([[0, 1]], [[1, 2]], "non-empty list of agents", id="seats-not-teams"),
        pytest.param([[[0], [5]]], [[1, 2]], r"integers in \[0, 3\)", id="agent-out-of-range"),
        pytest.param([[[0], [True]]], [[1, 2]], r"integers in \[0, 3\)", id="bool-agent"),
        pytest.param([[[0], [1]]], [[1.5, 2]], "ranks must be integers", id="fractional-rank"),
        pytest.param([[[0], [1]]], [], "1 matches of teams but 0 of ranks", id="lengths"),
    ],
)
def test_bad_team_input_is_a_value_error(teams: list, ranks: list, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        openskill_team_fit(3, teams, ranks)


@pytest.mark.parametrize(
    ("sides", "priors", "message"),
    [
        pytest.param([["a", "b"]], None, "2 matches of teams but 1 of sides", id="lengths"),
        pytest.param([["a"], ["a", "b"]], None, r"2 teams but sides \['a'\]", id="one-short"),
        pytest.param([["a", "a"], ["a", "b"]], None, "a side plays once a match", id="twice"),
        pytest.param([["a", 1], ["a", "b"]], None, "sides are names", id="not-a-name"),
        pytest.param(["ab", ["a", "b"]], None, "one name a team", id="a-string"),
        pytest.param([["a", "b"]] * 2, {"a": (0.0, 1.0)}, "no prior for side 'b'", id="prior"),
        pytest.param([["a", "b"]] * 2, {"a": (0, 0), "b": (0, 1)}, "sigma > 0", id="sigma-0"),
    ],
)
def test_bad_sides_are_value_errors(sides: list, priors: dict | None, message: str) -> None:
    teams, ranks = [[[0], [1, 2]], [[1], [0, 2]]], [[1, 2], [2, 1]]
    with pytest.raises(ValueError, match=message):
        openskill_team_fit(3, teams, ranks, sides=sides, side_priors=priors)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"rounds": -1}, "rounds must be non-negative"), ({"level": 0.0}, r"level must lie")],
)
def test_bad_options_are_value_errors(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        openskill_team_fit(3, [[[0], [1, 2]]], [[1, 2]], **kwargs)
