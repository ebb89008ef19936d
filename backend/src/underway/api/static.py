"""Serving the built web app (a single-page app) next to the API.

Files of the build are served as they are; any other GET outside ``/api`` answers ``index.html``
so the app's client-side routes survive a reload. Paths under ``/api`` are never the app's: an
unknown one stays the API's 404 problem.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Match, Route
from starlette.types import Scope

from underway.api.routes import API_PREFIX
from underway.settings import Settings

# Vite puts content-hashed files under assets/: they never change under the same name.
_IMMUTABLE = "public, max-age=31536000, immutable"
# index.html names the current assets: always revalidate it.
_REVALIDATE = "no-cache"
_APP_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
_ASSETS = "assets"
_API_ROOT = API_PREFIX.split("/")[1]  # "api"


def default_web_dir() -> Path | None:
    """The repository's ``frontend/dist`` when running from a checkout and it has been built."""
    # backend/src/underway/api/static.py -> the repository root is four levels up.
    candidate = Path(__file__).resolve().parents[4] / "frontend" / "dist"
    return candidate if (candidate / "index.html").is_file() else None


def web_dir_of(settings: Settings) -> Path | None:
    return settings.web_dir if settings.web_dir is not None else default_web_dir()


def _is_api_path(path: str) -> bool:
    first = path.lstrip("/").split("/", 1)[0]
    return first == _API_ROOT


class _WebAppRoute(Route):
    """Matches every path except the API's, so unknown API paths still reach the router's 404."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http" and _is_api_path(scope["path"]):
            return Match.NONE, {}
        return super().matches(scope)


def mount_web_app(app: FastAPI, web_dir: Path) -> None:
    """Serve ``web_dir`` at ``/``; call after every API router is included (it matches last)."""
    root = web_dir.resolve()
    index = root / "index.html"
    if not index.is_file():
        raise FileNotFoundError(f"{index} not found: build the web app first (npm run build)")

    async def web_app(request: Request) -> Response:
        path = request.path_params["path"]
        file = _file_in(root, path)
        if file is not None and file != index:
            immutable = file.parent == root / _ASSETS
            return FileResponse(file, headers={"Cache-Control": _IMMUTABLE if immutable else _REVALIDATE})
        if path.startswith(f"{_ASSETS}/"):
            # A missing build file (an old page asking for assets of a previous release) must fail
            # as such, not load index.html as a script.
            raise HTTPException(404)
        return FileResponse(
            index, headers={"Cache-Control": _REVALIDATE, "Content-Security-Policy": _APP_CSP}
        )

    # A plain Starlette route: not an API operation, so no OpenAPI entry and no operation id.
    app.router.routes.append(_WebAppRoute("/{path:path}", web_app, methods=["GET", "HEAD"]))


def _file_in(root: Path, relative: str) -> Path | None:
    """The file at ``relative`` inside ``root``, or None (missing, a directory, or outside root)."""
    if not relative:
        return None
    try:
        candidate = (root / relative).resolve()
        found = candidate.is_relative_to(root) and candidate.is_file()
    except (OSError, ValueError):  # a NUL byte, a name too long for the file system...
        return None
    return candidate if found else None
