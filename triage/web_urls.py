from django.contrib.auth import views as auth_views
from django.urls import path

from triage import views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket-detail"),
    path("accounts/<int:pk>/", views.account_detail, name="account-detail"),
]
