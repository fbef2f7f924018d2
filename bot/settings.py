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

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level(cls, value: object) -> object:
        return str(value).strip().upper()

    @property
    def token(self) -> str | None:
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else None

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
