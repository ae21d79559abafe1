"""Every URL the app serves × anonymous and every role, with the answer each must get.

The table is checked against the URL resolver: a new URL pattern without a row here fails
`test_every_url_pattern_has_a_row`. Each row sends a real request (a valid body for writes, so
"allowed" is really allowed) inside a savepoint that is rolled back, so the roles do not see
each other's writes. A write that is refused must leave every business table as it was; an
allowed write must change something.

HTML pages answer an anonymous visitor with a redirect to the sign-in page; the API answers
401. A wrong role gets 403, except where hiding that a row exists is the design (404: another
CE's request, a ticket a CE may not know of).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from escalations import services as escalation_services
from mail.services.intake import receive
from presales import services as presales_services
from tests.conftest import api_client
from tests.escalations.test_pages import form_data as escalation_form
from tests.escalations.test_services import context as escalation_context
from tests.escalations.test_services import escalate, triaged
from tests.factories import AccountFactory, TicketFactory, UserFactory, token_for
from tests.mail.helpers import corpus
from tests.presales.conftest import file_request
from tests.presales.test_pages import form_data as presales_form
from tests.queues.helpers import engineer
from triage import services
from triage.models import AccountAddress, Attachment, Message

pytestmark = pytest.mark.django_db

ROLES = ("anon", "support", "ce", "leadership", "engineering")
PERSONA = {"support": "sam", "ce": "cara", "leadership": "lee", "engineering": "eve"}
LOGIN = "login"  # an HTML redirect to the sign-in page
# What a refused or rejected request may answer; nothing may be saved with any of them.
REFUSED = {LOGIN, 400, 401, 403, 404, 405}


def expect(anon, support, ce, leadership, engineering) -> dict[str, int | str]:
    return dict(zip(ROLES, (anon, support, ce, leadership, engineering), strict=True))


def staff(ok: int, ce: int = 403, anon: int | str = 401) -> dict[str, int | str]:
    """Support, leadership and engineering get `ok`; the CE `ce`."""
    return expect(anon, ok, ce, ok, ok)


@dataclass
class World:
    users: dict
    ticket: object  # a triaged enterprise ticket, open and unclaimed
    pinned: object
    own_request: object  # cara's pre-sales request (pk = its ticket's pk)
    other_request: object  # carl's
    prospect: object
    customer: object  # an enterprise account
    exception: object  # cara's pending exception
    engagement: object  # sam in cara's prospect's trial channel
    pending: object  # an escalation waiting for engineering
    asked: object  # an escalation engineering asked support about


@pytest.fixture
def world(db) -> World:
    sam, sofia = engineer("sam"), engineer("sofia")
    cara = UserFactory(username="cara", role="ce")
    carl = UserFactory(username="carl", role="ce")
    lee = UserFactory(username="lee", role="leadership", is_staff=True)
    eve = UserFactory(username="eve", role="engineering")
    pinned = TicketFactory(tier="team")
    services.ticket_pin(ticket=pinned, by=lee, reason="first")
    prospect = AccountFactory(tier="presales", name="Acme Prospect")
    own = file_request(cara, account=prospect)
    other = file_request(carl)
    asked = escalate(sam, triaged(sam))
    escalation_services.escalation_decide(
        escalation=asked, by=eve, decision="ask", question="Which region?"
    )
    users = {"sam": sam, "sofia": sofia, "cara": cara, "carl": carl, "lee": lee, "eve": eve}
    for user in users.values():
        token_for(user)  # so revoking one really deletes something
    return World(
        users=users,
        ticket=triaged(sam),
        pinned=pinned,
        own_request=own,
        other_request=other,
        prospect=prospect,
        customer=AccountFactory(tier="enterprise"),
        exception=presales_services.exception_request(
            by=cara,
            kind="other",
            account=prospect,
            ticket=own.ticket,
            reason="Trial ends",
            ends_on=date(2099, 1, 1),
        ),
        engagement=presales_services.channel_join(ticket=own.ticket, by=sam, channel="#trial-a"),
        pending=escalate(sam, triaged(sam)),
        asked=asked,
    )


Value = Callable[[World], dict] | dict | None


@dataclass(frozen=True)
class Row:
    """One request: URL name, method, who gets what; `kwargs` and `body` may read the world."""

    name: str
    method: str
    expected: dict[str, int | str]
    kwargs: Value = None
    body: Value = None
    writes: bool = True  # POST/PUT/PATCH: refused saves nothing, allowed saves something
    query: str = ""
    note: str = ""


def _pk(attr: str) -> Callable[[World], dict]:
    return lambda w: {"pk": getattr(w, attr).pk}


TICKET, PINNED, OWN, OTHER = _pk("ticket"), _pk("pinned"), _pk("own_request"), _pk("other_request")
CUSTOMER = _pk("customer")
NEW_DOMAIN = {"kind": "domain", "value": "new-customer.example"}


def _address(w: World) -> AccountAddress:
    """The customer's mapped domain (made once; each request runs in a rolled-back savepoint)."""
    row, _ = AccountAddress.objects.get_or_create(
        account=w.customer, kind="domain", value="customer.example", removed_at=None
    )
    return row


