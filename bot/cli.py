"""`notch` command line: `notch run`, `notch serve`, `notch db upgrade` and `notch calibrate`.

Every start-up failure ends in one line on stderr (with the token redacted) and a non-zero exit,
because a newcomer reading a traceback for a typo in `.env` is a poor first experience.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from functools import partial

from bot.logs import configure_logging, redact
from bot.settings import Settings, SettingsError, load_settings
from storage.process_lock import DatabaseInUse, hold_database

log = logging.getLogger("notch")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="notch", description="Notch, the mastery coach.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "run", help="run the bot (long polling with a token; the terminal sandbox without one)"
    )
    run.add_argument(
        "--worker", action="store_true",
        help="handle stored updates and scheduled sends only, without fetching updates: extra "
             "processes beside one `notch run` or any number of `notch serve` (PostgreSQL)",
    )
    run.add_argument(
        "--lang", metavar="CODE",
        help="the terminal sandbox's language, as Telegram would send it (es, ru, pt-br, de; "
             "default: $NOTCH_SANDBOX_LANG, else en)",
    )
    commands.add_parser(
        "serve",
        help="run the bot behind a webhook (PUBLIC_URL, WEBHOOK_SECRET); several may share"
        " one PostgreSQL database",
    )
    commands.add_parser(
        "calibrate",
        help="fit the calibrator's settings to everyone's answers now and store them",
    )
    database = commands.add_parser("db", help="database maintenance")
    database_commands = database.add_subparsers(dest="db_command", required=True)
    database_commands.add_parser("upgrade", help="apply all pending migrations")
    database_commands.add_parser("current", help="print the applied migration revision")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"notch: configuration error: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, [settings.token or "", settings.secret or ""])
    try:
        if args.command == "db":
            return asyncio.run(_database(settings, args.db_command))
        if args.command == "calibrate":
            return asyncio.run(_calibrate(settings))
        if args.command == "serve":
            settings.require_webhook()  # a missing setting is said before the database is taken
        # One process per SQLite file (held until this process ends); none on PostgreSQL.
        with hold_database(settings.database_url):
            if args.command == "serve":
                return _serve(settings)
            return _run(settings, worker=bool(getattr(args, "worker", False)),
                        lang=getattr(args, "lang", None))
    except KeyboardInterrupt:
        return 130
    except SettingsError as error:
        print(f"notch: configuration error: {error}", file=sys.stderr)
        return 2
    except DatabaseInUse as error:  # already one line meant for the reader
        print(f"notch: {error}", file=sys.stderr)
        return 1
    except Exception as error:  # start-up failures: one line, the details in the log
        log.debug("start-up failed", exc_info=True)
        secrets = [settings.token or "", settings.secret or ""]
        message = redact(f"{type(error).__name__}: {error}", secrets)
        print(f"notch: {message}", file=sys.stderr)
        return 1


def _run(settings: Settings, *, worker: bool = False, lang: str | None = None) -> int:
    if settings.token is None:
        from sandbox.terminal import run_sandbox

        asyncio.run(run_sandbox(partial(_serve_locally, settings), language=lang))
        return 0
    from bot.app import build_application, poll_until_stopped

    asyncio.run(poll_until_stopped(build_application(settings), poll=not worker))
    return 0


def _serve(settings: Settings) -> int:
    """Webhook mode until SIGTERM or SIGINT (bot.serve)."""
    from bot.serve import serve
    from bot.web import ServeError

    try:
        with asyncio.Runner(loop_factory=_fast_loop()) as runner:
            runner.run(serve(settings))
    except ServeError as error:
        print(f"notch: {error}", file=sys.stderr)
        return 1
    return 0


def _fast_loop() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's event loop where it is installed (not on Windows): every webhook reply is
    socket work on the loop (uvicorn, the Bot API client, the database driver), and it cut the
    CPU per reply by about a fifth (bench/replies.py). None: asyncio's own loop."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


@asynccontextmanager
async def _serve_locally(settings: Settings, base_url: str, token: str) -> AsyncIterator[None]:
    """The same application as `run_polling`'s, pointed at a local Bot API (the sandbox's)."""
    from bot.app import build_application, serving

    local = settings.model_copy(update={"telegram_api_base_url": base_url})
    async with serving(build_application(local, token=token)):
        yield


async def _database(settings: Settings, command: str) -> int:
    from storage.db import create_engine
    from storage.migrate import current, upgrade

    engine = create_engine(settings.database_url)
    try:
        if command == "upgrade":
            await upgrade(engine)
        print(f"database at revision {await current(engine)}")
    finally:
        await engine.dispose()
    return 0


async def _calibrate(settings: Settings) -> int:
    """Fit every behaviour key now, store the fits, and say what each learned."""
    from bot.calibrate import describe, describe_too_few, fit_all
    from storage.db import create_engine, make_session_factory
    from storage.migrate import upgrade
    from storage.models import utcnow

    engine = create_engine(settings.database_url)
    try:
        await upgrade(engine)
        run = await fit_all(make_session_factory(engine), utcnow())
    finally:
        await engine.dispose()
    if not run.fitted and not run.failed and not run.too_few:
        print("No answers to learn from yet: planning keeps the built-in settings.")
        return 0
    for fitted in run.fitted:
        print(describe(fitted))
    for key, users in run.too_few.items():
        print(describe_too_few(key, users))
    for key in run.failed:
        print(f"{key}: the fit failed (the log has the details); nothing was stored")
    return 1 if run.failed else 0


if __name__ == "__main__":
    sys.exit(main())
