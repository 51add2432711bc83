"""The built-in games and agents, as data: names, ``module:attr`` targets and one-line summaries."""

from __future__ import annotations

from typing import Any

_MATRIX = "arena.games.matrix.catalogue"
_TWO = {"players": 2, "api": "parallel", "family": "matrix"}

BUILTIN_GAMES: list[tuple[str, str, str, dict[str, Any]]] = [
    (
        "matrix/prisoners-dilemma-v0",
        f"{_MATRIX}:prisoners_dilemma",
        "repeated Prisoner's Dilemma (R,S,T,P = 3,0,5,1; variant='akata' for 8,0,10,5)",
        _TWO,
    ),
    (
        "matrix/battle-of-the-sexes-v0",
        f"{_MATRIX}:battle_of_the_sexes",
        "repeated Battle of the Sexes (10,7 / 0,0 / 0,0 / 7,10; Akata et al.)",
        _TWO,
    ),
    ("matrix/stag-hunt-v0", f"{_MATRIX}:stag_hunt", "repeated Stag Hunt (R,S,T,P = 4,1,3,2)", _TWO),
    ("matrix/chicken-v0", f"{_MATRIX}:chicken", "repeated Chicken (R,S,T,P = 3,1,4,0)", _TWO),
    (
        "matrix/matching-pennies-v0",
        f"{_MATRIX}:matching_pennies",
        "repeated Matching Pennies (zero-sum)",
        _TWO,
    ),
    ("matrix/harmony-v0", f"{_MATRIX}:harmony", "repeated Harmony game (R,S,T,P = 4,2,3,1)", _TWO),
    ("matrix/deadlock-v0", f"{_MATRIX}:deadlock", "repeated Deadlock (R,S,T,P = 2,1,4,3)", _TWO),
    (
        "matrix/rock-paper-scissors-v0",
        f"{_MATRIX}:rock_paper_scissors",
        "repeated Rock-Paper-Scissors (zero-sum)",
        _TWO,
    ),
    (
        "bargaining/buyer-seller-v0",
        "arena.games.bargaining.buyer_seller:BuyerSellerGame",
        "a seller and a buyer haggle over one item's price (Fu et al. 2023: a $8 balloon)",
        {"players": 2, "api": "aec", "family": "bargaining"},
    ),
    (
        "bargaining/alternating-offers-v0",
        "arena.games.bargaining.alternating_offers:AlternatingOffersGame",
        "Rubinstein's alternating offers over a pie, with discounting and a horizon",
        {"players": 2, "api": "aec", "family": "bargaining"},
    ),
    (
        "bargaining/multi-issue-v0",
        "arena.games.bargaining.multi_issue:MultiIssueGame",
        "Deal or No Deal: divide books, hats and balls valued privately (Lewis et al. 2017)",
        {"players": 2, "api": "aec", "family": "bargaining"},
    ),
    (
        "auction/first-price-v0",
        "arena.games.auction.first_price:FirstPriceAuction",
        "sealed bids, the highest wins and pays its bid; rounds of fresh private values",
        {"players": "N", "api": "parallel", "family": "auction"},
    ),
    (
        "auction/second-price-v0",
        "arena.games.auction.second_price:SecondPriceAuction",
        "sealed bids, the highest wins and pays the second-highest bid (Vickrey)",
        {"players": "N", "api": "parallel", "family": "auction"},
    ),
    (
        "auction/all-pay-v0",
        "arena.games.auction.all_pay:AllPayAuction",
        "sealed bids, the highest wins and every bidder pays its bid",
        {"players": "N", "api": "parallel", "family": "auction"},
    ),
    (
        "auction/english-v0",
        "arena.games.auction.english:EnglishAuction",
        "ascending open-cry auction of several items with budgets (Chen et al. 2023, AucArena)",
        {"players": "N", "api": "aec", "family": "auction"},
    ),
    (
        "auction/dutch-v0",
        "arena.games.auction.dutch:DutchAuction",
        "descending clock: the first bidder to take the price wins and pays it",
        {"players": "N", "api": "parallel", "family": "auction"},
    ),
    (
        "social/werewolf-v0",
        "arena.games.social.werewolf:WerewolfGame",
        "Werewolf: hidden roles, night kills, discussion and votes (Werewolf Arena's 8 players)",
        {"players": "N", "api": "aec", "family": "social"},
    ),
    (
        "matrix/custom-v0",
        f"{_MATRIX}:custom",
        "any repeated normal-form game: payoffs = one array per player, in seat order",
        {"players": "N", "api": "parallel", "family": "matrix"},
    ),
]

_STRATEGIES = "arena.agents.scripted.matrix"

