"""A loopback server that speaks the OpenAI chat-completions and Anthropic messages protocols.

Tests and benchmarks drive the real ``openai`` and ``anthropic`` SDKs against it, so the agents'
HTTP, retry and parsing paths run for real with no network. Its replies come from a policy
function; latency, rate limits (429), server errors (500), timeouts, garbage text, empty and
truncated replies and malformed bodies are injected on demand, drawn from a seeded RNG.

>>> with LLMServer(policy=lambda request: "Option J") as server:
...     server.openai_base_url.startswith("http://127.0.0.1:")
True
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Policy = Callable[["ChatRequest"], str]


@dataclass(frozen=True)
class ChatRequest:
    """One call as the server saw it, in a protocol-neutral form."""

    protocol: str  # "openai" or "anthropic"
    model: str
    system: str
    messages: list[dict[str, str]]  # role and text, in order
    body: dict[str, Any]
    api_key: str

    @property
    def last_user_text(self) -> str:
        return next((m["content"] for m in reversed(self.messages) if m["role"] == "user"), "")


@dataclass
class Faults:
    """Probabilities of each injected fault per call (they are drawn in this order)."""

    rate_limit: float = 0.0  # HTTP 429
    server_error: float = 0.0  # HTTP 500
    timeout: float = 0.0  # answer only after ``timeout_seconds``
    malformed: float = 0.0  # HTTP 200 with a body that is not JSON
    garbage: float = 0.0  # a well-formed reply whose text names no move
    empty: float = 0.0  # a well-formed reply with empty text
    truncated: float = 0.0  # the reply stopped at the token limit
    refusal: float = 0.0  # the model declined (OpenAI's refusal field, Anthropic's stop reason)
    timeout_seconds: float = 5.0


@dataclass
class Stats:
    """What the server did, for assertions."""

    calls: int = 0
    answered: int = 0
    injected: dict[str, int] = field(default_factory=dict)
    in_flight: int = 0  # requests being answered now
    max_in_flight: int = 0  # the most answered at once


def _count_tokens(text: str) -> int:
    return max(1, len(text.split()))


class LLMServer:
    """``with LLMServer(policy) as server:`` serves on a free 127.0.0.1 port within the block."""

    def __init__(
        self,
        policy: Policy | None = None,
        *,
        latency: float = 0.0,
        faults: Faults | None = None,
        seed: int = 0,
        api_key: str | None = None,
        sequence: list[str | None] | None = None,
        models: set[str] | None = None,
    ) -> None:
        """``sequence`` names the fault (or ``None``) of the first calls, in order; later
        calls draw from ``faults``. With ``models``, any other model name is answered with
        HTTP 404, as providers answer a misspelt model."""
        self.policy: Policy = policy or (lambda request: "Option J")
        self.sequence = list(sequence or [])
        self.latency = latency
        self.faults = faults or Faults()
        self.expected_api_key = api_key
        self.models = models
        self.stats = Stats()
        self.requests: list[ChatRequest] = []
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> LLMServer:
        self._server = _Server(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> LLMServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "server not started"
        return int(self._server.server_address[1])

    @property
    def openai_base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def anthropic_base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- behaviour -------------------------------------------------------------------------

    def _draw_fault(self) -> str | None:
        with self._lock:
            self.stats.calls += 1
            if self.sequence:
                fault = self.sequence.pop(0)
                if fault is not None:
                    self.stats.injected[fault] = self.stats.injected.get(fault, 0) + 1
                return fault
            for name in (
                "rate_limit",
                "server_error",
                "timeout",
                "malformed",
                "garbage",
                "empty",
                "truncated",
                "refusal",
            ):
                if self._rng.random() < getattr(self.faults, name):
                    self.stats.injected[name] = self.stats.injected.get(name, 0) + 1
                    return name
        return None

    def answer(self, request: ChatRequest) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body for one request."""
        with self._lock:
            self.stats.in_flight += 1
            self.stats.max_in_flight = max(self.stats.max_in_flight, self.stats.in_flight)
        try:
            return self._answer(request)
        finally:
            with self._lock:
                self.stats.in_flight -= 1

    def _answer(self, request: ChatRequest) -> tuple[int, dict[str, str], bytes]:
        if self.expected_api_key is not None and request.api_key != self.expected_api_key:
            return _error(401, "authentication_error", "invalid api key", request.protocol)
        if self.models is not None and request.model not in self.models:
            message = f"The model '{request.model}' does not exist or you do not have access to it."
            return _error(404, "not_found_error", message, request.protocol)
        with self._lock:
            self.requests.append(request)
        fault = self._draw_fault()
        if self.latency:
            time.sleep(self.latency)
        if fault == "rate_limit":
            status, headers, body = _error(429, "rate_limit_error", "slow down", request.protocol)
            headers["retry-after-ms"] = "1"
            headers["retry-after"] = "0"
            return status, headers, body
        if fault == "server_error":
            status, headers, body = _error(500, "api_error", "internal error", request.protocol)
            headers["retry-after-ms"] = "1"  # keep the SDKs' retries quick in tests
            return status, headers, body
        if fault == "timeout":
            time.sleep(self.faults.timeout_seconds)
        if fault == "malformed":
            return 200, {"content-type": "application/json"}, b"{not json"
        if fault == "garbage":
            text = "The weather is lovely and I refuse to pick anything today."
        elif fault == "empty":
            text = ""
        else:
            text = self.policy(request)
        with self._lock:
            self.stats.answered += 1
        if fault == "refusal":
            text = ""
        reply = _reply(request, text, truncated=fault == "truncated", refused=fault == "refusal")
        return 200, {"content-type": "application/json"}, json.dumps(reply).encode()


