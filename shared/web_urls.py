"""Pages every user has: signing in and out, and their own API token."""

from django.urls import path

from shared import token_views, views

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("me/token/", token_views.api_token, name="my-token"),
]
