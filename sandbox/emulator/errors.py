"""Bot API errors exactly as Telegram words them, so PTB maps them to the same exceptions."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

BLOCKED = "Forbidden: bot was blocked by the user"
CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)


def default_description(status: int, retry_after: int | None = None) -> str:
    """Telegram's own wording for a bare status, used when a fault names none."""
    if status == 429:
        return f"Too Many Requests: retry after {retry_after or 1}"
    fixed = {400: "Bad Request", 401: "Unauthorized", 403: BLOCKED, 404: "Not Found", 409: CONFLICT}
    if status in fixed:
        return fixed[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown Error"


class ApiError(Exception):
    """An unsuccessful Bot API answer: raised anywhere, rendered once by the server."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            out["parameters"] = {"retry_after": self.retry_after}
        return out


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")
