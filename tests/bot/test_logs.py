"""The bot token never reaches a log line, whoever logs it (httpx URLs, tracebacks, our code)."""

from __future__ import annotations

import io
import logging

import pytest

from bot.logs import REDACTED, RedactingFormatter, configure_logging, redact

SECRET = "987654321:AAHsecretSECRETsecretSECRETsecret12"


def test_redact_known_secret_and_token_shapes() -> None:
    assert SECRET not in redact(f"POST https://api.telegram.org/bot{SECRET}/getMe", [SECRET])
    unknown = "bot123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ/sendMessage"
    assert redact(unknown) == f"bot{REDACTED}/sendMessage"
    assert redact("12:30 is a time, not a token") == "12:30 is a time, not a token"


def test_formatter_redacts_message_args_and_traceback() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter("%(message)s", [SECRET]))
    logger = logging.getLogger("notch.test.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("calling %s", f"https://x/bot{SECRET}/getUpdates")
        try:
            raise RuntimeError(f"connect failed for /bot{SECRET}/getMe")
        except RuntimeError:
            logger.exception("boom")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert "getUpdates" in output and "getMe" in output
    assert SECRET not in output
    assert "987654321:" not in output


def test_configure_logging_quiets_httpx_request_lines(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        configure_logging("DEBUG", [SECRET])
        logging.getLogger("httpx").info("HTTP Request: POST https://x/bot%s/getMe", SECRET)
        logging.getLogger("notch").info("token is %s", SECRET)
        err = capsys.readouterr().err
        assert "HTTP Request" not in err
        assert "token is " + REDACTED in err
        assert SECRET not in err
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
