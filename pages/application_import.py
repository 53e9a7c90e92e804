"""New applications (provincial officers, admins): a provincial spreadsheet (CSV or XLSX)
previewed row by row — every bad row with its problems — and only the confirmed good rows
saved; or the form an officer fills on a seller's behalf, attributed to that officer."""

import json

import polars as pl
import streamlit as st

from dashboard import export, formatting, i18n, ui
from dashboard.identity.user import User
from dashboard.onboarding import imports, scope, sheet_columns, sheet_template, sheets, validators
from dashboard.ui import labels, tables, text, widgets
from dashboard.ui import sheets as sheets_ui
from warehouse import limits
from warehouse.vocab import SELLER_TYPES

PREVIEW = "import_preview"
RESULT = "import_result"
UPLOADER_GENERATION = "import_uploader_generation"
CREATED = "import_created"
# The uploaded sheet and its columns while the officer matches them (the mapping step).
LAYOUT = "import_layout"
GOOD_COLUMNS = {
    "line_no": "import.line",
    "name_th": "applications.name",
    "seller_type": "applications.seller_type",
    "national_id": "applications.field.national_id",
    "subdistrict": "sheets.good.subdistrict",
    "district": "applications.district",
    "bank_code": "sheets.good.bank",
    "submitted_at": "applications.submitted_at",
}
VALUE_PREFIXES = {"seller_type": "onboarding.seller_type"}
# The preview lists this many problems and good rows on the page; the rest are counted,
# and every problem is in the download.
PROBLEMS_SHOWN = 50
GOOD_ROWS_SHOWN = 200


def problem_text(line: int, params: dict, problem: str) -> str:
    """One problem's line: naming the file's column where the problem is about one."""
    if params.get("column"):
        return ui.md(
            "sheets.problem_line",
            line=line,
            letter=params.get("letter", ""),
            column=params["column"],
            problem=problem,
        )
    return ui.md("import.problem_line", line=line, problem=problem)


def problems_csv(preview: sheets.ImportPreview) -> bytes:
    """Every problem of the preview, one per line, in the reader's language."""
    lang = ui.language()
    frame = preview.problems_frame().with_columns(
        problem=pl.struct("key", "params").map_elements(
            lambda r: i18n.translate(
                r["key"], lang, **sheet_columns.localized(json.loads(r["params"]), lang)
            ),
            return_dtype=pl.Utf8,
        )
    )
    # Headed in the reader's words, like the page: line, the file's column, the problem.
    return export.csv_bytes(
        frame.select(
            pl.col("line_no").alias(ui.t("import.line")),
            pl.col("column").alias(ui.t("sheets.csv.column")),
            pl.col("problem").alias(ui.t("sheets.csv.problem")),
        )
    )


def show_problems(preview: sheets.ImportPreview) -> None:
    st.markdown(ui.t("import.bad_rows"))
    problems = [(row.line_no, p) for row in preview.bad for p in row.problems]
    for line, p in problems[:PROBLEMS_SHOWN]:
        st.markdown(problem_text(line, p.params, sheets_ui.check_message(p)))
    if len(problems) > PROBLEMS_SHOWN:
        st.caption(ui.t("import.more_problems", shown=PROBLEMS_SHOWN, count=len(problems)))
    st.download_button(
        ui.t("import.download_problems"),
        data=lambda: problems_csv(preview),
        file_name=f"problems-{preview.file_name}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="download_problems",
    )


def field_option(field: str | None) -> str:
    if field is None:
        return ui.t("sheets.mapping.ignore")
    label = ui.t(f"sheets.field.{field}")
    if field in sheets.SHEET_REQUIRED_COLUMNS:
        return ui.t("sheets.mapping.required_mark", label=label)
    return label


