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


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("username", ["sam", "lee", "eve"])
def test_queue_page_bands_work_waiting_on_the_customer_and_shows_the_due_that_ranks(
    chromium_available, live_server, page, artifacts, username
):
    """R4 and R6 on the page each staff role sees: our work first, with the due time that ranks
    each row (the next update's once answered), then work waiting on the customer."""
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import UserFactory
    from tests.factories import public_reply as reply
    from triage import services

    sam = engineer("sam", zone="Europe/London")
    UserFactory(username="lee", role="leadership")
    UserFactory(username="eve", role="engineering")
    now = timezone.now()
    answered = TicketFactory(tier="enterprise", severity="p1", title="Answered: export fixed?")
    reply(ticket=answered, by=sam, body="Found it; a patch is next.", substantive=True)
    TicketFactory(
        tier="team", severity="p1", title="Webhooks arrive twice", now=now - timedelta(hours=1)
    )
    waiting = TicketFactory(tier="enterprise", severity="p0", title="We asked for their logs")
    services.ticket_pin(ticket=waiting, by=sam, reason="their launch is today")
    services.ticket_set_status(
        ticket=waiting, by=sam, status="waiting_on_customer", now=now - timedelta(hours=2)
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, username)
    band = page.locator("tr.band")
    assert band.is_visible() and "Waiting on the customer" in band.inner_text()
    waiting_row = page.locator(f'tr[data-ticket-id="{waiting.pk}"]')
    assert "waiting 2 h" in waiting_row.inner_text()
    assert "next update" in page.locator(f'tr[data-ticket-id="{answered.pk}"]').inner_text()
    page.screenshot(path=artifacts / f"queues-waiting-band-{username}.png", full_page=True)
