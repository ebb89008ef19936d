"""Busy servers (429, 503), opt-in retries honouring Retry-After, idempotent retried submits, and
streams resuming after the connection is cut."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.sdk.live import CuttableProxy, ThreadedServer, running_server, sdk_settings
from underway.client import (
    AsyncClient,
    Client,
    ConnectionFailed,
    EventType,
    OperationStatus,
    QueueFull,
    RateLimited,
    StreamError,
)

SLOW = {"steps": 2000, "step_s": 0.05}
QUICK = {"steps": 3, "step_s": 0.01}


class RecordingTransport(httpx.HTTPTransport):
    """Counts answers by status and signals the first answer with ``signal_status``."""

    def __init__(self, signal_status: int) -> None:
        super().__init__()
        self.statuses: list[int] = []
        self.sent_at: list[float] = []
        self.seen = threading.Event()
        self._signal = signal_status

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent_at.append(time.monotonic())
        response = super().handle_request(request)
        self.statuses.append(response.status_code)
        if response.status_code == self._signal:
            self.seen.set()
        return response


def _wait_running(client: Client, op_id: str) -> None:
    for event in client.stream(op_id):
        if event.status is OperationStatus.RUNNING:
            return
    raise AssertionError("finished before running")


@pytest.fixture
def one_slot_server(tmp_path: Path) -> Iterator[ThreadedServer]:
    """One worker, one running and one queued operation per user; Retry-After is 1 s."""
    settings = sdk_settings(
        tmp_path, workers=1, max_running_per_user=1, max_queued_per_user=1, queue_capacity=10
    )
    with running_server(settings) as server:
        yield server


def test_per_user_limit_is_rate_limited_with_retry_after(one_slot_server: ThreadedServer) -> None:
    with Client(one_slot_server.base_url, token=one_slot_server.token_for("alice")) as client:
        running = client.submit("demo.sleep", SLOW)
        _wait_running(client, running.id)
        client.submit("demo.sleep", SLOW)  # waits in the queue
        with pytest.raises(RateLimited) as caught:
            client.submit("demo.sleep", SLOW)
    assert caught.value.status == 429
    assert caught.value.retry_after == 1
    assert caught.value.problem is not None
    assert caught.value.problem.type == "urn:underway:problem:quota-exceeded"


def test_opt_in_retry_waits_for_retry_after_and_submits_once(one_slot_server: ThreadedServer) -> None:
    token = one_slot_server.token_for("alice")
    transport = RecordingTransport(signal_status=429)
    with (
        Client(one_slot_server.base_url, token=token) as client,
        Client(
            one_slot_server.base_url, token=token, retry_busy=True, max_retries=5, transport=transport
        ) as patient,
    ):
        running = client.submit("demo.sleep", SLOW)
        _wait_running(client, running.id)
        queued = client.submit("demo.sleep", SLOW)
        result: list[object] = []
        submitter = threading.Thread(target=lambda: result.append(patient.submit("demo.sleep", QUICK)))
        submitter.start()
        assert transport.seen.wait(30), "the retrying submit was never refused"
        client.cancel(running.id)  # frees the worker: the queued one starts, and a queue slot frees
        client.cancel(queued.id)
        submitter.join(30)
        assert not submitter.is_alive()
        retried = result[0]
        assert getattr(retried, "workflow", None) == "demo.sleep"
        assert transport.statuses[0] == 429
        assert transport.statuses[-1] == 202
        # Each retry came Retry-After (1 s with this queue) after the refusal before it, not sooner.
        gaps = [b - a for a, b in zip(transport.sent_at, transport.sent_at[1:], strict=False)]
        assert gaps
        assert min(gaps) >= 0.95
        ops = list(client.iter_operations())
        assert len(ops) == 3  # the retries reused one idempotency key: no duplicate


def test_without_opt_in_busy_is_raised_at_once(one_slot_server: ThreadedServer) -> None:
    transport = RecordingTransport(signal_status=429)
    token = one_slot_server.token_for("alice")
    with Client(one_slot_server.base_url, token=token, transport=transport) as client:
        running = client.submit("demo.sleep", SLOW)
        _wait_running(client, running.id)
        client.submit("demo.sleep", SLOW)
        with pytest.raises(RateLimited):
            client.submit("demo.sleep", SLOW)
    assert transport.statuses.count(429) == 1


def test_queue_full_is_503_with_retry_after(tmp_path: Path) -> None:
    settings = sdk_settings(tmp_path, workers=1, max_running_per_user=1, queue_capacity=1)
    with (
        running_server(settings) as server,
        Client(server.base_url, token=server.token_for("alice")) as client,
    ):
        running = client.submit("demo.sleep", SLOW)
        _wait_running(client, running.id)
        with Client(server.base_url, token=server.token_for("bob")) as bob:
            bob.submit("demo.sleep", SLOW)  # the one queue slot
        with pytest.raises(QueueFull) as caught:
            client.submit("demo.sleep", SLOW)
    assert caught.value.status == 503
    assert caught.value.retry_after is not None
    assert caught.value.problem is not None
    assert caught.value.problem.type == "urn:underway:problem:queue-full"


def test_rate_limit_429(tmp_path: Path) -> None:
    with (
        running_server(sdk_settings(tmp_path, rate_limit_submit="2/minute")) as server,
        Client(server.base_url, token=server.token_for("alice")) as client,
    ):
        client.submit("demo.sleep", QUICK)
        client.submit("demo.sleep", QUICK)
        with pytest.raises(RateLimited) as caught:
            client.submit("demo.sleep", QUICK)
    assert caught.value.problem is not None
    assert caught.value.problem.type == "urn:underway:problem:rate-limited"
    assert caught.value.retry_after is not None
    assert caught.value.retry_after > 0


def test_unreachable_server_is_connection_failed_after_retries() -> None:
    with socket_nobody_listens_on() as url, Client(url, token="x", max_retries=2, max_reconnects=1) as client:
        with pytest.raises(ConnectionFailed) as caught:
            client.get("anything")
        assert caught.value.status is None
        with pytest.raises(StreamError):
            list(client.stream("anything"))


def test_a_submit_retried_after_a_lost_answer_creates_one_operation(server: ThreadedServer) -> None:
    """The answer to the first submit is lost: the retry reuses its idempotency key."""
    token = server.token_for("alice")

    class LoseFirstAnswer(httpx.HTTPTransport):
        lost = 0

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            response = super().handle_request(request)
            if request.method == "POST" and self.lost == 0:
                self.lost += 1
                response.read()
                raise httpx.ReadError("connection reset while reading the answer", request=request)
            return response

    transport = LoseFirstAnswer()
    with Client(server.base_url, token=token, transport=transport) as client:
        op = client.submit("demo.sleep", QUICK)
        assert transport.lost == 1
        assert [o.id for o in client.iter_operations()] == [op.id]


def test_stream_resumes_without_gap_or_duplicate_after_the_connection_is_cut(server: ThreadedServer) -> None:
    port = int(server.base_url.rsplit(":", 1)[1])
    proxy = CuttableProxy("127.0.0.1", port)
    try:
        with Client(proxy.url, token=server.token_for("alice")) as client:
            op = client.submit("demo.sleep", {"steps": 40, "step_s": 0.02})
            seen = []
            cuts = 0
            for event in client.stream(op.id):
                seen.append(event)
                if event.type is EventType.PROGRESS and cuts < 3 and len(seen) % 5 == 0:
                    proxy.cut()  # the server's side of the stream drops mid-run
                    cuts += 1
            log = client.events(op.id)
    finally:
        proxy.close()
    assert cuts == 3
    assert proxy.accepted >= 4  # every cut was followed by a reconnection
    seqs = [e.seq for e in seen]
    assert seqs == sorted(set(seqs))  # in order, no duplicate
    assert seqs == [e.seq for e in log]  # and no gap: exactly the event log
    assert seen[-1].status is OperationStatus.COMPLETED


async def test_async_stream_resumes_after_the_connection_is_cut(server: ThreadedServer) -> None:
    port = int(server.base_url.rsplit(":", 1)[1])
    proxy = CuttableProxy("127.0.0.1", port)
    try:
        async with AsyncClient(proxy.url, token=server.token_for("alice")) as client:
            op = await client.submit("demo.sleep", {"steps": 30, "step_s": 0.02})
            seqs: list[int] = []
            async for event in client.stream(op.id):
                seqs.append(event.seq)
                if len(seqs) in (3, 8):
                    proxy.cut()
            log = await client.events(op.id)
    finally:
        proxy.close()
    assert seqs == [e.seq for e in log]
    assert log[-1].status is OperationStatus.COMPLETED


@contextlib.contextmanager
def socket_nobody_listens_on() -> Iterator[str]:
    """A URL on a port that was free a moment ago (nothing listens there)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    yield f"http://127.0.0.1:{port}"
