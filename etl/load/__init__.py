"""Loading feed files into the lake: ``load_files``, the ledger and the quarantine."""

from etl.load.loader import (
    PAUSE_BEFORE_COMMIT_ENV,
    LoadResult,
    Progress,
    detect_feed,
    lake_tables,
    ledger,
    load_files,
    quarantine_rows,
)
from etl.load.payment_marts import refresh as refresh_payment_marts
from etl.load.seller_master import SellerSync, conform_sellers, merge_sellers
from etl.load.shipment_state import refresh as refresh_shipments
from etl.load.shipment_state import refresh_timing

__all__ = [
    "PAUSE_BEFORE_COMMIT_ENV",
    "LoadResult",
    "Progress",
    "detect_feed",
    "lake_tables",
    "ledger",
    "load_files",
    "quarantine_rows",
    "refresh_payment_marts",
    "refresh_shipments",
    "refresh_timing",
    "SellerSync",
    "conform_sellers",
    "merge_sellers",
]
