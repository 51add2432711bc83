"""The rule moderator: explicit acceptance of the other side's standing price, nothing else."""

from __future__ import annotations

import asyncio

import pytest

from arena.errors import ArenaError, ConfigError
from arena.judges.prices import prices_named
from arena.judges.rule_moderator import RuleModerator
from arena.registry import make_moderator

S, B = "seller", "buyer"
OPENING = [(S, "I'm asking $20 for it."), (B, "I can pay $12.")]


@pytest.mark.parametrize(
    ("last", "deal", "price"),
    [
        ((S, "Deal."), True, 12.0),
        ((S, "Okay, you got it."), True, 12.0),
        ((S, "Fine, $12 it is, I accept."), True, 12.0),
        ((S, "Sold!"), True, 12.0),
        ((S, "No deal, $18 is my lowest."), False, None),
        ((S, "I can't accept that."), False, None),
        ((S, "Deal at $15?"), False, None),
        ((S, "I accept $16."), False, None),  # a counter-offer
        ((S, "Let me think."), False, None),
        ((B, "Deal."), True, 20.0),  # the buyer accepting the seller's standing $20
    ],
)
def test_verdicts(last: tuple[str, str], deal: bool, price: float | None) -> None:
    verdict = RuleModerator().verdict([*OPENING, last])
    assert (verdict.deal, verdict.price) == (deal, price)
    assert verdict.moderator == "rule" and verdict.reason


def test_acceptance_before_any_price_closes_nothing() -> None:
    verdict = asyncio.run(RuleModerator().moderate([(S, "Hello!"), (B, "Deal.")]))
    assert not verdict.deal and "no price" in verdict.reason


def test_a_turn_that_closes_nothing_offers_the_last_price_it_names() -> None:
    assert RuleModerator().verdict([(S, "$20, or $19 at a push.")]).offer == 19.0
    assert RuleModerator().verdict([*OPENING, (S, "Hmm.")]).offer is None
    assert RuleModerator().verdict([*OPENING, (S, "Deal.")]).offer is None  # a deal, not an offer


def test_the_last_price_a_side_named_is_its_standing_price() -> None:
    dialogue = [(S, "$20."), (B, "$10."), (S, "$18, then."), (B, "Okay, deal.")]
    assert RuleModerator().verdict(dialogue).price == 18.0


@pytest.mark.parametrize(
    ("text", "currency", "prices"),
    [
        ("I can do $12.", "$", [12.0]),
        ("How about 15?", "$", [15.0]),
        ("12.50 dollars is my last offer", "$", [12.5]),
        ("I have 3 turns left, so 14", "$", [14.0]),
        ("USD 1,200 then", "$", [1200.0]),
        ("50% off: $10", "$", [10.0]),
        ("€9 or €8.75", "€", [9.0, 8.75]),
        ("nothing here", "$", []),
    ],
)
def test_prices_named(text: str, currency: str, prices: list[float]) -> None:
    assert prices_named(text, currency) == prices


def test_the_registry_builds_it_and_refuses_keys_it_does_not_take() -> None:
    assert isinstance(make_moderator(None), RuleModerator)
    assert isinstance(make_moderator({"name": "rule"}), RuleModerator)
    with pytest.raises(ConfigError, match="takes no strict key"):
        make_moderator({"name": "rule", "strict": True})
    with pytest.raises(ArenaError, match=r"unknown judge .rules.; did you mean .rule."):
        make_moderator({"name": "rules"})
