"""Players: the agent interface (``base``), scripted strategies by family (``scripted/``),
language models with one file per provider (``llm/``) and a person at the terminal (``human``)."""
