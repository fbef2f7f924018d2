"""Injected failures, so reliability code can be tested against the errors Telegram really gives."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sandbox.emulator.errors import ApiError, default_description


@dataclass
class Fault:
    """The next `remaining` matching calls answer `status` (after `delay` seconds); with status
    None they only answer late."""

    method: str | None
    status: int | None
    retry_after: int | None
    description: str | None
    delay: float
    remaining: int
    chat_id: int | str | None

    def matches(self, method: str, params: dict[str, Any]) -> bool:
        if self.remaining <= 0:
            return False
        if self.method is not None and self.method.lower() != method.lower():
            return False
        return self.chat_id is None or str(params.get("chat_id")) == str(self.chat_id)

    def error(self) -> ApiError | None:
        if self.status is None:
            return None
        retry_after = self.retry_after
        if self.status == 429 and retry_after is None:
            retry_after = 1
        description = self.description or default_description(self.status, retry_after)
        return ApiError(self.status, description, retry_after)


class FaultBook:
    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        if fault.remaining < 1:
            raise ValueError("times must be at least 1")
        if fault.status is not None and not 400 <= fault.status <= 599:
            raise ValueError("status must be an HTTP error status (4xx or 5xx) or None")
        self._faults.append(fault)
        return fault

    def take(self, method: str, params: dict[str, Any]) -> Fault | None:
        """The first fault matching this call, consuming one of its uses."""
        for fault in self._faults:
            if fault.matches(method, params):
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._faults.remove(fault)
                return fault
        return None

    def clear(self) -> None:
        for fault in self._faults:
            fault.remaining = 0
        self._faults.clear()
