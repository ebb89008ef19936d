"""The operations API over real HTTP: submit, read, list, cancel, events, artifacts, stats, workflows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.api.conftest import LiveServer, bearer
from tests.api.operations_helpers import sleep_params, submit, wait_until
from tests.api.problems import assert_problem
from tests.conftest import wait_for_event
from underway.auth.models import Role
from underway.operations.models import EventType


async def test_workflows_catalogue(live_server: LiveServer, api: httpx.AsyncClient) -> None:
    auth = bearer(await live_server.token_for("alice"))
    listed = (await api.get("/workflows", headers=auth)).json()
    assert "demo.sleep" in {w["name"] for w in listed}
    one = await api.get("/workflows/demo.sleep", headers=auth)
    assert one.status_code == 200
    assert [s["name"] for s in one.json()["stages"]] == ["prepare", "work", "finish"]
    assert one.json()["params_schema"]["properties"]["steps"]["type"] == "integer"
    problem = assert_problem(await api.get("/workflows/no.such", headers=auth), 404)
    assert problem["type"] == "urn:underway:problem:not-found"


async def test_submit_answers_202_with_location_and_runs(
    live_server: LiveServer, api: httpx.AsyncClient
) -> None:
    token = await live_server.token_for("alice")
    body = {
        "workflow": "demo.sleep",
        "params": sleep_params(),
        "priority": "high",
        "timeout_s": 60,
        "metadata": {"k": 1},
    }
    r = await api.post("/operations", json=body, headers=bearer(token))
    assert r.status_code == 202, r.text
    op = r.json()
    assert r.headers["location"] == f"/api/v1/operations/{op['id']}"
    assert op["owner"] == "alice" and op["status"] == "queued" and op["priority"] == "high"
    assert op["params"] == {"steps": 3, "step_s": 0.01, "fail_at_step": None, "ignore_checkpoints": False}
    assert op["metadata"] == {"k": 1} and op["timeout_s"] == 60
    assert "submit" in r.headers["ratelimit-policy"]

    await wait_until(live_server, op["id"])
    got = await api.get(r.headers["location"].removeprefix("/api/v1"), headers=bearer(token))
    assert got.status_code == 200
    assert got.json()["status"] == "completed" and got.json()["result"] == {"steps": 3}


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"workflow": "no.such", "params": {}}, ["body", "workflow"]),
        ({"workflow": "demo.sleep", "params": {"steps": 0}}, ["body", "params", "steps"]),
        ({"workflow": "demo.sleep", "params": {"bogus": 1}}, ["body", "params", "bogus"]),
        ({"workflow": "demo.sleep", "params": {}, "colour": "red"}, ["body", "colour"]),
        ({"workflow": "demo.sleep", "params": {}, "priority": "urgent"}, ["body", "priority"]),
        ({"workflow": "demo.sleep", "params": {}, "timeout_s": 0}, ["body", "timeout_s"]),
        ({"workflow": "demo.sleep", "params": {}, "timeout_s": 10**9}, ["body", "timeout_s"]),
        ({"workflow": "demo.sleep", "params": {}, "metadata": {"x": "y" * 20_000}}, ["body", "metadata"]),
        ({"params": {}}, ["body", "workflow"]),
        ({"workflow": "monthly_report", "params": {"month": 11, "year": 2026}}, ["body", "params", "year"]),
    ],
    ids=[
        "unknown-workflow",
        "invalid-param",
        "unknown-param",
        "unknown-field",
        "bad-priority",
        "zero-timeout",
        "timeout-above-max",
        "metadata-too-big",
        "missing-workflow",
        "report-month-without-data",
    ],
)
async def test_invalid_submissions_are_422_with_field_errors(
    live_server: LiveServer, api: httpx.AsyncClient, body: dict[str, object], loc: list[object]
) -> None:
    token = await live_server.token_for("alice")
    problem = assert_problem(await api.post("/operations", json=body, headers=bearer(token)), 422)
    assert loc in [e["loc"] for e in problem["errors"]]
    listed = (await api.get("/operations", headers=bearer(token))).json()
    assert listed["items"] == []


@pytest.mark.parametrize(
    "key", [b"x" * 201, "caf\u00e9".encode(), b"tab\there"], ids=["too-long", "utf8", "control"]
)
async def test_malformed_idempotency_key_is_422(
    live_server: LiveServer, api: httpx.AsyncClient, key: bytes
) -> None:
    token = await live_server.token_for("alice")
    body = {"workflow": "demo.sleep", "params": {}}
    headers = {b"Authorization": f"Bearer {token}".encode(), b"Idempotency-Key": key}
    r = await api.post("/operations", json=body, headers=headers)
    problem = assert_problem(r, 422)
    assert ["header", "Idempotency-Key"] in [e["loc"] for e in problem["errors"]]


async def test_list_is_newest_first_filtered_and_paged(
    live_server: LiveServer, api: httpx.AsyncClient
) -> None:
    alice = await live_server.token_for("alice")
    bob = await live_server.token_for("bob")
    auth = bearer(alice)
    ids = [(await submit(api, alice))["id"] for _ in range(5)]
    failed = await submit(api, alice, params=sleep_params(fail_at_step=1))
    await submit(api, bob)
    for op_id in [*ids, failed["id"]]:
        await wait_until(live_server, op_id)

    everything = (await api.get("/operations", headers=auth)).json()
    assert [o["id"] for o in everything["items"]] == [failed["id"], *reversed(ids)]
    assert everything["next_cursor"] is None

    pages: list[str] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await api.get("/operations", params=params, headers=auth)).json()
        pages += [o["id"] for o in page["items"]]
        if (cursor := page["next_cursor"]) is None:
            break
    assert pages == [o["id"] for o in everything["items"]]

    by_status = await api.get("/operations", params={"status": ["failed", "cancelled"]}, headers=auth)
    assert [o["id"] for o in by_status.json()["items"]] == [failed["id"]]
    both = await api.get("/operations", params={"status": ["failed", "completed"]}, headers=auth)
    assert len(both.json()["items"]) == 6
    assert (await api.get("/operations", params={"workflow": "test.chatty"}, headers=auth)).json()[
        "items"
    ] == []

    now = datetime.now(UTC)
    future = {"created_after": (now + timedelta(hours=1)).isoformat()}
    assert (await api.get("/operations", params=future, headers=auth)).json()["items"] == []
    past = {"created_before": (now - timedelta(hours=1)).isoformat()}
    assert (await api.get("/operations", params=past, headers=auth)).json()["items"] == []
    window = {"created_after": (now - timedelta(hours=1)).isoformat(), "created_before": now.isoformat()}
    assert len((await api.get("/operations", params=window, headers=auth)).json()["items"]) == 6


@pytest.mark.parametrize(
    ("params", "loc"),
    [
        ({"cursor": "bm90LWEtY3Vyc29y"}, ["query", "cursor"]),
        ({"cursor": "not a cursor!"}, ["query", "cursor"]),
        ({"limit": 0}, ["query", "limit"]),
        ({"limit": 201}, ["query", "limit"]),
        ({"status": "sleeping"}, ["query", "status", 0]),
        ({"created_after": "yesterday"}, ["query", "created_after"]),
        ({"created_after": "0001-01-01T00:00:00+05:00"}, ["query", "created_after"]),
    ],
    ids=[
        "unknown-cursor",
        "malformed-cursor",
        "limit-0",
        "limit-201",
        "bad-status",
        "bad-date",
        "date-overflow",
    ],
)
async def test_bad_list_queries_are_422(
    live_server: LiveServer, api: httpx.AsyncClient, params: dict[str, object], loc: list[object]
) -> None:
    token = await live_server.token_for("alice")
    problem = assert_problem(await api.get("/operations", params=params, headers=bearer(token)), 422)  # type: ignore[arg-type]
    assert loc in [e["loc"] for e in problem["errors"]]


FORCED = "stopped by force after the grace period"


async def _terminal_event(api: httpx.AsyncClient, token: str, op_id: str) -> dict[str, object]:
    events = (await api.get(f"/operations/{op_id}/events", headers=bearer(token))).json()
    assert events[-1]["type"] == "status", events[-1]
    return events[-1]  # type: ignore[no-any-return]


async def test_cancel_running_ends_cancelled_and_finished_is_409(
    live_server: LiveServer, api: httpx.AsyncClient
) -> None:
    token = await live_server.token_for("alice")
    op = await submit(api, token, params=sleep_params(steps=1000, step_s=0.05))
    await wait_until(live_server, op["id"], "running")

    r = await api.post(f"/operations/{op['id']}/cancel", headers=bearer(token))
    assert r.status_code == 202
    assert r.json()["status"] in ("cancelling", "cancelled")
    done = await wait_until(live_server, op["id"])
    assert done.status == "cancelled"
    # The workflow stopped at a checkpoint, on its own: not by force.
    final = await _terminal_event(api, token, op["id"])
    assert final["status"] == "cancelled"
    assert FORCED not in str(final["message"])

    problem = assert_problem(await api.post(f"/operations/{op['id']}/cancel", headers=bearer(token)), 409)
    assert "cancelled" in problem["detail"]


async def test_cancel_ignoring_checkpoints_is_forced_after_the_grace_period(
    live_server: LiveServer, api: httpx.AsyncClient
) -> None:
    token = await live_server.token_for("alice")
    op = await submit(api, token, params=sleep_params(steps=1000, step_s=0.05, ignore_checkpoints=True))
    # In its loop, past the stage changes (which are checkpoints even for this workflow).
    await wait_for_event(
        live_server.state.runtime, op["id"], lambda e: e.type is EventType.PROGRESS and e.stage == "work"
    )
    assert (await api.post(f"/operations/{op['id']}/cancel", headers=bearer(token))).json()[
        "status"
    ] == "cancelling"
    again = await api.post(f"/operations/{op['id']}/cancel", headers=bearer(token))
    assert again.status_code == 202 and again.json()["status"] == "cancelling"
    done = await wait_until(live_server, op["id"])
    assert done.status == "cancelled"
    # It never looked at the cancellation: the grace period ran out and it was stopped by force.
    final = await _terminal_event(api, token, op["id"])
    assert final["status"] == "cancelled"
    assert FORCED in str(final["message"])


async def test_events_page_by_after_seq(live_server: LiveServer, api: httpx.AsyncClient) -> None:
    token = await live_server.token_for("alice")
    op = await submit(api, token)
    done = await wait_until(live_server, op["id"])
    url = f"/operations/{op['id']}/events"
    everything = (await api.get(url, headers=bearer(token))).json()
    assert [e["seq"] for e in everything] == list(range(1, done.last_seq + 1))
    assert everything[0]["status"] == "queued" and everything[-1]["status"] == "completed"
    page = (await api.get(url, params={"after_seq": 2, "limit": 2}, headers=bearer(token))).json()
    assert [e["seq"] for e in page] == [3, 4]
    assert_problem(await api.get(url, params={"after_seq": -1}, headers=bearer(token)), 422)
    assert_problem(await api.get(url, params={"limit": 1001}, headers=bearer(token)), 422)


async def test_artifact_download(live_server: LiveServer, api: httpx.AsyncClient) -> None:
    token = await live_server.token_for("alice")
    op = await submit(api, token, "test.artifact", {})
    done = await wait_until(live_server, op["id"])
    assert done.status == "completed"
    assert [a.name for a in done.artifacts] == ["hello.txt"]

    r = await api.get(f"/operations/{op['id']}/artifacts/hello.txt", headers=bearer(token))
    assert r.status_code == 200
    assert r.content == b"hello"
    assert r.headers["content-type"].startswith(done.artifacts[0].media_type)
    assert r.headers["content-type"].startswith("text/plain")
    assert r.headers["content-disposition"].startswith("attachment")
    assert 'filename="hello.txt"' in r.headers["content-disposition"]
    assert "sandbox" in r.headers["content-security-policy"]

    for name in ("nope.txt", "HELLO.TXT", "%2E%2E", "..%2Fartifacts%2Fhello.txt"):
        assert_problem(await api.get(f"/operations/{op['id']}/artifacts/{name}", headers=bearer(token)), 404)
    assert_problem(
        await api.get(f"/operations/{op['id']}/artifacts/hello.txt%00", headers=bearer(token)), 422
    )


async def test_stats_are_per_user_and_global_for_admins(
    live_server: LiveServer, api: httpx.AsyncClient
) -> None:
    alice = await live_server.token_for("alice")
    bob = await live_server.token_for("bob")
    root = await live_server.token_for("root", role=Role.ADMIN)
    for token in (alice, alice, bob):
        await wait_until(live_server, (await submit(api, token))["id"])
    failed = await submit(api, alice, params=sleep_params(fail_at_step=1))
    await wait_until(live_server, failed["id"])

    mine = (await api.get("/stats", headers=bearer(alice))).json()
    assert mine["completed_today"] == 2 and mine["finished_today"] == 3 and mine["active"] == 0
    assert mine["success_rate"] == pytest.approx(2 / 3, abs=1e-3)
    assert (await api.get("/stats", headers=bearer(bob))).json()["finished_today"] == 1
    assert (await api.get("/stats", headers=bearer(root))).json()["finished_today"] == 4
