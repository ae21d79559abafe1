"""Roles are groups (support, ce, leadership, engineering) and the checks built on them."""

from django.apps import apps
from django.contrib.auth.models import AnonymousUser, Group, Permission, User
from django.core.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

SUPPORT = "support"
CE = "ce"
LEADERSHIP = "leadership"
ENGINEERING = "engineering"
ROLES = (SUPPORT, CE, LEADERSHIP, ENGINEERING)
STAFF_ROLES = frozenset({SUPPORT, LEADERSHIP, ENGINEERING})
# How pages name each role (the group names are the API's and the admin's).
ROLE_LABELS = {
    SUPPORT: "support",
    CE: "customer engineer",
    LEADERSHIP: "leadership",
    ENGINEERING: "engineering",
}


def roles_of(user: User | AnonymousUser) -> frozenset[str]:
    """Return the user's roles, read once per request object and kept on it."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True)) & frozenset(ROLES)
        user._roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def require_role(user, *allowed: str, action: str = "") -> None:
    """Raise PermissionDenied (a 403 page) unless the user holds one of the allowed roles.

    With an action, the page says who may do it: "Only support can triage tickets."
    """
    if not has_role(user, *allowed):
        raise PermissionDenied(f"Only {' or '.join(allowed)} can {action}." if action else "")


def is_staff_role(user) -> bool:
    return bool(roles_of(user) & STAFF_ROLES)


class _RolePermission(BasePermission):
    roles: frozenset[str] = frozenset()
    message = "Your role does not allow this."

    def has_permission(self, request, view) -> bool:
        return bool(roles_of(request.user) & self.roles)


class IsStaffRole(_RolePermission):
    roles = STAFF_ROLES
    message = "Only support, leadership and engineering can do this."


class IsSupport(_RolePermission):
    roles = frozenset({SUPPORT})
    message = "Only support engineers can do this."


class IsSupportOrLeadership(_RolePermission):
    roles = frozenset({SUPPORT, LEADERSHIP})
    message = "Only support engineers and leadership can do this."


class IsCE(_RolePermission):
    roles = frozenset({CE})
    message = "Only customer engineers can do this."


def role_permission(*roles: str) -> type[BasePermission]:
    """Build a permission class for exactly these roles (for views with per-method rules)."""
    return type("Allow_" + "_".join(roles), (_RolePermission,), {"roles": frozenset(roles)})


def ensure_groups() -> None:
    """Create the four role groups and give leadership its admin permissions.

    Leadership edits the policy tables ("all editable in the admin"): each app names its own in
    its AppConfig's `leadership_admin_models`.
    """
    for role in ROLES:
        Group.objects.get_or_create(name=role)
    leadership = Group.objects.get(name=LEADERSHIP)
    perms = Permission.objects.none()
    for config in apps.get_app_configs():
        for model in getattr(config, "leadership_admin_models", ()):
            perms |= Permission.objects.filter(
                content_type__app_label=config.label, content_type__model=model
            ).exclude(codename__startswith="delete_")
    perms |= Permission.objects.filter(codename__startswith="view_")
    # Unlocking a sign-in that django-axes paused deletes its failed-attempt rows: a credential
    # record, not business data, so leadership may delete those.
    axes = Permission.objects.filter(content_type__app_label="axes")
    perms |= axes.filter(codename__startswith="delete_")
    leadership.permissions.set(perms)


def users_with_role(role: str):
    """Return the active users holding `role` (a queryset, so callers can add to it)."""
    return User.objects.filter(groups__name=role, is_active=True).distinct()


def support_users():
    """Return the active support engineers: who is warned, notified and on the rota."""
    return users_with_role(SUPPORT)
