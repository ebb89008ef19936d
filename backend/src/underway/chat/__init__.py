"""Chat interfaces: one conversation core (commands, parameters dialogue, optional language model,
stored sessions, account links) with Telegram, WhatsApp and web-chat adapters around it.

The core imports nothing from the web layer: the API hands it the operation service, the engine
and a rate limiter (see docs/chat.md)."""