def _attachment(w: World) -> dict:
    """An attachment on a message on the ticket's thread (issue 13)."""
    message, _ = Message.objects.get_or_create(
        message_id=f"access.{w.ticket.pk}@customer.example",
        defaults={
            "ticket": w.ticket, "direction": "in", "kind": "opened", "source": "pipe",
            "at": w.ticket.created_at,
        },
    )  # fmt: skip
    attachment = message.attachments.first() or Attachment.objects.create(
        message=message, filename="log.txt", content_type="text/plain", size=2,
        file=ContentFile(b"ok", name="log.txt"),
    )  # fmt: skip
    return {"pk": w.ticket.pk, "attachment_pk": attachment.pk}


SAM = {"username": "sam"}
MATRIX = {"figure": "matrix"}
REVOKE = {"action": "revoke", "confirm": "on"}
ROTATE = {"action": "rotate", "confirm": "on"}
HOURS = {"timezone": "UTC", "region": "emea", "start_0": "08:00", "end_0": "12:00"}
ABSENCE = {"start": "2099-01-05T00:00", "end": "2099-01-07T00:00", "reason": "conference"}
API_HOURS = {
    "timezone": "Europe/Berlin",
    "region": "emea",
    "weekly_hours": [{"day": 0, "start": "08:00", "end": "12:00"}],
}
API_ABSENCE = {"start": "2099-01-05T00:00:00Z", "end": "2099-01-07T00:00:00Z", "reason": "trip"}
EXCEPTION = {"kind": "other", "reason": "The trial ends Friday", "ends_on": "2099-01-01"}


def _api_request(w: World, **overrides) -> dict:
    data = {
        "account": w.prospect.pk,
        "summary": "SSO login loops for the prospect",
        "attempted_and_expected": "Configured SAML; expected the dashboard.",
        "steps_taken": "Checked clock skew.",
        "impact": "The five admins on the trial.",
        "design_doc_links": [],
        "sales_context": "Proof of concept.",
    }
    return {**data, **overrides}


def _mailed(w: World):
    """Return the outcome of a mail with files from an unknown sender (received once)."""
    return receive(corpus("attachments"), source="pipe")


def _held(w: World) -> dict:
    held = receive(corpus("no-from"), source="pipe")
    return {"pk": Message.objects.get(message_id=held.message_id).pk}


