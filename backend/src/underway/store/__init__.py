"""Durable storage of operations and their event logs (SQLModel on SQLite or PostgreSQL)."""
