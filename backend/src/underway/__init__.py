"""Underway: long-running Python work as operations you submit, watch live, cancel and audit."""

__version__ = "0.1.0"
