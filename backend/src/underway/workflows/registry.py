"""The workflow registry and the ``@workflow`` decorator."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from importlib.metadata import entry_points

from pydantic import BaseModel

from underway.operations.errors import WorkflowNotFound
from underway.workflows.definition import Stage, Workflow, WorkflowFn

ENTRY_POINT_GROUP = "underway.workflows"


class WorkflowRegistry:
    def __init__(self) -> None:
        self._workflows: dict[str, Workflow] = {}

    def register(self, wf: Workflow) -> None:
        existing = self._workflows.get(wf.name)
        if existing is not None and existing.fn is not wf.fn:
            raise ValueError(f"a different workflow named {wf.name!r} is already registered")
        self._workflows[wf.name] = wf

    def get(self, name: str) -> Workflow:
        try:
            return self._workflows[name]
        except KeyError:
            raise WorkflowNotFound(name) from None

    def __contains__(self, name: object) -> bool:
        return name in self._workflows

    def all(self) -> list[Workflow]:
        return sorted(self._workflows.values(), key=lambda w: w.name)

    def workflow(
        self,
        *,
        name: str,
        title: str,
        params: type[BaseModel],
        stages: Sequence[Stage],
        description: str = "",
        retry_safe: bool = False,
        requires: Iterable[str] = (),
    ) -> Callable[[WorkflowFn], WorkflowFn]:
        """Register an async function ``fn(ctx, params)`` as a workflow. ``requires``: capability
        tags a worker must offer to run it (``UNDERWAY_WORKER_CAPABILITIES``), e.g. ``["gpu"]``."""

        def decorate(fn: WorkflowFn) -> WorkflowFn:
            doc = description or (fn.__doc__ or "").strip()
            self.register(
                Workflow(
                    name=name,
                    title=title,
                    description=doc,
                    params_model=params,
                    stages=tuple(stages),
                    fn=fn,
                    retry_safe=retry_safe,
                    requires=frozenset(requires),
                )
            )
            return fn

        return decorate


default_registry = WorkflowRegistry()
workflow = default_registry.workflow


def load_workflow_modules(extra_modules: Iterable[str] = ()) -> None:
    """Import every module that registers workflows: entry points of the ``underway.workflows``
    group (the built-ins are one) and the modules named in ``UNDERWAY_WORKFLOW_MODULES``."""
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        ep.load()
    for module in extra_modules:
        importlib.import_module(module)
