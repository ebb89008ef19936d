"""The WhatsApp bot through its real interface: signed webhook deliveries in, Graph API calls out
(recorded by a fake Graph server on 127.0.0.1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from pydantic import ValidationError

import tests.support.gate  # noqa: F401  (registers test.gate)
from tests.chat.conftest import WA_VERIFY, ChatWorld
from tests.support.waiting import eventually
from underway.chat.models import Channel
from underway.chat.tables import ChatSessionRow
from underway.operations.status import OperationStatus
from underway.settings import Settings

BEA = "15551230001"
DAN = "15551230002"


async def test_verification_challenge(world: ChatWorld) -> None:
    async with httpx.AsyncClient(base_url=world.server.api_url) as c:
        ok = await c.get(
            "/chat/whatsapp",
            params={"hub.mode": "subscribe", "hub.verify_token": WA_VERIFY, "hub.challenge": "1158201444"},
        )
        wrong = await c.get(
            "/chat/whatsapp",
            params={"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "1"},
        )
    assert ok.status_code == 200 and ok.text == "1158201444"
    assert wrong.status_code == 403


async def test_a_linked_number_runs_a_report_with_milestones_and_documents(world: ChatWorld) -> None:
    assert "not linked" in await world.wa_say(BEA, "hi")
    token = await world.token("bea")
    linked = await world.wa_say(BEA, f"/link {(await world.link_code(token)).lower()}")
    assert "acts as bea" in linked

    started = await world.wa_say(BEA, "/run monthly_report month=6 formats=pdf")
    assert "monthly_report" in started
    # The start reply carries a Cancel reply button.
    start_call = [c for c in world.graph.named("messages") if c.body.get("type") == "interactive"][-1]
    button = start_call.body["interactive"]["action"]["buttons"][0]["reply"]
    assert button["title"] == "Cancel" and button["id"].startswith("/cancel ")

    calls = await world.graph.until(
        lambda c: any(x.method == "messages" and x.body.get("type") == "document" for x in c), timeout=60
    )
    texts = world.graph.texts(BEA)
    stages = [t for t in texts if ": stage " in t]
    assert stages and stages == sorted(set(stages), key=stages.index)  # each stage once, in order
    assert any("stage 5/5, package" in t for t in stages)
    assert any("completed" in t and "Files:" in t for t in texts)
    upload = next(c for c in calls if c.method == "media")
    assert upload.files["file"][0].endswith(".pdf") and upload.files["file"][1] > 0
    document = next(c for c in calls if c.body.get("type") == "document")
    assert document.body["document"]["id"].startswith("media-") and document.body["to"] == BEA

    # Cancel by the reply button: an interactive message whose id is the command.
    await world.wa_say(BEA, "/run demo.sleep steps=300 step_s=0.05")
    start_call = [c for c in world.graph.named("messages") if c.body.get("type") == "interactive"][-1]
    cancel = start_call.body["interactive"]["action"]["buttons"][0]["reply"]["id"]
    op_id = cancel.removeprefix("/cancel ")
    reply = await world.wa_say(BEA, cancel)
    assert "demo.sleep" in reply
    assert (
        await world.server.state.runtime.service.wait(op_id, timeout=20)
    ).status is OperationStatus.CANCELLED


async def test_forged_signatures_and_redeliveries_run_nothing(world: ChatWorld) -> None:
    token = await world.token("cyd")
    assert "acts as cyd" in await world.wa_say(BEA, f"/link {await world.link_code(token)}")
    payload = world.whatsapp_payload(BEA, "/run demo.sleep steps=1 step_s=0")
    sent = len(world.graph.calls)
    forged = await world.whatsapp_post(payload, secret="not-the-app-secret")
    async with httpx.AsyncClient(base_url=world.server.api_url) as c:
        unsigned = await c.post("/chat/whatsapp", json=payload)
    assert forged.status_code == unsigned.status_code == 401
    assert len(world.graph.calls) == sent and await world.operations_of(token) == []

    # Meta retries a delivery: the same wamid runs once.
    for _ in range(2):
        assert (await world.whatsapp_post(payload)).status_code == 200
    assert len(await world.operations_of(token)) == 1


async def test_outside_the_24_hour_window_the_outcome_stays_in_history_until_the_user_writes(
    world: ChatWorld, chat_settings: Settings, tmp_path: Path
) -> None:
    """Meta refuses free-form messages more than 24 hours after the user's last one: an operation
    finishing then is recorded in the chat's history and not sent; the user's next message is
    answered as usual."""
    token = await world.token("dan")
    assert "acts as dan" in await world.wa_say(DAN, f"/link {await world.link_code(token)}")
    gate = tmp_path / "open"
    started = await world.wa_say(DAN, f"/run test.gate path={gate}")
    assert "test.gate" in started
    (op,) = await world.operations_of(token)
    # Its one stage's milestone goes out while the window is open; only then is the window closed.
    await world.graph.until(lambda _c: any(": stage 1/1" in t for t in world.graph.texts(DAN)))

    # The user's last message was 25 hours ago, as far as the window is concerned.
    engine = sa.create_engine(chat_settings.database_url)
    with engine.begin() as db:
        aged = db.execute(
            sa.update(ChatSessionRow)
            .where(ChatSessionRow.chat_id == DAN)  # type: ignore[arg-type]
            .values(last_inbound_at=datetime.now(UTC) - timedelta(hours=25))
        )
        assert aged.rowcount == 1
    engine.dispose()
    sent = len(world.graph.texts(DAN))
    gate.touch()
    assert (
        await world.server.state.runtime.service.wait(op.id, timeout=20)
    ).status is OperationStatus.COMPLETED

    sessions = world.server.state.chat.sessions
    row = await sessions.for_chat(Channel.WHATSAPP, DAN)

    async def outcome_in_history() -> str | None:
        return next((m.text for m in await sessions.messages(row.id) if "completed" in m.text), None)

    await eventually(outcome_in_history, "the outcome in the chat's history")
    assert len(world.graph.texts(DAN)) == sent  # nothing sent outside the window

    assert "/run" in await world.wa_say(DAN, "/help")  # writing again reopens it


def test_whatsapp_refuses_to_start_without_its_app_secret() -> None:
    with pytest.raises(ValidationError, match="UNDERWAY_WHATSAPP_APP_SECRET"):
        Settings(whatsapp_access_token="t", whatsapp_verify_token="v", whatsapp_phone_number_id="1")
    with pytest.raises(ValidationError, match="UNDERWAY_TELEGRAM_WEBHOOK_SECRET"):
        Settings(telegram_bot_token="1:abc")
