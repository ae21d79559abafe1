"""Issue 15, point 5 in chromium: pages full of hostile text keep their layout and run nothing.

Text arrives the real ways (the API for tickets and escalations, the services for the rest),
plus rows as text stored before the input rules may hold it (a direction override, a flood of
combining marks, a javascript: link). Each page is drawn once per role that sees it, with one
screenshot (artifacts/inert-*.png, to look at): nothing from the text may run (no dialog, no
console error, no CSP violation, no element of its own), it shows as text, and the page is no
wider than the window.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from escalations.models import Escalation
from presales import services as presales
from presales.models import PresalesRequest
from queues import services as queues
from tests.browser.test_csp import PASSWORD, Problems, sign_in
from tests.conftest import api_client
from tests.factories import AccountFactory, UserFactory
from tests.hostile import CORPUS
from tests.queues.helpers import engineer
from triage import services as triage
from triage.models import Account, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCRIPT, ATTRIBUTE = CORPUS["html_script"], CORPUS["html_attribute"]
RTL, EMOJI, SQL = CORPUS["right_to_left"], CORPUS["emoji_astral"], CORPUS["sql"]
LONG_WORD = "A" * 10_000
WIDTH = 1280


@pytest.fixture
def hostile(chromium_available, live_server):
    """Tickets, an account, a request, an exception, a channel and an escalation full of it."""
    people = {}
    for username, role in [("sam", "support"), ("cara", "ce"), ("lee", "leadership"),
                           ("eve", "engineering")]:  # fmt: skip
        user = (
            engineer(username) if role == "support" else UserFactory(username=username, role=role)
        )
        user.set_password(PASSWORD)
        user.is_staff = role == "leadership"
        user.save()
        people[username] = user
    sam = api_client(people["sam"])
    account = {"name": RTL, "tier": "enterprise", "deployment": "cloud"}
    account = sam.post("/api/v1/accounts/", account, format="json").json()
    made = []
    for title in (SCRIPT, ATTRIBUTE, EMOJI, "B" * 200):
        answer = sam.post("/api/v1/tickets/", {
            "title": title, "source": "customer", "account": account["id"], "severity": "p1",
            "description": f"{SCRIPT}\n\n{LONG_WORD}\n\n{RTL}\n{SQL}",
        }, format="json")  # fmt: skip
        assert answer.status_code == 201, answer.content
        made.append(answer.json()["id"])
    ticket = Ticket.objects.get(pk=made[0])
    triage.ticket_triage(ticket=ticket, by=people["sam"], severity="p1", priority="p1")
    sam.post(f"/api/v1/tickets/{ticket.pk}/replies/", {"body": f"{ATTRIBUTE}\n{EMOJI}"},
             format="json")  # fmt: skip
    sam.post(f"/api/v1/tickets/{ticket.pk}/pin/", {"reason": SCRIPT}, format="json")
    escalation = sam.post(f"/api/v1/tickets/{ticket.pk}/escalations/", {
        "summary": ATTRIBUTE, "reproduction_steps": SCRIPT, "impact": LONG_WORD, "tried": RTL,
        "customer_deadline": "2099-01-01", "links": ["https://logs.example.com/" + "x" * 300],
    }, format="json").json()  # fmt: skip
    # Rows as they may be stored from before the rules: an override, a mark flood, a bad link.
    legacy = Ticket.objects.get(pk=made[2])
    Ticket.objects.filter(pk=legacy.pk).update(
        title=CORPUS["bidi_override"] + " " + CORPUS["combining_flood"]
    )
    Escalation.objects.filter(pk=escalation["id"]).update(
        links=["javascript:alert(1)", "https://logs.example.com/trace"]
    )
    prospect = AccountFactory(tier="presales", name=CORPUS["formula_account"])
    request = presales.presales_request_create(
        by=people["cara"], account=prospect, summary=SCRIPT, attempted_and_expected=LONG_WORD,
        steps_taken=RTL, impact=SQL, sales_context=EMOJI,
        key_dates=[(timezone.localdate() + timedelta(days=1), ATTRIBUTE)],
        design_doc_links=["https://docs.example.com/design"],
    )  # fmt: skip
    PresalesRequest.objects.filter(pk=request.pk).update(
        design_doc_links=["javascript:alert(document.cookie)", "https://docs.example.com/d"]
    )
    exception = presales.exception_request(
        by=people["cara"], kind="other", account=prospect, reason=SCRIPT,
        ends_on=date(2099, 1, 1), ticket=request.ticket,
    )  # fmt: skip
    presales.channel_join(ticket=request.ticket, by=people["sam"], channel=CORPUS["formula_plus"])
    Account.objects.filter(pk=account["id"]).update(contact_email="ops@customer.example")
    queues.absence_add(user=people["sam"], by=people["sam"], reason=ATTRIBUTE,
                       start=timezone.now() + timedelta(days=1),
                       end=timezone.now() + timedelta(days=2))  # fmt: skip
    queues.notices_set_paused(paused=True, reason=SCRIPT, by=people["lee"])
    return {
        "base": live_server.url, "ticket": ticket.pk, "legacy": legacy.pk,
        "account": account["id"], "request": request.pk, "exception": exception.pk,
        "escalation": escalation["id"],
    }  # fmt: skip


PAGES = {
    "sam": ["/", "/tickets/{ticket}/", "/tickets/{legacy}/", "/accounts/", "/accounts/{account}/",
            "/tickets/new/?account_q=%D9%85", "/rota/", "/presales/channels/",
            "/engineering/escalations/{escalation}/", "/engineering/tickets/{legacy}/escalate/"],
    "cara": ["/presales/", "/presales/requests/{request}/", "/presales/exceptions/",
             "/presales/exceptions/new/?ticket={request}"],
    "lee": ["/dashboard/", "/presales/exceptions/{exception}/", "/notices/"],
    "eve": ["/engineering/"],
}  # fmt: skip

# What each page must show as plain text (the escaped markup, read back as text by chromium).
SHOWN = {
    "/tickets/{ticket}/": [SCRIPT, RTL],
    "/rota/": [ATTRIBUTE],
    "/notices/": [SCRIPT],
    "/tickets/new/?account_q=%D9%85": [RTL],
    "/engineering/escalations/{escalation}/": [ATTRIBUTE],
    "/presales/requests/{request}/": [SCRIPT],
    "/": [SCRIPT, ATTRIBUTE],
}


@pytest.mark.parametrize("who", list(PAGES))
def test_hostile_text_runs_nothing_and_keeps_every_page_in_the_window(
    hostile, page: Page, artifacts, who
):
    page.set_viewport_size({"width": WIDTH, "height": 900})
    problems = Problems(page)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(page, hostile["base"], who)
    failures = {}
    for path in PAGES[who]:
        response = page.goto(hostile["base"] + path.format(**hostile))
        page.wait_for_load_state("networkidle")
        slug = re.sub(r"[^a-z0-9]+", "-", path.split("{")[0].split("?")[0]).strip("-") or "queue"
        name = "-".join(["inert", who, slug, *re.findall(r"{(\w+)}", path)]) + ".png"
        page.screenshot(path=str(artifacts / name), full_page=True)
        wrong = []
        if response.status != 200:
            wrong.append(f"answered {response.status}")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 1:
            wide = page.evaluate(WIDEST)
            wrong.append(f"{overflow}px wider than the window ({wide})")
        foreign = page.locator("main img, main svg, main iframe, main object").count()
        if foreign:
            wrong.append(f"{foreign} element(s) made from text")
        if page.locator("a[href^='javascript:' i], a[href^='data:' i]").count():
            wrong.append("a javascript: or data: link")
        text = page.locator("main").inner_text()
        for expected in SHOWN.get(path, []):
            if expected.split("\n")[0][:40] not in text:
                wrong.append(f"{expected[:30]!r} not shown as text")
        if "\u202e" in text:
            wrong.append("a direction override reached the page's text")
        seen = problems.take()
        if seen:
            wrong.extend(seen)
        if wrong:
            failures[path] = wrong
    assert dialogs == [], f"text ran a script: {dialogs}"
    assert failures == {}


# The element whose right edge sticks out furthest, to say where a layout broke.
WIDEST = """(() => {
  let worst = null, right = 0;
  for (const el of document.querySelectorAll('main *')) {
    const r = el.getBoundingClientRect().right;
    if (r > right) { right = r; worst = el; }
  }
  return worst ? worst.tagName + '.' + worst.className + ' right=' + Math.round(right) : '';
})()"""


def test_right_to_left_and_overridden_titles_stay_in_their_place(hostile, page: Page, artifacts):
    """An Arabic account name and a stored override cannot reorder the "#id" next to them."""
    page.set_viewport_size({"width": WIDTH, "height": 900})
    sign_in(page, hostile["base"], "sam")
    page.goto(f"{hostile['base']}/tickets/{hostile['legacy']}/")
    heading = page.locator("h1")
    assert heading.locator("bdi").count() == 1
    assert heading.inner_text().startswith(f"#{hostile['legacy']} invoice\ufffdgnp.exe")
    page.goto(f"{hostile['base']}/accounts/{hostile['account']}/")
    assert page.locator("h1 bdi").inner_text() == RTL
    box = page.locator("h1").bounding_box()
    assert box and box["height"] < 120, "the heading stays a heading"
