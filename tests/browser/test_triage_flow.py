"""A support engineer's day in a real browser: Playwright driving Debian's chromium.

Sign in → claim next → override priority without a reason (error) → with one → reply → resolve;
a second session files a p0 that the first sees at the top through htmx polling; `n` claims.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import AccountFactory, TicketFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(chromium_available):
    return {
        "sam": UserFactory(username="sam", role="support"),
        "sofia": UserFactory(username="sofia", role="support"),
    }


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests")
    page.click("button[type=submit]")
    expect(page.get_by_role("heading", name="Open queue")).to_be_visible()
    expect(page.locator(".message.success")).to_contain_text(f"Signed in as {username}.")
    # The shortcuts live in app.js (deferred): under load the heading shows before it runs.
    page.wait_for_load_state("load")


def test_support_engineer_triages_replies_and_resolves(
    people, live_server, page: Page, browser, settings, artifacts
):
    settings.QUEUE_REFRESH_SECONDS = 1
    acme = AccountFactory(name="Acme Corp", tier="enterprise")
    top = TicketFactory(account=acme, severity="p1", title="Dashboards time out")
    TicketFactory(tier="free", severity="p2", title="How do I export CSV?")
    base = live_server.url

    sign_in(page, base, "sam")
    page.get_by_role("button", name=re.compile("Claim next")).click()
    expect(page).to_have_url(f"{base}/tickets/{top.pk}/")
    expect(page.locator(".message.success")).to_contain_text(f"You claimed #{top.pk}")
    expect(page.locator("#why-h")).to_have_text("Why it is number 1")

    # Override the suggestion (p1 for severity p1 from enterprise) without a reason: refused.
    triage = page.locator("#triage-form")
    expect(triage.locator("input[name=priority][value=p1]")).to_be_checked()
    # The suggestion follows the severity (enterprise p2 → p2) until a priority is picked.
    triage.locator("input[name=severity][value=p2]").check()
    expect(triage.locator("input[name=priority][value=p2]")).to_be_checked()
    expect(page.locator("#suggested-priority")).to_have_text("p2")
    triage.locator("input[name=severity][value=p1]").check()
    expect(triage.locator("input[name=priority][value=p1]")).to_be_checked()
    triage.locator("input[name=priority][value=p0]").check()
    triage.get_by_role("button", name="Save triage").click()
    expect(page.locator("#reason-error")).to_contain_text("Say why")
    expect(page.locator(".message.error")).to_contain_text("Nothing was saved")
    expect(page.locator("#id_reason")).to_have_attribute("aria-invalid", "true")

    page.locator("#triage-form input[name=priority][value=p0]").check()
    page.fill("#id_reason", "Their launch is tomorrow; leadership asked for p0")
    page.get_by_role("button", name="Save triage").click()
    expect(page.locator(".message.success")).to_contain_text("priority p0")

    page.fill("#id_body", "We traced the timeouts to a slow query; next we add an index.")
    page.locator("#id_first_response").check()
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".message.success")).to_contain_text("First response recorded.")
    expect(page.locator(".timeline")).to_contain_text("We traced the timeouts")
    expect(page.locator(".timeline")).to_contain_text(
        "Why: Their launch is tomorrow; leadership asked for p0"
    )
    page.screenshot(path=str(artifacts / "ticket-page.png"), full_page=True)

    page.get_by_role("button", name="Resolve").click()
    expect(page.locator(".message.success")).to_contain_text("Resolved")
    expect(page.locator("#why-h")).to_have_text("Where it stands")

    # A second session files a p0; the first sees it on top without reloading the page.
    page.goto(f"{base}/")
    page.evaluate("window.__notReloaded = true")
    other = browser.new_context()
    try:
        second = other.new_page()
        sign_in(second, base, "sofia")
        second.get_by_role("link", name="New ticket").click()
        second.fill("#id_title", "Total outage after upgrade")
        second.fill("#account-q", "acme")
        second.get_by_role("radio", name=re.compile("Acme Corp")).check()
        second.select_option("#id_severity", "p0")
        second.get_by_role("button", name="File ticket").click()
        expect(second.locator(".message.success")).to_contain_text("it is in the queue")
    finally:
        other.close()
    first_row = page.locator("#queue-rows tbody tr").first
    expect(first_row).to_contain_text("Total outage after upgrade", timeout=15_000)
    assert page.evaluate("window.__notReloaded") is True
    expect(first_row.get_by_title("priority p0")).to_have_text("P0")
    page.screenshot(path=str(artifacts / "queue-page.png"), full_page=True)

    # `n` claims the number one unclaimed ticket: the new p0.
    page.locator("body").press("n")
    expect(page.locator(".message.success")).to_contain_text("You claimed")
    expect(page.locator("h1")).to_contain_text("Total outage after upgrade")


def test_keyboard_moves_opens_and_shows_shortcuts(people, live_server, page: Page, settings):
    settings.QUEUE_REFRESH_SECONDS = 1
    first = TicketFactory(tier="enterprise", severity="p0", title="First in line")
    TicketFactory(tier="team", severity="p2", title="Second in line")
    base = live_server.url
    sign_in(page, base, "sam")

    page.keyboard.press("?")
    expect(page.locator("#shortcuts dl")).to_be_visible()
    page.keyboard.press("Escape")
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    selected = page.locator("#queue-rows tr.selected")
    expect(selected).to_contain_text("First in line")
    # The selection survives an htmx refresh of the rows.
    page.wait_for_timeout(2500)
    expect(page.locator("#queue-rows tr.selected")).to_contain_text("First in line")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base}/tickets/{first.pk}/")


def test_pages_work_from_the_keyboard_with_labels_focus_and_contrast(
    people, live_server, page: Page, artifacts
):
    ticket = TicketFactory(tier="enterprise", severity="p1", title="Check me")
    base = live_server.url
    sign_in(page, base, "sam")

    # Tab order: skip link, brand, then the navigation in reading order.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Support Triage"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Queue"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused link shows a focus ring"

    pages = {
        "queue": "/",
        "ticket": f"/tickets/{ticket.pk}/",
        "new-ticket": "/tickets/new/?account_q=acc",
        "accounts": "/accounts/",
        "account": f"/accounts/{ticket.account_id}/",
        "not-found": "/tickets/999999/",
    }
    for name, path in pages.items():
        page.goto(base + path)
        page.screenshot(path=str(artifacts / f"a11y-{name}.png"), full_page=True)
        unlabelled = page.evaluate(UNLABELLED_JS)
        assert unlabelled == [], f"inputs without a label on {path}: {unlabelled}"
        low = page.evaluate(CONTRAST_JS)
        assert low == [], f"text below 4.5:1 contrast on {path}: {low}"


UNLABELLED_JS = """
() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby'))
  .map(el => el.name || el.id)
