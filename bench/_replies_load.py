"""The load generator of bench/replies.py, in its own process: posts updates to the webhooks
round robin (the bench is the load balancer), at most CONCURRENCY requests in flight at once
(Telegram's max_connections defaults to 40).

Usage: _replies_load.py PAYLOADS.json SECRET CONCURRENCY URL [URL ...]
Prints one JSON line: {"started": t0, "posted": t1, "statuses": {...}} (CLOCK_MONOTONIC).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter
from pathlib import Path

import aiohttp


async def main(bodies: list[bytes], secret: str, concurrency: int, urls: list[str]) -> None:
    statuses: Counter[int] = Counter()
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret, "Content-Type": "application/json"}
    next_index = iter(range(len(bodies)))
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def lane() -> None:
            for index in next_index:
                # Telegram retries a non-2xx answer; the bench does too, so every update lands.
                while True:
                    async with session.post(urls[index % len(urls)], data=bodies[index],
                                            headers=headers) as answer:
                        await answer.read()
                        statuses[answer.status] += 1
                        if answer.status == 200:
                            break
                    await asyncio.sleep(0.05)

        started = time.monotonic()
        await asyncio.gather(*(lane() for _ in range(concurrency)))
        posted = time.monotonic()
    print(json.dumps({"started": started, "posted": posted,
                      "statuses": {str(k): v for k, v in statuses.items()}}), flush=True)


if __name__ == "__main__":
    payloads = json.loads(Path(sys.argv[1]).read_text())
    asyncio.run(main([json.dumps(p).encode() for p in payloads], sys.argv[2], int(sys.argv[3]),
                     sys.argv[4:]))