L = LOGIN
# fmt: off
HTML_ROWS = [
    Row("login", "get", expect(200, 302, 302, 302, 302)),
    Row("logout", "post", expect(302, 302, 302, 302, 302), writes=False),
    Row("logout", "get", expect(405, 405, 405, 405, 405), writes=False),
    Row("home", "get", expect(L, 200, 302, 200, 200)),
    Row("queue-claim", "post", expect(L, 302, 403, 403, 403)),
    Row("queue-claim", "get", expect(405, 405, 405, 405, 405)),
    Row("ticket-new", "get", expect(L, 200, 403, 200, 403)),
    Row(
        "ticket-new", "post", expect(L, 302, 403, 302, 403),
        body={"title": "Printer on fire", "source": "internal", "account": "", "severity": ""},
    ),
    Row("ticket-detail", "get", expect(L, 200, 404, 200, 200), kwargs=TICKET),
    Row("ticket-detail", "get", expect(L, 200, 302, 200, 200), kwargs=OWN, note="own request"),
    Row(
        "ticket-triage", "post", expect(L, 302, 403, 403, 403), kwargs=TICKET,
        body={"severity": "p0", "priority": "p0", "reason": ""},
    ),
    Row(
        "ticket-status", "post", expect(L, 302, 403, 403, 403), kwargs=TICKET,
        body={"status": "in_progress"},
    ),
    Row("ticket-assign", "post", expect(L, 302, 403, 403, 403), kwargs=TICKET, body={"to": "me"}),
    Row(
        "ticket-pin", "post", expect(L, 302, 403, 302, 403), kwargs=TICKET,
        body={"pin-reason": "Customer's launch is today"},
    ),
    Row(
        "ticket-unpin", "post", expect(L, 302, 403, 302, 403), kwargs=PINNED,
        body={"pin-reason": "Launch done"},
    ),
    Row(
        "ticket-reply", "post", expect(L, 302, 403, 403, 403), kwargs=TICKET,
        body={"body": "Checked the logs; next: upgrade", "public": "0"},
    ),
    Row(
        "ticket-reply", "post", expect(L, 302, 403, 403, 403), kwargs=OWN,
        body={"body": "Checked the logs; next: upgrade", "public": "1"}, note="CE's own request",
    ),
    Row("account-list", "get", staff(200, anon=L)),
    Row("account-detail", "get", staff(200, anon=L), kwargs=lambda w: {"pk": w.customer.pk}),
    Row("account-address-add", "post", expect(L, 302, 403, 302, 403), kwargs=CUSTOMER,
        body=NEW_DOMAIN),
    Row("account-address-remove", "post", expect(L, 302, 403, 302, 403),
        kwargs=lambda w: {"pk": w.customer.pk, "address_pk": _address(w).pk}),
    Row("ticket-attachment", "get", expect(L, 200, 404, 200, 200), kwargs=_attachment),
    Row(
        "account-detail", "post", expect(L, 302, 403, 302, 403),
        kwargs=lambda w: {"pk": w.customer.pk}, body={"contact_email": "ops@customer.example"},
    ),
    Row("rota", "get", staff(200, anon=L)),
    Row("rota-hours", "post", expect(L, 302, 403, 302, 403), kwargs=SAM, body=HOURS),
    Row("rota-absence", "post", expect(L, 302, 403, 302, 403), kwargs=SAM, body=ABSENCE),
    Row("notices", "get", expect(L, 403, 403, 200, 403)),
    Row(
        "notices", "post", expect(L, 403, 403, 302, 403),
        body={"paused": "1", "reason": "Mail provider incident"},
    ),
    Row("dashboard", "get", expect(L, 403, 403, 200, 403)),
    Row("dashboard-csv", "get", expect(L, 403, 403, 200, 403), kwargs=MATRIX),
    Row("presales-my-requests", "get", expect(L, 200, 200, 200, 403)),
    Row("presales-request-new", "get", expect(L, 403, 200, 403, 403)),
    Row(
        "presales-request-new", "post", expect(L, 403, 302, 403, 403),
        body=lambda w: presales_form(w.prospect),
    ),
    Row("presales-request", "get", expect(L, 200, 200, 200, 403), kwargs=OWN),
    Row("presales-request-complete", "get", expect(L, 200, 200, 403, 403), kwargs=OWN),
    Row(
        "presales-request-complete", "post", expect(L, 302, 302, 403, 403), kwargs=OWN,
        body=lambda w: presales_form(w.prospect, summary="Backups fail, now with details"),
    ),
    # Mail (issue 13): the quarantine, a received file, an unknown sender's account.
    Row("mail-quarantine", "get", expect(L, 200, 403, 200, 403)),
    Row("mail-release", "post", expect(L, 302, 403, 302, 403), kwargs=lambda w: _held(w)),
    Row(
        "mail-ticket-account", "post", expect(L, 302, 403, 403, 403),
        kwargs=lambda w: {"pk": _mailed(w).ticket_id}, body=lambda w: {"account": w.customer.name},
    ),
    # Providers' inbound webhooks: no role opens them, a provider's signature or secret does
    # (tests/mail/test_webhooks.py); with none configured, as here, they are not there at all.
    Row("mail:mailgun-inbound-mime", "post", expect(404, 404, 404, 404, 404)),
    Row("mail:mailgun-inbound", "post", expect(404, 404, 404, 404, 404)),
    Row("mail:postmark-inbound", "post", expect(404, 404, 404, 404, 404)),
    Row("presales-exceptions", "get", expect(L, 200, 200, 200, 403)),
    Row("presales-exception-new", "get", expect(L, 403, 200, 403, 403)),
    Row(
        "presales-exception-new", "post", expect(L, 403, 302, 403, 403),
        body=lambda w: {**EXCEPTION, "account": w.prospect.pk, "ticket": w.own_request.pk},
    ),
    Row("presales-exception", "get", expect(L, 200, 200, 200, 403), kwargs=_pk("exception")),
    Row(
        "presales-exception", "post", expect(L, 403, 403, 302, 403), kwargs=_pk("exception"),
        body={"decision": "approve", "note": "Yes, for one week"},
    ),
    Row("presales-channels", "get", expect(L, 200, 403, 200, 403)),
    Row(
        "presales-channel-join", "post", expect(L, 302, 403, 403, 403), kwargs=OTHER,
        body={"channel": "#trial-other"},
    ),
    Row("presales-channel-join", "get", expect(L, 405, 405, 405, 405), kwargs=OTHER, writes=False),
    Row("presales-channel-leave", "post", expect(L, 302, 403, 403, 403), kwargs=_pk("engagement")),
    Row("engineering-inbox", "get", expect(L, 403, 403, 200, 200)),
    Row("ticket-escalate", "get", expect(L, 200, 403, 403, 403), kwargs=TICKET),
    Row(
        "ticket-escalate", "post", expect(L, 302, 403, 403, 403), kwargs=TICKET,
        body=lambda w: escalation_form(),
    ),
    Row("escalation-detail", "get", expect(L, 200, 403, 200, 200), kwargs=_pk("pending")),
    Row(
        "escalation-decide", "post", expect(L, 403, 403, 403, 302), kwargs=_pk("pending"),
        body={"decision": "accept", "target_date": "2099-02-01"},
    ),
    Row(
        "escalation-answer", "post", expect(L, 302, 403, 403, 403), kwargs=_pk("asked"),
        body={"answer": "eu-west-1"},
    ),
    Row("my-token", "get", expect(L, 200, 200, 200, 200)),
    Row("my-token", "post", expect(L, 200, 200, 200, 200), body=ROTATE),
    Row("my-token", "post", expect(L, 302, 302, 302, 302), body=REVOKE, note="revoke"),
    # The admin: only staff users (leadership) get past its own sign-in page.
    Row("admin:index", "get", expect(302, 302, 302, 200, 302)),
]
# fmt: on

