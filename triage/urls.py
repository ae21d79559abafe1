from django.urls import path

from triage import apis

urlpatterns = [
    path("accounts/", apis.AccountListApi.as_view(), name="api-accounts"),
    path("accounts/<int:pk>/", apis.AccountDetailApi.as_view(), name="api-account"),
    path(
        "accounts/<int:pk>/addresses/",
        apis.AccountAddressesApi.as_view(),
        name="api-account-addresses",
    ),
    path(
        "accounts/<int:pk>/addresses/<int:address_id>/remove/",
        apis.AccountAddressRemoveApi.as_view(),
        name="api-account-address-remove",
    ),
    path("tickets/", apis.TicketListApi.as_view(), name="api-tickets"),
    path("tickets/<int:pk>/", apis.TicketDetailApi.as_view(), name="api-ticket"),
    path("tickets/<int:pk>/triage/", apis.TicketTriageApi.as_view(), name="api-ticket-triage"),
    path("tickets/<int:pk>/pin/", apis.TicketPinApi.as_view(), name="api-ticket-pin"),
    path("tickets/<int:pk>/unpin/", apis.TicketUnpinApi.as_view(), name="api-ticket-unpin"),
    path("tickets/<int:pk>/replies/", apis.TicketRepliesApi.as_view(), name="api-ticket-replies"),
    path("tickets/<int:pk>/events/", apis.TicketEventsApi.as_view(), name="api-ticket-events"),
    path(
        "tickets/<int:pk>/messages/", apis.TicketMessagesApi.as_view(), name="api-ticket-messages"
    ),
]
