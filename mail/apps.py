from django.apps import AppConfig


class MailConfig(AppConfig):
    """Inbound mail on top of every app: a message becomes a ticket, a reply or a pre-sales
    request. The thread itself (`triage.models.Message`) lives in triage, so that every layer
    can thread what it sends."""

    name = "mail"

    def ready(self):
        from anymail.signals import inbound

        from mail.webhooks import inbound_received

        # Providers' inbound webhooks (mail/urls.py) into the one pipeline.
        inbound.connect(inbound_received, dispatch_uid="mail.inbound_received")
