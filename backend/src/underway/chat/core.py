"""The conversation core: a chat message in, the assistant's replies out, every action taken as the
linked Underway user through the operation service, with the same limits as the API.

Channel adapters (Telegram, WhatsApp, the web chat) call :meth:`ConversationCore.handle` and deliver
the replies; a reply that started an operation names it, and the adapter follows it (followers.py).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from underway.chat.llm import LanguageModel, LanguageModelUnavailable, Proposal
from underway.chat.models import Channel, ChatButton, ChatRole, ChatUser, Inbound, Outcome, Reply
from underway.chat.params import coerce, coerce_all, describe, explain, prompt
from underway.chat.parser import Command, ParseError, parse
from underway.chat.render import listing, short_id, status_text
from underway.chat.store import utcnow
from underway.chat.store.links import LinkStore
from underway.chat.store.sessions import SessionStore
from underway.chat.tables import ChatSessionRow
from underway.operations.errors import (
    InvalidParams,
    InvalidSubmission,
    OperationFinished,
    OperationNotFound,
    QueueFull,
    UserQuotaExceeded,
    WorkflowNotFound,
)
from underway.operations.models import Operation, OperationFilter
from underway.operations.service import OperationService
from underway.workflows.definition import WorkflowInfo
from underway.workflows.registry import WorkflowRegistry

MAX_TEXT = 4000
_RECENT = 200


class Limiter(Protocol):
    async def retry_after(self, policy: str, key: str) -> int | None:
        """Count one hit against ``policy`` ("chat", "submit") for ``key``; seconds to wait when
        it is spent, else None."""
        ...


class ChatRateLimited(Exception):
    def __init__(self, retry_after: int, key: str) -> None:
        super().__init__(f"too many chat messages; retry in {retry_after} s")
        self.retry_after = retry_after
        self.key = key


def limit_key(channel: Channel, chat_id: str, user: ChatUser | None) -> str:
    """Linked chats count against their user on every channel; unlinked ones per chat."""
    return user.username if user is not None else f"{channel.value}:{chat_id}"


@dataclass
class Turn:
    """One message being answered."""

    inbound: Inbound
    session: ChatSessionRow
    user: ChatUser | None
    state: dict[str, Any]

    @property
    def owner(self) -> str:
        assert self.user is not None
        return self.user.username


def cancel_button(operation_id: str) -> ChatButton:
    return ChatButton(label="Cancel", command=f"/cancel {operation_id}")


class ConversationCore:
    def __init__(
        self,
        service: OperationService,
        registry: WorkflowRegistry,
        sessions: SessionStore,
        links: LinkStore,
        limiter: Limiter,
        *,
        language_model: LanguageModel | None = None,
        operation_link: Callable[[str], str | None] = lambda _id: None,
    ) -> None:
        self._service = service
        self._registry = registry
        self._sessions = sessions
        self._links = links
        self._limiter = limiter
        self._llm = language_model
        self.operation_link = operation_link

    async def handle(
        self, inbound: Inbound, *, user: ChatUser | None = None, session: ChatSessionRow | None = None
    ) -> Outcome:
        """Answer one message. The web chat passes its signed-in ``user`` and ``session``; the bots
        pass neither (the chat's link decides). Raises ChatRateLimited, storing nothing."""
        if session is None:
            session = await self._sessions.for_chat(inbound.channel, inbound.chat_id)
        if user is None and inbound.channel is not Channel.WEB:
            user = await self._links.user_of(inbound.channel, inbound.chat_id)
        key = limit_key(inbound.channel, inbound.chat_id, user)
        retry = await self._limiter.retry_after("chat", key)
        if retry is not None:
            raise ChatRateLimited(retry, key)
        text = inbound.text.strip()[:MAX_TEXT]
        turn = Turn(inbound, session, user, dict(session.state))
        replies = await self._dispatch(turn, text)
        entries: list[tuple[ChatRole, str, list[ChatButton], list[str]]] = [(ChatRole.USER, text, [], [])]
        entries += [
            (ChatRole.ASSISTANT, r.text, r.buttons, [r.operation_id] if r.operation_id else [])
            for r in replies
        ]
        messages = await self._sessions.record(
            session,
            entries,
            user_id=turn.user.id if turn.user else None,
            state=turn.state,
            inbound_at=utcnow(),
        )
        return Outcome(session.id, messages, replies, turn.user)

    # -- dispatch ---------------------------------------------------------------------------------

    async def _dispatch(self, t: Turn, text: str) -> list[Reply]:
        try:
            cmd = parse(text)
        except ParseError as exc:
            return [Reply(str(exc))]
        if t.user is None:
            if cmd.name == "link":
                return [await self._link(t, cmd)]
            return [Reply(self.unlinked_help())]
        dropped = None
        if cmd.name not in ("yes", "no", "text"):
            dropped = t.state.pop("proposal", None)  # a new command moves on from an unanswered proposal
        if cmd.name in ("help", "start"):
            return [Reply(self.help(t.inbound.channel))]
        if cmd.name == "run":
            t.state.pop("pending", None)
            return await self._run(t, cmd.args[0], cmd.params)
        if cmd.name == "status":
            return [await self._status(t, cmd.args)]
        if cmd.name == "cancel":
            return [await self._cancel(t, cmd.args, dialogue=dropped is not None)]
        if cmd.name == "list":
            page = await self._service.list(OperationFilter(owner=t.owner), limit=5)
            return [Reply(listing(page.items))]
        if cmd.name == "link":
            return [await self._link(t, cmd)]
        if cmd.name == "unlink":
            return [await self._unlink(t)]
        if cmd.name in ("yes", "no") and "proposal" in t.state:
            return await self._answer_proposal(t, cmd.name == "yes")
        if cmd.name == "unknown":
            return [Reply(f"I don't know /{cmd.args[0]}.\n\n{self.help(t.inbound.channel)}")]
        pending = t.state.get("pending")
        if isinstance(pending, dict):
            return await self._answer_question(t, pending, cmd.text)
        if cmd.name in ("yes", "no"):
            return [Reply("There is nothing to confirm. Send /help to see what I can do.")]
        return await self._free_text(t, cmd.text)

    # -- running a workflow ------------------------------------------------------------------------

    def _workflow(self, name: str) -> WorkflowInfo | str:
        """The workflow called ``name`` (also written with _ for . or in any case), else why not."""
        infos = self._service.workflows()
        wanted = name.strip().lower().replace("-", "_")
        for info in infos:
            if wanted in (info.name.lower(), info.name.lower().replace(".", "_")):
                return info
        names = [i.name for i in infos]
        close = difflib.get_close_matches(name, names, n=1)
        hint = f" Did you mean {close[0]}?" if close else ""
        return f"I don't know the workflow '{name}'.{hint} Workflows: {', '.join(names)}."

    async def _run(self, t: Turn, name: str, raw: dict[str, str]) -> list[Reply]:
        found = self._workflow(name)
        if isinstance(found, str):
            return [Reply(found)]
        return await self._proceed(t, found, coerce_all(found.params_schema, raw), confirm=False)

    async def _proceed(
        self, t: Turn, info: WorkflowInfo, params: dict[str, Any], *, confirm: bool
    ) -> list[Reply]:
        """Explain what is wrong, or ask for the next missing parameter, or (confirm) propose the
        run, or run it."""
        errors = self._errors(info, params)
        missing = [e for e in errors if e.type == "missing" and len(e.loc) == 1]
        wrong = [e for e in errors if e not in missing]
        if wrong:
            t.state.pop("pending", None)
            lines = explain(info.name, info.params_schema, wrong, params)
            return [
                Reply(
                    f"I can't run {info.name} with those parameters:\n"
                    + "\n".join(f"• {line}" for line in lines)
                    + f"\nSend /help for the syntax, or /run {info.name} with the values fixed."
                )
            ]
        if missing:
            key = str(missing[0].loc[0])
            t.state["pending"] = {"workflow": info.name, "params": params, "asking": key, "confirm": confirm}
            return [Reply(prompt(info.params_schema, key))]
        t.state.pop("pending", None)
        if confirm:
            t.state["proposal"] = {"workflow": info.name, "params": params}
            return [
                Reply(
                    f"Shall I run {info.name} ({info.title}) with {describe(params)}?",
                    buttons=[
                        ChatButton(label="Run it", command="/yes"),
                        ChatButton(label="Don't", command="/no"),
                    ],
                )
            ]
        return [await self._submit(t, info.name, params)]

    def _errors(self, info: WorkflowInfo, params: dict[str, Any]) -> list[Any]:
        try:
            self._registry.get(info.name).validate_params(params)
        except InvalidParams as exc:
            return list(exc.errors)
        return []

    async def _answer_question(self, t: Turn, pending: dict[str, Any], text: str) -> list[Reply]:
        found = self._workflow(str(pending.get("workflow")))
        if isinstance(found, str):
            t.state.pop("pending", None)
            return [Reply(found)]
        key = str(pending["asking"])
        params = {**pending["params"], key: coerce(found.params_schema, key, text)}
        wrong = [e for e in self._errors(found, params) if e.loc[:1] == (key,) and e.type != "missing"]
        if wrong:
            lines = explain(found.name, found.params_schema, wrong, params)
            return [Reply("\n".join(lines) + "\n\n" + prompt(found.params_schema, key))]
        return await self._proceed(t, found, params, confirm=bool(pending.get("confirm")))

    async def _answer_proposal(self, t: Turn, yes: bool) -> list[Reply]:
        proposal = t.state.pop("proposal")
        if not yes:
            return [Reply("OK, I won't run it.")]
        return [await self._submit(t, str(proposal["workflow"]), dict(proposal["params"]))]

    async def _submit(self, t: Turn, workflow: str, params: dict[str, Any]) -> Reply:
        retry = await self._limiter.retry_after("submit", t.owner)
        if retry is not None:
            return Reply(f"You have started many operations in a short time. Try again in {retry} s.")
        try:
            op = await self._service.submit(
                workflow=workflow,
                params=params,
                owner=t.owner,
                metadata={"chat": {"channel": t.inbound.channel.value, "session_id": t.session.id}},
            )
        except InvalidParams as exc:
            schema = self._service.workflow(workflow).params_schema
            return Reply("\n".join(explain(workflow, schema, exc.errors, params)))
        except (QueueFull, UserQuotaExceeded) as exc:
            return Reply(f"{exc}. Try again in {exc.retry_after_s} s.")
        except (WorkflowNotFound, InvalidSubmission) as exc:
            return Reply(str(exc))
        t.state["last_operation"] = op.id
        return Reply(self.status(op), buttons=[cancel_button(op.id)], operation_id=op.id)

    # -- status, cancel ---------------------------------------------------------------------------

    def status(self, op: Operation) -> str:
        return status_text(op, self.operation_link(op.id))

    async def _find(self, t: Turn, ref: str | None) -> Operation | None:
        """An operation of the user by id, by the first characters of its id, or (no ref) the
        last one started in this chat."""
        ref = ref or t.state.get("last_operation")
        if not ref:
            return None
        try:
            return await self._service.get(ref, owner=t.owner)
        except OperationNotFound:
            pass
        page = await self._service.list(OperationFilter(owner=t.owner), limit=_RECENT)
        matches = [op for op in page.items if op.id.startswith(ref.lower())]
        return matches[0] if len(matches) == 1 else None

    async def _status(self, t: Turn, args: list[str]) -> Reply:
        op = await self._find(t, args[0] if args else None)
        if op is None:
            return Reply(self._which(args, "status"))
        buttons = [] if op.status.is_terminal else [cancel_button(op.id)]
        return Reply(self.status(op), buttons=buttons)

    async def _cancel(self, t: Turn, args: list[str], *, dialogue: bool) -> Reply:
        """Without an id, a question or proposal in progress is what gets cancelled."""
        if not args and (dialogue or "pending" in t.state):
            t.state.pop("pending", None)
            return Reply("OK, stopped. Nothing was started.")
        op = await self._find(t, args[0] if args else None)
        if op is None:
            return Reply(self._which(args, "cancel"))
        try:
            op = await self._service.cancel(op.id, owner=t.owner)
        except OperationFinished as exc:
            return Reply(f"{op.workflow} {short_id(op.id)} has already finished ({exc.status}).")
        verb = "Cancelled" if op.status.is_terminal else "Cancelling"
        return Reply(f"{verb} {op.workflow} {short_id(op.id)}.")

    @staticmethod
    def _which(args: list[str], command: str) -> str:
        if args:
            return f"I found no operation of yours matching '{args[0]}'. Send /list to see them."
        return f"Which operation? Send /{command} ID (the first characters are enough), or /list."

    # -- linking ----------------------------------------------------------------------------------

    async def _link(self, t: Turn, cmd: Command) -> Reply:
        if t.inbound.channel is Channel.WEB:
            return Reply(
                "The web chat is already signed in as you; link codes are for Telegram and WhatsApp."
            )
        if len(cmd.args) != 1:
            return Reply(
                "Send /link followed by the code from the web app's Settings → Chat, e.g. /link K7QX2MPA"
            )
        user = await self._links.redeem(
            cmd.args[0], t.inbound.channel, t.inbound.chat_id, t.inbound.display_name
        )
        if user is None:
            return Reply("That code is unknown, used or expired. Create a new one in Settings → Chat.")
        t.user = user
        t.state = {}
        return Reply(f"Linked: this chat now acts as {user.username}. Send /help to see what you can do.")

    async def _unlink(self, t: Turn) -> Reply:
        if t.inbound.channel is Channel.WEB:
            return Reply("The web chat is not linked; there is nothing to unlink.")
        await self._links.unlink_chat(t.inbound.channel, t.inbound.chat_id)
        t.user = None
        t.state = {}
        return Reply("Unlinked: this chat no longer acts as anyone. /link CODE links it again.")

    # -- free text ---------------------------------------------------------------------------------

    async def _free_text(self, t: Turn, text: str) -> list[Reply]:
        if self._llm is None:
            return [Reply(self.help(t.inbound.channel))]
        try:
            proposal = await self._llm.propose(text, self._service.workflows())
        except LanguageModelUnavailable:
            return [Reply("I could not understand that just now. Use a command instead; /help lists them.")]
        if not isinstance(proposal, Proposal):
            return [Reply(f"{proposal}\n\nSend /help for the commands.")]
        found = self._workflow(proposal.workflow)
        if isinstance(found, str):
            return [Reply(found)]
        return await self._proceed(t, found, proposal.params, confirm=True)

    # -- help ---------------------------------------------------------------------------------------

    def help(self, channel: Channel) -> str:
        lines = [
            "Commands:",
            "/run WORKFLOW key=value … — start a workflow. Lists: formats=pdf,xlsx; spaces: "
            'title="June report"',
            "/status [ID] — where an operation stands (the last one started here without an ID)",
            "/cancel [ID] — cancel an operation",
            "/list — your latest operations",
        ]
        if channel is not Channel.WEB:
            lines.append("/unlink — stop acting as your account here")
        lines.append("/help — this message")
        if self._llm is not None:
            lines.append('Or just say what you need, e.g. "the monthly report for June as a PDF".')
        lines += ["", "Workflows (* required):"]
        for info in self._service.workflows():
            required = set(info.params_schema.get("required", []))
            fields = [f"{k}*" if k in required else k for k in info.params_schema.get("properties", {})]
            lines.append(f"• {info.name} — {info.title}: {', '.join(fields) or 'no parameters'}")
        lines += ["", "Example: /run demo.sleep steps=5 step_s=0.5"]
        return "\n".join(lines)

    @staticmethod
    def unlinked_help() -> str:
        return (
            "Hello! This chat is not linked to an Underway account yet.\n"
            "1. In the web app, open Settings → Chat and create a link code.\n"
            "2. Send it here: /link CODE"
        )
