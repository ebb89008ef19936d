"""Ctrl-C at a terminal: ``underway run`` asks whether to cancel or detach (in a real pseudo-terminal)."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator

import pytest

from tests.cli_remote.conftest import Cli
from tests.support.terminal import Terminal
from underway.client import OperationStatus


@pytest.fixture
def terminal(cli: Cli) -> Iterator[Terminal]:
    """``underway run demo.sleep`` (slow) at a terminal."""
    env = cli.env(COLUMNS="120", TERM="xterm")
    term = Terminal(
        [sys.executable, "-m", "underway", "run", "demo.sleep", "-p", "steps=2000", "-p", "step_s=0.05"], env
    )
    try:
        yield term
    finally:
        term.close()


def test_ctrl_c_at_a_terminal_asks_and_detach_leaves_it_running(cli: Cli, terminal: Terminal) -> None:
    term = terminal
    term.wait_for("Submitted operation")
    term.wait_for("work 2/3")  # the live bar is up
    op_id = term.text.split("Submitted operation ", 1)[1].split()[0]
    term.proc.send_signal(signal.SIGINT)
    term.wait_for("Cancel the operation, or detach and let it run?")
    term.type("detach\r")
    assert term.proc.wait(30) == 130
    term.wait_for(f"underway ops watch {op_id}")
    with cli.client() as client:
        assert client.get(op_id).status is OperationStatus.RUNNING
        client.cancel(op_id)


def test_ctrl_c_at_a_terminal_can_cancel(cli: Cli, terminal: Terminal) -> None:
    term = terminal
    term.wait_for("work 2/3")
    op_id = term.text.split("Submitted operation ", 1)[1].split()[0]
    term.proc.send_signal(signal.SIGINT)
    term.wait_for("Cancel the operation, or detach and let it run?")
    term.type("\r")  # the default: cancel
    assert term.proc.wait(60) == 1  # it ended cancelled: not a success
    term.wait_for("cancelled")
    with cli.client() as client:
        assert client.get(op_id).status is OperationStatus.CANCELLED
    # The bar drawn after the answer starts from where the operation stands, not blank ("queued").
    after_cancel = term.text.split("Cancelling…", 1)[1]
    assert "queued" not in after_cancel
