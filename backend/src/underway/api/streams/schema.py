"""JSON Schemas of the WebSocket messages, as written to ``shared-schema/ws/``.

One file per message (``auth.json``, ``snapshot.json``...) and ``index.json``: the union of all of
them, discriminated by ``type``, with the endpoints and close codes for reference.

The schemas describe the messages as they are sent (pydantic's serialization mode): the server writes
every field, defaults included, so a field with a default is *required* in the schema and a client
never has to re-fill the backend's defaults (see ``underway.views``). Client messages (auth, ping)
have no defaults, so the same schema also says what a client must send.
"""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from underway.api.streams.messages import MESSAGE_FILES, AnyMessage
from underway.api.streams.protocol import AUTH_TIMEOUT_S, CLOSE_CODE_MEANINGS, MAX_MESSAGE_BYTES

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
INDEX_FILE = "index"


def message_schemas() -> dict[str, dict[str, Any]]:
    """File stem -> JSON Schema."""
    schemas: dict[str, dict[str, Any]] = {
        name: {"$schema": JSON_SCHEMA_DIALECT, **model.model_json_schema(mode="serialization")}
        for name, model in MESSAGE_FILES.items()
    }
    schemas[INDEX_FILE] = {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": "StreamMessage",
        "description": (
            "Any message of the WebSocket streams /api/v1/operations/{id}/stream?after_seq=N and "
            f"/api/v1/admin/stream. The client sends an AuthMessage first (within {AUTH_TIMEOUT_S:g} s), "
            f"then only PingMessage; client messages are at most {MAX_MESSAGE_BYTES} bytes. The server "
            "sends a SnapshotMessage (operation stream only), EventMessage for each event, PongMessage "
            "for each ping."
        ),
        "x-close-codes": {str(code): meaning for code, meaning in sorted(CLOSE_CODE_MEANINGS.items())},
        **TypeAdapter(AnyMessage).json_schema(mode="serialization"),
    }
    return schemas
