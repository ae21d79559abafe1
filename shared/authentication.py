"""Token and session authentication that read the user's roles in the same query as the user."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.db.models import F
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from shared.precompiled import Precompiled
from shared.roles import ROLES

# This runs on every API call: one row per group of the token's user (or one with no group),
# compiled once (shared.precompiled), because compiling it per call cost more than the round
# trip it saves (bench/queue.py).
_USER_AND_ROLES = Precompiled(
    lambda key: User.objects.filter(auth_token__key=key).annotate(role_name=F("groups__name")),
    key=str,
)


class TokenWithRolesAuthentication(TokenAuthentication):
    """DRF's token authentication, one query instead of two on every API call."""

    def authenticate_credentials(self, key):
        rows = _USER_AND_ROLES.rows(key=key)
        if not rows:
            raise AuthenticationFailed("Invalid token.")
        user = rows[0]
        if not user.is_active:
            raise AuthenticationFailed("User inactive or deleted.")
        user._roles = frozenset(r.role_name for r in rows if r.role_name in ROLES)
        return (user, key)


# Every page request loads the signed-in user from the session; its roles come in the same
# round trip (issue 14), compiled once like the token's read.
_SESSION_USER_AND_ROLES = Precompiled(
    lambda pk: User.objects.filter(pk=pk).annotate(role_name=F("groups__name")), pk=int
)


class RolesModelBackend(ModelBackend):
    """Django's ModelBackend, loading a session's user with their roles in one query."""

    def get_user(self, user_id):
        try:
            rows = _SESSION_USER_AND_ROLES.rows(pk=int(user_id))
        except (TypeError, ValueError):
            return None
        if not rows:
            return None
        user = rows[0]
        user._roles = frozenset(r.role_name for r in rows if r.role_name in ROLES)
        return user if self.user_can_authenticate(user) else None
