"""Printing operations for people (Rich) or scripts (``--json``)."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from underway.operations.errors import FieldError
from underway.operations.models import Operation
from underway.workflows.definition import WorkflowInfo

_STATUS_STYLE = {"completed": "green", "failed": "red", "cancelled": "yellow", "timed_out": "red"}


def print_json(console: Console, data: object) -> None:
    console.print_json(json.dumps(data, default=str))


def print_outcome(console: Console, op: Operation, artifact_dir: Path | None = None) -> None:
    style = _STATUS_STYLE.get(op.status.value, "cyan")
    console.print(f"Operation [bold]{op.id}[/] [{style}]{op.status.value}[/]")
    if op.error:
        console.print(f"[red]Error:[/] {op.error}")
    if op.result is not None:
        console.print("Result:")
        console.print_json(json.dumps(op.result, default=str))
    for artifact in op.artifacts:
        where = artifact_dir / artifact.name if artifact_dir is not None else artifact.name
        console.print(f"Artifact: {where} ({artifact.size} bytes, {artifact.media_type})")


def print_field_errors(console: Console, errors: list[FieldError]) -> None:
    console.print("[red]Invalid parameters:[/]")
    for err in errors:
        where = ".".join(str(p) for p in err.loc) or "(params)"
        console.print(f"  {where}: {err.msg}")


def workflows_table(workflows: list[WorkflowInfo]) -> Table:
    table = Table(title="Workflows", show_lines=True)
    table.add_column("Name", style="bold")
    table.add_column("Title / description")
    table.add_column("Stages")
    table.add_column("Parameters")
    for wf in workflows:
        props = wf.params_schema.get("properties", {})
        required = set(wf.params_schema.get("required", []))
        params = "\n".join(
            f"{name}{'*' if name in required else ''}: {_type_of(spec)}"
            + (f" = {json.dumps(spec['default'])}" if "default" in spec else "")
            for name, spec in props.items()
        )
        table.add_row(
            wf.name,
            f"{wf.title}\n[dim]{wf.description}[/]",
            " → ".join(s.name for s in wf.stages),
            params,
        )
    return table


def _type_of(spec: dict[str, object]) -> str:
    if "enum" in spec:
        return " | ".join(json.dumps(v) for v in spec["enum"])  # type: ignore[attr-defined]
    if "anyOf" in spec:
        return " | ".join(_type_of(s) for s in spec["anyOf"])  # type: ignore[attr-defined]
    if spec.get("type") == "array" and isinstance(spec.get("items"), dict):
        return f"list[{_type_of(spec['items'])}]"  # type: ignore[arg-type]
    if "$ref" in spec:
        return str(spec["$ref"]).rsplit("/", 1)[-1]
    return str(spec.get("type", "any"))
