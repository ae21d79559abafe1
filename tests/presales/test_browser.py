"""A CE files a request in the browser; support finds it in the queue with its key date flagged."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.browser


def sign_in(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests")
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state()


def test_ce_files_a_request_with_inline_errors_and_support_sees_it_in_the_queue(
    chromium_available, transactional_db, live_server, page, artifacts
):
    UserFactory(username="cara", role="ce")
    UserFactory(username="sam", role="support")
    AccountFactory(name="Acme Prospect", tier="presales")
    base = live_server.url
    soon = (timezone.localdate() + timedelta(days=1)).isoformat()

    sign_in(page, base, "cara")
    page.goto(f"{base}/presales/new/")
    page.select_option("#id_account", label="Acme Prospect (Pre-sales)")
    page.fill("#id_attempted_and_expected", "Ran the installer; expected a running cluster.")
    page.fill("#id_steps_taken", "Checked disk space and DNS.")
    page.check("#id_impact_scope_0")
    page.fill("#id_impact", "The whole evaluation team is blocked.")
    page.fill("#id_design_doc_links", "https://docs.example.com/tdd/acme")
    page.fill("#id_sales_context", "Proof of concept, week 2.")
    page.fill("#id_key_dates-0-date", soon)
    page.fill("#id_key_dates-0-label", "decision")
    page.click("text=Send to support")
    page.wait_for_load_state()
    assert page.locator("[role=alert]").inner_text().startswith("Nothing was saved")
    assert page.locator("#id_summary_error, .errorlist").first.is_visible()
    page.screenshot(path=str(artifacts / "presales-form-missing-summary.png"), full_page=True)

    page.fill("#id_summary", "Installer fails on the prospect's air-gapped cluster")
    page.click("text=Send to support")
    page.wait_for_load_state()
    assert "Installer fails" in page.locator("h1").inner_text()
    assert "tomorrow" in page.content()
    page.screenshot(path=str(artifacts / "presales-request-detail.png"), full_page=True)
    page.goto(f"{base}/presales/")
    page.screenshot(path=str(artifacts / "presales-my-requests.png"), full_page=True)
    page.click("text=Sign out")
    page.wait_for_load_state()

    sign_in(page, base, "sam")
    page.goto(f"{base}/")
    queue = page.locator("table.queue")
    assert "Installer fails" in queue.inner_text()
    assert page.locator(".presales-alerts").is_visible()
    page.screenshot(path=str(artifacts / "presales-queue-as-support.png"), full_page=True)
    page.click("table.queue >> text=Installer fails")
    page.wait_for_load_state()
    assert "Failed deployment or total loss of service" in page.content()
    page.screenshot(path=str(artifacts / "presales-ticket-panel.png"), full_page=True)
