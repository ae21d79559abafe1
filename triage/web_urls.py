from django.urls import path

from triage import mail_views, views

urlpatterns = [
    path("tickets/new/", views.ticket_new, name="ticket-new"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket-detail"),
    path("tickets/<int:pk>/triage/", views.ticket_triage, name="ticket-triage"),
    path("tickets/<int:pk>/status/", views.ticket_status, name="ticket-status"),
    path("tickets/<int:pk>/assign/", views.ticket_assign, name="ticket-assign"),
    path("tickets/<int:pk>/pin/", views.ticket_pin, name="ticket-pin"),
    path("tickets/<int:pk>/unpin/", views.ticket_unpin, name="ticket-unpin"),
    path("tickets/<int:pk>/reply/", views.ticket_reply, name="ticket-reply"),
    path(
        "tickets/<int:pk>/attachments/<int:attachment_pk>/",
        mail_views.ticket_attachment_download,
        name="ticket-attachment",
    ),
    path("accounts/", views.account_list, name="account-list"),
    path("accounts/<int:pk>/", views.account_detail, name="account-detail"),
    path(
        "accounts/<int:pk>/addresses/",
        mail_views.account_address_add,
        name="account-address-add",
    ),
    path(
        "accounts/<int:pk>/addresses/<int:address_pk>/remove/",
        mail_views.account_address_remove,
        name="account-address-remove",
    ),
]
