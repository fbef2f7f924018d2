"""PTB's HTTP transport on aiohttp (already a dependency), for sending many messages at once.

PTB's default HTTPXRequest spent most of the daily fan-out's CPU: httpcore's connection pool
rescans every connection for each request (docs/BENCHMARKS.md "Fan-out": the profile and the
per-send figures of both transports). Same contract as HTTPXRequest: (status, body) back,
timeouts raise ``TimedOut``, transport errors ``NetworkError``; PTB maps status codes to its
errors itself.
"""

from __future__ import annotations

from typing import Final

import aiohttp
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

__all__ = ["AiohttpRequest"]

_DEFAULT_TIMEOUT: Final = 5.0


class AiohttpRequest(BaseRequest):
    """One aiohttp session with at most ``connections`` open connections to the Bot API."""

    def __init__(self, connections: int = 32, timeout: float = _DEFAULT_TIMEOUT,
                 media_write_timeout: float = 20.0) -> None:
        self._connections = connections
        self._timeout = timeout
        self._media_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connections, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT})

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        fields = request_data.json_parameters if request_data else None
        body: aiohttp.FormData | dict[str, str] | None = fields
        if files:
            form = aiohttp.FormData()
            for name, value in (fields or {}).items():
                form.add_field(name, value)
            for name, part in files.items():
                file_name, content, *rest = part
                form.add_field(name, content, filename=file_name,
                               content_type=rest[0] if rest else None)
            body = form
        total = self._timeout + (self._media_timeout if files else 0.0)
        for given in (read_timeout, write_timeout, connect_timeout, pool_timeout):
            if isinstance(given, int | float):
                total = max(total, float(given))
        try:
            async with self._session.request(
                method, url, data=body, timeout=aiohttp.ClientTimeout(total=total)
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error
