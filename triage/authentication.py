"""Token authentication that reads the user's roles in the same round trip as the token."""

from django.contrib.auth.models import User
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from triage.roles import ROLES

# Raw SQL on purpose: this runs on every API call, and compiling the equivalent ORM query
# (token, user and group names) costs more here than the round trip it saves (bench/queue.py).
_USER_AND_ROLES_SQL = """
    SELECT u.*, g.name AS role_name
    FROM authtoken_token t
    JOIN auth_user u ON u.id = t.user_id
    LEFT JOIN auth_user_groups ug ON ug.user_id = u.id
    LEFT JOIN auth_group g ON g.id = ug.group_id
    WHERE t.key = %s
"""


class TokenWithRolesAuthentication(TokenAuthentication):
    """DRF's token authentication, one query instead of two on every API call."""

    def authenticate_credentials(self, key):
        rows = list(User.objects.raw(_USER_AND_ROLES_SQL, [key]))
        if not rows:
            raise AuthenticationFailed("Invalid token.")
        user = rows[0]
        if not user.is_active:
            raise AuthenticationFailed("User inactive or deleted.")
        user._roles = frozenset(r.role_name for r in rows if r.role_name in ROLES)
        return (user, key)
