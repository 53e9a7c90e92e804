"""The provincial-sheet import page in AppTest: the mapping step for a Phang Nga sheet with
a header nobody knows (each column beside a field or "ignore", required fields marked),
the preview's problems in Thai naming the file's column and line, the good rows imported
into the queue with their subdistrict, and the template offered for download.

AppTest has no file uploader: the test puts the uploaded sheet where the page keeps it
(the browser test uploads for real)."""

from __future__ import annotations

from dashboard import i18n
from dashboard.identity import auth
from dashboard.onboarding import queue, sheets, workflow
from tests.app.helpers import signed_in_app
from tests.sheets.helpers import HEADER, csv_bytes, phangnga_rows


def th(key: str, **params: object) -> str:
    return i18n.translate(key, "th", **params)


def test_mapping_step_preview_and_import(app_env, demo_accounts) -> None:
    _, password, _ = demo_accounts["demo.phangnga"]
    officer = auth.sign_in("demo.phangnga", password, session_id="seed")
    header = ["ชื่อวิสาหกิจ/กลุ่ม", *[h for h in HEADER if h != "ชื่อกลุ่ม"]]
    rows = [{**r, "ชื่อวิสาหกิจ/กลุ่ม": r["ชื่อกลุ่ม"]} for r in phangnga_rows()[:5]]
    data = csv_bytes(rows, header)
    layout = sheets.inspect_sheet(officer, data, "พังงา-กลุ่ม.csv")
    assert layout.needs_mapping

    at = signed_in_app("demo.phangnga", password)
    at.switch_page("pages/application_import.py").run()
    assert not at.exception
    assert at.get("download_button")  # the template
    at.session_state["import_layout"] = (data, layout)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    # One choice per file column; the unknown one starts at "ignore", the others known.
    boxes = {b.key: b for b in at.selectbox if (b.key or "").startswith("map_")}
    assert len(boxes) == len(header)
    first = next(b for k, b in boxes.items() if k.endswith("_" + layout.columns[0].name))
    assert first.value is None
    assert th("sheets.mapping.column", letter="A", header="ชื่อวิสาหกิจ/กลุ่ม") in first.label
    assert th("sheets.mapping.required_mark", label=th("sheets.field.name_th")) in first.options
    first.select("name_th")
    next(b for b in at.button if b.label == th("sheets.mapping.check_rows")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    text = " ".join(m.value for m in at.markdown)
    assert th("import.summary", good=3, bad=2) in text
    assert "แถวที่ 5 คอลัมน์ H «ตำบล»" in text  # the file's own column and line
    assert "รหัสไปรษณีย์ 82000 ไม่ใช่ของ" in text

    confirm = next(b for b in at.button if b.label == th("import.confirm", count=3))
    confirm.click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [th("import.done", count=3)]
    mine = queue.queue(officer)
    imported = mine.filter(mine["name_th"].str.starts_with("วิสาหกิจชุมชนบ้านบ่อแสน"))
    assert imported.height == 3
    subs = sorted(workflow.get(officer, a)["subdistrict_code"] for a in imported["application_id"])
    assert subs == ["820101", "820703", "820703"]

    # The office's next sheet: the mapping step offers last time's choice.
    again = sheets.inspect_sheet(officer, data, "พังงา-กลุ่ม-2.csv")
    assert again.remembered and again.columns[0].field == "name_th"
