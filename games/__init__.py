"""The games, one sub-package per family (``matrix``, ``bargaining``), one PettingZoo
environment per file, each with its text protocol; registered by id in ``arena.builtins``."""
