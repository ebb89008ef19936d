"""docker-compose.yml and the Dockerfile describe the topology that test_scale_out.py runs with real
processes. Docker is not needed: the files are read, and what they rely on is checked to exist."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import typer

# PyYAML comes with uvicorn[standard]; it ships no type hints.
import yaml  # type: ignore[import-untyped]

from underway.api.routes import API_PREFIX, health
from underway.cli.app import app

ROOT = Path(__file__).resolve().parents[3]
SHARED = ("UNDERWAY_DATABASE_URL", "UNDERWAY_REDIS_URL", "UNDERWAY_SECRET_KEY_FILE")


def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return data


def _cli_command(argv: list[str]) -> None:
    """Fails unless ``underway <argv...>`` names real (sub)commands and options."""
    command: Any = typer.main.get_command(app)
    words = list(argv)
    # Duck-typed: Typer may bring its own copy of Click, so isinstance(click.Group) cannot be trusted.
    while words and hasattr(command, "commands") and words[0] in command.commands:
        command = command.commands[words.pop(0)]
    assert not hasattr(command, "commands"), f"underway {' '.join(argv)}: no such command"
    options = {o for p in command.params for o in p.opts}
    for word in words:
        if word.startswith("--"):
            assert word in options, f"underway {' '.join(argv)}: no option {word}"


def test_the_services_run_the_topology_that_is_tested() -> None:
    services = _compose()["services"]
    assert services["api"]["command"][:1] == ["serve"]
    assert services["api"]["command"][-2:] == ["--workers", "0"]  # the API runs no operations
    assert services["worker"]["command"] == ["worker"]
    assert services["migrate"]["command"] == ["migrate"]
    for name in ("api", "worker", "migrate"):
        _cli_command(services[name]["command"])
    health_check = services["worker"]["healthcheck"]["test"]
    assert health_check[:2] == ["CMD", "underway"]
    _cli_command(health_check[2:])

    # Migrations run once, before any process that serves or runs work.
    for name in ("api", "worker"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert services["migrate"]["restart"] == "no"


def test_every_process_reads_the_same_settings_and_no_secret_is_written_down() -> None:
    services = _compose()["services"]
    environments = [services[name]["environment"] for name in ("api", "worker", "migrate")]
    for key in SHARED:
        assert len({env[key] for env in environments}) == 1, key
    url = environments[0]["UNDERWAY_DATABASE_URL"]
    assert re.fullmatch(r"postgresql://underway:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgres:5432/underway", url)
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    # The signing key is a compose secret mounted where UNDERWAY_SECRET_KEY_FILE points.
    assert "UNDERWAY_SECRET_KEY" not in environments[0]
    secret = environments[0]["UNDERWAY_SECRET_KEY_FILE"]
    assert secret == f"/run/secrets/{services['api']['secrets'][0]}"
    assert _compose()["secrets"][services["api"]["secrets"][0]] == {"file": "./secrets/underway_secret_key"}
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert "secrets/" in ignored and ".env" in ignored
    # Artifacts written by a worker are downloaded through the API: one data volume for all.
    assert {tuple(services[n]["volumes"]) for n in ("api", "worker", "migrate")} == {
        ("underway-data:/var/lib/underway",)
    }


def test_the_api_health_check_probes_the_readiness_route() -> None:
    probe = " ".join(_compose()["services"]["api"]["healthcheck"]["test"])
    ready = [r.path for r in health.router.routes if getattr(r, "name", "") == "ready"]  # type: ignore[attr-defined]
    assert ready and f"{API_PREFIX}{ready[0]}" in probe


def test_the_image_is_built_from_the_lock_files_and_runs_unprivileged() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+) AS (\w+)$", dockerfile, re.MULTILINE)
    assert [name for _, name in stages] == ["web", "backend", "runtime"]
    assert "RUN npm ci " in dockerfile
    assert dockerfile.count("uv sync --frozen --no-dev") == 2
    users = re.findall(r"^USER (\S+)$", dockerfile, re.MULTILINE)
    assert users == ["underway"]
    assert 'ENTRYPOINT ["underway"]' in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert {"**/node_modules", "**/.venv", ".env", "secrets"} <= set(ignored)
