from django.urls import path

from genbo.calendars import views

app_name = "calendars"

urlpatterns = [
    path("renew/", views.token_renew, name="renew"),
    path("<str:token>.ics", views.user_feed, name="user_feed"),
    path("<str:token>/network/<slug:slug>.ics", views.network_feed, name="network_feed"),
]
