"""Every ```console example of docs/cli.md, run for real with bash against a live server.

Lines starting with ``$ `` are commands (run in order, one bash session per block, so variables set
in a block are seen by its later commands); the lines after a command are output it must print,
in any order, among its stdout and stderr lines, with ``...`` matching anything. Each command must
exit 0 (examples that show a failure end with ``; echo "exit $?"``). ``http://localhost:8000``
stands for the test's server.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.cli_remote.conftest import Cli
from tests.sdk.live import ThreadedServer

# Every command is a real `python -m underway` process (a few seconds each on a busy machine).
pytestmark = pytest.mark.timeout(900)

DOC = Path(__file__).resolve().parents[3] / "docs" / "cli.md"
DOC_URL = "http://localhost:8000"
BLOCK = re.compile(r"^```console\n(.*?)^```", re.DOTALL | re.MULTILINE)
MARK = "@@doc-command"


@dataclass
class Command:
    line: int
    text: str
    expected: list[str] = field(default_factory=list)


def console_commands(text: str) -> list[list[Command]]:
    blocks: list[list[Command]] = []
    for match in BLOCK.finditer(text):
        first_line = text.count("\n", 0, match.start()) + 2
        commands: list[Command] = []
        for offset, line in enumerate(match.group(1).splitlines()):
            if line.startswith("$ "):
                commands.append(Command(first_line + offset, line[2:]))
            elif line.strip():
                assert commands, f"docs/cli.md:{first_line + offset}: output before any command"
                commands[-1].expected.append(line.rstrip())
        blocks.append(commands)
    return blocks


def _pattern(expected: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in expected.split("...")) + r"\Z")


def run_block(commands: list[Command], env: dict[str, str], cwd: Path, url: str) -> None:
    script = []
    for i, cmd in enumerate(commands):
        script += [
            f"echo '{MARK} {i}'",
            f"{{ {cmd.text.replace(DOC_URL, url)}\n}} 2>&1",
            f"echo '{MARK} {i} exit' $?",
        ]
    done = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    outputs: dict[int, list[str]] = {}
    codes: dict[int, int] = {}
    current: list[str] = []
    for line in done.stdout.splitlines():
        if line.startswith(MARK):
            parts = line.split()
            if len(parts) == 4:
                codes[int(parts[1])] = int(parts[3])
            else:
                current = outputs.setdefault(int(parts[1]), [])
            continue
        current.append(line.rstrip())
    for i, cmd in enumerate(commands):
        where = f"docs/cli.md:{cmd.line}: {cmd.text}"
        got = outputs.get(i, [])
        assert codes.get(i) == 0, f"{where}\nexit {codes.get(i)}\n" + "\n".join(got) + done.stderr
        for expected in cmd.expected:
            pattern = _pattern(expected.replace(DOC_URL, url))
            assert any(pattern.match(line) for line in got), (
                f"{where}\nmissing: {expected}\ngot:\n" + "\n".join(got)
            )


def test_the_doc_has_examples() -> None:
    assert sum(len(b) for b in console_commands(DOC.read_text())) >= 20


def test_cli_doc_examples_run(server: ThreadedServer, tmp_path: Path) -> None:
    server.create_user("alice", password="s3cret-passw0rd")
    server.create_user("bob")  # someone else, whose operations alice does not see
    cli = Cli(server, tmp_path / "config", token="")
    env = cli.env(signed_in=False, COLUMNS="120")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    work = tmp_path / "work"
    work.mkdir()
    for commands in console_commands(DOC.read_text()):
        run_block(commands, env, work, server.base_url)
