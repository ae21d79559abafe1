"""The rota page and the load banner in a real browser (screenshots in artifacts/)."""

import os

import pytest

from queues.services import load_evaluate
from tests.factories import TicketFactory
from tests.queues.helpers import engineer

pytestmark = pytest.mark.browser
# Session fixtures (Playwright's loop, then the test database) start before the function-scoped
# `chromium_available` can set this, when this module runs on its own.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_engineer_sets_hours_on_the_rota_page_and_sees_the_banner(
    chromium_available, live_server, page, artifacts
):
    engineer("ada", zone="Europe/Berlin")
    engineer("maya", zone="America/New_York", region="americas")
    engineer("sam", zone="Europe/London")
    for _ in range(12):
        TicketFactory(tier="enterprise")
    load_evaluate()  # the banner shows the last evaluation (Celery beat's, every minute)
    sign_in(page, live_server, "sam")
    assert page.locator(".load-banner").is_visible()
    page.screenshot(path=artifacts / "queues-load-banner.png", full_page=True)

    page.click("nav >> text=Rota")
    page.fill("#id_start_5", "22:00")
    page.fill("#id_end_5", "02:00")
    page.click("text=Save hours")
    assert page.locator("text=Hours saved for sam").is_visible()
    page.fill("#id_timezone", "Not/AZone")
    page.click("text=Save hours")
    assert page.locator("text=is not an IANA time zone name").is_visible()
    page.screenshot(path=artifacts / "queues-rota.png", full_page=True)
