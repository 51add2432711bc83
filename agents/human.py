"""A person as a player: reads the game's text protocol in a terminal and types the replies.

The person is told exactly what a language model is told: the rules once when the match
starts, then each turn the protocol's description of the observation. A typed line is parsed
by the same protocol, and a line that cannot be used is answered with the same words a model
gets (the reason and the legal options); a person is asked again as often as it takes, never
forfeited. Each turn's typed lines, the seconds taken and any faults go into the match record,
as a model's turn does. Closing the input (Ctrl-D) raises ``PlayerLeft``: the match has no
result, and nothing of it should be stored.

Lines are read on a helper thread, so the event loop keeps running while the person thinks: a
language-model opponent's call in the same round is made meanwhile, and its timeouts are not
tripped by the person's pace. The process's own standard input is read from its file
descriptor, never through ``sys.stdin``: a reader thread that is still waiting when the match
ends early then holds no lock that the interpreter's shutdown needs.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TextIO

from arena.agents.base import Agent, AgentInfo, MatchContext
from arena.errors import ArenaError, MoveError
from arena.records import TurnInfo

PROMPT = "> "


class PlayerLeft(ArenaError):
    """The person closed the input before the match ended: the match has no result."""


class _DescriptorLines:
    """Lines from a file descriptor, decoded, read with ``os.read`` (no Python-level lock)."""

    def __init__(self, fd: int, encoding: str) -> None:
        self.fd = fd
        self.encoding = encoding
        self._buffer = b""

    def readline(self) -> str:
        """The next line with its newline; ``""`` at the end of the input."""
        while b"\n" not in self._buffer:
            chunk = os.read(self.fd, 4096)
            if not chunk:  # end of input; an unterminated last line still counts
                line, self._buffer = self._buffer, b""
                return line.decode(self.encoding, errors="replace")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line.decode(self.encoding, errors="replace") + "\n"


def _settle(future: asyncio.Future[str], result: str | None, error: BaseException | None) -> None:
    if future.done():  # cancelled: the match ended while the person was being asked
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result or "")


def _in_daemon_thread(read: Callable[[], str]) -> asyncio.Future[str]:
    """``read()`` on a daemon thread, as a future of the running loop.

    Not ``asyncio.to_thread``: its executor is joined when the loop closes, so a person who
    has not answered would keep the process alive after the match ended for another reason.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[str] = loop.create_future()

    def run() -> None:
        result, error = None, None
        try:
            result = read()
        except BaseException as caught:  # handed to the awaiting coroutine
            error = caught
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(_settle, future, result, error)

    threading.Thread(target=run, name="arena-human-input", daemon=True).start()
    return future


class HumanAgent(Agent):
    """A person at a terminal (``arena play``): sees the protocol's text, types the replies.

    Parameters
    ----------
    name : how results name the person.
    stdin, stdout : where lines are read and text is written (tests pass ``io.StringIO``);
        by default the process's standard input and output.
    """

    info = AgentInfo(
        stochastic=True,
        memory_depth=float("inf"),
        families=("*",),
        reads_text=True,
        source="a person at the terminal",
    )

    def __init__(
        self,
        name: str | None = None,
        *,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        **params: Any,
    ) -> None:
        super().__init__(name, **params)
        self._stdin = stdin
        self._stdout = stdout
        self._lines: _DescriptorLines | None = None
        self._last: TurnInfo | None = None
        self._turn = 0

    def _say(self, text: str, end: str = "\n") -> None:
        out = self._stdout or sys.stdout
        out.write(text + end)
        out.flush()

    def _reader(self) -> Callable[[], str]:
        if self._stdin is not None:
            return self._stdin.readline
        if self._lines is None:
            encoding = getattr(sys.stdin, "encoding", None) or "utf-8"
            self._lines = _DescriptorLines(sys.stdin.fileno(), encoding)
        return self._lines.readline

    def reset(self, context: MatchContext) -> None:
        """Start a match: show the rules once."""
        super().reset(context)
        if context.protocol is None:
            raise MoveError(f"{context.game_id} gives no text protocol for {context.agent_id}")
        self.protocol = context.protocol
        self._turn = 0
        self._last = None
        self._say(self.protocol.rules(context.agent_id))

    async def act(self, observation: Any) -> Any:
        """Show this turn's description and read lines until one names a legal move."""
        self._say("\n" + self.protocol.describe(observation))
        started = time.perf_counter()
        typed: list[str] = []
        faults: list[str] = []
        while True:
            self._say(PROMPT, end="")
            line = await _in_daemon_thread(self._reader())
            if not line:
                raise PlayerLeft(f"the input ended in turn {self._turn + 1}")
            reply = line.rstrip("\r\n")
            typed.append(reply)
            try:
                action = self.protocol.parse(reply, observation)
                break
            except MoveError as error:
                faults.append(error.fault)
                legal = ", ".join(self.protocol.legal_moves(observation))
                self._say(
                    f"That reply cannot be used: {error.reason}. Legal options: {legal}. "
                    "Reply again."
                )
        self._last = TurnInfo(
            text="\n---\n".join(typed),  # every line typed this turn, as a model's attempts
            latency=time.perf_counter() - started,
            fault="+".join(faults) or None,
        )
        self._turn += 1
        return action

    def pop_turn_info(self) -> TurnInfo | None:
        info, self._last = self._last, None
        return info
