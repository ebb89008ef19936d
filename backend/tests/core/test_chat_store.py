"""What the database decides, on SQLite and PostgreSQL: a redelivered update is taken once even
when the deliveries race, a chat gets one session, a link code links one chat and is stored only
as a hash, and a follower is claimed by one process."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from underway.auth.users import create_user
from underway.chat.models import Channel
from underway.chat.store.followers import Follower, FollowerStore
from underway.chat.store.inbound import InboundLog
from underway.chat.store.links import LinkStore
from underway.chat.store.sessions import SessionStore
from underway.runtime import Runtime
from underway.settings import Settings


@pytest.fixture
async def engine(runtime: Runtime) -> AsyncEngine:
    return runtime.engine


async def test_concurrent_redeliveries_are_taken_once(engine: AsyncEngine) -> None:
    log = InboundLog(engine)
    taken = await asyncio.gather(*(log.first_time(Channel.TELEGRAM, "42") for _ in range(6)))
    assert sorted(taken) == [False] * 5 + [True]
    assert await log.first_time(Channel.WHATSAPP, "42")  # per channel


async def test_a_chat_gets_one_session_however_its_first_messages_race(engine: AsyncEngine) -> None:
    store = SessionStore(engine)
    rows = await asyncio.gather(*(store.for_chat(Channel.TELEGRAM, "9") for _ in range(5)))
    assert len({r.id for r in rows}) == 1


async def test_a_link_code_links_one_chat_and_only_its_hash_is_stored(engine: AsyncEngine) -> None:
    user = await create_user(engine, "mia", "long enough password")
    links = LinkStore(engine, code_ttl_s=600)
    code = (await links.new_code(user.id)).code
    won = await asyncio.gather(*(links.redeem(code, Channel.TELEGRAM, str(chat), None) for chat in range(4)))
    assert [w.username for w in won if w is not None] == ["mia"]
    async with engine.connect() as conn:
        stored = (await conn.execute(text("SELECT code_hash FROM chat_link_codes"))).scalars().all()
    assert len(stored) == 1 and code not in stored[0] and len(stored[0]) == 64

    expired = LinkStore(engine, code_ttl_s=-1)
    stale = (await expired.new_code(user.id)).code
    assert await links.redeem(stale, Channel.TELEGRAM, "77", None) is None


async def test_an_orphaned_follower_is_claimed_by_one_process(runtime: Runtime, settings: Settings) -> None:
    engine = runtime.engine
    op = await runtime.service.submit(workflow="demo.sleep", params={"steps": 1}, owner="ned")
    session = await SessionStore(engine).for_chat(Channel.TELEGRAM, "5")
    gone = FollowerStore(engine, "gone-process", timedelta(seconds=-1))  # its claim has lapsed already
    await gone.add(Follower(op.id, session.id, Channel.TELEGRAM, "5", message_ref="101", last_seq=1))
    stores = [FollowerStore(engine, f"p{i}", timedelta(seconds=30)) for i in range(3)]
    claimed = await asyncio.gather(*(s.claim_orphans() for s in stores))
    assert sorted(len(c) for c in claimed) == [0, 0, 1]
    [follower] = [f for c in claimed for f in c]
    assert (follower.message_ref, follower.last_seq) == ("101", 1)
