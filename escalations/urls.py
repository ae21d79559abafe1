"""API routes for escalations (R8)."""

from django.urls import path

from escalations import apis

urlpatterns = [
    path(
        "tickets/<int:pk>/escalations/",
        apis.TicketEscalationsApi.as_view(),
        name="api-ticket-escalations",
    ),
    path("escalations/", apis.EscalationListApi.as_view(), name="api-escalations"),
    path(
        "escalations/<int:pk>/",
        apis.EscalationDetailApi.as_view(),
        name="api-escalation",
    ),
    path(
        "escalations/<int:pk>/answer/",
        apis.EscalationAnswerApi.as_view(),
        name="api-escalation-answer",
    ),
]
