from django.urls import path

from genbo.experts import views

app_name = "experts"

urlpatterns = [
    path("", views.search, name="search"),
    path("statistics/", views.statistics, name="statistics"),
    path("offers/", views.offer_list_mine, name="my_offers"),
    path("offers/new/", views.offer_create, name="offer_create"),
    path("offers/<int:pk>/", views.offer_detail, name="offer"),
    path("offers/<int:pk>/edit/", views.offer_edit, name="offer_edit"),
    path("offers/<int:pk>/switch/", views.offer_switch, name="offer_switch"),
    path("offers/<int:pk>/delete/", views.offer_delete, name="offer_delete"),
    path("offers/<int:pk>/ask/", views.request_create, name="request_create"),
    path("requests/", views.request_list, name="requests"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/calendar.ics", views.request_ics, name="request_ics"),
    path("requests/<int:pk>/<slug:action>/", views.request_action, name="request_action"),
]
