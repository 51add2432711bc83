"""Language models as players: the agent, its spec, one module per provider (OpenAI,
Anthropic, any OpenAI-compatible server, the local llama.cpp model), the response cache and
the price table."""
