"""Remote ``underway run``, ``ops``, ``api-keys`` and ``workflows`` through the real command."""

from __future__ import annotations

import json
import re
import signal
import uuid
from pathlib import Path

import pytest

from tests.cli_remote.conftest import Cli
from tests.sdk.live import (
    CuttableProxy,
    ThreadedServer,
    running_server,
    sdk_settings,
    socket_nobody_listens_on,
    unavailable_server,
)
from underway.auth.models import Role
from underway.client import Client, EventType, OperationStatus

# Every command is a real `python -m underway` process (a few seconds each on a busy machine).
pytestmark = pytest.mark.timeout(300)

SLOW = ["-p", "steps=2000", "-p", "step_s=0.05"]
MILESTONE = re.compile(r"(?P<status>[a-z_]+)( \S+ \d+/\d+)? \d+%")  # the progress line of one event
QUICK = ["-p", "steps=3", "-p", "step_s=0.01"]


def test_run_submits_remotely_and_prints_the_final_operation(cli: Cli) -> None:
    done = cli.run("run", "demo.sleep", *QUICK, "--priority", "high", "--json")
    assert done.returncode == 0, done.stderr
    op = json.loads(done.stdout)
    assert op["status"] == "completed"
    assert op["result"] == {"steps": 3}
    assert op["owner"] == "alice"  # the signed-in user, not the local account
    assert op["priority"] == "high"
    assert f"Submitted operation {op['id']} to {cli.server.base_url}" in done.stderr
    assert "work 2/3" in done.stderr  # the progress view, fed by the WebSocket stream
    with cli.client() as client:
        assert client.get(op["id"]).status is OperationStatus.COMPLETED


def test_run_with_explicit_server_option_and_human_output(cli: Cli) -> None:
    done = cli.run(
        "run", "test.artifact", "--server", cli.server.base_url, UNDERWAY_URL="", UNDERWAY_TOKEN=cli.token
    )
    assert done.returncode == 0, done.stderr
    assert "completed" in done.stdout
    assert "Artifact: hello.txt" in done.stdout
    assert "underway ops download" in done.stdout


def test_run_invalid_params_exit_2_with_field_errors(cli: Cli) -> None:
    done = cli.run("run", "demo.sleep", "-p", "steps=0", "-p", "colour=red")
    assert done.returncode == 2
    assert "steps: Input should be greater than or equal to 1" in done.stdout
    assert "colour: Extra inputs are not permitted" in done.stdout
    unknown = cli.run("run", "no.such")
    assert unknown.returncode == 2
    assert "--as" in cli.run("run", "demo.sleep", "--as", "bob").stderr


def test_run_failed_operation_exits_1(cli: Cli) -> None:
    done = cli.run("run", "demo.sleep", *QUICK, "-p", "fail_at_step=2")
    assert done.returncode == 1
    assert "Failed on purpose at step 2" in done.stdout


def test_ctrl_c_without_a_terminal_cancels_and_exits_1_once_cancelled(cli: Cli) -> None:
    live = cli.live("run", "demo.sleep", *SLOW, "--json")
    submitted = live.wait_for_line(lambda line: line.startswith("Submitted operation"))
    op_id = submitted.split()[2]
    live.wait_for_line(lambda line: line.startswith("running work 2/3"))
    live.proc.send_signal(signal.SIGINT)
    code, out = live.finish(timeout=60)
    assert code == 1, live.lines  # it ended, and not completed: cancelled
    final = json.loads(out)
    assert final["id"] == op_id
    assert final["status"] == "cancelled"
    assert 0 < final["progress"]["percent"] < 100
    assert any(line.startswith("Cancelling") for line in live.lines)


def test_busy_server_exits_5(tmp_path: Path) -> None:
    settings = sdk_settings(
        tmp_path, workers=1, max_running_per_user=1, max_queued_per_user=1, queue_capacity=10
    )
    with running_server(settings) as server:
        cli = Cli(server, tmp_path / "config", server.token_for("alice"))
        with cli.client() as client:
            running = client.submit("demo.sleep", {"steps": 2000, "step_s": 0.05})
            next(e for e in client.stream(running.id) if e.status is OperationStatus.RUNNING)
            client.submit("demo.sleep", {"steps": 1})
        done = cli.run("run", "demo.sleep", *QUICK)
        assert done.returncode == 5
        assert "retry in 1 s" in done.stderr


def test_a_full_queue_exits_5(tmp_path: Path) -> None:
    settings = sdk_settings(tmp_path, workers=1, max_running_per_user=1, queue_capacity=1)
    with running_server(settings) as server:
        cli = Cli(server, tmp_path / "config", server.token_for("alice"))
        with cli.client() as client:
            running = client.submit("demo.sleep", {"steps": 2000, "step_s": 0.05})
            next(e for e in client.stream(running.id) if e.status is OperationStatus.RUNNING)
            client.submit("demo.sleep", {"steps": 1})  # the one place in the queue
        for args in (["run", "demo.sleep", *QUICK], ["ops", "submit", "demo.sleep", *QUICK]):
            done = cli.run(*args)
            assert done.returncode == 5, done.stderr
            assert done.stderr.startswith("Busy: ")
            assert "retry in" in done.stderr
        with cli.client() as client:
            assert len(list(client.iter_operations())) == 2  # nothing was created


