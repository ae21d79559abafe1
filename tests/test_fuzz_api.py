"""Fuzz the REST API against its own OpenAPI schema, as every role (issue 8).

Schemathesis reads `/api/v1/schema/` from the app in-process (WSGI, no server) and sends
generated requests to every operation, as support, leadership, engineering and a CE. Each
response must not be a server error and must match the schema: a documented status code, the
documented content type, and a body that fits the documented schema. A separate test sends
anonymous calls to every operation: each must answer 401 (the schema and docs pages are public,
but they are not operations in the schema).

Bounded and deterministic: per operation and signed-in role, `MAX_EXAMPLES` (50) generated
cases plus schemathesis' coverage phase (deterministic boundary and invalid values); 5 cases
per operation for anonymous callers, whose input is never read. Hypothesis is derandomized
(a fixed seed derived from each test) and keeps no example database, so a run repeats the
last one. 39 operations: 156 operation-role tests and 39 anonymous ones.

Cost on this 2-core machine, nothing else running, PostgreSQL: 95 s wall, 81 s of CPU for
the module at 50 (at 25 it was ~103 s of CPU on a loaded machine); `FUZZ_EXAMPLES` changes
the figure for a quicker or deeper local run.

The module seeds one world once (accounts of every tier, tickets in several statuses, a
pinned one, a pre-sales request filed by the CE, an exception, a trial channel, an escalation,
staff profiles and an absence) in a transaction rolled back at the end; each test nests in it,
and each case runs in a savepoint that is rolled back, so no case sees another's writes. Path
ids mostly point at those rows, so the fuzzer reaches the views' validation and services, not
only their 404s.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.urls import Resolver404, resolve
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from presales import services as presales_services
from presales.models import ExceptionKind
from queues import services as queue_services
from tests.factories import AccountFactory, TicketFactory, UserFactory, escalate, token_for
from triage import services

# Generated cases per operation and role (FUZZ_EXAMPLES raises it for a deeper local run);
# the module docstring says why this figure.
MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "50"))
# An anonymous call is refused before its input is read, so a few cases per operation say it.
ANONYMOUS_EXAMPLES = 5
ROLES = ["support", "leadership", "engineering", "ce"]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _load_schema(max_examples: int, coverage: bool) -> schemathesis.BaseSchema:
    """Load the app's schema in-process, bounded and derandomized (no example database)."""
    loaded = schemathesis.openapi.from_wsgi(
        "/api/v1/schema/?format=json", get_wsgi_application(), config=schemathesis.Config()
    )
    loaded.config.generation.update(max_examples=max_examples, deterministic=True, database="none")
    loaded.config.phases.coverage.enabled = coverage
    return loaded


schema = _load_schema(MAX_EXAMPLES, coverage=True)
anonymous_schema = _load_schema(ANONYMOUS_EXAMPLES, coverage=False)


@pytest.fixture(scope="module", autouse=True)
def keep_test_transaction():
    """Keep the test's database connection open across requests, as Django's test client does.

    Django's WSGI handler closes "old" connections when a request starts and finishes; inside
    the test's transaction that would close the connection and lose the seeded rows.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@dataclass
class Seeded:
    """Real rows the generated path ids are pointed at, and one API token per role."""

    tokens: dict[str, str]
    ids: dict[str, list[int]] = field(default_factory=dict)
    usernames: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def seeded_world(django_db_setup, django_db_blocker):
    """Seed the rows once for the module, in a transaction rolled back at its end.

    Each test's own transaction (the `db` fixture) nests inside it as a savepoint.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield _seed()
        transaction.set_rollback(True)


@pytest.fixture
def seeded(seeded_world, db) -> Seeded:
    return seeded_world


