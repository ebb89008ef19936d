"""Free text to a workflow run, by an OpenAI-compatible chat-completions endpoint (vLLM, Ollama, a
hosted API): each workflow is offered as a tool whose parameters are its JSON Schema. The model
only proposes; the core validates the proposal and asks the user to confirm it."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any

import httpx

from underway.workflows.definition import WorkflowInfo

log = logging.getLogger(__name__)

SYSTEM_PROMPT = (
    "You turn a user's request into one call of the tool (workflow) that does it, with the parameters "
    "the user gave. Never invent values the user did not give: leave them out. If no tool fits, answer "
    "in one short sentence saying what you can do."
)
_TOOL_NAME = re.compile(r"[^A-Za-z0-9_-]")


class LanguageModelUnavailable(Exception):
    """The model could not be asked or gave an unreadable answer."""


@dataclass(frozen=True)
class Proposal:
    workflow: str
    params: dict[str, Any]


def tool_name(workflow: str) -> str:
    # Function names allow letters, digits, _ and - only (64 at most).
    return _TOOL_NAME.sub("_", workflow)[:64]


class LanguageModel:
    def __init__(self, base_url: str, model: str, api_key: str | None, timeout_s: float) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/") + "/", headers=headers, timeout=timeout_s
        )
        self._model = model

    async def aclose(self) -> None:
        await self._http.aclose()

    async def propose(self, text: str, workflows: list[WorkflowInfo]) -> Proposal | str:
        """A proposed run, or the model's short answer when no workflow fits."""
        names = {tool_name(w.name): w.name for w in workflows}
        body = {
            "model": self._model,
            "temperature": 0,
            "messages": [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": text}],
            "tools": [
                {
                    "type": "function",
                    "function": {
                        "name": tool_name(w.name),
                        "description": f"{w.title}. {w.description}".strip()[:1000],
                        "parameters": w.params_schema,
                    },
                }
                for w in workflows
            ],
            "tool_choice": "auto",
        }
        try:
            response = await self._http.post("chat/completions", json=body)
            response.raise_for_status()
            message = response.json()["choices"][0]["message"]
        except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
            log.warning("language model unavailable: %s", type(exc).__name__)
            raise LanguageModelUnavailable from None
        return _read(message, names)


def _read(message: dict[str, Any], names: dict[str, str]) -> Proposal | str:
    calls = message.get("tool_calls") or []
    for call in calls:
        function = call.get("function", {}) if isinstance(call, dict) else {}
        workflow = names.get(str(function.get("name")))
        if workflow is None:
            continue
        arguments = function.get("arguments") or "{}"
        try:
            params = json.loads(arguments) if isinstance(arguments, str) else arguments
        except ValueError:
            raise LanguageModelUnavailable from None
        if not isinstance(params, dict):
            raise LanguageModelUnavailable
        return Proposal(workflow, params)
    content = message.get("content")
    if isinstance(content, str) and content.strip():
        return content.strip()
    raise LanguageModelUnavailable
