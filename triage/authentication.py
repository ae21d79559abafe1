"""Token authentication that reads the user's roles in the same query as the token."""

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from triage.roles import ROLES


def _role_flags() -> dict:
    memberships = User.groups.through.objects.filter(user_id=OuterRef("user_id"))
    return {f"has_role_{role}": Exists(memberships.filter(group__name=role)) for role in ROLES}


class TokenWithRolesAuthentication(TokenAuthentication):
    """DRF's token authentication, one query instead of two on every API call."""

    def authenticate_credentials(self, key):
        try:
            token = Token.objects.select_related("user").annotate(**_role_flags()).get(key=key)
        except Token.DoesNotExist:
            raise AuthenticationFailed("Invalid token.") from None
        if not token.user.is_active:
            raise AuthenticationFailed("User inactive or deleted.")
        token.user._roles = frozenset(r for r in ROLES if getattr(token, f"has_role_{r}"))
        return (token.user, token)
