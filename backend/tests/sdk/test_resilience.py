"""Busy servers (429, 503), opt-in retries honouring Retry-After, idempotent retried submits, and
streams resuming after the connection is cut."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.sdk.live import (
    CuttableProxy,
    ThreadedServer,
    running_server,
    sdk_settings,
    socket_nobody_listens_on,
    unavailable_server,
)
from underway.client import (
    AsyncClient,
    Busy,
    Client,
    ConnectionFailed,
    EventType,
    OperationStatus,
    Problem,
    QueueFull,
    RateLimited,
    ServiceUnavailable,
    StreamError,
    WaitTimeout,
)
from underway.client import _endpoints as ep
from underway.client._http import RetryPolicy

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


def test_opt_in_retry_waits_out_a_full_queue(tmp_path: Path) -> None:
    settings = sdk_settings(tmp_path, workers=1, max_running_per_user=1, queue_capacity=1)
    transport = RecordingTransport(signal_status=503)
    with running_server(settings) as server:
        token = server.token_for("alice")
        with (
            Client(server.base_url, token=token) as client,
            Client(server.base_url, token=server.token_for("bob")) as bob,
            Client(
                server.base_url, token=token, retry_busy=True, max_retries=5, transport=transport
            ) as patient,
        ):
            running = client.submit("demo.sleep", SLOW)
            _wait_running(client, running.id)
            queued = bob.submit("demo.sleep", SLOW)  # the one queue slot
            result: list[object] = []
            submitter = threading.Thread(target=lambda: result.append(patient.submit("demo.sleep", QUICK)))
            submitter.start()
            assert transport.seen.wait(30), "the retrying submit was never refused"
            with pytest.raises(QueueFull) as refused:
                client.submit("demo.sleep", QUICK)  # what the patient client is told
            bob.cancel(queued.id)  # the queue slot frees up
            submitter.join(60)
            assert not submitter.is_alive()
            client.cancel(running.id)
    assert getattr(result[0], "workflow", None) == "demo.sleep"
    assert transport.statuses[0] == 503
    assert transport.statuses[-1] == 202
    retry_after = refused.value.retry_after
    assert retry_after is not None
    gaps = [b - a for a, b in zip(transport.sent_at, transport.sent_at[1:], strict=False)]
    assert min(gaps) >= retry_after * 0.95  # never sooner than the server asked


class AsyncRecordingTransport(httpx.AsyncHTTPTransport):
    """:class:`RecordingTransport` for the async client."""

    def __init__(self, signal_status: int) -> None:
        super().__init__()
        self.statuses: list[int] = []
        self.seen = asyncio.Event()
        self._signal = signal_status

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        self.statuses.append(response.status_code)
        if response.status_code == self._signal:
            self.seen.set()
        return response


async def test_async_client_retries_busy_answers_too(one_slot_server: ThreadedServer) -> None:
    token = one_slot_server.token_for("alice")
    transport = AsyncRecordingTransport(signal_status=429)
    async with (
        AsyncClient(one_slot_server.base_url, token=token) as client,
        AsyncClient(
            one_slot_server.base_url, token=token, retry_busy=True, max_retries=5, transport=transport
        ) as patient,
    ):
        running = await client.submit("demo.sleep", SLOW)
        async for event in client.stream(running.id):
            if event.status is OperationStatus.RUNNING:
                break
        queued = await client.submit("demo.sleep", SLOW)
        retried = asyncio.create_task(patient.submit("demo.sleep", QUICK))
        await asyncio.wait_for(transport.seen.wait(), 30)
        await client.cancel(running.id)  # the queued one starts: a place in the queue frees up
        op = await asyncio.wait_for(retried, 60)
        await client.cancel(queued.id)
        ops = [o.id async for o in client.iter_operations()]
    assert op.workflow == "demo.sleep"
    assert transport.statuses[0] == 429 and transport.statuses[-1] == 202
    assert len(ops) == 3  # one operation for all the attempts


def test_wait_timeout_leaves_the_operation_running(client: Client) -> None:
    op = client.submit("demo.sleep", SLOW)
    with pytest.raises(WaitTimeout) as caught:
        client.wait(op.id, timeout=0.5)
    assert isinstance(caught.value, TimeoutError)
    assert client.get(op.id).status in {OperationStatus.QUEUED, OperationStatus.RUNNING}
    with pytest.raises(WaitTimeout):
        client.submit("demo.sleep", SLOW, wait=True, timeout=0.5)
    client.cancel(op.id)
    assert client.wait(op.id, timeout=30).status is OperationStatus.CANCELLED  # picked up again


async def test_async_wait_timeout(aclient: AsyncClient) -> None:
    op = await aclient.submit("demo.sleep", SLOW)
    with pytest.raises(WaitTimeout):
        await aclient.wait(op.id, timeout=0.5)
    assert (await aclient.get(op.id)).status in {OperationStatus.QUEUED, OperationStatus.RUNNING}
    await aclient.cancel(op.id)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/html", b"<html><body>502 Bad Gateway... no, 503: backend down</body></html>"),
        (
            "application/problem+json",
            b'{"type": "urn:underway:problem:not-ready", "title": "Not ready", "status": 503}',
        ),
    ],
    ids=["proxy-page", "not-ready"],
)
def test_a_503_that_is_not_a_full_queue_is_service_unavailable(content_type: str, body: bytes) -> None:
    """A proxy whose backend is down, or a server not ready: not QueueFull, and not retried as busy."""
    with unavailable_server(content_type, body, retry_after="7") as url:
        transport = RecordingTransport(signal_status=503)
        with (
            Client(url, token="x", retry_busy=True, transport=transport) as client,
            pytest.raises(ServiceUnavailable) as caught,
        ):
            client.get("anything")
    assert not isinstance(caught.value, QueueFull | Busy)
    assert caught.value.status == 503
    assert caught.value.retry_after == 7
    assert transport.statuses == [503]


def test_stream_resumes_across_a_server_restart(tmp_path: Path) -> None:
    """The server closes the stream (1012, as on SIGTERM) and comes back on the same port and
    database; the stream goes on from the last event, with no gap and no duplicate."""
    settings = sdk_settings(tmp_path)
    first = ThreadedServer(settings).start()
    port = first.port
    proxy = CuttableProxy("127.0.0.1", port)  # queues reconnections while nothing listens
    restarted: ThreadedServer | None = None
    try:
        with Client(proxy.url, token=first.token_for("alice")) as client:
            op = client.submit("demo.sleep", {"steps": 60, "step_s": 0.05})
            seen = []
            for event in client.stream(op.id):
                seen.append(event)
                if restarted is None and event.type is EventType.PROGRESS:
                    proxy.hold()
                    first.stop()
                    restarted = ThreadedServer(settings, port).start()
                    proxy.release()
            log = client.events(op.id)
    finally:
        proxy.close()
        first.stop()
        if restarted is not None:
            restarted.stop()
    assert restarted is not None
    assert [e.seq for e in seen] == [e.seq for e in log]  # every event once, in order
    assert seen[-1].status is OperationStatus.COMPLETED
    # The restart interrupted it: the new server re-queued it (a retry-safe workflow) and ran it.
    assert [e.status for e in seen if e.type is EventType.STATUS].count(OperationStatus.QUEUED) == 2


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
    port = server.port
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
    port = server.port
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


def test_busy_retries_wait_the_longer_of_retry_after_and_the_backoff() -> None:
    call = ep.me()
    busy = RateLimited(
        "busy", status=429, problem=Problem(title="Too many requests", status=429, retry_after=1)
    )
    policy = RetryPolicy(retry_busy=True, max_retries=10)
    assert policy.delay(call, 0, busy) == 1  # early on the server's Retry-After is the longer
    late = policy.delay(call, 6, busy)  # the backoff has grown to its maximum, 8 s, jittered
    assert late is not None and 4 <= late <= 8
    assert RetryPolicy(retry_busy=True, max_retries=10, max_retry_after=2).delay(call, 6, busy) == 2
    assert RetryPolicy(retry_busy=False).delay(call, 0, busy) is None  # not without opting in
    assert policy.delay(call, 10, busy) is None  # retries used up