"""

CONTRAST_JS = """
() => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = el => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const low = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!node.textContent.trim() || !el || el.offsetParent === null) continue;
    const fg = rgb(getComputedStyle(el).color).slice(0, 3);
    const [a, b] = [lum(fg), lum(background(el))].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    if (ratio < 4.5) low.push(node.textContent.trim().slice(0, 40) + ' ' + ratio.toFixed(2));
  }
  return low;
}
"""


def test_busy_queue_fits_a_1280px_screen(people, live_server, page: Page, artifacts):
    from datetime import timedelta

    from django.utils import timezone

    from triage import services

    now = timezone.now()
    sam = people["sam"]
    pinned = TicketFactory(tier="free", severity="p2", title="Docs typo blocks a launch")
    services.ticket_pin(ticket=pinned, by=sam, reason="launch on stage in an hour")
    TicketFactory(
        tier="enterprise",
        severity="p0",
        title="Breached: SSO login fails",
        now=now - timedelta(hours=3),
    )
    TicketFactory(tier="presales", severity="p1", title="Trial cluster won't deploy")
    near = TicketFactory(
        tier="free",
        severity="p1",
        title="Near breach: exports are slow " + "and keep timing out " * 4,
        now=now - timedelta(minutes=100),
    )
    services.ticket_assign(ticket=near, by=sam, assignee=sam)
    TicketFactory(tier="open_source", severity="p2", title="Question about the plugin API")
    TicketFactory(tier="internal", title="Update the runbook")
    page.set_viewport_size({"width": 1280, "height": 720})
    sign_in(page, live_server.url, "sam")
    expect(page.locator("#queue-rows .due-breached").first).to_contain_text("breached")
    expect(page.locator("#queue-rows .pin")).to_have_count(1)
    expect(page.locator("#queue-rows .due-near")).to_contain_text("in 19 min")
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 1280, f"the page is {overflow}px wide on a 1280px screen"
    page.screenshot(path=str(artifacts / "queue-page-busy.png"), full_page=True)
