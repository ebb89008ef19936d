"""The SDK speaks in the server's own models, not copies, so the two can never drift apart; and
importing it loads no web framework."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import underway.client as sdk
from tests.support.processes import BACKEND_DIR
from underway import problems
from underway.api.app import create_app
from underway.auth.models import TokenResponse
from underway.settings import Settings


def test_problems_are_the_servers_models() -> None:
    assert sdk.Problem is problems.Problem
    assert sdk.FieldProblem is problems.FieldProblem
    assert sdk.ProblemType is problems.ProblemType


def test_the_sign_in_answer_is_the_servers_model(tmp_path: Path) -> None:
    assert sdk.TokenResponse is TokenResponse
    document = create_app(Settings(data_dir=tmp_path)).openapi()
    answer = document["paths"]["/api/v1/auth/token"]["post"]["responses"]["200"]
    assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/TokenResponse"}
    published = document["components"]["schemas"]["TokenResponse"]
    assert published == TokenResponse.model_json_schema(mode="serialization")


def test_importing_the_sdk_loads_no_web_framework_nor_database() -> None:
    probe = (
        "import sys, underway.client; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'fastapi', 'starlette', 'uvicorn', 'sqlalchemy', 'alembic', 'psycopg', 'aiosqlite'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=BACKEND_DIR, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]", done.stdout
