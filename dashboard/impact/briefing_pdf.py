"""A briefing as a PDF with correct Thai: fpdf2 with HarfBuzz text shaping (``uharfbuzz``:
tone marks and vowels placed by the font's own rules) and Thai line breaking by words
(``pythainlp``'s dictionary tokenizer: Thai writes no spaces between words, so a line may
only break where a word ends). The font is TLWG Garuda from Debian's ``fonts-thai-tlwg``
(Thai and Latin, regular and bold; ``.ci/run`` installs it).

Contents: the briefing's name, snapshot, period, area and who made it; the selection's
figures with the previous period and a year before; a bar chart of the income per area;
the areas' main figures; each KPI's definition; the sources. An export: small numbers
withheld at every level.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from dashboard import formatting, i18n
from dashboard.errors import NotFound
from dashboard.impact import figures, kpis
from dashboard.impact.briefings import Briefing
from dashboard.impact.snapshots import Snapshot
from etl.reference import BOUNDARY_ATTRIBUTION

FONT_DIRS = (Path("/usr/share/fonts/truetype/tlwg"),)
FONT = "Garuda"
AREA_KPIS = ("active_sellers", "gmv_thb", "income_thb", "low_income_income_share")
CHART_KPI = "income_thb"
BAR = (38, 110, 160)


def font_files() -> dict[str, Path]:
    """The regular and bold font files; NotFound when the Thai font is not installed."""
    for folder in FONT_DIRS:
        regular, bold = folder / f"{FONT}.ttf", folder / f"{FONT}-Bold.ttf"
        if regular.exists() and bold.exists():
            return {"": regular, "B": bold}
    raise NotFound("impact.pdf.no_font", font=FONT)


@functools.cache
def _tokenizer():
    from pythainlp.tokenize import word_tokenize

    return word_tokenize


def words(text: str) -> list[str]:
    """The text cut where a line may break: Thai by dictionary words, spaces kept."""
    return [w for w in _tokenizer()(text, engine="newmm", keep_whitespace=True) if w]


@dataclass
class Document:
    pdf: bytes
    runs: list[str] = field(default_factory=list)  # every piece of text written, in order


class _Writer:
    def __init__(self) -> None:
        from fpdf import FPDF

        self.pdf = FPDF(orientation="L", unit="mm", format="A4")
        self.pdf.set_auto_page_break(auto=True, margin=12)
        for style, path in font_files().items():
            self.pdf.add_font(FONT, style, str(path))
        self.pdf.set_text_shaping(True)
        self.pdf.add_page()
        self.runs: list[str] = []

    def font(self, size: float, bold: bool = False) -> None:
        self.pdf.set_font(FONT, "B" if bold else "", size)

    def wrap(self, text: str, width: float) -> list[str]:
        """Lines of ``text`` no wider than ``width``, broken between words only."""
        lines, line = [], ""
        for word in words(text):
            candidate = line + word
            if line and self.pdf.get_string_width(candidate) > width:
                lines.append(line.rstrip())
                line = word.lstrip()
            else:
                line = candidate
        if line.strip():
            lines.append(line.rstrip())
        return lines or [""]

    def paragraph(self, text: str, size: float = 10, bold: bool = False, gap: float = 1.5) -> None:
        self.font(size, bold)
        width = self.pdf.w - self.pdf.l_margin - self.pdf.r_margin
        for line in self.wrap(text, width):
            self.pdf.cell(width, size * 0.5, line, new_x="LMARGIN", new_y="NEXT")
            self.runs.append(line)
        self.pdf.ln(gap)

    def row(self, cells: list[str], widths: list[float], *, bold: bool = False) -> None:
        """One table row; a cell too long wraps inside its column (between words)."""
        self.font(9, bold)
        wrapped = [self.wrap(c, w - 2) for c, w in zip(cells, widths, strict=True)]
        height = max(len(w) for w in wrapped) * 4.6 + 1.5
        if self.pdf.get_y() + height > self.pdf.h - self.pdf.b_margin:
            self.pdf.add_page()
        x, y = self.pdf.l_margin, self.pdf.get_y()
        for lines, w in zip(wrapped, widths, strict=True):
            self.pdf.rect(x, y, w, height)
            for i, line in enumerate(lines):
                self.pdf.set_xy(x + 1, y + 0.8 + i * 4.6)
                self.pdf.cell(w - 2, 4.6, line)
                self.runs.append(line)
            x += w
        self.pdf.set_xy(self.pdf.l_margin, y + height)

    def bars(self, labels: list[str], values: list[float | None], texts: list[str]) -> None:
        """A horizontal bar per label (a withheld value: no bar, its text)."""
        self.font(9)
        top = max((v for v in values if v is not None), default=0) or 1
        for label, value, text in zip(labels, values, texts, strict=True):
            if self.pdf.get_y() + 6 > self.pdf.h - self.pdf.b_margin:
                self.pdf.add_page()
            y = self.pdf.get_y()
            self.pdf.set_x(self.pdf.l_margin)
            self.pdf.cell(55, 5, label)
            self.runs.append(label)
            if value:
                self.pdf.set_fill_color(*BAR)
                self.pdf.rect(self.pdf.l_margin + 56, y + 0.8, 150 * value / top, 3.6, style="F")
            self.pdf.set_xy(self.pdf.l_margin + 210, y)
            self.pdf.cell(50, 5, text)
            self.runs.append(text)
            self.pdf.set_xy(self.pdf.l_margin, y + 5.5)


def _both(key: str, **params: object) -> str:
    return f"{i18n.translate(key, 'th', **params)} / {i18n.translate(key, 'en', **params)}"


def _value(view: figures.ImpactView, key: str, value: float | None, sellers: int) -> str:
    if kpis.is_small(sellers, view.threshold):
        return _both("impact.fewer_than", n=view.threshold)
    return figures.display(value, kpis.get(key).unit)


def document(briefing: Briefing, view: figures.ImpactView, snapshot: Snapshot) -> Document:
    """The briefing's PDF (its figures recomputed at its snapshot) and the text it holds."""
    w = _Writer()
    place_th = view.place_names.get("th") or i18n.translate("impact.whole_country", "th")
    place_en = view.place_names.get("en") or i18n.translate("impact.whole_country", "en")
    w.paragraph(briefing.name, size=16, bold=True, gap=2)
    w.paragraph(f"{view.period.label('th')} · {place_th}", size=11)
    w.paragraph(f"{view.period.label('en')} · {place_en}", size=11)
    w.paragraph(
        f"สแนปช็อตของคลังข้อมูล / Lake snapshot #{snapshot.snapshot_id} "
        f"({formatting.format_datetime(snapshot.at, 'en')}) · "
        f"{briefing.created_by_name or ''} {formatting.format_datetime(briefing.created_at, 'en')}",
        size=9,
        gap=3,
    )
    widths = [120.0, 52.0, 52.0, 52.0]
    w.row(
        [
            "ตัวชี้วัด / Indicator",
            view.period.label("th"),
            view.previous.label("th"),
            view.year_before.label("th"),
        ],
        widths,
        bold=True,
    )
    for k in kpis.KPIS:
        fig = view.totals[k.key]
        small = kpis.is_small(fig.sellers, view.threshold)
        w.row(
            [
                f"{i18n.translate(f'impact.kpi.{k.key}.name', 'th')} / "
                f"{i18n.translate(f'impact.kpi.{k.key}.name', 'en')}",
                _value(view, k.key, fig.value, fig.sellers),
                "—" if small else figures.display(fig.previous, k.unit),
                "—" if small else figures.display(fig.year_before, k.unit),
            ],
            widths,
        )
    w.pdf.ln(4)
    w.paragraph(_both(f"impact.kpi.{CHART_KPI}.name"), size=11, bold=True)
    name = "name_th"
    w.bars(
        view.areas[name].to_list(),
        [
            None if kpis.is_small(n, view.threshold) else v
            for v, n in zip(view.areas[CHART_KPI], view.areas[f"{CHART_KPI}__sellers"], strict=True)
        ],
        [
            _value(view, CHART_KPI, v, n)
            for v, n in zip(view.areas[CHART_KPI], view.areas[f"{CHART_KPI}__sellers"], strict=True)
        ],
    )
    w.pdf.ln(4)
    area_widths = [70.0] + [51.0] * len(AREA_KPIS)
    w.row(
        [_both(f"impact.level.{view.level}")]
        + [i18n.translate(f"impact.kpi.{k}.name", "th") for k in AREA_KPIS],
        area_widths,
        bold=True,
    )
    for area in view.areas.iter_rows(named=True):
        w.row(
            [f"{area['name_th']} ({area['name_en']})"]
            + [_value(view, k, area[k], area[f"{k}__sellers"]) for k in AREA_KPIS],
            area_widths,
        )
    w.pdf.ln(4)
    w.paragraph("นิยามตัวชี้วัด / KPI definitions", size=11, bold=True)
    for k in kpis.KEYS:
        w.paragraph(
            f"{i18n.translate(f'impact.kpi.{k}.name', 'th')}: "
            f"{i18n.translate(f'impact.kpi.{k}.numerator', 'th')}. "
            f"{i18n.translate(f'impact.kpi.{k}.counts', 'th')}",
            size=9,
            gap=0.5,
        )
        w.paragraph(
            f"{i18n.translate(f'impact.kpi.{k}.name', 'en')}: "
            f"{i18n.translate(f'impact.kpi.{k}.numerator', 'en')}. "
            f"{i18n.translate(f'impact.kpi.{k}.counts', 'en')}",
            size=9,
            gap=1.5,
        )
    w.paragraph(i18n.translate("impact.export_note", "th", n=view.threshold), size=9, gap=0.5)
    w.paragraph(i18n.translate("impact.export_note", "en", n=view.threshold), size=9)
    w.paragraph(
        i18n.translate(f"impact.income_source.{view.income_source}", "th")
        + " · "
        + i18n.translate(f"impact.income_source.{view.income_source}", "en"),
        size=9,
    )
    w.paragraph(f"{BOUNDARY_ATTRIBUTION} · SHA-256 {briefing.content_sha256}", size=8)
    return Document(bytes(w.pdf.output()), w.runs)
