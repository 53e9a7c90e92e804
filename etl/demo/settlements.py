"""Gateway settlement report lines (fct_settlement) from successful gateway transactions."""

from __future__ import annotations

import numpy as np
import polars as pl

from etl.demo.common import DAY_S

FEE_RATE_BP = 365  # 3.65 % of the gross amount, in basis points
VAT_PERCENT = 7  # on the fee
# Days from payment to settlement: T+1 for the banks and 2C2P, T+2 for the others.
SETTLEMENT_LAG = {"2C2P": 1, "Opn": 2, "GB Prime Pay": 2, "KBank": 1, "SCB": 1}
GATEWAY_CODE = {"2C2P": "2C2P", "Opn": "OPN", "GB Prime Pay": "GBP", "KBank": "KBANK", "SCB": "SCB"}


def fee_and_vat(gross: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fee and VAT on it in satang, each rounded half up to the satang."""
    fee = (gross * FEE_RATE_BP + 5_000) // 10_000
    vat = (fee * VAT_PERCENT + 50) // 100
    return fee, vat


def settlement_frame(payments: pl.DataFrame, bank_holidays: np.ndarray) -> pl.DataFrame:
    """A line per successful charge/refund/chargeback, settled T+1 or T+2 working days.

    Counter bill payments are not on a gateway's report: the bank's bill-payment file
    carries them (etl/demo/payments.py)."""
    p = payments.filter(
        (pl.col("status") == "success")
        & (pl.col("channel") != "counter")
        & pl.col("gateway").is_in(list(SETTLEMENT_LAG))
        & pl.col("txn_type").is_in(["charge", "refund", "chargeback"])
    )
    paid_day = (p["paid_at"].to_numpy() // DAY_S).astype("datetime64[D]")
    lag = p["gateway"].replace_strict(SETTLEMENT_LAG, return_dtype=pl.Int64).to_numpy()
    settled = np.busday_offset(paid_day, lag, roll="forward", holidays=bank_holidays).astype(
        np.int64
    )
    amount = p["amount_thb"].to_numpy()
    charge = p["txn_type"].to_numpy() == "charge"
    fee, vat = fee_and_vat(amount)
    fee = np.where(charge, fee, 0)
    vat = np.where(charge, vat, 0)
    gross = np.where(charge, amount, -amount)
    return (
        p.select(
            "transaction_id",
            "gateway",
            pl.col("order_id").alias("merchant_order_ref"),
            "txn_type",
            "channel",
            "created_at",
            "paid_at",
            "currency",
        )
        .with_columns(
            settled_on=pl.Series(settled),
            gross_thb=pl.Series(gross),
            fee_thb=pl.Series(fee),
            fee_vat_thb=pl.Series(vat),
            net_thb=pl.Series(gross - fee - vat),
            refunded_thb=pl.Series(np.where(charge, 0, amount)),
            status=pl.lit("settled"),
            _gw=pl.col("gateway").replace_strict(GATEWAY_CODE, return_dtype=pl.Utf8),
        )
        .with_columns(
            _ymd=pl.col("settled_on").cast(pl.Int32).cast(pl.Date).dt.strftime("%Y%m%d"),
        )
        .with_columns(
            settlement_batch_id=pl.concat_str("_gw", pl.lit("-"), "_ymd", pl.lit("-01")),
            source_file=pl.concat_str(
                pl.lit("demo:"), "_gw", pl.lit("_settlement_"), "_ymd", pl.lit(".csv")
            ),
        )
        .select(
            "transaction_id",
            "settlement_batch_id",
            "gateway",
            "merchant_order_ref",
            "txn_type",
            "channel",
            "created_at",
            "paid_at",
            "settled_on",
            "gross_thb",
            "fee_thb",
            "fee_vat_thb",
            "net_thb",
            "refunded_thb",
            "status",
            "currency",
            "source_file",
        )
    )
