"""Mail providers' inbound webhooks (issue 13) through django-anymail, signatures verified.

Anymail's views verify each request (Mailgun: the HMAC signature with the webhook signing key;
every provider: HTTP basic auth with ANYMAIL["WEBHOOK_SECRET"] when it is set; a failure answers
400) and send its `inbound` signal with the parsed message. The receiver is thin: the message's
bytes go to the one pipeline, `receive(raw, source="webhook")`, which deduplicates on the
Message-ID, so a provider's retry of the same message stores nothing new. An error there (the
database away) answers 500, and the provider tries again later.

A provider whose secret is not configured answers 404: an open inbound webhook would let anyone
on the web file tickets.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.views.decorators.csrf import csrf_exempt

from mail.services.intake import receive
from triage.models import MessageSource


def inbound_received(sender, event, esp_name, **kwargs) -> None:
    """Take one message a provider posted through the pipeline (anymail's `inbound` signal)."""
    receive(event.message.as_bytes(), source=MessageSource.WEBHOOK)


def guarded(view_class, *required: str):
    """Return the anymail view, answering 404 unless every `required` ANYMAIL setting is set."""
    view = view_class.as_view()

    @csrf_exempt
    def inbound_webhook(request, *args, **kwargs):
        configured = getattr(settings, "ANYMAIL", {})
        if not all(configured.get(name) for name in required):
            raise Http404("this provider's inbound webhook is not configured")
        return view(request, *args, **kwargs)

    return inbound_webhook
