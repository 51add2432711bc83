"""Bargaining games: a buyer and a seller haggling over a price (in words or in tagged offers),
Rubinstein's alternating offers, and multi-issue splits of a pool of items (Deal or No Deal)."""
