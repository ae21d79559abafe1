"""Pages for escalations, under /engineering/."""

from django.urls import path

from escalations import views as views

urlpatterns = [
    path("", views.inbox, name="engineering-inbox"),
    path("tickets/<int:pk>/escalate/", views.ticket_escalate, name="ticket-escalate"),
    path("escalations/<int:pk>/", views.escalation_detail, name="escalation-detail"),
    path("escalations/<int:pk>/decide/", views.escalation_decide, name="escalation-decide"),
    path("escalations/<int:pk>/answer/", views.escalation_answer, name="escalation-answer"),
]
