"""The base of every model the service sends: operations, events, users, keys, workflows, figures.

A field with a default is still always written, so in the JSON Schema of a response (pydantic's
serialization mode, which FastAPI uses for response models and ``shared-schema/ws`` uses for
messages) it is *required*: generated clients then never have to re-fill the backend's defaults.
Validation is unchanged; the SDK parses responses with these same models.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class View(BaseModel):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)
