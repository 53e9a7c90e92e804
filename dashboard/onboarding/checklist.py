"""The required-documents checklist per seller type.

Each item is accepted, rejected or waived by an officer; a waiver or a rejection needs a
note (the next officer must know why). The checklist is complete when every required item
is accepted or waived.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from dashboard.errors import ValidationFailed
from warehouse import limits

ITEM_STATES = ("accepted", "rejected", "waived")
NOTE_REQUIRED = frozenset({"rejected", "waived"})
MAX_NOTE_LENGTH = limits.NOTE

# Documents every seller gives: who they are and where the money goes.
_COMMON = ("id_card_copy", "bank_book_copy")
REQUIRED_DOCUMENTS: dict[str, tuple[str, ...]] = {
    # SMCE registration (สวช.01), member list and the meeting that named the representative.
    "community_enterprise": (
        *_COMMON,
        "ce_registration_certificate",
        "member_list",
        "meeting_resolution",
    ),
    "otop_producer": (*_COMMON, "otop_registration"),
    "farmer_group": (*_COMMON, "group_registration", "member_list"),
    "housewife_group": (*_COMMON, "group_registration", "member_list"),
    "individual": (*_COMMON, "house_registration"),
}
# A registered company also shows its certificate of registration.
JURISTIC_DOCUMENT = "company_certificate"


def required_documents(seller_type: str | None, *, has_juristic_id: bool = False) -> list[str]:
    items = list(REQUIRED_DOCUMENTS.get(seller_type or "", _COMMON))
    if has_juristic_id:
        items.append(JURISTIC_DOCUMENT)
    return items


@dataclass(frozen=True)
class ChecklistStatus:
    required: tuple[str, ...]
    states: dict[str, str]  # item → accepted | rejected | waived (absent = not yet seen)

    @property
    def missing(self) -> list[str]:
        return [i for i in self.required if i not in self.states]

    @property
    def rejected(self) -> list[str]:
        return [i for i in self.required if self.states.get(i) == "rejected"]

    @property
    def is_complete(self) -> bool:
        return all(self.states.get(i) in ("accepted", "waived") for i in self.required)


def checklist_status(
    seller_type: str | None, has_juristic_id: bool, states: Mapping[str, str]
) -> ChecklistStatus:
    return ChecklistStatus(
        tuple(required_documents(seller_type, has_juristic_id=has_juristic_id)), dict(states)
    )


def validate_item(
    seller_type: str | None, has_juristic_id: bool, item: str, state: str, note: str | None
) -> None:
    """Refuse an unknown item or state, and a rejection or waiver without a note."""
    if item not in required_documents(seller_type, has_juristic_id=has_juristic_id):
        raise ValidationFailed("onboarding.checklist.unknown_item", item=item)
    if state not in ITEM_STATES:
        raise ValidationFailed("onboarding.checklist.unknown_state", state=state)
    if note and len(note) > MAX_NOTE_LENGTH:
        raise ValidationFailed("error.text_too_long", max=MAX_NOTE_LENGTH)
    if state in NOTE_REQUIRED and not (note or "").strip():
        raise ValidationFailed("onboarding.checklist.note_required", item=item, state=state)
