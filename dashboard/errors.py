"""The app's small exception family. Services raise these; the UI turns each into a
message in the user's language in one place (``dashboard.ui.show_error``).

``key`` names a message in the catalogs (``dashboard/locales/*.json``); ``params``
fill its placeholders. ``str(exc)`` is an English fallback for logs and the CLI.
"""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    key = "error.generic"

    def __init__(self, key: str | None = None, **params: Any) -> None:
        self.key = key or self.key
        self.params = params
        super().__init__(f"{self.key} {params}" if params else self.key)


class PermissionDenied(AppError):
    """The acting user's role or scope does not allow this."""

    key = "error.permission_denied"


class NotSignedIn(PermissionDenied):
    key = "error.not_signed_in"


class NotFound(AppError):
    key = "error.not_found"


class Conflict(AppError):
    """Someone else changed the thing first (e.g. another officer decided it)."""

    key = "error.conflict"


class ValidationFailed(AppError):
    key = "error.validation_failed"
