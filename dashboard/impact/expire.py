"""`postmart lake expire --older-than 30d`: drop old lake snapshots — never one a briefing
is pinned to, never the newest — and the Parquet files no snapshot needs any more.

DuckLake keeps every commit for time travel; a long-running lake grows files that only old
snapshots read. Expiring is DuckLake's own ``ducklake_expire_snapshots`` (with the exact
versions, so the pinned ones stay) and ``ducklake_cleanup_old_files``, under the writer lock.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from dashboard.errors import PermissionDenied, ValidationFailed
from dashboard.identity import audit, authz
from dashboard.identity.user import User
from dashboard.impact import briefings
from warehouse.lake import connect_writer
from warehouse.settings import Settings, load_settings

_AGE = re.compile(r"^(\d+)\s*([hdw])$")
_UNITS = {"h": dt.timedelta(hours=1), "d": dt.timedelta(days=1), "w": dt.timedelta(weeks=1)}


@dataclass(frozen=True)
class Expired:
    expired: list[int]
    kept_pinned: list[int]


def parse_age(text: str) -> dt.timedelta:
    """``30d``, ``12h``, ``2w``."""
    m = _AGE.match((text or "").strip())
    if not m:
        raise ValidationFailed("impact.expire.bad_age", text=text)
    return int(m.group(1)) * _UNITS[m.group(2)]


def expire_snapshots(
    actor: User | None,
    older_than: dt.timedelta,
    *,
    now: dt.datetime | None = None,
    settings: Settings | None = None,
) -> Expired:
    """Expire the snapshots older than ``older_than`` except pinned ones and the newest."""
    settings = settings or load_settings()
    user = authz.current(actor, settings)
    if user.role not in authz.ALL_PROVINCE_ACTORS:
        raise PermissionDenied(role=user.role)
    pinned = briefings.pinned_snapshots(settings)
    cutoff = (now or dt.datetime.now(dt.UTC)) - older_than
    with connect_writer(settings) as con:
        snaps = con.execute(
            "select snapshot_id, snapshot_time from ducklake_snapshots('lake') order by snapshot_id"
        ).fetchall()
        newest = snaps[-1][0] if snaps else None
        old = [int(s) for s, at in snaps if at < cutoff and s != newest]
        expire = [s for s in old if s not in pinned]
        kept = [s for s in old if s in pinned]
        if expire:
            con.execute("call ducklake_expire_snapshots('lake', versions => ?)", [expire])
            con.execute("call ducklake_cleanup_old_files('lake', cleanup_all => true)")
    audit.record(
        actor=user,
        action="impact.lake_expire",
        entity="lake",
        entity_id=None,
        before=None,
        after={"older_than_s": older_than.total_seconds(), "expired": expire, "kept": kept},
        session_id=None,
        settings=settings,
    )
    return Expired(expire, kept)
