"""Submitting, reading, listing, cancelling and downloading through the SDK, against a real server."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tests.sdk.live import ThreadedServer
from underway.client import (
    AsyncClient,
    Client,
    Conflict,
    EventType,
    NotFound,
    OperationStatus,
    Priority,
    ValidationFailed,
)

QUICK = {"steps": 3, "step_s": 0.01}
SLOW = {"steps": 2000, "step_s": 0.05}


def test_workflows_catalogue(client: Client) -> None:
    names = {w.name for w in client.workflows()}
    assert {"demo.sleep", "test.artifact"} <= names
    info = client.workflow("demo.sleep")
    assert [s.name for s in info.stages] == ["prepare", "work", "finish"]
    assert "steps" in info.params_schema["properties"]
    with pytest.raises(NotFound):
        client.workflow("no.such")


def test_submit_and_wait_returns_the_final_operation(client: Client) -> None:
    op = client.submit(
        "demo.sleep",
        QUICK,
        priority=Priority.HIGH,
        timeout_s=60,
        metadata={"ticket": "T-1"},
        wait=True,
        timeout=30,
    )
    assert op.status is OperationStatus.COMPLETED
    assert op.result == {"steps": 3}
    assert op.priority is Priority.HIGH
    assert op.metadata == {"ticket": "T-1"}
    assert op.timeout_s == 60
    assert op.owner == "alice"
    assert op.progress.percent == 100


def test_stream_yields_every_event_in_order_ending_with_the_terminal_one(client: Client) -> None:
    op = client.submit("demo.sleep", QUICK)
    events = list(client.stream(op.id))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].status is OperationStatus.QUEUED
    assert events[-1].type is EventType.STATUS
    assert events[-1].status is OperationStatus.COMPLETED
    # The same log over HTTP, and a resumed stream gives just the rest.
    assert client.events(op.id) == events
    assert client.events(op.id, after_seq=2) == events[2:]
    assert list(client.stream(op.id, after_seq=3)) == events[3:]
    assert list(client.stream(op.id, after_seq=events[-1].seq)) == []


def test_cancel_a_running_operation_and_409_once_finished(client: Client) -> None:
    op = client.submit("demo.sleep", SLOW)
    for event in client.stream(op.id):
        if event.status is OperationStatus.RUNNING and event.type is EventType.PROGRESS:
            break
    cancelling = client.cancel(op.id)
    assert cancelling.status in {OperationStatus.CANCELLING, OperationStatus.CANCELLED}
    final = client.wait(op.id, timeout=30)
    assert final.status is OperationStatus.CANCELLED
    with pytest.raises(Conflict) as caught:
        client.cancel(op.id)
    assert caught.value.status == 409


def test_unknown_operation_is_not_found(client: Client) -> None:
    missing = str(uuid.uuid4())
    with pytest.raises(NotFound) as caught:
        client.get(missing)
    assert caught.value.status == 404
    assert caught.value.problem is not None
    assert missing in (caught.value.problem.detail or "")
    with pytest.raises(NotFound):
        client.cancel(missing)
    with pytest.raises(NotFound):
        list(client.stream(missing))


def test_another_users_operation_is_not_found(server: ThreadedServer, client: Client) -> None:
    op = client.submit("demo.sleep", QUICK)
    with Client(server.base_url, token=server.token_for("mallory")) as other, pytest.raises(NotFound):
        other.get(op.id)


def test_invalid_params_are_validation_failed_with_field_errors(client: Client) -> None:
    with pytest.raises(ValidationFailed) as caught:
        client.submit("demo.sleep", {"steps": 0, "colour": "red"})
    assert caught.value.status == 422
    by_field = {tuple(e.loc): e for e in caught.value.errors}
    assert set(by_field) == {("body", "params", "steps"), ("body", "params", "colour")}
    assert by_field[("body", "params", "steps")].type == "greater_than_equal"
    with pytest.raises(ValidationFailed):
        client.submit("no.such", {})


def test_list_filters_and_iterates_every_page(client: Client) -> None:
    ids = [client.submit("demo.sleep", QUICK, wait=True).id for _ in range(5)]
    failed = client.submit("demo.sleep", {**QUICK, "fail_at_step": 1}, wait=True)
    assert failed.status is OperationStatus.FAILED
    page = client.list(limit=2)
    assert len(page.items) == 2
    assert page.next_cursor is not None
    everything = [op.id for op in client.iter_operations(limit=2)]
    assert everything == [failed.id, *reversed(ids)]  # newest first
    assert [op.id for op in client.iter_operations(status=OperationStatus.FAILED)] == [failed.id]
    completed = client.list(status=[OperationStatus.COMPLETED], workflow="demo.sleep")
    assert {op.id for op in completed.items} == set(ids)
    assert client.list(workflow="test.artifact").items == []
    first = client.get(ids[0])
    assert [op.id for op in client.iter_operations(created_before=first.created_at)] == []
    assert client.stats().completed_today == 5


def test_admin_sees_everyones_operations_and_the_queue(client: Client, admin: Client) -> None:
    mine = client.submit("demo.sleep", QUICK, wait=True)
    page = admin.admin_operations(owner="alice")
    assert [op.id for op in page.items] == [mine.id]
    assert mine.id in [op.id for op in admin.iter_operations(all_users=True)]
    assert admin.list().items == []  # an admin's own listing is their own operations
    queue = admin.admin_queue()
    assert queue.capacity > 0
    assert queue.workers == 4


def test_download_streams_an_artifact_to_a_directory_or_a_file(client: Client, tmp_path: Path) -> None:
    tmp_path = tmp_path / "downloads"
    tmp_path.mkdir()
    op = client.submit("test.artifact", {}, wait=True)
    assert op.status is OperationStatus.COMPLETED
    assert [a.name for a in op.artifacts] == ["hello.txt"]
    written = client.download(op.id, "hello.txt", tmp_path)
    assert written == tmp_path / "hello.txt"
    assert written.read_text() == "hello"
    other = client.download(op.id, "hello.txt", tmp_path / "sub" / "copy.txt")
    assert other.read_text() == "hello"
    with pytest.raises(NotFound):
        client.download(op.id, "missing.txt", tmp_path)
    assert not (tmp_path / "missing.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hello.txt", "sub"]  # no partial files left


def test_idempotency_key_returns_the_first_operation(client: Client) -> None:
    first = client.submit("demo.sleep", QUICK, idempotency_key="nightly-2024-05-01")
    again = client.submit("demo.sleep", QUICK, idempotency_key="nightly-2024-05-01")
    assert again.id == first.id
    with pytest.raises(Conflict) as caught:
        client.submit("demo.sleep", {"steps": 4}, idempotency_key="nightly-2024-05-01")
    assert caught.value.problem is not None
    assert caught.value.problem.extra("operation_id") == first.id


async def test_async_client_submit_stream_wait_cancel_download(aclient: AsyncClient, tmp_path: Path) -> None:
    op = await aclient.submit("demo.sleep", QUICK)
    seqs = [e.seq async for e in aclient.stream(op.id)]
    assert seqs == list(range(1, len(seqs) + 1))
    assert (await aclient.get(op.id)).status is OperationStatus.COMPLETED
    assert len(await aclient.events(op.id)) == len(seqs)

    waited = await aclient.submit("test.artifact", {}, wait=True, timeout=30)
    path = await aclient.download(waited.id, "hello.txt", tmp_path)
    assert path.read_text() == "hello"

    slow = await aclient.submit("demo.sleep", SLOW)
    await aclient.cancel(slow.id)
    assert (await aclient.wait(slow.id, timeout=30)).status is OperationStatus.CANCELLED
    with pytest.raises(Conflict):
        await aclient.cancel(slow.id)
    ids = [o.id async for o in aclient.iter_operations(limit=1)]
    assert ids == [slow.id, waited.id, op.id]
    assert (await aclient.list(status="cancelled")).items[0].id == slow.id
    assert {w.name for w in await aclient.workflows()} >= {"demo.sleep"}
    assert (await aclient.workflow("demo.sleep")).name == "demo.sleep"
    assert (await aclient.stats()).finished_today == 3
