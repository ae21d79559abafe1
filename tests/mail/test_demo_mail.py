"""The demo messages the README pipes into `manage.py receive_mail` do what it says."""

from __future__ import annotations

import pytest

from presales.models import PresalesRequest
from tests.factories import UserFactory
from tests.mail.test_receive_mail import ROOT, _env, _run
from triage.models import Account, EventKind, Message, Ticket, TicketEvent
from triage.services import account_create

DEMO = ROOT / "demo" / "mail"


@pytest.mark.django_db(transaction=True)
def test_the_demo_messages_make_the_tickets_the_readme_promises(postgres, media_root):
    UserFactory(username="cara", role="ce", email="cara@example.com")
    initech = account_create(
        name="Initech", tier="enterprise", deployment="cloud", contact_email="ops@initech.example"
    )
    account_create(name="Northwind Labs", tier="presales", deployment="cloud")
    outputs = []
    for path in sorted(DEMO.glob("*.eml")):
        with path.open("rb") as stdin:
            done = _run(stdin, _env(media_root))
        assert done.returncode == 0, (path.name, done.stderr)
        outputs.append(done.stdout.decode().split()[0])
    assert outputs == ["opened", "opened", "reply", "opened", "automated", "quarantined"]
    webhooks = Ticket.objects.get(title="Webhooks arrive 20 minutes late")
    assert (webhooks.account, webhooks.channel) == (initech, "email")
    reply = TicketEvent.objects.get(ticket=webhooks, kind=EventKind.CUSTOMER_REPLY)
    assert reply.body == (
        "The delay is now 45 minutes. The endpoint is https://hooks.initech.example/orders."
    )
    unknown = Ticket.objects.get(title="How do I export my dashboards?")
    assert (unknown.account, unknown.tier) == (None, "free")
    assert "export all dashboards" in unknown.description
    request = PresalesRequest.objects.get()
    assert request.account == Account.objects.get(name="Northwind Labs")
    assert request.missing_fields == ["attempted_and_expected", "sales_context", "steps_taken"]
    assert Message.objects.filter(kind="auto_reply", to="cara@example.com").count() == 1
    assert Ticket.objects.count() == 3
