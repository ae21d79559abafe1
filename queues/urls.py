from django.urls import path

from queues import apis

urlpatterns = [
    path("queue/", apis.QueueApi.as_view(), name="api-queue"),
    path("queue/next/", apis.QueueNextApi.as_view(), name="api-queue-next"),
    path("queue/claim/", apis.QueueClaimApi.as_view(), name="api-queue-claim"),
]