def test_an_unreachable_server_exits_6(cli: Cli) -> None:
    with socket_nobody_listens_on() as url:
        done = cli.run("ops", "list", "--server", url, UNDERWAY_URL="")
    assert done.returncode == 6
    assert f"Cannot reach the server at {url}" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_server_that_is_unavailable_exits_6(cli: Cli) -> None:
    page = b"<html><body>503 Service Unavailable: no backend</body></html>"
    with unavailable_server("text/html", page, retry_after="30") as url:
        done = cli.run("ops", "show", str(uuid.uuid4()), "--server", url, UNDERWAY_URL="")
    assert done.returncode == 6
    assert f"The server at {url} is unavailable" in done.stderr
    assert "retry in 30 s" in done.stderr


def test_ops_list_show_events_cancel_and_exit_codes(cli: Cli) -> None:
    first = cli.json("run", "demo.sleep", *QUICK)
    failed = cli.json("run", "demo.sleep", *QUICK, "-p", "fail_at_step=1", code=1)
    page = cli.json("ops", "list")
    assert [o["id"] for o in page["items"]] == [failed["id"], first["id"]]
    assert page["next_cursor"] is None
    only_failed = cli.json("ops", "list", "--status", "failed")
    assert [o["id"] for o in only_failed["items"]] == [failed["id"]]
    assert cli.json("ops", "list", "--workflow", "test.artifact")["items"] == []
    paged = cli.json("ops", "list", "--limit", "1")
    assert paged["next_cursor"] is not None
    rest = cli.json("ops", "list", "--limit", "1", "--cursor", paged["next_cursor"])
    assert [o["id"] for o in rest["items"]] == [first["id"]]

    shown = cli.json("ops", "show", first["id"])
    assert shown["status"] == "completed"
    human = cli.run("ops", "show", failed["id"])
    assert human.returncode == 0
    assert "Failed on purpose at step 1" in human.stdout

    events = cli.json("ops", "events", first["id"])
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert events[-1]["status"] == "completed"
    assert cli.json("ops", "events", first["id"], "--after", str(len(events) - 1)) == events[-1:]
    table = cli.run("ops", "events", first["id"])
    assert "completed" in table.stdout

    # Cancelling a finished operation: exit 1 with the server's reason.
    again = cli.run("ops", "cancel", first["id"])
    assert again.returncode == 1
    assert "already finished" in again.stderr

    missing = str(uuid.uuid4())
    for args in (["ops", "show", missing], ["ops", "cancel", missing], ["ops", "events", missing]):
        done = cli.run(*args)
        assert done.returncode == 4, args
        assert "not found" in done.stderr


def test_ops_cancel_and_watch(cli: Cli) -> None:
    with cli.client() as client:
        op = client.submit("demo.sleep", {"steps": 2000, "step_s": 0.05})
    watcher = cli.live("ops", "watch", op.id, "--json")
    watcher.wait_for_line(lambda line: line.startswith("running work"))
    cancelled = cli.json("ops", "cancel", op.id, "--wait")
    assert cancelled["status"] == "cancelled"
    code, out = watcher.finish()
    assert code == 1  # watched to its end, which was not a completion
    assert json.loads(out)["status"] == "cancelled"


def test_ops_watch_ctrl_c_detaches_and_the_operation_goes_on(cli: Cli) -> None:
    with cli.client() as client:
        op = client.submit("demo.sleep", {"steps": 2000, "step_s": 0.05})
        watcher = cli.live("ops", "watch", op.id)
        watcher.wait_for_line(lambda line: line.startswith("running work"))
        watcher.proc.send_signal(signal.SIGINT)
        code, _ = watcher.finish()
        assert code == 130
        assert any("Detached" in line for line in watcher.lines)
        assert client.get(op.id).status is OperationStatus.RUNNING
        client.cancel(op.id)


def test_ops_watch_resumes_after_the_network_drops(cli: Cli) -> None:
    port = cli.server.port
    proxy = CuttableProxy("127.0.0.1", port)
    try:
        with cli.client() as client:
            op = client.submit("demo.sleep", {"steps": 60, "step_s": 0.05})
        watcher = cli.live("ops", "watch", op.id, "--server", proxy.url, "--json", UNDERWAY_URL="")
        watcher.wait_for_line(lambda line: line.startswith("running work"))
        proxy.cut()
        code, out = watcher.finish()
    finally:
        proxy.close()
    assert code == 0, watcher.lines
    assert json.loads(out)["status"] == "completed"
    assert proxy.accepted >= 3  # GET, the first stream, the resumed stream (and the final GET)


