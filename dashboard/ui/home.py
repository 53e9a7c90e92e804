"""The home page's figures, cached per user and lake."""

from __future__ import annotations

from dashboard import home
from dashboard.identity.user import User
from dashboard.ui import lake
from warehouse.settings import load_settings


@lake.lake_cache
def _home_figures(user: User, lake_catalog: str, lake_data_path: str) -> home.HomeFigures:
    # Keyed by the whole user (id, role, scope): one user's figures never serve another.
    # The connection is looked up here, never passed in (it cannot be hashed or pickled).
    return home.home_figures(user, con=lake.reader())


def home_figures(user: User) -> home.HomeFigures:
    """The home page figures of ``user`` (cached for a few minutes per user and lake)."""
    settings = load_settings()
    return _home_figures(user, settings.lake_catalog, settings.lake_data_path)
