"""File a demo day through the services, so every due time, clock and timeline row is real.

`demo.day` plans who wrote in when and what the team did; this module creates the people, the
accounts and the ten-engineer rota, then replays each plan with the services of every app, at
the instants the plan gives (R10: each step is on the ticket's timeline with who and when).
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, time, timedelta

from django.contrib.auth.models import Group, User
from django.db import transaction

from demo import data
from demo.day import EXPECTED, Customer, Plan, plan_day
from escalations.models import Urgency
from escalations.services import escalation_create, escalation_decide
from presales.services import channel_join, exception_request, presales_request_create
from queues import rota
from queues.demo import seed_rota
from queues.selectors import staffing_at
from queues.services import absence_add
from shared.roles import ensure_groups
from triage import services
from triage.models import Account, Ticket
from triage.selectors import sla_book


def demo_users() -> dict[str, User]:
    """Create (or keep) one login per role with the demo password; return them by name."""
    ensure_groups()
    users = {}
    for username, role in data.USERS:
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.email = f"{username}@example.com"
            user.set_password(data.DEMO_PASSWORD)
            user.is_staff = role == "leadership"
            user.save()
        user.groups.set([Group.objects.get(name=role)])
        users[username] = user
    return users


def demo_accounts() -> dict[str, Account]:
    """Create the demo's customers and prospects (kept when they exist)."""
    accounts = {}
    for name, tier, deployment, premium, zone, contact in data.ACCOUNTS:
        account = Account.objects.filter(name=name).first() or services.account_create(
            name=name, tier=tier, deployment=deployment, premium=premium, timezone_name=zone,
            contact_email=contact,
        )  # fmt: skip
        accounts[name] = account
    return accounts


@transaction.atomic
def seed_day(*, now: datetime, count: int, seed: int) -> list[Plan]:
    """Load a day of work that ends at `now` into an empty database; return what was planned."""
    users = demo_users()
    for user in seed_rota():
        users[user.username] = user
    _absences(users, now)
    accounts = demo_accounts()
    engineers = staffing_at(now).engineers
    book = sla_book(now)
    plans = plan_day(
        now=now,
        rng=random.Random(seed),  # noqa: S311 - demo data
        count=count,
        customers=[Customer(a.name, a.tier, a.premium) for a in accounts.values()],
        rule_for=lambda tier, priority, premium: book.first_response(
            tier=tier, priority=priority, premium=premium
        ),
        working_at=lambda at: [e.username for e in rota.working_at(engineers, at)],
        engineers=[e.username for e in engineers],
    )
    replay = _Replay(users=users, accounts=accounts, now=now, rng=random.Random(seed), book=book)
    for plan in plans:
        replay.file(plan)
    replay.presales_extras()
    return plans


def _absences(users: dict[str, User], now: datetime) -> None:
    """One engineer out sick today, one at a conference next week (the rota page shows both)."""
    today = datetime.combine(now.date(), time(), tzinfo=now.tzinfo)
    absence_add(
        user=users["noah"], by=users["lee"], start=today, end=today + timedelta(days=1),
        reason="Out sick", now=today,
    )  # fmt: skip
    absence_add(
        user=users["lars"], by=users["lee"], start=today + timedelta(days=6),
        end=today + timedelta(days=8), reason="Conference", now=today,
    )  # fmt: skip


def _cause(plan: Plan) -> str:
    """Return what the first reply found: the issue's own cause, or the prospect's trial set-up."""
    if plan.source == "presales":
        return "a setting of the trial instance that differs from production"
    return data.ISSUES[plan.severity or "p2"][plan.issue][2]


