"""Feed readers: a file in, a frame of its records out, each with its line or record number.

Text formats come out as text columns (validation parses them, so a bad value becomes a
quarantined row, not a crash); Parquet keeps its types. A file that cannot be read as its
format fails as a whole with FeedReadError naming the file and the problem.
"""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import polars as pl

from etl.feeds.specs import Feed, file_format

LINE = "_line"
# Bytes sniffed for NUL bytes: text exports never contain them, binary files nearly always do.
_SNIFF_BYTES = 64 * 1024
# Track-API responses are one JSON document; DuckDB needs the largest object size up front.
_MAX_JSON_OBJECT = 2**32 - 1  # DuckDB takes a uint32 here

_TRACK_EVENT = (
    "STRUCT(barcode VARCHAR, status VARCHAR, status_description VARCHAR, "
    "status_date VARCHAR, location VARCHAR, postcode VARCHAR, branch_code VARCHAR, "
    "delivery_status VARCHAR, receiver_name VARCHAR)"
)
_TRACK_FIELDS = (
    "barcode",
    "status",
    "status_description",
    "status_date",
    "location",
    "postcode",
    "branch_code",
    "delivery_status",
    "receiver_name",
)


class FeedReadError(Exception):
    """The file cannot be read as its feed; nothing of it is loaded."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path.name}: {problem}")
        self.path = path
        self.problem = problem


def _first_line(problem: str) -> str:
    return str(problem).strip().splitlines()[0][:300] if str(problem).strip() else "unknown error"


def sniff_binary(path: Path) -> bool:
    with open(path, "rb") as fh:
        return b"\x00" in fh.read(_SNIFF_BYTES)


def _decode(path: Path, encodings: tuple[str, ...]) -> str:
    data = path.read_bytes()
    for enc in encodings:
        try:
            return data.decode("utf-8-sig" if enc == "utf-8" else enc)
        except UnicodeDecodeError:
            continue
    names = " or ".join("UTF-8" if e == "utf-8" else "Windows-874" for e in encodings)
    raise FeedReadError(path, f"unknown text encoding: not valid {names}")


def read_csv_header(path: Path, encodings: tuple[str, ...] = ("utf-8", "cp874")) -> list[str]:
    with open(path, "rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    line = head.split(b"\n", 1)[0]
    for enc in encodings:
        try:
            text = line.decode("utf-8-sig" if enc == "utf-8" else enc)
            return [h.strip().strip('"') for h in text.rstrip("\r").split(",")]
        except UnicodeDecodeError:
            continue
    return []


def _read_csv(path: Path, feed: Feed) -> pl.DataFrame:
    if sniff_binary(path):
        raise FeedReadError(path, "binary content, not a CSV text file")
    try:
        if feed.encodings == ("utf-8",):
            # Big feeds: polars reads the file itself, in parallel; it rejects bad UTF-8.
            df = pl.read_csv(path, infer_schema=False, encoding="utf8", raise_if_empty=True)
        else:
            text = _decode(path, feed.encodings)
            df = pl.read_csv(io.StringIO(text), infer_schema=False, raise_if_empty=True)
    except FeedReadError:
        raise
    except (pl.exceptions.PolarsError, UnicodeDecodeError, OSError) as exc:
        raise FeedReadError(path, f"not a readable CSV file: {_first_line(exc)}") from None
    df = df.rename({c: c.strip().lstrip("\ufeff") for c in df.columns})
    return _rename_aliases(df, feed).with_row_index(LINE, offset=2)


def _rename_aliases(df: pl.DataFrame, feed: Feed) -> pl.DataFrame:
    """Headers a column also arrives under (payments, issue 9: Thai bank exports) renamed to
    the column's own header; the first alias present wins."""
    renames = {}
    for col in feed.columns:
        if col.header in df.columns:
            continue
        alias = next((a for a in col.aliases if a in df.columns and a not in renames), None)
        if alias is not None:
            renames[alias] = col.header
    return df.rename(renames) if renames else df


def _read_parquet(path: Path) -> pl.DataFrame:
    try:
        df = pl.read_parquet(path)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise FeedReadError(path, f"not a readable Parquet file: {_first_line(exc)}") from None
    return df.with_row_index(LINE, offset=1)


