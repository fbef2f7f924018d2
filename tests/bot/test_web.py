"""The webhook's HTTP face (bot.web) over a real socket: who is refused, with which status,
and that nothing refused reaches the inbox."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from functools import partial
from typing import Any

import httpx
import pytest
from sqlmodel import select

from bot import texts
from bot.app import inbox_of
from bot.inbox import Inbox
from bot.services import Services, utc_now
from bot.settings import load_settings
from bot.web import MAX_BODY_BYTES, SECRET_HEADER, WEBHOOK_PATH, create_app
from core.vocabulary import InboxStatus
from storage.db import Engine, create_engine, make_session_factory
from storage.health import not_ready_reason
from storage.models import InboxUpdate
from tests.support.notch import Notch
from tests.support.web import listening

SECRET = "s3cret_-token"
UPDATE = {"update_id": 7, "message": {"message_id": 1, "date": 0, "text": "/help",
                                      "chat": {"id": 1, "type": "private"}}}


class Recorder:
    """Records what reaches the inbox, for the refusals: each test checks that nothing did.
    The real inbox behind the webhook is tested below (stored once, answered once, 503)."""

    def __init__(self) -> None:
        self.accepted: list[Mapping[str, Any]] = []

    async def accept(self, payloads: Sequence[Mapping[str, Any]]) -> int:
        self.accepted.extend(payloads)
        return len(payloads)


async def _ready() -> str | None:
    return None


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
async def client(recorder: Recorder) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(inbox=recorder, secret=SECRET, ready=_ready)
    async with listening(app) as base, httpx.AsyncClient(base_url=base) as http:
        yield http


def _post(http: httpx.AsyncClient, body: bytes | Any, secret: str | None = SECRET,
          **headers: str) -> Any:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    if secret is not None:
        headers[SECRET_HEADER] = secret
    return http.post(WEBHOOK_PATH, content=content,
                     headers={"content-type": "application/json", **headers})


async def test_an_update_with_the_secret_is_accepted(
    client: httpx.AsyncClient, recorder: Recorder
) -> None:
    answer = await _post(client, UPDATE)
    assert answer.status_code == 200
    assert recorder.accepted == [UPDATE]


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x", SECRET[:-1]])
async def test_a_missing_or_wrong_secret_is_refused_with_403(
    client: httpx.AsyncClient, recorder: Recorder, secret: str | None
) -> None:
    answer = await _post(client, UPDATE, secret=secret)
    assert answer.status_code == 403
    assert recorder.accepted == []


async def test_an_oversized_body_is_refused_with_413_even_without_content_length(
    client: httpx.AsyncClient, recorder: Recorder
) -> None:
    padding = "x" * MAX_BODY_BYTES
    big = json.dumps({**UPDATE, "padding": padding}).encode()
    assert (await _post(client, big)).status_code == 413

    async def chunks() -> AsyncIterator[bytes]:  # chunked: no Content-Length to trust
        for start in range(0, len(big), 64 * 1024):
            yield big[start:start + 64 * 1024]

    answer = await client.post(WEBHOOK_PATH, content=chunks(), headers={SECRET_HEADER: SECRET})
    assert answer.status_code == 413
    assert recorder.accepted == []


async def test_a_body_just_under_the_limit_is_read_whole(
    client: httpx.AsyncClient, recorder: Recorder
) -> None:
    body = json.dumps({**UPDATE, "padding": ""}).encode()
    padded = json.dumps({**UPDATE, "padding": "y" * (MAX_BODY_BYTES - len(body))}).encode()
    assert len(padded) == MAX_BODY_BYTES
    assert (await _post(client, padded)).status_code == 200
    assert len(recorder.accepted) == 1


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"{not json", "not JSON"),
        (b"\xff\xfe", "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"message": {}}', "no integer update_id"),
        (b'{"update_id": "7"}', "no integer update_id"),
        (b'{"update_id": true}', "no integer update_id"),
        (b'{"update_id": 1.5}', "no integer update_id"),
        (b'{"update_id": 99999999999999999999}', "out of range"),
        (b'{"update_id": -1}', "out of range"),
        (b"[" * 100_000, "not JSON"),
    ],
)
async def test_a_malformed_update_gets_400_and_one_log_line(
    client: httpx.AsyncClient, recorder: Recorder, caplog: pytest.LogCaptureFixture,
    body: bytes, why: str,
) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.web"):
        answer = await _post(client, body)
    assert answer.status_code == 400
    assert recorder.accepted == []
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.web"]
    assert len(lines) == 1 and why in lines[0], lines


async def test_an_update_of_an_unknown_shape_is_stored_not_refused(
    client: httpx.AsyncClient, recorder: Recorder
) -> None:
    """PTB cannot read it, but Telegram must not be asked to send it again: the inbox takes it
    and sets it aside later."""
    odd = {"update_id": 8, "message": {"chat": "not an object", "date": "yesterday"},
           "a_field_from_bot_api_12": {"x": [1, 2]}}
    assert (await _post(client, odd)).status_code == 200
    assert recorder.accepted == [odd]


async def test_a_database_failure_answers_503_so_telegram_retries() -> None:
    """The real inbox on a database that does not answer: not stored, so not acknowledged."""
    dead = create_engine("postgresql://postgres@127.0.0.1:1/test")
    found = Services(settings=load_settings(), clock=utc_now, engine=dead,
                     sessions=make_session_factory(dead))
    app = create_app(inbox=Inbox(found), secret=SECRET, ready=_ready)
    try:
        async with listening(app) as base, httpx.AsyncClient(base_url=base) as http:
            assert (await _post(http, UPDATE)).status_code == 503
    finally:
        await dead.dispose()


@pytest.mark.parametrize("bot_database_url", ["sqlite", "postgres"], indirect=True)
async def test_a_duplicate_update_id_is_stored_once_and_answered_once(notch: Notch) -> None:
    """Telegram redelivers when it did not see the 200 (a timeout, a lost answer): the second
    POST of one update_id is acknowledged again and changes nothing."""
    ada = notch.user()
    update = {"update_id": 900_001, "message": {
        "message_id": 901, "from": ada.user, "chat": {"id": ada.chat_id, "type": "private",
                                                      "first_name": "Ada"},
        "date": int(notch.clock.now.timestamp()), "text": "/help",
        "entities": [{"type": "bot_command", "offset": 0, "length": 5}]}}
    app = create_app(inbox=inbox_of(notch.application), secret=SECRET, ready=_ready)
    async with listening(app) as base, httpx.AsyncClient(base_url=base) as http:
        first = await _post(http, update)
        again = await _post(http, update)
        assert (first.status_code, again.status_code) == (200, 200)
        assert (await ada.next_message(timeout=10)).text == texts.help_text()
        await ada.expect_no_message(within=0.5)
    engine = create_engine(notch.database_url)
    try:
        async with make_session_factory(engine)() as session:
            rows = (await session.exec(
                select(InboxUpdate).where(InboxUpdate.update_id == 900_001))).all()
    finally:
        await engine.dispose()
    assert [(row.update_id, row.status) for row in rows] == [(900_001, InboxStatus.HANDLED)]


async def test_only_post_reaches_the_webhook(client: httpx.AsyncClient) -> None:
    assert (await client.get(WEBHOOK_PATH)).status_code == 405


async def test_healthz_says_the_process_is_alive(client: httpx.AsyncClient) -> None:
    answer = await client.get("/healthz")
    assert answer.status_code == 200


async def _readyz(engine: Engine) -> httpx.Response:
    app = create_app(inbox=Recorder(), secret=SECRET, ready=partial(not_ready_reason, engine))
    async with listening(app) as base, httpx.AsyncClient(base_url=base) as http:
        return await http.get("/readyz")


async def test_readyz_is_ready_when_the_database_is_at_head(engine: Engine) -> None:
    answer = await _readyz(engine)
    assert (answer.status_code, answer.text) == (200, "ready\n")


async def test_readyz_fails_when_migrations_are_not_at_head(make_engine: Any) -> None:
    answer = await _readyz(make_engine())  # an empty database: never migrated
    assert answer.status_code == 503
    assert "migration None" in answer.text


async def test_readyz_fails_when_the_database_does_not_answer() -> None:
    # Port 1 on loopback: nothing listens there, the connection is refused at once.
    engine = create_engine("postgresql://postgres@127.0.0.1:1/test")
    try:
        answer = await _readyz(engine)
    finally:
        await engine.dispose()
    assert answer.status_code == 503
    assert "did not answer" in answer.text


@pytest.mark.parametrize("bot_database_url", ["sqlite", "postgres"], indirect=True)
async def test_concurrent_updates_from_many_chats_are_all_stored_and_answered(
    notch: Notch,
) -> None:
    """Telegram keeps up to 40 requests open at once: every one is acknowledged (no 503 from
    the inbox's own bookkeeping) and every person gets their answer."""
    people = [notch.emulator.private_chat(user_id=70_000 + i, first_name=f"P{i}")
              for i in range(120)]
    updates = [{"update_id": 800_000 + i, "message": {
        "message_id": 1, "from": person.user, "date": int(notch.clock.now.timestamp()),
        "chat": {"id": person.chat_id, "type": "private", "first_name": f"P{i}"},
        "text": "/help", "entities": [{"type": "bot_command", "offset": 0, "length": 5}]}}
        for i, person in enumerate(people)]
    app = create_app(inbox=inbox_of(notch.application), secret=SECRET, ready=_ready)
    limits = httpx.Limits(max_connections=40)
    async with listening(app) as base, httpx.AsyncClient(
        base_url=base, limits=limits, timeout=60
    ) as http:
        answers = await asyncio.gather(*(_post(http, update) for update in updates))
        assert sorted({a.status_code for a in answers}) == [200]
        for person in people:
            assert (await person.next_message(timeout=60)).text == texts.help_text()
