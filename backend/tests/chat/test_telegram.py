"""The Telegram bot through its real interface: webhook updates in, Bot API calls out (recorded by
a fake Bot API server on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import logging

import pytest

from tests.chat.conftest import BOT_TOKEN, ChatWorld
from tests.chat.fakes import Call
from tests.conftest import wait_for_status
from underway.operations.status import OperationStatus

ANN = 5551001


def _edits(calls: list[Call], message_id: int) -> list[str]:
    return [
        str(c.body["text"])
        for c in calls
        if c.method == "editMessageText" and c.body["message_id"] == message_id
    ]


def _progress_message(world: ChatWorld, chat_id: int) -> tuple[int, str]:
    """The bot's latest message with a Cancel button (the one it edits in place), and the button's data."""
    for call in reversed(world.telegram.named("sendMessage")):
        markup = call.body.get("reply_markup") or {}
        if str(call.body["chat_id"]) == str(chat_id) and markup.get("inline_keyboard"):
            button = markup["inline_keyboard"][0][0]
            assert button["text"] == "Cancel" and call.result_id is not None
            return call.result_id, str(button["callback_data"])
    raise AssertionError("no progress message")


async def test_a_linked_chat_runs_a_workflow_with_live_progress_and_gets_the_result(
    world: ChatWorld, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    hello = await world.say(ANN, "/start")
    assert "not linked" in hello and "/link CODE" in hello

    await world.link_telegram("ann", ANN)
    reply = await world.say(ANN, "/run demo.sleep steps=6 step_s=0.15")
    assert "demo.sleep" in reply and "queued" in reply
    message_id, cancel = _progress_message(world, ANN)
    assert cancel.startswith("/cancel ")
    op_id = cancel.removeprefix("/cancel ")

    # Edited in place while it runs (stage, percent, ETA), and the final state is always shown.
    calls = await world.telegram.until(lambda c: any("completed" in t for t in _edits(c, message_id)))
    edits = _edits(calls, message_id)
    assert any("Stage 2/3: work" in t and "%" in t for t in edits)
    assert "100%" in edits[-1] and "completed" in edits[-1]
    summary = await world.telegram.until(lambda _c: any("Result:" in t for t in world.telegram.texts(ANN)))
    assert summary
    final = [t for t in world.telegram.texts(ANN) if "Result:" in t][-1]
    assert '"steps": 6' in final and f"https://underway.example.com/operations/{op_id}" in final

    # The operation is the user's own, like one started from the web app.
    service = world.server.state.runtime.service
    op = await service.get(op_id)
    assert op.owner == "ann" and op.status is OperationStatus.COMPLETED

    # /status and /list answer about it; nothing logged the bot token.
    assert "completed" in await world.say(ANN, f"/status {op_id[:8]}")
    assert op_id[:8] in await world.say(ANN, "/list")
    assert BOT_TOKEN not in caplog.text and BOT_TOKEN.split(":")[1] not in caplog.text


async def test_bad_params_are_explained_and_missing_ones_asked_for_then_files_arrive(
    world: ChatWorld,
) -> None:
    await world.link_telegram("bob", ANN + 1)
    chat = ANN + 1
    bad = await world.say(chat, "/run monthly_report month=13 colour=red")
    assert "month should be less than or equal to 12 (you wrote 13)" in bad
    assert "colour is not a parameter of monthly_report" in bad
    unknown = await world.say(chat, "/run monthly_reprot month=6")
    assert "Did you mean monthly_report?" in unknown

    question = await world.say(chat, "/run monthly_report formats=pdf,csv include_charts=false")
    assert question.startswith("Month (month)?") and "For example: 6" in question
    again = await world.say(chat, "thirteen")
    assert "month should be a valid integer" in again and "Month (month)?" in again
    started = await world.say(chat, "6")
    assert "monthly_report" in started and "queued" in started

    calls = await world.telegram.until(
        lambda c: len([x for x in c if x.method == "sendDocument"]) >= 2, timeout=60
    )
    documents = sorted(c.files["document"][0] for c in calls if c.method == "sendDocument")
    assert [d.rsplit(".", 1)[1] for d in documents] == ["csv", "pdf"]
    assert all(c.files["document"][1] > 0 for c in calls if c.method == "sendDocument")


async def test_cancel_by_button_and_by_command(world: ChatWorld) -> None:
    chat = ANN + 2
    await world.link_telegram("cleo", chat)
    service = world.server.state.runtime.service

    await world.say(chat, "/run demo.sleep steps=200 step_s=0.05")
    message_id, data = _progress_message(world, chat)
    op_id = data.removeprefix("/cancel ")
    await wait_for_status(world.server.state.runtime, op_id, "running")
    await world.press(chat, message_id, data)
    await world.telegram.until(lambda c: any(x.method == "answerCallbackQuery" for x in c))
    assert (
        await wait_for_status(world.server.state.runtime, op_id, "cancelled")
    ).status is OperationStatus.CANCELLED
    await world.telegram.until(lambda c: any("cancelled" in t for t in _edits(c, message_id)))

    await world.say(chat, "/run demo.sleep steps=200 step_s=0.05")
    _, second = _progress_message(world, chat)
    second_id = second.removeprefix("/cancel ")
    assert second_id != op_id
    await wait_for_status(world.server.state.runtime, second_id, "running")
    answer = await world.say(chat, "/cancel")  # the last operation started in this chat
    assert answer.startswith("Cancelling demo.sleep") or answer.startswith("Cancelled demo.sleep")
    assert (await service.wait(second_id, timeout=20)).status is OperationStatus.CANCELLED
    assert "already finished (cancelled)" in await world.say(chat, f"/cancel {second_id}")


async def test_forged_secret_unlinked_chat_and_redelivered_update_run_nothing(world: ChatWorld) -> None:
    chat = ANN + 3
    token = await world.link_telegram("dan", chat)
    sent_before = len(world.telegram.calls)

    for secret in (None, "wrong-secret"):
        r = await world.telegram_post(world.message_update(chat, "/run demo.sleep steps=1 step_s=0"), secret)
        assert r.status_code == 401
        assert r.headers["content-type"].startswith("application/problem+json")
    assert len(world.telegram.calls) == sent_before and await world.operations_of(token) == []

    stranger = ANN + 99
    reply = await world.say(stranger, "/run demo.sleep steps=1 step_s=0")
    assert "not linked" in reply and await world.operations_of(token) == []

    # Telegram redelivers an update it thinks was lost: it runs once.
    update = world.message_update(chat, "/run demo.sleep steps=1 step_s=0")
    first, again = await asyncio.gather(world.telegram_post(update), world.telegram_post(update))
    assert first.status_code == again.status_code == 200
    assert len(await world.operations_of(token)) == 1


async def test_a_flood_of_messages_is_rate_limited_per_user(world: ChatWorld) -> None:
    chat = ANN + 4
    await world.link_telegram("eve", chat)  # counted against the chat: it had no user yet
    for _ in range(12):  # the limit is 12/minute per user
        await world.say(chat, "/help")
    before = len(world.telegram.texts(chat))
    for _ in range(5):
        r = await world.telegram_post(world.message_update(chat, "/help"))
        assert r.status_code == 200
    await world.telegram.until(lambda _c: any("too fast" in t for t in world.telegram.texts(chat)))
    # One notice for the whole flood, no answers.
    flood_replies = world.telegram.texts(chat)[before:]
    assert len(flood_replies) == 1 and "Try again in" in flood_replies[0]
    # Another user is not slowed down.
    await world.link_telegram("fay", ANN + 5)
