from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from genbo.accounts.views import AdminSignInForm, media_file

handler403 = "genbo.core.views.permission_denied"
handler404 = "genbo.core.views.page_not_found"

admin.site.site_header = "GENBO"
admin.site.site_title = "GENBO"
admin.site.login_form = AdminSignInForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("", include("genbo.core.urls")),
    path("", include("genbo.accounts.urls")),
    path("networks/", include("genbo.networks.urls")),
    path("forum/", include("genbo.forum.urls")),
    path("notifications/", include("genbo.notifications.urls")),
    path("experts/", include("genbo.experts.urls")),
    path("library/", include("genbo.library.urls")),
    path("chat/", include("genbo.chat.urls")),
    path("search/", include("genbo.search.urls")),
    path("calendar/", include("genbo.calendars.urls")),
    path("media/<path:path>", media_file, name="media"),
    path("scim/v2/", include("genbo.accounts.scim.urls")),
]
