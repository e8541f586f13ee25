from django.urls import path

from genbo.networks import views

app_name = "networks"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("new/", views.network_create, name="create"),
    path("without-convener/", views.networks_without_convener, name="without_convener"),
    path("<slug:slug>/", views.network_detail, name="detail"),
    path("<slug:slug>/edit/", views.network_edit, name="edit"),
    path("<slug:slug>/join/", views.network_join, name="join"),
    path("<slug:slug>/leave/", views.network_leave, name="leave"),
    path("<slug:slug>/take-over/", views.network_take_over, name="take_over"),
    path("<slug:slug>/members/", views.network_members_manage, name="members"),
    path(
        "<slug:slug>/members/<int:membership_id>/<slug:action>/",
        views.membership_change,
        name="membership_change",
    ),
    path("<slug:slug>/meetings/", views.meeting_list, name="meetings"),
    path("<slug:slug>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("<slug:slug>/meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("<slug:slug>/meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("<slug:slug>/meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("<slug:slug>/meetings/<int:pk>/answer/", views.meeting_respond, name="meeting_respond"),
    path(
        "<slug:slug>/meetings/<int:pk>/approve-minutes/",
        views.minutes_approve,
        name="minutes_approve",
    ),
    path(
        "<slug:slug>/meetings/<int:pk>/addendum/", views.minutes_addendum, name="minutes_addendum"
    ),
    path("<slug:slug>/meetings/<int:pk>/calendar.ics", views.meeting_ics, name="meeting_ics"),
]