def mapping_step(user: User, data: bytes, layout: sheets.SheetLayout, generation: int) -> None:
    """Each column of the file beside a choice of field or "ignore"; nothing is checked
    until the officer confirms, and the confirmed choice is remembered for the office."""
    st.subheader(ui.md("sheets.mapping.title", file=layout.file_name))
    st.caption(ui.t("sheets.mapping.help"))
    if layout.remembered:
        st.info(ui.t("sheets.mapping.remembered"), icon=":material/history:")
    required = ", ".join(ui.t(f"sheets.field.{f}") for f in sheets.SHEET_REQUIRED_COLUMNS)
    st.markdown(ui.md("sheets.mapping.required_list", fields=required))
    options: list[str | None] = [None, *sheet_columns.SHEET_FIELDS]
    status = {
        "dictionary": "sheets.mapping.known",
        "remembered": "sheets.mapping.from_memory",
        None: "sheets.mapping.unknown",
    }
    # The choices are keyed by the file too: another file's same headers start afresh.
    token = f"{generation}_{hash(data) & 0xFFFFFFFF:x}"
    with st.form(f"sheet_mapping_{token}", border=True):
        chosen: dict[str, str | None] = {}
        for c in layout.columns:
            left, right = st.columns([2, 3])
            title = (
                ui.md("sheets.mapping.column", letter=c.letter, header=c.header)
                if c.header
                else ui.t("sheets.mapping.unnamed", letter=c.letter)
            )
            chosen[c.name] = right.selectbox(
                title,
                options,
                index=options.index(c.field),
                format_func=field_option,
                key=f"map_{token}_{c.name}",
            )
            if c.sample:
                left.caption(ui.md("sheets.mapping.sample", sample=c.sample))
            else:
                left.caption(ui.t("sheets.mapping.no_sample"))
            left.caption(ui.t(status[c.source]))
        submitted = st.form_submit_button(
            ui.t("sheets.mapping.check_rows"), type="primary", icon=":material/rule:"
        )
    if submitted:
        preview = sheets_ui.attempt(
            sheets.preview_spreadsheet,
            user,
            data,
            layout.file_name,
            chosen,
            remember=True,
            session_id=ui.session_id(),
        )
        if preview is not None:
            st.session_state[PREVIEW] = preview
            st.session_state.pop(LAYOUT, None)
            st.rerun()
    if st.button(ui.t("sheets.mapping.cancel"), icon=":material/restart_alt:"):
        st.session_state.pop(LAYOUT, None)
        st.session_state[UPLOADER_GENERATION] = generation + 1
        st.rerun()


def template_download(user: User) -> None:
    st.caption(ui.t("sheets.template.help"))
    lang = ui.language()
    st.download_button(
        ui.t("sheets.template.download"),
        data=lambda: sheet_template.template_xlsx(user, lang),
        file_name=ui.t("sheets.template.file_name"),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/table_view:",
        key="download_template",
    )


def spreadsheet_tab(user: User) -> None:
    required = ", ".join(ui.t(f"sheets.field.{f}") for f in sheets.SHEET_REQUIRED_COLUMNS)
    st.caption(ui.t("sheets.help", fields=required, max_rows=sheets.MAX_SHEET_ROWS))
    template_download(user)
    generation = st.session_state.setdefault(UPLOADER_GENERATION, 0)
    upload = st.file_uploader(
        ui.t("import.upload"),
        type=["csv", "xlsx"],
        key=f"import_upload_{generation}",
        max_upload_size=sheets.MAX_SHEET_MB,
    )
    if upload is not None and st.button(
        ui.t("import.preview"), type="primary", icon=":material/preview:"
    ):
        st.session_state.pop(RESULT, None)
        st.session_state.pop(PREVIEW, None)
        st.session_state.pop(LAYOUT, None)
        data = upload.getvalue()
        layout = sheets_ui.attempt(sheets.inspect_sheet, user, data, upload.name)
        if layout is not None and layout.needs_mapping:
            st.session_state[LAYOUT] = (data, layout)
        elif layout is not None:
            st.session_state[PREVIEW] = sheets_ui.attempt(
                sheets.preview_spreadsheet, user, data, upload.name
            )
    result = st.session_state.get(RESULT)
    if result:
        st.success(ui.t("import.done", count=len(result.created)), icon=":material/check:")
        tables.show_lines(
            "import.skipped_line",
            [
                {
                    "line": n,
                    "problem": sheets_ui.check_message(result.reasons[n])
                    if n in result.reasons
                    else ui.t(k),
                }
                for n, k in sorted(result.skipped.items())
            ],
        )
    pending = st.session_state.get(LAYOUT)
    if pending is not None:
        mapping_step(user, pending[0], pending[1], generation)
        return
    preview = st.session_state.get(PREVIEW)
    if preview is None:
        return
    st.subheader(ui.md("import.preview_title", file=preview.file_name))
    st.markdown(ui.t("import.summary", good=len(preview.good), bad=len(preview.bad)))
    if preview.bad:
        show_problems(preview)
    if not preview.good:
        return
    st.markdown(ui.t("import.good_rows"))
    good = preview.good_frame()
    if good.height > GOOD_ROWS_SHOWN:
        st.caption(text.first_rows(GOOD_ROWS_SHOWN, good.height))
    shown = sheets_ui.good_rows(good.head(GOOD_ROWS_SHOWN))
    tables.show_table(shown, GOOD_COLUMNS, VALUE_PREFIXES, key="good_rows")
    lines = good["line_no"].to_list()
    if len(lines) <= GOOD_ROWS_SHOWN:
        chosen = st.multiselect(
            ui.t("import.lines_to_save"), lines, default=lines, key=f"import_lines_{generation}"
        )
    else:
        chosen = lines
    if st.button(
        ui.t("import.confirm", count=len(chosen)),
        type="primary",
        disabled=not chosen,
        icon=":material/save:",
    ):
        with ui.errors_shown():
            result = sheets.confirm_import(user, preview, chosen, session_id=ui.session_id())
        st.session_state[RESULT] = result
        st.session_state.pop(PREVIEW, None)
        st.session_state[UPLOADER_GENERATION] = generation + 1
        st.rerun()


