"""Workflows: the Python functions users register and the context they run with."""

from underway.workflows.context import OperationCancelled, WorkflowContext
from underway.workflows.definition import Stage, Workflow, WorkflowInfo
from underway.workflows.registry import WorkflowRegistry, default_registry, workflow

__all__ = [
    "OperationCancelled",
    "Stage",
    "Workflow",
    "WorkflowContext",
    "WorkflowInfo",
    "WorkflowRegistry",
    "default_registry",
    "workflow",
]
