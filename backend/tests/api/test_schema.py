"""The committed shared-schema/ is what the code generates (the web app's client is built from it)."""

from __future__ import annotations

import json
from pathlib import Path

from underway.cli.schema import OPENAPI_FILE, WS_DIR, render_schema_files, write_schema_files

SHARED_SCHEMA = Path(__file__).resolve().parents[3] / "shared-schema"
STALE = "shared-schema/ is stale: run `make schema` and commit the result"


def test_committed_schema_matches_the_code() -> None:
    generated = render_schema_files()
    committed = {
        path.relative_to(SHARED_SCHEMA).as_posix(): path.read_text(encoding="utf-8")
        for path in [SHARED_SCHEMA / OPENAPI_FILE, *sorted((SHARED_SCHEMA / WS_DIR).glob("*.json"))]
        if path.is_file()
    }
    assert sorted(committed) == sorted(generated), STALE
    drifted = [name for name, text in generated.items() if committed[name] != text]
    assert not drifted, f"{STALE} (differs: {', '.join(drifted)})"


def test_output_is_deterministic_and_canonical() -> None:
    first, second = render_schema_files(), render_schema_files()
    assert first == second
    for text in first.values():
        assert text.endswith("}\n")
        assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_every_message_is_in_the_index_union(tmp_path: Path) -> None:
    write_schema_files(tmp_path, render_schema_files())
    (tmp_path / WS_DIR / "gone.json").write_text("{}")
    write_schema_files(tmp_path, render_schema_files())  # removes schemas of messages that no longer exist
    names = {p.stem for p in (tmp_path / WS_DIR).glob("*.json")}
    assert names == {"index", "auth", "ping", "snapshot", "event", "pong"}
    index = json.loads((tmp_path / WS_DIR / "index.json").read_text())
    assert index["discriminator"]["propertyName"] == "type"
    titles = {json.loads((tmp_path / WS_DIR / f"{n}.json").read_text())["title"] for n in names - {"index"}}
    assert {ref["$ref"].rsplit("/", 1)[1] for ref in index["oneOf"]} == titles
    assert set(index["x-close-codes"]) >= {"1000", "4401", "4403", "4404"}


def test_operation_ids_are_stable() -> None:
    openapi = json.loads(render_schema_files()[OPENAPI_FILE])
    ids = {op["operationId"] for path in openapi["paths"].values() for op in path.values()}
    assert {
        "workflows-list",
        "workflows-get",
        "operations-submit",
        "operations-list",
        "operations-get",
        "operations-cancel",
        "operations-events",
        "operations-artifact",
        "stats-get",
        "adminOperations-list",
        "adminOperations-queue",
    } <= ids
