"""Runtime settings, read from the environment and `.env`.

Each variable is named after its field, upper-cased, with no prefix (TELEGRAM_BOT_TOKEN,
TELEGRAM_API_BASE_URL, DATABASE_URL, LOG_LEVEL, BROADCAST_PER_SECOND): the one naming rule,
documented in README and .env.example, that the developer tools follow too (TEST_DATABASE_URL,
BENCH_DATABASE_URL).

A wrong value must stop start-up with one clear line, and the bot token must never be echoed:
pydantic's own error text includes the rejected input, so errors are re-worded here.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from storage.db import DatabaseUrlError, normalize_url

TELEGRAM_API_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./var/notch.db"
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]

_TOKEN_SHAPE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_URL_SHAPE = re.compile(r"^https?://[^\s/?#]+(/[^\s?#]*)?$")
# Telegram's rule for setWebhook's secret_token: 1-256 characters of A-Z, a-z, 0-9, _ and -.
_SECRET_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
# token_urlsafe's alphabet is exactly Telegram's; 32 bytes are 43 characters, 256 bits.
SECRET_RECIPE = "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"


class SettingsError(Exception):
    """A setting is wrong; the message is one line, safe to print (never contains the token)."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", hide_input_in_errors=True
    )

    telegram_bot_token: SecretStr | None = Field(
        default=None, description="Token from @BotFather. Empty: run the local terminal sandbox."
    )
    telegram_api_base_url: str = Field(
        default=TELEGRAM_API_BASE_URL,
        description="Bot API endpoint up to and including '/bot'; the token is appended.",
    )
    database_url: str = Field(default=DEFAULT_DATABASE_URL)
    log_level: LogLevel = "INFO"
    broadcast_per_second: float = Field(
        default=25.0, gt=0, le=1000,
        description="Scheduled sends a second, shared by every process. Telegram allows about "
        "30 free; above 30 each message is a paid broadcast (allow_paid_broadcast, up to 1000).",
    )
    public_url: str | None = Field(
        default=None,
        description="`notch serve`: the https base Telegram reaches (the reverse proxy's).",
    )
    webhook_secret: SecretStr | None = Field(
        default=None,
        description="`notch serve`: the secret Telegram sends back with every update.",
    )
    # Loopback by default: the reverse proxy that terminates TLS (Telegram only posts to https)
    # runs on the same host, and the plain-HTTP port should not face the internet.
    host: str = "127.0.0.1"
    # 8080: the usual plain-HTTP upstream port behind a proxy, and PaaS hosts set PORT themselves.
    port: int = Field(default=8080, ge=0, le=65535)

    @field_validator("telegram_bot_token", mode="before")
    @classmethod
    def _token(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        raw = value.get_secret_value() if isinstance(value, SecretStr) else str(value)
        if not _TOKEN_SHAPE.match(raw.strip()):
            raise ValueError("does not look like a BotFather token (digits, a colon, then letters)")
        return raw.strip()

    @field_validator("telegram_api_base_url", mode="before")
    @classmethod
    def _base_url(cls, value: object) -> object:
        text = str(value).strip()
        if not _URL_SHAPE.match(text):
            raise ValueError("must be an http(s) URL such as https://api.telegram.org/bot")
        return text

    @field_validator("database_url", mode="before")
    @classmethod
    def _database_url(cls, value: object) -> object:
        try:
            return normalize_url(str(value).strip())
        except DatabaseUrlError as error:
            raise ValueError(str(error)) from None

    @field_validator("public_url", mode="before")
    @classmethod
    def _public_url(cls, value: object) -> object:
        if value is None or not str(value).strip():
            return None
        # http is allowed: a self-hosted Bot API server (and the emulator) accept it; Telegram's
        # own servers refuse it at setWebhook, with their own clear error.
        text = str(value).strip().rstrip("/")
        if not _URL_SHAPE.match(text):
            raise ValueError("must be the https URL Telegram reaches, such as https://bot.example.org")
        return text

    @field_validator("webhook_secret", mode="before")
    @classmethod
    def _webhook_secret(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        raw = value.get_secret_value() if isinstance(value, SecretStr) else str(value)
        if not _SECRET_SHAPE.match(raw.strip()):
            raise ValueError(
                "must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule); make one"
                f" with: {SECRET_RECIPE}"
            )
        return raw.strip()

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level(cls, value: object) -> object:
        return str(value).strip().upper()

    @property
    def token(self) -> str | None:
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else None

    def require_webhook(self) -> tuple[str, str]:
        """PUBLIC_URL and WEBHOOK_SECRET for `notch serve`, or one line naming what is missing."""
        missing = [
            name
            for name, value in (
                ("TELEGRAM_BOT_TOKEN", self.token),
                ("PUBLIC_URL", self.public_url),
                ("WEBHOOK_SECRET", self.secret),
            )
            if not value
        ]
        if missing or self.public_url is None or self.secret is None:
            raise SettingsError(
                f"notch serve needs {', '.join(missing)} (README, 'Run it for many people';"
                f" make a secret with: {SECRET_RECIPE})"
            )
        return self.public_url, self.secret

    @property
    def secret(self) -> str | None:
        return self.webhook_secret.get_secret_value() if self.webhook_secret else None

    @property
    def telegram_file_base_url(self) -> str:
        """Where files are downloaded; Telegram and self-hosted servers put them under /file/bot."""
        base = self.telegram_api_base_url
        return base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning every validation problem into one printable line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        problems = []
        for item in error.errors(include_input=False, include_url=False):
            field = ".".join(str(part) for part in item["loc"]).upper() or "settings"
            message = str(item["msg"]).removeprefix("Value error, ")
            problems.append(f"{field}: {message}")
        raise SettingsError("; ".join(problems)) from None
