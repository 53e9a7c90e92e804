"""Settings, declared once, each with a default and a one-line help.

Every setting is read from a ``POSTMART_*`` environment variable. Paths that are not
absolute are taken relative to the working directory, so ``make run`` from the project
folder keeps everything under ``./data``.

A new setting is its ``Setting`` entry (the default's type is how the variable is read:
``int``, ``float`` or text) and its field of ``Settings``; a module-level check keeps the
two in step.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | int | float
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("DATA_DIR", "./data", "Folder for the lake, the ops DB, the inbox and exports."),
    Setting(
        "OPS_DB_URL",
        "",
        "SQLAlchemy URL of the operational DB; empty means sqlite:///<DATA_DIR>/ops.sqlite.",
    ),
    Setting(
        "LAKE_CATALOG",
        "",
        "DuckLake catalog: empty means sqlite:<DATA_DIR>/lake/catalog.sqlite; "
        "'postgres:dbname=... host=...' for PostgreSQL.",
    ),
    Setting(
        "LAKE_DATA_PATH",
        "",
        "Where DuckLake writes Parquet files; empty means <DATA_DIR>/lake/files/.",
    ),
    Setting(
        "BASEMAP",
        "none",
        "Map background: 'none' draws no basemap (works offline), 'carto' loads Carto tiles.",
    ),
    Setting(
        "INBOX_DIR", "", "Folder of feed files for the Data loads page; empty: <DATA_DIR>/inbox."
    ),
    Setting("WRITER_LOCK_TIMEOUT_S", 30.0, "Seconds a second lake writer waits for the lock."),
    Setting(
        "WRITER_MEMORY_LIMIT",
        "",
        "DuckDB memory limit of the lake writer (loads, the demo, migrations), e.g. '6GB'; "
        "past it the writer spills to <DATA_DIR>/tmp. Empty: a third of the machine's memory "
        "(the app's readers run beside it).",
    ),
    Setting("SESSION_IDLE_MINUTES", 30.0, "Minutes of inactivity after which a session ends."),
    Setting(
        "SESSION_ABSOLUTE_HOURS",
        12.0,
        "Hours after signing in at which a session ends however active (sign in again).",
    ),
    Setting("REVIEW_TARGET_DAYS", 7, "Days an application may wait before it is overdue."),
    # production mode (docs/deploy.md)
    Setting(
        "COOKIE_SECRET_FILE",
        "",
        "File holding the cookie secret every replica of `postmart serve` shares; empty: "
        "<DATA_DIR>/cookie_secret (made on first use). The same file on every machine.",
    ),
    Setting(
        "LAKE_SNAPSHOT_CHECK_S",
        5.0,
        "Seconds between a server's checks for a new lake snapshot; a load committed by "
        "another server or process shows in cached figures within this time.",
    ),
    # ---- payments (issue 9)
    Setting(
        "RECON_AMOUNT_TOLERANCE_THB",
        0.5,
        "Reconciliation: an amount difference up to this many baht is not a break.",
    ),
    Setting(
        "RECON_AMOUNT_TOLERANCE_PCT",
        0.1,
        "Reconciliation: nor is one up to this percentage of the amount (the larger wins).",
    ),
    Setting(
        "RECON_FEE_TOLERANCE_THB",
        0.01,
        "Reconciliation: a fee or fee VAT off its contracted value by more is a fee variance.",
    ),
    Setting(
        "RECON_GRACE_BUSINESS_DAYS",
        0,
        "Business days past a rail's expected lag before a settlement counts as missing.",
    ),
    Setting(
        "COD_REMIT_LIMIT_DAYS",
        2,
        "Business days a branch has to remit COD cash after delivery (501).",
    ),
    Setting(
        "COUNTER_CREDIT_LAG_DAYS",
        1,
        "Business days from a counter bill payment to the bank's credit of the day's total.",
    ),
    Setting(
        "WRITE_OFF_APPROVAL_THB",
        1000.0,
        "A write-off above this many baht needs a second payments officer to approve it.",
    ),
    Setting(
        "PAYOUT_RETURN_WINDOW_DAYS",
        7,
        "Days after delivery before an order's money may be paid out.",
    ),
    Setting(
        "PAYOUT_MIN_THB", 200.0, "A seller is paid once their net balance reaches this many baht."
    ),
    Setting("PAYOUT_TRANSFER_FEE_THB", 30.0, "Bank transfer fee taken from each payout."),
    # logistics
    Setting(
        "PICKUP_SLA_HOURS",
        24.0,
        "Hours a paid order may wait for its acceptance scan before it is pickup backlog.",
    ),
    Setting("MIN_BRANCH_SAMPLE", 30, "Fewest due shipments a branch needs to be ranked."),
    Setting("ON_TIME_TARGET_PCT", 93.0, "On-time rate (percent) a branch must reach."),
    Setting("EXCURSION_MINUTES", 30.0, "Minutes out of range that make a cold-chain excursion."),
    # --- impact
    Setting(
        "SELLER_SYNC",
        "after_decisions",
        "When the lake's seller master follows the approvals: after_decisions (each approval, "
        "suspension, reinstatement and Data loads run) or manual (`postmart sync sellers` only).",
    ),
    Setting(
        "SMALL_NUMBER_MIN_SELLERS",
        5,
        "A figure resting on fewer sellers than this shows as 'fewer than N' at district level "
        "and in every export (people's incomes).",
    ),
    # payments (issue 9)
    Setting(
        "PAYOUT_WEEKDAY",
        "fri",
        "Weekday of the weekly seller payout run (mon … sun); a run on another day is refused, "
        "naming the next run day.",
    ),
)


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    ops_db_url: str
    lake_catalog: str
    lake_data_path: str
    basemap: str
    inbox_dir: Path
    writer_lock_timeout_s: float
    writer_memory_limit: str
    session_idle_minutes: float
    session_absolute_hours: float
    review_target_days: int
    # production mode
    cookie_secret_file: Path
    lake_snapshot_check_s: float
    # payments (issue 9)
    recon_amount_tolerance_thb: float
    recon_amount_tolerance_pct: float
    recon_fee_tolerance_thb: float
    recon_grace_business_days: int
    cod_remit_limit_days: int
    counter_credit_lag_days: int
    write_off_approval_thb: float
    payout_return_window_days: int
    payout_min_thb: float
    payout_transfer_fee_thb: float
    pickup_sla_hours: float  # logistics
    min_branch_sample: int
    on_time_target_pct: float
    excursion_minutes: float
    # impact
    seller_sync: str
    small_number_min_sellers: int
    payout_weekday: str  # payments

    @property
    def lake_dir(self) -> Path:
        return self.data_dir / "lake"


class SettingInvalid(ValueError):
    """A POSTMART_* variable holds a value its setting cannot take."""


def _value(setting: Setting, env: dict[str, str]) -> str | int | float:
    text = env.get(f"POSTMART_{setting.name}")
    if text is None:
        return setting.default
    kind = type(setting.default)
    try:
        return kind(text) if kind in (int, float) else text
    except ValueError:
        raise SettingInvalid(
            f"POSTMART_{setting.name}={text!r} is not a {kind.__name__} ({setting.help})"
        ) from None


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Settings from the environment (or the given mapping), defaults filled in."""
    source = dict(os.environ) if env is None else env
    values = {s.name.lower(): _value(s, source) for s in SETTINGS}
    # Paths, and the stores that default to places under the data folder.
    data_dir = Path(str(values["data_dir"])).expanduser().resolve()
    lake_dir = data_dir / "lake"
    inbox = str(values["inbox_dir"])
    values.update(
        data_dir=data_dir,
        ops_db_url=values["ops_db_url"] or f"sqlite:///{data_dir / 'ops.sqlite'}",
        lake_catalog=values["lake_catalog"] or f"sqlite:{lake_dir / 'catalog.sqlite'}",
        lake_data_path=values["lake_data_path"] or f"{lake_dir / 'files'}/",
        inbox_dir=Path(inbox).resolve() if inbox else data_dir / "inbox",
    )
    secret_file = str(values["cookie_secret_file"])
    values["cookie_secret_file"] = (
        Path(secret_file).expanduser().resolve() if secret_file else data_dir / "cookie_secret"
    )
    return Settings(**values)


def settings_help() -> str:
    """A table of every setting, its default and its help, for the README and `--help`."""
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    for s in SETTINGS:
        lines.append(f"| `POSTMART_{s.name}` | `{s.default}` | {s.help} |")
    return "\n".join(lines)


assert {f.name for f in fields(Settings)} == {s.name.lower() for s in SETTINGS}
