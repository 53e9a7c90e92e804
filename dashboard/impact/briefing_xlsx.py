"""A briefing as an XLSX workbook, Thai and English side by side: one sheet per section
(the selection's figures with their comparisons; the areas) and a sheet stating the
snapshot, the filters, each KPI's definition and the sources. An export: small numbers
are withheld at every level ("น้อยกว่า 5 / fewer than 5").

The cells are written by ``dashboard.export.xlsx_bytes`` (the one writer of downloads);
this module only lays the workbook out (bold headings, frozen first row, number formats).
"""

from __future__ import annotations

import io

import polars as pl

from dashboard import export, formatting, i18n
from dashboard.impact import figures, kpis
from dashboard.impact.briefings import Briefing
from dashboard.impact.snapshots import Snapshot
from etl.reference import BOUNDARY_ATTRIBUTION

SHEETS = ("สรุป Summary", "พื้นที่ Areas", "ที่มา About")
NUMBER_FORMATS = {"thb": "#,##0.00", "percent": "0.0", "per_100k": "#,##0.00", "count": "#,##0"}


def _both(key: str, **params: object) -> str:
    return f"{i18n.translate(key, 'th', **params)} / {i18n.translate(key, 'en', **params)}"


def _cell(view: figures.ImpactView, value: float | None, sellers: int) -> float | str | None:
    if kpis.is_small(sellers, view.threshold):
        return _both("impact.fewer_than", n=view.threshold)
    return None if value is None else round(value, 2)


def summary(view: figures.ImpactView) -> pl.DataFrame:
    rows = []
    for k in kpis.KPIS:
        fig = view.totals[k.key]
        small = kpis.is_small(fig.sellers, view.threshold)
        rows.append(
            {
                "ตัวชี้วัด": i18n.translate(f"impact.kpi.{k.key}.name", "th"),
                "Indicator": i18n.translate(f"impact.kpi.{k.key}.name", "en"),
                "หน่วย / Unit": k.unit,
                f"{view.period.label('th')} / {view.period.label('en')}": _cell(
                    view, fig.value, fig.sellers
                ),
                f"{view.previous.label('th')} / {view.previous.label('en')}": None
                if small
                else _rounded(fig.previous),
                f"{view.year_before.label('th')} / {view.year_before.label('en')}": None
                if small
                else _rounded(fig.year_before),
            }
        )
    return _text_safe(rows)


def areas(view: figures.ImpactView) -> pl.DataFrame:
    rows = []
    for area in view.areas.iter_rows(named=True):
        row = {"พื้นที่": area["name_th"], "Area": area["name_en"]}
        for k in kpis.KPIS:
            heading = (
                f"{i18n.translate(f'impact.kpi.{k.key}.name', 'th')} / "
                f"{i18n.translate(f'impact.kpi.{k.key}.name', 'en')}"
            )
            row[heading] = _cell(view, area[k.key], area[f"{k.key}__sellers"])
        rows.append(row)
    return _text_safe(rows)


