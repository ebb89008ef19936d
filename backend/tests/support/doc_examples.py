"""Running the examples of a Markdown document, so the docs cannot drift from the product.

``python_blocks`` finds the ```python blocks of a document. ``console_commands`` reads ```console
blocks: lines starting with ``$ `` are commands (a command whose line ends with ``\\`` goes on over
the next lines, as in a shell), and the lines after a command are output it must print, in any
order, among its stdout and stderr lines, with ``...`` matching anything. ``run_commands`` runs
commands with bash in one session (variables and functions set by a command are seen by the later
ones) and checks that each exits 0 and prints what the document shows.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

MARK = "@@doc-command"


def _blocks(text: str, lang: str) -> list[tuple[int, str]]:
    pattern = re.compile(rf"^```{re.escape(lang)}\n(.*?)^```", re.DOTALL | re.MULTILINE)
    return [(text.count("\n", 0, m.start()) + 2, m.group(1)) for m in pattern.finditer(text)]


def python_blocks(text: str) -> list[tuple[int, str]]:
    """(line number of the first code line, code) of each ```python block."""
    return _blocks(text, "python")


def section(text: str, heading: str) -> tuple[int, str]:
    """(line number of the heading, text) of the section under ``heading`` (a whole line, such as
    ``## Usage``), up to the next heading of the same or a higher level."""
    level = len(heading) - len(heading.lstrip("#"))
    match = re.search(rf"^{re.escape(heading)}[ \t]*$", text, re.MULTILINE)
    assert match, f"no {heading!r} heading"
    end = re.compile(rf"^#{{1,{level}}} ", re.MULTILINE).search(text, match.end())
    body = text[match.start() : end.start() if end else len(text)]
    return text.count("\n", 0, match.start()) + 1, body


@dataclass
class Command:
    line: int
    text: str
    expected: list[str] = field(default_factory=list)


def console_commands(text: str, *, doc: str, first_line: int = 1) -> list[list[Command]]:
    """The commands of each ```console block of ``text``; ``first_line`` is the line number of the
    start of ``text`` in ``doc`` (for messages)."""
    blocks: list[list[Command]] = []
    for block_line, code in _blocks(text, "console"):
        start = block_line + first_line - 1
        commands: list[Command] = []
        continued = False
        for offset, line in enumerate(code.splitlines()):
            if continued:
                commands[-1].text += "\n" + line
            elif line.startswith("$ "):
                commands.append(Command(start + offset, line[2:]))
            elif line.strip():
                assert commands, f"{doc}:{start + offset}: output before any command"
                commands[-1].expected.append(line.rstrip())
            continued = bool(commands) and not commands[-1].expected and line.endswith("\\")
        blocks.append(commands)
    return blocks


def output_pattern(expected: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in expected.split("...")) + r"\Z")


def _substitute(text: str, replacements: Mapping[str, str]) -> str:
    for old, new in replacements.items():
        text = text.replace(old, new)
    return text


def run_commands(
    commands: Sequence[Command],
    *,
    doc: str,
    env: Mapping[str, str],
    cwd: Path,
    replacements: Mapping[str, str],
    stdin: str = "",
    timeout: float = 300,
) -> None:
    """Run ``commands`` in order in one bash session (with ``replacements`` applied to commands and
    expected output) and check each one's exit code and output."""
    script = []
    for i, cmd in enumerate(commands):
        script += [
            f"echo '{MARK} {i}'",
            f"{{ {_substitute(cmd.text, replacements)}\n}} 2>&1",
            # On a line of its own even when the command's output did not end with a newline.
            f"printf '\\n{MARK} {i} exit %s\\n' $?",
        ]
    done = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        env=dict(env),
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
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
        where = f"{doc}:{cmd.line}: {cmd.text}"
        got = outputs.get(i, [])
        assert codes.get(i) == 0, f"{where}\nexit {codes.get(i)}\n" + "\n".join(got) + done.stderr
        for expected in cmd.expected:
            pattern = output_pattern(_substitute(expected, replacements))
            assert any(pattern.match(line) for line in got), (
                f"{where}\nmissing: {expected}\ngot:\n" + "\n".join(got)
            )
