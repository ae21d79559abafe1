from django.urls import path  # noqa: F401

from queues import dashboard_views

urlpatterns: list = []

# The leadership dashboard (issue 6): keep this block separate from the staffing pages.
dashboard_urlpatterns = [
    path("dashboard/", dashboard_views.dashboard_page, name="dashboard"),
    path("dashboard/<str:figure>.csv", dashboard_views.dashboard_csv, name="dashboard-csv"),
]
urlpatterns += dashboard_urlpatterns