# fmt: off
API_ROWS = [
    Row("api-accounts", "get", staff(200)),
    Row(
        "api-accounts", "post", expect(401, 201, 403, 201, 403),
        body={"name": "New Co", "tier": "team", "deployment": "cloud"},
    ),
    Row("api-account", "get", staff(200), kwargs=lambda w: {"pk": w.customer.pk}),
    Row("api-tickets", "get", staff(200, ce=200)),
    Row(
        "api-tickets", "post", expect(401, 201, 403, 201, 403),
        body={"title": "Rotate the keys", "source": "internal"},
    ),
    Row("api-ticket", "get", staff(200, ce=404), kwargs=TICKET),
    Row("api-ticket", "get", staff(200, ce=200), kwargs=OWN, note="own request"),
    Row(
        "api-ticket", "patch", expect(401, 200, 403, 403, 403), kwargs=TICKET,
        body={"status": "in_progress"},
    ),
    Row(
        "api-ticket-triage", "post", expect(401, 200, 403, 403, 403), kwargs=TICKET,
        body={"severity": "p0", "priority": "p0"},
    ),
    Row(
        "api-ticket-pin", "post", expect(401, 200, 403, 200, 403), kwargs=TICKET,
        body={"reason": "Launch today"},
    ),
    Row(
        "api-ticket-unpin", "post", expect(401, 200, 403, 200, 403), kwargs=PINNED,
        body={"reason": "Done"},
    ),
    Row(
        "api-ticket-replies", "post", expect(401, 201, 403, 403, 403), kwargs=OWN,
        body={"body": "Checked the logs; next: upgrade", "public": True},
    ),
    Row("api-ticket-events", "get", staff(200, ce=404), kwargs=TICKET),
    Row("api-ticket-events", "get", staff(200, ce=200), kwargs=OWN, note="own request"),
    Row("api-ticket-messages", "get", staff(200, ce=404), kwargs=TICKET),
    Row("api-ticket-messages", "get", staff(200, ce=200), kwargs=OWN, note="own request"),
    Row("api-account-addresses", "get", staff(200), kwargs=CUSTOMER),
    Row("api-account-addresses", "post", expect(401, 201, 403, 201, 403), kwargs=CUSTOMER,
        body=NEW_DOMAIN),
    Row("api-account-address-remove", "post", expect(401, 200, 403, 200, 403),
        kwargs=lambda w: {"pk": w.customer.pk, "address_id": _address(w).pk}),
    Row("api-ticket-escalations", "get", staff(200), kwargs=TICKET),
    Row(
        "api-ticket-escalations", "post", expect(401, 201, 403, 403, 403), kwargs=TICKET,
        body=lambda w: escalation_context(),
    ),
    Row("api-escalations", "get", staff(200)),
    Row("api-escalation", "get", staff(200), kwargs=_pk("pending")),
    Row(
        "api-escalation", "patch", expect(401, 403, 403, 403, 200), kwargs=_pk("pending"),
        body={"decision": "accept", "target_date": "2099-02-01"},
    ),
    Row(
        "api-escalation-answer", "post", expect(401, 200, 403, 403, 403), kwargs=_pk("asked"),
        body={"answer": "eu-west-1"},
    ),
    Row("api-queue", "get", staff(200)),
    Row("api-queue-next", "get", staff(200)),
    Row("api-queue-claim", "post", expect(401, 200, 403, 403, 403)),
    Row("api-queue-health", "get", staff(200)),
    Row("api-staff", "get", staff(200)),
    Row("api-staff-detail", "put", expect(401, 200, 403, 200, 403), kwargs=SAM, body=API_HOURS),
    Row(
        "api-staff-absences", "post", expect(401, 201, 403, 201, 403), kwargs=SAM,
        body=API_ABSENCE,
    ),
    Row("api-dashboard", "get", expect(401, 200, 403, 200, 403)),
    Row("api-dashboard-figure", "get", expect(401, 200, 403, 200, 403), kwargs=MATRIX),
    Row("api-presales-requests", "get", expect(401, 200, 200, 200, 403)),
    Row(
        "api-presales-requests", "post", expect(401, 403, 201, 403, 403),
        body=lambda w: _api_request(w),
    ),
    Row("api-presales-request", "get", expect(401, 200, 200, 200, 403), kwargs=OWN),
    Row("api-presales-exceptions", "get", expect(401, 200, 200, 200, 403)),
    Row(
        "api-presales-exceptions", "post", expect(401, 403, 201, 403, 403),
        body=lambda w: {**EXCEPTION, "account": w.prospect.pk, "ticket": w.own_request.pk},
    ),
    Row("api-presales-exception", "get", expect(401, 200, 200, 200, 403), kwargs=_pk("exception")),
    Row(
        "api-presales-exception-decide", "post", expect(401, 403, 403, 200, 403),
        kwargs=_pk("exception"), body={"decision": "deny", "note": "Not this quarter"},
    ),
    Row("api-presales-channels", "get", expect(401, 200, 403, 200, 403)),
    Row(
        "api-presales-channels", "post", expect(401, 201, 403, 403, 403),
        body=lambda w: {"ticket": w.other_request.pk, "channel": "#trial-other"},
    ),
    Row(
        "api-presales-channel-leave", "post", expect(401, 200, 403, 403, 403),
        kwargs=_pk("engagement"),
    ),
    Row("api-token-revoke", "post", expect(401, 204, 204, 204, 204)),
    Row("api-user-token-revoke", "post", expect(401, 403, 403, 204, 403), kwargs=SAM),
    # The contract is public: outside tools read the schema and docs without signing in.
    Row("api-schema", "get", expect(200, 200, 200, 200, 200)),
    Row("api-docs", "get", expect(200, 200, 200, 200, 200)),
    Row("api-redoc", "get", expect(200, 200, 200, 200, 200)),
]
# fmt: on

