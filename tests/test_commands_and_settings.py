"""The add_user command's contract, demo data, and settings that must hold in production."""

import io
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from shared.roles import roles_of
from triage.models import OPEN_STATUSES, Account, Ticket

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_add_user_with_token_prints_only_the_token_last():
    out = io.StringIO()
    call_command("add_user", "ann", role="support", password="pw-123456", token=True, stdout=out)
    last = out.getvalue().strip().splitlines()[-1]
    user = User.objects.get(username="ann")
    assert last == Token.objects.get(user=user).key
    assert roles_of(user) == {"support"} and user.check_password("pw-123456")


@pytest.mark.django_db
def test_add_user_updates_the_role_of_an_existing_user():
    call_command("add_user", "ann", role="support", stdout=io.StringIO())
    call_command("add_user", "ann", role="leadership", stdout=io.StringIO())
    assert roles_of(User.objects.get(username="ann")) == {"leadership"}


@pytest.mark.django_db
def test_demo_data_covers_every_tier_source_status_and_role():
    out = io.StringIO()
    call_command("seed_demo", tickets=200, stdout=out)
    assert "password" in out.getvalue()
    assert set(Account.objects.values_list("tier", flat=True)) == {
        "presales", "enterprise", "team", "free", "open_source"
    }  # fmt: skip
    assert 200 <= Ticket.objects.count() <= 210  # plus a few pre-sales requests
    assert set(Ticket.objects.values_list("source", flat=True)) == {
        "customer", "presales", "internal"
    }  # fmt: skip
    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert {"new", "triaged", "in_progress", "resolved", "closed"} <= statuses
    assert set(Ticket.objects.values_list("priority", flat=True)) == {"p0", "p1", "p2", "p3"}
    pinned = Ticket.objects.filter(status__in=OPEN_STATUSES, pinned_at__isnull=False)
    assert pinned.count() == 3 and all(t.pin_reason for t in pinned)  # a few pins, with reasons
    from presales.models import PresalesRequest
    from queues.models import StaffProfile

    assert PresalesRequest.objects.exists()
    assert StaffProfile.objects.count() == 10  # PRODUCT.md's ten-engineer demo rota
    for username, role in [("sam", "support"), ("cara", "ce"), ("lee", "leadership")]:
        assert roles_of(User.objects.get(username=username)) == {role}


def _check(settings_module: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL")}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", f"--settings={settings_module}"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_refuse_to_start_without_a_secret_key():
    answer = _check("config.settings.production")
    assert answer.returncode != 0
    assert "SECRET_KEY" in answer.stderr


def test_production_settings_load_with_a_secret_key():
    # A random key: production now refuses repetitive ones like "x" * 50 (tests/config).
    answer = _check("config.settings.production", SECRET_KEY=secrets.token_urlsafe(50))
    assert answer.returncode == 0, answer.stderr


def test_beat_schedules_every_periodic_task_and_each_exists():
    from django.conf import settings

    from config.celery import app

    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled == {
        "triage.sla_warnings_scan",  # R6 breach warnings
        "queues.tasks.evaluate_load",  # R7 load levels and notices
        "queues.tasks.sweep_notices",  # R7 the notice outbox
        "presales.tasks.channel_reminders_send",  # R9 trial channels
        "mail.tasks.fetch_mail",  # issue 13: IMAP polling
    }
    assert scheduled <= set(app.tasks)
