"""Headless Chromium driven over its DevTools protocol, as the site tests look at pages.

Chromium is started with ``--remote-debugging-pipe``: it reads commands (JSON, each ended by a
NUL byte) on its file descriptor 3 and writes replies and events on 4, so no port is opened and
no websocket client is needed. Every page load records what a person's browser would report:
each request it sends (``Network.requestWillBeSent``: any URL that is not ``file:``, ``data:``
or ``about:`` left, or tried to leave, the machine), console messages and uncaught exceptions
(``Runtime.consoleAPICalled``, ``Runtime.exceptionThrown``) and the browser's own log entries
(``Log.entryAdded``: failed loads, Content-Security-Policy violations), and any dialog a script
opens (``Page.javascriptDialogOpening``: an ``alert(1)`` that ran). Host names resolve to
nothing (``--host-resolver-rules``), so a request that a page does send is seen, and fails,
without reaching any network.

Skip with ``pytest.skip`` when ``chromium`` is missing: Debian and Ubuntu install it with
``apt-get install chromium``.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

INSTALL_HINT = "needs headless Chromium: apt-get install chromium"
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")


def chromium_path() -> str | None:
    """The Chromium executable on ``PATH``, if any."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class Load:
    """What loading one page showed: its requests, console messages, exceptions and log."""

    url: str
    requests: list[str] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)  # (type, text)
    exceptions: list[str] = field(default_factory=list)
    log: list[tuple[str, str]] = field(default_factory=list)  # (level, text)
    dialogs: list[str] = field(default_factory=list)  # alert(), confirm(), prompt() messages

    @property
    def remote_requests(self) -> list[str]:
        """Requests for anything that is not on this machine's disk or in the page itself."""
        return [url for url in self.requests if not url.startswith(LOCAL_SCHEMES)]

    @property
    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and error entries of the browser's log."""
        return [
            *(
                f"console.{kind}: {text}"
                for kind, text in self.console
                if kind in ("error", "assert")
            ),
            *(f"exception: {text}" for text in self.exceptions),
            *(f"log {level}: {text}" for level, text in self.log if level == "error"),
        ]


