"""Fixtures of the onboarding tests: valid applications (the ops DB stack and the cast of
accounts, ``users``, are the suite's own, in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.onboarding.helpers import application_factory


@pytest.fixture
def app_data() -> Callable[..., dict[str, Any]]:
    """A valid community-enterprise application in Phang Nga; keywords override fields."""
    return application_factory()
