"""What every provider adapter returns and raises, and what they share per event loop.

Adapters return a ``Completion`` or raise ``ProviderError``, so the agent treats every provider
alike. Clients and concurrency limits are shared by every agent that calls the same endpoint
from the same event loop: a tournament of hundreds of concurrent matches keeps one connection
pool and one limit per provider endpoint, not one per agent.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from arena.agents.llm_http import recording
from arena.agents.llm_spec import LLMSpec


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


class ProviderError(Exception):
    """A call that produced no reply; ``faults`` lists each failed attempt's class."""

    def __init__(self, fault: str, message: str, faults: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.fault = fault
        self.faults = faults or (fault,)


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
            faults = attempt_faults(attempts, "transport")
            raise ProviderError("transport", f"HTTP {error.status_code}", faults) from error
        except (sdk.APIError, ValueError) as error:  # ValueError: a body that is not JSON
            faults = attempt_faults(attempts, "transport")
            message = f"malformed or failed response ({type(error).__name__})"
            raise ProviderError("transport", message, faults) from error


class Provider(Protocol):
    """One model at one endpoint."""

    async def complete(
        self, system: str, messages: list[dict[str, str]], *, seed: int | None
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


def concurrency_limit(spec: LLMSpec) -> asyncio.Semaphore:
    """The semaphore shared by every agent calling the same endpoint from this event loop."""
    key = ("limit", spec.provider, spec.base_url or "")
    return _shared(key, lambda: asyncio.Semaphore(spec.concurrency))  # type: ignore[no-any-return]


def make_provider(spec: LLMSpec) -> Provider:
    """The adapter for ``spec.provider`` (imports its SDK only now)."""
    if spec.provider == "anthropic":
        from arena.agents.anthropic_provider import AnthropicProvider

        return AnthropicProvider(spec)
    from arena.agents.openai_provider import OpenAIProvider

    return OpenAIProvider(spec)
