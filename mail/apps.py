from django.apps import AppConfig


class MailConfig(AppConfig):
    """Inbound mail on top of every app: a message becomes a ticket, a reply or a pre-sales
    request. The thread itself (`triage.models.Message`) lives in triage, so that every layer
    can thread what it sends."""

    name = "mail"
