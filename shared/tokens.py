"""API tokens: create, rotate and revoke, each logged with who did it to whose token.

A token is a credential, not business data: revoking deletes the authtoken row (DRF keeps one
per user) and leaves a log line, so `shared.authentication` stays one query per API call.
"""

from __future__ import annotations

import logging

from django.contrib.auth.models import User
from django.db import transaction
from rest_framework.authtoken.models import Token

log = logging.getLogger(__name__)


def token_of(user: User) -> Token | None:
    return Token.objects.filter(user=user).first()


@transaction.atomic
def token_rotate(*, user: User, by: User | None) -> Token:
    """Give the user a new API token; the old one, if any, stops working at once."""
    replaced = Token.objects.filter(user=user).delete()[0] > 0
    token = Token.objects.create(user=user)
    log.info(
        "api token of %s %s by %s",
        user.username,
        "rotated" if replaced else "created",
        by.username if by else "an operator",
    )
    return token


@transaction.atomic
def token_revoke(*, user: User, by: User | None) -> bool:
    """Delete the user's API token; return whether there was one."""
    revoked = Token.objects.filter(user=user).delete()[0] > 0
    if revoked:
        who = by.username if by else "an operator"
        log.info("api token of %s revoked by %s", user.username, who)
    return revoked
