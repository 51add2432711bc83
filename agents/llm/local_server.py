"""A llama.cpp server for the ``local`` provider, in a process of its own.

The server (``xllamacpp.Server``: llama.cpp's own OpenAI-compatible HTTP server) runs in a child
process, so a crash of llama.cpp cannot take the tournament with it and its threads never share
the interpreter with the event loop. The child listens on a free port of 127.0.0.1, prints its
address on one line, and serves until its standard input closes: when the arena stops it, or
when the arena dies however it dies (the pipe closes with it; on Linux the kernel also sends
the child SIGKILL when its parent ends). One server runs per model and settings, started when
the first call needs it and stopped when the process that started it exits.

Run as ``python -m arena.agents.llm.local_server PATH THREADS SLOTS CONTEXT``.
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from arena.errors import ConfigError

START_TIMEOUT = 60.0  # seconds for the model to load and the health check to pass


@dataclass(frozen=True)
class ServerSettings:
    """What decides one server: the model file and how it runs."""

    model: Path
    threads: int
    slots: int
    context: int  # tokens per slot


class LocalServer:
    """One running server; ``base_url`` is its OpenAI-compatible API."""

    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self._process: subprocess.Popen[str] | None = None
        self.base_url = ""
        self.started = 0  # how many times a server was started (for tests and reports)

    def start(self) -> str:
        """Start the server (if it is not running) and return its API's base URL."""
        if self._process is not None and self._process.poll() is None:
            return self.base_url
        s = self.settings
        command = [
            sys.executable,
            "-m",
            "arena.agents.llm.local_server",
            str(s.model),
            str(s.threads),
            str(s.slots),
            str(s.context),
        ]
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.started += 1
        line = _first_line(self._process, START_TIMEOUT)
        if not line.startswith("listening "):
            error = self._stop_and_read_error()
            raise ConfigError(f"the local model server for {s.model.name} did not start: {error}")
        self.base_url = line.split(" ", 1)[1].strip().rstrip("/") + "/v1"
        _wait_healthy(self.base_url.removesuffix("/v1") + "/health", START_TIMEOUT)
        return self.base_url

    def _stop_and_read_error(self) -> str:
        assert self._process is not None
        self._process.kill()
        _, stderr = self._process.communicate(timeout=10)
        lines = [line for line in (stderr or "").splitlines() if line.strip()]
        return lines[-1].strip() if lines else f"exit code {self._process.returncode}"

    def stop(self) -> None:
        """Stop the server; the next ``start`` starts a new one."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        if process.stdin is not None:
            process.stdin.close()  # the child's signal to exit
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    @property
    def pid(self) -> int | None:
        """The server process's id while it runs."""
        return self._process.pid if self._process and self._process.poll() is None else None


def _first_line(process: subprocess.Popen[str], timeout: float) -> str:
    """The child's first line of output, or "" when it says nothing in time."""
    found: list[str] = []
    reader = threading.Thread(
        target=lambda: found.append(process.stdout.readline() if process.stdout else ""),
        daemon=True,
    )
    reader.start()
    reader.join(timeout)
    return found[0] if found else ""


def _wait_healthy(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # loopback only
                if response.status == 200 and json.load(response).get("status") == "ok":
                    return
        except (OSError, ValueError):
            pass
        if time.monotonic() > deadline:
            raise ConfigError(f"the local model server at {url} did not become healthy in time")
        time.sleep(0.05)


_SERVERS: dict[ServerSettings, LocalServer] = {}
_LOCK = threading.Lock()


def server_for(settings: ServerSettings) -> LocalServer:
    """The one server of these settings in this process, started if it is not running."""
    with _LOCK:
        server = _SERVERS.get(settings)
        if server is None:
            server = _SERVERS[settings] = LocalServer(settings)
        server.start()
        return server


def running_servers() -> list[LocalServer]:
    """Servers this process started that still run."""
    return [server for server in _SERVERS.values() if server.pid is not None]


@atexit.register
def stop_all() -> None:
    """Stop every server this process started (at exit, and when a tournament ends)."""
    for server in list(_SERVERS.values()):
        server.stop()


def _die_with_parent() -> None:
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: the closed pipe ends the child


def _serve(model: str, threads: int, slots: int, context: int) -> None:
    """The child: start llama.cpp's server, say where it listens, serve until stdin closes."""
    _die_with_parent()
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = model
    params.hostnames = ["127.0.0.1"]
    params.port = 0  # a free port
    params.n_parallel = slots
    params.n_ctx = slots * context
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.warmup = False
    params.verbosity = -1  # errors only
    server: Any = xllamacpp.Server(params)
    print(f"listening {server.listening_address}", flush=True)
    sys.stdin.read()  # returns when the parent closes the pipe or dies
    del server
    os._exit(0)


if __name__ == "__main__":
    _serve(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
