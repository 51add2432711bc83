"""Repeated normal-form games: the environment, its text protocol, payoff tables and the
named games of the catalogue (Prisoner's Dilemma, Battle of the Sexes, Stag Hunt, ...)."""
