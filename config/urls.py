from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views

# The admin login goes through allauth, so its rate limits and verification apply.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Virtual Run"
admin.site.site_title = "Virtual Run admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", account_views.login, name="account_login"),
    path("accounts/", include("allauth.urls")),
    path("", include("web.urls")),
    path("", include("accounts.urls")),
    path("", include("programme.urls")),
    path("", include("imports.urls")),
    path("", include("exercises.urls")),
    path("", include("rewards.urls")),
    path("", include("strava.urls")),
]

handler400 = "web.views.bad_request"
handler403 = "web.views.permission_denied"
handler404 = "web.views.page_not_found"
handler500 = "web.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
