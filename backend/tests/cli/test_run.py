"""``underway run`` and ``underway workflows`` through the real command in a subprocess."""

from __future__ import annotations

import json
import re
import signal
import sys
from pathlib import Path

from tests.support.processes import LiveProcess, cli_env, run_cli
from tests.support.terminal import Terminal


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


def test_params_file_priority_and_timeout_shape_the_operation(tmp_path: Path, database_url: str) -> None:
    params = tmp_path / "params.json"
    params.write_text(json.dumps({"steps": 5, "step_s": 0}))
    done = run_cli(
        [
            *("run", "demo.sleep", "--params-file", str(params), "-p", "steps=2"),
            *("--priority", "high", "--timeout", "30", "--json"),
        ],
        cli_env(tmp_path, database_url),
    )
    assert done.returncode == 0, done.stderr
    op = json.loads(done.stdout)
    assert op["params"]["step_s"] == 0 and op["result"] == {"steps": 2}, "-p overrides the file"
    assert (op["priority"], op["timeout_s"]) == ("high", 30)


def test_an_unreadable_params_file_exits_2_and_says_why(tmp_path: Path, database_url: str) -> None:
    params = tmp_path / "params.json"
    params.write_text("[1, 2]")
    env = cli_env(tmp_path, database_url)
    not_an_object = run_cli(["run", "demo.sleep", "--params-file", str(params)], env)
    assert not_an_object.returncode == 2
    assert "must hold a JSON object" in not_an_object.stderr
    missing = run_cli(["run", "demo.sleep", "--params-file", str(tmp_path / "nope.json")], env)
    assert missing.returncode == 2 and "cannot read params file" in missing.stderr


def test_timeout_stops_the_run_and_exits_1(tmp_path: Path, database_url: str) -> None:
    done = run_cli(
        ["run", "demo.sleep", "-p", "steps=1000", "-p", "step_s=0.02", "--timeout", "0.5", "--json"],
        cli_env(tmp_path, database_url),
    )
    assert done.returncode == 1
    op = json.loads(done.stdout)
    assert (op["status"], op["error"]) == ("timed_out", "Timed out after 0.5 s")


def test_a_timeout_above_the_maximum_exits_2_with_a_clear_message(tmp_path: Path, database_url: str) -> None:
    env = cli_env(tmp_path, database_url, UNDERWAY_MAX_TIMEOUT_S="60", UNDERWAY_DEFAULT_TIMEOUT_S="30")
    done = run_cli(["run", "demo.sleep", "--timeout", "61"], env)
    assert done.returncode == 2
    assert "must not exceed 60 s" in done.stdout
    assert "Submitted operation" not in done.stderr, "nothing was submitted"


def test_printed_artifact_paths_exist(tmp_path: Path, database_url: str) -> None:
    done = run_cli(["run", "test.artifact"], cli_env(tmp_path, database_url))
    assert done.returncode == 0, done.stderr
    (line,) = [line for line in done.stdout.splitlines() if line.startswith("Artifact: ")]
    found = re.fullmatch(r"Artifact: (.+) \(5 bytes, text/plain\)", line)
    assert found is not None, line
    assert Path(found[1]).read_text() == "hello"


def test_milestone_lines_show_percent_stage_elapsed_eta_and_message(
    tmp_path: Path, database_url: str
) -> None:
    done = run_cli(
        ["run", "demo.sleep", "-p", "steps=3", "-p", "step_s=0.01"], cli_env(tmp_path, database_url)
    )
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    clock = r"\d+:\d\d:\d\d"
    assert any(
        re.fullmatch(rf"running prepare 1/3 0% · {clock} elapsed · ETA ({clock}|-:--:--) · Preparing", x)
        for x in lines
    ), lines
    assert any(re.fullmatch(rf"running work 2/3 10% · {clock} elapsed · ETA {clock}", x) for x in lines), (
        lines
    )
    assert any(re.fullmatch(rf"completed finish 3/3 100% · {clock} elapsed · Completed", x) for x in lines), (
        lines
    )


def test_the_live_bar_at_a_terminal_shows_percent_stage_message_elapsed_and_eta(
    tmp_path: Path, database_url: str
) -> None:
    env = cli_env(tmp_path, database_url, COLUMNS="160", TERM="xterm")
    term = Terminal(
        [sys.executable, "-m", "underway", "run", "demo.sleep", "-p", "steps=2000", "-p", "step_s=0.05"], env
    )
    try:
        bar = term.wait_for_match(
            r"work 2/3\s.*?\s(\d+)%\s+(\d+:\d\d:\d\d)\s+ETA (\d+:\d\d:\d\d)\s+Step (\d+) of 2000"
        )
        percent, _elapsed, eta, step = bar.groups()
        assert 10 <= int(percent) < 100 and int(step) >= 1
        assert eta != "0:00:00", "most of the work is still ahead"
        term.proc.send_signal(signal.SIGINT)
        assert term.proc.wait(30) == 130
        term.wait_for("cancelled")
    finally:
        term.close()