# Object-level cases: one persona against someone else's row, or a form field naming a row
# the persona may not use. Keys of `expected` are persona names.
# fmt: off
OBJECT_ROWS = [
    # A CE reaching another CE's request or ticket, in the UI and the API.
    Row("ticket-detail", "get", {"carl": 404}, kwargs=OWN),
    Row("presales-request", "get", {"carl": 404}, kwargs=OWN),
    Row("presales-request-complete", "get", {"carl": 404}, kwargs=OWN),
    Row("presales-exception", "get", {"carl": 404}, kwargs=_pk("exception")),
    Row("presales-exception-new", "get", {"carl": 404}, query="?ticket={own}"),
    Row("api-ticket", "get", {"carl": 404}, kwargs=OWN),
    Row("api-ticket-events", "get", {"carl": 404}, kwargs=OWN),
    Row("api-ticket-messages", "get", {"carl": 404}, kwargs=OWN),
    Row("api-presales-request", "get", {"carl": 404}, kwargs=OWN),
    Row("api-presales-exception", "get", {"carl": 404}, kwargs=_pk("exception")),
    Row(
        "api-ticket-replies", "post", {"carl": 403, "cara": 403}, kwargs=OWN,
        body={"body": "Any news?"},
    ),
    # A CE reaching a ticket that is not pre-sales work.
    Row("api-ticket-escalations", "get", {"cara": 403}, kwargs=TICKET),
    # A ticket id from another CE, or from another account, in a form field.
    Row(
        "api-presales-exceptions", "post", {"carl": 400},
        body=lambda w: {**EXCEPTION, "account": w.prospect.pk, "ticket": w.own_request.pk},
    ),
    Row(
        "api-presales-exceptions", "post", {"cara": 400},
        body=lambda w: {**EXCEPTION, "account": w.prospect.pk, "ticket": w.ticket.pk},
        note="an enterprise customer's ticket",
    ),
    Row(
        "presales-exception-new", "post", {"carl": 404},
        body=lambda w: {**EXCEPTION, "account": w.prospect.pk, "ticket": w.own_request.pk},
    ),
    Row(
        "presales-exception-new", "post", {"cara": 400},
        body=lambda w: {**EXCEPTION, "account": w.customer.pk},
        note="a customer account is not a prospect",
    ),
    Row(
        "api-presales-requests", "post", {"cara": 400},
        body=lambda w: _api_request(w, account=w.customer.pk),
        note="a customer account is not a prospect",
    ),
    Row("presales-request-new", "post", {"cara": 400}, body=lambda w: presales_form(w.customer)),
    Row(
        "api-presales-channels", "post", {"sam": 400},
        body=lambda w: {"ticket": w.ticket.pk, "channel": "#trial-x"},
        note="a customer's ticket has no trial channel",
    ),
    # Support editing another engineer's staff profile; leadership may.
    Row("rota-hours", "post", {"sofia": 403, "lee": 302}, kwargs=SAM, body=HOURS),
    Row("rota-absence", "post", {"sofia": 403, "lee": 302}, kwargs=SAM, body=ABSENCE),
    Row("api-staff-detail", "put", {"sofia": 403, "lee": 200}, kwargs=SAM, body=API_HOURS),
    Row("api-staff-absences", "post", {"sofia": 403, "lee": 201}, kwargs=SAM, body=API_ABSENCE),
    # Only the engineer who joined a trial channel records leaving it.
    Row("presales-channel-leave", "post", {"sofia": 403}, kwargs=_pk("engagement")),
    Row("api-presales-channel-leave", "post", {"sofia": 403}, kwargs=_pk("engagement")),
]
# fmt: on


