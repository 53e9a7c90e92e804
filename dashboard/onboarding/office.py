"""The provincial office's own view: applications by status, days to decision, rejection
reasons, by district and month; approved sellers and their sales from the lake.

One ops query fetches the few columns needed for the user's provinces; polars does the
grouping. Sales are the lake's paid-order sales (``mart_paid_order``) in the home pages'
window, by the seller's province, so this page and the home page show the same figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import duckdb
import polars as pl
from sqlalchemy import select

from dashboard import home
from dashboard.identity.user import User
from dashboard.onboarding import scope, store
from warehouse import query, vocab
from warehouse.lake import LakeMissing, connect_reader
from warehouse.ops_schema_onboarding import ob_application, ob_reason_code

# The sellers tab lists the best sellers first, this many.
SELLERS_SHOWN = 200


@dataclass(frozen=True)
class OfficeFigures:
    by_status: pl.DataFrame  # status, count
    by_district: pl.DataFrame  # district_code, count_* per status, median_days_to_decision
    by_month: pl.DataFrame  # month, count_submitted, count_decided, median_days_to_decision
    rejection_reasons: pl.DataFrame  # reason_code, label_th, label_en, count
    median_days_to_decision: float | None
    # The best-selling approved sellers (SELLERS_SHOWN of them): seller_id, name_th,
    # district_code, status, count_orders, sales_thb; and how many approved sellers there are.
    sellers: pl.DataFrame
    count_sellers: int = 0
    # Sales of the scope's sellers in the home pages' window (the figure the home page
    # shows), and the window: {"start", "end"}; None when there is no lake.
    sales_thb: float = 0.0
    sales_window: dict[str, Any] | None = None


_SALES_SCHEMA = {"seller_id": pl.Utf8, "count_orders": pl.Int64, "sales_thb": pl.Float64}
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
    sales: SellerSales | None = None,
) -> OfficeFigures:
    """The office's figures for the user's provinces. Pass ``lake`` to reuse a reader
    connection (the UI keeps one per process; opening one costs more than the query), or
    ``sales``, the scope's :func:`seller_sales` read earlier (the UI caches them per lake)."""
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
    with store.read() as conn:
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
            pl.col("status").is_in(vocab.APPLICATION_OPEN_STATUSES).sum().alias("count_open"),
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
        pl.col("status").is_in(vocab.SELLER_APPLICATION_STATUSES),
        pl.col("seller_id").is_not_null(),
    )
    sellers = approved.select("seller_id", "name_th", "district_code", "status")
    if sales is None:
        sales = (
            seller_sales(sales_scope(actor, province_code), lake)
            if with_sales
            else SellerSales(pl.DataFrame(schema=_SALES_SCHEMA), 0.0, None)
        )
    sales_df, sales_thb, period = sales
    sellers = sellers.join(sales_df, on="seller_id", how="left")
    sellers = sellers.with_columns(
        pl.col("count_orders").fill_null(0), pl.col("sales_thb").fill_null(0.0)
    ).sort(["sales_thb", "seller_id"], descending=[True, False])
    return OfficeFigures(
        by_status,
        by_district,
        by_month,
        reasons,
        float(median) if median is not None else None,
        sellers.head(SELLERS_SHOWN),
        sellers.height,
        sales_thb,
        period,
    )


class SellerSales(NamedTuple):
    """Each seller's sales in the home pages' window, their total, and the window."""

    by_seller: pl.DataFrame  # seller_id, count_orders, sales_thb
    sales_thb: float
    window: dict[str, Any] | None


def sales_scope(actor: User | None, province_code: str | None = None) -> tuple[str, ...] | None:
    """The provinces whose sales the user's office view shows (None: every province)."""
    provinces = scope.visible_provinces(actor)
    if province_code:
        if provinces is not None and province_code not in provinces:
            return ()
        return (province_code,)
    return provinces


def seller_sales(
    provinces: tuple[str, ...] | None, lake: duckdb.DuckDBPyConnection | None = None
) -> SellerSales:
    """Sales by seller of ``provinces`` (from :func:`sales_scope`; None: national)."""
    empty = pl.DataFrame(schema=_SALES_SCHEMA)
    own = lake is None
    if own:
        try:
            lake = connect_reader()
        except LakeMissing:
            return SellerSales(empty, 0.0, None)
    try:
        period = home.window(home.as_of(lake))
        scope_params = {"national": provinces is None, "provinces": list(provinces or ())}
        df = query.run(lake, "onboarding/seller_sales", **period, **scope_params)
    finally:
        if own:
            lake.close()
    df = df.cast(_SALES_SCHEMA)
    return SellerSales(df, float(df["sales_thb"].sum() or 0.0), period)