def test_ops_watch_resumes_across_a_server_restart(cli: Cli, tmp_path: Path) -> None:
    """The server closes the stream as it shuts down (1012) and comes back on the same port and
    database: the watch goes on to the end, printing each milestone once."""
    server = cli.server
    proxy = CuttableProxy("127.0.0.1", server.port)  # queues reconnections while nothing listens
    restarted = None
    # Held at a gate (a file) until the restart is done, so the stop always interrupts it.
    gate = tmp_path / "gate"
    params = {"log": str(tmp_path / "runs.log"), "gate": str(gate)}
    try:
        with cli.client() as client:
            op = client.submit("test.record", params)
        watcher = cli.live("ops", "watch", op.id, "--server", proxy.url, "--json", UNDERWAY_URL="")
        watcher.wait_for_line(lambda line: line.startswith("running hold"))
        proxy.hold()
        server.stop()
        restarted = ThreadedServer(server.settings, server.port).start()
        gate.touch()
        proxy.release()
        code, out = watcher.finish(timeout=60)
        with Client(restarted.base_url, token=cli.token) as client:
            log = client.events(op.id)
    finally:
        proxy.close()
        if restarted is not None:
            restarted.stop()
    assert code == 0, watcher.lines
    assert json.loads(out)["status"] == "completed"
    # Without a terminal, each status and stage event is a line ("running work 2/3 10% Step 1 of
    # 60"): none missing, none twice.
    milestones = [e for e in log if e.type in {EventType.STATUS, EventType.STAGE}]
    printed = [m["status"] for line in watcher.lines if (m := MILESTONE.match(line))]
    assert printed == [e.status.value for e in milestones]
    assert [e.status for e in milestones].count(OperationStatus.QUEUED) == 2  # re-queued by the restart


def test_ops_download_all_or_one_artifact(cli: Cli, tmp_path: Path) -> None:
    op = cli.json("run", "test.artifact")
    out_dir = tmp_path / "out"
    written = cli.json("ops", "download", op["id"], "--out", str(out_dir))
    assert written == [{"name": "hello.txt", "path": str(out_dir / "hello.txt"), "size": 5}]
    assert (out_dir / "hello.txt").read_text() == "hello"
    one = cli.run("ops", "download", op["id"], "hello.txt", "-o", str(tmp_path / "one"))
    assert one.returncode == 0
    assert (tmp_path / "one" / "hello.txt").read_text() == "hello"
    assert cli.run("ops", "download", op["id"], "nope.txt", "-o", str(tmp_path)).returncode == 4
    no_artifacts = cli.json("run", "demo.sleep", *QUICK)
    assert cli.run("ops", "download", no_artifacts["id"], "-o", str(tmp_path)).returncode == 4


def test_ops_list_all_users_needs_an_admin(cli: Cli) -> None:
    cli.json("run", "demo.sleep", *QUICK)
    denied = cli.run("ops", "list", "--all-users")
    assert denied.returncode == 3
    assert "Permission denied" in denied.stderr
    admin_token = cli.server.token_for("root", role=Role.ADMIN)
    everyone = cli.json("ops", "list", "--all-users", UNDERWAY_TOKEN=admin_token)
    assert [o["owner"] for o in everyone["items"]] == ["alice"]
    table = cli.run("ops", "list", "--all-users", UNDERWAY_TOKEN=admin_token)
    assert "alice" in table.stdout
    assert cli.json("ops", "list", "--owner", "bob", UNDERWAY_TOKEN=admin_token)["items"] == []


def test_api_keys_create_list_revoke(cli: Cli) -> None:
    created = cli.json("api-keys", "create", "nightly-ci", "--expires-in-days", "30")
    key = created["key"]
    assert key.startswith("uwk_")
    assert created["expires_at"] is not None
    listed = cli.json("api-keys", "list")
    assert [k["id"] for k in listed] == [created["id"]]
    assert "key" not in listed[0]
    # The key works as UNDERWAY_TOKEN.
    assert cli.json("ops", "list", UNDERWAY_TOKEN=key) == {"items": [], "next_cursor": None}
    human = cli.run("api-keys", "create", "laptop")
    assert human.returncode == 0
    assert human.stdout.strip().startswith("uwk_")
    assert cli.json("api-keys", "revoke", created["id"]) == {"id": created["id"], "revoked": True}
    assert cli.run("ops", "list", UNDERWAY_TOKEN=key).returncode == 3
    assert cli.run("api-keys", "revoke", str(uuid.uuid4())).returncode == 4
    assert "nightly-ci" in cli.run("api-keys", "list", "--include-revoked").stdout


def test_workflows_lists_the_servers_catalogue(cli: Cli) -> None:
    names = [w["name"] for w in cli.json("workflows")]
    assert "demo.sleep" in names
    table = cli.run("workflows")
    assert table.returncode == 0
    assert "demo.sleep" in table.stdout
