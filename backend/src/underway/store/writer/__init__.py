"""The store writer: every write of the hot path, group-committed by one thread (see thread.py)."""
