from django.urls import path

from genbo.accounts.scim import views

app_name = "scim"

urlpatterns = [
    path("<slug:slug>/Users", views.user_list, name="users"),
    path("<slug:slug>/Users/<str:pk>", views.user_detail, name="user"),
    path("<slug:slug>/Groups", views.group_list, name="groups"),
    path("<slug:slug>/Groups/<str:pk>", views.group_detail, name="group"),
    path(
        "<slug:slug>/ServiceProviderConfig",
        views.service_provider_config,
        name="service_provider_config",
    ),
]
