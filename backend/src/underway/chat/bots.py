"""What the Telegram and WhatsApp bots share: answer one inbound message through the core, deliver
the replies, follow the operations they started, and say "slow down" once per rate-limit window."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from underway.chat.core import ChatRateLimited, ConversationCore
from underway.chat.followers import FollowerSupervisor
from underway.chat.models import Inbound, Reply
from underway.chat.store.followers import Follower

log = logging.getLogger(__name__)

# Sends one reply to the chat; returns the sent message's id when the channel can edit it later.
Deliver = Callable[[Reply], Awaitable[str | None]]


class SlowDownNotices:
    """One "too many messages" notice per limited chat and window: answering every message of a
    flood would itself flood the chat (and the channel's own limits)."""

    def __init__(self) -> None:
        self._quiet_until: dict[str, float] = {}

    def first(self, key: str, retry_after: int) -> bool:
        now = time.monotonic()
        if self._quiet_until.get(key, 0.0) > now:
            return False
        self._quiet_until = {k: t for k, t in self._quiet_until.items() if t > now}
        self._quiet_until[key] = now + retry_after
        return True


class BotConversation:
    def __init__(self, core: ConversationCore, followers: FollowerSupervisor) -> None:
        self._core = core
        self._followers = followers
        self._notices = SlowDownNotices()

    async def answer(self, inbound: Inbound, deliver: Deliver) -> None:
        try:
            outcome = await self._core.handle(inbound)
        except ChatRateLimited as exc:
            if self._notices.first(exc.key, exc.retry_after):
                await deliver(Reply(f"You are sending messages too fast. Try again in {exc.retry_after} s."))
            return
        for reply in outcome.replies:
            ref = await deliver(reply)
            if reply.operation_id is not None:
                await self._followers.follow(
                    Follower(
                        reply.operation_id,
                        outcome.session_id,
                        inbound.channel,
                        inbound.chat_id,
                        message_ref=ref,
                    )
                )