class Browser:
    """One headless Chromium and one tab; ``with Browser() as browser: browser.load(path)``."""

    def __init__(self, width: int = 1280, height: int = 900, timeout: float = 20.0) -> None:
        executable = chromium_path()
        if executable is None:
            raise FileNotFoundError(INSTALL_HINT)
        self.timeout = timeout
        self._profile = tempfile.TemporaryDirectory(prefix="arena-chromium-")
        commands_read, self._commands = os.pipe()
        self._replies, replies_write = os.pipe()

        def wire() -> None:  # in the child: its fd 3 reads our commands, its fd 4 writes to us
            read, write = os.dup(commands_read), os.dup(replies_write)
            os.dup2(read, 3)
            os.dup2(write, 4)

        self.process = subprocess.Popen(
            [
                executable,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--host-resolver-rules=MAP * ~NOTFOUND",
                "--remote-debugging-pipe",
                f"--user-data-dir={self._profile.name}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            preexec_fn=wire,  # no thread of ours runs yet: safe between fork and exec
            close_fds=False,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(commands_read)
        os.close(replies_write)
        self._buffer = b""
        self._next = 0
        self._events: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        attached = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})
        self.session = attached["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.call(f"{domain}.enable", session=self.session)
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session=self.session,
        )

    def __enter__(self) -> Browser:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Ask Chromium to quit, then make sure it has (it is our child: kill it by its id)."""
        with contextlib.suppress(OSError):
            self._send("Browser.close", {})
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for handle in (self._commands, self._replies):
            with contextlib.suppress(OSError):
                os.close(handle)
        self._profile.cleanup()

    # -- the protocol ----------------------------------------------------------------------

    def _send(self, method: str, params: dict[str, Any], session: str | None = None) -> int:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        return self._next

    def _receive(self, timeout: float) -> dict[str, Any] | None:
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self._replies], [], [], left)
            if not ready:
                return None
            chunk = os.read(self._replies, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed its DevTools pipe (it exited)")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(
        self, method: str, params: dict[str, Any] | None = None, *, session: str | None = None
    ) -> dict[str, Any]:
        """Send one command and wait for its reply (events meanwhile are kept)."""
        ident = self._send(method, params or {}, session)
        deadline = time.monotonic() + self.timeout
        while True:
            message = self._receive(deadline - time.monotonic())
            if message is None:
                raise TimeoutError(f"chromium did not answer {method} in {self.timeout} s")
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))
            self._events.append(message)

    # -- pages -----------------------------------------------------------------------------

    def load(self, path: Path, settle: float = 0.3, fragment: str = "") -> Load:
        """Open ``path`` (a file; ``fragment`` after its ``#``) and wait for its load event and
        a quiet ``settle`` seconds after it; everything the page did meanwhile is in the
        returned ``Load``."""
        url = path.resolve().as_uri() + (f"#{fragment}" if fragment else "")
        if fragment:  # from the same page, a new fragment would only scroll: leave it first
            self.call("Page.navigate", {"url": "about:blank"}, session=self.session)
            self._wait_for_load()
        self._events.clear()
        self.call("Page.navigate", {"url": url}, session=self.session)
        deadline = time.monotonic() + self.timeout
        loaded = False
        while not loaded:
            message = self._receive(deadline - time.monotonic())
            if message is None:
                raise TimeoutError(f"{url} did not load in {self.timeout} s")
            self._events.append(message)
            self._answer_dialog(message)
            loaded = message.get("method") == "Page.loadEventFired"
        while (message := self._receive(settle)) is not None:
            self._events.append(message)
            self._answer_dialog(message)
        return self._load_of(url)

    def _wait_for_load(self) -> None:
        deadline = time.monotonic() + self.timeout
        while (message := self._receive(deadline - time.monotonic())) is not None:
            if message.get("method") == "Page.loadEventFired":
                return
        raise TimeoutError(f"a page did not load in {self.timeout} s")

    def _answer_dialog(self, message: dict[str, Any]) -> None:
        """Close a dialog the page opened (an alert blocks the page until it is answered)."""
        if message.get("method") == "Page.javascriptDialogOpening":
            self._send("Page.handleJavaScriptDialog", {"accept": True}, self.session)

    def _load_of(self, url: str) -> Load:
        load = Load(url)
        for event in self._events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Network.requestWillBeSent":
                load.requests.append(params["request"]["url"])
            elif method == "Runtime.consoleAPICalled":
                text = " ".join(
                    str(a.get("value", a.get("description", ""))) for a in params["args"]
                )
                load.console.append((params["type"], text))
            elif method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                load.exceptions.append(
                    str(details.get("exception", {}).get("description", details.get("text")))
                )
            elif method == "Page.javascriptDialogOpening":
                load.dialogs.append(str(params.get("message")))
            elif method == "Log.entryAdded":
                entry = params["entry"]
                load.log.append((entry["level"], f"{entry.get('text')} {entry.get('url', '')}"))
        return load

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression in the page."""
        result = self.call(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True},
            session=self.session,
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, out: Path, *, full_page: bool = True, most: int = 6000) -> Path:
        """A PNG of the page (the whole page, up to ``most`` pixels tall) written to ``out``."""
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            metrics = self.call("Page.getLayoutMetrics", session=self.session)
            size = metrics.get("cssContentSize") or metrics["contentSize"]
            params["clip"] = {
                "x": 0,
                "y": 0,
                "width": size["width"],
                "height": min(size["height"], most),
                "scale": 1,
            }
            params["captureBeyondViewport"] = True
        shot = self.call("Page.captureScreenshot", params, session=self.session)
        out.write_bytes(base64.b64decode(shot["data"]))
        return out