def _error(
    status: int, kind: str, message: str, protocol: str
) -> tuple[int, dict[str, str], bytes]:
    if protocol == "anthropic":
        body = {"type": "error", "error": {"type": kind, "message": message}}
    else:
        body = {"error": {"message": message, "type": kind, "code": str(status)}}
    return status, {"content-type": "application/json"}, json.dumps(body).encode()


def _reply(request: ChatRequest, text: str, *, truncated: bool, refused: bool) -> dict[str, Any]:
    prompt_tokens = _count_tokens(request.system) + sum(
        _count_tokens(m["content"]) for m in request.messages
    )
    completion_tokens = _count_tokens(text) if text else 0
    if request.protocol == "anthropic":
        return {
            "id": "msg_loopback",
            "type": "message",
            "role": "assistant",
            "model": request.model,
            "content": [{"type": "text", "text": text}] if text else [],
            "stop_reason": "refusal" if refused else "max_tokens" if truncated else "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": prompt_tokens, "output_tokens": completion_tokens},
        }
    return {
        "id": "chatcmpl-loopback",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.model,
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": None if refused else text,
                    "refusal": "I can't help with that." if refused else None,
                },
                "finish_reason": "length" if truncated else "stop",
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def _text_of(content: Any) -> str:
    """Message content as text: a string, or a list of content blocks."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(b.get("text", "") for b in content if isinstance(b, dict))
    return ""


def _parse(protocol: str, body: dict[str, Any], api_key: str) -> ChatRequest:
    messages = [
        {"role": m["role"], "content": _text_of(m.get("content"))} for m in body["messages"]
    ]
    if protocol == "openai":
        system = "\n".join(m["content"] for m in messages if m["role"] in ("system", "developer"))
        messages = [m for m in messages if m["role"] not in ("system", "developer")]
    else:
        system = _text_of(body.get("system", ""))
    return ChatRequest(protocol, str(body.get("model", "")), system, messages, body, api_key)


class _Server(ThreadingHTTPServer):
    """One thread per connection, and a listen backlog for hundreds of clients at once.

    The backlog is read when the socket starts listening, inside the constructor: set on an
    instance afterwards it would be ignored, and a full queue of 5 makes clients wait a
    second for a SYN retry or see their connection reset.
    """

    daemon_threads = True
    request_queue_size = 1024


def _handler_for(server: LLMServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes: with Nagle's algorithm on, the body would
        # wait for the client's delayed ACK of the headers (40 ms a call on Linux).
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:  # no request logs on stderr
            return

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            raw = self.rfile.read(length)
            if self.path.rstrip("/").endswith("/chat/completions"):
                protocol = "openai"
                key = self.headers.get("authorization", "").removeprefix("Bearer ")
            elif self.path.rstrip("/").endswith("/messages"):
                protocol = "anthropic"  # SDK 2.x sends a bearer token, earlier ones x-api-key
                bearer = self.headers.get("authorization", "").removeprefix("Bearer ")
                key = self.headers.get("x-api-key", "") or bearer
            else:
                self._send(*_error(404, "not_found", f"no route {self.path}", "openai"))
                return
            try:
                request = _parse(protocol, json.loads(raw), key)
            except (ValueError, KeyError, TypeError) as error:
                self._send(*_error(400, "invalid_request_error", str(error), protocol))
                return
            self._send(*server.answer(request))

        def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout): nothing to answer

    return Handler
