"""The one writer of the files people download: CSV for Excel, and XLSX.

Every CSV goes through :func:`csv_bytes`:

- UTF-8 with a byte-order mark, so Excel on a Thai Windows opens it with Thai intact (without
  the BOM it guesses Windows-874 and shows mojibake);
- a text cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return)
  is a formula to Excel — OWASP's CSV injection. Such cells are written with a leading
  apostrophe, which Excel shows as plain text. Numbers stay numbers (``-12.50`` is a
  refund, not a formula): only text columns are neutralised.

JSON exports stay raw: they are read by programs, not spreadsheets.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import polars as pl

BOM = "\ufeff"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A text cell Excel will not evaluate: formula-like text gets a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, list | tuple):
        return neutralise(", ".join("" if v is None else str(v) for v in value))
    return neutralise(str(value))


def csv_rows(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> bytes:
    """CSV of a header and rows (see the module docstring for what is done to cells)."""
    out = io.StringIO()
    # CRLF rows (RFC 4180, Excel's own): Python's writer quotes a cell holding any
    # character of the line terminator only, and Excel ends a row at a lone "\r" too, so
    # with "\n" an unquoted cell "x\r=1+2" would start a new row with a live formula.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(str(h)) for h in header])
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return (BOM + out.getvalue()).encode("utf-8")


def csv_bytes(df: pl.DataFrame) -> bytes:
    """A frame as CSV for Excel: BOM, formula-safe text cells, native numbers."""
    return csv_rows(df.columns, df.iter_rows())


def xlsx_bytes(sheets: Mapping[str, pl.DataFrame]) -> bytes:
    """Frames as an XLSX workbook, one sheet each (sheet names cut to Excel's 31 characters).

    Cells are written as values (strings are never formulas in openpyxl unless they are
    assigned as such), so no neutralising is needed; Thai needs nothing special in XLSX.
    """
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, df in sheets.items():
        sheet = book.create_sheet(title=name[:31])
        sheet.append(list(df.columns))
        for row in df.iter_rows():
            sheet.append([_xlsx_cell(v) for v in row])
        for column in sheet.columns:
            width = max((len(str(c.value)) for c in column if c.value is not None), default=8)
            sheet.column_dimensions[column[0].column_letter].width = min(60, max(8, width + 2))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, str):
        # openpyxl stores a string starting with "=" as a formula: keep it text.
        return neutralise(value) if value.startswith("=") else value
    if isinstance(value, list | tuple):
        return ", ".join("" if v is None else str(v) for v in value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value
