"""The Bot API emulator in its own process, for bench/replies.py.

Reads commands on stdin, answers one line each on stdout:
  ``make N CHATS PATH`` -> N "/help" message updates from CHATS people, written to PATH as JSON
                          (real payloads, made by the emulator's users), then dropped from its
                          queue (they are posted to the webhook by the load generator instead)
  ``count``             -> "<sendMessage calls> <CLOCK_MONOTONIC of the last one>"
  ``quit``
First line out: the port it listens on.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

from sandbox.emulator import BotApiEmulator


async def main(token: str) -> None:
    emulator = BotApiEmulator(token=token)
    await emulator.start()
    # The load generator plays Telegram's side of the webhook (and the load balancer), so the
    # emulator only accepts the registration and never delivers updates itself.
    async def set_webhook(params: dict[str, Any]) -> Any:
        return True

    emulator.api.handlers["setWebhook"] = set_webhook
    emulator._methods["setwebhook"] = "setWebhook"
    sent = {"count": 0, "last": 0.0}
    send = emulator.api.handlers["sendMessage"]

    async def counted(params: dict[str, Any]) -> Any:
        result = await send(params)
        sent["count"] += 1
        sent["last"] = time.monotonic()
        return result

    emulator.api.handlers["sendMessage"] = counted
    print(emulator.port, flush=True)
    loop = asyncio.get_running_loop()
    while True:
        line = (await loop.run_in_executor(None, sys.stdin.readline)).split()
        if not line or line[0] == "quit":
            break
        if line[0] == "count":
            print(sent["count"], sent["last"], flush=True)
        elif line[0] == "make":
            n, chats, path = int(line[1]), int(line[2]), line[3]
            people = [emulator.private_chat(user_id=500_000 + i, first_name=f"P{i}")
                      for i in range(chats)]
            for i in range(n):
                await people[i % chats].send_text("/help")
            payloads = emulator.pending_updates
            emulator.state.updates.clear()
            emulator.calls.clear()
            await asyncio.to_thread(Path(path).write_text, json.dumps(payloads))
            print(len(payloads), flush=True)
    await emulator.stop()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
