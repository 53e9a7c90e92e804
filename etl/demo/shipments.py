"""The demo's held-back parcel labels as a shipments feed file (``shipments.csv`` in the
demo inbox), so loading the inbox turns the last day's tracking events into shipments
instead of unknown parcels."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from etl.demo.common import thb, ts


def label_frame(static: pl.DataFrame) -> pl.DataFrame:
    """Generator-unit shipment statics as the shipments feed's columns (lake units)."""
    return static.select(
        "tracking_no",
        "order_id",
        "service_code",
        pl.col("origin_branch_code").alias("acceptance_branch_code"),
        "dest_subdistrict_code",
        "dest_postal_code",
        pl.col("weight_kg").round(3),
        thb("cod_amount_satang").alias("cod_amount_thb"),
        "cold_chain_class",
        ts("created_at").dt.strftime("%Y-%m-%d %H:%M:%S").alias("created_at"),
    )


def write_label_feed(parts: list[pl.DataFrame], out_dir: Path) -> list[Path]:
    """Write shipments.csv from the held-back statics; [] when there are none."""
    frames = [p for p in parts if p.height]
    if not frames:
        return []
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "shipments.csv"
    label_frame(pl.concat(frames)).write_csv(path)
    return [path]
