"""A progress follower survives a restart of the API process: it resumes from the state stored
with it (the message it edits, the last event shown) and the result still reaches the chat."""

from __future__ import annotations

from tests.api.conftest import start_server
from tests.chat.conftest import ChatWorld
from tests.chat.fakes import FakeGraph, FakeLanguageModel, FakeTelegram
from underway.settings import Settings

CHAT = 8001


async def test_a_follower_resumes_after_a_restart_and_the_result_still_arrives(
    chat_settings: Settings,
    fake_telegram: tuple[FakeTelegram, str],
    fake_graph: tuple[FakeGraph, str],
    fake_llm: tuple[FakeLanguageModel, str],
) -> None:
    telegram = fake_telegram[0]
    async with start_server(chat_settings) as first:
        world = ChatWorld(first, telegram, fake_graph[0], fake_llm[0])
        await world.link_telegram("olga", CHAT)
        await world.say(CHAT, "/run demo.sleep steps=25 step_s=0.1")
        [progress] = [
            c for c in telegram.named("sendMessage") if c.body.get("reply_markup", {}).get("inline_keyboard")
        ]
        await telegram.until(
            lambda c: any(x.method == "editMessageText" and "work" in x.body["text"] for x in c)
        )
    # Stopped mid-run: the operation is re-queued (demo.sleep is retry-safe), the follower released.
    assert not any("Result:" in t for t in telegram.texts(CHAT))

    async with start_server(chat_settings):
        await telegram.until(lambda _c: any("Result:" in t for t in telegram.texts(CHAT)), timeout=30)
    edits = [c for c in telegram.named("editMessageText")]
    assert edits[-1].body["message_id"] == progress.result_id  # the same message, edited to the end
    assert "completed" in edits[-1].body["text"]
    assert len([t for t in telegram.texts(CHAT) if "Result:" in t]) == 1
