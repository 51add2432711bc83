"""Model replies kept in the arena database, so a tournament replays exactly and offline.

A reply is stored under a digest of everything that decides it: provider, endpoint, model,
system prompt, messages, sampling parameters and the call's draw (derived from the match seed,
the turn and the attempt, so two identical prompts in different matches are different draws,
whether or not the provider takes a seed). Running a tournament again with the cache answers
every call from the database: the same moves, no network, and no cost (a replayed turn's cost
is zero; its tokens are those of the original call). Failed calls are never stored.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from typing import Any

from arena.agents.llm.provider import Completion


def cache_key(provider: str, model: str, request: dict[str, Any]) -> str:
    """The digest a reply is stored under."""
    text = json.dumps(
        {"provider": provider, "model": model, **request},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(text.encode()).hexdigest()


class ResponseCache:
    """Get and put replies in the ``llm_cache`` table of an arena database."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> Completion | None:
        """The stored reply, as if it had just come back at the first attempt."""
        row = self._db.execute("SELECT response FROM llm_cache WHERE key = ?", (key,)).fetchone()
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        stored = json.loads(row[0])
        stored.pop("faults", None)
        return Completion(**{**stored, "from_cache": True})

    async def lookup(self, key: str) -> Completion | None:
        """``get`` as the agents call it: a remote cache (Ray) answers without blocking the
        event loop its matches share."""
        return self.get(key)

    def put(self, key: str, provider: str, model: str, completion: Completion) -> None:
        """Keep a reply (not the failed attempts before it: a replay makes none)."""
        fields = {k: v for k, v in completion.__dict__.items() if k not in ("faults", "from_cache")}
        response = json.dumps(fields, sort_keys=True)
        self._db.execute(
            "INSERT OR IGNORE INTO llm_cache (key, provider, model, response, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (key, provider, model, response, time.time()),
        )
