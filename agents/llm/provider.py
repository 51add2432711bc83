"""What every provider adapter returns and raises, and what they share per event loop.

Adapters return a ``Completion`` or raise ``ProviderError``, so the agent treats every provider
alike. Clients and concurrency limits are shared by every agent that calls the same endpoint
from the same event loop: a tournament of hundreds of concurrent matches keeps one connection
pool and one limit per provider endpoint, not one per agent.
"""

from __future__ import annotations

import asyncio
import os
import re
import weakref
from collections.abc import Callable, Iterator
from contextlib import AbstractAsyncContextManager, contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from arena.agents.llm.http_transport import recording
from arena.agents.llm.spec import LLMSpec

DEFAULT_BASE_URLS = {
    "openai": "https://api.openai.com/v1",
    "anthropic": "https://api.anthropic.com",
}


@dataclass(frozen=True)
class Completion:
    """One model reply, with what its HTTP attempts went through."""

    text: str
    tokens_in: int  # every input token, cached ones included
    tokens_out: int
    tokens_cached: int = 0  # input tokens served from the provider's prompt cache
    truncated: bool = False  # stopped at the token limit
    refused: bool = False  # the provider or model declined to answer
    faults: tuple[str, ...] = ()  # failed HTTP attempts the SDK retried before this reply
    from_cache: bool = False  # replayed from the arena's response cache: no call, no cost


class ProviderError(Exception):
    """A call that produced no reply; ``faults`` lists each failed attempt's class.

    The message carries what the provider said (its error text), never the key. ``permanent``
    when the same call is bound to fail again: nothing could be reached, or the provider
    refused the request itself (HTTP 4xx other than 408, 409 and 429).
    """

    def __init__(
        self, fault: str, message: str, faults: tuple[str, ...] = (), *, permanent: bool = False
    ) -> None:
        super().__init__(message)
        self.fault = fault
        self.faults = faults or (fault,)
        self.permanent = permanent


_RETRYABLE_CLIENT_ERRORS = frozenset({408, 409, 429})
# How providers say a prompt is longer than the model's context (OpenAI, Anthropic, llama.cpp,
# vLLM): "maximum context length", "prompt is too long", "exceeds the available context size".
_CONTEXT_FULL = re.compile(
    r"context[ _]length|context window|context size|prompt is too long|too many tokens",
    re.IGNORECASE,
)
_KEY_LIKE = re.compile(r"\b(?:sk|gsk|xai|pk|rk)[-_][A-Za-z0-9*_\-]{6,}|\bAIza[A-Za-z0-9_\-]{10,}")


def provider_message(error: Any, limit: int = 300) -> str:
    """The provider's own error text from an SDK error, on one line, with key-like strings
    masked (OpenAI's 401 message quotes part of the key it was given)."""
    body = getattr(error, "body", None)
    text: Any = None
    if isinstance(body, dict):
        inner = body.get("error", body)
        text = inner.get("message") if isinstance(inner, dict) else inner
    if not text:
        text = getattr(error, "message", None) or str(error)
    text = " ".join(str(text).split())
    text = _KEY_LIKE.sub("[key]", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _connect_failure(error: BaseException) -> str | None:
    """Why no connection could be made (refused, no such host), or ``None`` if one was."""
    chain: list[BaseException] = []
    seen: BaseException | None = error
    while seen is not None and len(chain) < 20:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    if not any(type(e).__name__ == "ConnectError" or isinstance(e, OSError) for e in chain):
        return None
    reasons = [os.strerror(e.errno) for e in chain if isinstance(e, OSError) and e.errno]
    if reasons:  # the operating system's own words: "Connection refused"
        return str(reasons[-1])
    connect = next(e for e in chain if type(e).__name__ == "ConnectError" or isinstance(e, OSError))
    return " ".join(str(connect).split()) or type(connect).__name__


def attempt_faults(attempts: list[str], final: str | None = None) -> tuple[str, ...]:
    """The fault classes of a call's attempts; ``final`` when the call failed after a 200."""
    faults = tuple(a for a in attempts if a != "ok")
    if final is not None and (not attempts or attempts[-1] == "ok"):
        faults = (*faults, final)
    return faults


@contextmanager
def sdk_call(sdk: Any, timeout: float) -> Iterator[list[str]]:
    """Record the attempts of one SDK call and turn the SDK's errors into ``ProviderError``.

    ``sdk`` is the ``openai`` or ``anthropic`` module: both name their errors alike.
    """
    with recording() as attempts:
        try:
            yield attempts
        except sdk.APITimeoutError as error:
            faults = attempt_faults(attempts, "timeout")
            raise ProviderError("timeout", f"timed out after {timeout:g} s", faults) from error
        except sdk.APIStatusError as error:
            status = error.status_code
            if status in (400, 413) and _CONTEXT_FULL.search(provider_message(error)):
                # The prompt does not fit the model's context: the agent's configuration (its
                # memory, the model), not the network, and asking again cannot help.
                faults = (*attempt_faults(attempts[:-1]), "context_length")
                message = f"HTTP {status}: {provider_message(error)}"
                raise ProviderError("context_length", message, faults, permanent=True) from error
            faults = attempt_faults(attempts, "transport")
            permanent = 400 <= status < 500 and status not in _RETRYABLE_CLIENT_ERRORS
            message = f"HTTP {status}: {provider_message(error)}"
            raise ProviderError("transport", message, faults, permanent=permanent) from error
        except sdk.APIConnectionError as error:
            faults = attempt_faults(attempts, "transport")
            refused = _connect_failure(error)
            if refused is not None:
                message = f"cannot connect ({refused})"
                raise ProviderError("transport", message, faults, permanent=True) from error
            message = f"connection failed ({provider_message(error)})"
            raise ProviderError("transport", message, faults) from error
        except (sdk.APIError, ValueError) as error:  # ValueError: a body that is not JSON
            faults = attempt_faults(attempts, "transport")
            message = f"malformed or failed response ({type(error).__name__})"
            raise ProviderError("transport", message, faults) from error


class Provider(Protocol):
    """One model at one endpoint."""

    async def complete(
        self,
        system: str,
        messages: list[dict[str, str]],
        *,
        seed: int | None,
        schema: dict[str, Any] | None = None,
    ) -> Completion: ...


_Shared = dict[tuple[Any, ...], Any]
_PER_LOOP: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Shared] = (
    weakref.WeakKeyDictionary()
)


