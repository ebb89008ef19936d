"""The API examples stay true: the README's curl section and docs/api.md's WebSocket client, run for
real against a live server.

The README's ```console blocks under "## Using the API with curl" run in order in one bash session
(see tests/support/doc_examples.py for the format), as ``admin`` with the password fed to the
section's ``read``, with ``http://127.0.0.1:8000`` standing for the test's server. The ```python
block of docs/api.md is saved as ``follow.py`` (the README runs it too) and run as a script.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import wait_for_event
from tests.sdk.live import CuttableProxy, ThreadedServer, running_server, sdk_settings
from tests.support.doc_examples import Command, console_commands, python_blocks, run_commands, section
from tests.support.processes import cli_env
from underway.auth.models import Role
from underway.operations.models import EventType, Operation, OperationEvent

ROOT = Path(__file__).resolve().parents[3]
README = ROOT / "README.md"
API_DOC = ROOT / "docs" / "api.md"
CURL_SECTION = "## Using the API with curl"
DOC_URL = "http://127.0.0.1:8000"
ADMIN_PASSWORD = "doc-admin-passw0rd"
DEADLINE_S = 20.0


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ThreadedServer]:
    with running_server(sdk_settings(tmp_path)) as srv:
        yield srv


def curl_commands() -> list[Command]:
    """Every command of the section, in order (they run in one shell session)."""
    first_line, text = section(README.read_text(), CURL_SECTION)
    blocks = console_commands(text, doc="README.md", first_line=first_line)
    return [command for block in blocks for command in block]


def follow_script(directory: Path) -> Path:
    """docs/api.md's Python client, saved as the doc says."""
    blocks = python_blocks(API_DOC.read_text())
    assert len(blocks) == 1, "docs/api.md should have exactly one ```python block: the client"
    path = directory / "follow.py"
    path.write_text(blocks[0][1])
    return path


def example_env(tmp_path: Path) -> dict[str, str]:
    """A clean environment (no developer's UNDERWAY_* or stored login) whose ``python3`` and
    ``underway`` are this virtualenv's."""
    env = cli_env(tmp_path / "local-data", "sqlite:///unused", COLUMNS="120")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


# -- the README's curl section ---------------------------------------------------------------------


def test_the_curl_section_covers_the_api_tour() -> None:
    commands = curl_commands()
    assert len(commands) >= 20
    for needle in (
        "/auth/token",
        '"$API/operations"',
        "/events?",
        "/cancel",
        "/artifacts/",
        '"$API/api-keys"',
        "underway ops watch",
        "python3 follow.py",
    ):
        assert any(needle in c.text for c in commands), f"no example uses {needle}"
    assert not any("jq" in c.text.split() for c in commands)  # runs on a fresh machine


def test_readme_curl_examples_run(server: ThreadedServer, tmp_path: Path) -> None:
    server.create_user("admin", role=Role.ADMIN, password=ADMIN_PASSWORD)
    work = tmp_path / "work"
    work.mkdir()
    follow_script(work)
    run_commands(
        curl_commands(),
        doc="README.md",
        env=example_env(tmp_path),
        cwd=work,
        replacements={DOC_URL: server.base_url},
        stdin=ADMIN_PASSWORD + "\n",
        timeout=90,
    )
    assert (work / "report-2025-06.pdf").read_bytes().startswith(b"%PDF-")


# -- docs/api.md's WebSocket client ------------------------------------------------------------------


def _run_follow(
    script: Path, env: dict[str, str], *args: str, timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(script), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _printed_events(stdout: str) -> list[tuple[int, str]]:
    """(seq, type) of each event line the client printed."""
    return [
        (int(line.split()[0][1:]), line.split()[1]) for line in stdout.splitlines() if line.startswith("#")
    ]


def _submit(server: ThreadedServer, owner: str, **params: object) -> Operation:
    return server.call(server.runtime.service.submit(workflow="demo.sleep", params=dict(params), owner=owner))


def _log(server: ThreadedServer, op_id: str) -> list[OperationEvent]:
    return server.call(server.runtime.service.events(op_id))


def test_websocket_client_resumes_after_a_dropped_connection(server: ThreadedServer, tmp_path: Path) -> None:
    token = server.token_for("alice")
    script = follow_script(tmp_path)
    proxy = CuttableProxy("127.0.0.1", server.port)
    env = {**example_env(tmp_path), "UNDERWAY_URL": proxy.url, "UNDERWAY_TOKEN": token}
    op = _submit(server, "alice", steps=400, step_s=0.05)
    follow = subprocess.Popen(
        [sys.executable, str(script), op.id],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        proxy.wait_for_connections(1, timeout=DEADLINE_S)  # the client connected
        # A few events after the connection was made, so some went over it; then the link dies.
        seen = server.call(server.runtime.service.get(op.id)).last_seq
        server.call(wait_for_event(server.runtime, op.id, lambda e: e.seq >= seen + 3))
        proxy.cut()
        proxy.wait_for_connections(2, timeout=DEADLINE_S)  # and reconnected
        server.call(server.runtime.service.cancel(op.id, owner="alice"))
        out, err = follow.communicate(timeout=30)
    finally:
        follow.kill()
        proxy.close()

    assert follow.returncode == 1, err  # ended, but not completed
    assert out.splitlines()[-1] == f"Operation {op.id} cancelled"
    assert sum(1 for line in out.splitlines() if line.startswith(f"demo.sleep {op.id}: ")) >= 2  # snapshots
    printed = _printed_events(out)
    seqs = [seq for seq, _ in printed]
    assert seqs == sorted(set(seqs)), f"a gap in order or a duplicate: {seqs}"
    log = _log(server, op.id)
    assert seqs[-1] == log[-1].seq
    # Only progress events may be skipped (coalesced for a slow reader), never anything else.
    assert {e.seq for e in log if e.type is not EventType.PROGRESS} <= set(seqs)


def test_websocket_client_resumes_from_after_seq_and_reports_refusals(
    server: ThreadedServer, tmp_path: Path
) -> None:
    token = server.token_for("alice")
    script = follow_script(tmp_path)
    env = {**example_env(tmp_path), "UNDERWAY_URL": server.base_url, "UNDERWAY_TOKEN": token}
    op = _submit(server, "alice", steps=3, step_s=0.01)

    done = _run_follow(script, env, op.id)
    assert done.returncode == 0, done.stderr
    log = _log(server, op.id)
    assert [seq for seq, _ in _printed_events(done.stdout)] == [e.seq for e in log]
    assert done.stdout.splitlines()[-1] == f"Operation {op.id} completed"

    resumed = _run_follow(script, env, op.id, "3")
    assert resumed.returncode == 0, resumed.stderr
    assert [seq for seq, _ in _printed_events(resumed.stdout)] == [e.seq for e in log if e.seq > 3]

    refusals = {
        "4401": {**env, "UNDERWAY_TOKEN": "not-a-token"},
        "4404": {**env, "UNDERWAY_TOKEN": server.token_for("carol")},  # not carol's operation
    }
    for code, refused_env in refusals.items():
        refused = _run_follow(script, refused_env, op.id)
        assert refused.returncode == 2, refused.stdout + refused.stderr
        assert f"stream closed: {code}" in refused.stderr