def about(briefing: Briefing, view: figures.ImpactView, snapshot: Snapshot) -> pl.DataFrame:
    place_th = view.place_names.get("th") or i18n.translate("impact.whole_country", "th")
    place_en = view.place_names.get("en") or i18n.translate("impact.whole_country", "en")
    lines: list[tuple[str, str, str]] = [
        ("ชื่อ / Name", briefing.name, ""),
        ("รหัส / Briefing", briefing.briefing_id, ""),
        (
            "สแนปช็อตของคลังข้อมูล / Lake snapshot",
            f"#{snapshot.snapshot_id}",
            formatting.format_datetime(snapshot.at, "en"),
        ),
        ("ช่วงเวลา / Period", view.period.label("th"), view.period.label("en")),
        ("พื้นที่ / Area", place_th, place_en),
        ("เทียบกับ / Compared with", view.previous.label("th"), view.previous.label("en")),
        ("ปีก่อน / A year before", view.year_before.label("th"), view.year_before.label("en")),
        (
            "รายได้ / Income",
            i18n.translate(f"impact.income_source.{view.income_source}", "th"),
            i18n.translate(f"impact.income_source.{view.income_source}", "en"),
        ),
        (
            "ตัวเลขน้อย / Small numbers",
            i18n.translate("impact.export_note", "th", n=view.threshold),
            i18n.translate("impact.export_note", "en", n=view.threshold),
        ),
        (
            "จัดทำโดย / Made by",
            briefing.created_by_name or "",
            formatting.format_datetime(briefing.created_at, "en"),
        ),
        ("แฮชของตัวเลข / Figures' SHA-256", briefing.content_sha256, ""),
        ("", "", ""),
        ("นิยามตัวชี้วัด / KPI definitions", "", ""),
    ]
    for k in kpis.KPIS:
        for part in ("name", "numerator", "denominator", "counts"):
            lines.append(
                (
                    f"{k.key}.{part}",
                    i18n.translate(f"impact.kpi.{k.key}.{part}", "th"),
                    i18n.translate(f"impact.kpi.{k.key}.{part}", "en"),
                )
            )
    lines += [
        ("", "", ""),
        ("ที่มา / Sources", "", ""),
        ("dim_seller", "ทะเบียนผู้ขายจากการอนุมัติใบสมัคร", "Seller master from the approvals"),
        ("mart_delivered_order", "คำสั่งซื้อที่ส่งถึงแล้ว", "Delivered marketplace orders"),
        ("mart_seller_income", "การจ่ายเงินให้ผู้ขาย", "Seller payouts paid"),
        ("dim_province", "ประชากร: ทะเบียนราษฎร 2566", "Population: DOPA register, end 2023"),
        ("boundaries", BOUNDARY_ATTRIBUTION, BOUNDARY_ATTRIBUTION),
    ]
    return pl.DataFrame(
        {
            "รายการ / Item": [a for a, _, _ in lines],
            "ไทย / Thai": [b for _, b, _ in lines],
            "English": [c for _, _, c in lines],
        }
    )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _text_safe(rows: list[dict]) -> pl.DataFrame:
    """Columns mixing numbers and "fewer than" text become object-free: numbers stay
    numbers where the whole column is numeric, else every cell is text."""
    columns = {}
    for name in rows[0] if rows else []:
        values = [r[name] for r in rows]
        if all(v is None or isinstance(v, int | float) for v in values):
            columns[name] = pl.Series(name, values, dtype=pl.Float64)
        else:
            columns[name] = pl.Series(
                name, [None if v is None else str(v) for v in values], dtype=pl.Utf8
            )
    return pl.DataFrame(columns)


def workbook(briefing: Briefing, view: figures.ImpactView, snapshot: Snapshot) -> bytes:
    """The XLSX bytes of a briefing (its figures recomputed at its snapshot)."""
    from openpyxl import load_workbook
    from openpyxl.styles import Alignment, Font

    data = export.xlsx_bytes(
        {
            SHEETS[0]: summary(view),
            SHEETS[1]: areas(view),
            SHEETS[2]: about(briefing, view, snapshot),
        }
    )
    book = load_workbook(io.BytesIO(data))
    units = {i18n.translate(f"impact.kpi.{k.key}.name", "th"): k.unit for k in kpis.KPIS}
    for sheet in book.worksheets:
        sheet.freeze_panes = "A2"
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    summary_sheet = book[SHEETS[0]]
    for row in summary_sheet.iter_rows(min_row=2):
        fmt = NUMBER_FORMATS.get(units.get(row[0].value, "count"), "#,##0")
        for cell in row[3:]:
            if isinstance(cell.value, int | float):
                cell.number_format = fmt
    area_sheet = book[SHEETS[1]]
    for cell in area_sheet[1][2:]:
        unit = units.get(str(cell.value).split(" / ")[0], "count")
        for (c,) in area_sheet.iter_rows(min_row=2, min_col=cell.column, max_col=cell.column):
            if isinstance(c.value, int | float):
                c.number_format = NUMBER_FORMATS[unit]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
