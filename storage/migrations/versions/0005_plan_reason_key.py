"""Challenges keep why they were planned as a key and facts, not as an English sentence.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03

``plan_reason`` (the calibrator's sentence, rendered in English when the day was planned)
becomes ``plan_reason_key`` (which sentence: "up", "after_fail", …) and ``plan_facts`` (its
numbers as JSON: amounts in the goal's unit, days, effort, streak), put into words when the
message is sent (bot/texts/checkin.py), so rewording or translating a reason is no data
migration.

Existing rows are converted by matching the sentence against the templates as they stood at
revision 0004, frozen below (the live texts may change; this history may not), with the goal's
unit. The facts recovered are those the sentence states. A sentence that matches none (an empty
one, or one written by a version nobody remembers) is kept verbatim under the key "legacy"
(facts ``{"text": …}``), which the bot shows as it is. Downgrade renders the sentences back from
the same templates.

Plain SQLAlchemy types, frozen here on purpose (see 0001). Dropping a column makes SQLite rebuild
``challenges`` (batch mode): storage.migrate runs every migration with foreign keys off, so the
old table's DROP cannot cascade into the conversations that point at challenges.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from alembic import context, op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEGACY = "legacy"
# core.calibration.REASONS and FEELINGS at revision 0004, and how it wrote an amount.
REASONS_0004: dict[str, str] = {
    "start": "We start at {amount}, the level you said is comfortable today.",
    "start_up": "We start one notch above the {last} you said is comfortable today: {amount}.",
    "up": "You did {last} {times} and it felt {feel}; {amount} is one notch up.",
    "hold": "You did {last} {times} and it felt {feel}; {amount} again lets that level settle.",
    "ease": "You did {last} but it felt {feel}, so {amount} keeps the next one within reach.",
    "after_fail": "{last} was too hard this time, so {amount} is one you can very likely finish.",
    "after_gap": "After {days} days away, {amount} eases you back in.",
}
FEELINGS_0004: dict[int | None, str] = {
    1: "very easy", 2: "easy", 3: "just right", 4: "hard", 5: "like maximal effort",
    None: "fine",
}
_BATCH = 1000

_challenges = sa.table(
    "challenges",
    sa.column("id", sa.Integer()),
    sa.column("goal_id", sa.Integer()),
    sa.column("plan_reason", sa.String(500)),
    sa.column("plan_reason_key", sa.String(32)),
    sa.column("plan_facts", sa.JSON()),
)
_goals = sa.table("goals", sa.column("id", sa.Integer()), sa.column("unit", sa.String(32)))


def amount_0004(amount: float, unit: str) -> str:
    """core.calibration.format_amount at revision 0004: "12 minutes", "7.5 km"."""
    text = f"{amount:.0f}" if abs(amount - round(amount)) < 1e-9 else f"{amount:g}"
    return f"{text} {unit}"


def _times(streak: int) -> str:
    return {1: "once", 2: "twice"}.get(streak, f"{streak} times")


@lru_cache(maxsize=256)
def _pattern(template: str, unit: str) -> re.Pattern[str]:
    feel = "|".join(re.escape(word) for word in sorted(FEELINGS_0004.values(), key=len,
                                                        reverse=True))
    fields = {
        "amount": rf"(?P<amount>\S+) {re.escape(unit)}",
        "last": rf"(?P<last>\S+) {re.escape(unit)}",
        "days": r"(?P<days>\d+)",
        "times": r"(?P<times>once|twice|\d+ times)",
        "feel": rf"(?P<feel>{feel})",
    }
    parts = re.split(r"\{(\w+)\}", template)  # text, field, text, field, …, text
    return re.compile("".join(
        fields[part] if i % 2 else re.escape(part) for i, part in enumerate(parts)
    ))


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and value > 0 else None


def parse_0004(sentence: str, unit: str) -> tuple[str, dict[str, Any]]:
    """The key and facts a 0004 sentence states; ("legacy", {"text": sentence}) if none fits."""
    for key, template in REASONS_0004.items():
        found = _pattern(template, unit).fullmatch(sentence)
        if found is None:
            continue
        facts: dict[str, Any] = {}
        said = found.groupdict()
        for name in ("amount", "last"):
            if name in said:
                facts[name] = _number(said[name])
        if any(value is None for value in facts.values()):
            continue  # "We start at many minutes": not a sentence the calibrator wrote
        if "days" in said:
            facts["days"] = int(said["days"])
        if "feel" in said:
            facts["effort"] = {v: k for k, v in FEELINGS_0004.items()}[said["feel"]]
        if "times" in said:
            times = said["times"]
            facts["streak"] = {"once": 1, "twice": 2}.get(times) or int(times.split()[0])
        return key, facts
    return LEGACY, {"text": sentence}


def render_0004(key: str, facts: Mapping[str, Any], unit: str) -> str:
    """The sentence back, as 0004 would have stored it (downgrade)."""
    if key == LEGACY or key not in REASONS_0004:
        return str(facts.get("text", ""))[:500]
    values: dict[str, str] = {}
    for name in ("amount", "last"):
        if isinstance(facts.get(name), int | float):
            values[name] = amount_0004(float(facts[name]), unit)
    if "days" in facts:
        values["days"] = str(facts["days"])
    if "effort" in facts:
        values["feel"] = FEELINGS_0004.get(facts["effort"], FEELINGS_0004[None])
    if "streak" in facts:
        values["times"] = _times(int(facts["streak"]))
    try:
        return REASONS_0004[key].format(**values)[:500]
    except (KeyError, ValueError):
        return ""


def _rows(*columns: sa.ColumnElement[Any]) -> Iterator[Sequence[Any]]:
    """(id, *columns, goal unit) of every challenge, in batches (a year of a big install)."""
    connection = op.get_bind()
    last = 0
    while True:
        batch = connection.execute(
            sa.select(_challenges.c.id, *columns, _goals.c.unit)
            .join(_goals, _goals.c.id == _challenges.c.goal_id)
            .where(_challenges.c.id > last)
            .order_by(_challenges.c.id)
            .limit(_BATCH)
        ).all()
        if not batch:
            return
        yield batch
        last = batch[-1][0]


def upgrade() -> None:
    with op.batch_alter_table("challenges") as batch:
        batch.add_column(sa.Column("plan_reason_key", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("plan_facts", sa.JSON(), nullable=True))
    if context.is_offline_mode():
        _keep_verbatim()
    else:
        _convert()
    with op.batch_alter_table("challenges") as batch:
        batch.alter_column("plan_reason_key", existing_type=sa.String(length=32),
                           nullable=False)
        batch.alter_column("plan_facts", existing_type=sa.JSON(), nullable=False)
        batch.drop_column("plan_reason")


def _keep_verbatim() -> None:
    """Offline SQL (``alembic upgrade --sql``) cannot read rows to match them: every sentence
    is kept as it is, under "legacy"."""
    build = "json_build_object" if op.get_context().dialect.name == "postgresql" else "json_object"
    op.execute(f"UPDATE challenges SET plan_reason_key = '{LEGACY}', "
               f"plan_facts = {build}('text', plan_reason)")


def _convert() -> None:
    connection = op.get_bind()
    store = (
        sa.update(_challenges)
        .where(_challenges.c.id == sa.bindparam("row_id"))
        .values(plan_reason_key=sa.bindparam("key"), plan_facts=sa.bindparam("facts"))
    )
    for rows in _rows(_challenges.c.plan_reason):
        converted = []
        for row_id, sentence, unit in rows:
            key, facts = parse_0004(sentence or "", unit)
            converted.append({"row_id": row_id, "key": key, "facts": facts})
        connection.execute(store, converted)


def downgrade() -> None:
    with op.batch_alter_table("challenges") as batch:
        batch.add_column(sa.Column("plan_reason", sa.String(length=500), nullable=True))
    if context.is_offline_mode():
        # Offline SQL cannot render: a legacy sentence comes back, the others as "".
        text = ("plan_facts->>'text'" if op.get_context().dialect.name == "postgresql"
                else "json_extract(plan_facts, '$.text')")
        op.execute(f"UPDATE challenges SET plan_reason = COALESCE({text}, '')")
    else:
        _render_back()
    with op.batch_alter_table("challenges") as batch:
        batch.alter_column("plan_reason", existing_type=sa.String(length=500), nullable=False)
        batch.drop_column("plan_facts")
        batch.drop_column("plan_reason_key")


def _render_back() -> None:
    connection = op.get_bind()
    store = (
        sa.update(_challenges)
        .where(_challenges.c.id == sa.bindparam("row_id"))
        .values(plan_reason=sa.bindparam("sentence"))
    )
    for rows in _rows(_challenges.c.plan_reason_key, _challenges.c.plan_facts):
        connection.execute(store, [
            {"row_id": row_id, "sentence": render_0004(key, facts or {}, unit)}
            for row_id, key, facts, unit in rows
        ])
