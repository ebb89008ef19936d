"""Configuration mistakes the CLI reports in one line instead of a traceback."""

from __future__ import annotations

from pydantic import ValidationError
from pydantic_settings import SettingsError

from underway.settings import Settings
from underway.workflows.registry import WorkflowModuleError


def configuration_problem(exc: BaseException) -> str | None:
    """One line for a bad ``UNDERWAY_*`` value or an unimportable workflow module, such as
    ``UNDERWAY_WORKERS: Input should be a valid integer``; None for any other error."""
    if isinstance(exc, ValidationError) and exc.title == Settings.__name__:
        problems = [
            f"UNDERWAY_{'_'.join(str(p) for p in err['loc']).upper()}: {err['msg']}"
            if err["loc"]
            else err["msg"]
            for err in exc.errors()
        ]
        return "Invalid configuration: " + "; ".join(problems)
    if isinstance(exc, SettingsError | WorkflowModuleError):
        return f"Invalid configuration: {exc}"
    return None
