"""UNDERWAY_WORKFLOW_MODULES as the README documents it, through the real ``underway`` command."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.support.doc_examples import python_blocks
from tests.support.processes import BACKEND_DIR, cli_env, run_cli

README = BACKEND_DIR.parent / "README.md"
HEADING = "### Add a workflow in a dozen lines"


def _readme_example(root: Path) -> str:
    """Writes the README's example module where its first line says, and returns the
    UNDERWAY_WORKFLOW_MODULES value the README tells users to start with, both as written."""
    # Not doc_examples.section: the example's first line, a comment, would read as a heading.
    readme = README.read_text()
    start = readme.index(HEADING)
    text = readme[start : readme.index("\n## ", start)]
    [(_, code)] = python_blocks(text)
    path = re.match(r"# (\S+\.py)\n", code)
    assert path, "the example starts with a comment naming its file"
    target = root / path.group(1)
    target.parent.mkdir(parents=True)
    target.write_text(code)
    setting = re.search(r"`UNDERWAY_WORKFLOW_MODULES=([^`]+)`", text)
    assert setting, "the section says how to load the module"
    return setting.group(1)


def test_the_readme_example_loads_and_runs(tmp_path: Path) -> None:
    modules = _readme_example(tmp_path / "src")
    env = cli_env(
        tmp_path,
        f"sqlite:///{tmp_path / 'underway.db'}",
        UNDERWAY_WORKFLOW_MODULES=modules,
        PYTHONPATH=f"{tmp_path / 'src'}:{BACKEND_DIR}",
    )
    listed = run_cli(["workflows", "--local", "--json"], env)
    assert listed.returncode == 0, listed.stderr
    assert "churn.score" in {w["name"] for w in json.loads(listed.stdout)}

    done = run_cli(["run", "churn.score", "-p", "customers=3", "--local", "--json"], env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["result"] == {"scored": 3}

    # Several modules, comma-separated with spaces, as the configuration table says.
    env["UNDERWAY_WORKFLOW_MODULES"] = f"{modules}, tests.support.workflows"
    listed = run_cli(["workflows", "--local", "--json"], env)
    assert listed.returncode == 0, listed.stderr
    assert {"churn.score", "test.chatty"} <= {w["name"] for w in json.loads(listed.stdout)}


def test_a_module_that_cannot_be_imported_is_named_in_one_line(tmp_path: Path) -> None:
    env = cli_env(
        tmp_path, f"sqlite:///{tmp_path / 'underway.db'}", UNDERWAY_WORKFLOW_MODULES="my_company.typo"
    )
    for command in (["workflows", "--local"], ["serve", "--port", "0"], ["worker"]):
        done = run_cli(command, env)
        assert done.returncode == 2, (command, done.stderr)
        assert done.stderr.strip().splitlines() == [
            "Invalid configuration: cannot import workflow module 'my_company.typo': "
            "ModuleNotFoundError: No module named 'my_company'"
        ], command


def test_a_bad_setting_names_its_variable(tmp_path: Path) -> None:
    env = cli_env(tmp_path, f"sqlite:///{tmp_path / 'underway.db'}", UNDERWAY_WORKERS="four")
    done = run_cli(["workflows", "--local"], env)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("Invalid configuration: UNDERWAY_WORKERS: Input should be a valid integer")
