"""New applications (provincial officers, admins): a provincial spreadsheet (CSV or XLSX)
previewed row by row — every bad row with its problems — and only the confirmed good rows
saved; or the form an officer fills on a seller's behalf, attributed to that officer."""

import streamlit as st

from dashboard import formatting, ui
from dashboard.errors import AppError
from dashboard.onboarding import imports, scope, validators

user = ui.guard("application_import")

PREVIEW = "import_preview"
RESULT = "import_result"
UPLOADER_GENERATION = "import_uploader_generation"
CREATED = "import_created"
GOOD_COLUMNS = {
    "line_no": "import.line",
    "name_th": "applications.name",
    "seller_type": "applications.seller_type",
    "national_id": "applications.field.national_id",
    "district": "applications.district",
    "submitted_at": "applications.submitted_at",
}


def spreadsheet_tab() -> None:
    st.caption(ui.t("import.sheet_help", columns=", ".join(imports.SHEET_REQUIRED_COLUMNS)))
    generation = st.session_state.setdefault(UPLOADER_GENERATION, 0)
    upload = st.file_uploader(
        ui.t("import.upload"), type=["csv", "xlsx"], key=f"import_upload_{generation}"
    )
    if upload is not None and st.button(
        ui.t("import.preview"), type="primary", icon=":material/preview:"
    ):
        try:
            st.session_state[PREVIEW] = imports.preview_spreadsheet(
                user, upload.getvalue(), upload.name
            )
        except AppError as exc:
            ui.show_error(exc)
        st.session_state.pop(RESULT, None)
    result = st.session_state.get(RESULT)
    if result:
        st.success(ui.t("import.done", count=len(result.created)), icon=":material/check:")
        ui.show_lines(
            "import.skipped_line",
            [{"line": n, "problem": ui.t(k)} for n, k in sorted(result.skipped.items())],
        )
    preview = st.session_state.get(PREVIEW)
    if preview is None:
        return
    st.subheader(ui.md("import.preview_title", file=preview.file_name))
    st.markdown(ui.t("import.summary", good=len(preview.good), bad=len(preview.bad)))
    if preview.bad:
        st.markdown(ui.t("import.bad_rows"))
        ui.show_lines(
            "import.problem_line",
            [
                {"line": row.line_no, "problem": ui.check_text(p.as_dict())}
                for row in preview.bad
                for p in row.problems
            ],
        )
    if not preview.good:
        return
    st.markdown(ui.t("import.good_rows"))
    good = ui.preview_frame(preview.good)
    ui.show_table(ui.with_district_names(good), GOOD_COLUMNS, VALUE_PREFIXES, key="good_rows")
    lines = [row.line_no for row in preview.good]
    chosen = st.multiselect(
        ui.t("import.lines_to_save"), lines, default=lines, key=f"import_lines_{generation}"
    )
    if st.button(
        ui.t("import.confirm", count=len(chosen)),
        type="primary",
        disabled=not chosen,
        icon=":material/save:",
    ):
        with ui.errors_shown():
            result = imports.confirm_import(user, preview, chosen, session_id=ui.session_id())
        st.session_state[RESULT] = result
        st.session_state.pop(PREVIEW, None)
        st.session_state[UPLOADER_GENERATION] = generation + 1
        st.rerun()


VALUE_PREFIXES = {"seller_type": "onboarding.seller_type"}


def form_tab() -> None:
    created = st.session_state.pop(CREATED, None)
    if created:
        st.success(ui.md("import.created", id=created), icon=":material/check:")
    with ui.errors_shown():
        provinces = scope.acting_provinces(user) or tuple(formatting.province_codes())
    seller_type = st.selectbox(
        ui.t("applications.seller_type"),
        validators.SELLER_TYPES,
        format_func=lambda s: ui.t(f"onboarding.seller_type.{s}"),
        key="form_seller_type",
    )
    left, right = st.columns(2)
    name_th = left.text_input(ui.t("applications.field.name_th"), key="form_name_th")
    name_en = right.text_input(ui.t("applications.field.name_en"), key="form_name_en")
    national_id = left.text_input(ui.t("applications.field.national_id"), key="form_national_id")
    juristic_id = right.text_input(ui.t("applications.field.juristic_id"), key="form_juristic_id")
    ce_code = left.text_input(ui.t("applications.field.ce_registration_code"), key="form_ce_code")
    members = right.number_input(
        ui.t("applications.field.count_members"), min_value=0, step=1, key="form_members"
    )
    phone = left.text_input(ui.t("applications.field.phone"), key="form_phone")
    promptpay = right.text_input(ui.t("applications.field.promptpay_proxy"), key="form_promptpay")
    bank = ui.optional_select(
        "applications.field.bank_code",
        "common.choose",
        validators.BANKS,
        lambda b: f"{b} {validators.BANKS[b]}",
        key="form_bank",
        container=left,
    )
    account = right.text_input(ui.t("applications.field.bank_account_no"), key="form_account")
    province = left.selectbox(
        ui.t("import.province"), provinces, format_func=ui.province_label, key="form_province"
    )
    district = right.selectbox(
        ui.t("applications.district"),
        ui.districts_of(province),
        format_func=ui.district_name,
        key=f"form_district_{province}",
    )
    subdistricts = ui.subdistricts_of(district)
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
        try:
            app = imports.create_application(user, data, session_id=ui.session_id())
        except AppError as exc:
            ui.show_error(exc)
        else:
            st.session_state[CREATED] = app["application_id"]
            st.rerun()


st.title(ui.t("nav.application_import"))
sheet, form = st.tabs([ui.t("import.tab_sheet"), ui.t("import.tab_form")])
with sheet:
    spreadsheet_tab()
with form:
    form_tab()
