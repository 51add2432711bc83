"""What machine a benchmark ran on, for the committed results tables."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def machine() -> str:
    """CPU model, cores, Python and OS, in one line."""
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def publish(lines: list[str], results: Path, write: bool) -> None:
    """Print a benchmark's table and, when ``write``, keep it as ``results`` (the committed
    figures): every script ends the same way."""
    text = "\n".join(lines) + "\n"
    print(text)
    if write:
        results.parent.mkdir(exist_ok=True)
        results.write_text(text)
        print(f"wrote {results}")
