from django.urls import path

from presales import views

urlpatterns = [
    path("", views.my_requests, name="presales-my-requests"),
    path("new/", views.request_new, name="presales-request-new"),
    path("requests/<int:pk>/", views.request_detail, name="presales-request"),
    path("requests/<int:pk>/complete/", views.request_complete, name="presales-request-complete"),
    path("exceptions/", views.exception_list, name="presales-exceptions"),
    path("exceptions/new/", views.exception_new, name="presales-exception-new"),
    path("exceptions/<int:pk>/", views.exception_detail, name="presales-exception"),
    path("channels/", views.channel_list, name="presales-channels"),
    path("tickets/<int:pk>/channels/", views.channel_join, name="presales-channel-join"),
    path("channels/<int:pk>/leave/", views.channel_leave, name="presales-channel-leave"),
]