def _read_xlsx(path: Path) -> pl.DataFrame:
    try:
        df = pl.read_excel(path, engine="calamine", infer_schema_length=0)
    except Exception as exc:  # calamine raises its own exception types for broken workbooks
        raise FeedReadError(path, f"not a readable XLSX workbook: {_first_line(exc)}") from None
    # Row 1 of the sheet is the header.
    df = df.select(pl.all().cast(pl.Utf8))
    return df.rename({c: c.strip() for c in df.columns}).with_row_index(LINE, offset=2)


def _duck() -> duckdb.DuckDBPyConnection:
    # JSON parsing needs no lake; the json extension ships inside the duckdb wheel.
    return duckdb.connect(
        config={"autoinstall_known_extensions": False, "preserve_insertion_order": True}
    )


def _read_track_json(path: Path) -> pl.DataFrame:
    """A track-API response: {"response": {"items": {barcode: [event, ...]}}, ...}."""
    if sniff_binary(path):
        raise FeedReadError(path, "binary content, not a JSON text file")
    columns = (
        "{response: 'STRUCT(items MAP(VARCHAR, " + _TRACK_EVENT + "[]))', "
        "status: 'VARCHAR', message: 'VARCHAR'}"
    )
    src = f"read_json(?, format='unstructured', columns={columns}, maximum_object_size={_MAX_JSON_OBJECT})"  # noqa: E501
    fields = ", ".join(f"ev.{f} as {f}" for f in _TRACK_FIELDS)
    con = _duck()
    try:
        head = con.execute(f"select status, message from {src}", [str(path)]).fetchall()  # noqa: S608
        if len(head) != 1:
            raise FeedReadError(path, "expected one track-API response document")
        status, message = head[0]
        if status is not None and status.lower() == "false":
            raise FeedReadError(path, f"the track API reported a failure: {message}")
        rel = con.execute(
            f"select {fields} from (select unnest(map_values(response.items)) as evs "  # noqa: S608
            f"from {src}), unnest(evs) as u(ev)",
            [str(path)],
        )
        df = rel.pl()
    except duckdb.Error as exc:
        raise FeedReadError(
            path, f"not a readable track-API JSON file: {_first_line(exc)}"
        ) from None
    finally:
        con.close()
    return df.with_row_index(LINE, offset=1)


def _read_jsonl(path: Path) -> pl.DataFrame:
    if sniff_binary(path):
        raise FeedReadError(path, "binary content, not a JSON Lines text file")
    types = ", ".join(f"{f}: 'VARCHAR'" for f in _TRACK_FIELDS)
    con = _duck()
    try:
        df = con.execute(
            f"select * from read_json(?, format='newline_delimited', columns={{{types}}})",  # noqa: S608
            [str(path)],
        ).pl()
    except duckdb.Error as exc:
        raise FeedReadError(path, f"not a readable JSON Lines file: {_first_line(exc)}") from None
    finally:
        con.close()
    return df.with_row_index(LINE, offset=1)


def _read_counter(path: Path, feed: Feed) -> pl.DataFrame:
    # payments (issue 9): the fixed-width bill-payment file lives in its own module.
    from etl.feeds.fixed_width import read_bill_payment

    if sniff_binary(path):
        raise FeedReadError(path, "binary content, not a fixed-width text file")
    try:
        return read_bill_payment(_decode(path, feed.encodings))
    except ValueError as exc:
        raise FeedReadError(path, str(exc)) from None


def read_feed(path: Path, feed: Feed) -> pl.DataFrame:
    """The file's records with a ``_line`` column; raises FeedReadError when unreadable."""
    fmt = file_format(path)
    if fmt not in feed.formats:
        raise FeedReadError(
            path,
            f"format {fmt or '(none)'} is not one of the {feed.name} feed's: "
            f"{', '.join(feed.formats)}",
        )
    if not path.exists():
        raise FeedReadError(path, "file not found")
    if path.stat().st_size == 0:
        raise FeedReadError(path, "empty file")
    reader = {
        "csv": lambda: _read_csv(path, feed),
        "parquet": lambda: _read_parquet(path),
        "xlsx": lambda: _read_xlsx(path),
        "json": lambda: _read_track_json(path),
        "jsonl": lambda: _read_jsonl(path),
        "txt": lambda: _read_counter(path, feed),
    }[fmt]
    df = reader()
    if feed.in_words:
        from etl.feeds.feed_words import rename_headers

        df = rename_headers(df, feed)
    missing = sorted(feed.required_headers - set(df.columns))
    if missing:
        raise FeedReadError(path, f"not a {feed.name} file: missing column(s) {', '.join(missing)}")
    return df
