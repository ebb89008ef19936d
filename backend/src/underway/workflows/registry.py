"""The workflow registry and the ``@workflow`` decorator."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from functools import partial
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


class WorkflowModuleError(Exception):
    """A module named in ``UNDERWAY_WORKFLOW_MODULES`` (or an entry point) could not be imported."""

    def __init__(self, module: str, cause: BaseException) -> None:
        self.module = module
        super().__init__(f"cannot import workflow module {module!r}: {type(cause).__name__}: {cause}")


def load_workflow_modules(extra_modules: Iterable[str] = ()) -> None:
    """Import every module that registers workflows: entry points of the ``underway.workflows``
    group (the built-ins are one) and the modules named in ``UNDERWAY_WORKFLOW_MODULES``.

    Raises :class:`WorkflowModuleError` naming the module when one cannot be imported, whatever
    went wrong inside it (missing, a syntax error, a failing import of its own)."""
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        _import(ep.value, ep.load)
    for module in extra_modules:
        _import(module, partial(importlib.import_module, module))


def _import(name: str, load: Callable[[], object]) -> None:
    try:
        load()
    except Exception as exc:
        raise WorkflowModuleError(name, exc) from exc