class _Replay:
    """Replay plans through the services, each step at its planned instant."""

    def __init__(self, *, users, accounts, now, rng, book):
        self.users, self.accounts, self.now = users, accounts, now
        self.rng, self.book = rng, book
        self.tickets: dict[str, list[Ticket]] = {}

    def file(self, plan: Plan) -> Ticket:
        users, rng = self.users, self.rng
        ticket = self._create(plan)
        if plan.triaged_at:
            ticket = services.ticket_triage(
                ticket=ticket, by=users[plan.triaged_by], severity=plan.severity,
                priority=plan.priority, reason=plan.override_reason, now=plan.triaged_at,
            )  # fmt: skip
        engineer = users.get(plan.assignee or "")
        if plan.claimed_at:
            ticket = services.ticket_assign(
                ticket=ticket, by=engineer, assignee=engineer, now=plan.claimed_at
            )
            ticket = services.ticket_set_status(
                ticket=ticket, by=engineer, status="in_progress", reason="claimed",
                now=plan.claimed_at,
            )  # fmt: skip
        if plan.first_response_at:
            body = rng.choice(data.FIRST_REPLIES).format(
                cause=_cause(plan), next=rng.choice(data.NEXT_STEPS)
            )
            services.ticket_reply(
                ticket=ticket, by=engineer, body=body, public=True, first_response=True,
                now=plan.first_response_at,
            )  # fmt: skip
        if plan.status == "waiting_on_customer":
            ticket = services.ticket_set_status(
                ticket=ticket, by=engineer, status=plan.status,
                reason="asked the customer for the support bundle", now=plan.status_at,
            )  # fmt: skip
        if plan.update_at:
            services.ticket_reply(
                ticket=ticket, by=engineer, body=rng.choice(data.UPDATES), public=True,
                first_response=False, now=plan.update_at,
            )  # fmt: skip
        if plan.escalated_at:
            self._escalate(ticket, plan, engineer)
        if plan.status in ("resolved", "closed"):
            ticket = services.ticket_set_status(
                ticket=ticket, by=engineer, status="resolved",
                reason=rng.choice(data.RESOLUTIONS), now=plan.status_at,
            )  # fmt: skip
        if plan.closed_at:
            ticket = services.ticket_set_status(
                ticket=ticket, by=engineer, status="closed", reason="no reply in a while",
                now=plan.closed_at,
            )  # fmt: skip
        if plan.pin:
            by, reason, at = plan.pin
            ticket = services.ticket_pin(ticket=ticket, by=users[by], reason=reason, now=at)
        self.tickets.setdefault(plan.story, []).append(ticket)
        return ticket

    def _create(self, plan: Plan) -> Ticket:
        users, now = self.users, self.now
        filer = users.get(plan.triaged_by or "") or users["sam"]
        if plan.source == "internal":
            return services.ticket_create(
                title=data.INTERNAL_WORK[plan.issue], description="Internal work for the team.",
                source="internal", account=None, by=filer, now=plan.created_at, book=self.book,
            )  # fmt: skip
        account = self.accounts[plan.account]
        if plan.source == "presales":
            summary, attempted, scope, context = data.PRESALES_ISSUES[plan.issue]
            request = presales_request_create(
                by=users["cara"], account=account, summary=summary,
                attempted_and_expected=attempted,
                steps_taken="Reproduced on a fresh trial instance; collected the logs.",
                impact="The evaluation team cannot finish its test plan.", impact_scope=scope,
                design_doc_links=[f"https://docs.example.com/tdd/{account.pk}"]
                if plan.issue % 2 else [],
                sales_context=context,
                key_dates=[(now.date() + timedelta(days=self.rng.randint(2, 30)), "decision")],
                now=plan.created_at,
            )  # fmt: skip
            return request.ticket
        title, first_lines, _ = data.ISSUES[plan.severity or "p2"][plan.issue]
        return services.ticket_create(
            title=title, description=f"{first_lines}\n\nFiled from the customer's e-mail.",
            source="customer", account=account, severity=plan.reported_severity, by=filer,
            now=plan.created_at, book=self.book,
        )  # fmt: skip

    def _escalate(self, ticket: Ticket, plan: Plan, engineer: User) -> None:
        urgent = plan.priority in ("p0", "p1") and plan.story == "escalation_accepted"
        escalation = escalation_create(
            ticket=ticket, by=engineer, summary=ticket.title, **data.ESCALATION,
            customer_deadline=self.now.date() + timedelta(days=3),
            urgency=Urgency.DROP_EVERYTHING if urgent else Urgency.NORMAL,
            cannot_wait_a_day=urgent,
            justification="Production is down for all of their users." if urgent else "",
            now=plan.escalated_at,
        )  # fmt: skip
        if plan.accepted_at:
            escalation_decide(
                escalation=escalation, by=self.users["eve"], decision="accept",
                target_date=self.now.date() + timedelta(days=1), now=plan.accepted_at,
            )  # fmt: skip

    def presales_extras(self) -> None:
        """Sam joined one prospect's trial channel; cara asked leadership for an exception."""
        users, now = self.users, self.now
        open_presales = [
            t for story in ("claimed", "answered", "queued") for t in self.tickets.get(story, [])
            if t.source == "presales"
        ]  # fmt: skip
        if not open_presales:
            return
        ticket = open_presales[0]
        joined = max(ticket.updated_at, now - timedelta(hours=3))
        channel = "#trial-" + ticket.account.name.split()[0].lower()
        channel_join(ticket=ticket, by=users["sam"], channel=channel, now=joined)
        exception_request(
            by=users["cara"], kind="monitor_channel", account=ticket.account, ticket=ticket,
            reason="Strategic prospect; the trial ends in three weeks.",
            ends_on=now.date() + timedelta(days=21), now=joined + timedelta(minutes=20),
        )  # fmt: skip


def summary(plans: list[Plan]) -> str:
    """Say in one line what the day holds."""
    stories = Counter(p.story for p in plans if p.source != "internal")
    waiting_on_us = [p for p in plans if p.source != "internal" and EXPECTED.get(p.story)]
    states = Counter(EXPECTED[p.story] for p in waiting_on_us)
    done = sum(1 for p in plans if p.status in ("resolved", "closed"))
    return (
        f"Filed {len(plans)} tickets over the last 30 hours: {done} resolved or closed; of the "
        f"{len(waiting_on_us)} customers waiting on us, {states['ok']} are on track, "
        f"{states['near']} near their due time and {states['breached']} breached; "
        f"{stories['waiting']} wait on the customer; 2 escalations, "
        f"{sum(1 for p in plans if p.pin)} pins."
    )
