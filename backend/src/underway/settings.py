"""Runtime configuration, read from ``UNDERWAY_*`` environment variables (and ``.env``)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob of the service. The README's configuration table mirrors this class."""

    model_config = SettingsConfigDict(env_prefix="UNDERWAY_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path(".underway"), description="Where the database, artifacts and secrets live.")
    database_url: str = Field("", description="SQLAlchemy URL; empty means a SQLite file in the data dir.")
    workers: int = Field(4, ge=1, le=256, description="Operations running at once in this process.")
    queue_capacity: int = Field(1000, ge=1, description="Queued operations in total before submit is refused (503).")
    max_queued_per_user: int = Field(100, ge=1, description="Queued operations per user before 429.")
    max_running_per_user: int = Field(2, ge=1, description="Running operations per user; the rest wait.")
    default_timeout_s: float = Field(3600, gt=0, description="Timeout when a submission names none.")
    max_timeout_s: float = Field(86400, gt=0, description="Largest timeout a submission may ask for.")
    cancel_grace_s: float = Field(10, ge=0, description="How long a cancelled workflow may run before it is stopped by force.")
    progress_interval_s: float = Field(
        0.1, ge=0, description="Progress events are persisted at most once per interval per operation."
    )
    workflow_modules: list[str] = Field(
        default_factory=list, description="Extra Python modules to import for their workflows (comma-separated)."
    )

    @model_validator(mode="after")
    def _timeouts_consistent(self) -> Settings:
        if self.default_timeout_s > self.max_timeout_s:
            raise ValueError("UNDERWAY_DEFAULT_TIMEOUT_S must not exceed UNDERWAY_MAX_TIMEOUT_S")
        return self

    @cached_property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'underway.db').resolve()}"

    @property
    def artifacts_dir(self) -> Path:
        return self.data_dir / "artifacts"
