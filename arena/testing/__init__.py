"""Tools for testing agents offline: a loopback server that speaks the LLM providers' protocols."""
