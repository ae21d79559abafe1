"""API routes for the caller's own access: revoking API tokens."""

from django.urls import path

from shared import token_views

urlpatterns = [
    path("auth/token/revoke/", token_views.TokenRevokeApi.as_view(), name="api-token-revoke"),
    path(
        "auth/tokens/<str:username>/revoke/",
        token_views.UserTokenRevokeApi.as_view(),
        name="api-user-token-revoke",
    ),
]
