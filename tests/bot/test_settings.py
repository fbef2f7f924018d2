"""Settings: defaults, validation as one clear line, and the token never echoed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import TELEGRAM_API_BASE_URL, SettingsError, load_settings

SECRET = "987654321:AAHsecretSECRETsecretSECRETsecret12"
ENV_KEYS = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "DATABASE_URL", "LOG_LEVEL",
            "PUBLIC_URL", "WEBHOOK_SECRET", "HOST", "PORT")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in ENV_KEYS:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's checkout


def test_defaults_without_any_setting() -> None:
    settings = load_settings()
    assert settings.token is None
    assert settings.telegram_api_base_url == TELEGRAM_API_BASE_URL
    assert settings.telegram_file_base_url == "https://api.telegram.org/file/bot"
    assert settings.database_url == "sqlite+aiosqlite:///./var/notch.db"
    assert settings.log_level == "INFO"


def test_reads_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        f"TELEGRAM_BOT_TOKEN={SECRET}\nLOG_LEVEL=debug\n"
        "TELEGRAM_API_BASE_URL=http://127.0.0.1:8081/bot\n"
        "DATABASE_URL=postgresql://u@127.0.0.1/notch\n"
    )
    settings = load_settings()
    assert settings.token == SECRET
    assert settings.log_level == "DEBUG"
    assert settings.telegram_file_base_url == "http://127.0.0.1:8081/file/bot"
    assert settings.database_url == "postgresql+asyncpg://u@127.0.0.1/notch"


def test_empty_token_means_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "  ")
    assert load_settings().token is None


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("TELEGRAM_API_BASE_URL", "not a url", "TELEGRAM_API_BASE_URL"),
        ("TELEGRAM_API_BASE_URL", "ftp://example.org/bot", "TELEGRAM_API_BASE_URL"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL"),
        ("DATABASE_URL", "mysql://x@y/z", "DATABASE_URL"),
        ("TELEGRAM_BOT_TOKEN", "not-a-token", "TELEGRAM_BOT_TOKEN"),
    ],
)
def test_wrong_value_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, key: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(key, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(expected + ":")
    assert "\n" not in message


def test_secret_is_not_in_repr_or_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", SECRET)
    settings = load_settings()
    assert SECRET not in repr(settings) and SECRET not in str(settings)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", SECRET + " with spaces")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert "987654321" not in str(caught.value)


def test_cli_reports_bad_setting_in_one_line(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "LOG_LEVEL": "LOUD", "TELEGRAM_BOT_TOKEN": SECRET}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("notch: configuration error: LOG_LEVEL")
    assert "987654321" not in done.stderr


def test_webhook_settings_default_to_a_loopback_listener_and_nothing_to_register() -> None:
    settings = load_settings()
    assert (settings.public_url, settings.secret) == (None, None)
    assert (settings.host, settings.port) == ("127.0.0.1", 8080)


def test_the_recipe_for_a_webhook_secret_makes_one_telegram_accepts() -> None:
    import secrets

    made = secrets.token_urlsafe(32)  # what .env.example and the error line tell people to run
    settings = load_settings(webhook_secret=made, public_url="https://bot.example.org/")
    assert settings.secret == made
    assert settings.public_url == "https://bot.example.org"  # the path is Notch's to add


@pytest.mark.parametrize("bad", ["has space", "dots.are.out", "x" * 257, "ключ", "a+b"])
def test_a_webhook_secret_outside_telegrams_charset_is_one_line_without_the_value(
    bad: str,
) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(webhook_secret=bad)
    message = str(caught.value)
    assert message.startswith("WEBHOOK_SECRET: must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
    assert "token_urlsafe" in message
    assert bad not in message


def test_notch_serve_names_every_missing_setting() -> None:
    with pytest.raises(SettingsError, match="TELEGRAM_BOT_TOKEN, PUBLIC_URL, WEBHOOK_SECRET"):
        load_settings().require_webhook()
    ready = load_settings(telegram_bot_token=SECRET, public_url="https://b.example.org",
                          webhook_secret="abc_DEF-123")
    assert ready.require_webhook() == ("https://b.example.org", "abc_DEF-123")


def test_a_public_url_that_is_not_http_is_refused() -> None:
    with pytest.raises(SettingsError, match="PUBLIC_URL"):
        load_settings(public_url="bot.example.org")
