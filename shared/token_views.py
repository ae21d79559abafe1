"""Revoking API tokens (the API) and the "API token" page where a user manages their own."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.shortcuts import get_object_or_404, redirect, render
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from shared import roles
from shared.tokens import token_of, token_revoke, token_rotate

NO_CONTENT = OpenApiResponse(description="Revoked (or there was no token): it no longer works.")


class TokenRevokeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={204: NO_CONTENT},
        summary="Revoke your own API token",
        description="Any signed-in user. The token stops working at once (401); "
        "create a new one on the API token page (/me/token/).",
    )
    def post(self, request):
        token_revoke(user=request.user, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserTokenRevokeApi(APIView):
    permission_classes = [roles.role_permission(roles.LEADERSHIP)]

    @extend_schema(
        request=None,
        responses={204: NO_CONTENT, 404: OpenApiResponse(description="No such user.")},
        summary="Revoke someone's API token (leadership)",
    )
    def post(self, request, username: str):
        user = get_object_or_404(User, username=username)
        token_revoke(user=user, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenActionForm(forms.Form):
    action = forms.ChoiceField(choices=[("rotate", "Create a new token"), ("revoke", "Revoke")])
    confirm = forms.BooleanField(required=False)

    def __init__(self, *args, has_token: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_token = has_token

    def clean(self):
        # Only a token that exists can break tools; creating the first one needs no warning.
        if self.has_token and not self.cleaned_data.get("confirm"):
            self.add_error(
                "confirm", "Tick the box to confirm: tools using the token stop working."
            )
        return self.cleaned_data


@login_required
def api_token(request):
    """Show whether the user has an API token; create, rotate or revoke it (confirmed)."""
    token = token_of(request.user)
    form = TokenActionForm(request.POST or None, has_token=token is not None)
    new_key = None
    if request.method == "POST":
        if not form.is_valid():
            context = {"token": token, "form": form}
            return render(request, "triage/api_token.html", context, status=400)
        if form.cleaned_data["action"] == "revoke":
            token_revoke(user=request.user, by=request.user)
            messages.success(request, "Your API token is revoked: it no longer works.")
            return redirect("my-token")
        # The new key is shown once, in this answer, never stored in the session or a message.
        new_key = token_rotate(user=request.user, by=request.user).key
        form = TokenActionForm(has_token=True)
    context = {"token": token_of(request.user), "form": form, "new_key": new_key}
    return render(request, "triage/api_token.html", context)
