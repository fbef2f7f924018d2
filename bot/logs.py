"""Logging set-up that keeps the bot token out of every log line.

httpx logs each request URL at INFO, and Bot API URLs contain the token; tracebacks of network
errors carry it too. So the formatter redacts the finished line, whatever produced it.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable

_ANY_TOKEN = re.compile(r"\d{3,}:[A-Za-z0-9_-]{20,}")
REDACTED = "<token>"


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return _ANY_TOKEN.sub(REDACTED, text)


class RedactingFormatter(logging.Formatter):
    def __init__(self, fmt: str, secrets: Iterable[str] = ()) -> None:
        super().__init__(fmt)
        self._secrets = tuple(s for s in secrets if s)

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self._secrets)


def configure_logging(level: str, secrets: Iterable[str] = ()) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets)
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Request URLs contain the token; their INFO lines add nothing a maintainer needs.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    quiet = max(logging.getLevelName(level), logging.WARNING)
    for chatty in ("apscheduler", "alembic"):
        logging.getLogger(chatty).setLevel(quiet)
