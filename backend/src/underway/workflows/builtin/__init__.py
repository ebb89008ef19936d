"""Workflows shipped with Underway (registered through the ``underway.workflows`` entry point)."""

from underway.workflows.builtin import demo_sleep

__all__ = ["demo_sleep"]
