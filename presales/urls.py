from django.urls import path

from presales import apis

urlpatterns = [
    path("requests/", apis.PresalesRequestListApi.as_view(), name="api-presales-requests"),
    path(
        "requests/<int:pk>/", apis.PresalesRequestDetailApi.as_view(), name="api-presales-request"
    ),
    path("exceptions/", apis.ExceptionListApi.as_view(), name="api-presales-exceptions"),
    path("exceptions/<int:pk>/", apis.ExceptionDetailApi.as_view(), name="api-presales-exception"),
    path(
        "exceptions/<int:pk>/decide/",
        apis.ExceptionDecideApi.as_view(),
        name="api-presales-exception-decide",
    ),
    path("channels/", apis.ChannelListApi.as_view(), name="api-presales-channels"),
    path(
        "channels/<int:pk>/leave/",
        apis.ChannelLeaveApi.as_view(),
        name="api-presales-channel-leave",
    ),
]
