"""Reference data: geography, the branch network, digital centres and the calendar.

Sources, licences and what is generated: docs/reference-data.md.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from etl.reference.boundaries import ATTRIBUTION as BOUNDARY_ATTRIBUTION
from etl.reference.boundaries import province_boundaries
from etl.reference.calendar import build_dim_date
from etl.reference.geography import build_geography
from etl.reference.network import (
    build_branches,
    build_digital_centres,
    build_mail_centres,
    conform_branches,
)
from etl.reference.places import province_of_point
from etl.reference.schema import REFERENCE_TABLES, SCHEMAS
from etl.reference.store import write_reference
from etl.reference.thai_holidays import write_public_holidays

__all__ = [
    "BOUNDARY_ATTRIBUTION",
    "REFERENCE_TABLES",
    "SCHEMAS",
    "build_dim_date",
    "build_reference",
    "conform_branches",
    "province_boundaries",
    "province_of_point",
    "province_boundaries",
    "write_public_holidays",
    "write_reference",
]


def build_reference(seed: int = 1) -> dict[str, pl.DataFrame]:
    """Every reference table but dim_date, keyed by lake table name; the same for a seed."""
    geo = build_geography(seed)
    rng = np.random.default_rng([seed, 0xB4A])
    frames = {
        **geo,
        "dim_mail_centre": build_mail_centres(),
        "dim_branch": build_branches(geo, rng),
        "dim_digital_centre": build_digital_centres(geo, rng),
    }
    return {table: frames[table] for table in REFERENCE_TABLES}
