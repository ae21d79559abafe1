"""Factories build rows through the services, so every ticket has a real stored rank."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone
from rest_framework.authtoken.models import Token

from shared.roles import ensure_groups
from triage import services
from triage.models import Account, Ticket


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            ensure_groups()
            self.groups.set([Group.objects.get(name=extracted)])
            self.__dict__.pop("_roles", None)


def token_for(user: User) -> str:
    return Token.objects.get_or_create(user=user)[0].key


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    name = factory.Sequence(lambda n: f"Account {n}")
    tier = "enterprise"
    deployment = "cloud"


class TicketFactory(factory.Factory):
    """Build a ticket through `ticket_create`: `TicketFactory(tier="free", severity="p2")`."""

    class Meta:
        model = Ticket

    title = factory.Sequence(lambda n: f"Ticket {n}")
    description = "Steps to reproduce, logs, impact."
    severity = ""
    tier = "enterprise"
    source = factory.LazyAttribute(
        lambda o: {"internal": "internal", "presales": "presales"}.get(o.tier, "customer")
    )
    account = factory.LazyAttribute(
        lambda o: None if o.tier == "internal" else AccountFactory(tier=o.tier)
    )
    by = None
    now = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class, *, tier, **kwargs):
        by = kwargs.get("by")
        # A CE filing a pre-sales ticket asks for it herself, as her own form does.
        if (
            kwargs.get("source") == "presales"
            and "requester" not in kwargs
            and by is not None
            and by.groups.filter(name="ce").exists()
        ):
            kwargs["requester"] = by
        return services.ticket_create(**kwargs)

    _build = _create


def public_reply(*, ticket, by, body, substantive: bool, now=None) -> Ticket:
    """Send a public reply (substantive: it sums up troubleshooting and next steps) and return
    the ticket as saved."""
    services.ticket_reply(
        ticket=ticket, by=by, body=body, public=True, first_response=substantive, now=now
    )
    return Ticket.objects.get(pk=ticket.pk)


def escalate(ticket: Ticket, *, by, **overrides):
    """Escalate a triaged ticket to engineering with complete context; `overrides` change fields."""
    from datetime import date

    from escalations.services import escalation_create

    context = {
        "summary": "Exports time out",
        "reproduction_steps": "Export a project with 50k issues",
        "impact": "Forty admins cannot run the audit",
        "customer_deadline": date(2099, 1, 1),
        "tried": "Raised the proxy timeout",
        "links": ["https://logs.example.com/trace/abc"],
    }
    return escalation_create(ticket=ticket, by=by, **{**context, **overrides})
