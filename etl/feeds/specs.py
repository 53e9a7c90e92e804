"""Feed specifications: columns, types, natural keys, target tables and file patterns.

A feed's columns are named as in the lake (warehouse/migrations/lake/0001_init.sql) unless
the upstream system names them otherwise (`source`). docs/feeds.md documents each feed;
keep the two in step.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path

from etl.feeds.headers import field_of
from warehouse import limits, vocab


@dataclass(frozen=True)
class Column:
    name: str  # lake column
    # text, id, digits (an identifier people write with dashes, spaces or Thai digits),
    # int, decimal, float, timestamp, date or bool: each has one parser and one reason.
    kind: str = "text"
    required: bool = False
    source: str | None = None  # header in the file when it differs from the lake name
    non_negative: bool = False
    choices: tuple[str, ...] | None = None
    # Other headers the same column arrives under (a bank's Thai export); read as `header`.
    aliases: tuple[str, ...] = ()

    @property
    def header(self) -> str:
        return self.source or self.name

    @property
    def max_length(self) -> int | None:
        """The longest text the column may hold (warehouse/limits.py); None for numbers,
        dates and yes/no, whose parsers bound them."""
        if self.kind not in ("text", "id", "digits"):
            return None
        return limits.max_length(self.name, self.kind)


@dataclass(frozen=True)
class Feed:
    name: str
    table: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    formats: tuple[str, ...]
    patterns: tuple[str, ...]  # fnmatch patterns on the lower-case file name
    encodings: tuple[str, ...] = ("utf-8",)
    thai_text: bool = False  # Thai digits, BE dates and dashed IDs expected
    timestamp_format: str | None = "%Y-%m-%d %H:%M:%S"  # the fast path for big feeds
    constants: dict[str, str] = field(default_factory=dict)  # lake columns set by the loader
    title: str = ""
    # Sheets: header variants and values in words, as offices write them (etl.feeds.headers,
    # etl.feeds.feed_words) — the provincial sheet's dictionary, for the applications feed.
    in_words: bool = False

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required_headers(self) -> set[str]:
        return {c.header for c in self.columns if c.required}


# The codes a feed may carry come from the one vocabulary (warehouse/vocab.py).
ORDER_STATUSES = vocab.ORDER_STATUSES
CATEGORIES = vocab.CATEGORIES
BRANCH_TYPES = vocab.BRANCH_TYPES
SELLER_TYPES = vocab.SELLER_TYPES
APPLICATION_STATUSES = vocab.APPLICATION_FEED_STATUSES
LISTING_STATUSES = vocab.LISTING_FEED_STATUSES
TEMPERATURE_CLASSES = vocab.TEMPERATURE_CLASSES
PAYOUT_STATUSES = vocab.PAYOUT_STATUSES
TXN_TYPES = vocab.TXN_TYPES

C = Column

ORDERS = Feed(
    name="orders",
    title="Marketplace orders",
    table="fct_order",
    key=("order_id",),
    formats=("csv", "parquet"),
    patterns=("*orders*.csv", "*orders*.parquet"),
    columns=(
        C("order_id", "id", required=True),
        C("seller_id", "id", required=True),
        C("buyer_subdistrict_code", "id"),
        C("buyer_postal_code", "id"),
        C("buyer_province_code", "id"),
        C("ordered_at", "timestamp", required=True),
        C("status", "text", required=True, choices=ORDER_STATUSES),
        C("payment_channel"),
        C("service_code"),
        C("count_items", "int", non_negative=True),
        C("subtotal_thb", "decimal", required=True, non_negative=True),
        C("shipping_fee_thb", "decimal", non_negative=True),
        C("discount_thb", "decimal", non_negative=True),
        C("total_thb", "decimal", required=True, non_negative=True),
        C("currency", "text", required=True),
        C("updated_at", "timestamp"),
    ),
)

ORDER_ITEMS = Feed(
    name="order_items",
    title="Marketplace order items",
    table="fct_order_item",
    key=("order_id", "line_no"),
    formats=("csv", "parquet"),
    patterns=("*order_items*.csv", "*order_items*.parquet", "*order-items*.*"),
    columns=(
        C("order_id", "id", required=True),
        C("line_no", "int", required=True, non_negative=True),
        C("listing_id", "id", required=True),
        C("quantity", "int", required=True, non_negative=True),
        C("unit_price_thb", "decimal", required=True, non_negative=True),
        C("amount_thb", "decimal", required=True, non_negative=True),
    ),
)

SETTLEMENTS = Feed(
    name="settlements",
    title="Gateway settlement report",
    table="fct_settlement",
    key=("transaction_id", "settlement_batch_id"),
    formats=("csv",),
    patterns=("*settlement*.csv",),
    columns=(
        C("transaction_id", "id", required=True),
        C("settlement_batch_id", "id", required=True),
        C("gateway", "text", required=True),
        C("merchant_order_ref", "id", required=True),
        C("txn_type", "text", required=True, choices=TXN_TYPES),
        C("channel"),
        C("created_at", "timestamp", required=True),
        C("paid_at", "timestamp"),
        C("settled_on", "date", required=True),
        C("gross_thb", "decimal", required=True, source="gross_amount", non_negative=True),
        C("fee_thb", "decimal", required=True, source="fee", non_negative=True),
        C("fee_vat_thb", "decimal", required=True, source="fee_vat", non_negative=True),
        # Net is negative on refund and chargeback lines: no sign rule.
        C("net_thb", "decimal", required=True, source="net_amount"),
        C("refunded_thb", "decimal", source="refunded_amount", non_negative=True),
        C("status", "text", required=True),
        C("currency", "text", required=True),
        # payments (issue 9): withholding tax the gateway deducted from the fee, if any.
        C("withholding_thb", "decimal", source="withholding_amount", non_negative=True),
    ),
    constants={"source_file": "<file name>"},
)

PAYOUTS = Feed(
    name="payouts",
    title="Seller payouts",
    table="fct_payout",
    key=("payout_id",),
    formats=("csv",),
    patterns=("*payout*.csv",),
    columns=(
        C("payout_id", "id", required=True),
        C("seller_id", "id", required=True),
        C("period_start_on", "date", required=True),
        C("period_end_on", "date", required=True),
        C("scheduled_on", "date"),
        C("paid_at", "timestamp"),
        C("count_orders", "int", non_negative=True),
        C("gross_thb", "decimal", required=True, non_negative=True),
        C("fee_thb", "decimal", non_negative=True),
        C("transfer_fee_thb", "decimal", non_negative=True),
        C("net_thb", "decimal", required=True, non_negative=True),
        C("bank_code", "id", required=True),
        C("bank_account_no", "digits", required=True),
        C("status", "text", required=True, choices=PAYOUT_STATUSES),
    ),
)

_TRACKING_COLUMNS = (
    C("tracking_no", "id", required=True, source="barcode"),
    C("status_code", "text", required=True, source="status"),  # unknown codes are kept
    C("status_description"),
    C("event_at", "timestamp", required=True, source="status_date"),
    C("location"),
    C("postcode", "id"),
    C("branch_code", "id"),
    C("delivery_status"),
    C("receiver_name"),
)

TRACKING_API = Feed(
    name="tracking_api",
    title="Tracking events, Thailand Post track-API response (TH or EN)",
    table="fct_tracking_event",
    key=("tracking_no", "status_code", "event_at", "location"),
    formats=("json",),
    patterns=("*.json",),
    columns=_TRACKING_COLUMNS,
    timestamp_format=None,
    constants={"source": "track_api"},
)

TRACKING_JSONL = Feed(
    name="tracking_jsonl",
    title="Tracking events as JSON Lines (webhook)",
    table="fct_tracking_event",
    key=("tracking_no", "status_code", "event_at", "location"),
    formats=("jsonl",),
    patterns=("*.jsonl", "*.ndjson"),
    columns=_TRACKING_COLUMNS,
    timestamp_format=None,
    constants={"source": "jsonl"},
)

APPLICATIONS = Feed(
    name="applications",
    title="Seller applications",
    table="seller_application",
    key=("application_id",),
    formats=("csv", "xlsx"),
    patterns=("*application*.csv", "*application*.xlsx"),
    encodings=("utf-8", "cp874"),
    thai_text=True,
    timestamp_format=None,
    in_words=True,
    columns=(
        C("application_id", "id", required=True),
        C("seller_type", "text", required=True, choices=SELLER_TYPES),
        C("name_th", "text", required=True),
        C("name_en"),
        C("national_id", "digits", required=True),
        C("juristic_id", "digits"),
        C("ce_registration_code", "digits"),
        C("count_members", "int", non_negative=True),
        C("is_low_income", "bool"),
        C("province_code", "id"),
        C("district_code", "id"),
        C("subdistrict_code", "id", required=True),
        C("postal_code", "id", required=True),
        C("phone", "digits"),
        C("bank_code", "id"),
        C("bank_account_no", "digits"),
        C("promptpay_proxy", "digits"),
        C("digital_centre_id", "id"),
        C("status", "text", required=True, choices=APPLICATION_STATUSES),
        C("submitted_at", "timestamp", required=True),
        C("decided_at", "timestamp"),
        C("seller_id", "id"),
        C("updated_at", "timestamp"),
    ),
)

LISTINGS = Feed(
    name="listings",
    title="Listings",
    table="dim_listing",
    key=("listing_id",),
    formats=("csv", "xlsx"),
    patterns=("*listing*.csv", "*listing*.xlsx"),
    encodings=("utf-8", "cp874"),
    thai_text=True,
    timestamp_format=None,
    columns=(
        C("listing_id", "id", required=True),
        C("seller_id", "id", required=True),
        C("category_code", "text", required=True, choices=CATEGORIES),
        C("title_th", "text", required=True),
        C("title_en"),
        C("price_thb", "decimal", required=True, non_negative=True),
        C("weight_kg", "float", non_negative=True),
        C("is_perishable", "bool"),
        C("temperature_class", "text", choices=TEMPERATURE_CLASSES),
        C("has_photo", "bool"),
        C("status", "text", required=True, choices=LISTING_STATUSES),
        C("created_at", "timestamp"),
        C("updated_at", "timestamp"),
    ),
)

BRANCH_MASTER = Feed(
    name="branch_master",
    title="Branch master",
    table="dim_branch",
    key=("branch_code",),
    formats=("csv",),
    patterns=("*branch*.csv",),
    encodings=("utf-8", "cp874"),
    thai_text=True,
    timestamp_format=None,
    columns=(
        C("branch_code", "id", required=True),
        C("name_th", "text", required=True),
        C("name_en"),
        C("branch_type", "text", required=True, choices=BRANCH_TYPES),
        C("subdistrict_code", "id", required=True),
        C("postal_code", "id", required=True),
        C("lat", "float", required=True),
        C("lon", "float", required=True),
        C("is_active", "bool"),
    ),
    constants={"source": "<file name>"},
)

# ---------------------------------------------------------------- payments (issue 9)
# The money rails beside the settlement report (docs/feeds.md, "Payments feeds").
PAYMENTS = Feed(
    name="payments",
    title="Gateway transaction log (charges, refunds, chargebacks)",
    table="fct_payment",
    key=("transaction_id",),
    formats=("csv", "parquet"),
    patterns=("*gateway_payments*.csv", "*gateway_payments*.parquet", "payments*.csv"),
    columns=(
        C("transaction_id", "id", required=True),
        C("order_id", "id", required=True),
        C("gateway", "text", required=True),
        C("channel", "text", required=True, choices=vocab.PAYMENT_CHANNELS),
        C("txn_type", "text", required=True, choices=TXN_TYPES),
        C("status", "text", required=True, choices=("success", "failed", "pending")),
        C("failure_reason"),
        C("created_at", "timestamp", required=True),
        C("paid_at", "timestamp"),
        C("amount_thb", "decimal", required=True, source="amount", non_negative=True),
        C("currency", "text", required=True),
    ),
)

# A bank's bill-payment file is fixed width; the reader (readers._read_counter) checks the
# trailer against the details and hands the details on as these text fields.
COUNTER_PAYMENTS = Feed(
    name="counter_payments",
    title="Counter bill payments (bank fixed-width file)",
    table="fct_counter_payment",
    key=("bank_code", "bank_ref"),
    formats=("txt",),
    patterns=("*counter*.txt", "*billpay*.txt", "*bill_payment*.txt"),
    encodings=("utf-8", "cp874"),
    thai_text=True,
    timestamp_format=None,
    columns=(
        C("bank_code", "id", required=True),
        C("bank_ref", "id", required=True),
        C("paid_at", "timestamp", required=True),
        C("ref1", "id", required=True),
        C("ref2", "id"),
        C("customer_name"),
        C("counter_branch_code", "id"),
        C("counter_channel", "text", required=True, choices=vocab.COUNTER_CHANNELS),
        C("amount_thb", "decimal", required=True, non_negative=True),
        C("file_on", "date", required=True),
    ),
    constants={"source_file": "<file name>"},
)

COD_REMITTANCES = Feed(
    name="cod_remittances",
    title="COD remittances by branch",
    table="fct_cod_remittance",
    key=("tracking_no",),
    formats=("csv",),
    patterns=("*cod_remittance*.csv", "*cod-remittance*.csv"),
    columns=(
        C("tracking_no", "id", required=True),
        C("branch_code", "id", required=True),
        C("amount_thb", "decimal", required=True, source="amount", non_negative=True),
        C("collected_at", "timestamp", required=True),
        C("remitted_at", "timestamp", required=True),
        C("deposit_ref", "id", required=True),
    ),
    constants={"source_file": "<file name>"},
)

BANK_STATEMENT = Feed(
    name="bank_statement",
    title="Bank statement credits (bank CSV export, Thai or English headers)",
    table="fct_bank_credit",
    key=("bank_txn_id",),
    formats=("csv",),
    patterns=("*statement*.csv",),
    encodings=("utf-8", "cp874"),
    thai_text=True,
    timestamp_format=None,
    columns=(
        C("bank_txn_id", "id", required=True, aliases=("เลขที่รายการ",)),
        C("account_no", "digits", required=True, aliases=("เลขที่บัญชี",)),
        C("value_on", "date", required=True, aliases=("วันที่มีผล", "วันที่")),
        C(
            "amount_thb",
            "decimal",
            required=True,
            source="amount",
            non_negative=True,
            aliases=("จำนวนเงิน", "เงินเข้า", "ฝาก"),
        ),
        C("reference", "id", aliases=("เลขที่อ้างอิง", "อ้างอิง")),
        C("description", aliases=("รายละเอียด", "รายการ")),
    ),
    constants={"source_file": "<file name>"},
)

PAYOUT_RETURNS = Feed(
    name="payout_returns",
    title="Payouts the bank returned",
    table="fct_payout_return",
    key=("payout_id",),
    formats=("csv",),
    patterns=("*payout_return*.csv", "*payout-return*.csv"),
    columns=(
        C("payout_id", "id", required=True),
        C("returned_on", "date", required=True),
        C("amount_thb", "decimal", required=True, source="amount", non_negative=True),
        C("bank_code", "id"),
        C("bank_account_no", "digits"),
        C("reason_code", "text", required=True, choices=vocab.PAYOUT_RETURN_REASONS),
        C("reason_text"),
    ),
    constants={"source_file": "<file name>"},
)
PAYMENT_FEEDS: tuple[Feed, ...] = (
    PAYMENTS,
    COUNTER_PAYMENTS,
    COD_REMITTANCES,
    BANK_STATEMENT,
    PAYOUT_RETURNS,
)
# ---------------------------------------------------------------- end payments

# --- logistics: parcel labels and cold-chain data loggers --------------------------------
SHIPMENTS = Feed(
    name="shipments",
    title="Shipments (parcel labels)",
    table="fct_shipment_label",
    key=("tracking_no",),
    formats=("csv",),
    patterns=("*shipment*.csv", "*parcel_label*.csv"),
    encodings=("utf-8", "cp874"),
    timestamp_format=None,
    columns=(
        C("tracking_no", "id", required=True),
        C("order_id", "id"),
        C("service_code", "text", required=True, choices=vocab.SERVICE_CODES),
        C("origin_branch_code", "id", required=True, source="acceptance_branch_code"),
        C("dest_subdistrict_code", "id"),
        C("dest_postal_code", "id", required=True),
        C("weight_kg", "float", non_negative=True),
        C("cod_amount_thb", "decimal", non_negative=True),
        C("cold_chain_class", "text", choices=vocab.COLD_CHAIN_CLASSES),
        C("created_at", "timestamp", required=True),
    ),
    constants={"source": "<file name>"},
)

COLD_CHAIN_READINGS = Feed(
    name="cold_chain_readings",
    title="Cold-chain data-logger readings",
    table="fct_cold_chain_reading",
    key=("tracking_no", "read_at"),
    formats=("csv",),
    patterns=("*cold_chain*.csv", "*logger*.csv"),
    encodings=("utf-8", "cp874"),
    timestamp_format=None,
    columns=(
        C("tracking_no", "id", required=True),
        C("read_at", "timestamp", required=True),
        C("temperature_c", "float", required=True),
        C("logger_id", "id"),
    ),
)

HOLIDAY_OVERRIDES = Feed(
    name="holiday_overrides",
    title="Cabinet holiday days (working-day overrides)",
    table="ref_holiday_override",
    key=("date_day",),
    formats=("csv",),
    patterns=("*holiday*.csv",),
    encodings=("utf-8", "cp874"),
    thai_text=True,
    timestamp_format=None,
    columns=(
        C("date_day", "date", required=True),
        C("is_holiday", "bool", required=True),
        C("name_th", "text", required=True),
        C("name_en"),
    ),
    constants={"source": "<file name>"},
)

# impact (issue 11, item 5): when each community digital centre opened.
DIGITAL_CENTRE_OPENINGS = Feed(
    name="digital_centre_openings",
    title="Community digital centre openings",
    table="fct_digital_centre_opening",
    key=("digital_centre_id",),
    formats=("csv",),
    patterns=("*digital_centre*.csv", "*centre_opening*.csv"),
    encodings=("utf-8", "cp874"),
    thai_text=True,
    timestamp_format=None,
    columns=(
        C("digital_centre_id", "id", required=True),
        C("opened_on", "date", required=True),
    ),
    constants={"source": "<file name>"},
)

# Load order inside one call: a feed's references are loaded before it.
FEEDS: tuple[Feed, ...] = (
    BRANCH_MASTER,
    APPLICATIONS,
    LISTINGS,
    ORDERS,
    ORDER_ITEMS,
    SETTLEMENTS,
    PAYOUTS,
    HOLIDAY_OVERRIDES,  # logistics
    SHIPMENTS,  # logistics: labels before their events
    TRACKING_API,
    TRACKING_JSONL,
    *PAYMENT_FEEDS,  # payments (issue 9): after the orders, payouts and tracking they refer to
    COLD_CHAIN_READINGS,  # logistics
    DIGITAL_CENTRE_OPENINGS,  # impact
)
FEEDS_BY_NAME = {f.name: f for f in FEEDS}
# Name patterns are tried most specific first ("order_items" also matches "*orders*"? no,
# but "orders_items" style names would): items before orders.
_DETECT_ORDER = (
    # payments (issue 9): before orders and payouts, whose patterns would also match
    COUNTER_PAYMENTS,
    COD_REMITTANCES,
    BANK_STATEMENT,
    PAYOUT_RETURNS,
    PAYMENTS,
    ORDER_ITEMS,
    ORDERS,
    SETTLEMENTS,
    PAYOUTS,
    APPLICATIONS,
    LISTINGS,
    BRANCH_MASTER,
    SHIPMENTS,  # logistics
    COLD_CHAIN_READINGS,  # logistics
    HOLIDAY_OVERRIDES,  # logistics
    TRACKING_JSONL,
    TRACKING_API,
    DIGITAL_CENTRE_OPENINGS,  # impact
)


def _alias_headers(feed: Feed, present: set[str]) -> set[str]:
    """The headers a file's aliases stand for (payments, issue 9: Thai bank headers)."""
    return {c.header for c in feed.columns if present & set(c.aliases)}


