"""The provincial office's own view: applications by status, days to decision, rejection
reasons, by district and month; approved sellers and their sales from the lake.

One ops query fetches the few columns needed for the user's provinces; polars does the
grouping. Sales come from one lake query bound to the approved sellers' ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import duckdb
import polars as pl
from sqlalchemy import select

from dashboard.onboarding import _store, scope
from warehouse.ops_schema_onboarding import ob_application, ob_reason_code

if TYPE_CHECKING:
    from dashboard.auth import User

# Orders that brought the seller money (cancelled, unpaid and refunded ones did not).
SALE_STATUSES = ("paid", "shipped", "delivered")


@dataclass(frozen=True)
class OfficeFigures:
    by_status: pl.DataFrame  # status, count
    by_district: pl.DataFrame  # district_code, count_* per status, median_days_to_decision
    by_month: pl.DataFrame  # month, count_submitted, count_decided, median_days_to_decision
    rejection_reasons: pl.DataFrame  # reason_code, label_th, label_en, count
    median_days_to_decision: float | None
    sellers: pl.DataFrame  # seller_id, name_th, district_code, status, count_orders, sales_thb


_APP_SCHEMA = {
    "application_id": pl.Utf8,
    "province_code": pl.Utf8,
    "district_code": pl.Utf8,
    "status": pl.Utf8,
    "submitted_at": pl.Datetime("us"),
    "decided_at": pl.Datetime("us"),
    "reason_code": pl.Utf8,
    "seller_id": pl.Utf8,
    "name_th": pl.Utf8,
}


def office_figures(
    actor: User | None,
    *,
    province_code: str | None = None,
    with_sales: bool = True,
    lake: duckdb.DuckDBPyConnection | None = None,
) -> OfficeFigures:
    """The office's figures for the user's provinces. Pass ``lake`` to reuse a reader
    connection (the UI keeps one per process; opening one costs more than the query)."""
    provinces = scope.visible_provinces(actor)
    a = ob_application
    stmt = select(
        a.c.application_id,
        a.c.province_code,
        a.c.district_code,
        a.c.status,
        a.c.submitted_at,
        a.c.decided_at,
        a.c.reason_code,
        a.c.seller_id,
        a.c.name_th,
    )
    if provinces is not None:
        stmt = stmt.where(a.c.province_code.in_(list(provinces)))
    if province_code:
        stmt = stmt.where(a.c.province_code == province_code)
    with _store.ops.read(_store.engine()) as conn:
        rows = [tuple(r) for r in conn.execute(stmt)]
        labels = [
            tuple(r)
            for r in conn.execute(
                select(
                    ob_reason_code.c.reason_code,
                    ob_reason_code.c.label_th,
                    ob_reason_code.c.label_en,
                )
            )
        ]
    apps = pl.DataFrame(rows, schema=_APP_SCHEMA, orient="row").with_columns(
        ((pl.col("decided_at") - pl.col("submitted_at")).dt.total_seconds() / 86_400).alias(
            "days_to_decision"
        ),
        pl.col("submitted_at").dt.truncate("1mo").dt.date().alias("month"),
    )
    by_status = apps.group_by("status").agg(pl.len().alias("count")).sort("status")
    by_district = (
        apps.group_by("district_code")
        .agg(
            pl.len().alias("count_applications"),
            (pl.col("status") == "approved").sum().alias("count_approved"),
            (pl.col("status") == "rejected").sum().alias("count_rejected"),
            pl.col("status")
            .is_in(["submitted", "in_review", "needs_information", "resubmitted"])
            .sum()
            .alias("count_open"),
            pl.col("days_to_decision").median().alias("median_days_to_decision"),
        )
        .sort("district_code")
    )
    by_month = (
        apps.group_by("month")
        .agg(
            pl.len().alias("count_submitted"),
            pl.col("decided_at").is_not_null().sum().alias("count_decided"),
            pl.col("days_to_decision").median().alias("median_days_to_decision"),
        )
        .sort("month")
    )
    label_df = pl.DataFrame(
        labels,
        schema={"reason_code": pl.Utf8, "label_th": pl.Utf8, "label_en": pl.Utf8},
        orient="row",
    )
    reasons = (
        apps.filter(pl.col("status") == "rejected", pl.col("reason_code").is_not_null())
        .group_by("reason_code")
        .agg(pl.len().alias("count"))
        .join(label_df, on="reason_code", how="left")
        .select("reason_code", "label_th", "label_en", "count")
        .sort(["count", "reason_code"], descending=[True, False])
    )
    median = apps["days_to_decision"].median()
    approved = apps.filter(
        pl.col("status").is_in(["approved", "suspended"]), pl.col("seller_id").is_not_null()
    )
    sellers = approved.select("seller_id", "name_th", "district_code", "status")
    if with_sales:
        sellers = sellers.join(
            _sales(approved["seller_id"].to_list(), lake), on="seller_id", how="left"
        )
    else:
        sellers = sellers.with_columns(
            pl.lit(None, pl.Int64).alias("count_orders"),
            pl.lit(None, pl.Float64).alias("sales_thb"),
        )
    sellers = sellers.with_columns(
        pl.col("count_orders").fill_null(0), pl.col("sales_thb").fill_null(0.0)
    ).sort(["sales_thb", "seller_id"], descending=[True, False])
    return OfficeFigures(
        by_status,
        by_district,
        by_month,
        reasons,
        float(median) if median is not None else None,
        sellers,
    )


def _sales(seller_ids: list[str], lake: duckdb.DuckDBPyConnection | None) -> pl.DataFrame:
    empty = pl.DataFrame(
        schema={"seller_id": pl.Utf8, "count_orders": pl.Int64, "sales_thb": pl.Float64}
    )
    if not seller_ids:
        return empty
    from warehouse.lake import LakeMissing, connect_reader
    from warehouse.query import fetch_df

    own = lake is None
    if own:
        try:
            lake = connect_reader()
        except LakeMissing:
            return empty
    try:
        df = fetch_df(
            lake,
            "select seller_id, count(*)::bigint as count_orders, "
            "sum(total_thb)::double as sales_thb from fct_order "
            "where seller_id in (select unnest(?)) and status in (select unnest(?)) "
            "group by seller_id",
            [seller_ids, list(SALE_STATUSES)],
        )
    finally:
        if own:
            lake.close()
    return df.cast({"seller_id": pl.Utf8, "count_orders": pl.Int64, "sales_thb": pl.Float64})