BUILTIN_AGENTS: list[tuple[str, str, str]] = [
    ("always-cooperate", f"{_STRATEGIES}:AlwaysCooperate", "always plays action 0 (cooperate)"),
    ("always-defect", f"{_STRATEGIES}:AlwaysDefect", "always plays action 1 (defect)"),
    (
        "random",
        "arena.agents.scripted.random_player:RandomPlayer",
        "a uniformly random legal move in every game (matrix games: action 0 with probability p)",
    ),
    ("tit-for-tat", f"{_STRATEGIES}:TitForTat", "cooperates, then copies the opponent"),
    ("tit-for-two-tats", f"{_STRATEGIES}:TitForTwoTats", "defects after two defections in a row"),
    (
        "suspicious-tit-for-tat",
        f"{_STRATEGIES}:SuspiciousTitForTat",
        "defects first, then copies the opponent",
    ),
    (
        "generous-tit-for-tat",
        f"{_STRATEGIES}:GenerousTitForTat",
        "tit for tat that forgives defections at random",
    ),
    (
        "grim-trigger",
        f"{_STRATEGIES}:GrimTrigger",
        "cooperates until the first defection, then never",
    ),
    (
        "win-stay-lose-shift",
        f"{_STRATEGIES}:WinStayLoseShift",
        "Pavlov: keeps a winning move, switches after a losing one",
    ),
    ("alternator", f"{_STRATEGIES}:Alternator", "cooperates, defects, cooperates, ..."),
    ("defect-once", f"{_STRATEGIES}:DefectOnce", "defects in round 1, then always cooperates"),
    (
        "turn-taker",
        f"{_STRATEGIES}:TurnTaker",
        "takes turns at the two coordination outcomes (Battle of the Sexes)",
    ),
]

_NEGOTIATORS = "arena.agents.scripted.bargaining"

BUILTIN_AGENTS += [
    (
        "boulware",
        f"{_NEGOTIATORS}:Boulware",
        "time-dependent tactic that holds out and concedes late (beta = 0.2)",
    ),
    ("linear", f"{_NEGOTIATORS}:Linear", "time-dependent tactic that concedes evenly (beta = 1)"),
    (
        "conceder",
        f"{_NEGOTIATORS}:Conceder",
        "time-dependent tactic that gives way early (beta = 5)",
    ),
    ("hardliner", f"{_NEGOTIATORS}:Hardliner", "never concedes: its opening, take it or leave it"),
    (
        "adaptive",
        f"{_NEGOTIATORS}:Adaptive",
        "time-dependent tactic whose beta follows the solver critic's advice between games",
    ),
    (
        "tit-for-tat-concession",
        f"{_NEGOTIATORS}:TitForTatConcession",
        "concedes as much as the other side conceded last",
    ),
    (
        "equilibrium",
        "arena.agents.scripted.equilibrium:EquilibriumPlayer",
        "the solver's equilibrium: bargaining splits and offers, Bayes-Nash bids in auctions",
    ),
]

_BIDDERS = "arena.agents.scripted.auction"

BUILTIN_AGENTS += [
    (
        "truthful",
        f"{_BIDDERS}:Truthful",
        "bids its value (dominant in second price); English: stays in up to its value",
    ),
    ("shade", f"{_BIDDERS}:Shade", "bids a fraction of its value (fraction = 0.75)"),
    (
        "aucarena-rule",
        f"{_BIDDERS}:AucArenaRule",
        "AucArena's rule bidder: minimum raises, at most 4 bids an item, within budget",
    ),
    (
        "budget-pacing",
        f"{_BIDDERS}:BudgetPacing",
        "English: bids up to its estimate, at most its money left over the items left",
    ),
]

BUILTIN_AGENTS += [
    (
        "werewolf-heuristic",
        "arena.agents.scripted.social:WerewolfHeuristic",
        "Werewolf by role: follows accusations, the seer reveals, the doctor guards the seer",
    ),
]

# Language-model players are specs (provider, model, ...) built by this class; a tournament
# file's agent table with a ``provider`` key is one (see arena.agents.llm.spec).
LLM_AGENT = (
    "llm",
    "arena.agents.llm.agent:LLMAgent",
    "a language model through its provider's API",
)

# Judges: moderators decide deals in free-text negotiations; critics write feedback.
BUILTIN_JUDGES: list[tuple[str, str, str, str]] = [
    (
        "rule",
        "arena.judges.rule_moderator:RuleModerator",
        "moderator: a deal is an explicit acceptance of the other side's standing price",
        "moderator",
    ),
    (
        "llm",
        "arena.judges.llm_moderator:LLMModerator",
        "moderator: a language model reads the last turns (Fu et al. 2023); LLM spec keys",
        "moderator",
    ),
    (
        "constant",
        "arena.judges.constant_critic:ConstantCritic",
        "critic: the same generic advice every round (Fu et al.'s control)",
        "critic",
    ),
    (
        "solver",
        "arena.judges.solver_critic:SolverCritic",
        "critic: surplus share against the Nash and subgame-perfect splits, concession path",
        "critic",
    ),
    (
        "fu2023",
        "arena.judges.fu_critic:FuCritic",
        "critic: a language model's three suggestions (Fu et al. 2023); LLM spec keys",
        "critic",
    ),
]
