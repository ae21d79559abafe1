from django.urls import path

from queues import apis

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