# --- Running a row ---------------------------------------------------------------------------

BUSINESS_APPS = ("triage", "queues", "presales")


def snapshot() -> dict[str, list]:
    """Return every business row and user, to prove a refused write saved nothing."""
    models = [m for label in BUSINESS_APPS for m in apps.get_app_config(label).get_models()]
    models += [apps.get_model("auth", "User"), apps.get_model("authtoken", "Token")]
    return {m._meta.label: list(m.objects.order_by("pk").values_list()) for m in models}


def _value(value: Value, w: World) -> dict | None:
    return value(w) if callable(value) else value


def _client(row: Row, user) -> Client:
    if row.name.startswith("api-"):
        return api_client(user)
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _send_and_compare(row: Row, w: World, user, client=None):
    """Send the row's request as `user` inside a savepoint that is rolled back afterwards;
    return the answer and snapshots of the tables before and after (None for a GET)."""
    url = reverse(row.name, kwargs=_value(row.kwargs, w)) + row.query.format(own=w.own_request.pk)
    body = _value(row.body, w)
    client = client or _client(row, user)
    before = after = None
    with transaction.atomic():
        if row.method != "get":
            before = snapshot()
        if row.name.startswith("api-"):
            answer = getattr(client, row.method)(url, body, format="json")
        else:
            answer = getattr(client, row.method)(url, body or {})
        if row.method != "get":
            after = snapshot()
        transaction.set_rollback(True)
    return answer, before, after


