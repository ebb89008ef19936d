"""Owner scoping of every id-bearing route and the stream, across every kind of caller.

Users reach only their own operations; another user's answers 404 exactly like an unknown id (so
ids reveal nothing). Administrators reach any operation, with a token or an API key. Bad
credentials are 401 (4401 on streams); a disabled account's are 403 (4403).
"""

from __future__ import annotations

import httpx

from tests.api.conftest import LiveServer, bearer
from tests.api.operations_helpers import sleep_params, submit, wait_until
from tests.api.problems import assert_problem
from tests.api.streaming import open_stream, read_until_closed
from underway.auth.models import Role


async def _api_key(api: httpx.AsyncClient, token: str, name: str) -> tuple[str, str]:
    created = (await api.post("/api-keys", json={"name": name}, headers=bearer(token))).json()
    return created["key"], created["id"]


async def _callers(live_server: LiveServer, api: httpx.AsyncClient) -> tuple[dict[str, str | None], str]:
    alice = await live_server.token_for("alice")
    bob = await live_server.token_for("bob")
    admin = await live_server.token_for("root", role=Role.ADMIN)
    carol = await live_server.token_for("carol")
    alice_key, _ = await _api_key(api, alice, "ci")
    bob_key, _ = await _api_key(api, bob, "ci")
    admin_key, _ = await _api_key(api, admin, "ops")
    carol_key, _ = await _api_key(api, carol, "ci")
    revoked, revoked_id = await _api_key(api, alice, "old")
    assert (await api.delete(f"/api-keys/{revoked_id}", headers=bearer(alice))).status_code == 204
    carol_id = (await api.get("/users/me", headers=bearer(carol))).json()["id"]
    disabled = await api.patch(f"/admin/users/{carol_id}", json={"disabled": True}, headers=bearer(admin))
    assert disabled.status_code == 200, disabled.text
    callers: dict[str, str | None] = {
        "alice": alice,
        "alice-api-key": alice_key,
        "admin": admin,
        "admin-api-key": admin_key,
        "bob": bob,
        "bob-api-key": bob_key,
        "disabled-user": carol,
        "disabled-user-api-key": carol_key,
        "alice-revoked-key": revoked,
        "anonymous": None,
        "garbage-token": "garbage",
    }
    return callers, alice


EXPECTED_HTTP = {
    "alice": 200,
    "alice-api-key": 200,
    "admin": 200,
    "admin-api-key": 200,
    "bob": 404,
    "bob-api-key": 404,
    "disabled-user": 403,
    "disabled-user-api-key": 403,
    "alice-revoked-key": 401,
    "anonymous": 401,
    "garbage-token": 401,
}
EXPECTED_WS = {
    "alice": 1000,
    "alice-api-key": 1000,
    "admin": 1000,
    "admin-api-key": 1000,
    "bob": 4404,
    "bob-api-key": 4404,
    "disabled-user": 4403,
    "disabled-user-api-key": 4403,
}
REFUSED = [who for who, status in EXPECTED_HTTP.items() if status != 200]


async def test_reads_and_stream_are_scoped_to_the_owner(
    live_server: LiveServer, api: httpx.AsyncClient
) -> None:
    callers, alice = await _callers(live_server, api)
    op = await submit(api, alice, "test.artifact", {})
    await wait_until(live_server, op["id"])
    routes = [
        f"/operations/{op['id']}",
        f"/operations/{op['id']}/events",
        f"/operations/{op['id']}/artifacts/hello.txt",
    ]

    for who, credential in callers.items():
        headers = bearer(credential) if credential else {}
        for route in routes:
            r = await api.get(route, headers=headers)
            expected = EXPECTED_HTTP[who]
            if expected == 200:
                assert r.status_code == 200, (who, route, r.text)
            else:
                problem = assert_problem(r, expected)
                if expected == 404:  # indistinguishable from an id that does not exist
                    unknown = await api.get(route.replace(op["id"], "0" * 36), headers=headers)
                    assert problem == {
                        k: str(v).replace("0" * 36, op["id"]) for k, v in unknown.json().items()
                    } | {"status": 404}

        async with open_stream(live_server, f"/operations/{op['id']}/stream", credential or "") as ws:
            messages, code = await read_until_closed(ws)
        assert code == EXPECTED_WS.get(who, 4401), who
        if code == 1000:
            assert messages[0]["operation"]["id"] == op["id"]
        else:
            assert messages == []


