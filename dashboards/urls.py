from django.urls import path

from dashboards import apis

urlpatterns = [
    path("dashboard/", apis.DashboardApi.as_view(), name="api-dashboard"),
    path(
        "dashboard/<str:figure>/",
        apis.DashboardFigureApi.as_view(),
        name="api-dashboard-figure",
    ),
]
