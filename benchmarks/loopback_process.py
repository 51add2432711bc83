"""The loopback LLM server in a child process, for benchmarks: its CPU time is not the arena's.

The child runs a script that starts ``arena.testing.llm_server.LLMServer``, prints its port,
serves until its standard input closes, then prints one line of results for the parent.
"""

from __future__ import annotations

import subprocess
import sys


class LoopbackProcess:
    """``with LoopbackProcess(script, *args) as server:`` serves on ``server.port``; ``stop()``
    returns the child's line of results."""

    def __init__(self, script: str, *args: str) -> None:
        self.command = [sys.executable, "-c", script, *args]

    def __enter__(self) -> LoopbackProcess:
        self.process = subprocess.Popen(
            self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        self.port = int(self.process.stdout.readline())
        return self

    def stop(self) -> str:
        """Stop serving; the child's last line (what it measured)."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        line = self.process.stdout.readline()
        self.process.wait(timeout=30)
        return line

    def __exit__(self, *exc: object) -> None:
        if self.process.poll() is None:
            self.process.kill()
