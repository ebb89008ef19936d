"""/admin/users: administrators manage accounts; everyone else gets 403."""

from __future__ import annotations

import httpx

from tests.api.conftest import LiveServer, bearer
from tests.api.problems import assert_problem
from underway.auth.models import Role


async def test_admin_endpoints_are_403_for_users(live_server: LiveServer, api: httpx.AsyncClient) -> None:
    user = await live_server.token_for("alice")
    h = bearer(user)
    for r in (
        await api.get("/admin/users", headers=h),
        await api.post("/admin/users", json={"username": "eve", "password": "password1"}, headers=h),
        await api.patch("/admin/users/whatever", json={"role": "admin"}, headers=h),
    ):
        problem = assert_problem(r, 403)
        assert problem["type"] == "urn:underway:problem:forbidden"
    assert_problem(await api.get("/admin/users"), 401)


async def test_admin_creates_lists_and_updates_users(live_server: LiveServer, api: httpx.AsyncClient) -> None:
    h = bearer(await live_server.token_for("root", role=Role.ADMIN))
    r = await api.post(
        "/admin/users", json={"username": "dave", "password": "long enough", "role": "user"}, headers=h
    )
    assert r.status_code == 201, r.text
    dave = r.json()
    assert r.headers["location"] == f"/api/v1/admin/users/{dave['id']}"
    assert (await api.get(live_server.base_url + r.headers["location"], headers=h)).json() == dave

    names = [u["username"] for u in (await api.get("/admin/users", headers=h)).json()]
    assert names == ["dave", "root"]

    r = await api.patch(f"/admin/users/{dave['id']}", json={"role": "admin"}, headers=h)
    assert r.status_code == 200 and r.json()["role"] == "admin"
    r = await api.patch(f"/admin/users/{dave['id']}", json={"disabled": True}, headers=h)
    assert r.json()["disabled"] is True
    # The new account signs in once enabled again.
    await api.patch(f"/admin/users/{dave['id']}", json={"disabled": False}, headers=h)
    assert await live_server.login("dave", "long enough")


async def test_duplicate_username_is_409(live_server: LiveServer, api: httpx.AsyncClient) -> None:
    h = bearer(await live_server.token_for("root", role=Role.ADMIN))
    body = {"username": "dave", "password": "long enough"}
    assert (await api.post("/admin/users", json=body, headers=h)).status_code == 201
    problem = assert_problem(await api.post("/admin/users", json=body, headers=h), 409)
    assert "dave" in problem["detail"]


async def test_admin_cannot_demote_or_disable_themselves(
    live_server: LiveServer, api: httpx.AsyncClient
) -> None:
    token = await live_server.token_for("root", role=Role.ADMIN)
    h = bearer(token)
    me = (await api.get("/users/me", headers=h)).json()
    for change in ({"role": "user"}, {"disabled": True}):
        assert_problem(await api.patch(f"/admin/users/{me['id']}", json=change, headers=h), 409)
    # Harmless self-updates are fine.
    assert (await api.patch(f"/admin/users/{me['id']}", json={"role": "admin"}, headers=h)).status_code == 200


async def test_user_validation(live_server: LiveServer, api: httpx.AsyncClient) -> None:
    h = bearer(await live_server.token_for("root", role=Role.ADMIN))
    cases = [
        ({"username": "Dave", "password": "long enough"}, ["body", "username"]),
        ({"username": "da", "password": "long enough"}, ["body", "username"]),
        ({"username": "dave", "password": "short"}, ["body", "password"]),
        ({"username": "dave", "password": "long enough", "role": "god"}, ["body", "role"]),
        ({"username": "dave", "password": "long enough", "admin": True}, ["body", "admin"]),
    ]
    for payload, loc in cases:
        problem = assert_problem(await api.post("/admin/users", json=payload, headers=h), 422)
        assert problem["errors"][0]["loc"] == loc, payload
        assert "long enough" not in str(problem)
    assert_problem(await api.patch("/admin/users/nobody", json={"role": "user"}, headers=h), 404)
    assert_problem(await api.patch("/admin/users/nobody", json={"name": "x"}, headers=h), 422)
