"""Every ```python example of docs/sdk.md, run as written against a live server.

The examples talk to ``http://localhost:8000``, sign in as ``alice`` / ``admin`` with the passwords
they show, or rely on ``UNDERWAY_URL`` / ``UNDERWAY_TOKEN``: the test points all of that at its
server. Each block runs on its own (fresh globals), in order, from a scratch directory.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from tests.sdk.live import ThreadedServer
from tests.support.doc_examples import python_blocks
from underway.auth.models import Role
from underway.client import Client

DOC = Path(__file__).resolve().parents[3] / "docs" / "sdk.md"
DOC_URL = "http://localhost:8000"


def test_the_doc_has_examples() -> None:
    assert len(python_blocks(DOC.read_text())) >= 10


def test_sdk_doc_examples_run(
    server: ThreadedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.create_user("alice", password="s3cret-passw0rd")
    server.create_user("admin", role=Role.ADMIN, password="4dmin-passw0rd")
    with Client(server.base_url) as client:
        client.login("alice", "s3cret-passw0rd")
        api_key = client.create_api_key("docs").key
    monkeypatch.setenv("UNDERWAY_URL", server.base_url)
    monkeypatch.setenv("UNDERWAY_TOKEN", api_key)
    monkeypatch.chdir(tmp_path)
    for line, code in python_blocks(DOC.read_text()):
        source = code.replace(DOC_URL, server.base_url)
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                exec(compile(source, f"{DOC.name}:{line}", "exec"), {"__name__": "__main__"})
        except Exception as exc:
            raise AssertionError(
                f"example at docs/sdk.md line {line} failed: {exc!r}\n{out.getvalue()}"
            ) from exc
    # The download example left complete files, and nothing else, where it said.
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == [
        "manifest.json",
        "report-2025-06.csv",
        "report-2025-06.pdf",
    ]
