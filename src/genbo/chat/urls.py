from django.urls import path

from genbo.chat import views

app_name = "chat"

urlpatterns = [
    path("", views.index, name="index"),
    path("topics/new/", views.topic_create, name="topic_create"),
    path("direct/new/", views.direct_create, name="direct_create"),
    path("direct/people/", views.people_suggest, name="people_suggest"),
    path("networks/<slug:slug>/", views.network_room_open, name="network"),
    path("rooms/<int:pk>/", views.room, name="room"),
    path("rooms/<int:pk>/messages/", views.message_post, name="post"),
    path("rooms/<int:pk>/leave/", views.room_leave, name="leave"),
    path("rooms/<int:pk>/mentions/", views.mention_suggest, name="mention_suggest"),
    path("messages/<int:pk>/edit/", views.message_edit, name="edit"),
    path("messages/<int:pk>/delete/", views.message_delete, name="delete"),
]
