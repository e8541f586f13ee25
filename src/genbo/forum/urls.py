from django.urls import path

from genbo.forum import views

app_name = "forum"

urlpatterns = [
    path("", views.index, name="index"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("threads/new/", views.thread_create, name="thread_create"),
    path("threads/<int:pk>/", views.thread_detail, name="thread"),
    path("threads/<int:pk>/reply/", views.thread_reply, name="reply"),
    path("threads/<int:pk>/lock/", views.thread_lock, name="lock"),
    path("threads/<int:pk>/follow/", views.thread_follow, name="follow"),
    path("posts/<int:pk>/", views.post_link, name="post"),
    path("posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("posts/<int:pk>/delete/", views.post_delete, name="post_delete"),
    path("posts/<int:pk>/vote/", views.post_vote, name="vote"),
    path("posts/<int:pk>/accept/", views.post_accept, name="accept"),
    path("posts/<int:pk>/hide/", views.post_hide, name="hide"),
    path("mentions/suggest/", views.mention_suggest, name="mention_suggest"),
]
