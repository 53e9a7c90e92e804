"""The briefing PDF: Thai shaped by HarfBuzz and broken between words; rasterised with
pdftoppm (the page images kept as test artifacts), its extracted text equal to the text
written, no character missing from the font."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from dashboard.impact import briefing_pdf, briefings
from tests.impact.helpers import copy_lake
from warehouse.lake import connect_reader

ARTIFACTS_ENV = "POSTMART_TEST_ARTIFACTS"


def _plain(text: str) -> str:
    # pdftotext adds spaces where glyphs of one word sit apart (a tone mark over a
    # consonant); the text itself must be the same.
    return re.sub(r"\s", "", text)


def test_briefing_pdf_has_thai_text_intact(
    demo_settings, sqlite_ops, data_dir, monkeypatch, users, tmp_path
):
    assert shutil.which("pdftoppm") and shutil.which("pdftotext"), "poppler-utils (.ci/run)"
    copy_lake(demo_settings, data_dir, monkeypatch)
    ministry = users["ministry"]
    made = briefings.create(
        ministry, "สรุปผลโครงการ ภาคเหนือ ปีงบประมาณนี้", "this_fiscal_year", region="north"
    )
    con = connect_reader()
    try:
        view = briefings.view_of(ministry, made, con=con)
        doc = briefing_pdf.document(made, view, briefings.snapshot_of(made, con))
    finally:
        con.close()
    path = tmp_path / "briefing.pdf"
    path.write_bytes(doc.pdf)

    extracted = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert _plain(extracted) == _plain("".join(doc.runs))
    joined = "\n".join(doc.runs)
    assert "ปีงบประมาณ" in joined and "รายได้ที่ถึงมือผู้ขาย" in joined
    assert "Income reaching sellers" in joined

    # Every character has a glyph in the font (none drawn as a box).
    cmap = TTFont(briefing_pdf.font_files()[""]).getBestCmap()
    missing = {ch for ch in joined if not ch.isspace() and ord(ch) not in cmap}
    assert missing == set()

    pages = tmp_path / "pages"
    pages.mkdir()
    subprocess.run(["pdftoppm", "-r", "70", "-png", str(path), str(pages / "page")], check=True)
    images = sorted(pages.glob("page-*.png"))
    assert images and all(p.stat().st_size > 5_000 for p in images)
    keep = os.environ.get(ARTIFACTS_ENV)
    if keep:
        out = Path(keep) / "briefing_pdf"
        out.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, out / path.name)
        for p in images:
            shutil.copy(p, out / p.name)


def test_lines_break_between_thai_words() -> None:
    pytest.importorskip("pythainlp")
    w = briefing_pdf._Writer()
    w.font(10)
    text = "มูลค่าสินค้าของคำสั่งซื้อที่ส่งถึงแล้วในช่วงเวลา" * 3
    lines = w.wrap(text, 40)
    assert len(lines) > 1 and "".join(lines) == text
    tokens = briefing_pdf.words(text)
    bounds = {sum(len(t) for t in tokens[:i]) for i in range(len(tokens) + 1)}
    at = 0
    for line in lines[:-1]:
        at += len(line)
        assert at in bounds  # the break falls between two words