async def test_cancel_is_scoped_and_admins_may_cancel_any(
    live_server: LiveServer, api: httpx.AsyncClient
) -> None:
    callers, alice = await _callers(live_server, api)
    long_run = sleep_params(steps=1000, step_s=0.05)
    first = await submit(api, alice, params=long_run)
    second = await submit(api, alice, params=long_run)

    for who in REFUSED:
        credential = callers[who]
        r = await api.post(
            f"/operations/{first['id']}/cancel", headers=bearer(credential) if credential else {}
        )
        assert_problem(r, EXPECTED_HTTP[who])
    assert (await live_server.state.runtime.service.get(first["id"])).status in ("queued", "running")

    by_admin = await api.post(f"/operations/{first['id']}/cancel", headers=bearer(callers["admin"] or ""))
    assert by_admin.status_code == 202 and by_admin.json()["owner"] == "alice"
    by_key = await api.post(
        f"/operations/{second['id']}/cancel", headers=bearer(callers["alice-api-key"] or "")
    )
    assert by_key.status_code == 202
    third = await submit(api, alice, params=long_run)
    by_admin_key = await api.post(
        f"/operations/{third['id']}/cancel", headers=bearer(callers["admin-api-key"] or "")
    )
    assert by_admin_key.status_code == 202 and by_admin_key.json()["owner"] == "alice"
    for op in (first, second, third):
        assert (await wait_until(live_server, op["id"])).status == "cancelled"


async def test_listings_and_stats_only_show_the_callers_operations(
    live_server: LiveServer, api: httpx.AsyncClient
) -> None:
    callers, alice = await _callers(live_server, api)
    op = await submit(api, alice)
    await wait_until(live_server, op["id"])
    for who in ("alice", "alice-api-key"):
        items = (await api.get("/operations", headers=bearer(callers[who] or ""))).json()["items"]
        assert [o["id"] for o in items] == [op["id"]]
    for who in ("bob", "bob-api-key", "admin", "admin-api-key"):  # admins: see /admin/operations
        assert (await api.get("/operations", headers=bearer(callers[who] or ""))).json()["items"] == []
    for who in ("disabled-user", "disabled-user-api-key"):
        assert_problem(await api.get("/operations", headers=bearer(callers[who] or "")), 403)
    assert (await api.get("/stats", headers=bearer(callers["bob"] or ""))).json()["finished_today"] == 0
    for who in ("alice-revoked-key", "garbage-token"):
        assert_problem(await api.get("/operations", headers=bearer(callers[who] or "")), 401)
    assert_problem(await api.get("/operations"), 401)
    assert_problem(await api.post("/operations", json={"workflow": "demo.sleep", "params": {}}), 401)


EXPECTED_ADMIN_HTTP = {
    "admin": 200,
    "admin-api-key": 200,
    "alice": 403,
    "alice-api-key": 403,
    "bob": 403,
    "bob-api-key": 403,
    "disabled-user": 403,
    "disabled-user-api-key": 403,
    "alice-revoked-key": 401,
    "anonymous": 401,
    "garbage-token": 401,
}


async def test_reading_a_user_account_is_for_administrators(
    live_server: LiveServer, api: httpx.AsyncClient
) -> None:
    callers, alice = await _callers(live_server, api)
    alice_id = (await api.get("/users/me", headers=bearer(alice))).json()["id"]
    assert set(EXPECTED_ADMIN_HTTP) == set(callers)
    for who, credential in callers.items():
        r = await api.get(f"/admin/users/{alice_id}", headers=bearer(credential) if credential else {})
        expected = EXPECTED_ADMIN_HTTP[who]
        if expected == 200:
            assert r.status_code == 200, (who, r.text)
            assert r.json()["username"] == "alice"
            continue
        problem = assert_problem(r, expected)
        if expected == 403 and not who.startswith("disabled"):
            assert problem["type"] == "urn:underway:problem:forbidden", who
