"""Every ```console example of docs/cli.md, run for real with bash against a live server.

Lines starting with ``$ `` are commands (run in order, one bash session per block, so variables set
in a block are seen by its later commands); the lines after a command are output it must print,
in any order, among its stdout and stderr lines, with ``...`` matching anything. Each command must
exit 0 (examples that show a failure end with ``; echo "exit $?"``). ``http://localhost:8000``
stands for the test's server.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.cli_remote.conftest import Cli
from tests.sdk.live import ThreadedServer
from tests.support.doc_examples import console_commands, run_commands

# Every command is a real `python -m underway` process (a few seconds each on a busy machine).
pytestmark = pytest.mark.timeout(900)

DOC = Path(__file__).resolve().parents[3] / "docs" / "cli.md"
DOC_NAME = "docs/cli.md"
DOC_URL = "http://localhost:8000"


def test_the_doc_has_examples() -> None:
    assert sum(len(b) for b in console_commands(DOC.read_text(), doc=DOC_NAME)) >= 20


def test_cli_doc_examples_run(server: ThreadedServer, tmp_path: Path) -> None:
    server.create_user("alice", password="s3cret-passw0rd")
    server.create_user("bob")  # someone else, whose operations alice does not see
    cli = Cli(server, tmp_path / "config", token="")
    env = cli.env(signed_in=False, COLUMNS="120")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    work = tmp_path / "work"
    work.mkdir()
    for commands in console_commands(DOC.read_text(), doc=DOC_NAME):
        run_commands(commands, doc=DOC_NAME, env=env, cwd=work, replacements={DOC_URL: server.base_url})
