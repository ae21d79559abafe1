"""Issue 15, point 5 (the API): every hostile string through every text field API v1 accepts.

Each endpoint is called once per corpus string, with every text field it takes set to that
string. A one-line field (title, name, summary, channel) must refuse what `shared.text` refuses;
a multi-line one keeps the text scrubbed. Either the answer is a 400 naming a field and nothing
is saved, or every field is stored as the rules say and read back, from the database and from a
GET, exactly as stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from escalations.models import Escalation
from presales import rules as presales_rules
from presales.models import PresalesException, PresalesRequest
from queues.models import Absence
from queues.services import staff_update
from tests.conftest import api_client
from tests.factories import AccountFactory, TicketFactory, UserFactory, escalate
from tests.hostile import CORPUS, expected_line, expected_text
from triage import services as triage
from triage.models import Account, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

LINE, TEXT = "line", "text"


@dataclass
class Field:
    kind: str
    max_length: int
    required: bool = True


@dataclass
class Endpoint:
    """One API call that takes text: who calls it, where, with what, and how to read it back."""

    role: str
    method: str
    path: object  # (world) -> path; may create what the call needs (a fresh ticket)
    base: dict
    fields: dict[str, Field]
    stored: object  # (world, answer json) -> {field: value as stored in the database}
    shown: object  # (world, answer json) -> {field: value as a GET answers it}
    counts: tuple[str, ...] = ()  # models that must not grow on a 400
    unique: bool = False  # two strings stored alike would clash (account and channel names)
    expect: dict = field(default_factory=dict)  # field -> (text) -> expected, when not plain


def _expected(spec: Field, text: str):
    if spec.kind == LINE:
        kept = expected_line(text, spec.max_length)
        return "" if kept is None and not spec.required and not text.strip() else kept
    kept = expected_text(text, 10**9)
    if kept is None:
        return None if spec.required else ""
    return None if len(kept) > spec.max_length else kept


class World:
    """The people and rows the calls need; `fresh_*` make a new one for each call."""

    def __init__(self):
        self.sam = UserFactory(username="sam", role="support")
        self.cara = UserFactory(username="cara", role="ce")
        self.lee = UserFactory(username="lee", role="leadership")
        self.eve = UserFactory(username="eve", role="engineering")
        self.clients = {r: api_client(u) for r, u in [("support", self.sam), ("ce", self.cara),
                                                       ("leadership", self.lee),
                                                       ("engineering", self.eve)]}  # fmt: skip
        self.prospect = AccountFactory(tier="presales", name="Prospect")
        self.reply_ticket = TicketFactory(tier="enterprise", severity="p2")
        self.presales_ticket = TicketFactory(tier="presales", account=self.prospect)
        staff_update(user=self.sam, by=self.sam, timezone_name="UTC", region="emea",
                     weekly_hours=[{"day": 0, "start": "09:00", "end": "17:00"}])  # fmt: skip
        self.ticket = None
        self.escalation = None
        self.exception = None

    def fresh_ticket(self, triaged=False):
        self.ticket = TicketFactory(tier="enterprise", severity="p1")
        if triaged:
            triage.ticket_triage(ticket=self.ticket, by=self.sam, severity="p1", priority="p1")
        return self.ticket

    def fresh_escalation(self, asked=False):
        ticket = self.fresh_ticket(triaged=True)
        self.escalation = escalate(ticket, by=self.sam)
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

    def get(self, role, path):
        answer = self.clients[role].get(path)
        assert answer.status_code == 200, (path, answer.status_code)
        return answer.json()


def _rows(answer):
    return answer["results"] if isinstance(answer, dict) else answer


def _absences(w):
    return next(s for s in _rows(w.get("support", "/api/v1/staff/")) if s["username"] == "sam")[
        "absences"
    ]


def _last_event(ticket_id, kind):
    return TicketEvent.objects.filter(ticket_id=ticket_id, kind=kind).latest("id")


def _event_from_api(w, ticket_id, kind):
    return [
        e for e in w.get("support", f"/api/v1/tickets/{ticket_id}/events/") if e["kind"] == kind
    ][-1]


SOON = (timezone.now() + timedelta(days=30)).replace(microsecond=0)
PRESALES_TEXTS = ("attempted_and_expected", "steps_taken", "impact", "sales_context")
ESCALATION_TEXTS = ("reproduction_steps", "impact", "tried")


def _presales_stored(w, j):
    r = PresalesRequest.objects.get(pk=j["id"])
    return {"summary": r.summary, "key_dates": r.key_dates_text,
            **{f: getattr(r, f) for f in PRESALES_TEXTS}}  # fmt: skip


def _presales_shown(w, j):
    p = w.get("ce", f"/api/v1/presales/requests/{j['id']}/")["presales"]
    return {"summary": p["summary"], "key_dates": p["key_dates_text"],
            **{f: p[f] for f in PRESALES_TEXTS}}  # fmt: skip


def _key_dates_text(text):
    kept = expected_text(text, 5000)
    if kept is None:
        return None if len(text) > 5000 else ""
    return expected_text(presales_rules.parse_key_dates(kept)[1], 5000) or ""


ENDPOINTS = {
    "accounts": Endpoint(
        "support",
        "post",
        lambda w: "/api/v1/accounts/",
        {"tier": "enterprise", "deployment": "cloud"},
        {"name": Field(LINE, 200)},
        lambda w, j: {"name": Account.objects.get(pk=j["id"]).name},
        lambda w, j: {"name": w.get("support", f"/api/v1/accounts/{j['id']}/")["name"]},
        counts=("triage.Account",),
        unique=True,
    ),
    "tickets": Endpoint(
        "support",
        "post",
        lambda w: "/api/v1/tickets/",
        {"source": "internal", "account": None},
        {"title": Field(LINE, 200), "description": Field(TEXT, 20000, required=False)},
        lambda w, j: {
            k: getattr(Ticket.objects.get(pk=j["id"]), k) for k in ("title", "description")
        },
        lambda w, j: {
            k: w.get("support", f"/api/v1/tickets/{j['id']}/")[k] for k in ("title", "description")
        },  # fmt: skip
        counts=("triage.Ticket",),
    ),
    "triage_reason": Endpoint(
        "support",
        "post",
        lambda w: f"/api/v1/tickets/{w.fresh_ticket().pk}/triage/",
        {"severity": "p2", "priority": "p0"},
        {"reason": Field(TEXT, 2000)},
        lambda w, j: {"reason": _last_event(j["id"], "priority").reason},
        lambda w, j: {"reason": _event_from_api(w, j["id"], "priority")["reason"]},
        counts=("triage.TicketEvent",),
    ),
    "status_reason": Endpoint(
        "support",
        "patch",
        lambda w: f"/api/v1/tickets/{w.fresh_ticket(triaged=True).pk}/",
        {"status": "in_progress"},
        {"reason": Field(TEXT, 2000, required=False)},
        lambda w, j: {"reason": _last_event(j["id"], "status").reason},
        lambda w, j: {"reason": _event_from_api(w, j["id"], "status")["reason"]},
    ),
    "pin_reason": Endpoint(
        "support",
        "post",
        lambda w: f"/api/v1/tickets/{w.fresh_ticket().pk}/pin/",
        {},
        {"reason": Field(TEXT, 2000)},
        lambda w, j: {"reason": Ticket.objects.get(pk=j["id"]).pin_reason},
        lambda w, j: {"reason": w.get("support", f"/api/v1/tickets/{j['id']}/")["pin_reason"]},
    ),
    "reply_body": Endpoint(
        "support",
        "post",
        lambda w: f"/api/v1/tickets/{w.reply_ticket.pk}/replies/",
        {"public": True},
        {"body": Field(TEXT, 20000)},
        lambda w, j: {"body": _last_event(w.reply_ticket.pk, "reply").body},
        lambda w, j: {"body": _event_from_api(w, w.reply_ticket.pk, "reply")["body"]},
        counts=("triage.TicketEvent",),
    ),
    "presales_request": Endpoint(
        "ce",
        "post",
        lambda w: "/api/v1/presales/requests/",
        {"design_doc_links": ["https://docs.example.com/design"]},
        {
            "summary": Field(LINE, 200),
            **{f: Field(TEXT, 20000) for f in PRESALES_TEXTS},
            "key_dates": Field(TEXT, 5000, required=False),
        },  # fmt: skip
        _presales_stored,
        _presales_shown,
        counts=("presales.PresalesRequest", "triage.Ticket", "triage.Account"),
        expect={"key_dates": _key_dates_text},
    ),
    "exception_reason": Endpoint(
        "ce",
        "post",
        lambda w: "/api/v1/presales/exceptions/",
        {"kind": "other", "ends_on": "2099-01-01"},
        {"reason": Field(TEXT, 2000)},
        lambda w, j: {"reason": PresalesException.objects.get(pk=j["id"]).reason},
        lambda w, j: {"reason": w.get("ce", f"/api/v1/presales/exceptions/{j['id']}/")["reason"]},
        counts=("presales.PresalesException",),
    ),
    "exception_note": Endpoint(
        "leadership",
        "post",
        lambda w: f"/api/v1/presales/exceptions/{w.fresh_exception().pk}/decide/",
        {"decision": "approve"},
        {"note": Field(TEXT, 2000)},
        lambda w, j: {"note": PresalesException.objects.get(pk=j["id"]).decision_note},
        lambda w, j: {
            "note": w.get("ce", f"/api/v1/presales/exceptions/{j['id']}/")["decision_note"]
        },  # fmt: skip
    ),
    "channel": Endpoint(
        "support",
        "post",
        lambda w: "/api/v1/presales/channels/",
        {},
        {"channel": Field(LINE, 200)},
        lambda w, j: {
            "channel": apps.get_model("presales.ChannelEngagement").objects.get(pk=j["id"]).channel
        },  # fmt: skip
        lambda w, j: {
            "channel": next(
                c["channel"]
                for c in w.get("support", "/api/v1/presales/channels/")["results"]
                if c["id"] == j["id"]
            )
        },  # fmt: skip
        counts=("presales.ChannelEngagement",),
        unique=True,
    ),
    "escalation": Endpoint(
        "support",
        "post",
        lambda w: f"/api/v1/tickets/{w.fresh_ticket(triaged=True).pk}/escalations/",
        {"customer_deadline": "2099-01-01", "links": ["https://logs.example.com/trace"]},
        {
            "summary": Field(LINE, 200),
            **{f: Field(TEXT, 10000) for f in ESCALATION_TEXTS},
            "justification": Field(TEXT, 10000, required=False),
        },  # fmt: skip
        lambda w, j: {
            k: getattr(Escalation.objects.get(pk=j["id"]), k)
            for k in ("summary", *ESCALATION_TEXTS, "justification")
        },  # fmt: skip
        lambda w, j: {
            k: w.get("support", f"/api/v1/escalations/{j['id']}/")[k]
            for k in ("summary", *ESCALATION_TEXTS, "justification")
        },  # fmt: skip
        counts=("escalations.Escalation",),
    ),
    "escalation_question": Endpoint(
        "engineering",
        "patch",
        lambda w: f"/api/v1/escalations/{w.fresh_escalation().pk}/",
        {"decision": "ask"},
        {"question": Field(TEXT, 10000)},
        lambda w, j: {"question": Escalation.objects.get(pk=j["id"]).question},
        lambda w, j: {"question": w.get("support", f"/api/v1/escalations/{j['id']}/")["question"]},
    ),
    "escalation_decline": Endpoint(
        "engineering",
        "patch",
        lambda w: f"/api/v1/escalations/{w.fresh_escalation().pk}/",
        {"decision": "decline"},
        {"reason": Field(TEXT, 2000)},
        lambda w, j: {"reason": Escalation.objects.get(pk=j["id"]).decline_reason},
        lambda w, j: {
            "reason": w.get("support", f"/api/v1/escalations/{j['id']}/")["decline_reason"]
        },  # fmt: skip
    ),
    "escalation_answer": Endpoint(
        "support",
        "post",
        lambda w: f"/api/v1/escalations/{w.fresh_escalation(asked=True).pk}/answer/",
        {},
        {"answer": Field(TEXT, 10000)},
        lambda w, j: {"answer": Escalation.objects.get(pk=j["id"]).answer},
        lambda w, j: {"answer": w.get("support", f"/api/v1/escalations/{j['id']}/")["answer"]},
    ),
    "absence_reason": Endpoint(
        "support",
        "post",
        lambda w: "/api/v1/staff/sam/absences/",
        {"start": SOON.isoformat(), "end": (SOON + timedelta(hours=4)).isoformat()},
        {"reason": Field(LINE, 200, required=False)},
        lambda w, j: {"reason": Absence.objects.get(pk=j["id"]).reason},
        lambda w, j: {"reason": next(a["reason"] for a in _absences(w) if a["id"] == j["id"])},
        counts=("queues.Absence",),
    ),
}


def _payload(name: str, endpoint: Endpoint, world: World, text: str) -> dict:
    payload = {**endpoint.base, **{f: text for f in endpoint.fields}}
    if name == "exception_reason":
        payload["account"] = world.prospect.pk
    if name == "presales_request":
        payload["account"] = world.prospect.pk
    if name == "channel":
        payload["ticket"] = world.presales_ticket.pk
    return payload


def _counts(models):
    return {m: apps.get_model(m).objects.count() for m in models}


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_every_hostile_string_is_refused_or_stored_and_returned_exactly(name):
    endpoint, world = ENDPOINTS[name], World()
    client = world.clients[endpoint.role]
    seen, outcomes = set(), {"refused": 0, "saved": 0}
    for label, text in CORPUS.items():
        expected = {
            f: endpoint.expect[f](text) if f in endpoint.expect else _expected(spec, text)
            for f, spec in endpoint.fields.items()
        }
        if endpoint.unique and tuple(expected.values()) in seen:
            continue  # "\t=1+1" and "\r=1+1" are both kept as "=1+1": a name is taken once
        seen.add(tuple(expected.values()))
        path = endpoint.path(world)
        before = _counts(endpoint.counts)
        answer = getattr(client, endpoint.method)(
            path, _payload(name, endpoint, world, text), format="json"
        )
        refused = sorted(f for f, value in expected.items() if value is None)
        where = f"{name} with {label}"
        if refused:
            assert answer.status_code == 400, (where, answer.status_code, answer.content[:300])
            errors = answer.json()
            assert set(errors) & set(endpoint.fields), (where, errors)
            assert all(isinstance(m, str) and m for ms in errors.values() for m in ms), errors
            assert _counts(endpoint.counts) == before, f"{where}: something was saved"
            outcomes["refused"] += 1
            continue
        assert answer.status_code in (200, 201), (where, answer.status_code, answer.content[:300])
        body = answer.json()
        stored = endpoint.stored(world, body)
        assert stored == expected, f"{where}: stored {stored!r}"
        assert endpoint.shown(world, body) == stored, f"{where}: the API does not return it"
        outcomes["saved"] += 1
    assert outcomes["refused"] and outcomes["saved"], outcomes


def test_a_ticket_filed_twice_with_one_key_is_one_ticket_whatever_its_text(as_sam):
    """Idempotency compares what is stored: a scrubbed description is not "other content"."""
    body = {"title": "Exports", "description": "a\u202eb\r\nc", "source": "internal"}
    first = as_sam.post("/api/v1/tickets/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = as_sam.post("/api/v1/tickets/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true" and first.json()["id"] == again.json()["id"]
    assert first.json()["description"] == "ab\nc"
