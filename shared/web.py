"""Page plumbing every app shares: who may open a page, and htmx after sign-out."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import reverse

from shared import roles


def signed_in(view):
    """Like login_required; an htmx poll after sign-out makes the browser load the sign-in page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated and request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = f"{reverse('login')}?next={request.path}"
            return response
        return login_required(view)(request, *args, **kwargs)

    return wrapper


def staff_required(view):
    """Let support, leadership and engineering in."""
    return signed_in(_require_staff(view))


def _require_staff(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not roles.is_staff_role(request.user):
            raise PermissionDenied("Only support, leadership and engineering can open this page.")
        return view(request, *args, **kwargs)

    return wrapper
