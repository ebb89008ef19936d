"""The web chat's REST API, the language-model option (against a fake OpenAI-compatible server)
and account links as users and administrators manage them."""

from __future__ import annotations

from typing import Any

from tests.chat.conftest import ChatWorld
from underway.auth.models import Role
from underway.operations.status import OperationStatus


async def _send(world: ChatWorld, token: str, session_id: str, text: str) -> list[dict[str, Any]]:
    async with world.server.client(token) as c:
        r = await c.post(f"/chat/sessions/{session_id}/messages", json={"text": text})
    assert r.status_code == 200, r.text
    messages: list[dict[str, Any]] = r.json()["messages"]
    assert messages[0]["role"] == "user" and messages[0]["text"] == text
    return messages[1:]


async def test_web_sessions_keep_their_history_and_stay_private(world: ChatWorld) -> None:
    token = await world.token("gus")
    async with world.server.client(token) as c:
        created = await c.post("/chat/sessions")
        assert created.status_code == 201
        session = created.json()
        assert session["channel"] == "web" and session["title"] is None

    [reply] = await _send(world, token, session["id"], "/run demo.sleep steps=2 step_s=0.01")
    [op_id] = reply["operation_ids"]
    assert reply["buttons"] == [{"label": "Cancel", "command": f"/cancel {op_id}"}]
    op = await world.server.state.runtime.service.wait(op_id, timeout=20)
    assert op.owner == "gus" and op.status is OperationStatus.COMPLETED
    [status] = await _send(world, token, session["id"], "/status")
    assert "completed" in status["text"]
    [linking] = await _send(world, token, session["id"], "/link ABC")
    assert "already signed in" in linking["text"]

    async with world.server.client(token) as c:
        listed = (await c.get("/chat/sessions")).json()
        detail = (await c.get(f"/chat/sessions/{session['id']}")).json()
    assert [s["id"] for s in listed] == [session["id"]]
    assert listed[0]["title"] == "/run demo.sleep steps=2 step_s=0.01"
    assert [m["role"] for m in detail["messages"]] == ["user", "assistant"] * 3
    assert detail["messages"][1]["operation_ids"] == [op_id]

    other = await world.token("hal")
    async with world.server.client(other) as c:
        assert (await c.get(f"/chat/sessions/{session['id']}")).status_code == 404
        sent = await c.post(f"/chat/sessions/{session['id']}/messages", json={"text": "/list"})
        assert sent.status_code == 404
        assert (await c.get("/chat/sessions")).json() == []
        blank = await c.post("/chat/sessions")
        empty = await c.post(f"/chat/sessions/{blank.json()['id']}/messages", json={"text": "   "})
        assert empty.status_code == 422
    async with world.server.client(token) as c:
        assert (await c.delete(f"/chat/sessions/{session['id']}")).status_code == 204
        assert (await c.get(f"/chat/sessions/{session['id']}")).status_code == 404


async def test_web_messages_are_rate_limited_with_retry_after(world: ChatWorld) -> None:
    token = await world.token("ida")
    async with world.server.client(token) as c:
        session = (await c.post("/chat/sessions")).json()
        codes = [
            (await c.post(f"/chat/sessions/{session['id']}/messages", json={"text": "/help"})).status_code
            for _ in range(13)
        ]
        limited = await c.post(f"/chat/sessions/{session['id']}/messages", json={"text": "/help"})
    assert codes[:12] == [200] * 12 and codes[12] == 429
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert limited.headers["RateLimit-Policy"] == '"chat";q=12;w=60'
    assert limited.headers["RateLimit"] == f'"chat";r=0;t={limited.headers["Retry-After"]}'
    assert limited.json()["type"] == "urn:underway:problem:rate-limited"


async def test_free_text_becomes_a_confirmed_run_through_the_language_model(world: ChatWorld) -> None:
    token = await world.token("joe")
    async with world.server.client(token) as c:
        session = (await c.post("/chat/sessions")).json()
    sid = session["id"]

    world.llm.propose("demo_sleep", {"steps": 3, "step_s": 0.01})
    [proposal] = await _send(world, token, sid, "please sleep three steps")
    assert proposal["text"].startswith("Shall I run demo.sleep") and "steps=3" in proposal["text"]
    assert [b["command"] for b in proposal["buttons"]] == ["/yes", "/no"]
    request = world.llm.named("completions")[-1].body
    assert request["model"] == "test-model"
    tools = {t["function"]["name"]: t["function"]["parameters"] for t in request["tools"]}
    assert tools["demo_sleep"]["properties"]["steps"]["type"] == "integer"
    assert request["messages"][-1]["content"] == "please sleep three steps"
    [started] = await _send(world, token, sid, "/yes")
    [op_id] = started["operation_ids"]
    assert (await world.server.state.runtime.service.get(op_id)).params["steps"] == 3

    # A proposal missing a required parameter asks for it, then asks for confirmation.
    world.llm.propose("monthly_report", {"formats": ["pdf"]})
    [question] = await _send(world, token, sid, "the monthly report please")
    assert question["text"].startswith("Month (month)?")
    [confirm] = await _send(world, token, sid, "7")
    assert "month=7" in confirm["text"]
    [declined] = await _send(world, token, sid, "no")
    assert declined["text"] == "OK, I won't run it."

    # An invalid proposal is explained, never run; a plain answer is passed on.
    world.llm.propose("demo_sleep", {"steps": 0})
    [invalid] = await _send(world, token, sid, "sleep zero steps")
    assert "steps should be greater than or equal to 1" in invalid["text"]
    world.llm.say("I can run reports and demos.")
    [answer] = await _send(world, token, sid, "what's the weather?")
    assert answer["text"].startswith("I can run reports and demos.")
    assert len(await world.operations_of(token)) == 1


async def test_links_are_listed_unlinked_by_their_user_and_revoked_by_admins(world: ChatWorld) -> None:
    token = await world.link_telegram("kim", 7001)
    await world.link_telegram("lou", 7002)
    admin = await world.server.token_for("boss", role=Role.ADMIN)

    async with world.server.client(admin) as c:
        lous = [link for link in (await c.get("/admin/chat/links")).json() if link["username"] == "lou"]
    async with world.server.client(token) as c:
        mine = (await c.get("/chat/links")).json()
        assert [(link["channel"], link["chat_id"], link["username"]) for link in mine] == [
            ("telegram", "7001", "kim")
        ]
        assert mine[0]["display_name"] == "@ann"
        assert (await c.get("/admin/chat/links")).status_code == 403
        assert (await c.delete(f"/chat/links/{lous[0]['id']}")).status_code == 404  # not kim's
        assert (await c.delete(f"/chat/links/{mine[0]['id']}")).status_code == 204
    assert "not linked" in await world.say(7001, "/list")

    async with world.server.client(admin) as c:
        everyone = (await c.get("/admin/chat/links")).json()
        assert [link["username"] for link in everyone] == ["lou"]
        assert (await c.delete(f"/admin/chat/links/{everyone[0]['id']}")).status_code == 204
        assert (await c.delete(f"/admin/chat/links/{everyone[0]['id']}")).status_code == 404
    assert "not linked" in await world.say(7002, "/list")

    # A code works once.
    code = await world.link_code(token)
    assert "acts as kim" in await world.say(7003, f"/link {code}")
    assert "unknown, used or expired" in await world.say(7004, f"/link {code}")
    async with world.server.client(token) as c:
        channels = (await c.get("/chat/channels")).json()
    assert channels == {"telegram": True, "whatsapp": True, "language_model": True}