def _shared(key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
    """One object per ``key`` in the running event loop (a client, a semaphore)."""
    shared = _PER_LOOP.setdefault(asyncio.get_running_loop(), {})
    if key not in shared:
        shared[key] = make()
    return shared[key]


def endpoint(spec: LLMSpec) -> tuple[Any, ...]:
    """What identifies one endpoint's client: provider, URL, key variable and transport."""
    return (spec.provider, spec.base_url, spec.key_variable, spec.timeout, spec.max_retries)


def shared_client(spec: LLMSpec, make: Callable[[], Any]) -> Any:
    """The SDK client every agent of this endpoint uses in the running event loop."""
    return _shared(("client", *endpoint(spec)), make)


def endpoint_url(spec: LLMSpec) -> str:
    """Where the spec's calls go, for messages."""
    return spec.base_url or DEFAULT_BASE_URLS.get(spec.provider, spec.provider)


def endpoint_key(provider: str, base_url: str | None) -> tuple[str, str]:
    """One endpoint, as the concurrency limit and the record of answers know it."""
    return (provider, base_url or "")


def note_answered(spec: LLMSpec) -> None:
    """Remember that this endpoint answered a call (live or from the cache) in this loop."""
    answered_endpoints().add(endpoint_key(spec.provider, spec.base_url))


def answered_endpoints() -> set[tuple[str, str]]:
    """The endpoints that have answered a call in the running event loop."""
    return _shared(("answered",), set)  # type: ignore[no-any-return]


def has_answered(spec: LLMSpec) -> bool:
    """Whether this endpoint has answered any call in the running event loop."""
    return endpoint_key(spec.provider, spec.base_url) in answered_endpoints()


LimitFactory = Callable[[LLMSpec], AbstractAsyncContextManager[Any]]
_cluster_limits: LimitFactory | None = None


def use_cluster_limits(factory: LimitFactory | None) -> None:
    """Take every endpoint's concurrency limit from ``factory`` (``None``: this event loop's).

    A Ray task sets one that asks the limiter actor all tasks share, so ``concurrency`` holds
    for the whole cluster rather than per process.
    """
    global _cluster_limits
    _cluster_limits = factory


def concurrency_limit(spec: LLMSpec) -> AbstractAsyncContextManager[Any]:
    """The limit shared by every agent calling the same endpoint: from this event loop, or
    the cluster's when ``use_cluster_limits`` set one."""
    if _cluster_limits is not None:
        return _cluster_limits(spec)
    key = ("limit", *endpoint_key(spec.provider, spec.base_url))
    return _shared(key, lambda: asyncio.Semaphore(spec.concurrency))  # type: ignore[no-any-return]


def make_provider(spec: LLMSpec) -> Provider:
    """The adapter for ``spec.provider`` (imports its SDK only now)."""
    if spec.provider == "anthropic":
        from arena.agents.llm.anthropic_provider import AnthropicProvider

        return AnthropicProvider(spec)
    if spec.provider == "local":
        from arena.agents.llm.local_provider import LocalProvider

        return LocalProvider(spec)
    from arena.agents.llm.openai_provider import OpenAIProvider

    return OpenAIProvider(spec)
