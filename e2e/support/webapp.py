"""The built web app: rebuilt when older than its sources, then copied for one test session.

The copy isolates the session from a rebuild of ``frontend/dist`` while it runs (Vite empties its
output directory first, which would break every page load of a running server).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FRONTEND = REPO / "frontend"
DIST = FRONTEND / "dist"
BUILD_TIMEOUT_S = 900
# What `npm run build` reads. Test files and test helpers are not part of the build.
_INPUT_DIRS = ("src", "public")
_INPUT_FILES = (
    "index.html",
    "package.json",
    "package-lock.json",
    "vite.config.ts",
    "tsconfig.json",
    "tsconfig.app.json",
    "tsconfig.node.json",
)
_TEST_FILE = re.compile(r"\.test\.tsx?$")
_ASSET_REF = re.compile(r"""(?:src|href)="/(assets/[^"]+)\"""")


class WebAppError(RuntimeError):
    pass


def newest_input_mtime() -> float:
    newest = 0.0
    for name in _INPUT_FILES:
        path = FRONTEND / name
        if path.is_file():
            newest = max(newest, path.stat().st_mtime)
    for name in _INPUT_DIRS:
        for path in (FRONTEND / name).rglob("*"):
            if not path.is_file() or _TEST_FILE.search(path.name):
                continue
            if "test" in path.relative_to(FRONTEND).parts:  # src/test: Vitest set-up and fixtures
                continue
            newest = max(newest, path.stat().st_mtime)
    return newest


def is_stale() -> bool:
    index = DIST / "index.html"
    return not index.is_file() or index.stat().st_mtime < newest_input_mtime()


def _run(args: list[str]) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise WebAppError("npm is not installed: cannot build the web app (or set UNDERWAY_E2E_WEB_DIR)")
    done = subprocess.run(  # noqa: S603 (npm with fixed arguments)
        [npm, *args],
        cwd=FRONTEND,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
        check=False,
    )
    if done.returncode != 0:
        raise WebAppError(f"`npm {' '.join(args)}` failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def build() -> None:
    if not (FRONTEND / "node_modules").is_dir():
        _run(["ci", "--no-audit", "--no-fund"])
    _run(["run", "build"])


def missing_assets(web_dir: Path) -> list[str]:
    """Assets index.html names that are not in ``web_dir`` (a copy taken during a rebuild)."""
    index = web_dir / "index.html"
    if not index.is_file():
        return ["index.html"]
    return [ref for ref in _ASSET_REF.findall(index.read_text()) if not (web_dir / ref).is_file()]


def prepare(destination: Path) -> Path:
    """A consistent copy of the current build in ``destination`` (building first when stale).

    ``UNDERWAY_E2E_WEB_DIR`` names a ready build to use as it is instead.
    """
    given = os.environ.get("UNDERWAY_E2E_WEB_DIR")
    if given:
        web_dir = Path(given).resolve()
        if missing := missing_assets(web_dir):
            raise WebAppError(f"UNDERWAY_E2E_WEB_DIR={given} is not a complete build (missing {missing})")
        return web_dir
    for attempt in range(3):
        if attempt > 0 or is_stale():
            build()
        shutil.rmtree(destination, ignore_errors=True)
        shutil.copytree(DIST, destination)
        if not missing_assets(destination):
            return destination
    raise WebAppError(f"{DIST} stays incomplete (is another build running?): {missing_assets(destination)}")
