"""The ``underway`` command line: a thin adapter over the operations core (and, remotely, the API)."""
