"""The parts of Telegram's Update object the bot reads (everything else is ignored)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class TgUser(_Model):
    id: int
    username: str | None = None
    first_name: str | None = None

    @property
    def display_name(self) -> str:
        return f"@{self.username}" if self.username else (self.first_name or str(self.id))


class TgChat(_Model):
    id: int
    type: str


class TgMessage(_Model):
    message_id: int
    chat: TgChat
    sender: TgUser | None = Field(None, alias="from")
    text: str | None = None


class TgCallbackQuery(_Model):
    id: str
    sender: TgUser = Field(alias="from")
    message: TgMessage | None = None
    data: str | None = None


class TgUpdate(_Model):
    update_id: int
    message: TgMessage | None = None
    callback_query: TgCallbackQuery | None = None
