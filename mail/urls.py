"""Inbound webhook URLs, under /mail/inbound/ (docs/mail.md, "Provider webhooks")."""

from anymail.webhooks.mailgun import MailgunInboundWebhookView
from anymail.webhooks.postmark import PostmarkInboundWebhookView
from django.urls import path

from mail.webhooks import guarded

app_name = "mail"
urlpatterns = [
    # Mailgun route action forward("https://…/mail/inbound/mailgun/mime/"): the raw MIME.
    path(
        "inbound/mailgun/mime/",
        guarded(MailgunInboundWebhookView, "MAILGUN_WEBHOOK_SIGNING_KEY"),
        name="mailgun-inbound-mime",
    ),
    # Mailgun's fully parsed form (Anymail rebuilds the message from its fields).
    path(
        "inbound/mailgun/",
        guarded(MailgunInboundWebhookView, "MAILGUN_WEBHOOK_SIGNING_KEY"),
        name="mailgun-inbound",
    ),
    # Postmark signs nothing: basic auth (WEBHOOK_SECRET) in the URL Postmark posts to.
    path(
        "inbound/postmark/",
        guarded(PostmarkInboundWebhookView, "WEBHOOK_SECRET"),
        name="postmark-inbound",
    ),
]
