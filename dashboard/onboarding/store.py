"""The onboarding services' access to the ops DB: the engine, time, chunked writes, and
reading one application. The public face of the onboarding tables for the domain's modules
(the tables themselves are in ``warehouse.ops_schema_onboarding``)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, Table, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from dashboard.errors import NotFound
from dashboard.identity.user import User
from dashboard.onboarding import checklist
from warehouse import ops
from warehouse.ops_schema_onboarding import ob_application, ob_document_check, ob_duplicate_flag

BANGKOK = ZoneInfo("Asia/Bangkok")
# SQLite allows 32,766 bound values per statement; stay far below on both engines.
CHUNK = 500


def now() -> datetime:
    """Naive Asia/Bangkok local time, the convention of the lake and these tables."""
    return datetime.now(BANGKOK).replace(tzinfo=None, microsecond=0)


def engine() -> Engine:
    return ops.engine()


def read() -> contextlib.AbstractContextManager[Connection]:
    """A read transaction on the ops DB (one consistent snapshot)."""
    return ops.read(engine())


def write() -> contextlib.AbstractContextManager[Connection]:
    """A write transaction on the ops DB (``BEGIN IMMEDIATE`` on SQLite)."""
    return ops.write(engine())


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def insert_ignore(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> int:
    """Insert rows, skipping those that hit a unique key; returns how many were new."""
    if not rows:
        return 0
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    total = 0
    for part in chunks(rows):
        stmt = dialect.insert(table).values(list(part)).on_conflict_do_nothing()
        total += conn.execute(stmt).rowcount or 0
    return total


def application_missing(application_id: str) -> NotFound:
    """The answer for an application that does not exist, or that the user may not see."""
    return NotFound("onboarding.application.not_found", application_id=application_id)


def get_application(conn: Connection, application_id: str) -> dict[str, Any]:
    row = (
        conn.execute(
            select(ob_application).where(ob_application.c.application_id == application_id)
        )
        .mappings()
        .first()
    )
    if row is None:
        raise application_missing(application_id)
    return dict(row)


def refresh_counts(conn: Connection, application_ids: Iterable[str]) -> None:
    """Recompute the denormalised open-flag count and checklist completeness."""
    ids = list(dict.fromkeys(application_ids))
    for part in chunks(ids):
        open_flags = (
            select(func.count())
            .where(
                ob_duplicate_flag.c.application_id == ob_application.c.application_id,
                ob_duplicate_flag.c.status == "open",
            )
            .scalar_subquery()
        )
        conn.execute(
            update(ob_application)
            .where(ob_application.c.application_id.in_(part))
            .values(count_open_flags=open_flags)
        )
        apps = conn.execute(
            select(
                ob_application.c.application_id,
                ob_application.c.seller_type,
                ob_application.c.juristic_id,
                ob_application.c.is_checklist_complete,
            ).where(ob_application.c.application_id.in_(part))
        ).all()
        states: dict[str, dict[str, str]] = {}
        for app_id, item, state in conn.execute(
            select(
                ob_document_check.c.application_id,
                ob_document_check.c.item_code,
                ob_document_check.c.state,
            ).where(ob_document_check.c.application_id.in_(part))
        ):
            states.setdefault(app_id, {})[item] = state
        for app_id, seller_type, juristic_id, was_complete in apps:
            complete = checklist.checklist_status(
                seller_type, bool(juristic_id), states.get(app_id, {})
            ).is_complete
            if complete != bool(was_complete):
                conn.execute(
                    update(ob_application)
                    .where(ob_application.c.application_id == app_id)
                    .values(is_checklist_complete=complete)
                )


def dumps(value: Any) -> str:
    """JSON of stored check results and the like: Thai kept readable, keys sorted."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def actor_fields(actor: User | None) -> tuple[int | None, str | None]:
    if actor is None:
        return None, None
    return actor.user_id, actor.username
