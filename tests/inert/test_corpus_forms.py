"""Issue 15, point 5 (the pages): every hostile string through every text field a form takes.

Each form is posted once per corpus string, every text field set to it. Either the page answers
with the form again (400, the field's error shown, nothing saved) or the change is saved with
each field as the rules say, and the page that shows it shows it as text: escaped, isolated,
nothing acting on the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from escalations.models import Escalation
from presales.models import PresalesException
from queues.services import staff_update
from tests.factories import AccountFactory, TicketFactory, UserFactory, escalate
from tests.hostile import CORPUS, assert_html_inert, expected_line, expected_text
from triage import services as triage
from triage.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db

LINE, TEXT = "line", "text"


@dataclass
class Field:
    kind: str
    max_length: int
    required: bool = True


@dataclass
class Form:
    """One form that takes text: who posts it, where, and where the saved text shows."""

    role: str
    path: object  # (world) -> path to post to; may make what it needs
    base: object  # (world) -> the rest of a valid form
    fields: dict[str, Field]
    stored: object  # (world) -> {field: value as saved} for what this post saved
    page: object  # (world) -> a page that shows it
    counts: tuple[str, ...] = ()
    unique: bool = False
    shows_errors_inline: bool = True  # False: the view redirects with a message instead
    expect: dict = field(default_factory=dict)


def _expected(spec: Field, text: str):
    if spec.kind == LINE:
        kept = expected_line(text, spec.max_length)
        return "" if kept is None and not spec.required and not text.strip() else kept
    kept = expected_text(text, 10**9)
    if kept is None:
        return None if spec.required else ""
    return None if len(kept) > spec.max_length else kept


class World:
    def __init__(self):
        self.sam = UserFactory(username="sam", role="support")
        self.cara = UserFactory(username="cara", role="ce")
        self.lee = UserFactory(username="lee", role="leadership")
        self.lee.is_staff = True
        self.lee.save()
        self.eve = UserFactory(username="eve", role="engineering")
        self.browsers = {}
        for role, user in [("support", self.sam), ("ce", self.cara), ("leadership", self.lee),
                           ("engineering", self.eve)]:  # fmt: skip
            client = Client()
            client.force_login(user)
            self.browsers[role] = client
        self.prospect = AccountFactory(tier="presales", name="Prospect")
        self.reply_ticket = TicketFactory(tier="enterprise", severity="p2")
        self.presales_ticket = TicketFactory(tier="presales", account=self.prospect)
        staff_update(user=self.sam, by=self.sam, timezone_name="UTC", region="emea",
                     weekly_hours=[{"day": 0, "start": "09:00", "end": "17:00"}])  # fmt: skip
        self.ticket = self.escalation = self.exception = None

    def fresh_ticket(self, triaged=False):
        self.ticket = TicketFactory(tier="enterprise", severity="p1")
        if triaged:
            triage.ticket_triage(ticket=self.ticket, by=self.sam, severity="p1", priority="p1")
        return self.ticket

    def fresh_escalation(self, asked=False):
        self.escalation = escalate(self.fresh_ticket(triaged=True), by=self.sam)
        if asked:
            from escalations.services import escalation_decide

            escalation_decide(escalation=self.escalation, by=self.eve, decision="ask",
                              question="Which version?")  # fmt: skip
        return self.escalation

    def fresh_exception(self):
        from presales.services import exception_request

        self.exception = exception_request(
            by=self.cara, kind="other", account=self.prospect, reason="Trial help",
            ends_on=date(2099, 1, 1),
        )  # fmt: skip
        return self.exception


def _latest(model, **filters):
    return apps.get_model(model).objects.filter(**filters).latest("pk")


def _event(ticket, kind):
    return TicketEvent.objects.filter(ticket=ticket, kind=kind).latest("id")


SOON = (timezone.now() + timedelta(days=30)).replace(microsecond=0, second=0)
PRESALES_TEXTS = ("attempted_and_expected", "steps_taken", "impact", "sales_context")
ESCALATION_TEXTS = ("reproduction_steps", "impact", "tried")
KEY_DATES = {"key_dates-TOTAL_FORMS": "1", "key_dates-INITIAL_FORMS": "0",
             "key_dates-MIN_NUM_FORMS": "0", "key_dates-MAX_NUM_FORMS": "20",
             "key_dates-0-date": "2099-02-01"}  # fmt: skip

FORMS = {
    "ticket_new": Form(
        "support",
        lambda w: "/tickets/new/",
        lambda w: {"source": "internal", "severity": ""},
        {"title": Field(LINE, 200), "description": Field(TEXT, 20000, required=False)},
        lambda w: {k: getattr(_latest("triage.Ticket"), k) for k in ("title", "description")},
        lambda w: f"/tickets/{_latest('triage.Ticket').pk}/",
        counts=("triage.Ticket",),
    ),
    "reply": Form(
        "support",
        lambda w: f"/tickets/{w.reply_ticket.pk}/reply/",
        lambda w: {"public": "1"},
        {"body": Field(TEXT, 20000)},
        lambda w: {"body": _event(w.reply_ticket, "reply").body},
        lambda w: f"/tickets/{w.reply_ticket.pk}/",
        counts=("triage.TicketEvent",),
    ),
    "pin": Form(
        "support",
        lambda w: f"/tickets/{w.fresh_ticket().pk}/pin/",
        lambda w: {},
        {"pin-reason": Field(TEXT, 2000)},
        lambda w: {"pin-reason": Ticket.objects.get(pk=w.ticket.pk).pin_reason},
        lambda w: f"/tickets/{w.ticket.pk}/",
    ),
    "triage": Form(
        "support",
        lambda w: f"/tickets/{w.fresh_ticket().pk}/triage/",
        lambda w: {"severity": "p2", "priority": "p0"},
        {"reason": Field(TEXT, 2000)},
        lambda w: {"reason": _event(w.ticket, "priority").reason},
        lambda w: f"/tickets/{w.ticket.pk}/",
    ),
    "presales_request": Form(
        "ce",
        lambda w: "/presales/new/",
        lambda w: {
            "account": "",
            "new_account_deployment": "cloud",
            "impact_scope": "blocking_all",
            "design_doc_links": "",
            **KEY_DATES,
        },
        {
            "new_account_name": Field(LINE, 200),
            "summary": Field(LINE, 200),
            **{f: Field(TEXT, 20000) for f in PRESALES_TEXTS},
            "key_dates-0-label": Field(LINE, 200),
        },  # fmt: skip
        lambda w: {
            "new_account_name": _latest("presales.PresalesRequest").account.name,
            "summary": _latest("presales.PresalesRequest").summary,
            "key_dates-0-label": _latest("presales.KeyDate").label,
            **{f: getattr(_latest("presales.PresalesRequest"), f) for f in PRESALES_TEXTS},
        },  # fmt: skip
        lambda w: f"/presales/requests/{_latest('presales.PresalesRequest').pk}/",
        counts=("presales.PresalesRequest", "triage.Account", "triage.Ticket"),
        unique=True,
    ),
    "exception_request": Form(
        "ce",
        lambda w: "/presales/exceptions/new/",
        lambda w: {"kind": "other", "account": w.prospect.pk, "ends_on": "2099-01-01"},
        {"reason": Field(TEXT, 2000)},
        lambda w: {"reason": _latest("presales.PresalesException").reason},
        lambda w: f"/presales/exceptions/{_latest('presales.PresalesException').pk}/",
        counts=("presales.PresalesException",),
    ),
    "exception_decision": Form(
        "leadership",
        lambda w: f"/presales/exceptions/{w.fresh_exception().pk}/",
        lambda w: {"decision": "approve"},
        {"note": Field(TEXT, 2000)},
        lambda w: {"note": PresalesException.objects.get(pk=w.exception.pk).decision_note},
        lambda w: f"/presales/exceptions/{w.exception.pk}/",
    ),
    "channel_join": Form(
        "support",
        lambda w: f"/presales/tickets/{w.presales_ticket.pk}/channels/",
        lambda w: {},
        {"channel": Field(LINE, 200)},
        lambda w: {"channel": _latest("presales.ChannelEngagement").channel},
        lambda w: f"/tickets/{w.presales_ticket.pk}/",
        counts=("presales.ChannelEngagement",),
        unique=True,
        shows_errors_inline=False,
    ),
    "escalate": Form(
        "support",
        lambda w: f"/engineering/tickets/{w.fresh_ticket(triaged=True).pk}/escalate/",
        lambda w: {
            "customer_deadline": "2099-01-01",
            "links": "https://logs.example.com/t",
            "urgency": "normal",
        },  # fmt: skip
        {
            "summary": Field(LINE, 200),
            **{f: Field(TEXT, 10000) for f in ESCALATION_TEXTS},
            "justification": Field(TEXT, 10000, required=False),
        },  # fmt: skip
        lambda w: {
            k: getattr(_latest("escalations.Escalation"), k)
            for k in ("summary", *ESCALATION_TEXTS, "justification")
        },  # fmt: skip
        lambda w: f"/engineering/escalations/{_latest('escalations.Escalation').pk}/",
        counts=("escalations.Escalation",),
    ),
    "escalation_question": Form(
        "engineering",
        lambda w: f"/engineering/escalations/{w.fresh_escalation().pk}/decide/",
        lambda w: {"decision": "ask"},
        {"question": Field(TEXT, 10000)},
        lambda w: {"question": Escalation.objects.get(pk=w.escalation.pk).question},
        lambda w: f"/engineering/escalations/{w.escalation.pk}/",
    ),
    "escalation_decline": Form(
        "engineering",
        lambda w: f"/engineering/escalations/{w.fresh_escalation().pk}/decide/",
        lambda w: {"decision": "decline"},
        {"reason": Field(TEXT, 2000)},
        lambda w: {"reason": Escalation.objects.get(pk=w.escalation.pk).decline_reason},
        lambda w: f"/engineering/escalations/{w.escalation.pk}/",
    ),
    "escalation_answer": Form(
        "support",
        lambda w: f"/engineering/escalations/{w.fresh_escalation(asked=True).pk}/answer/",
        lambda w: {},
        {"answer": Field(TEXT, 10000)},
        lambda w: {"answer": Escalation.objects.get(pk=w.escalation.pk).answer},
        lambda w: f"/engineering/escalations/{w.escalation.pk}/",
    ),
    "absence": Form(
        "support",
        lambda w: "/rota/sam/absences/",
        lambda w: {
            "start": SOON.strftime("%Y-%m-%dT%H:%M"),
            "end": (SOON + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
        },  # fmt: skip
        {"reason": Field(LINE, 200, required=False)},
        lambda w: {"reason": _latest("queues.Absence").reason},
        lambda w: "/rota/",
        counts=("queues.Absence",),
    ),
    "notice_switch": Form(
        "leadership",
        lambda w: "/notices/",
        lambda w: {"paused": "1"},
        {"reason": Field(TEXT, 2000)},
        lambda w: {"reason": _latest("queues.NoticeSwitch").reason},
        lambda w: "/notices/",
        counts=("queues.NoticeSwitch",),
    ),
}


def _counts(models):
    return {m: apps.get_model(m).objects.count() for m in models}


@pytest.mark.parametrize("name", sorted(FORMS))
def test_every_hostile_string_is_refused_with_a_form_error_or_saved_and_shown_as_text(name):
    form, world = FORMS[name], World()
    browser = world.browsers[form.role]
    seen, outcomes = set(), {"refused": 0, "saved": 0}
    for label, text in CORPUS.items():
        expected = {f: _expected(spec, text) for f, spec in form.fields.items()}
        if form.unique and tuple(expected.values()) in seen:
            continue  # two strings kept alike ("=1+1"): a name is taken once
        seen.add(tuple(expected.values()))
        where = f"{name} with {label}"
        before = _counts(form.counts)
        answer = browser.post(
            form.path(world), {**form.base(world), **dict.fromkeys(form.fields, text)}
        )
        html = answer.content.decode()
        if any(value is None for value in expected.values()):
            assert _counts(form.counts) == before, f"{where}: something was saved"
            if form.shows_errors_inline:
                assert answer.status_code == 400, (where, answer.status_code)
                assert 'class="error' in html or "errorlist" in html, f"{where}: no error shown"
                assert_html_inert(html, controls=False)
            else:
                assert answer.status_code == 302, where
                page = browser.get(answer["Location"]).content.decode()
                assert 'class="message error"' in page, f"{where}: no error shown"
            outcomes["refused"] += 1
            continue
        assert answer.status_code == 302, (where, answer.status_code, html[:500])
        assert form.stored(world) == expected, f"{where}: saved {form.stored(world)!r}"
        page = world.browsers["leadership" if name == "notice_switch" else form.role]
        shown = page.get(form.page(world))
        assert shown.status_code == 200, where
        first_line = next((v.split("\n")[0] for v in expected.values() if v), "")
        assert_html_inert(shown.content.decode(), shown=_as_shown(first_line))
        outcomes["saved"] += 1
    assert outcomes["refused"] and outcomes["saved"], outcomes


def _as_shown(text: str) -> str:
    """What a page's text holds for a stored value: a short piece of its first line."""
    return text.strip()[:60].strip()


@pytest.mark.parametrize("label", sorted(CORPUS))
def test_search_text_is_reflected_as_text(label):
    world = World()
    browser = world.browsers["support"]
    for path in ("/accounts/", "/tickets/new/"):
        param = "q" if path == "/accounts/" else "account_q"
        answer = browser.get(path, {param: CORPUS[label]})
        assert answer.status_code == 200, (path, label)
        assert_html_inert(answer.content.decode(), controls=False)  # the search box holds it
