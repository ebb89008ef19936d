"""Runtime configuration, read from ``UNDERWAY_*`` environment variables (and ``.env``)."""

from __future__ import annotations

import ipaddress
import json
import re
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any

from limits import parse_many
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

_TELEGRAM_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")

# Lists read from the environment accept "a,b,c" as well as a JSON array.
CommaList = Annotated[list[str], NoDecode]
FloatList = Annotated[list[float], NoDecode]


class Settings(BaseSettings):
    """Every knob of the service. The README's configuration table mirrors this class."""

    # hide_input_in_errors: a rejected value may be a secret (a key, a database password).
    model_config = SettingsConfigDict(
        env_prefix="UNDERWAY_", env_file=".env", extra="ignore", hide_input_in_errors=True
    )

    data_dir: Path = Field(Path(".underway"), description="Where the database, artifacts and secrets live.")
    database_url: str = Field("", description="SQLAlchemy URL; empty means a SQLite file in the data dir.")
    workers: int = Field(
        4,
        ge=0,
        le=1024,
        description="Operations running at once in this process; 0 serves the API only (workers run elsewhere).",
    )
    worker_capabilities: CommaList = Field(
        default_factory=list,
        description="Capability tags this process's workers offer (e.g. `gpu`); a workflow that requires "
        "tags runs only on workers offering them all.",
    )
    shutdown_grace_s: float = Field(
        30,
        ge=0,
        description="On SIGTERM, running operations may finish for this long (s); then they are settled by "
        "the restart policy.",
    )
    queue_capacity: int = Field(
        1000, ge=1, description="Queued operations in total before submit is refused (503)."
    )
    max_queued_per_user: int = Field(100, ge=1, description="Queued operations per user before 429.")
    max_running_per_user: int = Field(2, ge=1, description="Running operations per user; the rest wait.")
    default_timeout_s: float = Field(3600, gt=0, description="Timeout when a submission names none.")
    max_timeout_s: float = Field(86400, gt=0, description="Largest timeout a submission may ask for.")
    cancel_grace_s: float = Field(
        10, ge=0, description="How long a cancelled workflow may run before it is stopped by force."
    )
    progress_interval_s: float = Field(
        0.1,
        ge=0,
        description="Progress events are persisted at most once per interval per operation.",
    )
    max_attempts: int = Field(
        3,
        ge=1,
        description="Runs of a retry-safe operation before an interruption fails it instead of re-queuing.",
    )
    heartbeat_s: float = Field(
        5, gt=0, description="How often a worker renews its lease and looks for abandoned operations."
    )
    worker_lease_s: float = Field(
        30,
        gt=0,
        description="A worker silent for this long is presumed dead; its operations are settled "
        "(at least 2 heartbeats).",
    )
    workflow_modules: CommaList = Field(
        default_factory=list,
        description="Extra Python modules to import for their workflows (comma-separated).",
    )

    # --- API and security ---------------------------------------------------------------------
    secret_key: SecretStr | None = Field(
        None,
        description="Key signing access tokens (32+ characters). Unset: generated once into "
        "<data_dir>/secret_key (mode 0600) and reused.",
    )
    secret_key_file: Path | None = Field(
        None,
        description="File holding the key (a Docker or Kubernetes secret), read at start when "
        "UNDERWAY_SECRET_KEY is unset.",
    )
    auth_cache_s: float = Field(
        1.0,
        ge=0,
        description="How long an API process trusts an account or API key it has read before "
        "reading it again: disabling or revoking through another process applies within this; "
        "through the same process, at once. 0: read on every request.",
    )
    token_ttl_s: int = Field(1800, ge=60, le=7 * 86400, description="Access token lifetime (s).")
    jwt_issuer: str = Field("underway", min_length=1, description="`iss` claim of access tokens.")
    jwt_audience: str = Field("underway-api", min_length=1, description="`aud` of access tokens.")
    cors_origins: CommaList = Field(
        default_factory=list,
        description="Origins allowed to call the API from a browser; empty turns CORS off.",
    )
    allowed_ws_origins: CommaList = Field(
        default_factory=list,
        description="Extra origins allowed to open WebSocket streams (same-origin always is).",
    )
    ws_ping_interval_s: float = Field(
        20, gt=0, description="`underway serve` pings every WebSocket this often (s) to find dead peers."
    )
    ws_ping_timeout_s: float = Field(
        20, gt=0, description="A WebSocket peer that does not answer a ping within this (s) is dropped."
    )
    redis_url: str | None = Field(
        None, description="Redis URL for rate-limit counters shared by processes; unset: in memory."
    )
    rate_limit_submit: str = Field("30/minute", description="Submissions per user (`limits` form).")
    rate_limit_read: str = Field("600/minute", description="Other authenticated calls per user.")
    rate_limit_login: str = Field(
        "10/minute", description="Login attempts per client IP and, separately, per username."
    )
    max_body_bytes: int = Field(
        4 * 1024 * 1024,
        ge=1024,
        description="Largest request body; 413 above (room for data_validation's 2 MB inline CSV).",
    )
    metrics_enabled: bool = Field(True, description="Serve Prometheus metrics at /api/v1/metrics.")
    web_dir: Path | None = Field(
        None,
        description="Built web app served at / by `underway serve`; unset: the repository's "
        "frontend/dist when it exists.",
    )

    # --- chat interfaces (docs/chat.md) -------------------------------------------------------
    rate_limit_chat: str = Field(
        "20/minute", description="Chat messages per linked user (or per unlinked chat), on every channel."
    )
    chat_link_code_ttl_s: int = Field(
        600, ge=60, le=86400, description="How long a one-time chat link code stays valid (s)."
    )
    telegram_bot_token: SecretStr | None = Field(
        None, description="Bot token from @BotFather; set it (and the webhook secret) to turn Telegram on."
    )
    telegram_webhook_secret: SecretStr | None = Field(
        None,
        description="Secret Telegram echoes in X-Telegram-Bot-Api-Secret-Token (1-256 of A-Z a-z 0-9 _ -); "
        "required with the bot token.",
    )
    telegram_api_base_url: str = Field(
        "https://api.telegram.org", description="Telegram Bot API address (a local Bot API server, tests)."
    )
    telegram_edit_interval_s: float = Field(
        2.0,
        ge=0,
        description="A chat's progress message is edited at most once per interval (s); the final "
        "state is always shown.",
    )
    whatsapp_access_token: SecretStr | None = Field(
        None,
        description="WhatsApp Cloud API access token; set it (with the app secret, verify token and "
        "phone number id) to turn WhatsApp on.",
    )
    whatsapp_app_secret: SecretStr | None = Field(
        None, description="Meta app secret: checks X-Hub-Signature-256; required with the access token."
    )
    whatsapp_verify_token: SecretStr | None = Field(
        None, description="Token Meta sends back when verifying the webhook; required with the access token."
    )
    whatsapp_phone_number_id: str | None = Field(
        None, description="The WhatsApp Business phone number id that sends the replies."
    )
    whatsapp_graph_base_url: str = Field(
        "https://graph.facebook.com/v21.0", description="Graph API address, version included (tests)."
    )
    llm_base_url: str | None = Field(
        None,
        description="OpenAI-compatible API base (…/v1) turning free-text chat messages into workflow "
        "runs; unset: commands only.",
    )
    llm_model: str | None = Field(None, description="Model name for UNDERWAY_LLM_BASE_URL.")
    llm_api_key: SecretStr | None = Field(
        None, description="Bearer key for UNDERWAY_LLM_BASE_URL, if it needs one."
    )
    llm_timeout_s: float = Field(30, gt=0, le=600, description="How long to wait for the language model (s).")

    # --- webhooks and triggers (docs/webhooks.md) -------------------------------------------
    public_url: str = Field(
        "",
        description="The service's public base URL (`https://underway.example.com`): links in webhook "
        "events, trigger URLs and chat messages, and the default address of `underway chat telegram "
        "set-webhook`; empty: links are paths.",
    )
    webhook_allowed_hosts: CommaList = Field(
        default_factory=list,
        description="Host names webhooks may reach whatever their addresses (on-premise receivers); "
        "every other host must resolve to public addresses only.",
    )
    webhook_allowed_networks: CommaList = Field(
        default_factory=list,
        description="Networks (CIDR, e.g. `10.1.2.0/24`, `127.0.0.1/32`) webhooks may reach although "
        "private, loopback or otherwise blocked.",
    )
    webhook_retry_schedule_s: FloatList = Field(
        default_factory=lambda: [0.0, 5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0],
        description="Delay (s) before each delivery attempt after the previous one failed, the first "
        "counted from the event; each gets up to 10% jitter. The default is Svix's.",
    )
    webhook_timeout_s: float = Field(
        15,
        gt=0,
        le=120,
        description="A webhook delivery attempt (connect, send, answer) is given up after this.",
    )
    webhook_disable_after_s: float = Field(
        5 * 86400,
        gt=0,
        description="An endpoint whose deliveries have failed for this long (s) without a success is "
        "disabled, with the reason shown.",
    )

    @field_validator("webhook_allowed_networks", mode="after")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for network in value:
            try:
                ipaddress.ip_network(network, strict=False)
            except ValueError:
                raise ValueError(f"not a network: {network!r} (use CIDR such as 10.0.0.0/8)") from None
        return value

    @field_validator("webhook_retry_schedule_s", mode="after")
    @classmethod
    def _schedule(cls, value: list[float]) -> list[float]:
        if not value or any(d < 0 for d in value):
            raise ValueError("give at least one delay, none negative")
        return value

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("UNDERWAY_PUBLIC_URL must start with http:// or https://")
        return value.rstrip("/")

    @field_validator(
        "cors_origins",
        "allowed_ws_origins",
        "worker_capabilities",
        "workflow_modules",
        "webhook_allowed_hosts",
        "webhook_allowed_networks",
        "webhook_retry_schedule_s",
        mode="before",
    )
    @classmethod
    def _split_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part.strip() for part in text.split(",") if part.strip()]
        return value

    @field_validator("rate_limit_submit", "rate_limit_read", "rate_limit_login", "rate_limit_chat")
    @classmethod
    def _valid_rate_limit(cls, value: str) -> str:
        # Fail at start-up on a typo rather than on the first request. One limit per setting keeps
        # the RateLimit headers unambiguous (one policy per name).
        if len(parse_many(value)) != 1:
            raise ValueError(f"give exactly one rate limit such as '30/minute', not {value!r}")
        return value

    @field_validator("secret_key")
    @classmethod
    def _strong_secret(cls, value: SecretStr | None) -> SecretStr | None:
        # HS256 is only as strong as its key: a short one can be brute-forced offline from a token.
        if value is not None and len(value.get_secret_value()) < 32:
            raise ValueError("UNDERWAY_SECRET_KEY must be at least 32 characters")
        return value

    @model_validator(mode="after")
    def _secret_key_from_file(self) -> Settings:
        if self.secret_key is not None or self.secret_key_file is None:
            return self
        try:
            key = self.secret_key_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ValueError(
                f"UNDERWAY_SECRET_KEY_FILE: cannot read {self.secret_key_file}: {exc.strerror}"
            ) from None
        if len(key) < 32:
            raise ValueError("UNDERWAY_SECRET_KEY_FILE must hold at least 32 characters")
        self.secret_key = SecretStr(key)
        return self

    @model_validator(mode="after")
    def _timeouts_consistent(self) -> Settings:
        if self.default_timeout_s > self.max_timeout_s:
            raise ValueError("UNDERWAY_DEFAULT_TIMEOUT_S must not exceed UNDERWAY_MAX_TIMEOUT_S")
        return self

    @model_validator(mode="after")
    def _lease_outlives_heartbeats(self) -> Settings:
        # A lease shorter than two heartbeats would let one late heartbeat declare a live worker dead.
        if self.worker_lease_s < 2 * self.heartbeat_s:
            raise ValueError("UNDERWAY_WORKER_LEASE_S must be at least twice UNDERWAY_HEARTBEAT_S")
        return self

    @model_validator(mode="after")
    def _chat_channels_fail_closed(self) -> Settings:
        # A bot without its secret would accept forged updates: refuse to start instead.
        if self.telegram_bot_token is not None:
            secret = self.telegram_webhook_secret
            if secret is None or not _TELEGRAM_SECRET.fullmatch(secret.get_secret_value()):
                raise ValueError(
                    "UNDERWAY_TELEGRAM_WEBHOOK_SECRET (1-256 of A-Z a-z 0-9 _ -) is required with "
                    "UNDERWAY_TELEGRAM_BOT_TOKEN"
                )
        if self.whatsapp_access_token is not None:
            missing = [
                f"UNDERWAY_{name.upper()}"
                for name in ("whatsapp_app_secret", "whatsapp_verify_token", "whatsapp_phone_number_id")
                if not getattr(self, name)
            ]
            if missing:
                raise ValueError(f"{', '.join(missing)} required with UNDERWAY_WHATSAPP_ACCESS_TOKEN")
        if bool(self.llm_base_url) != bool(self.llm_model):
            raise ValueError("set both UNDERWAY_LLM_BASE_URL and UNDERWAY_LLM_MODEL, or neither")
        return self

    @cached_property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'underway.db').resolve()}"

    @property
    def artifacts_dir(self) -> Path:
        return self.data_dir / "artifacts"
