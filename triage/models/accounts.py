"""Customer and prospect accounts, and the tiers they rank in (R1)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse

from triage import priority


class Tier(models.TextChoices):
    PRESALES = "presales", "Pre-sales"
    ENTERPRISE = "enterprise", "Enterprise"
    TEAM = "team", "Team"
    FREE = "free", "Free"
    OPEN_SOURCE = "open_source", "Open source"
    INTERNAL = "internal", "Internal"


class Deployment(models.TextChoices):
    CLOUD = "cloud", "Cloud"
    SELF_HOSTED = "self_hosted", "Self-hosted"


assert tuple(Tier.values) == priority.TIERS, "Tier choices must follow R1's order"


def in_choices(field: str, choices: type[models.TextChoices]) -> Q:
    return Q(**{f"{field}__in": choices.values})


class Account(models.Model):
    name = models.CharField(max_length=200, unique=True)
    tier = models.CharField(max_length=20, choices=[c for c in Tier.choices if c[0] != "internal"])
    deployment = models.CharField(max_length=20, choices=Deployment.choices)
    premium = models.BooleanField(
        default=False, help_text="Premium plan: p0 and p1 targets run 24×7."
    )
    timezone = models.CharField(
        max_length=64, blank=True, help_text="IANA time zone for messages to this customer."
    )
    contact_email = models.EmailField(
        blank=True, help_text="Where proactive notices to this customer go."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=in_choices("tier", Tier) & ~Q(tier=Tier.INTERNAL),
                name="account_tier_valid",
            ),
            models.CheckConstraint(
                condition=in_choices("deployment", Deployment), name="account_deployment_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_tier_display()})"

    def get_absolute_url(self) -> str:
        return reverse("account-detail", args=[self.pk])
