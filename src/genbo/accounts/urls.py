from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path

from genbo.accounts import sso_views, views

app_name = "accounts"

urlpatterns = [
    path("accounts/login/", login_not_required(views.SignInView.as_view()), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/sso/start/", sso_views.sso_start, name="sso_start"),
    path("accounts/sso/oidc/callback/", sso_views.oidc_callback, name="oidc_callback"),
    path("accounts/sso/saml/metadata/", sso_views.saml_metadata, name="saml_metadata"),
    path("accounts/sso/saml/acs/", sso_views.saml_acs, name="saml_acs"),
    path("accounts/sso/saml/finish/", sso_views.saml_finish, name="saml_finish"),
    path("accounts/sso/<slug:slug>/ldap/", sso_views.ldap_sign_in_view, name="ldap_sign_in"),
    path("people/<int:pk>/", views.profile, name="profile"),
    path("profile/edit/", views.profile_edit, name="profile_edit"),
    path("competences/suggest/", views.competence_autocomplete, name="competence_suggest"),
]
