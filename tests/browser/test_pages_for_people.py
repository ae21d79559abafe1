"""Issue 12, points 7 and 9: pages speak to people, and their layout works at 1280 px (browser).

Signed in as each role, every page its navigation reaches (plus a ticket with its timeline, an
account, a pre-sales request, the exceptions and an escalation) shows no internal value: no
enumeration's stored value where it has a label (`in_progress`, `backed_up`, `open_source`),
no ISO timestamp (only `<time datetime>` attributes hold those), no duration in raw minutes.
Then the layout: leadership's navigation on one line, the status and escalation panels above
the triage form, the exceptions page's ticket links and single rows.
"""

from __future__ import annotations

import json
import re

import pytest
from django.apps import apps
from django.db import models
from playwright.sync_api import Page

from tests.browser.test_csp import demo, sign_in  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 1280

# What each role's navigation reaches, and the detail pages behind it.
PAGES = {
    "sam": [
        "/",
        "/tickets/new/",
        "/accounts/",
        "/rota/",
        "/presales/",
        "/presales/exceptions/",
        "/presales/channels/",
        "/me/token/",
        "/tickets/{ticket}/",
        "/tickets/{presales_ticket}/",
        "/accounts/{account}/",
        "/presales/requests/{request}/",
        "/presales/exceptions/{exception}/",
        "/engineering/escalations/{escalation}/",
    ],
    "cara": [
        "/presales/",
        "/presales/new/",
        "/presales/exceptions/",
        "/presales/requests/{request}/",
        "/presales/exceptions/{exception}/",
        "/me/token/",
    ],
    "lee": [
        "/",
        "/tickets/new/",
        "/accounts/",
        "/rota/",
        "/presales/",
        "/presales/exceptions/",
        "/presales/channels/",
        "/engineering/",
        "/dashboard/",
        "/notices/",
        "/me/token/",
        "/tickets/{ticket}/",
        "/accounts/{account}/",
        "/presales/requests/{request}/",
        "/presales/exceptions/{exception}/",
        "/engineering/escalations/{escalation}/",
    ],
    "eve": [
        "/",
        "/accounts/",
        "/rota/",
        "/engineering/",
        "/me/token/",
        "/tickets/{ticket}/",
        "/accounts/{account}/",
        "/engineering/escalations/{escalation}/",
    ],
}

# An ISO timestamp, or a date-time written for machines ("2026-12-02 10:54").
ISO = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d")
RAW_MINUTES = re.compile(r"\b\d{4,} ?min\b")  # "oldest 5736 min": say it in days and hours


def internal_values() -> set[str]:
    """Every stored enumeration value that is not a word people write: those with an
    underscore, from every model field with choices (TextChoices) in our apps."""
    values = set()
    for model in apps.get_models():
        if model._meta.app_label not in {"triage", "queues", "escalations", "presales"}:
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.Field) and field.choices:
                values |= {str(v) for v, _ in field.flatchoices if "_" in str(v)}
    return values


def raw_words(text: str, values: set[str]) -> list[str]:
    """Return what in a page's visible text is an internal value."""
    found = [v for v in sorted(values) if re.search(rf"(?<![\w/]){re.escape(v)}(?![\w/])", text)]
    found += ISO.findall(text) + RAW_MINUTES.findall(text)
    # A source or tier shown raw where its label is "Pre-sales".
    found += re.findall(r"(?<![\w/-])presales(?![\w/-])", text)
    return found


def test_no_page_shows_an_internal_value(demo, page: Page, artifacts):  # noqa: F811
    from triage.models import Ticket

    demo["presales_ticket"] = Ticket.objects.filter(source="presales").order_by("rank_key")[0].pk
    values = internal_values()
    assert {"in_progress", "waiting_on_customer", "backed_up", "open_source"} <= values
    page.set_viewport_size({"width": WIDTH, "height": 900})
    found = {}
    for who, paths in PAGES.items():
        sign_in(page, demo["base"], who)
        for path in paths:
            url = path.format(**demo)
            answer = page.goto(demo["base"] + url)
            assert answer.status == 200, f"{who} {url}: {answer.status}"
            page.wait_for_load_state("networkidle")
            slug = re.sub(r"[^a-z0-9]+", "-", url).strip("-") or "home"
            page.screenshot(path=str(artifacts / f"words-{who}-{slug}.png"), full_page=True)
            bad = raw_words(page.evaluate("document.body.innerText"), values)
            # And nothing is wider than the window at 1280 px (no sideways scrolling).
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > WIDTH:
                bad.append(f"{wide} px wide")
            if bad:
                found[f"{who} {url}"] = sorted(set(bad))
    (artifacts / "words-found.json").write_text(json.dumps(found, indent=1))
    assert found == {}


