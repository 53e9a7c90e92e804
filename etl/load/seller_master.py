"""The seller master (``dim_seller``) written from approved applications.

An approved application is a seller; a suspended one is still a seller (their sales still
count) with status ``suspended``; a reinstated one is active again. ``conform_sellers``
turns application rows (the ops DB's ``ob_application`` columns, or the demo's) into
master rows, and ``merge_sellers`` writes only what differs, in one lake transaction, so a
second run with the same applications changes nothing and makes no new snapshot.

``otop_stars`` is not part of an application (the OTOP registry grades products): the
merge leaves whatever the lake holds there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass

import duckdb
import polars as pl

from warehouse import vocab
from warehouse.query import quote_ident

# The master's own columns: filled from the application, compared on every sync.
OWNED = (
    "seller_type",
    "name_th",
    "name_en",
    "national_id",
    "juristic_id",
    "ce_registration_code",
    "count_members",
    "is_low_income",
    "province_code",
    "district_code",
    "subdistrict_code",
    "postal_code",
    "digital_centre_id",
    "bank_code",
    "bank_account_no",
    "promptpay_proxy",
    "phone",
    "status",
    "registered_at",
    "approved_at",
)
# application status → seller status
SELLER_STATUS = {"approved": "active", "suspended": "suspended"}
assert set(SELLER_STATUS) == set(vocab.SELLER_APPLICATION_STATUSES)
SYNC_FEED = "seller_master"


@dataclass(frozen=True)
class SellerSync:
    inserted: int
    updated: int
    unchanged: int
    load_id: str | None = None  # the etl_load row of the commit, when anything changed

    @property
    def changed(self) -> int:
        return self.inserted + self.updated


def conform_sellers(applications: pl.DataFrame) -> pl.DataFrame:
    """Master rows (``seller_id`` + OWNED) of the applications that made a seller."""
    apps = applications.filter(
        pl.col("seller_id").is_not_null()
        & pl.col("status").is_in(list(vocab.SELLER_APPLICATION_STATUSES))
    )
    # A seller re-applying keeps one row: the newest decision wins.
    order = "decided_at" if "decided_at" in apps.columns else "seller_id"
    apps = apps.sort(order, nulls_last=False).unique("seller_id", keep="last")
    return apps.select(
        pl.col("seller_id").cast(pl.Utf8),
        *(pl.col(c).cast(pl.Utf8) for c in OWNED[:6]),
        pl.col("count_members").cast(pl.Int32),
        pl.col("is_low_income").cast(pl.Boolean),
        *(pl.col(c).cast(pl.Utf8) for c in OWNED[8:17]),
        pl.col("status").replace_strict(SELLER_STATUS, return_dtype=pl.Utf8),
        pl.col("submitted_at").cast(pl.Datetime("us")).alias("registered_at"),
        pl.col("decided_at").cast(pl.Datetime("us")).alias("approved_at"),
    ).sort("seller_id")


def _content_hash(master: pl.DataFrame) -> str:
    h = hashlib.sha256()
    h.update(master.sort("seller_id").write_csv().encode())
    return h.hexdigest()


def merge_sellers(
    con: duckdb.DuckDBPyConnection,
    master: pl.DataFrame,
    *,
    at: dt.datetime,
    by: str,
    record_load: bool = True,
) -> SellerSync:
    """Insert new sellers and update changed ones (``updated_at = at``); one commit.

    Sellers in the lake that are not in ``master`` are left alone: the master is fed by
    approvals and nothing un-approves a seller (suspension is a status).
    """
    if master.is_empty():
        return SellerSync(0, 0, 0)
    cols = ["seller_id", *OWNED]
    con.register("_master", master.select(cols).to_arrow())
    try:
        # Column names are ours (OWNED), never a user's.
        same = " and ".join(
            f"t.{quote_ident(c)} is not distinct from s.{quote_ident(c)}" for c in OWNED
        )
        new_n, changed_n = con.execute(
            "select count(*) filter (where t.seller_id is null), "  # noqa: S608
            f"count(*) filter (where t.seller_id is not null and not ({same})) "
            "from _master s left join dim_seller t on t.seller_id = s.seller_id"
        ).fetchone()
        if new_n == 0 and changed_n == 0:
            return SellerSync(0, 0, master.height)
        names = ", ".join(quote_ident(c) for c in cols)
        sets = ", ".join(f"{quote_ident(c)} = s.{quote_ident(c)}" for c in OWNED)
        con.execute("begin")
        try:
            con.execute(
                f"merge into dim_seller as t using _master as s on (t.seller_id = s.seller_id) "  # noqa: S608
                f"when matched and not ({same}) then update set {sets}, updated_at = $at "
                f"when not matched then insert ({names}, updated_at) "
                f"values ({', '.join('s.' + quote_ident(c) for c in cols)}, $at)",
                {"at": at},
            )
            load_id = None
            if record_load:
                load_id = uuid.uuid4().hex
                con.execute(
                    "insert into etl_load (load_id, feed, file_name, file_path, content_sha256, "
                    "started_at, finished_at, count_read, count_loaded, count_quarantined, "
                    "loaded_by) values ($id, $feed, 'ops DB', null, $sha, $at, $at, $read, "
                    "$loaded, 0, $by)",
                    {
                        "id": load_id,
                        "feed": SYNC_FEED,
                        "sha": _content_hash(master),
                        "at": at,
                        "read": master.height,
                        "loaded": new_n + changed_n,
                        "by": by,
                    },
                )
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    finally:
        con.unregister("_master")
    return SellerSync(int(new_n), int(changed_n), master.height - new_n - changed_n, load_id)
