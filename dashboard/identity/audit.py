"""The audit log: append-only, hash-chained, in the ops DB.

Each entry's ``hash`` is SHA-256 over a canonical JSON of the entry (id, time, who, role,
action, entity, before, after, session) together with the previous entry's hash, so an
entry edited in place no longer matches its hash, and a deleted one leaves a gap in the
ids and a broken ``prev_hash`` link. ``audit_chain_head`` holds the newest id and hash:
appenders lock it (serializing appends on every engine) and ``verify`` compares it with
the last entry, which catches a deleted tail.

The engine refuses UPDATE and DELETE on ``audit_log`` (triggers from migration 0001); the
chain is what still catches someone who drops those triggers. It does not stop someone
who can rewrite the whole chain and its head: note the head hash that ``postmart audit
verify`` prints somewhere else (a briefing, a ticket) to anchor it.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select, update

from dashboard.identity.user import User
from warehouse import ops
from warehouse.ops_schema import GENESIS_HASH, audit_chain_head, audit_log
from warehouse.settings import Settings

# Keys never written into before/after, whatever a caller passes.
_SECRET_KEYS = frozenset({"password", "password_hash", "old_password", "new_password"})
_MAX_TEXT = 200


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    bad_entry_id: int | None
    reason: str | None
    head_hash: str | None = None


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    return str(value)


def _canonical(value: Any) -> str:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default
    )


def _state_json(state: dict | None) -> str | None:
    if state is None:
        return None
    return _canonical({k: v for k, v in state.items() if k not in _SECRET_KEYS})


def _at_text(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(entry: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of an entry (stored column values) and its prev_hash."""
    payload = {
        "id": int(entry["id"]),
        "at": _at_text(entry["at"]),
        "username": entry["username"],
        "role": entry["role"],
        "action": entry["action"],
        "entity": entry["entity"],
        "entity_id": entry["entity_id"],
        "before": entry["before_json"],
        "after": entry["after_json"],
        "session_id": entry["session_id"],
        "prev_hash": entry["prev_hash"],
    }
    return hashlib.sha256(_canonical(payload).encode("utf-8")).hexdigest()


def _clip(value: str | None) -> str | None:
    return None if value is None else str(value)[:_MAX_TEXT]


def append(
    conn: Connection,
    *,
    actor: User | None,
    action: str,
    entity: str,
    entity_id: str | None,
    before: dict | None,
    after: dict | None,
    session_id: str | None,
    username: str | None = None,
) -> int:
    """Append one entry inside the caller's write transaction; return its id.

    Use this when the audited change and its entry must commit together.
    """
    return append_many(
        conn,
        actor=actor,
        session_id=session_id,
        username=username,
        entries=[(action, entity, entity_id, before, after)],
    )[0]


def append_many(
    conn: Connection,
    *,
    actor: User | None,
    session_id: str | None,
    entries: Sequence[tuple[str, str, str | None, dict | None, dict | None]],
    username: str | None = None,
) -> list[int]:
    """Append entries ``(action, entity, entity_id, before, after)`` in order inside the
    caller's write transaction, the chain's head read and moved once (a bank file's
    thousands of returns were three statements each); return their ids."""
    if not entries:
        return []
    head = conn.execute(
        select(audit_chain_head.c.last_id, audit_chain_head.c.last_hash)
        .where(audit_chain_head.c.id == 1)
        .with_for_update()
    ).one()
    last_id, last_hash = head.last_id, head.last_hash
    rows = []
    for action, entity, entity_id, before, after in entries:
        entry = {
            "id": last_id + 1,
            # Microseconds are kept by both engines, so the hash recomputes exactly.
            "at": dt.datetime.now(dt.UTC),
            "username": _clip(actor.username if actor is not None else username),
            "role": actor.role if actor is not None else None,
            "action": action,
            "entity": entity,
            "entity_id": _clip(entity_id),
            "before_json": _state_json(before),
            "after_json": _state_json(after),
            "session_id": _clip(session_id),
            "prev_hash": last_hash,
        }
        entry["hash"] = entry_hash(entry)
        rows.append(entry)
        last_id, last_hash = entry["id"], entry["hash"]
    conn.execute(insert(audit_log), rows)
    conn.execute(
        update(audit_chain_head)
        .where(audit_chain_head.c.id == 1)
        .values(last_id=last_id, last_hash=last_hash)
    )
    return [r["id"] for r in rows]