def test_leadership_navigation_fits_one_line_and_its_menu_works_by_keyboard(
    demo,  # noqa: F811
    page: Page,
    artifacts,
):
    page.set_viewport_size({"width": WIDTH, "height": 900})
    sign_in(page, demo["base"], "lee")
    page.goto(demo["base"] + "/dashboard/")
    header = page.locator("header.top").bounding_box()
    brand = page.locator("header.top .brand").bounding_box()
    page.screenshot(path=str(artifacts / "layout-lee-nav.png"), clip=header)
    # One line: the header is no taller than one row of its tallest item plus its padding.
    assert header["height"] < brand["height"] * 2 + 24, header
    tops = page.eval_on_selector_all(
        "header.top nav > a, header.top nav > details > summary",
        "els => els.map(e => Math.round(e.getBoundingClientRect().top))",
    )
    assert len(set(tops)) == 1, tops
    # The pre-sales pages sit in a menu that opens from the keyboard.
    summary = page.locator("header.top nav details summary", has_text="Pre-sales")
    summary.focus()
    page.keyboard.press("Enter")
    exceptions = page.locator("header.top nav details a", has_text="Exceptions")
    assert exceptions.is_visible()
    page.screenshot(path=str(artifacts / "layout-lee-nav-menu-open.png"))
    exceptions.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/presales/exceptions/")


def test_status_and_escalation_come_before_the_triage_form(demo, page: Page, artifacts):  # noqa: F811
    from triage.models import Ticket

    untriaged = Ticket.objects.filter(status="new", source="customer").order_by("rank_key")[0]
    page.set_viewport_size({"width": WIDTH, "height": 900})
    sign_in(page, demo["base"], "sam")
    for pk in (demo["ticket"], untriaged.pk):
        page.goto(f"{demo['base']}/tickets/{pk}/")
        page.screenshot(path=str(artifacts / f"layout-sam-ticket-{pk}.png"), full_page=True)
        triage_top = page.locator("#triage-form").bounding_box()["y"]
        for panel in ("#status-h", "#esc-panel-heading"):
            top = page.locator(panel).bounding_box()["y"]
            assert top < triage_top or top < 900, (pk, panel, top, triage_top)


def test_presales_blocks_on_a_ticket_are_cards(demo, page: Page):  # noqa: F811
    page.set_viewport_size({"width": WIDTH, "height": 900})
    sign_in(page, demo["base"], "sam")
    page.goto(f"{demo['base']}/tickets/{demo['request']}/")
    panel = page.locator(".presales-panel")
    assert panel.count() >= 1
    for i in range(panel.count()):
        assert "card" in panel.nth(i).get_attribute("class")


def test_exceptions_link_their_tickets_and_list_each_once(demo, page: Page, artifacts):  # noqa: F811
    page.set_viewport_size({"width": WIDTH, "height": 900})
    sign_in(page, demo["base"], "lee")
    page.goto(demo["base"] + "/presales/exceptions/")
    page.screenshot(path=str(artifacts / "layout-lee-exceptions.png"), full_page=True)
    rows = page.eval_on_selector_all(
        "main tbody tr",
        "rows => rows.map(r => r.querySelector('td').innerText)",
    )
    assert rows, "no exception listed"
    assert len(rows) == len(set(rows)), rows
    cells = page.locator("main tbody td.ticket")
    assert cells.count() == len(rows)
    for i in range(cells.count()):
        cell = cells.nth(i)
        if cell.inner_text().strip() != "—":
            assert cell.locator("a[href^='/tickets/']").count() == 1
