from django.urls import path

from queues import apis, dashboard_apis

urlpatterns = [
    path("queue/", apis.QueueApi.as_view(), name="api-queue"),
    path("queue/next/", apis.QueueNextApi.as_view(), name="api-queue-next"),
    path("queue/claim/", apis.QueueClaimApi.as_view(), name="api-queue-claim"),
    path("queue/health/", apis.QueueHealthApi.as_view(), name="api-queue-health"),
    path("staff/", apis.StaffListApi.as_view(), name="api-staff"),
    path("staff/<str:username>/", apis.StaffDetailApi.as_view(), name="api-staff-detail"),
    path(
        "staff/<str:username>/absences/",
        apis.StaffAbsenceApi.as_view(),
        name="api-staff-absences",
    ),
]

# The leadership dashboard's figures (issue 6): a separate block, merged after staffing's.
dashboard_urlpatterns = [
    path("dashboard/", dashboard_apis.DashboardApi.as_view(), name="api-dashboard"),
    path(
        "dashboard/<str:figure>/",
        dashboard_apis.DashboardFigureApi.as_view(),
        name="api-dashboard-figure",
    ),
]
urlpatterns += dashboard_urlpatterns