def record(
    *,
    actor: User | None,
    action: str,
    entity: str,
    entity_id: str | None,
    before: dict | None,
    after: dict | None,
    session_id: str | None,
    username: str | None = None,
    settings: Settings | None = None,
) -> int:
    """Append one entry in its own transaction; return its id.

    ``username`` names the actor when there is no signed-in user (a failed sign-in
    records the name that was tried; never the password).
    """
    with ops.write(ops.engine(settings)) as conn:
        return append(
            conn,
            actor=actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            before=before,
            after=after,
            session_id=session_id,
            username=username,
        )


def json_ready(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row as plain JSON values, for before/after states and exports."""
    out: dict[str, Any] = {}
    for k, v in row.items():
        if isinstance(v, dt.datetime):
            out[k] = v.isoformat(sep=" ")
        elif v is None or isinstance(v, str | int | float | bool):
            out[k] = v
        else:
            out[k] = str(v)
    return out


class AuditTrail:
    """The one way a service audits a change: entries written inside the caller's write
    transaction (``append``), so a change and its before/after entry commit together or
    not at all."""

    def __init__(self, conn: Connection, actor: User | None, session_id: str | None) -> None:
        self.conn = conn
        self.actor = actor
        self.session_id = session_id

    def add(
        self,
        action: str,
        entity: str,
        entity_id: str | None,
        before: Mapping[str, Any] | None,
        after: Mapping[str, Any] | None,
        *,
        username: str | None = None,
    ) -> int:
        return append(
            self.conn,
            actor=self.actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            before=json_ready(before) if before is not None else None,
            after=json_ready(after) if after is not None else None,
            session_id=self.session_id,
            username=username,
        )

    def add_many(
        self, entries: Sequence[tuple[str, str, str | None, Mapping | None, Mapping | None]]
    ) -> list[int]:
        """:meth:`add` for many ``(action, entity, entity_id, before, after)``, in order."""
        return append_many(
            self.conn,
            actor=self.actor,
            session_id=self.session_id,
            entries=[
                (
                    action,
                    entity,
                    entity_id,
                    json_ready(before) if before is not None else None,
                    json_ready(after) if after is not None else None,
                )
                for action, entity, entity_id, before, after in entries
            ],
        )


def verify(settings: Settings | None = None) -> VerifyResult:
    """Walk the chain from the first entry; report the first entry that does not fit."""
    checked = 0
    expected_id = 1
    prev_hash = GENESIS_HASH
    with ops.read(ops.engine(settings)) as conn:
        head = conn.execute(
            select(audit_chain_head.c.last_id, audit_chain_head.c.last_hash).where(
                audit_chain_head.c.id == 1
            )
        ).one()
        rows = conn.execution_options(yield_per=2_000).execute(
            select(audit_log).order_by(audit_log.c.id)
        )
        for row in rows.mappings():
            entry = dict(row)
            if entry["id"] != expected_id:
                reason = f"entry {expected_id} is missing (the next entry is {entry['id']})"
                return VerifyResult(False, checked, expected_id, reason)
            if entry["prev_hash"] != prev_hash:
                reason = f"entry {entry['id']} does not link to the entry before it"
                return VerifyResult(False, checked, entry["id"], reason)
            if entry_hash(entry) != entry["hash"]:
                reason = f"entry {entry['id']} was changed after it was written"
                return VerifyResult(False, checked, entry["id"], reason)
            checked += 1
            expected_id += 1
            prev_hash = entry["hash"]
    if head.last_id < checked:
        extra = head.last_id + 1
        reason = f"entry {extra} was added outside the chain (the head ends at {head.last_id})"
        return VerifyResult(False, checked, extra, reason)
    if head.last_id > checked:
        missing = checked + 1
        reason = f"entry {missing} is missing (the log should end at entry {head.last_id})"
        return VerifyResult(False, checked, missing, reason)
    if head.last_hash != prev_hash:
        reason = f"entry {checked} does not match the chain head"
        return VerifyResult(False, checked, checked, reason)
    return VerifyResult(True, checked, None, None, head_hash=head.last_hash)
