"""Small helpers for the ETL tests (a module of its own: `conftest` names collide)."""

from __future__ import annotations

from pathlib import Path

from warehouse.lake import connect_reader
from warehouse.settings import Settings


def count(settings: Settings, table: str) -> int:
    con = connect_reader(settings)
    try:
        return con.execute(f'select count(*) from "{table}"').fetchone()[0]  # noqa: S608
    finally:
        con.close()


def query(settings: Settings, sql: str, params: list | None = None) -> list[tuple]:
    con = connect_reader(settings)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path
