"""The one exception hierarchy: every error a user can cause is an ``ArenaError``.

The CLI prints ``str(error)`` as a single line and exits 2, so messages name what is wrong
and where (file, key, value) in one sentence, without a traceback.
"""

from __future__ import annotations


class ArenaError(Exception):
    """Base of every error caused by bad input rather than a bug."""


class ConfigError(ArenaError, ValueError):
    """A tournament file, a game parameter or an agent spec is malformed."""


class UnknownNameError(ArenaError, KeyError):
    """A game, agent or judge name is not registered."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class DuplicateNameError(ArenaError, ValueError):
    """A name was registered twice."""


class StoreError(ArenaError):
    """The database cannot be used as asked (newer schema, conflicting tournament, ...)."""


class EndpointError(ArenaError):
    """A model's endpoint failed a call after the SDK's own retries: infrastructure, not a move.

    The match it happened in is void (stored with this message, never rated, played again on
    the next run). ``permanent`` when asking again cannot help (the connection was refused,
    HTTP 401, 403, 404 and other client errors); ``answered`` when the endpoint had answered an
    earlier call of the same run. An endpoint whose very first calls fail permanently is
    misconfigured or down, and that stops the whole tournament.
    """

    def __init__(self, message: str, *, permanent: bool, answered: bool) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.answered = answered

    def __reduce__(self) -> tuple[object, ...]:  # picklable (a Ray task raises it remotely)
        return (_endpoint_error, (str(self), self.permanent, self.answered))

    @property
    def stops_tournament(self) -> bool:
        """Whether every call to this endpoint is bound to fail: nothing answered, nothing will."""
        return self.permanent and not self.answered


def _endpoint_error(message: str, permanent: bool, answered: bool) -> EndpointError:
    return EndpointError(message, permanent=permanent, answered=answered)


class MoveError(ArenaError, ValueError):
    """A reply or an action is not a legal move; ``reason`` is what to tell the player."""

    def __init__(self, reason: str, *, fault: str = "unparseable") -> None:
        super().__init__(reason)
        self.reason = reason
        self.fault = fault
