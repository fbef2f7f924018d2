"""The raw Bot API client's type: what the emulator tests' `api` fixture returns."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

Api = Callable[..., Awaitable[tuple[int, dict[str, Any]]]]
"""`await api("sendMessage", chat_id=1, text="x", via="form"|"multipart"|"json"|"get")` ->
(HTTP status, the decoded JSON answer)."""
