"""The longest text each field may hold, shared by the ETL's validation, the services'
validators and the forms' ``max_chars``.

Without limits a 1 MB "name" loads, passes the preview and then sits in every queue page
and export. The numbers are generous for real data — the longest Thai group name in the
DOPA community-enterprise register is under 150 characters — and small enough that no
single cell can take a page down.
"""

from __future__ import annotations

NAME = 200  # a seller's, group's or person's name, Thai or English
TITLE = 200  # a listing title
DESCRIPTION = 5_000  # a listing description
NOTE = 1_000  # an officer's note on a decision, a document, a flag or a case
ADDRESS = 500  # an address line (house number, หมู่, road)
CODE = 64  # ids and codes of every kind (application, listing, seller, branch, …)
TEXT = 500  # any other free-text field of a feed

# Per field, where it differs from CODE (ids) or TEXT (anything else).
FIELDS: dict[str, int] = {
    "name_th": NAME,
    "name_en": NAME,
    "title_th": TITLE,
    "title_en": TITLE,
    "description": DESCRIPTION,
    "note": NOTE,
    "decision_note": NOTE,
    "address_line": ADDRESS,
    "receiver_name": NAME,
    "location": NAME,
    "status_description": TEXT,
}


def max_length(field: str, kind: str = "text") -> int:
    """The limit of one field: its own, else CODE for ids and digits, TEXT otherwise."""
    if field in FIELDS:
        return FIELDS[field]
    return CODE if kind in ("id", "digits") else TEXT
