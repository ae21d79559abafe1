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
    page.click("text=Add another date")  # the enhancement: a fifth row
    page.fill("#id_key_dates-4-date", "2099-03-31")
    page.fill("#id_key_dates-4-label", "contract signature")
    page.click("text=Send to support")
    page.wait_for_load_state()
    assert "Installer fails" in page.locator("h1").inner_text()
    text = page.locator("main").inner_text()
    assert "tomorrow" in text and "contract signature 31 Mar 2099" in text
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


def test_leadership_decides_an_exception_and_sees_joined_channels(
    chromium_available, transactional_db, live_server, page, artifacts
):
    from datetime import date

    from presales import services
    from tests.presales.conftest import file_request

    cara = UserFactory(username="cara", role="ce")
    sam = UserFactory(username="sam", role="support")
    UserFactory(username="lee", role="leadership")
    prospect = AccountFactory(name="Acme Prospect", tier="presales")
    r = file_request(cara, account=prospect)
    services.channel_join(ticket=r.ticket, by=sam, channel="#trial-acme")
    e = services.exception_request(by=cara, kind="monitor_channel", account=prospect,
                                   ticket=r.ticket, reason="40-seat trial, exec sponsor",
                                   ends_on=date(2099, 1, 31))  # fmt: skip
    base = live_server.url

    sign_in(page, base, "lee")
    page.goto(f"{base}/presales/exceptions/")
    assert "Waiting for your decision" in page.content()
    page.screenshot(path=str(artifacts / "presales-exceptions-leadership.png"), full_page=True)
    page.click(f"text=#{e.pk} Support monitors")
    page.check("#id_decision_0")
    page.click("text=Record decision")
    page.wait_for_load_state()
    assert "This field is required" in page.content()
    page.fill("#id_note", "Approved until the trial ends.")
    page.click("text=Record decision")
    page.wait_for_load_state()
    assert "Approved" in page.locator("h1 + p").inner_text()
    page.screenshot(path=str(artifacts / "presales-exception-decided.png"), full_page=True)
    page.goto(f"{base}/presales/channels/")
    assert "#trial-acme" in page.content()
    page.screenshot(path=str(artifacts / "presales-channels-leadership.png"), full_page=True)
