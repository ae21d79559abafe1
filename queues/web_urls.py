from django.urls import path

from queues import views

urlpatterns = [
    path("", views.home, name="home"),
    path("queue/claim/", views.claim_next, name="queue-claim"),
    path("rota/", views.rota, name="rota"),
    path("rota/<str:username>/hours/", views.rota_hours, name="rota-hours"),
    path("rota/<str:username>/absences/", views.rota_absence, name="rota-absence"),
    path("notices/", views.notices, name="notices"),
]
