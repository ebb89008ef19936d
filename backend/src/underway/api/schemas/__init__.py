"""Request models and query parameters of the operations API (responses are the core's models)."""
