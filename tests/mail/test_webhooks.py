"""Providers' inbound webhooks (django-anymail): signed requests become tickets, others nothing."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest
from django.test import Client

from tests.mail import imap
from triage.models import Message, Ticket

SIGNING_KEY = "key-mailgun-signing-for-tests"
BASIC = "provider:s3cret-in-the-url"


@pytest.fixture(autouse=True)
def providers(settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY, "WEBHOOK_SECRET": [BASIC]}


def _auth(credentials: str = BASIC) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(credentials.encode()).decode()}


def _mailgun(raw: bytes, *, key: str = SIGNING_KEY, token: str = "a" * 50) -> dict:
    timestamp = str(int(time.time()))
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {
        "body-mime": raw.decode(),
        "recipient": "support@example.com",
        "sender": "ops@acme.example",
        "timestamp": timestamp,
        "token": token,
        "signature": signature,
    }


def _postmark(raw: bytes) -> str:
    return json.dumps(
        {
            "FromFull": {"Email": "ops@acme.example", "Name": "Ops"},
            "ToFull": [{"Email": "support@example.com", "Name": ""}],
            "Subject": "Export stuck",
            "Headers": [{"Name": "Return-Path", "Value": "<ops@acme.example>"}],
            "RawEmail": raw.decode(),
        }
    )


def test_a_signed_mailgun_message_becomes_a_ticket_and_its_retry_nothing_more(db):
    raw = imap.rfc5322(1, message_id="<export-1@acme.example>")
    client = Client()

    first = client.post("/mail/inbound/mailgun/mime/", _mailgun(raw), **_auth())
    retry = client.post("/mail/inbound/mailgun/mime/", _mailgun(raw, token="b" * 50), **_auth())

    assert (first.status_code, retry.status_code) == (200, 200)
    message = Message.objects.get()
    assert (message.message_id, message.source, message.kind) == (
        "export-1@acme.example",
        "webhook",
        "opened",
    )
    assert Ticket.objects.get().requester_email == "ops@acme.example"


def test_a_mailgun_request_with_a_bad_signature_is_refused_and_stores_nothing(db):
    raw = imap.rfc5322(1)
    forged = _mailgun(raw, key="not-the-signing-key")
    tampered = {**_mailgun(raw), "timestamp": "1700000000"}

    for data in (forged, tampered):
        answer = Client().post("/mail/inbound/mailgun/mime/", data, **_auth())
        assert answer.status_code == 400  # anymail: SuspiciousOperation

    assert not Message.objects.exists() and not Ticket.objects.exists()


def test_a_postmark_message_needs_the_webhook_secret(db):
    raw = imap.rfc5322(2, message_id="<export-2@acme.example>")
    client = Client()
    post = lambda **auth: client.post(  # noqa: E731
        "/mail/inbound/postmark/", _postmark(raw), content_type="application/json", **auth
    )

    assert post().status_code == 400
    assert post(**_auth("provider:guess")).status_code == 400
    assert not Message.objects.exists()

    assert post(**_auth()).status_code == 200
    assert post(**_auth()).status_code == 200  # Postmark retries: still one message
    assert Message.objects.get().message_id == "export-2@acme.example"
    assert Ticket.objects.count() == 1


def test_a_provider_without_its_secret_is_not_there(db, settings):
    settings.ANYMAIL = {}
    raw = imap.rfc5322(3)
    mailgun = Client().post("/mail/inbound/mailgun/mime/", _mailgun(raw))
    postmark = Client().post(
        "/mail/inbound/postmark/", _postmark(raw), content_type="application/json"
    )
    assert (mailgun.status_code, postmark.status_code) == (404, 404)
    assert not Message.objects.exists()
