"""``underway migrate``: bring the database to the current schema, then exit.

Every process also migrates at start-up (idempotent), so this is only needed to do it once, on its
own, before several processes start together (docker-compose.yml's one-shot ``migrate`` service) or
to check a new release's migrations before rolling it out."""

from __future__ import annotations

import asyncio

from rich.console import Console

from underway.settings import Settings

console = Console()


def migrate() -> None:
    """Migrate the configured database (UNDERWAY_DATABASE_URL) to the current schema."""
    from alembic.script import ScriptDirectory

    from underway.store.engine import alembic_config, upgrade

    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    url = settings.resolved_database_url
    asyncio.run(upgrade(url))
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    console.print(f"Database schema is current (revision {head}).", highlight=False)
