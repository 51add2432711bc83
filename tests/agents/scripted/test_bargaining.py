"""Scripted negotiators, read like matches: the offers each makes against a given opponent."""

from __future__ import annotations

import pytest

from arena import play_match
from arena.games.bargaining.buyer_seller import ACCEPT, OFFER, WALK
from arena.registry import AGENTS

GAME = "bargaining/buyer-seller-v0"


def offers(record, seat: int) -> list[float]:  # type: ignore[no-untyped-def]
    return [float(a["price"]) for a in record.moves(seat) if a["act"] == OFFER]


def test_linear_seller_concedes_evenly_to_its_cost_against_a_hardliner() -> None:
    # 10 turns from $20 to the $8 cost: $1.33 a turn; the hardliner buyer sits at $10.
    record = play_match(GAME, ["linear", "hardliner"], seed=0)
    assert offers(record, 0)[:4] == [20.0, 18.67, 17.33, 16.0]
    assert offers(record, 1) == [10.0] * len(offers(record, 1))
    assert record.outcome["deal"] and record.outcome["price"] == 10.0  # it meets the buyer
    assert record.moves(0)[-1]["act"] == ACCEPT


def test_boulware_holds_out_and_conceder_gives_way_early() -> None:
    boulware = offers(play_match(GAME, ["boulware", "hardliner"], seed=0), 0)
    conceder = offers(play_match(GAME, ["conceder", "hardliner"], seed=0), 0)
    # After one of ten turns, alpha = (1/9) ** (1/beta) of the way from $20 to the $8 cost.
    assert boulware[1] == round(20 - 12 * (1 / 9) ** (1 / 0.2), 2) == 20.0
    assert conceder[1] == round(20 - 12 * (1 / 9) ** (1 / 5), 2) == 12.27


def test_the_concession_exponent_is_a_parameter() -> None:
    from arena.agents.scripted.bargaining import TimeDependent

    agent = TimeDependent(beta=2.0)
    assert agent.params.beta == 2.0  # type: ignore[attr-defined]
    with pytest.raises(Exception, match="beta"):
        TimeDependent(beta=0.0)


def test_tit_for_tat_concession_mirrors_the_other_sides_steps() -> None:
    # The buyer is linear: $10, $11.11, $12.22, ... ($1.11 a turn towards its $20 value).
    record = play_match(GAME, ["tit-for-tat-concession", "linear"], seed=0)
    seller, buyer = offers(record, 0), offers(record, 1)
    assert seller[:2] == [20.0, 20.0]  # nothing to mirror before the buyer's second offer
    for k in range(2, len(seller)):
        assert seller[k - 1] - seller[k] == pytest.approx(buyer[k - 1] - buyer[k - 2], abs=0.011)


def test_equilibrium_splits_the_difference() -> None:
    record = play_match(GAME, ["equilibrium", "hardliner"], seed=0)
    assert offers(record, 0)[:3] == [20.0, 15.0, 12.5]  # halfway to the buyer's $10 each turn


def test_messages_are_plain_sentences_in_the_games_currency() -> None:
    record = play_match(GAME, ["linear", "conceder"], seed=0, currency="€", item="lamp")
    first = record.moves(0)[0]["message"]
    assert first == "I can let the lamp go for €20."
    assert record.moves(1)[0]["message"] == "I can pay €10 for the lamp."


def test_random_plays_only_legal_moves_and_is_seeded() -> None:
    for seed in range(30):
        record = play_match(GAME, ["random", "random"], seed=seed)
        again = play_match(GAME, ["random", "random"], seed=seed)
        assert [t.action["message"] for t in record.turns] == [
            t.action["message"] for t in again.turns
        ]
        for turn in record.turns:
            assert turn.action["act"] in (0, OFFER, ACCEPT, WALK)
            assert turn.action["act"] != ACCEPT or turn.step > 0


def test_every_negotiator_declares_the_bargaining_family() -> None:
    for name in ("boulware", "linear", "conceder", "hardliner", "tit-for-tat-concession"):
        assert AGENTS.get(name).load().info.families == ("bargaining",)
    assert set(AGENTS.get("random").load().info.families) >= {"matrix", "bargaining"}
