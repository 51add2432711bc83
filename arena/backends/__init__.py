"""Where matches run: in this process or a process pool (``local``); Ray comes as an extra.

Every backend takes a ``MatchPlan`` and fixtures and yields finished ``MatchRecord``s in
batches; the caller (the tournament runner) alone writes the store.
"""
