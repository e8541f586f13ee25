from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path

from genbo.accounts import views

app_name = "accounts"

urlpatterns = [
    path("accounts/login/", login_not_required(views.SignInView.as_view()), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("people/<int:pk>/", views.profile, name="profile"),
    path("profile/edit/", views.profile_edit, name="profile_edit"),
    path("competences/suggest/", views.competence_autocomplete, name="competence_suggest"),
]
