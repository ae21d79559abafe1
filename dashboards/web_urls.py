from django.urls import path

from dashboards import views

urlpatterns = [
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("dashboard/<str:figure>.csv", views.dashboard_csv, name="dashboard-csv"),
]
