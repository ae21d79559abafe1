import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _orm_beside_playwright():
    """Let the test's ORM calls run while Playwright's sync API holds an event loop."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
