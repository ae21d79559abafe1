from django.urls import path

from queues import dashboard_views, views

urlpatterns = [
    path("rota/", views.rota, name="rota"),
    path("rota/<str:username>/hours/", views.rota_hours, name="rota-hours"),
    path("rota/<str:username>/absences/", views.rota_absence, name="rota-absence"),
    path("notices/", views.notices, name="notices"),
]

# The leadership dashboard (issue 6): keep this block separate from the staffing pages.
dashboard_urlpatterns = [
    path("dashboard/", dashboard_views.dashboard_page, name="dashboard"),
    path("dashboard/<str:figure>.csv", dashboard_views.dashboard_csv, name="dashboard-csv"),
]
urlpatterns += dashboard_urlpatterns
