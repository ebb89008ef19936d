"""The baseline for the API benchmark: a bare FastAPI endpoint that accepts a JSON body and answers 202."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

app = FastAPI()


@app.post("/submit", status_code=202)
async def submit(body: dict[str, Any]) -> dict[str, Any]:
    return {"id": "x", "status": "queued", "workflow": body.get("workflow")}
