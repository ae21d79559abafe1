"""Leadership signs in, sees the matrix and the backlog chart, downloads a CSV (browser)."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import TicketFactory, UserFactory
from tests.factories import public_reply as ticket_reply
from triage import services

pytestmark = pytest.mark.browser

# Playwright's session-scoped event loop can start before pytest-django creates the test
# database (when this file runs alone), which is too late for `chromium_available` to allow it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _some_work():
    now = timezone.now()
    sam = UserFactory(username="sam", role="support")
    for days, tier, severity in [
        (0, "enterprise", "p0"),
        (1, "enterprise", "p1"),
        (2, "team", "p2"),
        (3, "free", "p2"),
        (5, "presales", "p1"),
        (9, "open_source", "p2"),
    ]:
        ticket = TicketFactory(
            tier=tier, severity=severity, now=now - timedelta(days=days, hours=1)
        )
        if days % 2:
            ticket_reply(
                ticket=ticket,
                by=sam,
                body="Findings and next steps.",
                substantive=True,
                now=now - timedelta(days=days),
            )
        if days > 4:
            services.ticket_set_status(
                ticket=ticket, by=sam, status="resolved", now=now - timedelta(days=days - 2)
            )


def test_leadership_sees_matrix_and_chart_and_downloads_csv(
    chromium_available, live_server, page, artifacts, transactional_db
):
    UserFactory(username="lee", role="leadership", password="pw-for-tests")
    _some_work()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "lee")
    page.fill("#id_password", "pw-for-tests")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Dashboard").click()
    page.wait_for_url("**/dashboard/")
    matrix = page.locator("#matrix")
    assert matrix.is_visible()
    assert matrix.locator("tbody tr").count() == 4  # p0..p3
    # Chart.js drew into the canvas (dashboard.js marks it once the chart exists).
    page.wait_for_selector("#backlog-chart[data-rendered='true']")
    box = page.locator("#backlog-chart").bounding_box()
    assert box and box["width"] > 300 and box["height"] > 200
    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)
    with page.expect_download() as info:
        page.locator("a[href='/dashboard/matrix.csv']").click()
    download = info.value
    path = artifacts / download.suggested_filename
    download.save_as(str(path))
    lines = path.read_text().splitlines()
    assert lines[0] == "priority,tier,open,oldest_minutes"
    assert any(line.startswith("p0,enterprise,1,") for line in lines)
