"""Where matches run: on this machine (``local``) or as tasks of a Ray cluster (``ray``).

Every backend is used as ``with backend: backend.run(fixtures, db=..., tournament_id=...,
stored=...)``: it plays the fixtures of one ``MatchPlan`` and stores them in the tournament's
SQLite file. Local workers store their own batches (one shared lock); on Ray the driver alone
writes, so remote machines need no access to the file.
"""

from __future__ import annotations

from typing import Any

from arena.backends.plan import MatchPlan

BACKENDS = ("local", "ray")


def open_backend(
    name: str, plan: MatchPlan, workers: int | None = None, address: str | None = None
) -> Any:
    """The backend ``name`` for ``plan``: ``LocalBackend`` or ``RayBackend`` (not yet started)."""
    if name == "ray":
        from arena.backends.ray import RayBackend

        return RayBackend(plan, workers, address=address)
    from arena.backends.local import LocalBackend

    return LocalBackend(plan, workers)
