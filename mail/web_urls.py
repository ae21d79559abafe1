from django.urls import path

from mail import views

urlpatterns = [
    path("quarantine/", views.quarantine, name="mail-quarantine"),
    path("quarantine/<int:pk>/release/", views.quarantine_release_view, name="mail-release"),
    path("tickets/<int:pk>/account/", views.ticket_account, name="mail-ticket-account"),
]
