"""What a workflow declares: its name, its parameter model and its stages."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, ValidationError

from underway.operations.errors import FieldError, InvalidParams
from underway.views import View

if TYPE_CHECKING:
    from underway.workflows.context import WorkflowContext

WorkflowFn = Callable[["WorkflowContext", Any], Coroutine[Any, Any, Any]]


class Stage(View):
    """A named step of a workflow. ``weight`` is its share of the overall percent."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str = ""
    weight: float = Field(1.0, gt=0)
    expected_duration_s: float | None = Field(
        None, gt=0, description="Used for the ETA before any run exists."
    )


class WorkflowInfo(View):
    """A workflow as the catalogue shows it; ``params_schema`` drives the web form."""

    name: str
    title: str
    description: str
    stages: list[Stage]
    params_schema: dict[str, Any]
    retry_safe: bool = Field(description="Re-queued (not failed) when a restart interrupts it.")
    requires: list[str] = Field(
        default_factory=list,
        description="Capability tags a worker must offer to run it (UNDERWAY_WORKER_CAPABILITIES).",
    )


@dataclass(frozen=True)
class Workflow:
    name: str
    title: str
    description: str
    params_model: type[BaseModel]
    stages: tuple[Stage, ...]
    fn: WorkflowFn
    retry_safe: bool = False
    requires: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not self.stages:
            raise ValueError(f"workflow {self.name!r} declares no stages")
        names = [s.name for s in self.stages]
        if len(set(names)) != len(names):
            raise ValueError(f"workflow {self.name!r} declares a stage twice")

    def validate_params(self, raw: dict[str, Any]) -> BaseModel:
        """Parse raw params with the workflow's model, raising :class:`InvalidParams` with field errors."""
        try:
            return self.params_model.model_validate(raw)
        except ValidationError as exc:
            errors = [
                FieldError(loc=tuple(e["loc"]), msg=e["msg"], type=e["type"])
                for e in exc.errors(include_url=False)
            ]
            raise InvalidParams(self.name, errors) from None

    def info(self) -> WorkflowInfo:
        return WorkflowInfo(
            name=self.name,
            title=self.title,
            description=self.description,
            stages=list(self.stages),
            params_schema=self.params_model.model_json_schema(),
            retry_safe=self.retry_safe,
            requires=sorted(self.requires),
        )

    def runs_on(self, capabilities: Iterable[str]) -> bool:
        """Whether a worker offering ``capabilities`` may run this workflow."""
        return self.requires <= set(capabilities)
