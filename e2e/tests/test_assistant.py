"""The web chat: no link needed, just chat. Start demo.sleep from the Assistant page, watch it
progress live in the conversation, cancel it there; the conversation is still there after a reload
and the page meets WCAG 2.1 AA."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from pages.app import go_to, sign_in
from pages.assistant import AssistantPage
from support.axe import audit
from support.server import Account, UnderwayServer


def test_run_watch_and_cancel_from_the_web_chat(page: Page, user: Account, server: UnderwayServer) -> None:
    sign_in(page, user)
    go_to(page, "Assistant")
    chat = AssistantPage(page)

    chat.send("/help")
    expect(chat.conversation).to_contain_text("/run WORKFLOW key=value")
    expect(page).to_have_url(re.compile(r"/assistant/[0-9a-f-]{36}$"))

    chat.send("/run demo.sleep steps=600 step_s=0.5")
    card = chat.operation_card("demo.sleep")
    expect(chat.status(card, "running")).to_be_visible()
    progress = card.get_by_role("progressbar", name="Operation progress")
    expect(progress).not_to_have_attribute("aria-valuenow", "0")  # it moves by itself, live
    expect(card).to_contain_text(re.compile(r"work — Step \d+ of 600"))

    card.get_by_role("button", name="Cancel operation").click()
    page.get_by_role("dialog").get_by_role("button", name="Yes, cancel").click()
    expect(chat.status(card, "cancelled")).to_be_visible(timeout=server.cancel_grace_s * 1000)

    # The conversation is kept on the server: a reload shows it, and its operation links to its page.
    page.reload()
    expect(chat.conversation.get_by_text("/run demo.sleep steps=600 step_s=0.5")).to_be_visible()
    card = chat.operation_card("demo.sleep")
    expect(chat.status(card, "cancelled")).to_be_visible()
    expect(chat.sessions.get_by_role("link", name=re.compile("help"))).to_be_visible()
    violations = audit(page)
    assert not violations, "\n".join(violations)
    card.get_by_role("link", name="Open operation").click()
    expect(page).to_have_url(re.compile(r"/operations/[0-9a-f-]{36}$"))
