"""``underway schema``: write the public contract (OpenAPI and WebSocket message schemas).

The output is deterministic (sorted keys, two-space indent, final newline) and independent of the
environment, so ``shared-schema/`` only changes when the code does; tests/api/test_schema.py fails
when the committed files drift.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

console = Console()

OPENAPI_FILE = "openapi.json"
WS_DIR = "ws"


def to_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def render_schema_files() -> dict[str, str]:
    """Relative path -> file content, for everything ``underway schema`` writes."""
    from underway.api.app import create_app
    from underway.api.streams.schema import message_schemas
    from underway.settings import Settings

    # Defaults only (no environment, no .env): UNDERWAY_METRICS_ENABLED=false, say, must not
    # change the published contract.
    app = create_app(Settings.model_construct())
    files = {OPENAPI_FILE: to_json(app.openapi())}
    for name, schema in message_schemas().items():
        files[f"{WS_DIR}/{name}.json"] = to_json(schema)
    return files


def write_schema_files(out: Path, files: dict[str, str]) -> list[Path]:
    """Write ``files`` under ``out`` and remove message schemas that no longer exist."""
    (out / WS_DIR).mkdir(parents=True, exist_ok=True)
    for stale in (out / WS_DIR).glob("*.json"):
        if f"{WS_DIR}/{stale.name}" not in files:
            stale.unlink()
    written = []
    for relative, text in sorted(files.items()):
        path = out / relative
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


def schema(
    out: Annotated[
        Path, typer.Option("--out", help="Directory to write (the repository's shared-schema/).")
    ] = Path("shared-schema"),
) -> None:
    """Write openapi.json and ws/*.json (the WebSocket messages) for clients and the web app."""
    files = render_schema_files()
    changed = write_schema_files(out, files)
    console.print(f"{len(files)} schema files in {out} ({len(changed)} changed)")
