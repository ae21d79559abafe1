"""A ticket's mail thread (issue 13): every message received or sent, and its attachments.

Messages live in the triage layer, beside the tickets they belong to, so every layer above can
thread what it sends (queues' proactive notices, public replies, escalation decisions) and the
inbound mail app can thread what arrives. Nothing is deleted: a duplicate delivery is refused by
the unique Message-ID, automated and unreadable mail is kept with the reason it made no ticket.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from triage.models.accounts import Account, in_choices
from triage.models.tickets import Ticket

MESSAGE_ID_MAX = 998  # RFC 5322's line limit bounds any header value


class Direction(models.TextChoices):
    INBOUND = "in", "Received"
    OUTBOUND = "out", "Sent"


class MessageKind(models.TextChoices):
    # Received
    OPENED = "opened", "Opened the ticket"
    REPLY = "reply", "Reply"
    BOUNCE = "bounce", "Delivery failure"
    AUTOMATED = "automated", "Automated mail, no ticket"
    QUARANTINED = "quarantined", "Quarantined"
    # Sent
    PUBLIC_REPLY = "public_reply", "Public reply"
    NOTICE = "notice", "Proactive notice"
    AUTO_REPLY = "auto_reply", "Automatic reply"


class MessageSource(models.TextChoices):
    IMAP = "imap", "Mailbox (IMAP)"
    PIPE = "pipe", "Mail server (pipe)"
    WEBHOOK = "webhook", "Mail provider (webhook)"
    APP = "app", "Support Triage"


class Message(models.Model):
    """One mail message on a ticket's thread, received or sent."""

    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    direction = models.CharField(max_length=3, choices=Direction.choices)
    kind = models.CharField(max_length=16, choices=MessageKind.choices)
    source = models.CharField(max_length=8, choices=MessageSource.choices)
    # Without angle brackets. Received mail without one gets a stable id derived from a hash
    # of its bytes, so a second delivery of the same bytes is the same message.
    message_id = models.CharField(max_length=MESSAGE_ID_MAX, unique=True)
    in_reply_to = models.CharField(max_length=MESSAGE_ID_MAX, blank=True)
    references = models.TextField(blank=True, help_text="Message-IDs, space separated.")
    from_address = models.CharField(max_length=320, blank=True)
    from_name = models.CharField(max_length=200, blank=True)
    to = models.TextField(blank=True, help_text="Recipients, comma separated.")
    subject = models.TextField(blank=True)
    # Received: the new text only, quotes removed; sent: the body as sent.
    text = models.TextField(blank=True)
    # Received HTML, sanitized (nh3) before it is stored.
    html = models.TextField(blank=True)
    # The raw message as received or sent, kept either way (Django's storage).
    raw = models.FileField(upload_to="mail/raw/%Y/%m/%d/", blank=True)
    at = models.DateTimeField(help_text="When it was received or sent.")
    date_header = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True, help_text="Why it made no ticket, what was dropped.")
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["ticket", "at", "id"], name="message_thread"),
            models.Index(fields=["at"], condition=Q(kind="quarantined"), name="message_quarantine"),
            # RFC 3834: at most one automatic reply per sender per hour.
            models.Index(
                fields=["to", "at"], condition=Q(kind="auto_reply"), name="message_auto_reply"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=in_choices("direction", Direction), name="message_direction"
            ),
            models.CheckConstraint(condition=in_choices("kind", MessageKind), name="message_kind"),
            models.CheckConstraint(
                condition=in_choices("source", MessageSource), name="message_source"
            ),
        ]

    def __str__(self) -> str:
        return f"<{self.message_id}> {self.subject[:60]}"


class Attachment(models.Model):
    """A part of a received message saved through Django's storage, within the size limits."""

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="attachments")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    file = models.FileField(upload_to="mail/attachments/%Y/%m/%d/")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename


class AddressKind(models.TextChoices):
    ADDRESS = "address", "Address"
    DOMAIN = "domain", "Domain"


class AccountAddress(models.Model):
    """A contact address or an email domain that maps a sender to an account (issue 13)."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="addresses")
    kind = models.CharField(max_length=8, choices=AddressKind.choices)
    # Lower case: "ops@acme.io" or "acme.io".
    value = models.CharField(max_length=320)
    added_at = models.DateTimeField(null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Nothing is hard-deleted: a removed address stays with who removed it and when, and no
    # longer maps a sender; the same value may then be added again (to any account).
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "value"],
                condition=Q(removed_at__isnull=True),
                name="account_address_once",
            ),
            models.CheckConstraint(
                condition=in_choices("kind", AddressKind), name="account_address_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.value