class UnknownFeed(ValueError):
    """The file's name and header match no feed."""


# The file types some feed reads (an upload of any other type is refused).
FEED_FILE_SUFFIXES = frozenset(
    {".csv", ".parquet", ".json", ".jsonl", ".ndjson", ".xlsx", ".txt"}  # .txt: counter files
)


def file_format(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    return {"ndjson": "jsonl", "pq": "parquet", "tsv": "csv"}.get(suffix, suffix)


def feed_by_name(name: str) -> Feed:
    try:
        return FEEDS_BY_NAME[name]
    except KeyError:
        raise UnknownFeed(
            f"unknown feed {name!r}; known feeds: {', '.join(FEEDS_BY_NAME)}"
        ) from None


def detect_by_name(path: Path) -> Feed | None:
    name = path.name.lower()
    for feed in _DETECT_ORDER:
        if any(fnmatch.fnmatch(name, p) for p in feed.patterns):
            return feed
    return None


def detect_by_header(headers: list[str], fmt: str) -> Feed | None:
    """The feed whose required headers the file carries (most required columns wins)."""
    present = {h.strip().lstrip("\ufeff") for h in headers}
    # Sheets: a feed read in words also knows its columns by their Thai and English headers;
    # payments: a column's aliases (a bank's Thai headers) stand for it.
    worded = present | {f for h in present if (f := field_of(h))}
    candidates = [
        f
        for f in _DETECT_ORDER
        if fmt in f.formats
        and f.required_headers <= (worded if f.in_words else present) | _alias_headers(f, present)
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda f: len(f.required_headers))
