"""Settings, declared once, each with a default and a one-line help.

Every setting is read from a ``POSTMART_*`` environment variable. Paths that are not
absolute are taken relative to the working directory, so ``make run`` from the project
folder keeps everything under ``./data``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
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
    Setting("WRITER_LOCK_TIMEOUT_S", "30", "Seconds a second lake writer waits for the lock."),
    Setting("SESSION_IDLE_MINUTES", "30", "Minutes of inactivity after which a session ends."),
    Setting("REVIEW_TARGET_DAYS", "7", "Days an application may wait before it is overdue."),
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
    session_idle_minutes: int
    review_target_days: int

    @property
    def lake_dir(self) -> Path:
        return self.data_dir / "lake"


def _raw(env: dict[str, str]) -> dict[str, str]:
    return {s.name: env.get(f"POSTMART_{s.name}", s.default) for s in SETTINGS}


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Settings from the environment (or the given mapping), defaults filled in."""
    raw = _raw(dict(os.environ) if env is None else env)
    data_dir = Path(raw["DATA_DIR"]).expanduser().resolve()
    lake_dir = data_dir / "lake"
    return Settings(
        data_dir=data_dir,
        ops_db_url=raw["OPS_DB_URL"] or f"sqlite:///{data_dir / 'ops.sqlite'}",
        lake_catalog=raw["LAKE_CATALOG"] or f"sqlite:{lake_dir / 'catalog.sqlite'}",
        lake_data_path=raw["LAKE_DATA_PATH"] or f"{lake_dir / 'files'}/",
        basemap=raw["BASEMAP"],
        inbox_dir=Path(raw["INBOX_DIR"]).resolve() if raw["INBOX_DIR"] else data_dir / "inbox",
        writer_lock_timeout_s=float(raw["WRITER_LOCK_TIMEOUT_S"]),
        session_idle_minutes=int(raw["SESSION_IDLE_MINUTES"]),
        review_target_days=int(raw["REVIEW_TARGET_DAYS"]),
    )


def settings_help() -> str:
    """A table of every setting, its default and its help, for the README and `--help`."""
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    for s in SETTINGS:
        lines.append(f"| `POSTMART_{s.name}` | `{s.default}` | {s.help} |")
    return "\n".join(lines)


assert {f.name for f in fields(Settings)} == {s.name.lower() for s in SETTINGS}
