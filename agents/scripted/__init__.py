"""Scripted strategies, one module per game family: they read structured observations and
declare what they are (deterministic or not, memory depth, families) as data."""
