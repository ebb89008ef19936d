"""``underway run`` and ``underway workflows`` through the real command in a subprocess."""

from __future__ import annotations

import json
import signal
from pathlib import Path

from tests.support.processes import LiveProcess, cli_env, run_cli


def test_run_prints_the_result_and_exits_0(tmp_path: Path, database_url: str) -> None:
    env = cli_env(tmp_path, database_url)
    done = run_cli(["run", "demo.sleep", "-p", "steps=3", "-p", "step_s=0.01", "--json"], env)
    assert done.returncode == 0, done.stderr
    op = json.loads(done.stdout)
    assert op["status"] == "completed" and op["result"] == {"steps": 3}
    assert "work 2/3" in done.stderr


def test_invalid_params_print_field_errors_and_exit_2(tmp_path: Path, database_url: str) -> None:
    done = run_cli(
        ["run", "demo.sleep", "-p", "steps=0", "-p", "colour=red"], cli_env(tmp_path, database_url)
    )
    assert done.returncode == 2
    assert "steps: Input should be greater than or equal to 1" in done.stdout
    assert "colour: Extra inputs are not permitted" in done.stdout


def test_unknown_workflow_and_malformed_option_exit_2(tmp_path: Path, database_url: str) -> None:
    env = cli_env(tmp_path, database_url)
    assert run_cli(["run", "no.such"], env).returncode == 2
    malformed = run_cli(["run", "demo.sleep", "-p", "steps"], env)
    assert malformed.returncode == 2 and "expected key=value" in malformed.stderr


def test_failed_operation_exits_1_with_the_error(tmp_path: Path, database_url: str) -> None:
    done = run_cli(
        ["run", "demo.sleep", "-p", "steps=3", "-p", "step_s=0", "-p", "fail_at_step=2"],
        cli_env(tmp_path, database_url),
    )
    assert done.returncode == 1
    assert "Failed on purpose at step 2" in done.stdout


def test_ctrl_c_cancels_gracefully_and_exits_130(tmp_path: Path, database_url: str) -> None:
    live = LiveProcess(
        ["run", "demo.sleep", "-p", "steps=500", "-p", "step_s=0.02", "--json"],
        cli_env(tmp_path, database_url),
    )
    live.wait_for_line(lambda line: line.startswith("running work 2/3"))
    live.proc.send_signal(signal.SIGINT)
    code, out = live.finish()
    assert code == 130
    op = json.loads(out)
    assert op["status"] == "cancelled" and 0 < op["progress"]["percent"] < 100


def test_second_ctrl_c_stops_a_stubborn_workflow_at_once(tmp_path: Path, database_url: str) -> None:
    env = cli_env(tmp_path, database_url, UNDERWAY_CANCEL_GRACE_S="600")
    live = LiveProcess(
        [
            "run",
            "demo.sleep",
            "-p",
            "steps=500",
            "-p",
            "step_s=0.02",
            "-p",
            "ignore_checkpoints=true",
            "--json",
        ],
        env,
    )
    live.wait_for_line(lambda line: line.startswith("running work 2/3"))
    live.proc.send_signal(signal.SIGINT)
    live.wait_for_line(lambda line: line.startswith("cancelling"))
    live.proc.send_signal(signal.SIGINT)
    code, out = live.finish(timeout=30)  # far below the 600 s grace: the second Ctrl-C forced it
    assert code == 130
    assert json.loads(out)["status"] == "cancelled"


def test_workflows_lists_every_workflow_with_its_schema(tmp_path: Path, database_url: str) -> None:
    done = run_cli(["workflows", "--json"], cli_env(tmp_path, database_url))
    assert done.returncode == 0
    by_name = {w["name"]: w for w in json.loads(done.stdout)}
    assert {"demo.sleep", "test.chatty"} <= set(by_name)
    assert by_name["demo.sleep"]["params_schema"]["properties"]["steps"]["minimum"] == 1
    table = run_cli(["workflows"], cli_env(tmp_path, database_url))
    assert "demo.sleep" in table.stdout and "prepare → work → finish" in table.stdout
