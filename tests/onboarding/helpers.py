"""Shared steps of the onboarding tests (real services, real DB)."""

from __future__ import annotations

from typing import Any

from dashboard.identity.user import User
from dashboard.onboarding import checklist, imports, workflow


def new_application(officer: User, data: dict[str, Any], *, clean: bool = True) -> str:
    """Create an application as ``officer``; with ``clean``, accept every document."""
    app = imports.create_application(officer, data)
    if clean:
        accept_documents(officer, app["application_id"], app)
    return app["application_id"]


def accept_documents(officer: User, application_id: str, app: dict[str, Any] | None = None) -> None:
    app = app or workflow.get(officer, application_id)
    for item in checklist.required_documents(
        app["seller_type"], has_juristic_id=bool(app["juristic_id"])
    ):
        workflow.set_document(officer, application_id, item, "accepted")
