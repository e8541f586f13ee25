from django.urls import path

from genbo.library import views

app_name = "library"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/<slug:kind>/", views.item_create, name="create"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/edit/", views.item_edit, name="edit"),
    path("items/<int:pk>/delete/", views.item_delete, name="delete"),
    path("items/<int:pk>/files/new/", views.file_add, name="file_add"),
    path("items/<int:pk>/links/new/", views.link_add, name="link_add"),
    path("items/<int:pk>/comments/", views.comment_add, name="comment"),
    path("items/<int:pk>/useful/", views.useful_toggle, name="useful"),
    path("files/<int:pk>/versions/new/", views.version_add, name="version_add"),
    path("versions/<int:pk>/download/", views.download, name="download"),
    path(
        "meetings/<int:meeting_id>/attachments/new/",
        views.attachment_add,
        name="attachment_add",
    ),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
]
