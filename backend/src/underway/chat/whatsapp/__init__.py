"""WhatsApp Cloud API: a small httpx client with a configurable Graph address, signature checks
that fail closed, webhook parsing, the bot and its milestone messages."""
