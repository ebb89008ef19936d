"""The chart endpoints (/stats/throughput, /stats/workflows, /admin/queue/history) and the CSV
exports over real HTTP: owner-scoped for users, global for administrators, the list's filters."""

from __future__ import annotations

import csv
import io

import httpx

from tests.api.conftest import LiveServer, bearer
from tests.api.operations_helpers import sleep_params, submit, wait_until
from tests.api.problems import assert_problem
from underway.auth.models import Role


async def _scene(live_server: LiveServer, api: httpx.AsyncClient) -> tuple[str, str, str, dict[str, str]]:
    """alice: one completed and one failed demo.sleep; bob: one completed. Returns their tokens and
    the ids by name."""
    alice = await live_server.token_for("alice")
    bob = await live_server.token_for("bob")
    admin = await live_server.token_for("root", role=Role.ADMIN)
    ids = {
        "alice_ok": (await submit(api, alice))["id"],
        "alice_failed": (await submit(api, alice, "test.fail_with", {"message": "=HYPERLINK(1)"}))["id"],
        "bob_ok": (await submit(api, bob, params=sleep_params(steps=1)))["id"],
    }
    for op_id in ids.values():
        await wait_until(live_server, op_id)
    return alice, bob, admin, ids


async def test_charts_are_scoped_and_aggregated(live_server: LiveServer, api: httpx.AsyncClient) -> None:
    alice, _, admin, _ = await _scene(live_server, api)

    mine = (await api.get("/stats/throughput", headers=bearer(alice))).json()
    assert mine["window"] == "24h" and mine["bucket_s"] == 3600 and len(mine["buckets"]) == 24
    assert [sum(b[s] for b in mine["buckets"]) for s in ("completed", "failed")] == [1, 1]
    everyone = (await api.get("/stats/throughput?window=7d", headers=bearer(admin))).json()
    assert len(everyone["buckets"]) == 168
    assert sum(b["completed"] for b in everyone["buckets"]) == 2

    per_workflow = (await api.get("/stats/workflows", headers=bearer(alice))).json()
    by_name = {w["workflow"]: w for w in per_workflow["workflows"]}
    assert set(by_name) == {"demo.sleep", "test.fail_with"}
    sleep = by_name["demo.sleep"]
    assert (sleep["finished"], sleep["completed"], sleep["success_rate"]) == (1, 1, 1.0)
    assert 0 < sleep["p50_s"] <= sleep["p95_s"] <= sleep["max_s"]
    assert sum(b["count"] for b in sleep["durations"]) == 1
    assert by_name["test.fail_with"]["success_rate"] == 0.0
    assert by_name["test.fail_with"]["p50_s"] is None  # no completed run to time
    admins = (await api.get("/stats/workflows", headers=bearer(admin))).json()
    assert {w["workflow"]: w["finished"] for w in admins["workflows"]} == {
        "demo.sleep": 2,
        "test.fail_with": 1,
    }

    assert_problem(await api.get("/admin/queue/history", headers=bearer(alice)), 403)
    history = (await api.get("/admin/queue/history", headers=bearer(admin))).json()
    assert history["bucket_s"] == 600 and len(history["samples"]) == 144
    assert history["samples"][-1] | {"at": None} == {"at": None, "queued": 0, "running": 0}

    problem = assert_problem(await api.get("/stats/throughput?window=1y", headers=bearer(alice)), 422)
    assert ["query", "window"] in [e["loc"] for e in problem["errors"]]


def _rows(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith('attachment; filename="')
    return list(csv.DictReader(io.StringIO(response.text)))


async def test_csv_exports_follow_the_filters(live_server: LiveServer, api: httpx.AsyncClient) -> None:
    alice, bob, admin, ids = await _scene(live_server, api)

    mine = _rows(await api.get("/operations/export", headers=bearer(alice)))
    assert [r["id"] for r in mine] == [ids["alice_failed"], ids["alice_ok"]]  # newest first, no bob
    failed = _rows(await api.get("/operations/export?status=failed", headers=bearer(alice)))
    assert [(r["id"], r["status"], r["owner"]) for r in failed] == [(ids["alice_failed"], "failed", "alice")]
    # A spreadsheet must not run an error message as a formula.
    assert failed[0]["error"] == "'=HYPERLINK(1)"
    assert float(failed[0]["duration_s"]) >= 0 and failed[0]["finished_at"].endswith("+00:00")
    by_workflow = _rows(await api.get("/operations/export?workflow=demo.sleep", headers=bearer(bob)))
    assert [r["id"] for r in by_workflow] == [ids["bob_ok"]]

    everyone = _rows(await api.get("/admin/operations/export", headers=bearer(admin)))
    assert {r["id"] for r in everyone} == set(ids.values())
    bobs = _rows(await api.get("/admin/operations/export?owner=bob", headers=bearer(admin)))
    assert [r["id"] for r in bobs] == [ids["bob_ok"]]
    assert_problem(await api.get("/admin/operations/export", headers=bearer(alice)), 403)
    problem = assert_problem(await api.get("/operations/export?status=done", headers=bearer(alice)), 422)
    assert problem["errors"][0]["loc"][:2] == ["query", "status"]