def _seed() -> Seeded:
    """Seed one small world of every kind of row the API serves."""
    now = timezone.now()
    today = timezone.localdate()
    sam = UserFactory(username="sam", role="support", email="sam@example.com")
    sofia = UserFactory(username="sofia", role="support", email="sofia@example.com")
    lee = UserFactory(username="lee", role="leadership", email="lee@example.com")
    eve = UserFactory(username="eve", role="engineering", email="eve@example.com")
    cara = UserFactory(username="cara", role="ce", email="cara@example.com")
    for user in (sam, sofia):
        queue_services.staff_update(
            user=user,
            by=user,
            timezone_name="Europe/Berlin",
            region="emea",
            weekly_hours=[{"day": d, "start": "09:00", "end": "17:00"} for d in range(5)],
        )
    queue_services.absence_add(
        user=sofia, by=lee, start=now + timedelta(days=1), end=now + timedelta(days=2)
    )

    tickets = [
        TicketFactory(tier=tier, severity=severity, by=sam)
        for tier, severity in [
            ("enterprise", "p1"),
            ("team", "p2"),
            ("free", "p3"),
            ("open_source", ""),
            ("internal", "p2"),
        ]
    ]
    triaged, in_progress, resolved = tickets[0], tickets[1], tickets[2]
    services.ticket_triage(ticket=triaged, by=sam, severity="p1", priority="p1", reason="")
    services.ticket_update(ticket=in_progress, by=sam, assignee=sam)
    services.ticket_update(ticket=in_progress, by=sam, status="in_progress")
    services.ticket_update(ticket=resolved, by=sam, status="resolved")
    services.ticket_pin(ticket=tickets[3], by=lee, reason="Outage for a big customer")

    prospect = AccountFactory(name="Acme Prospect", tier="presales")
    request = presales_services.presales_request_create(
        by=cara,
        account=prospect,
        summary="Helm install fails on the prospect's EKS cluster",
        attempted_and_expected="Installed chart 7.2; expected pods up.",
        steps_taken="Checked node resources and image pulls.",
        impact="The whole evaluation team is blocked.",
        design_doc_links=["https://docs.example.com/design/acme"],
        sales_context="Technical evaluation, week 2 of 4.",
        key_dates=[(today + timedelta(days=30), "Decision call")],
    )
    exception = presales_services.exception_request(
        by=cara,
        kind=ExceptionKind.values[0],
        account=prospect,
        reason="A trial beyond the usual length.",
        ends_on=today + timedelta(days=60),
    )
    channel = presales_services.channel_join(ticket=request.ticket, by=sam, channel="#trial-acme")
    escalation = escalate(triaged, by=sam, customer_deadline=today + timedelta(days=14))
    tickets.append(request.ticket)

    users = {"support": sam, "leadership": lee, "engineering": eve, "ce": cara}
    return Seeded(
        tokens={role: token_for(user) for role, user in users.items()},
        ids={
            "accounts": [prospect.pk, *(t.account_id for t in tickets if t.account_id)],
            "tickets": [t.pk for t in tickets],
            "escalations": [escalation.pk],
            "requests": [request.pk],
            "exceptions": [exception.pk],
            "channels": [channel.pk],
        },
        usernames=["sam", "sofia", "lee"],
    )


# Which seeded rows a path's `{id}` names: the first path segment after /api/v1/ decides.
ID_KINDS = {
    "accounts": "accounts",
    "tickets": "tickets",
    "escalations": "escalations",
    "requests": "requests",
    "exceptions": "exceptions",
    "channels": "channels",
}


def _aim_at_real_rows(case, seeded: Seeded) -> None:
    """Point most generated path ids at seeded rows; keep the rest (unknown ids, bad types)."""
    segments = [s for s in case.operation.path.split("/") if s and not s.startswith("{")]
    for name, value in list(case.path_parameters.items()):
        if name == "id" and isinstance(value, int) and not isinstance(value, bool):
            kind = next((ID_KINDS[s] for s in reversed(segments) if s in ID_KINDS), None)
            real = seeded.ids.get(kind or "", [])
            slot = value % (len(real) + 1)
            if real and slot < len(real):
                case.path_parameters[name] = real[slot]
        elif name == "username" and isinstance(value, str):
            slot = len(value) % (len(seeded.usernames) + 1)
            if slot < len(seeded.usernames):
                case.path_parameters[name] = seeded.usernames[slot]


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
# `seeded` is made once per test, not per case: each case runs in a savepoint that is rolled
# back, so the fixture's rows are all any case sees.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api_conforms_to_its_schema(case, role, seeded):
    _aim_at_real_rows(case, seeded)
    _call_and_validate(case, {"Authorization": f"Token {seeded.tokens[role]}"})


@anonymous_schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_anonymous_callers_get_401(case, seeded):
    """Every operation needs a signed-in caller; the schema and docs pages are not operations.

    Only a path no route matches (an `{id}` that is not a number) answers 404 first: it names
    no operation at all.
    """
    _aim_at_real_rows(case, seeded)
    response = _call_and_validate(case, {})
    expected = 401 if _resolves(case.formatted_path) else 404
    assert response.status_code == expected, (case.method, case.formatted_path)


def _call_and_validate(case, headers: dict[str, str]):
    """Send the case in a savepoint rolled back afterwards, so no case sees another's writes."""
    with transaction.atomic():
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        transaction.set_rollback(True)
    return response


def _resolves(path: str) -> bool:
    try:
        resolve(urlsplit(path).path)
    except Resolver404:
        return False
    return True
