"""See every HTTP attempt an SDK makes for one call, so retried failures are faults too.

The official SDKs retry rate limits, server errors and timeouts by themselves and report only
the last outcome. To record every fault, the clients are given a transport that notes each
attempt's outcome (``ok``, ``rate_limit``, ``transport`` or ``timeout``) in a list held by a
context variable: the call that sets the list sees the attempts of its own request only, however
many requests are in flight in the same event loop.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_ATTEMPTS: ContextVar[list[str] | None] = ContextVar("arena_http_attempts", default=None)


def _note(outcome: str) -> None:
    attempts = _ATTEMPTS.get()
    if attempts is not None:
        attempts.append(outcome)


def outcome_of_status(status: int) -> str:
    """The fault class of an HTTP status (``ok`` below 400)."""
    if status < 400:
        return "ok"
    return "rate_limit" if status == 429 else "transport"


@contextmanager
def recording() -> Iterator[list[str]]:
    """``with recording() as attempts:`` collects the outcome of each attempt made inside."""
    attempts: list[str] = []
    token = _ATTEMPTS.set(attempts)
    try:
        yield attempts
    finally:
        _ATTEMPTS.reset(token)


class RecordingTransport:
    """Wraps the SDK's own HTTP transport and notes each attempt's outcome."""

    def __init__(self, inner: Any, http: Any) -> None:
        self._inner = inner
        self._timeout = http.TimeoutException
        self._error = http.TransportError

    async def handle_async_request(self, request: Any) -> Any:
        try:
            response = await self._inner.handle_async_request(request)
        except self._timeout:
            _note("timeout")
            raise
        except self._error:
            _note("transport")
            raise
        _note(outcome_of_status(response.status_code))
        return response

    async def __aenter__(self) -> RecordingTransport:
        await self._inner.__aenter__()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self._inner.__aexit__(*exc)

    async def aclose(self) -> None:
        await self._inner.aclose()


def recording_http_client(sdk_client_class: type, max_connections: int) -> Any:
    """An instance of ``sdk_client_class`` (the SDK's default async HTTP client) that records.

    The HTTP library is the one the SDK itself is built on (``httpx``, or ``httpx2`` in newer
    releases), found from the client class rather than assumed.
    """
    base = next(c for c in sdk_client_class.__mro__ if c.__name__ == "AsyncClient")
    http = importlib.import_module(base.__module__.split(".")[0])
    limits = http.Limits(
        max_connections=max_connections,
        max_keepalive_connections=max_connections,
        keepalive_expiry=30.0,
    )
    inner = http.AsyncHTTPTransport(limits=limits)
    return sdk_client_class(transport=RecordingTransport(inner, http))