def _send(row: Row, w: World, user, client=None):
    """Send the row's request; return the answer and whether it changed any table."""
    answer, before, after = _send_and_compare(row, w, user, client)
    return answer, before != after


def _check(row: Row, who: str, answer, changed: bool) -> None:
    wanted = row.expected[who]
    got = answer.status_code
    where = f"{row.method.upper()} {row.name} {row.note} as {who}"
    if wanted == LOGIN:
        assert got == 302 and answer["Location"].startswith("/login/"), (where, got)
    else:
        content = getattr(answer, "content", b"")[:300]
        assert got == wanted, (where, got, content)
    if row.method != "get" and row.writes:
        if wanted in REFUSED:
            assert not changed, f"{where}: refused with {got} but saved something"
        else:
            assert changed, f"{where}: answered {got} but saved nothing"


def _row_id(row: Row) -> str:
    return f"{row.method}-{row.name}" + (f"-{row.note.replace(' ', '_')}" if row.note else "")


@pytest.mark.parametrize("row", HTML_ROWS + API_ROWS, ids=_row_id)
def test_access_by_role(row: Row, world: World):
    for role in ROLES:
        user = world.users[PERSONA[role]] if role != "anon" else None
        answer, changed = _send(row, world, user)
        _check(row, role, answer, changed)


@pytest.mark.parametrize("row", OBJECT_ROWS, ids=_row_id)
def test_access_to_someone_elses_rows(row: Row, world: World):
    for persona in row.expected:
        answer, changed = _send(row, world, world.users[persona])
        _check(row, persona, answer, changed)


# --- The table covers every URL --------------------------------------------------------------


def _url_names(patterns, namespace: str = "") -> list[tuple[str, str]]:
    """Return (name, route) for every pattern the resolver knows, namespaced like reverse()."""
    found = []
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            found += _url_names(p.url_patterns, ns)
        elif isinstance(p, URLPattern):
            found.append((f"{namespace}{p.name or '?'}", str(p.pattern)))
    return found


def test_every_url_pattern_has_a_row():
    covered = {row.name for row in HTML_ROWS + API_ROWS}
    # The admin's own views check is_staff and model permissions; its root is in the table,
    # and test_no_hard_deletes covers its delete views.
    names = [
        (n, r) for n, r in _url_names(get_resolver().url_patterns)
        if not n.startswith("admin:") or n == "admin:index"
    ]  # fmt: skip
    served = {n for n, _ in names}
    unnamed = [r for n, r in names if n.endswith("?")]
    assert not unnamed, f"name these URL patterns so the access table can cover them: {unnamed}"
    assert served - covered == set(), "URLs without a row in tests/test_access.py"
    assert covered - served == set(), "rows for URLs that no longer exist"
    objects = {row.name for row in OBJECT_ROWS}
    assert objects <= served


def test_a_ce_lists_only_their_own_requests_and_tickets(world: World):
    cara = world.users["cara"]
    api = api_client(cara)
    own = world.own_request.pk
    assert [t["id"] for t in api.get("/api/v1/tickets/").json()["results"]] == [own]
    assert [r["id"] for r in api.get("/api/v1/presales/requests/").json()["results"]] == [own]
    exceptions = api.get("/api/v1/presales/exceptions/").json()["results"]
    assert [e["id"] for e in exceptions] == [world.exception.pk]
    page = _client(Row("home", "get", {}), cara).get("/presales/").content.decode()
    assert f"/presales/requests/{own}/" in page
    assert f"/presales/requests/{world.other_request.pk}/" not in page
