from django.urls import path

from genbo.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("guide/", views.guide_index, name="guide"),
    path("guide/<slug:slug>/", views.guide_page, name="guide_page"),
]