def form_tab(user: User) -> None:
    created = st.session_state.pop(CREATED, None)
    if created:
        st.success(ui.md("import.created", id=created), icon=":material/check:")
    with ui.errors_shown():
        provinces = scope.acting_provinces(user) or tuple(formatting.province_codes())
    seller_type = st.selectbox(
        ui.t("applications.seller_type"),
        SELLER_TYPES,
        format_func=lambda s: ui.t(f"onboarding.seller_type.{s}"),
        key="form_seller_type",
    )
    left, right = st.columns(2)
    name_th = left.text_input(
        ui.t("applications.field.name_th"), key="form_name_th", max_chars=limits.NAME
    )
    name_en = right.text_input(
        ui.t("applications.field.name_en"), key="form_name_en", max_chars=limits.NAME
    )
    national_id = left.text_input(
        ui.t("applications.field.national_id"), key="form_national_id", max_chars=limits.CODE
    )
    juristic_id = right.text_input(
        ui.t("applications.field.juristic_id"), key="form_juristic_id", max_chars=limits.CODE
    )
    ce_code = left.text_input(
        ui.t("applications.field.ce_registration_code"), key="form_ce_code", max_chars=limits.CODE
    )
    members = right.number_input(
        ui.t("applications.field.count_members"), min_value=0, step=1, key="form_members"
    )
    phone = left.text_input(
        ui.t("applications.field.phone"), key="form_phone", max_chars=limits.CODE
    )
    promptpay = right.text_input(
        ui.t("applications.field.promptpay_proxy"), key="form_promptpay", max_chars=limits.CODE
    )
    bank = widgets.optional_select(
        "applications.field.bank_code",
        "common.choose",
        validators.BANKS,
        lambda b: f"{b} {validators.BANKS[b]}",
        key="form_bank",
        container=left,
    )
    account = right.text_input(
        ui.t("applications.field.bank_account_no"), key="form_account", max_chars=limits.CODE
    )
    province = left.selectbox(
        ui.t("import.province"), provinces, format_func=labels.province_label, key="form_province"
    )
    district = right.selectbox(
        ui.t("applications.district"),
        labels.districts_of(province),
        format_func=labels.district_name,
        key=f"form_district_{province}",
    )
    subdistricts = labels.subdistricts_of(district)
    subdistrict = left.selectbox(
        ui.t("applications.field.subdistrict_code"),
        list(subdistricts),
        format_func=lambda s: subdistricts[s][0],
        key=f"form_subdistrict_{district}",
    )
    postal = right.selectbox(
        ui.t("applications.field.postal_code"),
        subdistricts[subdistrict][1] if subdistrict else [],
        key=f"form_postal_{subdistrict}",
    )
    if st.button(ui.t("import.form_submit"), type="primary", icon=":material/person_add:"):
        data = {
            "seller_type": seller_type,
            "name_th": name_th,
            "name_en": name_en,
            "national_id": national_id,
            "juristic_id": juristic_id,
            "ce_registration_code": ce_code,
            "count_members": str(int(members)) if members else None,
            "phone": phone,
            "bank_code": bank,
            "bank_account_no": account,
            "promptpay_proxy": promptpay,
            "province_code": province,
            "district_code": district,
            "subdistrict_code": subdistrict,
            "postal_code": postal,
        }
        app = text.attempt(imports.create_application, user, data, session_id=ui.session_id())
        if app is not None:
            st.session_state[CREATED] = app["application_id"]
            st.rerun()


def render(user: User) -> None:
    st.title(ui.t("nav.application_import"))
    sheet, form = st.tabs([ui.t("import.tab_sheet"), ui.t("import.tab_form")])
    with sheet:
        spreadsheet_tab(user)
    with form:
        form_tab(user)


user = ui.guard("application_import")
render(user)
