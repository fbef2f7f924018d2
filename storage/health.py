"""Is the database usable by this code? What `GET /readyz` answers, without SQL in bot/.

Ready means two things a load balancer cares about: the database answers a query within a
deadline (a dead server must not hold the probe for a TCP timeout), and its schema is at the
revision this code was written for (a process started before `notch db upgrade` finished, or
an old process after a newer one migrated, must not take traffic).
"""

from __future__ import annotations

import asyncio

from storage.db import Engine
from storage.migrate import current, head

__all__ = ["not_ready_reason"]


async def not_ready_reason(engine: Engine, timeout: float = 2.0) -> str | None:  # noqa: ASYNC109
    """None when the database answers and is at head; else one line saying why not."""
    try:
        async with asyncio.timeout(timeout):
            revision = await current(engine)
    except TimeoutError:
        return f"the database did not answer within {timeout:g} s"
    except Exception as error:  # any driver's failure: the probe reports it, never raises
        # The type only: a driver's message can name hosts and users, and /readyz is public.
        return f"the database did not answer ({type(error).__name__})"
    expected = head()
    if revision != expected:
        return f"the database is at migration {revision}, this code needs {expected}"
    return None
